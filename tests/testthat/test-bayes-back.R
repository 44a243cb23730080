# Back-constrained Bayesian GP-LVM: the means of q(X) are the mapping of
# the data, mu = g(Y; w).  The objective's gradient against central
# differences of the plain Bayesian objective composed with a plain-R map,
# converged fits, continuation, restarts, predict and the argument checks.

# Relative errors, block by block (weights, log S, Z, log kernel
# parameters, log noise), of the back-constrained objective's gradient
# (the map's pullback) against central differences of the plain objective
# at the means the map gives: the plain-R MLP, and for the kernel map its
# own X(w), which test-back.R checks against K A (its eigenvectors' signs
# are LAPACK's choice, so a second eigen() need not reproduce them).
# Also checks the value against the quadrature bound of helper-bayes.R.
bayes_back_errors <- function(kind) {
  n <- 10L
  q <- 2L
  m <- 4L
  Y <- back_data(n, 3L)
  k <- kern_rbf(1.1, c(0.8, 1.5)) + kern_bias(0.2)
  control <- if (kind == "mlp") list(hidden = 3L) else list(width = 1.5)
  map <- .back_map(kind, Y, q, control)
  mean_r <- if (kind == "mlp") function(w) mlp_map_r(Y, w, 3L, q) else map$X
  obj <- bayes_objective(Y, k, 0.1, character(), q, m, latent = map)
  plain <- bayes_objective(Y, k, 0.1, character(), q, m)
  nw <- map$npar
  par <- c(map$start(.init_latent("pca", Y, q, 1)) +
             rnorm(nw, sd = 0.1),
           log(runif(n * q, 0.1, 0.5)), rnorm(m * q),
           log(kern_params(k)), log(0.1))
  composed <- function(p) plain$fn(c(mean_r(p[seq_len(nw)]), p[-seq_len(nw)]))
  r <- obj$eval(par)
  expect_equal(r$X, mean_r(par[seq_len(nw)]), tolerance = 1e-10,
               ignore_attr = TRUE)
  expect_equal(obj$fn(par), composed(par), tolerance = 1e-12)
  expect_equal(r$loglik, c(bayes_bound_r(Y, r$X, r$S, r$Z, k, 0.1)),
               tolerance = 1e-8)
  g <- obj$gr(par)
  fd <- fd_gradient(composed, par)
  blocks <- rep(c("w", "logS", "Z", "kernel", "noise"),
                c(nw, n * q, m * q, length(kern_params(k)), 1L))
  vapply(split(seq_along(par), factor(blocks, unique(blocks))),
         function(i) rel_err(g[i], fd[i]), 0)
}

test_that("the back-constrained bound's gradient matches finite differences", {
  set.seed(201)
  for (kind in c("kernel", "mlp")) {
    err <- bayes_back_errors(kind)
    expect_named(err, c("w", "logS", "Z", "kernel", "noise"))
    expect_true(all(err < 1e-6), label = paste(kind, format(err)))
  }
})

test_that("zero_dim sets one mapped dimension to 0 and keeps the others", {
  set.seed(205)
  Y <- back_data(10L, 3L)
  for (map in list(.back_map("kernel", Y, 3L, list()),
                   .back_map("mlp", Y, 3L, list(hidden = 2L)))) {
    w <- rnorm(map$npar)
    X0 <- map$X(w)
    X1 <- map$X(.zero_dim(map, w, 2L))
    expect_identical(X1[, 2], rep(0, 10))
    expect_equal(X1[, -2], X0[, -2], tolerance = 1e-14)
  }
})

test_that("switching off a back-constrained fit's dimension zeroes that output", {
  set.seed(206)
  base <- stopped_early(gplvm(iris[seq(1, 150, 5), 1:4], q = 3,
                              bayesian = TRUE, inducing = 6, back = "mlp",
                              back_control = list(hidden = 3L), maxit = 100,
                              prune = FALSE))
  s <- .switch_off(base, 2L)  # R/bayes.R
  map <- .back_map("mlp", base$Y, 3L, base$latent$control)
  X <- map$X(s$w)
  expect_identical(unname(X[, 2]), rep(0, 30))
  expect_equal(X[, -2], base$X[, -2], tolerance = 1e-14, ignore_attr = TRUE)
  expect_identical(unname(s$S[, 2]), rep(1, 30))
})

