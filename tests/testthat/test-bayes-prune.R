# Switching latent dimensions off during a Bayesian fit (prune): where the
# relevances live in the kernel, the switched kernel and start, the rule,
# the loop around the optimiser, and real fits.

# Ten columns of smooth functions of a two-dimensional latent square, with
# little noise.
plane_data <- function(n = 60, d = 10, noise = 0.01) {
  X <- cbind(runif(n, -2, 2), runif(n, -1, 1))
  W <- matrix(rnorm(2 * d), 2)
  b <- runif(d, 0, 2 * pi)
  sin(X %*% W + rep(b, each = n)) + matrix(rnorm(n * d, sd = noise), n)
}

# A converged fit without pruning (30 rows, q = 3) for the stand-ins of
# .fit_once() below.
prune_base <- function() {
  set.seed(91)
  base <- gplvm(plane_data(30), q = 3, bayesian = TRUE, inducing = 6,
                maxit = 3000, prune = FALSE)
  expect_equal(base$optim$convergence, 0L)
  base
}

# Run k of a stand-in for .fit_once() from `start`: `base` with the model's
# kernel and the start's state, 7 evaluations; run 1 stops at its budget
# with dimension 3 at relevance 1e-4, later runs converge.
fake_run <- function(base, m, start, k) {
  f <- base
  f$kernel <- m$kernel
  if (k == 1L) {
    kern_params(f$kernel)[c("rbf.lengthscale1", "rbf.lengthscale2",
                            "rbf.lengthscale3")] <- c(1, 2, 100)
  }
  f$X <- start$X
  f$X_var <- start$S
  f$inducing <- start$Z
  f$X_init <- start$X
  f$optim$convergence <- if (k == 1L) 1L else 0L
  f$optim$evaluations <- 7L
  f$optim$failed <- 1L
  f$optim$runs <- 2L
  f$time <- 1
  f
}

test_that("the relevance parameters are found in any kernel layout", {
  k <- kern_rbf(2, c(1, 2, 3))
  p <- .relevance_param(k)
  expect_identical(p$type, "rbf")
  expect_identical(kern_params(k)[p$at], c(lengthscale1 = 1, lengthscale2 = 2,
                                           lengthscale3 = 3))
  k <- kern_bias(0.1) + kern_linear(c(4, 5)) + kern_rbf(1, c(1, 2))
  p <- .relevance_param(k)
  expect_identical(p$type, "linear")
  expect_identical(p$names, c("linear.variance1", "linear.variance2"))
  k <- kern_bias(0.1) + kern_rbf(1, c(7, 8)) + kern_rbf(3, c(5, 6))
  p <- .relevance_param(k)
  expect_identical(p$names, c("rbf1.lengthscale1", "rbf1.lengthscale2"))
  expect_identical(unname(kern_params(k)[p$at]), c(7, 8))
  # one lengthscale for all dimensions: nothing to switch
  k <- kern_rbf(1, 2) + kern_bias(0.1)
  expect_identical(.relevance_param(k)$names, "rbf.lengthscale")
  X <- matrix(0, 1, 2, dimnames = list(NULL, c("a", "b")))
  expect_identical(.prune_dims(list(kernel = k, X = X, fixed = NULL), 0.5),
                   integer())
  expect_null(.relevance_param(kern_bias(0.1)))
})

test_that("a switched-off dimension has relevance 1e-12 of the largest", {
  k <- kern_rbf(2, c(1, 2, 3)) + kern_bias(0.1)
  off <- .switch_off_kernel(k, 2L)
  l <- off$parts[[1L]]$params$lengthscale
  expect_identical(l[c(1, 3)], c(1, 3))
  expect_equal(l[2], 1e6)
  fit <- list(kernel = off, X = matrix(0, 1, 3,
                                       dimnames = list(NULL, c("a", "b", "c"))))
  expect_equal(unname(.ard_relevance(fit)[2]), 1e-12)
  lin <- .switch_off_kernel(kern_linear(c(4, 5)), 1L)
  expect_equal(lin$params$variance, c(5e-12, 5))
})

