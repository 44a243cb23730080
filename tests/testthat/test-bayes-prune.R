# Switching latent dimensions off after a Bayesian fit converges
# (prune = TRUE): where the relevances live in the kernel, the switched
# kernel, the acceptance rule, and a real fit.

# Data from a two-dimensional latent square in six dimensions.
plane_data <- function(n = 40) {
  t1 <- runif(n, -2, 2)
  t2 <- runif(n, -1, 1)
  cbind(sin(t1), cos(t1), t2, t1 * t2, t2^2, t1 + t2) +
    matrix(rnorm(n * 6, sd = 0.05), n)
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
  expect_null(.prune_candidate(list(kernel = k, X = X, fixed = NULL)))
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

test_that("a switch is kept while it raises the bound, and counted", {
  set.seed(91)
  base <- gplvm(plane_data(30), q = 3, bayesian = TRUE, inducing = 6,
                maxit = 3000, prune = FALSE)
  expect_equal(base$optim$convergence, 0)
  rel <- .ard_relevance(base)
  expect_false(is.null(.prune_candidate(base)))
  # a stand-in for .bayes_fit_once: the first trial gains 10, the second
  # 5 (less than the first's); each takes 7 evaluations.  It keeps the
  # kernel, so that the same dimension is tried again.
  calls <- list()
  fake <- function(m, start) {
    calls[[length(calls) + 1L]] <<- list(kernel = m$kernel, start = start)
    f <- base
    f$X <- start$X
    f$X_var <- start$S
    f$inducing <- start$Z
    f$loglik <- base$loglik + if (length(calls) == 1L) 10 else 5
    f$objective <- base$objective + if (length(calls) == 1L) 10 else 5
    f$optim$evaluations <- 7L
    f$optim$runs <- 1L
    f$time <- 1
    list(fit = f, warnings = list("from trial"))
  }
  res <- .bayes_prune(list(kernel = base$kernel), list(fit = base,
                      warnings = list()), fake)
  expect_length(calls, 2L)
  j <- res$fit$pruning$dimension
  expect_identical(res$fit$pruning$kept, c(TRUE, FALSE))
  expect_equal(res$fit$pruning$bound, base$loglik + c(10, 5))
  # the first trial switched off the least relevant dimension in use
  use <- which(rel >= 0.01 & rel < 1)
  expect_identical(j, rep(unname(use[which.min(rel[use])]), 2L))
  expect_true(all(calls[[1L]]$start$X[, j[1]] == 0))
  expect_true(all(calls[[1L]]$start$S[, j[1]] == 1))
  expect_equal(unname(.ard_relevance(list(kernel = calls[[1L]]$kernel,
                                          X = base$X))[j[1]]), 1e-12)
  # the kept fit is the first trial's, with the whole fit's start and counts
  expect_equal(res$fit$loglik, base$loglik + 10)
  expect_identical(res$warnings, list("from trial"))
  expect_identical(res$fit$X_init, base$X_init)
  expect_identical(res$fit$loglik_init, base$loglik_init)
  expect_identical(res$fit$optim$evaluations, base$optim$evaluations + 14L)
  expect_identical(res$fit$optim$runs, base$optim$runs + 2L)
  expect_equal(res$fit$time, base$time + 2)
  # held lengthscales: nothing is tried
  held <- base
  held$fixed <- c(held$fixed, "rbf.lengthscale2")
  expect_null(.prune_candidate(held))
})

test_that("a real fit tries the weakest dimension and keeps the better bound", {
  set.seed(92)
  Y <- plane_data()
  set.seed(93)
  plain <- gplvm(Y, q = 3, bayesian = TRUE, inducing = 8, maxit = 3000,
                 prune = FALSE)
  set.seed(93)
  fit <- expect_silent(gplvm(Y, q = 3, bayesian = TRUE, inducing = 8,
                             maxit = 3000))
  expect_equal(fit$optim$convergence, 0)
  expect_gte(nrow(fit$pruning), 1L)
  # both latent dimensions are needed: switching the second off costs
  expect_false(fit$pruning$kept[nrow(fit$pruning)])
  expect_lt(fit$pruning$bound[1], fit$loglik)
  expect_equal(fit$loglik, plain$loglik)
  expect_gt(fit$optim$evaluations, plain$optim$evaluations)
  expect_equal(c(gplvm_loglik(fit$Y, fit$X, fit$kernel, fit$noise,
                              inducing = fit$inducing, X_var = fit$X_var)),
               fit$loglik, tolerance = 1e-10)
  out <- capture.output(print(fit))
  expect_true(any(grepl("^Switching X[23] off after convergence: bound .*not kept",
                        out)))
  expect_true(any(grepl("Switching X[23] off", capture.output(summary(fit)))))
  expect_error(gplvm(Y, q = 3, bayesian = TRUE, prune = NA), "'prune'")
})