# Fits shared by the tests below: iris every third row, q = 2, M = 10.
back_iris <- iris[seq(1, 150, 3), 1:4]
bayes_back_fit <- local({
  fits <- list()
  function(kind) {
    if (is.null(fits[[kind]])) {
      set.seed(202)
      fits[[kind]] <<- gplvm(back_iris, q = 2, bayesian = TRUE,
                             inducing = 10, back = kind,
                             back_control = if (kind == "mlp")
                               list(hidden = 3L) else list())
    }
    fits[[kind]]
  }
})

test_that("back-constrained Bayesian fits converge with the means on the map", {
  for (kind in c("kernel", "mlp")) {
    fit <- expect_silent(bayes_back_fit(kind))
    expect_s3_class(fit, c("bgplvm", "gplvm"), exact = TRUE)
    expect_identical(fit$optim$convergence, 0L)
    expect_identical(fit$latent$kind, kind)
    # the means are the mapping of the (centred) data at the fitted weights
    map <- .back_map(kind, fit$Y, 2L, fit$latent$control)
    expect_equal(fit$X, map$X(fit$latent$par), ignore_attr = TRUE)
    # the stored bound is the bound at the stored parameters
    expect_equal(c(gplvm_loglik(fit$Y, fit$X, fit$kernel, fit$noise,
                                inducing = fit$inducing,
                                X_var = fit$X_var)),
                 fit$loglik, tolerance = 1e-10)
    expect_gt(fit$loglik, fit$loglik_init)
    # df: the weights instead of the means, then variances, Z, the free
    # hyperparameters (lengthscales and bias) and the noise
    expect_identical(attr(logLik(fit), "df"),
                     fit$latent$npar + 50L * 2L + 10L * 2L + 2L + 1L + 1L)
    out <- capture.output(print(fit))
    expect_true(any(grepl("Bayesian GP-LVM", out)))
    expect_true(any(grepl(paste0("Back-constraint: ", if (kind == "mlp")
      "X = MLP" else "X = K\\(Y\\) A"), out)))
    expect_true(any(grepl("ARD relevance", out)))
    s <- capture.output(print(summary(fit)))
    expect_true(any(grepl("Back-constraint", s)))
    expect_true(any(grepl("Dimensions used", s)))
  }
})

# predict(newdata = ) of a Bayesian fit: the means, and the variances
# kept as the attribute "X_var", apart.
split_var <- function(m) {
  list(X = structure(m, X_var = NULL), X_var = attr(m, "X_var"))
}

test_that("predict maps new rows and fits only their variances", {
  Ynew <- iris[c(2, 80, 140), 1:4]
  for (kind in c("kernel", "mlp")) {
    fit <- bayes_back_fit(kind)
    Ys <- sweep(as.matrix(Ynew), 2L, fit$center)
    # the means as a matrix, the variances as its attribute "X_var"
    p <- split_var(predict(fit, newdata = Ynew))
    # the means are the mapping, with no optimisation
    map <- .back_map(kind, fit$Y, 2L, fit$latent$control)
    expect_equal(p$X, map$map(fit$latent$par, Ys), tolerance = 1e-12,
                 ignore_attr = TRUE)
    if (kind == "mlp") {
      expect_equal(p$X, mlp_map_r(Ys, fit$latent$par, 3L, 2L),
                   tolerance = 1e-12, ignore_attr = TRUE)
    }
    expect_equal(split_var(predict(fit, newdata = back_iris))$X, fit$X,
                 tolerance = 1e-10)
    # the variances maximise the bound of all rows with the means held:
    # its gradient in the new log variances is near 0
    bound <- function(X, S) {
      gplvm_loglik(rbind(fit$Y, Ys), rbind(fit$X, X), fit$kernel,
                   fit$noise, gradient = TRUE, inducing = fit$inducing,
                   X_var = rbind(fit$X_var, S))
    }
    b <- bound(p$X, p$X_var)
    gS <- attr(b, "gradient")$X_var[51:53, ] * p$X_var
    expect_lt(max(abs(gS)), 1e-3)
    expect_gt(c(b), c(bound(p$X, p$X_var * 2)))
    expect_gt(c(b), c(bound(p$X, p$X_var / 2)))
    # refine = TRUE optimises the means too, from the mapped ones
    r <- split_var(predict(fit, newdata = Ynew, refine = TRUE))
    expect_gte(c(bound(r$X, r$X_var)), c(b) - 1e-8 * abs(c(b)))
    expect_gt(max(abs(r$X - p$X)), 0)
  }
})

