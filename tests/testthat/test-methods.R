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

test_that("print and summary agree in number with one latent dimension", {
  set.seed(4)
  fit <- small_fit(q = 1)
  expect_output(print(fit), "30 points, 4 data dimensions, 1 latent dimension\n")
  expect_output(print(summary(fit)), "1 latent dimension\n")
  expect_output(print(small_fit(q = 2)), "2 latent dimensions")
  expect_identical(gplvm:::.describe_size(1L, 1L, 3L),
                   "1 point, 1 data dimension, 3 latent dimensions")
})

test_that("as.data.frame gives the latent coordinates with the data's row names", {
  set.seed(5)
  fit <- small_fit()
  df <- as.data.frame(fit)
  expect_s3_class(df, "data.frame")
  expect_named(df, c("X1", "X2"))
  expect_equal(rownames(df), rownames(iris)[seq(1, 150, 5)])
  expect_equal(as.matrix(df), fit$X)
  expect_equal(rownames(as.data.frame(fit, row.names = paste0("r", 1:30))),
               paste0("r", 1:30))
  expect_error(as.data.frame(fit, row.names = "a"), "'row.names'")
  # variances of the latent positions, for fits that have them
  fit$X_var <- fit$X^2
  expect_named(as.data.frame(fit), c("X1", "X2", "X1.var", "X2.var"))
  expect_equal(as.data.frame(fit)$X2.var, unname(fit$X[, 2]^2))
})

test_that("ggplot2 methods are registered when ggplot2 loads, not before", {
  # a fresh R: loading gplvm does not load ggplot2; loading ggplot2 then
  # makes autoplot() and fortify() find the gplvm methods
  r <- file.path(R.home("bin"), "Rscript")
  code <- paste(
    "library(gplvm); a <- 'ggplot2' %in% loadedNamespaces();",
    "invisible(loadNamespace('ggplot2'));",
    "m <- !is.null(utils::getS3method('autoplot', 'gplvm', optional = TRUE,",
    "  envir = asNamespace('ggplot2')));",
    "cat(a, m)")
  out <- system2(r, c("-e", shQuote(code)), stdout = TRUE)
  expect_identical(out, "FALSE TRUE")
})

test_that("autoplot and fortify draw and return the latent space", {
  set.seed(6)
  fit <- small_fit()
  i <- seq(1, 150, 5)
  p <- ggplot2::autoplot(fit, labels = iris$Species[i], resolution = 8)
  expect_s3_class(p, "ggplot")
  b <- ggplot2::ggplot_build(p)
  # a raster of 8 x 8 cells with the log10 precision, then the points
  expect_equal(nrow(b$data[[1]]), 64L)
  expect_equal(sort(unique(p$layers[[1]]$data$log10_precision)),
               sort(unique(c(gplvm:::.shade_grid(
                 fit, 1:2, gplvm:::.span(fit$X[, 1]),
                 gplvm:::.span(fit$X[, 2]), 8,
                 function(G) gplvm:::.log_precision(fit, G))$z))))
  # the magnification factor, in its own column
  pm <- ggplot2::autoplot(fit, background = "magnification", resolution = 8)
  expect_equal(sort(unique(pm$layers[[1]]$data$log10_magnification)),
               sort(unique(c(gplvm:::.shade_grid(
                 fit, 1:2, gplvm:::.span(fit$X[, 1]),
                 gplvm:::.span(fit$X[, 2]), 8,
                 function(G) gplvm:::.log_magnification(fit, G, 1:2))$z))))
  expect_s3_class(ggplot2::autoplot(small_fit(q = 1),
                                    background = "magnification"), "ggplot")
  # the horizontal axis is X1, as in plot() (issue 27)
  expect_equal(b$data[[2]]$x, unname(fit$X[, 1]))
  expect_equal(b$data[[2]]$y, unname(fit$X[, 2]))
  expect_equal(length(unique(b$data[[2]]$colour)), 3L)
  expect_s3_class(ggplot2::autoplot(fit, labels = iris$Petal.Width[i],
                                    background = "none"), "ggplot")
  expect_s3_class(ggplot2::autoplot(small_fit(q = 1)), "ggplot")
  expect_error(ggplot2::autoplot(fit, labels = 1:3), "'labels'")
  expect_error(ggplot2::autoplot(fit, bogus = 1), "'bogus'")
  f <- ggplot2::fortify(fit, iris[i, ])
  expect_named(f, c(names(iris), "X1", "X2"))
  expect_equal(f$X1, unname(fit$X[, 1]))
  expect_identical(ggplot2::fortify(fit), as.data.frame(fit))
  expect_error(ggplot2::fortify(fit, iris), "'data' must have 30 rows")
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  expect_silent(print(p))
})
