# Minibatch training of the Bayesian GP-LVM (R/minibatch_bayes.R): the
# uncollapsed bound with q(X) against a plain-R twin, its gradient
# against finite differences, its maximum over q(u) against the
# collapsed Bayesian bound, the steps and the fit.

# Kernels with psi-statistics and no white part (the noise plays its
# role in minibatch training), with inducing inputs they keep regular.
mb_bayes_kernels <- function() {
  psi_kernels(2)[c("rbf", "rbf_ard", "linear_ard", "rbf_bias",
                   "rbf_linear", "two_rbf")]
}

# a random q(v) in whitened natural parameters
mb_random_qv <- function(m, d) {
  list(Lambda = crossprod(matrix(rnorm(m * m), m)) / m + diag(m),
       eta = matrix(rnorm(m * d), m, d))
}

# Plain-R twin of .minibatch_bayes_bound(), written entry by entry from
# Hensman, Fusi and Lawrence (2013) in the inducing variables u
# themselves (not whitened; each column's q(u_d) from qu_plain() of
# helper-minibatch.R, with Lambda[[pattern[d]]] when Lambda is a list),
# skipping NA entries; the psi-statistics of each row by quadrature over
# q(x_n) (helper-bayes.R), not by the closed forms of the C code.
bayes_minibatch_bound_r <- function(Y, X, S, Z, kernel, noise, Lambda, eta,
                                    scale = 1, pattern = NULL) {
  qu <- lapply(seq_len(ncol(Y)), function(j) {
    qu_plain(kernel, Z, if (is.list(Lambda)) Lambda[[pattern[j]]] else Lambda,
             eta[, j, drop = FALSE])
  })
  Ki <- solve(qu[[1L]]$Kzz)
  data <- 0
  for (i in seq_len(nrow(Y))) {
    ps <- psi_quad_r(kernel, X[i, , drop = FALSE], S[i, , drop = FALSE], Z)
    for (j in which(!is.na(Y[i, ]))) {
      # E over q(x_n) and q(u_d) of log N(y | k_n' Kzz^-1 u_d, s2), and
      # the trace term
      e_f <- drop(ps$psi1 %*% Ki %*% qu[[j]]$mu)
      e_f2 <- sum(diag(Ki %*% ps$psi2 %*% Ki %*%
                         (tcrossprod(qu[[j]]$mu) + qu[[j]]$S)))
      data <- data - log(2 * pi * noise) / 2 -
        (Y[i, j]^2 - 2 * Y[i, j] * e_f + e_f2) / (2 * noise) -
        (ps$psi0 - sum(diag(Ki %*% ps$psi2))) / (2 * noise)
    }
    data <- data - sum(X[i, ]^2 + S[i, ] - log(S[i, ]) - 1) / 2
  }
  scale * data - sum(vapply(qu, kl_qu_r, 0))
}

# Y with NA entries in three patterns (and complete columns), with each
# column's pattern number and a random q(v) per pattern.
mb_bayes_holes <- function(dat, m) {
  Y <- dat$Y
  Y[c(2, 5), 1] <- NA
  Y[3, 2:3] <- NA
  miss <- .missing_patterns(Y)
  pattern <- integer(ncol(Y))
  for (i in seq_along(miss$patterns)) pattern[miss$patterns[[i]]$cols] <- i
  list(Y = Y, miss = miss, pattern = pattern,
       Lambda = lapply(miss$patterns, function(p) mb_random_qv(m, 1)$Lambda))
}

test_that("the Bayesian minibatch bound equals its plain-R twin", {
  set.seed(171)
  dat <- bayes_data(n = 5, d = 3, q = 2, m = 4)
  for (k in mb_bayes_kernels()) {
    Z <- psi_inducing(k, dat$Z)
    q2 <- mb_random_qv(nrow(Z), 3)
    for (scale in c(1, 3.5)) {
      got <- .minibatch_bayes_bound(dat$Y, dat$X, dat$S, Z, k, 0.3,
                                    q2$Lambda, q2$eta, scale,
                                    gradient = FALSE)$value
      want <- bayes_minibatch_bound_r(dat$Y, dat$X, dat$S, Z, k, 0.3,
                                      q2$Lambda, q2$eta, scale)
      expect_equal(got, want, tolerance = 1e-9)
    }
  }
  # NA entries skipped, one q(v) covariance per pattern of missing entries
  dat$Y <- cbind(dat$Y, rnorm(5))
  h <- mb_bayes_holes(dat, 4)
  k <- psi_kernels(2)$rbf_bias
  eta <- mb_random_qv(4, 4)$eta
  got <- .minibatch_bayes_bound(h$Y, dat$X, dat$S, dat$Z, k, 0.3, h$Lambda,
                                eta, 2, gradient = FALSE,
                                pattern = h$pattern)$value
  want <- bayes_minibatch_bound_r(h$Y, dat$X, dat$S, dat$Z, k, 0.3, h$Lambda,
                                  eta, 2, h$pattern)
  expect_equal(got, want, tolerance = 1e-9)
})

