# Issue 10: a default model with a maximiser, fits that converge, continue
# and restart, robust optimisation, progress, and SCG's stopping rule.

# A fit that must end without any warning.
quiet_converged <- function(...) {
  expect_no_warning(fit <- gplvm(...))
  expect_identical(fit$optim$convergence, 0L)
  fit
}

test_that("each prior term equals its plain-R density and its gradient", {
  set.seed(101)
  X <- matrix(rnorm(12), 6, 2)
  p <- .log_prior_latent(X)
  expect_equal(p$value, sum(dnorm(X, log = TRUE)), tolerance = 1e-12)
  expect_equal(c(p$grad), fd_gradient(function(x) .log_prior_latent(x)$value,
                                      c(X)), tolerance = 1e-8)
  b <- 0.3
  for (s2 in c(0.01, 0.2, 5)) {
    # inverse gamma(1, b): the gamma(1, rate b) density of 1 / s2 times
    # the Jacobian 1 / s2^2
    ref <- dgamma(1 / s2, shape = 1, rate = b, log = TRUE) - 2 * log(s2)
    pn <- .log_prior_noise(s2, b)
    expect_equal(pn$value, ref, tolerance = 1e-12)
    f <- function(v) .log_prior_noise(v, b)$value
    h <- s2 * 1e-5
    expect_equal(pn$grad, (f(s2 + h) - f(s2 - h)) / (2 * h), tolerance = 1e-7)
  }
  # a proper density
  dens <- function(v) exp(vapply(v, function(x) .log_prior_noise(x, b)$value, 0))
  expect_equal(integrate(dens, 0, Inf)$value, 1, tolerance = 1e-6)
})

test_that("the objective is the log-likelihood plus every prior term, with its gradient", {
  set.seed(102)
  Y <- scale(as.matrix(iris[seq(1, 150, 10), 1:4]), scale = FALSE)
  k <- kern_rbf(1.3, 1) + kern_bias(0.2)
  X <- matrix(rnorm(nrow(Y) * 2), nrow(Y), 2)
  b <- 0.05
  for (prior in c(TRUE, FALSE)) {
    obj <- .gplvm_objective(Y, k, 0.1, fixed = "rbf.lengthscale",
                            prior = prior, q = 2, trace = 0,
                            noise_prior = b)
    par <- c(X, log(c(1.3, 0.2)), log(0.07))
    kk <- k
    kern_params(kk) <- c(1.3, 1, 0.2)
    ref <- .loglik_r(Y, X, kk, 0.07)$loglik +
      (if (prior) sum(dnorm(X, log = TRUE)) else 0) +
      dgamma(1 / 0.07, shape = 1, rate = b, log = TRUE) - 2 * log(0.07)
    expect_equal(-obj$fn(par), ref, tolerance = 1e-10)
    expect_equal(obj$gr(par), fd_gradient(obj$fn, par), tolerance = 1e-6)
  }
})

test_that("default fits of small data converge without warnings", {
  set.seed(103)
  i <- seq(1, 150, 3)
  fit <- quiet_converged(iris[i, 1:4], q = 2)
  # the objective is the sum of its terms; the default has no prior on X
  expect_equal(fit$objective, fit$loglik + fit$logprior_noise)
  expect_identical(fit$logprior, 0)
  expect_identical(fit$fixed, "lengthscale")
  expect_identical(coef(fit)[["lengthscale"]], 1)
  # near stationary: 1.2 at the default reltol 1e-5 (0.4 at 1e-6), where
  # the same fit stopped after 50 or 100 iterations has 4.7 and 5.4
  expect_identical(fit$optim$reltol, 1e-5)
  expect_lt(fit$optim$max_gradient, 2)
  s <- make_scurve(40)
  fit1 <- quiet_converged(s$Y, q = 1)
  expect_gt(abs(cor(fit1$X[, 1], s$t, method = "spearman")), 0.95)
})

