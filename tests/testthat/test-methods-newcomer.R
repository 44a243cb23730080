# Issue 27, "Methods": the methods behave as R users expect.

newcomer_data <- function() iris[seq(1, 150, 5), 1:4]

test_that("gplvm_check_gradient(fit) checks a fit of every kind at its values", {
  set.seed(21)
  Y <- newcomer_data()
  Ymiss <- Y
  Ymiss[c(3, 17), 2] <- NA
  fits <- list(
    exact = gplvm(Y),
    vfe = gplvm(Y, inducing = 8),
    fitc = gplvm(Y, inducing = 8, approx = "fitc"),
    bayes = gplvm(Y, q = 2, bayesian = TRUE, inducing = 8),
    back = gplvm(Y, back = "kernel"),
    missing = gplvm(Ymiss),
    dynamics = gplvm(Y, dynamics = TRUE))
  for (kind in names(fits)) {
    fit <- fits[[kind]]
    expect_identical(fit$optim$convergence, 0L, label = kind)
    chk <- gplvm_check_gradient(fit, max_latent = 10)
    expect_s3_class(chk, "gplvm_gradient_check")
    # the value checked is the fit's data term at its values
    expect_equal(attr(chk, "loglik"), fit$loglik, tolerance = 1e-8,
                 label = kind)
    expect_lt(max(chk$rel_error), 1e-4, label = kind)
    expect_true("noise" %in% chk$parameter, label = kind)
  }
  expect_true(any(grepl("^inducing\\[", gplvm_check_gradient(
    fits$vfe, max_latent = 4)$parameter)))
  expect_true(any(grepl("^X_var\\[", gplvm_check_gradient(
    fits$bayes, max_latent = 4)$parameter)))
  # minibatch training stops after its epochs (convergence code 1, see
  # ?"gplvm-scaling"); its collapsed bound is checked all the same
  mb <- gplvm(Y, inducing = 8, batch_size = 10, epochs = 2)
  expect_lt(max(gplvm_check_gradient(mb, max_latent = 10)$rel_error), 1e-4)
  expect_output(print(gplvm_check_gradient(fits$exact, max_latent = 5)),
                "OK: all")
  expect_error(gplvm_check_gradient(fits$exact, noise = 1),
               "give only 'tolerance' and 'max_latent'")
})

test_that("fit$x is the latent matrix, as prcomp()'s x", {
  set.seed(22)
  fit <- small_fit()
  expect_identical(fit$x, fit$X)
  expect_identical(fit[["X"]], fit$X)
  expect_null(fit$no_such_field)
  expect_equal(fit$nobs, 30L)
})

test_that("predict(newdata =) accepts a column that is all NA (logical)", {
  set.seed(23)
  fit <- gplvm(newcomer_data(), q = 2)
  expect_identical(fit$optim$convergence, 0L)
  new <- data.frame(Sepal.Length = 5.1, Sepal.Width = NA, Petal.Length = 1.4,
                    Petal.Width = 0.2)
  expect_true(is.logical(new$Sepal.Width))
  p <- predict(fit, newdata = new)
  num <- new
  num$Sepal.Width <- NA_real_
  expect_identical(p, predict(fit, newdata = num))
  expect_true(all(is.finite(p)))
  expect_error(predict(fit, newdata = transform(new, Sepal.Width = "a")),
               "non-numeric columns: Sepal.Width")
})

test_that("summary prints 'Hyperparameters (fixed: ...)' with its space", {
  set.seed(24)
  out <- utils::capture.output(summary(small_fit()))
  expect_true(any(out == "Hyperparameters (fixed: lengthscale):"))
})

test_that("screeplot shows the relevances; anova compares nested fits", {
  set.seed(25)
  Y <- newcomer_data()
  fit1 <- gplvm(Y, q = 1, scale = TRUE)
  fit2 <- gplvm(Y, q = 2, scale = TRUE)
  expect_identical(c(fit1$optim$convergence, fit2$optim$convergence),
                   c(0L, 0L))
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  expect_invisible(rel <- screeplot(fit2))
  expect_identical(rel, gplvm:::.relevance(fit2))
  expect_identical(screeplot(fit2, type = "lines", npcs = 1),
                   gplvm:::.relevance(fit2)[1])
  expect_error(screeplot(fit2, npcs = 3), "'npcs'")
  # in either order: sorted by df, the statistic twice the difference
  a <- anova(fit2, fit1)
  expect_s3_class(a, "anova")
  expect_equal(a$df, c(attr(logLik(fit1), "df"),
                       attr(logLik(fit2), "df")))
  expect_equal(a$Chisq[2], 2 * (fit2$loglik - fit1$loglik))
  expect_equal(a$Df[2], 30)
  expect_equal(a[["Pr(>Chisq)"]][2],
               stats::pchisq(a$Chisq[2], 30, lower.tail = FALSE))
  expect_output(print(a), "Likelihood-ratio comparison")
  expect_error(anova(fit1), "two or more fits")
  expect_error(anova(fit1, gplvm(Y, q = 2)), "fit 2 was fitted to other data")
  # the Bayesian bound is not a likelihood: no probability
  b1 <- gplvm(Y, q = 1, bayesian = TRUE, inducing = 8)
  b2 <- gplvm(Y, q = 2, bayesian = TRUE, inducing = 8)
  expect_identical(c(b1$optim$convergence, b2$optim$convergence),
                   c(0L, 0L))
  ab <- anova(b1, b2)
  expect_true(all(is.na(ab[["Pr(>Chisq)"]])))
  expect_output(print(ab), "no p-value")
  expect_identical(screeplot(b2), gplvm:::.ard_relevance(b2))
})

test_that("confint and biplot stop with a reason", {
  set.seed(26)
  fit <- small_fit()
  expect_error(confint(fit), "point estimates without a covariance")
  expect_error(biplot(fit), "needs linear loadings")
})