# The largest relative error of the batch bound's gradient in the means,
# log variances, inducing inputs, log kernel parameters and log noise
# against central differences, for kernel k at a random q(v).
mb_bayes_grad_error <- function(dat, k, scale, holes = NULL) {
  Z0 <- psi_inducing(k, dat$Z)
  n <- nrow(dat$X)
  q <- ncol(dat$X)
  qv <- mb_random_qv(nrow(Z0), ncol(dat$Y))
  if (!is.null(holes)) {
    dat$Y <- holes$Y
    qv$Lambda <- holes$Lambda
  }
  th0 <- kern_params(k)
  split <- function(p) {
    kk <- k
    kern_params(kk) <- exp(p[2 * n * q + length(Z0) + seq_along(th0)])
    list(X = matrix(p[seq_len(n * q)], n), S = matrix(exp(p[n * q +
                                                              seq_len(n * q)]), n),
         Z = matrix(p[2 * n * q + seq_along(Z0)], nrow(Z0)), kernel = kk,
         noise = exp(p[[length(p)]]))
  }
  bound <- function(p, gradient) {
    u <- split(p)
    .minibatch_bayes_bound(dat$Y, u$X, u$S, u$Z, u$kernel, u$noise,
                           qv$Lambda, qv$eta, scale, gradient,
                           pattern = holes$pattern)
  }
  p0 <- c(dat$X, log(dat$S), Z0, log(th0), log(0.3))
  g <- bound(p0, TRUE)
  got <- c(g$X, g$S * dat$S, g$inducing, g$kernel * th0, g$noise * 0.3)
  rel_err(got, fd_gradient(function(p) bound(p, FALSE)$value, p0))
}

test_that("the Bayesian minibatch bound's gradient matches finite differences", {
  set.seed(172)
  dat <- bayes_data(n = 6, d = 3, q = 2, m = 5)
  for (k in mb_bayes_kernels()) {
    for (scale in c(1, 2.5)) {
      expect_lt(mb_bayes_grad_error(dat, k, scale), 1e-7)
    }
  }
  # with NA entries: the rows' gradient from each pattern's rows
  h <- mb_bayes_holes(dat, 5)
  expect_lt(mb_bayes_grad_error(dat, psi_kernels(2)$rbf_bias, 2.5, h), 1e-7)
})