test_that("the rule picks the dimensions in use below the cutoff", {
  X <- matrix(0, 1, 5, dimnames = list(NULL, paste0("X", 1:5)))
  # relevances 1, 1/4, 1/200, 1e-12 (off), 1/10000
  k <- kern_rbf(1, c(1, 2, sqrt(200), 1e6, 100)) + kern_bias(0.1)
  fit <- list(kernel = k, X = X, fixed = "rbf.variance")
  expect_identical(.prune_dims(fit, 0.01), c(3L, 5L))
  expect_identical(.prune_dims(fit, 0.3), c(2L, 3L, 5L))
  expect_identical(.prune_dims(fit, 1e-3), 5L)
  expect_identical(.prune_dims(fit, 0), integer())
  # lengthscales held: nothing is switched
  fit$fixed <- "rbf.lengthscale3"
  expect_identical(.prune_dims(fit, 0.01), integer())
})

test_that("the dimensions are in doubt when one in use is near the cut, untested", {
  X <- matrix(0, 1, 4, dimnames = list(NULL, paste0("X", 1:4)))
  none <- data.frame(dimension = integer(), evaluation = integer(),
                     relevance = numeric(), bound = numeric(),
                     undone = logical())
  # relevances 1, 1/4, 1/64 (between the cut 0.01 and twice it), 1e-12
  k <- kern_rbf(1, c(1, 2, 8, 1e6)) + kern_bias(0.1)
  fit <- list(kernel = k, X = X, pruning = none)
  expect_true(.dims_in_doubt(fit, 0.01))
  # twice a lower cut, 0.01, is below 1/64
  expect_false(.dims_in_doubt(fit, 0.005))
  # a switch of it was undone: tested, the bound fell without it
  fit$pruning[1L, ] <- list(3L, 500L, 0.009, 100, TRUE)
  expect_false(.dims_in_doubt(fit, 0.01))
  # relevance 1/36: clear of twice the cut
  fit <- list(kernel = kern_rbf(1, c(1, 2, 6, 1e6)) + kern_bias(0.1),
              X = X, pruning = none)
  expect_false(.dims_in_doubt(fit, 0.01))
  # a dimension below the cut that the loop switched back on, and one
  # switched off: neither is in doubt
  fit <- list(kernel = kern_rbf(1, c(1, 2, 12, 1e6)) + kern_bias(0.1),
              X = X, pruning = none)
  fit$pruning[1:2, ] <- list(3:4, c(250L, 500L), c(0.008, 0.001),
                             c(90, 100), c(TRUE, FALSE))
  expect_false(.dims_in_doubt(fit, 0.01))
  # lengthscales held: the rule cannot switch them, nothing is in doubt
  fit <- list(kernel = k, X = X, pruning = none, fixed = "rbf.lengthscale3")
  expect_false(.dims_in_doubt(fit, 0.01))
})

test_that("a fit in doubt gets a second start unless 'restarts' is given", {
  set.seed(1)
  Y <- plane_data(40)
  # the plane's second latent dimension ends at relevance 0.022: a cut
  # of 0.015 never switches it off, and puts it in doubt
  set.seed(2)
  fit <- gplvm(Y, q = 2, bayesian = TRUE, inducing = 8, prune = 0.015)
  expect_equal(fit$optim$convergence, 0L)
  set.seed(2)
  one <- gplvm(Y, q = 2, bayesian = TRUE, inducing = 8, prune = 0.015,
               restarts = 1)
  expect_equal(one$optim$convergence, 0L)
  expect_length(one$restarts, 1L)
  expect_equal(nrow(one$pruning), 0L)
  expect_true(.dims_in_doubt(one, 0.015))
  # the same first start, then one more; the higher bound is kept
  expect_length(fit$restarts, 2L)
  expect_identical(fit$restarts[1L], one$objective)
  expect_identical(fit$objective, max(fit$restarts))
  # continuing a fit in doubt continues it, with no fresh start
  cont <- gplvm(Y, init = one, prune = 0.015, maxit = 50)
  expect_length(cont$restarts, 1L)
  expect_true(.dims_in_doubt(cont, 0.015))
  # with a cut of 0.005 both dimensions are clear of twice it
  set.seed(2)
  clear <- gplvm(Y, q = 2, bayesian = TRUE, inducing = 8, prune = 0.005)
  expect_equal(clear$optim$convergence, 0L)
  expect_false(.dims_in_doubt(clear, 0.005))
  expect_length(clear$restarts, 1L)
})

