# Large N (issue 23): inducing = "auto" fits the sparse model past
# options("gplvm.exact_max") rows, with a message; the threshold is an
# option so that these tests trigger it on small data.

auto_count <- gplvm:::.auto_inducing_count

test_that("M grows as 2 sqrt(N), between 50 and 300 and at most N", {
  expect_identical(auto_count(30), 30L)
  expect_identical(auto_count(100), 50L)
  expect_identical(auto_count(1501), 77L)
  expect_identical(auto_count(6500), 161L)
  expect_identical(auto_count(20000), 283L)
  expect_identical(auto_count(1e6), 300L)
})

test_that("past gplvm.exact_max rows the default fit is sparse and says so", {
  set.seed(1)
  Y <- make_scurve(80)$Y
  old <- options(gplvm.exact_max = 60)
  on.exit(options(old))
  set.seed(4)
  expect_message(fit <- gplvm(Y, q = 2),
                 "80 rows.*sparse model \\(VFE\\) with M = 50.*inducing = NULL")
  expect_equal(fit$optim$convergence, 0L)
  expect_identical(nrow(fit$inducing), 50L)
  expect_identical(fit$approx, "vfe")
  # the same as asking for it
  set.seed(4)
  asked <- gplvm(Y, q = 2, inducing = 50)
  expect_equal(fit$objective, asked$objective, tolerance = 1e-10)
  # continuing it neither asks again nor changes the model
  expect_no_message(again <- gplvm(Y, init = fit))
  expect_identical(nrow(again$inducing), 50L)
  # inducing = NULL opts out: the exact model, silently
  expect_no_message(exact <- gplvm(Y, q = 2, inducing = NULL))
  expect_null(exact$inducing)
  expect_equal(exact$optim$convergence, 0L)
})

test_that("up to gplvm.exact_max rows the default fit is exact, silently", {
  set.seed(2)
  Y <- make_scurve(60)$Y
  old <- options(gplvm.exact_max = 60)
  on.exit(options(old))
  expect_no_message(fit <- gplvm(Y, q = 2))
  expect_null(fit$inducing)
  expect_equal(fit$optim$convergence, 0L)
})

test_that("a Bayesian fit keeps its own default M past the threshold", {
  set.seed(3)
  Y <- make_scurve(70)$Y
  old <- options(gplvm.exact_max = 20)
  on.exit(options(old))
  expect_no_message(fit <- stopped_early(gplvm(Y, q = 2, bayesian = TRUE,
                                               maxit = 30)))
  expect_identical(nrow(fit$inducing), 50L)
})

test_that("'inducing' and the option are checked", {
  Y <- iris[1:20, 1:4]
  expect_error(gplvm(Y, inducing = "yes"), "'inducing'")
  expect_error(gplvm(Y, inducing = c("auto", "auto")), "'inducing'")
  old <- options(gplvm.exact_max = -1)
  on.exit(options(old))
  expect_error(gplvm(Y), "gplvm.exact_max")
  options(gplvm.exact_max = "many")
  expect_error(gplvm(Y), "gplvm.exact_max")
})
