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

test_that("R's list of kernels is the C table, with one constructor each", {
  tab <- .kernel_table()
  expect_true(all(c("rbf", "matern32", "matern52", "linear", "bias",
                    "white", "mlp", "rq", "periodic") %in% tab$name))
  for (i in seq_along(tab$name)) {
    ctor <- get(paste0("kern_", tab$name[i]), envir = asNamespace("gplvm"))
    expect_identical(setdiff(names(formals(ctor)), "..."), tab$params[[i]])
    k <- ctor()
    expect_identical(k$type, tab$name[i])
    expect_identical(names(kern_params(k)), tab$params[[i]])
    expect_match(format(k), tab$label[i], fixed = TRUE)
  }
})

test_that("the new kernels match their closed forms", {
  set.seed(15)
  a <- c(0.3, -1.2)
  b <- c(1.1, 0.4)
  X <- rbind(a, b)
  k12 <- function(k) kern_matrix(k, X)[1, 2]
  # MLP: v (2 / pi) asin(S / sqrt(A B))
  w <- c(0.5, 2)
  S <- sum(w * a * b) + 0.3
  A <- sum(w * a^2) + 1.3
  B <- sum(w * b^2) + 1.3
  expect_equal(k12(kern_mlp(1.7, w, 0.3)), 1.7 * 2 / pi * asin(S / sqrt(A * B)))
  # rational quadratic at r^2 = 2, and its RBF limit
  l <- sqrt(sum((a - b)^2) / 2)
  expect_equal(k12(kern_rq(1.5, l, 0.5)), 1.5 * (1 + 2)^-0.5)
  expect_equal(k12(kern_rq(1.5, l, 1e8)), 1.5 * exp(-1), tolerance = 1e-7)
  # periodic: a full period apart is a copy, half a period the minimum
  p <- 2.5
  kp <- kern_periodic(0.8, c(0.7, 1.3), p)
  Xp <- rbind(a, a + c(p, 0), a + c(0, 2 * p), a + c(p / 2, 0))
  K <- kern_matrix(kp, Xp)
  expect_equal(unname(K[1, 2:3]), c(0.8, 0.8))
  expect_equal(K[1, 4], 0.8 * exp(-2 / 0.7^2))
  # diagonals: v for stationary kernels, v (2/pi) asin(1 - 1/A) for MLP
  expect_equal(.kern_diag(kern_mlp(1.7, w, 0.3), X)[1],
               1.7 * 2 / pi * asin(1 - 1 / A))
  expect_equal(.kern_diag(kern_rq(1.5) + kern_periodic(2), X), rep(3.5, 2))
})

test_that("every pass agrees with the oracle for every kernel", {
  set.seed(16)
  X <- matrix(rnorm(21), 7, 3)
  X2 <- matrix(rnorm(15), 5, 3)
  W <- matrix(rnorm(35), 7, 5)
  g <- rnorm(7)
  worst <- 0
  for (k in test_kernels()) {
    gc <- .kern_grad(k, X, W, X2)
    ref <- kern_grad_cross_r(k, X, X2, W)
    gd <- .kern_grad(k, X, g)
    refd <- kern_grad_diag_r(k, X, g)
    errs <- c(rel_err(kern_matrix(k, X, X2), .kern_matrix_r(k, X, X2)),
              rel_err(.kern_diag(k, X), kern_diag_r(k, X)),
              rel_err(gc$X, ref$X), rel_err(gc$X2, ref$X2),
              max(abs(gc$kernel - ref$kernel)) / max(abs(ref$kernel)),
              rel_err(gd$X + 1, refd$X + 1),
              max(abs(gd$kernel - refd$kernel)) / max(abs(refd$kernel)),
              rel_err(.kern_dx(k, X2, X) + 1, kern_dx_r(k, X2, X) + 1))
    expect_lt(max(errs), 1e-12)
    worst <- max(worst, errs)
  }
  message(sprintf("kernel passes vs oracle, largest relative error %.2g",
                  worst))
})

test_that("every pass agrees with finite differences for every kernel", {
  set.seed(17)
  X <- matrix(rnorm(12), 4, 3)
  X2 <- matrix(rnorm(9), 3, 3)
  W <- matrix(rnorm(12), 4, 3)
  g <- rnorm(4)
  worst <- 0
  for (k in test_kernels()) {
    th <- kern_params(k)
    with_par <- function(t) {
      kk <- k
      kern_params(kk) <- t
      kk
    }
    cross <- function(A, B, kk = k) sum(W * kern_matrix(kk, A, B))
    dg <- function(A, kk = k) sum(g * .kern_diag(kk, A))
    gc <- .kern_grad(k, X, W, X2)
    gd <- .kern_grad(k, X, g)
    fd_th <- fd_gradient(function(t) cross(X, X2, with_par(t)), th)
    fd_thd <- fd_gradient(function(t) dg(X, with_par(t)), th)
    # d/dx* of k(x*, x) for one new point; d/dx of that at x = x*
    xs <- X2[1, , drop = FALSE]
    dx <- .kern_dx(k, xs, X)
    fd_dx <- sapply(seq_len(nrow(X)), function(j) fd_gradient(function(x)
      kern_matrix(k, matrix(x, 1), X[j, , drop = FALSE]), c(xs)))
    # (a small step: Matern 3/2 is differentiable only once, so that the
    # difference across x = x* has an error of the order of the step)
    d2 <- .kern_d2(k, xs)[, , 1]
    h <- 1e-8
    fd_d2 <- sapply(1:3, function(dd) {
      e <- replace(numeric(3), dd, h)
      (.kern_dx(k, xs, xs + e)[1, , 1] - .kern_dx(k, xs, xs - e)[1, , 1]) /
        (2 * h)
    })
    errs <- c(rel_err(c(gc$X), fd_gradient(function(x)
                cross(matrix(x, 4), X2), c(X))),
              rel_err(c(gc$X2), fd_gradient(function(x)
                cross(X, matrix(x, 3)), c(X2))),
              max(abs(gc$kernel - fd_th) / pmax(abs(fd_th), 1e-3)),
              max(abs(gd$X - fd_gradient(function(x) dg(matrix(x, 4)),
                                         c(X)))) / max(abs(gd$X), 1),
              max(abs(gd$kernel - fd_thd) / pmax(abs(fd_thd), 1e-3)),
              max(abs(t(dx[, , 1]) - fd_dx)) / max(abs(fd_dx), 1e-3),
              max(abs(d2 - fd_d2)) / max(abs(fd_d2), 1e-3))
    expect_lt(max(errs), 1e-6)
    expect_equal(d2, t(d2), tolerance = 1e-12)
    worst <- max(worst, errs)
  }
  message(sprintf("kernel passes vs finite differences, largest relative error %.2g",
                  worst))
})
