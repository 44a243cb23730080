# GP dynamics (GPDM): the prior against a plain-R density and finite
# differences, inside the objective, the issue's loop test (smoother path,
# better forecast), several sequences, the methods and the argument checks.

test_that("the GPDM prior equals the plain-R density; its gradient finite differences", {
  set.seed(61)
  X <- matrix(rnorm(26), 13, 2)
  # two interleaved sequences: rows of each in time order
  seq <- c(1, 1, 2, 1, 2, 2, 1, 1, 2, 2, 1, 2, 2)
  kernels <- list(default = gplvm:::.dynamics_default(),
                  other = kern_matern52(0.8, c(0.7, 1.5)) +
                    kern_linear(c(0.4, 0.9)) + kern_white(0.05))
  worst <- 0
  for (k in kernels) {
    p <- gplvm:::.prior_dynamics(k, factor(seq))
    eta <- p$start() + rnorm(p$npar, sd = 0.2)
    r <- p$logp(X, eta)
    kk <- p$kernel(eta)
    expect_equal(kern_params(kk)[["white.variance"]],
                 kern_params(k)[["white.variance"]])  # fixed
    expect_equal(r$value, gpdm_logp_r(X, kk, seq, eta), tolerance = 1e-12)
    # gplvm_check_gradient()'s differences and relative error, every
    # latent coordinate (inputs and outputs of the dynamics) and parameter
    f <- function(v) p$logp(matrix(v[1:26], 13), v[-(1:26)])$value
    chk <- .check_gradient_core(f, c(r$X, r$eta), c(X, eta),
                                scale = rep(c(sqrt(mean(X^2)), 1),
                                            c(26, p$npar)))
    expect_lt(max(chk$rel_error), 1e-7)
    fx <- fd_gradient(function(x) p$logp(matrix(x, 13), eta)$value, c(X))
    expect_lt(rel_err(c(r$X), fx), 1e-7)
    worst <- max(worst, chk$rel_error)
  }
  message(sprintf("GPDM prior vs finite differences: largest rel error %.2g",
                  worst))
})

test_that("the dynamics enter the objective and its gradient", {
  set.seed(62)
  Y <- matrix(rnorm(60), 12, 5)
  p <- gplvm:::.prior_dynamics(gplvm:::.dynamics_default(),
                               factor(rep(1:2, each = 6)))
  obj <- gplvm:::.gplvm_objective(Y, kern_rbf(), 0.1, "lengthscale", p, 2L,
                                  0L)
  par <- c(rnorm(24), log(1.3), log(0.2), p$start() + 0.1)
  r <- obj$eval(par)
  X <- matrix(par[1:24], 12)
  expect_equal(r$logprior, p$logp(X, par[27:29])$value, tolerance = 1e-14)
  expect_equal(r$objective,
               c(gplvm_loglik(Y, X, kern_rbf(1.3), 0.2)) + r$logprior,
               tolerance = 1e-12)
  fd <- fd_gradient(function(v) obj$eval(v)$objective, par)
  expect_lt(rel_err(r$grad, fd), 1e-7)
})

test_that("on a loop traversed three times the GPDM path is smoother and its forecast beats the last value", {
  set.seed(63)
  dat <- loop_data(n = 86, sd = 0.2)
  train <- 1:76
  ahead <- 10L
  plain <- gplvm(dat$Y[train, ], q = 2)
  dyn <- gplvm(dat$Y[train, ], q = 2, dynamics = TRUE)
  expect_identical(plain$optim$convergence, 0L)
  expect_identical(dyn$optim$convergence, 0L)
  rough <- c(plain = path_roughness(plain$X), gpdm = path_roughness(dyn$X))
  expect_lt(rough[["gpdm"]], 0.75 * rough[["plain"]])
  fc <- predict(dyn, ahead = ahead)
  expect_identical(dim(fc$latent), c(ahead, 2L))
  expect_identical(dim(fc$data), c(ahead, 20L))
  future <- dat$Y[76 + seq_len(ahead), ]
  last <- matrix(dat$Y[76, ], ahead, 20, byrow = TRUE)
  rmse <- function(P) sqrt(mean((P - future)^2))
  err <- c(gpdm = rmse(fc$data), last = rmse(last))
  expect_lt(err[["gpdm"]], 0.6 * err[["last"]])
  message(sprintf(paste("loop: roughness plain %.3f, GPDM %.3f; %d-step",
                        "forecast RMSE GPDM %.3f, last value %.3f"),
                  rough[["plain"]], rough[["gpdm"]], ahead, err[["gpdm"]],
                  err[["last"]]))
})

test_that("several sequences, the sparse model and a continued fit", {
  set.seed(64)
  a <- loop_data(n = 30, d = 6, sd = 0.1)
  Y <- rbind(a$Y, a$Y[1:20, ] + rnorm(120, sd = 0.1))
  seq <- rep(c("one", "two"), c(30, 20))
  fit <- gplvm(Y, 2, dynamics = kern_rbf(1, 1) + kern_white(0.02),
               sequence = seq, inducing = 12)
  expect_identical(fit$optim$convergence, 0L)
  dyn <- gplvm:::.fit_dynamics(fit)
  expect_identical(levels(dyn$sequence), c("one", "two"))
  # the logprior is the dynamics' density at the fit
  expect_equal(fit$logprior, dyn$logp(fit$X, dyn$par)$value,
               tolerance = 1e-10)
  # forecasts continue the chosen sequence from its last point
  f2 <- predict(fit, ahead = 3)
  f1 <- predict(fit, ahead = 3, from = "one")
  k <- dyn$kernel(dyn$par)
  Xin <- fit$X[dyn$rows$from, ]
  step <- function(x) {
    kern_matrix(k, x, Xin) %*% solve(kern_matrix(k, Xin),
                                     fit$X[dyn$rows$to, ])
  }
  expect_equal(unname(f1$latent[1, ]), c(step(fit$X[30, , drop = FALSE])),
               tolerance = 1e-8)
  expect_equal(unname(f2$latent[2, ]),
               c(step(step(fit$X[50, , drop = FALSE]))), tolerance = 1e-8)
  expect_equal(f1$data, predict(fit, newlatent = f1$latent),
               tolerance = 1e-12)
  # continued: same dynamics, sequence and fitted dynamics kernel
  again <- gplvm(Y, init = fit)
  expect_identical(again$optim$convergence, 0L)
  expect_gte(again$objective, fit$objective - 1e-6 * abs(fit$objective))
  expect_identical(gplvm:::.fit_dynamics(again)$sequence, dyn$sequence)
  expect_named(coef(again), names(coef(fit)))
})

