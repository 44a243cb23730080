test_that("print and summary describe the fit", {
  set.seed(1)
  fit <- small_fit()
  expect_output(out <- print(fit), "30 points, 4 data dimensions, 2 latent")
  expect_identical(out, fit)
  expect_output(print(fit), "Log-likelihood")
  s <- summary(fit)
  expect_s3_class(s, "summary.gplvm")
  expect_equal(names(s$relevance), c("X1", "X2"))
  expect_equal(max(s$relevance), 1)
  expect_true(all(s$relevance > 0))
  expect_output(print(s), "relevance")
  expect_output(print(s), "L-BFGS-B")
})

test_that("coef, logLik, nobs and AIC fit together", {
  set.seed(2)
  fit <- small_fit()
  cf <- coef(fit)
  expect_equal(names(cf), c(names(kern_params(fit$kernel)), "noise"))
  expect_true(all(cf > 0))
  ll <- logLik(fit)
  expect_s3_class(ll, "logLik")
  expect_equal(attr(ll, "nobs"), 30L)
  expect_equal(attr(ll, "df"), 30L * 2L + length(cf) - length(fit$fixed))
  expect_equal(nobs(fit), 30L)
  expect_equal(AIC(fit), -2 * as.numeric(ll) + 2 * attr(ll, "df"))
  expect_equal(BIC(fit), -2 * as.numeric(ll) + log(30) * attr(ll, "df"))
  Yc <- scale(as.matrix(iris[seq(1, 150, 5), 1:4]), scale = FALSE)
  expect_equal(as.numeric(ll),
               gplvm_loglik(Yc, fit$X, fit$kernel, fit$noise),
               tolerance = 1e-10)
})

test_that("fitted and residuals are on the original scale", {
  set.seed(3)
  for (sc in c(FALSE, TRUE)) {
    fit <- small_fit(scale = sc)
    Y <- as.matrix(iris[seq(1, 150, 5), 1:4])
    f <- fitted(fit)
    expect_equal(dim(f), dim(Y))
    expect_equal(dimnames(f), dimnames(Y))
    expect_equal(residuals(fit), Y - f)
    # the fit explains most of the variance of every column
    expect_true(all(apply(residuals(fit), 2, var) < 0.2 * apply(Y, 2, var)))
  }
})