test_that("a converged fit is stationary: continuing it changes nothing", {
  set.seed(104)
  Y <- iris[seq(2, 150, 3), 1:4]
  fit <- quiet_converged(Y, q = 2)
  again <- quiet_converged(Y, init = fit)
  # at most what the convergence rule allows a fresh start to gain:
  # 10 x reltol (1e-6 by default)
  expect_lt(abs(again$objective - fit$objective) / abs(fit$objective), 1e-5)
  expect_identical(ncol(again$X), 2L)
  expect_equal(again$X_init, unname(fit$X), ignore_attr = TRUE)
  # a fit stopped by maxit, continued, converges
  expect_warning(short <- gplvm(Y, q = 2, maxit = 20), "init = fit")
  expect_identical(short$optim$convergence, 1L)
  more <- quiet_converged(Y, init = short)
  expect_gt(more$objective, short$objective)
  # settings come from the fit; a different q or data size is refused
  sc <- stopped_early(gplvm(Y, q = 1, scale = TRUE, prior = TRUE,
                               maxit = 10))
  cont <- stopped_early(gplvm(Y, init = sc, maxit = 5))
  expect_equal(c(ncol(cont$X), cont$prior), c(1, 1))
  expect_identical(cont$scale, sc$scale)
  expect_error(gplvm(Y, q = 2, init = sc), "'q'.*1")
  expect_error(gplvm(Y[-1, ], init = sc), "'init'")
})

test_that("continuing a sparse fit starts from its inducing inputs", {
  set.seed(105)
  s <- make_scurve(40)
  fit <- stopped_early(gplvm(s$Y, inducing = 8, maxit = 30))
  cont <- stopped_early(gplvm(s$Y, init = fit, maxit = 5))
  expect_equal(cont$inducing_init, unname(fit$inducing), ignore_attr = TRUE)
  expect_identical(cont$approx, fit$approx)
})

test_that("restarts keep the best of k starts and record every objective", {
  set.seed(106)
  Y <- iris[seq(1, 150, 5), 1:4]
  fit <- quiet_converged(Y, q = 2, restarts = 3)
  expect_length(fit$restarts, 3L)
  expect_identical(fit$objective, max(fit$restarts))
  # print and summary say so, with every start's objective
  starts <- sprintf("^Best of 3 starts \\(objectives %s\\);",
                    paste(format(fit$restarts, digits = 4L, trim = TRUE),
                          collapse = ", "))
  expect_true(any(grepl(starts, capture.output(print(fit, digits = 4L)))))
  expect_true(any(grepl("^Best of 3 starts",
                        capture.output(summary(fit)))))
  one <- quiet_converged(Y, q = 2)
  expect_false(any(grepl("starts", capture.output(print(one)))))
  expect_error(gplvm(Y, restarts = 0), "'restarts'")
})

test_that("every optimiser finishes a default fit", {
  set.seed(107)
  Y <- iris[seq(1, 150, 5), 1:4]
  for (method in c("L-BFGS-B", "BFGS", "CG", "SCG")) {
    fit <- quiet_converged(Y, q = 2, method = method)
    expect_identical(fit$optim$method, method)
  }
})