test_that("a back-constrained Bayesian fit continues from its weights and restarts", {
  fit <- bayes_back_fit("kernel")
  again <- expect_silent(gplvm(back_iris, init = fit))
  expect_s3_class(again, "bgplvm")
  expect_identical(again$latent$kind, "kernel")
  # it starts where the fit ended: the same weights, variances and the rest
  expect_equal(again$loglik_init, fit$loglik, tolerance = 1e-10)
  expect_identical(again$optim$convergence, 0L)
  expect_gte(again$loglik, fit$loglik - 1e-8 * abs(fit$loglik))
  expect_identical(dimnames(again$X), dimnames(fit$X))
  expect_named(.ard_relevance(again), c("X1", "X2"))
  # a free Bayesian fit continued with a mapping starts the mapping's
  # weights from the fit's means
  set.seed(203)
  Y <- iris[seq(1, 150, 5), 1:4]
  free <- stopped_early(gplvm(Y, q = 2, bayesian = TRUE, inducing = 6,
                              maxit = 150))
  mapped <- stopped_early(gplvm(Y, init = free, back = "mlp", maxit = 50))
  expect_identical(mapped$latent$kind, "mlp")
  expect_equal(mapped$X_init, free$X, ignore_attr = TRUE)
  # two starts: the kept one has the higher bound
  set.seed(204)
  two <- expect_silent(gplvm(Y, q = 2, bayesian = TRUE, inducing = 6,
                             back = "kernel", restarts = 2))
  expect_length(two$restarts, 2L)
  expect_equal(two$objective, max(two$restarts))
  expect_identical(two$optim$convergence, 0L)
  expect_identical(two$latent$kind, "kernel")
})

test_that("bad combinations with bayesian = TRUE get errors naming the argument", {
  Y <- iris[seq(1, 150, 5), 1:4]
  expect_error(gplvm(Y, bayesian = TRUE, dynamics = TRUE),
               "'dynamics' and 'bayesian' = TRUE .* cannot be combined")
  expect_error(gplvm(Y, bayesian = TRUE, back = "kernel", dynamics = TRUE),
               "'dynamics' and 'bayesian' = TRUE .* cannot be combined")
  expect_error(gplvm(Y, bayesian = TRUE, back = "rbf"), "'back'")
  expect_error(gplvm(Y, bayesian = TRUE, back = "mlp",
                     back_control = list(width = 1)), "'back_control'")
  expect_error(gplvm(Y, bayesian = TRUE, back = "mlp",
                     back_control = list(hidden = 0)),
               "'back_control\\$hidden'")
  Yna <- as.matrix(Y)
  Yna[3, 2] <- NA
  # missing values: the map reads the imputed data (test-composed.R)
  expect_s3_class(stopped_early(gplvm(Yna, bayesian = TRUE, back = "kernel",
                                      inducing = 5, maxit = 20)), "bgplvm")
  fit <- bayes_back_fit("kernel")
  expect_error(predict(fit, newdata = back_iris[1:2, ], refine = NA),
               "'refine'")
  Ynew <- as.matrix(back_iris[1:2, ])
  Ynew[1, 1] <- NA
  expect_error(predict(fit, newdata = Ynew), "'newdata'")
  expect_error(predict(fit, newdata = Ynew[, 1:3]), "'newdata' lacks")
  expect_error(predict(fit, newdata = unname(Ynew[, 1:3])),
               "'newdata' must have 4 columns")
})
