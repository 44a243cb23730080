# gplvm(bayesian = TRUE): convergence, ARD switching dimensions off, the
# objective's gradient on the optimiser's scale, and the methods.

# Data from a one-dimensional latent curve in three dimensions.
curve_data <- function(n = 40) {
  t <- seq(-1, 1, length.out = n)
  cbind(sin(2 * t), cos(2 * t), t^2) + matrix(rnorm(3 * n, sd = 0.05), n)
}

bayes_fit <- local({
  fit <- NULL
  function() {
    if (is.null(fit)) {
      set.seed(81)
      # reltol 1e-8: tighter runs into L-BFGS-B's precision limit (code 52)
      fit <<- gplvm(curve_data(), q = 3, bayesian = TRUE, inducing = 8,
                    maxit = 5000, reltol = 1e-8)
    }
    fit
  }
})

test_that("a Bayesian fit converges and switches unneeded dimensions off", {
  fit <- expect_silent(bayes_fit())
  expect_s3_class(fit, c("bgplvm", "gplvm"), exact = TRUE)
  expect_equal(fit$optim$convergence, 0)
  expect_identical(dim(fit$X_var), dim(fit$X))
  expect_true(all(fit$X_var > 0))
  rel <- .ard_relevance(fit)
  expect_equal(sum(rel >= 0.01), 1L)
  # the stored bound is the bound at the stored parameters
  expect_equal(c(gplvm_loglik(fit$Y, fit$X, fit$kernel, fit$noise,
                              inducing = fit$inducing, X_var = fit$X_var)),
               fit$loglik, tolerance = 1e-10)
  expect_gt(fit$loglik, fit$loglik_init)
})

test_that("the fit's objective gradient (log variances) agrees with finite differences", {
  set.seed(82)
  Y <- scale(curve_data(15), scale = FALSE)
  k <- kern_rbf(1, c(1, 2)) + kern_bias(0.1)
  obj <- bayes_objective(Y, k, 0.1, "bias.variance", 2L, 4L)
  par <- c(rnorm(30), log(runif(30, 0.1, 0.5)), rnorm(8), log(c(1, 1, 2)),
           log(0.1))
  expect_lt(rel_err(obj$gr(par), fd_gradient(obj$fn, par)), 1e-6)
})

test_that("Bayesian methods: print, summary, logLik, fitted, residuals", {
  fit <- bayes_fit()
  out <- capture.output(print(fit))
  expect_true(any(grepl("Bayesian GP-LVM", out)))
  expect_true(any(grepl("ARD relevance", out)))
  expect_true(any(grepl("Dimensions used \\(relevance >= 0.01\\): 1 of 3",
                        out)))
  s <- capture.output(print(summary(fit)))
  expect_true(any(grepl("Dimensions used", s)))
  expect_true(any(grepl("Lower bound on log p\\(Y\\)", s)))
  ll <- logLik(fit)
  expect_s3_class(ll, "logLik")
  expect_equal(c(ll), fit$loglik)
  # means, variances, Z, 3 lengthscales and the bias (the RBF variance is
  # held), noise
  expect_equal(attr(ll, "df"), 2 * 40 * 3 + 8 * 3 + 4 + 1)
  expect_output(print(ll), "lower bound")
  expect_true(is.finite(AIC(fit)))
  # fitted: the posterior mean averaged over q(x_n), checked by Monte Carlo
  set.seed(83)
  f <- fitted(fit)
  for (i in c(3, 20)) {
    xs <- matrix(rnorm(3 * 4000), 4000) %*% diag(sqrt(fit$X_var[i, ])) +
      matrix(fit$X[i, ], 4000, 3, byrow = TRUE)
    p <- predict(fit, newlatent = xs)
    se <- apply(p, 2, sd) / sqrt(4000)
    expect_lt(max(abs(colMeans(p) - f[i, ]) / se), 4.5)
  }
  expect_equal(residuals(fit), fit$Y + rep(fit$center, each = 40) - f,
               ignore_attr = TRUE)
})

test_that("predict infers q(x*) for new rows and maps latent points", {
  fit <- bayes_fit()
  Ynew <- fit$Y[c(5, 30), ] + rep(fit$center, each = 2)
  p <- predict(fit, newdata = Ynew)
  # the means as a matrix (for points()), their variances as an attribute
  expect_true(is.matrix(p))
  expect_identical(dim(attr(p, "X_var")), dim(p))
  used <- which.max(.ard_relevance(fit))
  # a training row maps back near its own q(x)
  expect_lt(max(abs(p[, used] - fit$X[c(5, 30), used]) /
                  sqrt(fit$X_var[c(5, 30), used])), 1)
  expect_true(all(attr(p, "X_var") > 0))
  m <- predict(fit, newlatent = fit$X[1:4, ], se.fit = TRUE)
  expect_identical(dim(m$fit), c(4L, 3L))
  expect_true(all(m$se.fit > 0))
  expect_error(predict(fit, newdata = Ynew[, 1:2]), "'newdata'.*3 columns")
})