test_that("the start after a switch is the prior there, the rest kept", {
  set.seed(1)
  fit <- list(X = matrix(rnorm(12), 4, 3), X_var = matrix(0.1, 4, 3),
              inducing = matrix(rnorm(6), 2, 3),
              kernel = kern_rbf(1, c(1, 2, 30)) + kern_bias(0.1),
              latent = list(kind = "none"))
  s <- .switch_off(fit, 3L)
  expect_identical(s$X[, 3], rep(0, 4))
  expect_identical(s$S[, 3], rep(1, 4))
  expect_identical(s$Z[, 3], rep(0, 2))
  expect_identical(s$X[, -3], fit$X[, -3])
  expect_identical(s$S[, -3], fit$X_var[, -3])
  expect_identical(s$Z[, -3], fit$inducing[, -3])
  expect_null(s$w)
  expect_false(s$warm)
  expect_equal(s$kernel$parts[[1L]]$params$lengthscale, c(1, 2, 1e6))
})

test_that("'prune' is TRUE, FALSE or a cutoff, and is checked", {
  expect_identical(.check_prune(TRUE), .relevance_cutoff)
  expect_identical(.check_prune(FALSE), 0)
  expect_identical(.check_prune(0.05), 0.05)
  Y <- iris[1:20, 1:4]
  for (bad in list(NA, -0.1, 1, "yes", c(0.1, 0.2), NaN)) {
    expect_error(gplvm(Y, q = 2, bayesian = TRUE, prune = bad),
                 "'prune' must be TRUE, FALSE or a relevance between 0 and 1")
  }
})

test_that("the loop checks the rule between runs and counts the whole fit", {
  base <- prune_base()
  # a stand-in for .fit_once(): the first run stops at its budget with
  # dimension 3 at relevance 1e-4; the second converges with it off
  calls <- list()
  fake <- function(m, start) {
    calls[[length(calls) + 1L]] <<- list(model = m, start = start)
    list(fit = fake_run(base, m, start, length(calls)),
         warnings = list(length(calls)))
  }
  s <- list(X = base$X_init, S = base$X_var_init, Z = base$inducing_init,
            warm = TRUE)
  model <- list(kernel = base$kernel, noise = 0.5, maxit = 100L)
  res <- .bayes_prune(model, s, 0.01, fake, every = 10L)
  expect_length(calls, 2L)
  expect_identical(calls[[1L]]$model$maxit, 10L)
  expect_identical(calls[[1L]]$start, s)
  second <- calls[[2L]]
  expect_false(second$start$warm)
  expect_identical(unname(second$start$X[, 3]), rep(0, 30))
  expect_identical(unname(second$start$S[, 3]), rep(1, 30))
  expect_equal(unname(.ard_relevance(list(kernel = second$model$kernel,
                                          X = base$X))[3]), 1e-12)
  expect_identical(second$model$noise, base$noise)
  # the last run's fit and warnings, the first's start, the counts of all
  expect_identical(res$warnings, list(2L))
  expect_identical(res$fit$X_init, base$X_init)
  expect_identical(res$fit$optim$convergence, 0L)
  expect_identical(res$fit$optim$evaluations, 14L)
  expect_identical(res$fit$optim$failed, 2L)
  expect_identical(res$fit$optim$runs, 4L)
  expect_equal(res$fit$time, 2)
  expect_identical(res$fit$pruning$dimension, 3L)
  expect_identical(res$fit$pruning$evaluation, 7L)
  expect_equal(res$fit$pruning$relevance, 1e-4)
  # the budget ends the loop, unconverged
  calls <- list()
  res <- .bayes_prune(modifyList(model, list(maxit = 7L)), s, 0.01, fake,
                      every = 10L)
  expect_length(calls, 1L)
  expect_identical(calls[[1L]]$model$maxit, 7L)
  expect_identical(res$fit$optim$convergence, 1L)
})

