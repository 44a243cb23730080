# gplvm() with inducing inputs: the fit, its methods, predict and plot.

sparse_fit <- function(n = 60, m = 12, ...) {
  dat <- make_scurve(n)
  fit <- stopped_early(gplvm(dat$Y, q = 2, inducing = m, maxit = 150,
                                ...))
  c(list(fit = fit), dat)
}

test_that("a sparse fit improves its bound, which is the C value and below the exact one", {
  set.seed(71)
  for (approx in c("vfe", "fitc", "dtc")) {
    s <- sparse_fit(approx = approx)
    fit <- s$fit
    expect_s3_class(fit, "gplvm")
    expect_identical(fit$approx, approx)
    expect_identical(dim(fit$inducing), c(12L, 2L))
    expect_gt(fit$loglik, fit$loglik_init)
    again <- gplvm_loglik(fit$Y, fit$X, fit$kernel, fit$noise,
                          inducing = fit$inducing, approx = approx)
    expect_equal(fit$loglik, c(again), tolerance = 1e-10)
    if (approx == "vfe") {
      expect_lte(fit$loglik, gplvm_loglik(fit$Y, fit$X, fit$kernel,
                                          fit$noise))
    }
    # the inducing inputs were learned
    expect_gt(max(abs(fit$inducing - fit$inducing_init)), 1e-3)
  }
})

test_that("the sparse objective's gradient (X, Z, log-parameters) matches finite differences", {
  set.seed(72)
  dat <- make_scurve(15)
  Y <- sweep(dat$Y, 2L, colMeans(dat$Y))
  Z0 <- matrix(rnorm(8), 4, 2)
  k <- kern_rbf(1, c(1, 2)) + kern_bias(0.1) + kern_white(0.01)
  obj <- .gplvm_objective(Y, k, 0.1, character(), TRUE, 2L, 0L, Z0, "vfe")
  par <- c(rnorm(30), Z0, log(kern_params(k)), log(0.1))
  expect_equal(obj$gr(par), fd_gradient(obj$fn, par), tolerance = 1e-6)
})

test_that("inducing = N starts at the latent positions; a matrix is used as given", {
  set.seed(73)
  dat <- make_scurve(20)
  fit <- stopped_early(gplvm(dat$Y, inducing = 20, maxit = 5))
  expect_equal(fit$inducing_init, unname(fit$X_init), ignore_attr = TRUE)
  Z0 <- matrix(rnorm(10), 5, 2)
  fit <- stopped_early(gplvm(dat$Y, inducing = Z0, maxit = 5,
                                approx = "fitc"))
  expect_equal(fit$inducing_init, Z0)
})

test_that("methods, predict and plot work on sparse fits", {
  set.seed(74)
  s <- sparse_fit(n = 50, m = 10)
  fit <- s$fit
  expect_output(print(fit), "10 inducing inputs")
  expect_output(print(fit), "bound")
  expect_output(print(summary(fit)), "10 inducing inputs")
  ll <- logLik(fit)
  npar <- length(kern_params(fit$kernel)) + 1L - length(fit$fixed)
  expect_identical(attr(ll, "df"), 50L * 2L + 10L * 2L + npar)
  expect_equal(AIC(fit), -2 * fit$loglik + 2 * attr(ll, "df"))
  expect_identical(nobs(fit), 50L)
  expect_equal(fitted(fit), predict(fit, newlatent = fit$X))
  expect_equal(residuals(fit) + fitted(fit), s$Y, ignore_attr = TRUE)
  # the fit describes the data: residuals well below the data's spread
  expect_lt(sqrt(mean(residuals(fit)^2)), 0.5 * sd(c(s$Y)))
  ps <- predict(fit, newlatent = rbind(fit$X[1:3, ], c(50, 50)),
                se.fit = TRUE)
  expect_true(all(ps$se.fit > 0))
  expect_equal(unname(ps$residual.scale), rep(sqrt(fit$noise), 3))
  expect_gt(ps$se.fit[4, 1], ps$se.fit[1, 1])
  # data -> latent -> data returns close to the data
  Xn <- predict(fit, newdata = s$Y[1:5, ])
  expect_identical(dim(Xn), c(5L, 2L))
  back <- predict(fit, newlatent = Xn)
  expect_lt(max(abs(back - s$Y[1:5, ])), 0.5 * max(abs(s$Y)))
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  expect_identical(plot(fit, labels = s$t > 0), c(X1 = 1L, X2 = 2L))
})

test_that("the sparse projection objective's gradient matches finite differences", {
  set.seed(75)
  # fixed noise: with a tiny fitted noise the objective is too steep for
  # finite differences
  fit <- sparse_fit(n = 40, m = 8, approx = "fitc", noise = 0.1,
                    fixed = "noise")$fit
  Ys <- fit$Y[c(3, 20), ] + 0.01
  obj <- .project_objective(fit, Ys)
  x <- rnorm(4, sd = 0.5)
  expect_equal(obj$gr(x), fd_gradient(obj$fn, x), tolerance = 1e-6)
})

test_that("bad sparse arguments to gplvm give errors naming them", {
  set.seed(76)
  Y <- make_scurve(20)$Y
  expect_error(gplvm(Y, inducing = 0), "'inducing'")
  expect_error(gplvm(Y, inducing = 21), "'inducing'")
  expect_error(gplvm(Y, inducing = 2.5), "'inducing'")
  expect_error(gplvm(Y, inducing = matrix(0, 3, 3)), "'inducing'")
  expect_error(gplvm(Y, inducing = "a"), "'inducing'")
  expect_error(gplvm(Y, inducing = 5, approx = "vdtc"), "'approx'")
  expect_error(gplvm(Y, inducing = 5, kernel = kern_white()), "'kernel'")
})
