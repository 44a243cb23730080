# Fuzzing: every exported function and method is called with malformed
# arguments, one argument broken at a time and then several at once.  Each
# call must end in an ordinary R error that names an argument (or explains
# the numerical failure), or return a valid, finite result; no argument may
# be modified.  Generators and the runner are in helper-fuzz.R.  Each spec
# gives legal arguments, the kind of each (which decides its malformed
# variants, see fuzz_kind()) and a check of a returned value.  Methods are
# called directly: with a factor or a data frame on the other side, `+`
# and print() would dispatch to base R instead.

valid_kernel <- function(k) {
  p <- kern_params(k)
  if (inherits(k, "gplvm_kernel") && all(is.finite(p)) && all(p > 0)) TRUE
  else "not a valid kernel"
}

valid_matrix <- function(K) {
  if (is.matrix(K) && is.double(K) && all(is.finite(K))) TRUE
  else "not a finite matrix"
}

valid_finite <- function(x) {
  if (fuzz_all_finite(x) && fuzz_all_finite(attributes(x))) TRUE
  else "not finite"
}

# Calls f with its output captured, returning f's value.
quietly <- function(f) {
  function(...) {
    utils::capture.output(r <- f(...))
    r
  }
}

kernel_specs <- function() {
  Y <- matrix(rnorm(24), 8, 3)
  X <- matrix(rnorm(16), 8, 2)
  X2 <- matrix(rnorm(10), 5, 2)
  k <- kern_rbf(1.2, c(0.8, 1.5)) + kern_linear(0.3) + kern_white(0.1)
  ctor <- function(f, ...) {
    list(f = f, args = list(...),
         kinds = rep("positive", length(list(...))), valid = valid_kernel)
  }
  list(
    kern_rbf = ctor(kern_rbf, variance = 2, lengthscale = c(1, 2)),
    kern_matern32 = ctor(kern_matern32, variance = 2, lengthscale = 0.5),
    kern_matern52 = ctor(kern_matern52, variance = 0.3, lengthscale = 3),
    kern_linear = ctor(kern_linear, variance = c(1, 2)),
    kern_bias = ctor(kern_bias, variance = 0.5),
    kern_white = ctor(kern_white, variance = 0.01),
    plus = list(f = `+.gplvm_kernel`,
                args = list(e1 = kern_rbf(), e2 = kern_bias()),
                kinds = c("kernel", "kernel"), valid = valid_kernel),
    kern_params = list(
      f = kern_params, args = list(kernel = k), kinds = "kernel",
      valid = function(p) {
        if (is.numeric(p) && length(p) >= 1L && !is.null(names(p)) &&
            all(is.finite(p)) && all(p > 0)) TRUE else "bad parameters"
      }),
    kern_params_set = list(
      f = `kern_params<-`, args = list(kernel = k, value = 1:6 / 4),
      kinds = c("kernel", "positive"), valid = valid_kernel),
    kern_matrix = list(
      f = kern_matrix, args = list(kernel = k, X = X, X2 = X2),
      kinds = c("kernel", "matrix", "matrix"), valid = valid_matrix),
    kern_matrix_sym = list(
      f = kern_matrix, args = list(kernel = k, X = X),
      kinds = c("kernel", "matrix"), valid = valid_matrix),
    gplvm_loglik = list(
      f = gplvm_loglik,
      args = list(Y = Y, X = X, kernel = k, noise = 0.1, gradient = TRUE),
      kinds = c("matrix", "matrix", "kernel", "positive", "flag"),
      valid = function(ll) {
        if (is.double(ll) && length(ll) == 1L) valid_finite(ll)
        else "not a number"
      }),
    print = list(f = quietly(print.gplvm_kernel), args = list(x = k),
                 kinds = "kernel", valid = valid_kernel),
    format = list(
      f = format.gplvm_kernel, args = list(x = k), kinds = "kernel",
      valid = function(s) {
        if (is.character(s) && length(s) == 1L) TRUE else "not a string"
      })
  )
}