test_that("plot shows the two most relevant dimensions, with uncertainty", {
  fit <- bayes_fit()
  pdf(NULL)
  on.exit(dev.off())
  expect_invisible(plot(fit, uncertainty = TRUE))
  expect_invisible(plot(fit, labels = rep(1:2, 20), dims = c(2, 3)))
  expect_error(plot(fit, uncertainty = NA), "'uncertainty'")
})

test_that("gplvm(bayesian = TRUE) checks its arguments", {
  Y <- curve_data(10)
  expect_error(gplvm(Y, bayesian = NA), "'bayesian'")
  expect_error(gplvm(Y, q = 2, bayesian = TRUE, kernel = kern_matern32()),
               "'kernel'.*psi")
  expect_error(gplvm(Y, q = 2, bayesian = TRUE, inducing = 0), "'inducing'")
  expect_error(gplvm(Y, q = 2, bayesian = TRUE, noise = -1), "'noise'")
  expect_error(gplvm(Y, q = 2, bayesian = TRUE, fixed = "nope"), "'fixed'")
})

test_that("the optimiser backs off from a point where the bound fails", {
  set.seed(84)
  Y <- scale(curve_data(15), scale = FALSE)
  k <- kern_rbf(1, c(1, 2)) + kern_bias(0.1)
  obj <- bayes_objective(Y, k, 0.1, character(), 2L, 4L)
  par <- c(rnorm(30), log(runif(30, 0.1, 0.5)), rnorm(8), log(c(1, 1, 2)),
           log(0.1), log(0.1))
  f <- obj$fn(par)
  g <- obj$gr(par)
  bad <- par
  bad[31] <- 800  # a variance exp(800): overflows
  f_bad <- obj$fn(bad)
  expect_gt(f_bad, f + 1e3)
  expect_true(is.finite(f_bad))
  expect_identical(obj$gr(bad), g)
  expect_equal(obj$n_failed(), 2L)
  expect_identical(obj$best()$par, par)
  obj_bfgs <- bayes_objective(Y, k, 0.1, character(), 2L, 4L, "BFGS")
  expect_identical(obj_bfgs$fn(bad), Inf)
})

test_that("a Bayesian fit can be continued and restarted", {
  fit <- bayes_fit()
  # continued from its end point: converged again at once, no lower
  # objective (the bound plus the noise prior; the bound alone may trade
  # a little against the prior)
  Y0 <- sweep(fit$Y, 2L, fit$center, `+`)
  again <- expect_silent(gplvm(Y0, init = fit))
  expect_s3_class(again, "bgplvm")
  expect_equal(again$optim$convergence, 0)
  expect_gte(again$objective, fit$objective - 1e-6 * abs(fit$objective))
  expect_equal(again$X_init, fit$X, ignore_attr = TRUE)
  expect_equal(again$X_var_init, fit$X_var, ignore_attr = TRUE)
  expect_equal(again$inducing_init, fit$inducing, ignore_attr = TRUE)
  # a fit stopped early continues to where a full fit gets
  set.seed(85)
  Y <- curve_data(30)
  expect_warning(short <- gplvm(Y, q = 2, bayesian = TRUE, inducing = 6,
                                maxit = 60, reltol = 1e-8), "converge")
  expect_equal(short$optim$convergence, 1)
  more <- expect_silent(gplvm(Y, init = short, maxit = 5000))
  expect_equal(more$optim$convergence, 0)
  expect_gt(more$loglik, short$loglik)
  expect_error(gplvm(Y, bayesian = TRUE, init = gplvm(Y, q = 2)), "'init'")
  # three starts: the kept one has the highest bound of the three
  set.seed(86)
  three <- expect_silent(gplvm(Y, q = 2, bayesian = TRUE, inducing = 6,
                               maxit = 5000, restarts = 3))
  expect_length(three$restarts, 3L)
  expect_equal(three$objective, max(three$restarts))
  expect_equal(three$optim$convergence, 0)
  # every start from the PCA means (the inducing inputs drawn anew), so
  # whichever won started where a single start does
  set.seed(86)
  one <- gplvm(Y, q = 2, bayesian = TRUE, inducing = 6, maxit = 5000)
  expect_equal(three$X_init, one$X_init)
  M <- matrix(rnorm(2 * nrow(Y)), ncol = 2)
  expect_identical(.data_restart(.data_bayes(6L), 2L, M, NULL, Y, 2L, 1),
                   M)
  expect_identical(.data_restart(.data_bayes(6L), 3L, M, one, Y, 2L, 1),
                   "pca")
  # other fits: the spectral start second
  expect_equal(.data_restart(.data_exact(), 2L, "pca", NULL, scale(Y), 2L,
                             1), .restart_start(2L, scale(Y), 2L, 1))
})
