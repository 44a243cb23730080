# The Bayesian GP-LVM bound: psi-statistics against quadrature and Monte
# Carlo, the bound against the plain-R twin, the S -> 0 limit, gradients
# against central finite differences, and argument checks.

test_that("psi-statistics equal quadrature for every kernel and sum", {
  set.seed(71)
  dat <- bayes_data()
  worst <- 0
  for (k in psi_kernels()) {
    c_ps <- .psi_stats(k, dat$X, dat$S, dat$Z)
    r_ps <- psi_quad_r(k, dat$X, dat$S, dat$Z)
    errs <- c(rel_err(c_ps$psi0, r_ps$psi0), rel_err(c_ps$psi1, r_ps$psi1),
              rel_err(c_ps$psi2, r_ps$psi2))
    expect_lt(max(errs), 1e-10)
    expect_equal(c_ps$psi2, t(c_ps$psi2))
    worst <- max(worst, errs)
  }
  message(sprintf("psi-statistics C vs quadrature, largest relative error %.2g",
                  worst))
})

test_that("psi-statistics equal Monte Carlo averages over q(X)", {
  set.seed(72)
  dat <- bayes_data(n = 3, q = 2, m = 3)
  k <- kern_rbf(1, c(0.8, 1.3)) + kern_linear(c(0.5, 0.3)) + kern_bias(0.2)
  c_ps <- .psi_stats(k, dat$X, dat$S, dat$Z)
  ns <- 40000
  z1 <- z2 <- 0
  for (i in 1:3) {
    Xs <- matrix(rnorm(ns * 2), ns) %*% diag(sqrt(dat$S[i, ])) +
      matrix(dat$X[i, ], ns, 2, byrow = TRUE)
    K <- .kern_matrix_r(k, Xs, dat$Z)
    se1 <- apply(K, 2, sd) / sqrt(ns)
    z1 <- max(z1, abs(colMeans(K) - c_ps$psi1[i, ]) / se1)
    # one point's share of Psi2, entry by entry
    p2 <- .psi_stats(k, dat$X[i, , drop = FALSE], dat$S[i, , drop = FALSE],
                     dat$Z)$psi2
    for (a in 1:3) for (b in a:3) {
      v <- K[, a] * K[, b]
      z2 <- max(z2, abs(mean(v) - p2[a, b]) / (sd(v) / sqrt(ns)))
    }
  }
  # 3 x 3 + 3 x 6 comparisons: 4.5 standard errors are exceeded with
  # probability below 2e-4
  expect_lt(max(z1, z2), 4.5)
  message(sprintf("psi-statistics vs Monte Carlo: largest |z| %.2f", max(z1, z2)))
})

test_that("the bound equals the plain-R twin for every kernel and sum", {
  set.seed(73)
  dat <- bayes_data()
  worst <- 0
  for (nm in names(psi_kernels())) {
    k <- psi_kernels()[[nm]]
    Z <- psi_inducing(k, dat$Z)
    noise <- runif(1, 0.05, 0.4)
    f <- gplvm_loglik(dat$Y, dat$X, k, noise, inducing = Z, X_var = dat$S)
    ref <- bayes_bound_r(dat$Y, dat$X, dat$S, Z, k, noise)
    err <- abs(f - ref) / abs(ref)
    expect_lt(err, 1e-10, label = nm)
    worst <- max(worst, err)
  }
  message(sprintf("bound C vs plain R, largest relative error %.2g", worst))
})

