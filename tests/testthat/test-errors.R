# Each bad input is refused in R with a message naming the argument.

test_that("gplvm_loglik checks its arguments", {
  set.seed(31)
  Y <- matrix(rnorm(20), 10, 2)
  X <- matrix(rnorm(20), 10, 2)
  k <- kern_rbf()
  expect_error(gplvm_loglik("a", X, k, 0.1), "'Y'")
  expect_error(gplvm_loglik(as.data.frame(Y), X, k, 0.1), "'Y'")
  expect_error(gplvm_loglik(Y, c(X), k, 0.1), "'X'")
  expect_error(gplvm_loglik(Y, X[-1, ], k, 0.1), "'X'.*10 rows")
  expect_error(gplvm_loglik(Y[0, ], X, k, 0.1), "'Y'")
  expect_error(gplvm_loglik(replace(Y, 3, NA), X, k, 0.1), "'Y'.*NA")
  expect_error(gplvm_loglik(Y, replace(X, 3, Inf), k, 0.1), "'X'.*infinite")
  expect_error(gplvm_loglik(Y, replace(X, 3, NaN), k, 0.1), "'X'")
  expect_error(gplvm_loglik(Y, X, list(type = "rbf"), 0.1), "'kernel'")
  expect_error(gplvm_loglik(Y, X, kern_rbf(1, c(1, 2, 3)), 0.1),
               "'kernel'.*length 3.*2 dimensions")
  expect_error(gplvm_loglik(Y, X, k, 0), "'noise'")
  expect_error(gplvm_loglik(Y, X, k, -1), "'noise'")
  expect_error(gplvm_loglik(Y, X, k, Inf), "'noise'")
  expect_error(gplvm_loglik(Y, X, k, c(1, 2)), "'noise'")
  expect_error(gplvm_loglik(Y, X, k, 0.1, gradient = NA), "'gradient'")
  bad <- k
  bad$params$lengthscale <- -1
  expect_error(gplvm_loglik(Y, X, bad, 0.1), "'kernel'.*positive")
  bad$params$lengthscale <- NaN
  expect_error(gplvm_loglik(Y, X, bad, 0.1), "'kernel'.*positive")
  bad <- k
  bad$type <- "spline"
  expect_error(gplvm_loglik(Y, X, bad, 0.1), "'kernel'.*unknown type")
})

test_that("kernel constructors and helpers check their arguments", {
  expect_error(kern_rbf(0), "'variance'")
  expect_error(kern_rbf(1, -2), "'lengthscale'")
  expect_error(kern_matern32(NA), "'variance'")
  expect_error(kern_matern52(1, c(1, Inf)), "'lengthscale'")
  expect_error(kern_linear("a"), "'variance'")
  expect_error(kern_bias(c(1, 2)), "'variance'")
  expect_error(kern_white(-1), "'variance'")
  expect_error(kern_mlp(weight_variance = 0), "'weight_variance'")
  expect_error(kern_mlp(bias_variance = c(1, 2)), "'bias_variance'")
  expect_error(kern_rq(alpha = -1), "'alpha'")
  expect_error(kern_periodic(period = NA), "'period'")
  expect_error(kern_periodic(period = c(1, 2)), "'period'")
  expect_error(kern_rbf() + 1, "kernels")
  k <- kern_rbf()
  expect_error(kern_params(k) <- 1, "'value'")
  expect_error(kern_params(k) <- c(1, -1), "'value'")
  expect_error(kern_params(1), "'kernel'")
  X <- matrix(1:6, 3, 2)
  expect_error(kern_matrix(k, "x"), "'X'")
  expect_error(kern_matrix(k, X, matrix(1, 2, 3)), "'X2'.*2 columns")
  expect_error(kern_matrix(kern_linear(c(1, 2, 3)), X), "'kernel'")
})

test_that("gplvm_check_gradient checks its arguments", {
  set.seed(32)
  dat <- sparse_data(n = 10, d = 2, q = 2)
  Y <- dat$Y
  X <- dat$X
  k <- kern_rbf()
  expect_error(gplvm_check_gradient("a", X, k, 0.1), "'Y'")
  expect_error(gplvm_check_gradient(Y, X[-1, ], k, 0.1), "'X'.*10 rows")
  expect_error(gplvm_check_gradient(Y, X, kern_rbf(1, 1:3), 0.1), "'kernel'")
  expect_error(gplvm_check_gradient(Y, X, k, -1), "'noise'")
  expect_error(gplvm_check_gradient(Y, X, k, 0.1, inducing = X[, 1]),
               "'inducing'")
  expect_error(gplvm_check_gradient(Y, X, k, 0.1, inducing = X[1:3, ],
                                    approx = "exact"), "'approx'")
  expect_error(gplvm_check_gradient(Y, X, k, 0.1, NULL, "fitc"), "'...'")
  expect_error(gplvm_check_gradient(Y, X, k, 0.1, gradient = TRUE),
               "'...'.*approx")
  expect_error(gplvm_check_gradient(Y, X, k, 0.1, tol = 1e-3), "'...'")
  expect_error(gplvm_check_gradient(Y, X, k, 0.1, tolerance = 0),
               "'tolerance'")
  expect_error(gplvm_check_gradient(Y, X, k, 0.1, tolerance = c(1, 2)),
               "'tolerance'")
  expect_error(gplvm_check_gradient(Y, X, k, 0.1, tolerance = NA),
               "'tolerance'")
  expect_error(gplvm_check_gradient(Y, X, k, 0.1, max_latent = 0),
               "'max_latent'")
  expect_error(gplvm_check_gradient(Y, X, k, 0.1, max_latent = 2.5),
               "'max_latent'")
  expect_error(gplvm_check_gradient(Y, X, k, 0.1, max_latent = -Inf),
               "'max_latent'")
  expect_error(gplvm_check_gradient(Y, X, k, 0.1, max_latent = "all"),
               "'max_latent'")
})
