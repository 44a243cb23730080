# Back-constraints (R/back.R): the mappings against plain-R references,
# the objective's gradient through them against finite differences (exact
# and sparse), starts, short converged fits, continuation, predict and the
# argument checks.

test_that("the kernel map is K A, on the training rows and on new ones", {
  set.seed(1)
  Y <- back_data()
  map <- gplvm:::.back_kernel(Y, 2L, width = 1.5)
  w <- rnorm(map$npar)
  X <- map$X(w)
  # A = U S^-1/2 B, recovered from X = K A
  A <- solve(exp(-as.matrix(dist(Y))^2 / (2 * 1.5^2)), X)
  expect_equal(kernel_map_r(Y, 1.5, A), X, tolerance = 1e-8,
               ignore_attr = TRUE)
  expect_equal(map$map(w, Y), X, tolerance = 1e-8)
  Ynew <- matrix(rnorm(8), 2, 4)
  expect_equal(map$map(w, Ynew),
               exp(-outer(rowSums(Ynew^2), rowSums(Y^2), `+`) / (2 * 1.5^2) +
                     tcrossprod(Ynew, Y) / 1.5^2) %*% A, tolerance = 1e-8)
  # the median rule
  expect_equal(gplvm:::.back_kernel(Y, 2L)$control$width,
               median(dist(Y)))
})

test_that("the MLP map is tanh(Y W1 + b1) W2 + b2", {
  set.seed(2)
  Y <- back_data()
  map <- gplvm:::.back_mlp(Y, 2L, 3L)
  expect_identical(map$npar, 4L * 3L + 3L + 3L * 2L + 2L)
  w <- rnorm(map$npar)
  expect_equal(map$X(w), mlp_map_r(Y, w, 3L, 2L), tolerance = 1e-14)
  Ynew <- matrix(rnorm(8), 2, 4)
  expect_equal(map$map(w, Ynew), mlp_map_r(Ynew, w, 3L, 2L),
               tolerance = 1e-14)
})

test_that("the starts reproduce a PCA start", {
  set.seed(3)
  Y <- as.matrix(iris[seq(1, 150, 5), 1:4])
  Y <- sweep(Y, 2L, colMeans(Y))
  X0 <- gplvm:::.init_latent("pca", Y, 2L, 1)
  km <- gplvm:::.back_kernel(Y, 2L)
  expect_lt(rel_err(km$X(km$start(X0)), X0), 1e-3)
  mm <- gplvm:::.back_mlp(Y, 2L, 5L)
  expect_lt(rel_err(mm$X(mm$start(X0)), X0), 0.02)
})

# The objective through a back-constraint map against central differences.
back_gradient_error <- function(kind, Z0 = NULL, approx = "vfe",
                                control = list()) {
  Y <- back_data()
  map <- gplvm:::.back_map(kind, Y, 2L, control)
  obj <- gplvm:::.gplvm_objective(Y, kern_rbf(1.2, 0.8), 0.2, character(),
                                  TRUE, 2L, 0L, Z0, approx, 0.05,
                                  latent = map)
  par <- c(map$start(gplvm:::.init_latent("pca", Y, 2L, 1)), Z0,
           log(c(1.2, 0.8)), log(0.2))
  par[seq_len(map$npar)] <- par[seq_len(map$npar)] +
    rnorm(map$npar, sd = 0.1)
  r <- obj$eval(par)
  expect_equal(r$X, map$X(par[seq_len(map$npar)]), ignore_attr = TRUE)
  rel_err(r$grad, fd_gradient(function(p) obj$eval(p)$objective, par))
}

test_that("gradients through both maps match finite differences, exact", {
  set.seed(4)
  expect_lt(back_gradient_error("kernel"), 1e-6)
  expect_lt(back_gradient_error("mlp", control = list(hidden = 3L)), 1e-6)
})

test_that("gradients through both maps match finite differences, sparse", {
  set.seed(5)
  Z0 <- matrix(rnorm(8), 4, 2)
  expect_lt(back_gradient_error("kernel", Z0), 1e-6)
  expect_lt(back_gradient_error("mlp", Z0, "fitc"), 1e-6)
})

