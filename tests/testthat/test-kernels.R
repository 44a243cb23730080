test_that("kern_matrix agrees with the plain-R twin for every kernel", {
  set.seed(11)
  X <- matrix(rnorm(24), 8, 3)
  X2 <- matrix(rnorm(15), 5, 3)
  for (k in test_kernels()) {
    expect_equal(kern_matrix(k, X), .kern_matrix_r(k, X), tolerance = 1e-13)
    expect_equal(kern_matrix(k, X, X2), .kern_matrix_r(k, X, X2),
                 tolerance = 1e-13)
  }
})

test_that("kernels match their closed forms at known distances", {
  set.seed(12)
  X <- rbind(c(0, 0), c(3, 4))          # distance 5
  l <- 2.5                              # scaled distance r = 2
  v <- 1.7
  off <- function(k) kern_matrix(k, X)[1, 2]
  expect_equal(off(kern_rbf(v, l)), v * exp(-2))
  expect_equal(off(kern_matern32(v, l)), v * (1 + 2 * sqrt(3)) *
                 exp(-2 * sqrt(3)))
  expect_equal(off(kern_matern52(v, l)), v * (1 + 2 * sqrt(5) + 20 / 3) *
                 exp(-2 * sqrt(5)))
  expect_equal(off(kern_rbf(v, c(3, 4))), v * exp(-1))
  expect_equal(kern_matrix(kern_linear(c(2, 3)), X)[2, 2], 2 * 9 + 3 * 16)
  expect_equal(kern_matrix(kern_bias(v), X), matrix(v, 2, 2))
  expect_equal(kern_matrix(kern_white(v), X), diag(v, 2))
  expect_equal(kern_matrix(kern_white(v), X, X), matrix(0, 2, 2))
  expect_equal(diag(kern_matrix(kern_rbf(v, 1) + kern_bias(1), X)),
               rep(v + 1, 2))
})

test_that("kernel matrices are symmetric and positive semi-definite", {
  set.seed(13)
  X <- matrix(rnorm(60), 20, 3)
  for (k in test_kernels()) {
    K <- kern_matrix(k, X)
    expect_identical(K, t(K))
    expect_gt(min(eigen(K, symmetric = TRUE, only.values = TRUE)$values),
              -1e-10 * max(diag(K)))
  }
})

test_that("kern_params names are unique and round-trip through the setter", {
  set.seed(14)
  k <- kern_rbf() + kern_rbf(2, c(1, 2)) + kern_linear(c(1, 3)) +
    kern_white(0.1)
  p <- kern_params(k)
  expect_named(p, c("rbf1.variance", "rbf1.lengthscale", "rbf2.variance",
                    "rbf2.lengthscale1", "rbf2.lengthscale2",
                    "linear.variance1", "linear.variance2",
                    "white.variance"))
  expect_equal(unname(p), c(1, 1, 2, 1, 2, 1, 3, 0.1))
  new <- runif(length(p), 0.5, 2)
  kern_params(k) <- new
  expect_equal(unname(kern_params(k)), new)
  expect_named(kern_params(kern_rbf(1, c(1, 2))),
               c("variance", "lengthscale1", "lengthscale2"))
  single <- kern_matern32()
  kern_params(single) <- c(3, 4)
  expect_s3_class(single, "gplvm_kernel")
  expect_equal(single$params, list(variance = 3, lengthscale = 4))
})

test_that("sums flatten and print every part", {
  k <- (kern_rbf() + kern_bias()) + (kern_white() + kern_linear())
  expect_length(k$parts, 4)
  out <- capture.output(res <- print(k))
  expect_identical(res, k)
  expect_match(paste(out, collapse = "\n"), "RBF.*bias.*white.*linear")
  expect_match(format(kern_matern52(2, c(1, 3))),
               "Matern 5/2 \\(variance = 2; lengthscale = 1, 3\\)")
})