valid_fit <- function(fit) {
  if (inherits(fit, "gplvm") && valid_finite(unclass(fit)[c("X", "noise",
      "loglik", "alpha")]) && all(kern_params(fit$kernel) > 0)) TRUE
  else "not a valid fit"
}

fit_specs <- function() {
  Y <- matrix(rnorm(24), 8, 3)
  fit <- stopped_early(gplvm(Y, q = 2, maxit = 20))
  sparse <- stopped_early(gplvm(Y, q = 2, maxit = 20, inducing = 4,
                                   approx = "fitc"))
  c(list(
    gplvm = list(
      f = quietly(gplvm),
      args = list(Y = Y, q = 2, kernel = kern_rbf(1, c(1, 1)) + kern_bias(),
                  init = "pca", noise = 0.1, scale = TRUE, prior = TRUE,
                  fixed = "noise", method = "BFGS", maxit = 3,
                  reltol = 1e-8, trace = 0, init_sd = 1),
      kinds = c("matrix", "count", "kernel", "choice", "positive", "flag",
                "flag", "names", "choice", "count", "positive", "count",
                "positive"),
      valid = valid_fit),
    gplvm_sparse = list(
      f = gplvm,
      args = list(Y = Y, q = 1, maxit = 3, inducing = 3, approx = "dtc"),
      kinds = c("matrix", "count", "count", "count", "choice"),
      valid = valid_fit),
    gplvm_sparse_z = list(
      f = gplvm,
      args = list(Y = Y, q = 2, maxit = 3, inducing = fit$X[1:3, ]),
      kinds = c("matrix", "count", "count", "matrix"),
      valid = valid_fit),
    gplvm_loglik_sparse = list(
      f = gplvm_loglik,
      args = list(Y = Y, X = fit$X, kernel = fit$kernel, noise = 0.1,
                  gradient = TRUE, inducing = fit$X[2:5, ], approx = "vfe"),
      kinds = c("matrix", "matrix", "kernel", "positive", "flag", "matrix",
                "choice"),
      valid = valid_finite)),
    method_specs(fit, Y, ""), method_specs(sparse, Y, "sparse_"))
}

# Every method of a fitted model, on fit and its damaged copies.
method_specs <- function(fit, Y, prefix) {
  specs <- list(
    print = list(f = quietly(print.gplvm), args = list(x = fit),
                 kinds = "fit", valid = valid_fit),
    summary = list(
      f = quietly(function(object) print(summary.gplvm(object))),
      args = list(object = fit), kinds = "fit",
      valid = function(s) {
        if (inherits(s, "summary.gplvm")) valid_finite(s$relevance)
        else "not a summary"
      }),
    coef = list(f = coef.gplvm, args = list(object = fit), kinds = "fit",
                valid = valid_finite),
    logLik = list(f = function(object) AIC(logLik.gplvm(object)),
                  args = list(object = fit), kinds = "fit",
                  valid = valid_finite),
    nobs = list(f = nobs.gplvm, args = list(object = fit), kinds = "fit",
                valid = valid_finite),
    fitted = list(f = fitted.gplvm, args = list(object = fit),
                  kinds = "fit", valid = valid_matrix),
    residuals = list(f = residuals.gplvm, args = list(object = fit),
                     kinds = "fit", valid = valid_matrix),
    predict_data = list(
      f = predict.gplvm,
      args = list(object = fit, newdata = Y[1:3, ], maxit = 5),
      kinds = c("fit", "matrix", "count"), valid = valid_matrix),
    predict_latent = list(
      f = predict.gplvm,
      args = list(object = fit, newlatent = fit$X[1:3, ], se.fit = TRUE),
      kinds = c("fit", "matrix", "flag"), valid = valid_finite),
    plot = list(
      f = plot.gplvm,
      args = list(x = fit, labels = rep(1:2, 4), dims = 2:1,
                  resolution = 4),
      kinds = c("fit", "labels", "count", "count"),
      valid = function(x) if (is.integer(x)) TRUE else "not the dims shown")
  )
  stats::setNames(specs, paste0(prefix, names(specs)))
}

