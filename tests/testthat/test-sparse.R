# The sparse model (VFE, FITC, DTC): C against the dense plain-R twin,
# against central finite differences, against the exact model at Z = X, and
# the VFE lower bound.

test_that("sparse values equal the dense plain-R twin for every kernel", {
  set.seed(61)
  dat <- sparse_data()
  worst <- 0
  for (approx in c("vfe", "fitc", "dtc")) {
    for (k in sparse_kernels()) {
      noise <- runif(1, 0.05, 0.5)
      ll <- gplvm_loglik(dat$Y, dat$X, k, noise, inducing = dat$Z,
                         approx = approx)
      ref <- .loglik_sparse_r(dat$Y, dat$X, dat$Z, k, noise, approx)
      err <- abs(ll - ref) / abs(ref)
      expect_lt(err, 1e-10)
      worst <- max(worst, err)
    }
  }
  message(sprintf("sparse C vs plain R, largest relative error %.2g", worst))
})

test_that("the sparse gradient (X, Z, hyperparameters, noise) agrees with finite differences", {
  set.seed(62)
  dat <- sparse_data(n = 12, d = 3, q = 2, m = 4)
  n <- nrow(dat$X)
  q <- 2
  worst <- 0
  for (approx in c("vfe", "fitc", "dtc")) {
    ks <- sparse_kernels(q)
    for (i in seq_along(ks)) {
      k <- ks[[i]]
      # a linear kernel has rank q: more than q inducing inputs would make
      # k(Z, Z) singular up to the jitter and the objective ill-conditioned
      Z <- if (startsWith(names(ks)[i], "linear")) dat$Z[1:q, ] else dat$Z
      m <- nrow(Z)
      noise <- 0.2
      ll <- function(X, Z, kk, s) {
        gplvm_loglik(dat$Y, X, kk, s, inducing = Z, approx = approx)
      }
      g <- attr(gplvm_loglik(dat$Y, dat$X, k, noise, gradient = TRUE,
                             inducing = Z, approx = approx), "gradient")
      f_theta <- function(th) {
        kk <- k
        kern_params(kk) <- th
        ll(dat$X, Z, kk, noise)
      }
      f_x <- function(x) ll(matrix(x, n), Z, k, noise)
      f_z <- function(z) ll(dat$X, matrix(z, m), k, noise)
      f_noise <- function(s) ll(dat$X, Z, k, s)
      fd_theta <- fd_gradient(f_theta, kern_params(k))
      errs <- c(rel_err(c(g$X), fd_gradient(f_x, c(dat$X))),
                # with a linear kernel and M = Q, the objective hardly
                # depends on Z (Q does not); measure on the scale of dL/dX
                max(abs(c(g$inducing) - fd_gradient(f_z, c(Z)))) /
                  max(abs(fd_gradient(f_z, c(Z))), abs(g$X)),
                max(abs(g$kernel - fd_theta) / pmax(abs(fd_theta), 1e-3)),
                rel_err(g$noise, fd_gradient(f_noise, noise)))
      expect_lt(max(errs), 1e-6)
      expect_identical(dim(g$inducing), dim(Z))
      expect_identical(names(g$kernel), names(kern_params(k)))
      worst <- max(worst, errs)
    }
  }
  message(sprintf("sparse C vs finite differences, largest relative error %.2g",
                  worst))
})

test_that("VFE and FITC with Z = X give the exact log-likelihood", {
  set.seed(63)
  dat <- sparse_data(n = 20, d = 4, q = 2)
  noise <- 0.1
  worst <- 0
  for (k in list(kern_rbf(1, 1), kern_matern32(1, c(1, 2)),
                 kern_matern52(0.7, 0.8) + kern_white(0.1),
                 kern_linear(1) + kern_rbf(0.5, 2))) {
    exact <- gplvm_loglik(dat$Y, dat$X, k, noise)
    for (approx in c("vfe", "fitc")) {
      sparse <- gplvm_loglik(dat$Y, dat$X, k, noise, inducing = dat$X,
                             approx = approx)
      # the only difference is the jitter 1e-8 * mean(diag(k(Z, Z))) on
      # k(Z, Z), which moves the value by about N D jitter / noise
      err <- abs(sparse - exact) / abs(exact)
      expect_lt(err, 1e-6)
      worst <- max(worst, err)
    }
  }
  message(sprintf("Z = X vs exact, largest relative difference %.2g", worst))
})