test_that("as X_var -> 0 the bound tends to the VFE bound minus KL", {
  set.seed(74)
  dat <- bayes_data(n = 9, q = 2, m = 4)
  for (k in psi_kernels()[c("rbf_ard", "rbf_linear", "all")]) {
    S <- matrix(1e-10, 9, 2)
    ps <- .psi_stats(k, dat$X, S, dat$Z)
    kf <- .split_white(k, 1)$kernel
    Kxz <- kern_matrix(kf, dat$X, dat$Z)
    expect_equal(ps$psi1, Kxz, tolerance = 1e-8)
    expect_equal(ps$psi2, crossprod(Kxz), tolerance = 1e-8)
    f <- gplvm_loglik(dat$Y, dat$X, k, 0.2, inducing = dat$Z, X_var = S)
    vfe <- gplvm_loglik(dat$Y, dat$X, k, 0.2, inducing = dat$Z)
    kl <- sum(dat$X^2 + S - log(S) - 1) / 2
    expect_equal(c(f) + kl, c(vfe), tolerance = 1e-7)
  }
})

test_that("every gradient component agrees with finite differences", {
  set.seed(75)
  dat <- bayes_data(n = 8, d = 3, q = 2, m = 4)
  n <- 8
  worst <- 0
  for (nm in names(psi_kernels())) {
    k <- psi_kernels()[[nm]]
    Z0 <- psi_inducing(k, dat$Z)
    m <- nrow(Z0)
    noise <- 0.15
    bound <- function(X = dat$X, S = dat$S, Z = Z0, kk = k, s = noise) {
      gplvm_loglik(dat$Y, X, kk, s, inducing = Z, X_var = S)
    }
    g <- attr(gplvm_loglik(dat$Y, dat$X, k, noise, gradient = TRUE,
                           inducing = Z0, X_var = dat$S), "gradient")
    f_theta <- function(th) {
      kk <- k
      kern_params(kk) <- th
      bound(kk = kk)
    }
    fd <- list(
      X = fd_gradient(function(x) bound(X = matrix(x, n)), c(dat$X)),
      X_var = fd_gradient(function(s) bound(S = matrix(s, n)), c(dat$S)),
      inducing = fd_gradient(function(z) bound(Z = matrix(z, m)), c(Z0)),
      kernel = fd_gradient(f_theta, kern_params(k)),
      noise = fd_gradient(function(s) bound(s = s), noise))
    # with a linear kernel and M = Q the bound hardly depends on Z (the
    # span of k(., Z) does not change): measure dF/dZ on the scale of dF/dX
    errs <- vapply(names(fd), function(p) {
      if (p == "inducing") {
        max(abs(c(g[[p]]) - fd[[p]])) / max(abs(fd[[p]]), abs(g$X))
      } else {
        rel_err(c(g[[p]]), fd[[p]])
      }
    }, 0)
    expect_lt(max(errs), 1e-6, label = paste(nm, names(which.max(errs))))
    expect_identical(names(g$kernel), names(kern_params(k)))
    expect_identical(dim(g$X_var), dim(dat$S))
    worst <- max(worst, errs)
  }
  message(sprintf("Bayesian gradient vs finite differences, largest relative error %.2g",
                  worst))
})

test_that("the bound does not depend on the thread count", {
  set.seed(76)
  dat <- bayes_data(n = 300, d = 4, q = 3, m = 12)
  k <- kern_rbf(1, c(1, 2, 0.5)) + kern_linear(0.3) + kern_bias(0.2)
  run <- function(threads) {
    old <- options(gplvm.threads = threads)
    on.exit(options(old))
    gplvm_loglik(dat$Y, dat$X, k, 0.2, gradient = TRUE, inducing = dat$Z,
                 X_var = dat$S)
  }
  expect_identical(run(1L), run(2L))
})

test_that("keeping Psi2's values for the gradient changes no number", {
  set.seed(77)
  dat <- bayes_data(n = 150, d = 4, q = 3, m = 9)
  ns <- asNamespace("gplvm")
  run <- function(k, cache) {
    s <- .kernel_spec(k, 3L)
    r <- .Call(ns$C_gplvm_bayes_call, dat$Y, dat$X, dat$S, dat$Z, s$type,
               s$npar, s$par, 0.2, 4, TRUE, 2L, cache)
    expect_identical(r$status, 0L)
    r
  }
  # every kernel, the cache going to the first RBF part's own term
  for (k in psi_kernels(3)) expect_identical(run(k, TRUE), run(k, FALSE))
  expect_error(run(psi_kernels(3)$rbf, NA), "'cache'")
})