test_that("the loop undoes a switch after which the bound converged lower", {
  base <- prune_base()
  # run 1 stops at its budget, bound 100, dimension 3 at relevance 1e-4;
  # run 2 (dimension 3 off) converges at 50, below it; run 3 (from run
  # 1's end) converges at 120
  calls <- list()
  fake <- function(m, start) {
    k <- length(calls) + 1L
    calls[[k]] <<- list(model = m, start = start)
    if (k == 1L) start$X[, 1] <- start$X[, 1] + 1  # run 1 moves the means
    f <- fake_run(base, m, start, k)
    f$loglik <- c(100, 50, 120)[k]
    list(fit = f, warnings = list(k))
  }
  s <- list(X = base$X_init, S = base$X_var_init, Z = base$inducing_init,
            warm = TRUE)
  model <- list(kernel = base$kernel, noise = 0.5, maxit = 100L)
  res <- .bayes_prune(model, s, 0.01, fake, every = 10L)
  expect_length(calls, 3L)
  third <- calls[[3L]]$start
  # run 3 starts where run 1 ended, dimension 3 on again for good
  expect_identical(unname(third$X[, 1]), unname(base$X_init[, 1] + 1))
  expect_identical(unname(third$X[, 3]), unname(base$X_init[, 3]))
  expect_equal(unname(.ard_relevance(list(kernel = calls[[3L]]$model$kernel,
                                          X = base$X))[3]), 1e-4)
  expect_identical(res$fit$loglik, 120)
  expect_identical(res$fit$optim$convergence, 0L)
  expect_identical(res$fit$optim$evaluations, 21L)
  expect_identical(res$fit$pruning$dimension, 3L)
  expect_identical(res$fit$pruning$undone, TRUE)
  rel <- .ard_relevance(res$fit)
  expect_identical(unname(.dims_used(rel, res$fit$pruning)), rep(TRUE, 3))
  expect_identical(unname(.dims_used(rel)), c(TRUE, TRUE, FALSE))
  out <- capture.output(.cat_relevance(rel, res$fit$pruning))
  expect_true(any(grepl("Dimensions used \\(relevance >= 0.01, and X3\\): 3 of 3",
                        out)))
  expect_true(any(grepl("^X3 switched off after 7 evaluations .*, back on",
                        out)))
  # a switch after which the bound passes the one before it stays
  calls <- list()
  fake2 <- function(m, start) {
    r <- fake(m, start)
    r$fit$loglik <- c(100, 101)[length(calls)]
    r
  }
  res <- .bayes_prune(model, s, 0.01, fake2, every = 10L)
  expect_length(calls, 2L)
  expect_identical(res$fit$pruning$undone, FALSE)
})

test_that("the rule switches all at first, then the least relevant", {
  fit <- list(kernel = kern_rbf(lengthscale = 1 / sqrt(c(1, 0.5, 0.005,
                                                         0.002, 0.015))) +
                kern_bias(),
              X = matrix(0, 2, 5))
  rel <- .ard_relevance(fit)
  expect_equal(unname(rel), c(1, 0.5, 0.005, 0.002, 0.015))
  expect_identical(.prune_next(fit, rel, 0.01, integer(), TRUE), 3:4)
  expect_identical(.prune_next(fit, rel, 0.01, integer(), FALSE), 4L)
  # never one switched back on
  expect_identical(.prune_next(fit, rel, 0.01, 4L, FALSE), 3L)
  expect_identical(.prune_next(fit, rel, 0.01, 3:4, TRUE), integer())
  expect_identical(.prune_next(fit, rel, 0.02, 3:4, FALSE), 5L)
})

