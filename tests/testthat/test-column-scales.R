# gplvm() warns when the columns of Y are on very different scales and
# 'scale' was not given (issue 27; bench/scale_default.out).

test_that("columns far apart in scale draw a warning naming them", {
  expect_warning(fit <- gplvm(mtcars),
                 "differ in scale by a factor of 248 .*disp.*scale = TRUE")
  expect_identical(fit$optim$convergence, 0L)
  # given either way, no warning
  expect_no_warning(fit <- gplvm(mtcars, scale = TRUE))
  expect_identical(fit$optim$convergence, 0L)
  expect_no_warning(gplvm:::.warn_column_scales(as.matrix(iris[, 1:4])))
  expect_warning(gplvm:::.warn_column_scales(state.x77),
                 "1.4e\\+05 \\(sd of Area .*Illiteracy")
  # constant columns and NA entries do not count; names for unnamed columns
  Y <- cbind(1, c(1:9, NA), 1000 * (1:10))
  expect_warning(gplvm:::.warn_column_scales(Y), "column 3 .* column 2")
  expect_no_warning(gplvm:::.warn_column_scales(Y[, 1:2]))
})