test_that("the Bayesian path checks its arguments", {
  set.seed(77)
  dat <- bayes_data(n = 6, q = 2, m = 3)
  k <- kern_rbf(1, c(1, 1))
  ll <- function(...) {
    args <- modifyList(list(Y = dat$Y, X = dat$X, kernel = k, noise = 0.1,
                            inducing = dat$Z, X_var = dat$S), list(...))
    do.call(gplvm_loglik, args)
  }
  expect_error(ll(X_var = -dat$S), "'X_var'.*positive")
  expect_error(ll(X_var = replace(dat$S, 1, 0)), "'X_var'.*positive")
  expect_error(ll(X_var = replace(dat$S, 2, NA)), "'X_var'")
  expect_error(ll(X_var = dat$S[-1, ]), "'X_var'.*6 x 2")
  expect_error(ll(X_var = c(dat$S)), "'X_var'")
  expect_error(ll(X_var = "a"), "'X_var'")
  expect_error(ll(inducing = NULL), "'inducing'")
  expect_error(ll(inducing = dat$Z[, 1, drop = FALSE]), "'inducing'")
  expect_error(ll(kernel = kern_matern32()), "'kernel'.*Matern 3/2.*psi")
  expect_error(ll(kernel = kern_rbf() + kern_matern52()), "'kernel'.*psi")
  expect_error(ll(kernel = kern_white()), "'kernel'")
  expect_error(ll(approx = "fitc"), "'approx'")
  expect_error(ll(noise = 0), "'noise'")
  # the kernel table says which kernels have psi-statistics; C refuses the
  # others itself, before any evaluation
  tab <- .kernel_table()
  expect_setequal(tab$name[tab$psi], c("rbf", "linear", "bias", "white"))
  spec <- .kernel_spec(kern_rbf(1, c(1, 1)) + kern_matern32(1, 1), 2L)
  expect_error(.Call(C_gplvm_psi_call, dat$X, dat$S, dat$Z, spec$type,
                     spec$npar, spec$par, 1L), "part 2 has no psi")
})

test_that("Psi2 stays accurate when the variances dwarf the lengthscales", {
  # RBF Psi2 of one point in the form of Titsias and Lawrence (2010):
  # v^2 prod (1 + 2 S / l^2)^-1/2 exp(-(z - z')^2 / (4 l^2) -
  # (mu - (z + z') / 2)^2 / (l^2 + 2 S))
  set.seed(78)
  Z <- matrix(rnorm(8, sd = 1e-8), 4, 2)
  mu <- matrix(c(3, -2), 1)
  S <- matrix(c(0.4, 0.3), 1)
  l <- c(1e-8, 2e-8)
  ref <- matrix(0, 4, 4)
  for (a in 1:4) for (b in 1:4) {
    zb <- (Z[a, ] + Z[b, ]) / 2
    ref[a, b] <- 1.5^2 * prod((1 + 2 * S / l^2)^-0.5) *
      exp(-sum((Z[a, ] - Z[b, ])^2 / (4 * l^2)) -
            sum((mu - zb)^2 / (l^2 + 2 * S)))
  }
  ps <- .psi_stats(kern_rbf(1.5, l), mu, S, Z)
  expect_lt(rel_err(ps$psi2, ref), 1e-12)
})

test_that("gplvm_check_gradient() checks the Bayesian bound, X_var included", {
  set.seed(79)
  dat <- bayes_data(n = 8, q = 2, m = 3)
  chk <- gplvm_check_gradient(dat$Y, dat$X, psi_kernels()$all, 0.1,
                              inducing = dat$Z, X_var = dat$S)
  expect_equal(sum(grepl("^X_var\\[", chk$parameter)), 16L)
  expect_lt(max(chk$rel_error), 1e-6)
})