test_that("a 2-D latent in q = 4 is pruned to 2 during the fit, converged", {
  set.seed(1)
  Y <- plane_data()
  set.seed(1)
  fit <- expect_silent(gplvm(Y, q = 4, bayesian = TRUE, inducing = 10))
  expect_equal(fit$optim$convergence, 0L)
  rel <- .ard_relevance(fit)
  expect_identical(unname(which(rel >= 0.01)), 1:2)
  # dimensions 3 and 4 stalled below the cutoff and were switched off
  expect_identical(fit$pruning$dimension, 3:4)
  expect_true(all(fit$pruning$relevance < 0.01))
  expect_true(all(rel[3:4] < 1e-9))
  expect_true(all(abs(fit$X[, 3:4]) < 1e-6))
  expect_true(all(abs(fit$X_var[, 3:4] - 1) < 1e-6))
  expect_equal(c(gplvm_loglik(fit$Y, fit$X, fit$kernel, fit$noise,
                              inducing = fit$inducing, X_var = fit$X_var)),
               fit$loglik, tolerance = 1e-10)
  out <- capture.output(print(fit))
  expect_true(any(grepl("^X3 switched off after [0-9]+ evaluations", out)))
  expect_true(any(grepl("^X4 switched off", capture.output(summary(fit)))))
  # without the rule the fit keeps both half-used
  set.seed(1)
  none <- gplvm(Y, q = 4, bayesian = TRUE, inducing = 10, prune = FALSE)
  expect_equal(none$optim$convergence, 0L)
  expect_null(none$pruning)
  expect_true(all(.ard_relevance(none)[3:4] > 1e-9))
})

test_that("switched-off dimensions are left out of the engine, exactly", {
  set.seed(5)
  n <- 40
  q <- 4
  Y <- matrix(rnorm(n * 3), n)
  X <- matrix(rnorm(n * q), n)
  S <- matrix(runif(n * q, 0.1, 0.5), n)
  Z <- matrix(rnorm(6 * q), 6)
  k <- kern_rbf(1.3, c(0.8, 1.5, 2, 1.1)) + kern_bias(0.2)
  expect_null(.bayes_dims_on(k, q))              # all dimensions in use
  # dimensions 2 and 4 switched off as .switch_off() does
  X[, c(2, 4)] <- 0
  S[, c(2, 4)] <- 1
  Z[, c(2, 4)] <- 0
  for (j in c(2, 4)) k <- .switch_off_kernel(k, j)
  expect_identical(.bayes_dims_on(k, q), c(1L, 3L))
  full <- .loglik_bayes_c(Y, X, S, Z, k, 0.1, TRUE)
  on <- .loglik_bayes_on(Y, X, S, Z, k, 0.1, TRUE, 3)
  expect_lt(abs(on$bound - full$bound) / abs(full$bound), 1e-10)
  for (g in c("X", "X_var", "inducing", "kernel", "noise")) {
    expect_lt(max(abs(on[[g]] - full[[g]])) / max(abs(full[[g]])), 1e-9,
              label = g)
  }
  expect_identical(names(on$kernel), names(kern_params(k)))
  expect_identical(dim(on$X), dim(X))
  # not when another part reads the latent positions, nor for a linear
  # relevance part (its switched-off variance keeps a gradient)
  expect_null(.bayes_dims_on(k + kern_linear(0.5), q))
  lin <- kern_linear(c(1, 0.5, 2, 0.7)) + kern_bias(0.2)
  expect_null(.bayes_dims_on(.switch_off_kernel(lin, 2), q))
})
