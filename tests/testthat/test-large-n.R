# Large N (issue 23): inducing = "auto" fits the sparse model past
# options("gplvm.exact_max") rows, with a message; the threshold is an
# option so that these tests trigger it on small data.

auto_count <- gplvm:::.auto_inducing_count

test_that("M is 80 where cheap, then sqrt(N) / 2 in [64, 300], at most N", {
  expect_identical(auto_count(30), 30L)
  expect_identical(auto_count(100), 80L)
  expect_identical(auto_count(1501), 80L)
  expect_identical(auto_count(6400), 80L)
  # N M^2 held at 6400 x 80^2 past 6400 rows
  expect_identical(auto_count(8000), as.integer(round(80 * sqrt(0.8))))
  expect_identical(auto_count(10000), 64L)
  expect_identical(auto_count(16000), 64L)
  expect_identical(auto_count(20000), 71L)
  expect_identical(auto_count(1e5), 158L)
  expect_identical(auto_count(1e6), 300L)
})

# Runs f(Y) on make_scurve(n) rows (drawn after set.seed(seed)) with
# options(gplvm.exact_max = top), the option restored after.
at_threshold <- function(n, top, seed, f) {
  set.seed(seed)
  Y <- make_scurve(n)$Y
  old <- options(gplvm.exact_max = top)
  on.exit(options(old))
  f(Y)
}

# gplvm(Y, q = 2, ...) fits the exact model, converged, with no message.
expect_exact_silently <- function(Y, ...) {
  expect_no_message(fit <- gplvm(Y, q = 2, ...))
  expect_null(fit$inducing)
  expect_equal(fit$optim$convergence, 0L)
}

test_that("past gplvm.exact_max rows the default fit is sparse and says so", {
  at_threshold(100, 60, 1, function(Y) {
    set.seed(4)
    expect_message(fit <- gplvm(Y, q = 2),
      "100 rows.*sparse model \\(VFE\\) with M = 80.*inducing = NULL")
    expect_equal(fit$optim$convergence, 0L)
    expect_identical(nrow(fit$inducing), 80L)
    expect_identical(fit$approx, "vfe")
    # the same as asking for it
    set.seed(4)
    asked <- gplvm(Y, q = 2, inducing = 80)
    expect_equal(fit$objective, asked$objective, tolerance = 1e-10)
    # continuing it neither asks again nor changes the model
    expect_no_message(again <- gplvm(Y, init = fit))
    expect_identical(nrow(again$inducing), 80L)
    # inducing = NULL opts out: the exact model, silently
    expect_exact_silently(Y, inducing = NULL)
  })
})

test_that("the exact model is the default up to 500 rows", {
  old <- options(gplvm.exact_max = NULL)
  on.exit(options(old))
  expect_identical(gplvm:::.exact_max(), 500L)
  expect_null(gplvm:::.resolve_inducing("auto", 500L, FALSE))
  expect_message(m <- gplvm:::.resolve_inducing("auto", 501L, FALSE),
                 "501 rows, more than 500.*M = 80")
  expect_identical(m, 80L)
})

test_that("up to gplvm.exact_max rows the default fit is exact, silently", {
  at_threshold(60, 60, 2, expect_exact_silently)
})

test_that("a Bayesian fit keeps its own default M past the threshold", {
  at_threshold(70, 20, 3, function(Y) {
    expect_no_message(fit <- stopped_early(gplvm(Y, q = 2, bayesian = TRUE,
                                                 maxit = 30)))
    expect_identical(nrow(fit$inducing), 50L)
  })
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