test_that("gplvm_check_gradient's differences agree through a map", {
  set.seed(6)
  Y <- back_data()
  map <- gplvm:::.back_map("mlp", Y, 2L, list(hidden = 2L))
  obj <- gplvm:::.gplvm_objective(Y, kern_rbf(1, 1), 0.1, character(),
                                  FALSE, 2L, 0L, latent = map)
  par <- c(rnorm(map$npar, sd = 0.5), 0, 0, log(0.1))
  chk <- gplvm:::.check_gradient_core(function(p) obj$eval(p)$objective,
                                      obj$eval(par)$grad, par)
  expect_lt(max(chk$rel_error), 1e-6)
})

test_that("back-constrained fits converge, project by the mapping and continue", {
  set.seed(7)
  Y <- iris[seq(1, 150, 5), 1:4]
  for (b in c("kernel", "mlp")) {
    fit <- gplvm(Y, back = b, back_control = if (b == "mlp")
                   list(hidden = 3L) else list())
    expect_identical(fit$optim$convergence, 0L)
    expect_identical(fit$latent$kind, b)
    # the fitted latent positions are the mapping of the data
    expect_equal(predict(fit, newdata = Y), fit$X, tolerance = 1e-8)
    Ynew <- iris[c(2, 80, 140), 1:4]
    X_map <- predict(fit, newdata = Ynew)
    X_opt <- predict(fit, newdata = Ynew, refine = TRUE)
    expect_identical(dim(X_opt), c(3L, 2L))
    # refining from the mapping never lowers the projection's objective
    f <- gplvm:::.project_objective(fit, sweep(as.matrix(Ynew), 2L,
                                               fit$center))$fn
    expect_lte(f(c(X_opt)), f(c(X_map)))
    expect_output(print(fit), "Back-constraint")
    expect_output(print(summary(fit)), "Back-constraint")
    # continued from the fitted weights: it starts where the fit ended
    again <- gplvm(Y, init = fit)
    expect_equal(again$loglik_init, fit$loglik, tolerance = 1e-10)
    expect_identical(again$latent$kind, b)
    expect_gte(again$objective, fit$objective - 1e-8 * abs(fit$objective))
  }
  free <- gplvm(Y)
  expect_identical(free$optim$convergence, 0L)
  expect_false(any(grepl("Back-constraint", capture.output(print(free)))))
})

test_that("a sparse back-constrained fit converges", {
  set.seed(8)
  Y <- iris[seq(1, 150, 3), 1:4]
  fit <- gplvm(Y, back = "kernel", inducing = 8)
  expect_identical(fit$optim$convergence, 0L)
  expect_equal(predict(fit, newdata = Y), fit$X, tolerance = 1e-8)
  expect_false(is.null(fit$inducing))
})

test_that("bad back arguments get errors naming them", {
  Y <- iris[1:20, 1:4]
  expect_error(gplvm(Y, back = "rbf"), "'back'")
  expect_error(gplvm(Y, back = c("kernel", "mlp")), "'back'")
  expect_error(gplvm(Y, back = "kernel", back_control = 1), "'back_control'")
  expect_error(gplvm(Y, back = "kernel", back_control = list(1)),
               "'back_control'")
  expect_error(gplvm(Y, back = "kernel", back_control = list(hidden = 3)),
               "'back_control' has 'hidden'")
  expect_error(gplvm(Y, back_control = list(width = 1)), "'back_control'")
  expect_error(gplvm(Y, back = "kernel", back_control = list(width = -1)),
               "'back_control\\$width'")
  expect_error(gplvm(Y, back = "kernel", back_control = list(width = NA)),
               "'back_control\\$width'")
  expect_error(gplvm(Y, back = "mlp", back_control = list(hidden = 0)),
               "'back_control\\$hidden'")
  expect_error(gplvm(Y, back = "mlp", back_control = list(hidden = 2.5)),
               "'back_control\\$hidden'")
})

test_that("predict checks refine and newdata for back-constrained fits", {
  set.seed(10)
  Y <- iris[seq(1, 150, 5), 1:4]
  fit <- gplvm(Y, back = "kernel")
  expect_error(predict(fit, newdata = Y[1:2, ], refine = NA), "'refine'")
  Ynew <- as.matrix(Y[1:2, ])
  Ynew[1, 1] <- NA
  expect_error(predict(fit, newdata = Ynew), "'newdata'")
  bad <- fit
  bad$latent$par <- bad$latent$par[-1]
  expect_error(predict(bad, newdata = Y[1:2, ]), "invalid latent")
})