test_that("every method works with a dynamics fit", {
  set.seed(65)
  Y <- loop_data(n = 40, d = 5, sd = 0.1)$Y
  fit <- gplvm(Y, 2, dynamics = TRUE)
  expect_output(print(fit), "Dynamics \\(GPDM\\): RBF .* \\+ linear .*1 sequence")
  expect_output(print(summary(fit)), "Dynamics \\(GPDM\\)")
  expect_output(print(summary(fit)),
                "fixed: lengthscale, dynamics.white.variance")
  expect_identical(names(coef(fit)),
                   c("variance", "lengthscale", "noise",
                     "dynamics.rbf.variance", "dynamics.rbf.lengthscale",
                     "dynamics.linear.variance", "dynamics.white.variance"))
  # 80 latent coordinates, the RBF variance, the noise, 3 dynamics
  expect_identical(attr(logLik(fit), "df"), 85L)
  expect_identical(dim(fitted(fit)), dim(Y))
  expect_identical(dim(as.data.frame(fit)), c(40L, 2L))
  expect_identical(predict(fit), fit$X)
  # plot draws the trajectory (lines) under the points; on request for a
  # plain fit too
  drawn <- 0L
  # (trace() and untrace() announce themselves with a message)
  suppressMessages(trace("lines", function() drawn <<- drawn + 1L,
                         print = FALSE, where = asNamespace("graphics")))
  on.exit(suppressMessages(untrace("lines",
                                   where = asNamespace("graphics"))))
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off(), add = TRUE)
  expect_identical(plot(fit, resolution = 10), c(X1 = 1L, X2 = 2L))
  expect_identical(drawn, 1L)
  plot(fit, trajectory = FALSE, resolution = 10)
  expect_identical(drawn, 1L)
  plain <- gplvm(Y, 2)
  plot(plain, resolution = 10)
  expect_identical(drawn, 1L)
  plot(plain, trajectory = TRUE, resolution = 10)
  expect_identical(drawn, 2L)
  # autoplot(): a path layer, one group per sequence
  paths <- function(p) {
    Filter(function(l) inherits(l$geom, "GeomPath") &&
             !inherits(l$geom, "GeomLine"), p$layers)
  }
  expect_length(paths(ggplot2::autoplot(fit, resolution = 8)), 1L)
  expect_length(paths(ggplot2::autoplot(plain, resolution = 8)), 0L)
  expect_length(paths(ggplot2::autoplot(plain, resolution = 8,
                                        trajectory = TRUE)), 1L)
})

test_that("bad dynamics, sequence, ahead and from arguments are refused, naming them", {
  set.seed(66)
  Y <- matrix(rnorm(40), 10, 4)
  expect_error(gplvm(Y, dynamics = "rbf"), "'dynamics' must be NULL, TRUE")
  expect_error(gplvm(Y, dynamics = kern_rbf()), "'dynamics' must have a kern_white")
  expect_error(gplvm(Y, dynamics = kern_rbf(1, c(1, 2, 3)) + kern_white()),
               "'dynamics'")
  expect_error(gplvm(Y, dynamics = TRUE, sequence = 1:3), "'sequence' must be")
  expect_error(gplvm(Y, dynamics = TRUE, sequence = c(NA, rep(1, 9))),
               "'sequence' must be")
  expect_error(gplvm(Y, dynamics = TRUE, sequence = list(1:10)),
               "'sequence' must be")
  expect_error(gplvm(Y, dynamics = TRUE, sequence = c(1:2, rep(3, 8))),
               "'sequence' must give each sequence at least two rows; \"1\", \"2\"")
  expect_error(gplvm(Y, sequence = rep(1, 10)), "'sequence' applies only")
  expect_error(gplvm(Y, dynamics = TRUE, prior = TRUE), "'prior' must be FALSE")
  expect_error(gplvm(Y, dynamics = TRUE, bayesian = TRUE),
               "'dynamics' and 'bayesian' = TRUE .* cannot be combined")
  plain <- gplvm(Y, 2)
  expect_error(predict(plain, ahead = 2), "'ahead' needs a fit with dynamics")
  fit <- gplvm(Y, 2, dynamics = TRUE)
  expect_error(predict(fit, ahead = 0), "'ahead' must be")
  expect_error(predict(fit, ahead = 2, from = "x"), "'from' must be one of")
  expect_error(predict(fit, from = 1), "'from' applies only")
  expect_error(predict(fit, ahead = 2, newlatent = c(0, 0)), "'ahead'")
  expect_error(plot(fit, trajectory = NA), "'trajectory'")
  bad <- fit
  bad$latent_prior$sequence <- bad$latent_prior$sequence[-1]
  expect_error(predict(bad, ahead = 1), "damaged")
})