test_that("a failed evaluation is a value the optimiser backs off from", {
  set.seed(108)
  Y <- scale(as.matrix(iris[1:20, 1:4]), scale = FALSE)
  par <- c(rnorm(40), 0, log(0.1), log(0.1))
  bad <- replace(par, 41, 1e4)             # variance overflows
  for (method in c("L-BFGS-B", "BFGS", "SCG")) {
    obj <- .gplvm_objective(Y, kern_rbf() + kern_bias(0.1), 0.1,
                            "rbf.lengthscale", FALSE, 2, 0,
                            method = method)
    good <- obj$fn(par)
    f <- obj$fn(bad)
    expect_identical(obj$n_failed(), 1L)
    if (method == "L-BFGS-B") {
      expect_true(is.finite(f))
      expect_gt(f, good + 1e3)
    } else {
      expect_identical(f, Inf)
    }
    expect_equal(obj$gr(bad), obj$gr(par))
  }
  # R's own limits are not failures of the model
  expect_error(.stop_unless_numerical(simpleError("reached elapsed time limit")),
               "time limit")
  # an optimiser that stops with an error keeps the best point, and warns
  obj <- .gplvm_objective(Y, kern_rbf() + kern_bias(0.1), 0.1,
                          "rbf.lengthscale", FALSE, 2, 0)
  broken <- obj
  calls <- 0L
  broken$gr <- function(p) {
    calls <<- calls + 1L
    if (calls > 5L) stop("broken gradient")
    obj$gr(p)
  }
  res <- .optimise(broken, par, "L-BFGS-B", 100L, 1e-8)
  expect_identical(res$convergence, 99L)
  expect_match(res$message, "broken gradient")
  expect_lt(res$value, obj$fn(par))
  expect_match(.fit_warnings(obj, res, 0), "best point found")
})

test_that("starting values the optimiser cannot move from are corrected or refused", {
  set.seed(109)
  Y <- iris[seq(1, 150, 5), 1:4]
  expect_message(fit <- gplvm(Y, noise = 1e-20), "noise.*below.*starting at")
  expect_identical(fit$optim$convergence, 0L)
  expect_gt(fit$noise, 1e-6)
  k <- kern_rbf(1e-20, 1) + kern_bias(0.1)
  expect_message(expect_warning(
    gplvm(Y, kernel = k, fixed = "rbf.lengthscale", maxit = 20),
    "did not converge"), "rbf.variance")
  # fixed values are the user's to choose: left alone
  expect_no_message(stopped_early(
    gplvm(Y, noise = 1e-3, fixed = "noise", maxit = 5)))
  # issue 16: each message names the real cause and the argument
  expect_error(gplvm(Y, init_sd = 1e155), "'init_sd'.*lengthscale")
  expect_error(gplvm(Y, init_sd = 1e155, method = "SCG"),
               "'init_sd'.*lengthscale")
  expect_error(gplvm(Y, init_sd = 1e308), "'init_sd'.*overflow")
  expect_error(gplvm(Y, init_sd = 1e-9), "'init_sd'.*lengthscale")
  expect_error(gplvm(Y, init = matrix(1e6 * rnorm(60), 30, 2)), "'init'")
})

test_that("duplicated rows fit with the noise away from 0, or are named", {
  set.seed(4)
  B <- matrix(rnorm(15), 5, 3)
  fit <- quiet_converged(rbind(B, B))
  vbar <- mean(scale(rbind(B, B), scale = FALSE)^2)
  expect_gt(fit$noise, 1e-4 * vbar)
  expect_error(gplvm(rbind(B, B), noise_prior = 0),
               "duplicated rows \\(1 = 6, 2 = 7, 3 = 8, 4 = 9, 5 = 10\\)")
  expect_error(gplvm(B, noise_prior = -1), "'noise_prior'")
})

test_that("the progress line rewrites itself in place, and only when asked", {
  p <- .progress_line("line", after = 0, limit = 100)
  out <- capture.output({
    p$update(10L, -123.5)
    p$done()
  })
  expect_match(paste(out, collapse = ""),
               "\r.*10 evaluations, objective -123.5, 0 s, at most 0 s left")
  expect_identical(capture.output(.progress_line("none", 0)$update(1L, 1)),
                   character())
  old <- options(gplvm.progress = TRUE)
  on.exit(options(old))
  expect_identical(.progress_enabled(0L), "line")
  expect_identical(.progress_enabled(1L), "none")
  options(gplvm.progress = FALSE)
  expect_identical(.progress_enabled(0L), "none")
})