test_that("kernels and the likelihood survive malformed arguments", {
  set.seed(71)
  start <- proc.time()[["elapsed"]]
  run <- fuzz_run(kernel_specs(), rounds = 1500)
  n <- fuzz_report("kernels", run, proc.time()[["elapsed"]] - start)
  expect_gt(n, 2000)
})

test_that("gplvm() (exact, sparse) and its methods survive malformed input", {
  set.seed(72)
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  start <- proc.time()[["elapsed"]]
  run <- fuzz_run(fit_specs(), rounds = 300)
  n <- fuzz_report("fit", run, proc.time()[["elapsed"]] - start)
  expect_gt(n, 2000)
})

# The arguments that an R wrapper passes to .Call, captured by running the
# wrapper with a .Call that records them instead (so that the test follows
# the entry points' signatures as they change).
captured_call <- function(wrapper, ...) {
  env <- new.env(parent = environment(wrapper))
  env$.Call <- function(...) stop(structure(
    class = c("captured", "condition"),
    list(message = "", call = NULL, args = list(...))))
  environment(wrapper) <- env
  tryCatch(wrapper(...), captured = function(cnd) cnd$args)
}

test_that("the C entry points re-check what they are given", {
  set.seed(73)
  Y <- matrix(rnorm(12), 6, 2)
  X <- matrix(rnorm(12), 6, 2)
  k <- kern_rbf(1, c(1, 2)) + kern_linear()
  calls <- list(
    captured_call(kern_matrix, k, X, X[1:3, ]),
    captured_call(.loglik_c, Y, X, k, 0.1, TRUE),
    captured_call(.loglik_sparse_c, Y, X, X[1:3, ], k, 0.1, "fitc", TRUE),
    captured_call(.kern_diag, k, X),
    captured_call(.kern_grad, k, X, Y[, 1]),
    captured_call(.kern_grad, k, X, Y[, 1:2] %*% X[1:2, ], X[1:2, ]),
    captured_call(.kern_dx, k, X[1:2, ], X),
    captured_call(.kern_d2, k, X))
  bad <- list(NULL, 1L, 0L, -1L, 1:3, c(1L, 99L), c(-5L, 3L), NA_integer_,
              .Machine$integer.max, 1, -1, 0, NaN, Inf, NA_real_, 1e308,
              c(1, 2), numeric(0), integer(0), "a", TRUE, NA, list(1),
              matrix(1, 0, 2), matrix(1, 2, 0), matrix(1, 1, 1),
              matrix(1L, 6, 2), matrix(NaN, 6, 2), matrix(1, 6, 3),
              matrix(1, 7, 2), array(1, c(6, 2, 1)), quote(x), 1i,
              new.env())
  n <- 0L
  odd <- character()
  for (cl in calls) {
    expect_true(is.list(cl) && length(cl) > 1L)
    variants <- lapply(seq_along(cl)[-1L], function(a) {
      lapply(bad, function(b) replace(cl, a, list(b)))
    })
    for (args in c(unlist(variants, recursive = FALSE),
                   lapply(1:100, function(i) {
                     a <- sample(seq_along(cl)[-1L], 2L)
                     replace(cl, a, sample(bad, 2L))
                   }))) {
      r <- tryCatch(do.call(.Call, args), error = function(e) e)
      if (inherits(r, "condition") && !inherits(r, "simpleError")) {
        odd <- c(odd, paste(class(r), collapse = "/"))
      }
      n <- n + 1L
    }
  }
  message(sprintf("fuzz C: %d direct .Call inputs, no crash", n))
  expect_identical(unique(odd), character())
  expect_gt(n, 500)
})
