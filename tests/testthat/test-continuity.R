# The objective is continuous where the stabilisation used to switch on
# (issue 24): the exact model's effective noise sqrt(noise^2 + f^2), f =
# 1e-8 mean(diag k(X, X)), and the sparse and Bayesian models' floor on
# k(Z, Z) are always part of the model.  Before, jitter was added only
# when a Cholesky factorisation failed, and the value jumped there (on
# these grids by up to 10 orders of magnitude, bench/jitter_continuity.out).

test_that("the exact log-likelihood is continuous in the noise, the variance and X", {
  dat <- duplicated_case()
  ll <- function(X, v, noise) {
    gplvm_loglik(dat$Y, X, kern_rbf(v, 1), noise, gradient = TRUE)
  }
  # through noise 1e-16 .. 1e-15, where main switched jitter on
  t <- seq(-18, -12, by = 0.01)
  r <- vapply(t, function(s) {
    l <- ll(dat$X, 1, 10^s)
    c(l, attr(l, "gradient")$noise * 10^s * log(10))
  }, numeric(2))
  expect_lt(grid_continuity(t, r[1, ], r[2, ]), 0.05)
  # kernel variance 1 .. 1e8 at noise 1e-14 (main: jitter above about 100)
  t <- seq(0, 8, by = 0.01)
  r <- vapply(t, function(s) {
    l <- ll(dat$X, 10^s, 1e-14)
    c(l, attr(l, "gradient")$kernel[["variance"]] * 10^s * log(10))
  }, numeric(2))
  expect_lt(grid_continuity(t, r[1, ], r[2, ]), 0.05)
  # the two points moved apart, through coincidence (main: jitter at 0)
  t <- (-300:300) * 1e-7
  r <- vapply(t, function(s) {
    X <- dat$X
    X[2, 1] <- X[1, 1] + s
    l <- ll(X, 1, 1e-17)
    c(l, attr(l, "gradient")$X[2, 1])
  }, numeric(2))
  expect_lt(grid_continuity(t, r[1, ], r[2, ]), 0.05)
  # the values at coincidence and 1e-6 apart (main: 19 apart, by jitter)
  expect_lt(abs(r[1, t == 0] - r[1, t == 1e-6]), 1e-3)
})

test_that("at coincident points with no noise the gradient matches central differences", {
  dat <- duplicated_case()
  # with and without a white part (noise too) of the floor's size
  for (k in list(kern_rbf(1.3, 0.9) + kern_linear(0.2),
                 kern_rbf(1.3, 0.9) + kern_linear(0.2) + kern_white(3e-8))) {
    theta <- log(kern_params(k))
    f <- function(p) {
      kk <- k
      kern_params(kk) <- exp(p[-seq_along(dat$X)])
      gplvm_loglik(dat$Y, matrix(p[seq_along(dat$X)], nrow(dat$X)), kk, 1e-17)
    }
    p <- c(dat$X, theta)
    l <- gplvm_loglik(dat$Y, dat$X, k, 1e-17, gradient = TRUE)
    g <- attr(l, "gradient")
    # the kernel parameters, whose gradient carries the floor's dependence
    # on mean(diag k(X, X)), and the rows that do not coincide:
    # L varies on a scale of 1e-4 in the coinciding rows, finer than the
    # differences' steps
    keep <- c(rep(c(FALSE, FALSE, rep(TRUE, nrow(dat$X) - 2)), 2),
              rep(TRUE, length(theta)))
    an <- c(g$X, g$kernel * exp(theta))[keep]
    fd <- fd_gradient(function(x) f(replace(p, keep, x)), p[keep])
    err <- max(abs(an - fd)) / max(abs(fd))
    message(sprintf("floor: gradient vs central differences, %.2g", err))
    expect_lt(err, 1e-5)  # the differences' own error at cond(K) ~ 1e9
  }
})

test_that("the sparse and Bayesian bounds are continuous as inducing inputs meet", {
  dat <- duplicated_case()
  Z0 <- dat$X[c(1, 3, 5, 7), ]
  k <- kern_rbf(1, 1)
  t <- (-300:300) * 1e-6
  for (model in c("vfe", "fitc", "dtc", "bayes")) {
    r <- vapply(t, function(s) {
      Z <- Z0
      Z[2, ] <- Z0[1, ]
      Z[2, 1] <- Z0[1, 1] + s
      l <- gplvm_loglik(dat$Y, dat$X, k, 0.01, gradient = TRUE,
                        inducing = Z,
                        approx = if (model == "bayes") "vfe" else model,
                        X_var = if (model == "bayes") {
                          matrix(0.01, nrow(dat$X), 2)
                        })
      c(l, attr(l, "gradient")$inducing[2, 1])
    }, numeric(2))
    err <- grid_continuity(t, r[1, ], r[2, ])
    expect_lt(err, 0.05, label = model)
  }
})

test_that("a covariance that fails even with the floor gets jitter, reported", {
  cs <- saturated_mlp_case()
  expect_warning(ll <- gplvm_loglik(cs$Y, cs$X, cs$kernel, cs$noise,
                                    gradient = TRUE), "added jitter")
  expect_true(is.finite(ll) && all(is.finite(attr(ll, "gradient")$X)))
  res <- gplvm:::.loglik_c(cs$Y, cs$X, cs$kernel, cs$noise, FALSE)
  expect_gt(res$jitter, 0)
})
