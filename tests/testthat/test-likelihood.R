# The C log-likelihood and gradient against the plain-R twin (written from
# DESIGN.md's formulas), against central finite differences, and against the
# dual probabilistic PCA closed form.

make_data <- function(n = 12, d = 4, q = 3) {
  list(Y = matrix(rnorm(n * d), n, d), X = matrix(rnorm(n * q), n, q))
}

test_that("value and gradient equal the plain-R twin for every kernel", {
  set.seed(21)
  dat <- make_data()
  worst <- c(value = 0, gradient = 0)
  for (k in test_kernels()) {
    noise <- runif(1, 0.05, 0.5)
    ll <- gplvm_loglik(dat$Y, dat$X, k, noise, gradient = TRUE)
    ref <- .loglik_r(dat$Y, dat$X, k, noise)
    g <- attr(ll, "gradient")
    expect_lt(abs(c(ll) - ref$loglik) / abs(ref$loglik), 1e-10)
    expect_lt(rel_err(g$X, ref$X), 1e-10)
    expect_lt(max(abs(g$kernel - ref$kernel) / abs(ref$kernel)), 1e-10)
    expect_lt(abs(g$noise - ref$noise) / abs(ref$noise), 1e-10)
    expect_lt(rel_err(g$Y, ref$Y), 1e-10)
    expect_identical(names(g$kernel), names(kern_params(k)))
    worst <- pmax(worst, c(abs(c(ll) - ref$loglik) / abs(ref$loglik),
                           max(rel_err(g$X, ref$X), rel_err(g$Y, ref$Y),
                               abs(g$kernel - ref$kernel) / abs(ref$kernel),
                               abs(g$noise - ref$noise) / abs(ref$noise))))
  }
  message(sprintf("C vs plain R, largest relative error: value %.2g, gradient %.2g",
                  worst[1], worst[2]))
})

test_that("every gradient component agrees with finite differences", {
  set.seed(22)
  dat <- make_data(n = 10, d = 3, q = 3)
  worst <- 0
  for (k in test_kernels()) {
    noise <- 0.2
    g <- attr(gplvm_loglik(dat$Y, dat$X, k, noise, gradient = TRUE),
              "gradient")
    f_theta <- function(th) {
      kk <- k
      kern_params(kk) <- th
      gplvm_loglik(dat$Y, dat$X, kk, noise)
    }
    f_x <- function(x) gplvm_loglik(dat$Y, matrix(x, nrow(dat$X)), k, noise)
    f_noise <- function(s) gplvm_loglik(dat$Y, dat$X, k, s)
    f_y <- function(y) gplvm_loglik(matrix(y, nrow(dat$Y)), dat$X, k, noise)
    errs <- c(rel_err(g$kernel, fd_gradient(f_theta, kern_params(k))),
              rel_err(c(g$X), fd_gradient(f_x, c(dat$X))),
              rel_err(g$noise, fd_gradient(f_noise, noise)),
              rel_err(c(g$Y), fd_gradient(f_y, c(dat$Y))))
    # each hyperparameter on its own scale, so none hides behind another
    fd_theta <- fd_gradient(f_theta, kern_params(k))
    errs <- c(errs, max(abs(g$kernel - fd_theta) / pmax(abs(fd_theta), 1e-3)))
    expect_lt(max(errs), 1e-6)
    worst <- max(worst, errs)
  }
  message(sprintf("C vs finite differences, largest relative error %.2g",
                  worst))
})

test_that("linear kernel: the dual PPCA solution is a stationary point with the closed-form value", {
  set.seed(23)
  n <- 30
  d <- 6
  q <- 2
  Y <- scale(matrix(rnorm(n * d), n, d) %*% matrix(rnorm(d * d), d),
             scale = FALSE)
  noise <- 0.05
  e <- eigen(tcrossprod(Y) / d, symmetric = TRUE)
  lambda <- e$values[seq_len(q)]
  X <- e$vectors[, seq_len(q)] %*% diag(sqrt(lambda - noise))
  ll <- gplvm_loglik(Y, X, kern_linear(1), noise, gradient = TRUE)
  # closed form: K has eigenvalues lambda_1..q and noise elsewhere
  logdet <- sum(log(lambda)) + (n - q) * log(noise)
  trace_term <- sum(lambda / lambda) * d +
    sum(e$values[-seq_len(q)]) * d / noise
  closed <- -n * d / 2 * log(2 * pi) - d / 2 * logdet - trace_term / 2
  expect_equal(c(ll), closed, tolerance = 1e-10)
  expect_lt(max(abs(attr(ll, "gradient")$X)), 1e-8 * max(abs(Y)))
  # a rotated solution is just as good; a perturbed one is worse
  rot <- qr.Q(qr(matrix(rnorm(q * q), q)))
  expect_equal(gplvm_loglik(Y, X %*% rot, kern_linear(1), noise), closed,
               tolerance = 1e-10)
  expect_lt(gplvm_loglik(Y, X * 1.05, kern_linear(1), noise), closed)
})

test_that("a singular kernel matrix is carried by the noise floor, without jitter", {
  set.seed(24)
  X <- matrix(rep(rnorm(2), each = 5), 5, 2)   # five identical points
  Y <- matrix(rnorm(10), 5, 2)
  # before: jitter and a warning; now the effective noise, 1e-8 here
  ll <- gplvm_loglik(Y, X, kern_bias(1), noise = 1e-300)
  K <- matrix(1, 5, 5) + diag(1e-8, 5)
  expect_equal(c(ll), sum(mvn_logdens_cols(Y, K)), tolerance = 1e-6)
  # overflow in the kernel matrix is an error, never a silent Inf or NaN
  expect_error(gplvm_loglik(Y, X * 1e200, kern_linear(1), noise = 1),
               "not finite")
})

test_that("gradient = FALSE returns a bare number", {
  set.seed(25)
  dat <- make_data()
  ll <- gplvm_loglik(dat$Y, dat$X, kern_rbf(), 0.1)
  expect_null(attributes(ll))
  expect_equal(ll, c(gplvm_loglik(dat$Y, dat$X, kern_rbf(), 0.1, TRUE)))
})
