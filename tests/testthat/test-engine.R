# The fast paths of the C engine: several column blocks (N > 128), OpenMP
# thread counts, the workspace kept between calls, and exp underflow.

engine_data <- function(n, d = 5, q = 2) {
  list(Y = matrix(rnorm(n * d), n, d), X = matrix(rnorm(n * q), n, q))
}

test_that("large N matches the plain-R twin for every kernel", {
  set.seed(31)
  dat <- engine_data(300, q = 3)
  for (k in c(test_kernels(), list(kern_rbf(1, 0.9) + kern_matern52(0.5, 2)))) {
    res <- .loglik_c(dat$Y, dat$X, k, 0.2, TRUE)
    ref <- .loglik_r(dat$Y, dat$X, k, 0.2)
    expect_lt(abs(res$loglik - ref$loglik) / abs(ref$loglik), 1e-10)
    expect_lt(rel_err(res$X, ref$X), 1e-10)
    expect_lt(max(abs(res$kernel - ref$kernel) / abs(ref$kernel)), 1e-10)
    expect_lt(abs(res$noise - ref$noise) / abs(ref$noise), 1e-10)
  }
})

test_that("results are identical for 1 and 2 threads", {
  set.seed(32)
  dat <- engine_data(331)
  old <- options(gplvm.threads = 1L)
  on.exit(options(old))
  for (k in list(kern_rbf(1.2, c(0.8, 1.5)) + kern_bias(0.3),
                 kern_matern32(1, 0.7) + kern_rbf(0.5, 2) + kern_white(0.1))) {
    one <- .loglik_c(dat$Y, dat$X, k, 0.1, TRUE)
    options(gplvm.threads = 2L)
    two <- .loglik_c(dat$Y, dat$X, k, 0.1, TRUE)
    options(gplvm.threads = 1L)
    expect_identical(one, two)
  }
  options(gplvm.threads = 0)
  expect_error(.loglik_c(dat$Y, dat$X, kern_rbf(), 0.1, TRUE), "gplvm.threads")
})

test_that("a workspace reused across sizes gives the same results", {
  set.seed(33)
  ws <- .loglik_workspace()
  k <- kern_rbf(1, c(1, 2)) + kern_bias(0.5)
  for (n in c(150, 40, 200)) {
    dat <- engine_data(n)
    expect_identical(.loglik_c(dat$Y, dat$X, k, 0.1, TRUE, workspace = ws),
                     .loglik_c(dat$Y, dat$X, k, 0.1, TRUE))
  }
  expect_error(.loglik_c(dat$Y, dat$X, k, 0.1, TRUE, workspace = list()),
               "workspace")
})

test_that("far-apart points underflow the kernel to zero, not to garbage", {
  set.seed(34)
  X <- cbind(c(0, 1e-3, 40, 40.001, 1e6), 0)
  Y <- matrix(rnorm(10), 5, 2)
  k <- kern_rbf(1, 1)
  K <- kern_matrix(k, X)
  expect_equal(K, .kern_matrix_r(k, X), tolerance = 1e-15)
  expect_identical(K[1, 3], 0)
  expect_identical(K[1, 5], 0)
  res <- .loglik_c(Y, X, k, 0.1, TRUE)
  ref <- .loglik_r(Y, X, k, 0.1)
  expect_lt(abs(res$loglik - ref$loglik) / abs(ref$loglik), 1e-12)
  expect_lt(rel_err(res$X, ref$X), 1e-10)
})

test_that("a factor of Y Y' with ndim = D gives the full-data result", {
  set.seed(35)
  n <- 30
  dat <- engine_data(n, d = 80)
  C <- t(chol(tcrossprod(dat$Y)))
  k <- kern_rbf(1, c(1, 2)) + kern_bias(0.5)
  full <- .loglik_c(dat$Y, dat$X, k, 0.1, TRUE)
  fac <- .loglik_c(C, dat$X, k, 0.1, TRUE, ndim = ncol(dat$Y))
  same <- setdiff(names(full), "Y")
  expect_equal(fac[same], full[same], tolerance = 1e-10)
  # the outputs' gradient is in the factor: -K^-1 C, so that
  # (dL/dC) C' = -K^-1 Y Y' = (dL/dY) Y'
  expect_equal(tcrossprod(fac$Y, C), tcrossprod(full$Y, dat$Y),
               tolerance = 1e-10)
})