test_that("with the whole data and q(u) at its optimum the bound is the collapsed Bayesian bound", {
  set.seed(173)
  dat <- bayes_data(n = 20, d = 4, q = 2, m = 6)
  k <- kern_rbf(1.1, c(0.9, 1.4)) + kern_bias(0.2)
  want <- c(gplvm_loglik(dat$Y, dat$X, k, 0.25, inducing = dat$Z,
                         X_var = dat$S))
  # the composed objective with the Bayesian data term gives the same
  obj <- bayes_objective(dat$Y, k, 0.25, "noise", 2, 6)
  expect_equal(obj$eval(obj$par(dat$X, dat$Z, k, 0.25, S0 = dat$S))$loglik,
               want, tolerance = 1e-12)
  for (chunk in c(1L, 7L, 20L)) {
    opt <- .minibatch_bayes_collapsed(dat$Y, dat$X, dat$S, dat$Z, k, 0.25,
                                      chunk)
    expect_equal(opt$loglik, want, tolerance = 1e-10)
    got <- .minibatch_bayes_bound(dat$Y, dat$X, dat$S, dat$Z, k, 0.25,
                                  opt$Lambda, opt$eta,
                                  gradient = FALSE)$value
    expect_lt(abs(got - want) / abs(want), 1e-8)
  }
  # the natural gradient step of length 1 on the whole data reaches the
  # optimum from any q(u), and any other q(u) gives less
  qv <- mb_random_qv(6, 4)
  r <- .minibatch_bayes_bound(dat$Y, dat$X, dat$S, dat$Z, k, 0.25,
                              qv$Lambda, qv$eta)
  expect_lt(r$value, want)
  expect_equal(r$Lambda_hat, opt$Lambda, tolerance = 1e-10)
  expect_equal(r$eta_hat, opt$eta, tolerance = 1e-10)
  # at the optimum the gradient in X, S, Z, the kernel and the noise is
  # the collapsed bound's (q(u) is stationary there)
  ro <- .minibatch_bayes_bound(dat$Y, dat$X, dat$S, dat$Z, k, 0.25,
                               opt$Lambda, opt$eta)
  gc <- attr(gplvm_loglik(dat$Y, dat$X, k, 0.25, inducing = dat$Z,
                          X_var = dat$S, gradient = TRUE), "gradient")
  expect_equal(ro$X, gc$X, tolerance = 1e-8, ignore_attr = TRUE)
  expect_equal(ro$S, gc$X_var, tolerance = 1e-8, ignore_attr = TRUE)
  expect_equal(ro$inducing, gc$inducing, tolerance = 1e-8,
               ignore_attr = TRUE)
  expect_equal(ro$kernel, gc$kernel, tolerance = 1e-8, ignore_attr = TRUE)
  expect_equal(ro$noise, gc$noise, tolerance = 1e-8)
  # with NA entries: the optimum per pattern gives the missing-data bound
  h <- mb_bayes_holes(dat, 6)
  want <- c(gplvm_loglik(h$Y, dat$X, k, 0.25, inducing = dat$Z,
                         X_var = dat$S))
  opt <- .minibatch_bayes_collapsed(h$Y, dat$X, dat$S, dat$Z, k, 0.25, 7L,
                                    h$miss)
  expect_equal(opt$loglik, want, tolerance = 1e-10)
  got <- .minibatch_bayes_bound(h$Y, dat$X, dat$S, dat$Z, k, 0.25,
                                opt$Lambda, opt$eta, gradient = FALSE,
                                pattern = h$pattern)$value
  expect_lt(abs(got - want) / abs(want), 1e-8)
})

test_that("a Bayesian step moves q(x_n) of the batch's rows and no others", {
  set.seed(174)
  Y <- scale(make_curve10(40)$Y, scale = FALSE)
  X0 <- matrix(rnorm(40), 40, 1)
  S0 <- matrix(0.1, 40, 1)
  Z0 <- matrix(seq(-2, 2, length.out = 6), 6, 1)
  model <- list(Y = Y, kernel = kern_rbf(1, 1) + kern_bias(0.1), noise = 0.1,
                fixed = character(), prior = .prior_kl(), noise_prior = 0,
                latent = NULL)
  first <- .minibatch_bayes_collapsed(Y, X0, S0, Z0, model$kernel, 0.1, 40)
  s <- .minibatch_bayes_state(model, X0, S0, Z0, first, 0.25)
  rows <- c(3L, 17L, 30L)
  before <- .minibatch_bayes_latent(s)
  r <- .minibatch_bayes_step(s, rows)
  after <- .minibatch_bayes_latent(s)
  expect_true(is.finite(r$value))
  expect_true(all(after$X[rows, ] != before$X[rows, ]))
  expect_true(all(after$S[rows, ] != before$S[rows, ]))
  expect_identical(after$X[-rows, ], before$X[-rows, ])
  expect_identical(after$S[-rows, ], before$S[-rows, ])
  expect_identical(s$adam_l$t, replace(integer(40), rows, 1L))
  # q(v) moved a fraction rho of the way to the batch's optimum
  expect_false(isTRUE(all.equal(s$Lambda, first$Lambda)))
})

test_that("Bayesian minibatch training converges near the full-batch Bayesian fit", {
  Y <- as.matrix(iris[seq(1, 150, 3), 1:4])
  full <- gplvm(Y, q = 2, bayesian = TRUE, inducing = 10)
  expect_identical(full$optim$convergence, 0L)
  set.seed(177)
  mb <- gplvm(Y, q = 2, bayesian = TRUE, inducing = 10, batch_size = 10,
              epochs = 1500)
  # the minibatch stage stalled; the full-batch stage converged
  expect_identical(mb$minibatch$convergence, 0L)
  expect_honest_convergence(mb, Y, 1e-6)
  expect_lt(mb$minibatch$epochs, 1500L)
  expect_identical(mb$minibatch$steps, 5L * mb$minibatch$epochs)
  # the minibatch stage within 1 % of the full-batch bound (0.22 %
  # measured: the halved step sizes of the stopping rule leave no noise
  # ball); the fit within 1e-4 of it, far above the start
  expect_gt(max(mb$minibatch$objective), full$loglik - 0.01 * abs(full$loglik))
  expect_gt(mb$loglik, full$loglik - 1e-4 * abs(full$loglik))
  expect_gt(mb$loglik, mb$loglik_init + 100)
  # a Bayesian fit: q(X) and the collapsed bound at its parameters
  expect_s3_class(mb, "bgplvm")
  expect_identical(dim(mb$X_var), c(50L, 2L))
  expect_true(all(mb$X_var > 0))
  expect_equal(mb$loglik, c(gplvm_loglik(mb$Y, mb$X, mb$kernel, mb$noise,
                                         inducing = mb$inducing,
                                         X_var = mb$X_var)),
               tolerance = 1e-10)
  # its methods
  expect_output(print(mb), "Minibatch training: [0-9]+ epochs")
  expect_output(print(summary(mb)), "ARD relevance")
  p <- predict(mb, newdata = Y[1:3, ])
  expect_identical(dim(attr(p, "X_var")), c(3L, 2L))
  expect_identical(dim(fitted(mb)), dim(Y))
  pdf(NULL)
  on.exit(grDevices::dev.off())
  expect_silent(plot(mb, uncertainty = TRUE))
})