test_that("the VFE bound never exceeds the exact log-likelihood", {
  set.seed(64)
  for (i in 1:30) {
    q <- sample(1:3, 1)
    dat <- sparse_data(n = sample(8:25, 1), d = sample(1:5, 1), q = q,
                       m = sample(1:8, 1))
    k <- sample(sparse_kernels(q), 1)[[1]]
    noise <- exp(runif(1, log(0.01), log(1)))
    exact <- gplvm_loglik(dat$Y, dat$X, k, noise)
    bound <- gplvm_loglik(dat$Y, dat$X, k, noise, inducing = dat$Z)
    expect_lte(bound, exact)
    # FITC and DTC are approximations, not bounds, but are finite
    expect_true(is.finite(gplvm_loglik(dat$Y, dat$X, k, noise,
                                       inducing = dat$Z, approx = "fitc")))
  }
})

test_that("the sparse path checks its arguments", {
  set.seed(65)
  dat <- sparse_data(n = 10, q = 2, m = 3)
  k <- kern_rbf()
  expect_error(gplvm_loglik(dat$Y, dat$X, k, 0.1, inducing = dat$Z[, 1]),
               "'inducing'")
  expect_error(gplvm_loglik(dat$Y, dat$X, k, 0.1,
                            inducing = cbind(dat$Z, 1)), "'inducing'.*2")
  expect_error(gplvm_loglik(dat$Y, dat$X, k, 0.1,
                            inducing = replace(dat$Z, 2, NA)), "'inducing'")
  expect_error(gplvm_loglik(dat$Y, dat$X, k, 0.1, inducing = "a"),
               "'inducing'")
  expect_error(gplvm_loglik(dat$Y, dat$X, k, 0.1, inducing = dat$Z,
                            approx = "vdtc"), "'approx'")
  expect_error(gplvm_loglik(dat$Y, dat$X, k, 0.1, inducing = dat$Z,
                            approx = NA_character_), "'approx'")
  expect_error(gplvm_loglik(dat$Y, dat$X, kern_white(), 0.1,
                            inducing = dat$Z), "'kernel'")
  expect_error(gplvm_loglik(dat$Y, dat$X, k, -1, inducing = dat$Z),
               "'noise'")
})

test_that("coincident inducing inputs are handled by the jitter", {
  set.seed(66)
  dat <- sparse_data(n = 10, q = 2, m = 3)
  Z <- dat$Z[c(1, 1, 2), ]
  ll <- gplvm_loglik(dat$Y, dat$X, kern_rbf(), 0.1, inducing = Z,
                     gradient = TRUE)
  expect_true(is.finite(ll))
  # the duplicate adds nothing: the bound equals the one with two inputs
  expect_equal(c(ll), gplvm_loglik(dat$Y, dat$X, kern_rbf(), 0.1,
                                   inducing = Z[2:3, ]), tolerance = 1e-6)
  expect_true(all(is.finite(attr(ll, "gradient")$inducing)))
})

test_that("the sparse posterior with Z = X is the exact GP posterior", {
  set.seed(67)
  dat <- sparse_data(n = 15, d = 3, q = 2)
  Xs <- matrix(rnorm(8), 4, 2)
  k <- kern_rbf(1.2, c(0.8, 1.3)) + kern_white(0.05)
  noise <- 0.1
  K <- kern_matrix(k, dat$X) + diag(noise, 15)
  Ks <- kern_matrix(k, Xs, dat$X)
  mean_exact <- Ks %*% solve(K, dat$Y)
  var_exact <- 1.2 - rowSums((Ks %*% solve(K)) * Ks)
  for (approx in c("vfe", "fitc", "dtc")) {
    post <- .sparse_posterior(dat$Y, dat$X, dat$X, k, noise, approx,
                              jitter = 1e-10)
    Kz <- kern_matrix(post$kernel, Xs, post$support)
    expect_equal(Kz %*% post$alpha, mean_exact, tolerance = 1e-6)
    expect_equal(1.2 - rowSums((Kz %*% post$Cfac)^2), var_exact,
                 tolerance = 1e-5)
    expect_equal(post$noise, noise + 0.05)
  }
})