test_that("fits under Rscript and knitr report progress every few minutes", {
  # Before: a non-interactive fit printed nothing however long it ran
  # (51 minutes for 1000 rows on the reference BLAS, silent)
  old <- options(gplvm.progress = NULL, knitr.in.progress = NULL,
                 gplvm.progress.every = NULL)
  on.exit(options(old))
  expect_identical(.progress_enabled(0L),
                   if (interactive()) "line" else "periodic")
  options(knitr.in.progress = TRUE)
  expect_identical(.progress_enabled(0L), "periodic")
  options(knitr.in.progress = NULL)
  # periodic lines go to standard error, not into a knitted document
  p <- .progress_line("periodic", every = 0)
  err <- capture.output(out <- capture.output(p$update(7L, -2.5)),
                        type = "message")
  expect_identical(out, character())
  expect_identical(err, "gplvm: 7 evaluations, objective -2.5, 0 s elapsed")
  p <- .progress_line("periodic", every = 3600)
  expect_identical(capture.output(p$update(7L, -2.5), type = "message"),
                   character())
  expect_identical(.format_seconds(c(75)), "1.2 min")
  expect_identical(.format_seconds(7200), "2.0 h")
  # a real fit, with a line every evaluation
  options(gplvm.progress = NULL, gplvm.progress.every = 0)
  set.seed(1)
  err <- capture.output(fit <- gplvm(iris[1:30, 1:4], 2, scale = TRUE),
                        type = "message")
  expect_identical(fit$optim$convergence, 0L)
  if (!interactive()) {
    expect_gt(length(err), 10L)
    expect_match(err[1], "^gplvm: [0-9]+ evaluations, objective")
  }
  options(gplvm.progress = FALSE)
  set.seed(1)
  err <- capture.output(quiet <- gplvm(iris[1:30, 1:4], 2, scale = TRUE),
                        type = "message")
  expect_identical(err, character())
  expect_identical(quiet$optim$convergence, 0L)
})

test_that("SCG stops only when both the step and the change are small", {
  # a huge constant makes every change tiny relative to the value: the
  # old rule (either small) stopped after the first step, far from 3
  f <- function(x) 1e12 + sum((x - 3)^2 * c(1, 100))
  g <- function(x) 2 * (x - 3) * c(1, 100)
  res <- .scg(c(0, 0), f, g, maxit = 500, reltol = 1e-10, xtol = 1e-8)
  expect_identical(res$convergence, 0L)
  expect_equal(res$par, c(3, 3), tolerance = 1e-6)
  # trial points by value alone once steps fail often: here the first
  # six trial points cannot be evaluated
  q2 <- function(x) sum((x - 1)^2)
  calls <- 0L
  full <- function(x) {
    calls <<- calls + 1L
    if (calls %in% 2:7) Inf else q2(x)
  }
  nv <- 0L
  res <- .scg(c(-4, 4), full, function(x) 2 * (x - 1), maxit = 200,
              reltol = 1e-14, fn_value = function(x) { nv <<- nv + 1L; q2(x) })
  expect_equal(res$par, c(1, 1), tolerance = 1e-6)
  expect_gt(nv, 0L)
  expect_lt(nv, unname(res$counts[["function"]]))
})

test_that("a fit converges only after two fresh starts in a row made no progress (issue 23)", {
  # a quadratic, whose first run of L-BFGS-B ends at the minimum: the runs
  # after it are fresh starts that gain nothing
  best <- list(par = NULL, value = Inf)
  fn <- function(p) {
    v <- sum((p - 1:3)^2)
    if (v < best$value) best <<- list(par = p, value = v)
    v
  }
  obj <- list(fn = fn, gr = function(p) 2 * (p - 1:3),
              best = function() best)
  two <- .optimise(obj, c(5, -2, 0.5), "L-BFGS-B", 1000, 1e-8)
  expect_identical(two$convergence, 0L)
  expect_identical(two$runs, 3L)
  expect_match(two$message, "2 fresh starts of the optimiser in a row")
  expect_equal(two$par, 1:3, tolerance = 1e-6)
  one <- .optimise(obj, c(5, -2, 0.5), "L-BFGS-B", 1000, 1e-8,
                   confirmations = 1L)
  expect_identical(one$runs, 2L)
})