test_that("Bayesian minibatch training skips missing entries", {
  Y <- as.matrix(iris[seq(1, 150, 3), 1:4])
  Y[c(3, 17, 40), 1] <- NA
  Y[c(8, 25), 3:4] <- NA
  set.seed(178)
  mb <- gplvm(Y, q = 2, bayesian = TRUE, inducing = 8, batch_size = 10,
              epochs = 30)
  expect_s3_class(mb, "bgplvm")
  expect_gt(mb$loglik, mb$loglik_init)
  # the fit's bound is the missing-data Bayesian bound at its parameters
  expect_equal(mb$loglik, c(gplvm_loglik(mb$Y, mb$X, mb$kernel, mb$noise,
                                         inducing = mb$inducing,
                                         X_var = mb$X_var)),
               tolerance = 1e-10)
  expect_false(anyNA(gplvm_impute(mb)$Y))
})

test_that("a back-constrained Bayesian minibatch fit steps the map's weights", {
  set.seed(176)
  dat <- make_curve10(120)
  # 30 epochs (the work of 61 passes over the data: 30 of steps, 31 of
  # the exact objective), then what is left of maxit, 100 iterations, for
  # the full-batch stage (an iteration of L-BFGS-B takes one evaluation
  # or more): not converged
  mb <- stopped_early(gplvm(dat$Y, q = 1, bayesian = TRUE, inducing = 10,
                            batch_size = 40, epochs = 30, back = "mlp",
                            maxit = 161))
  expect_identical(mb$minibatch$epochs, 30L)
  expect_gte(mb$optim$evaluations, 100L)
  expect_lt(mb$optim$evaluations, 161L)
  expect_identical(mb$optim$convergence, 1L)
  expect_s3_class(mb, "bgplvm")
  expect_gt(mb$loglik, mb$loglik_init)
  # the means are the map's values, which predict() applies to new rows
  expect_equal(unname(predict(mb, newdata = dat$Y[1:4, ])),
               unname(mb$X[1:4, , drop = FALSE]), tolerance = 1e-8,
               ignore_attr = TRUE)
})

test_that("a Bayesian minibatch fit is pruned in its full-batch stage, as a full-batch fit is", {
  # ten smooth functions of a 2-D latent square (as test-bayes-prune.R)
  set.seed(1)
  X <- cbind(runif(60, -2, 2), runif(60, -1, 1))
  W <- matrix(rnorm(20), 2)
  Y <- sin(X %*% W + rep(runif(10, 0, 2 * pi), each = 60)) +
    matrix(rnorm(600, sd = 0.01), 60)
  set.seed(1)
  fit <- gplvm(Y, q = 4, bayesian = TRUE, inducing = 10, batch_size = 20,
               epochs = 100)
  expect_honest_convergence(fit, Y, 1e-6)
  # two dimensions in use, two switched off during the full-batch stage
  # (at the evaluations of that stage, pruning's own chunks of 250)
  rel <- .ard_relevance(fit)
  expect_identical(sum(rel >= 0.01), 2L)
  expect_identical(nrow(fit$pruning), 2L)
  expect_true(all(fit$pruning$relevance < 0.01))
  expect_true(all(rel[fit$pruning$dimension] < 1e-9))
  expect_true(all(fit$pruning$evaluation < fit$optim$evaluations))
  expect_true(all(abs(fit$X_var[, fit$pruning$dimension] - 1) < 1e-6))
  expect_output(print(fit), "switched off after [0-9]+ evaluations")
  expect_output(print(fit), "Minibatch training: 100 epochs")
})
