# Fuzzing: every exported function is called with malformed arguments, one
# argument broken at a time and then several at once.  Each call must end
# in an ordinary R error that names an argument (or explains the numerical
# failure), or return a valid, finite result; no argument may be modified.

valid_kernel <- function(k) {
  p <- kern_params(k)
  if (inherits(k, "gplvm_kernel") && all(is.finite(p)) && all(p > 0)) TRUE
  else "not a valid kernel"
}

valid_matrix <- function(K) {
  if (is.matrix(K) && is.double(K) && all(is.finite(K))) TRUE
  else "not a finite matrix"
}

# One entry per exported function: legal arguments, the kind of each (which
# decides its malformed variants) and a check of a returned value.
fuzz_specs <- function() {
  Y <- matrix(rnorm(24), 8, 3)
  X <- matrix(rnorm(16), 8, 2)
  X2 <- matrix(rnorm(10), 5, 2)
  k <- kern_rbf(1.2, c(0.8, 1.5)) + kern_linear(0.3) + kern_white(0.1)
  ctor <- function(f, ...) {
    list(f = f, args = list(...),
         kinds = rep("positive", length(list(...))), valid = valid_kernel)
  }
  kinds <- function(...) c(...)
  list(
    kern_rbf = ctor(kern_rbf, variance = 2, lengthscale = c(1, 2)),
    kern_matern32 = ctor(kern_matern32, variance = 2, lengthscale = 0.5),
    kern_matern52 = ctor(kern_matern52, variance = 0.3, lengthscale = 3),
    kern_linear = ctor(kern_linear, variance = c(1, 2)),
    kern_bias = ctor(kern_bias, variance = 0.5),
    kern_white = ctor(kern_white, variance = 0.01),
    # methods are called directly: with a factor or a data frame on the
    # other side, `+` and print() would dispatch to base R instead
    plus = list(f = `+.gplvm_kernel`,
                args = list(e1 = kern_rbf(), e2 = kern_bias()),
                kinds = kinds("kernel", "kernel"), valid = valid_kernel),
    kern_params = list(
      f = kern_params, args = list(kernel = k), kinds = "kernel",
      valid = function(p) {
        if (is.numeric(p) && length(p) >= 1L && !is.null(names(p)) &&
            all(is.finite(p)) && all(p > 0)) TRUE else "bad parameters"
      }),
    kern_params_set = list(
      f = `kern_params<-`, args = list(kernel = k, value = 1:6 / 4),
      kinds = kinds("kernel", "positive"), valid = valid_kernel),
    kern_matrix = list(
      f = kern_matrix, args = list(kernel = k, X = X, X2 = X2),
      kinds = kinds("kernel", "matrix", "matrix"),
      valid = valid_matrix),
    kern_matrix_sym = list(
      f = kern_matrix, args = list(kernel = k, X = X),
      kinds = kinds("kernel", "matrix"),
      valid = valid_matrix),
    gplvm_loglik = list(
      f = gplvm_loglik,
      args = list(Y = Y, X = X, kernel = k, noise = 0.1, gradient = TRUE),
      kinds = kinds("matrix", "matrix", "kernel", "positive", "flag"),
      valid = function(ll) {
        if (is.double(ll) && length(ll) == 1L && fuzz_all_finite(ll) &&
            fuzz_all_finite(attributes(ll))) TRUE else "not finite"
      }),
    print = list(
      f = function(x) {
        utils::capture.output(r <- print.gplvm_kernel(x))
        r
      },
      args = list(x = k), kinds = "kernel", valid = valid_kernel),
    format = list(
      f = format.gplvm_kernel, args = list(x = k), kinds = "kernel",
      valid = function(s) {
        if (is.character(s) && length(s) == 1L) TRUE else "not a string"
      })
  )
}

fuzz_variants <- function(kind, x) {
  c(fuzz_generic(),
    switch(kind,
           matrix = fuzz_matrix(x),
           positive = fuzz_positive(x),
           kernel = fuzz_kernel(x),
           flag = fuzz_flag(x),
           list()))
}

test_that("every exported function survives malformed arguments", {
  set.seed(71)
  specs <- fuzz_specs()
  start <- proc.time()[["elapsed"]]
  tally <- c(ok = 0L, error = 0L)
  failures <- character()
  record <- function(name, label, status) {
    if (status %in% names(tally)) {
      tally[[status]] <<- tally[[status]] + 1L
    } else {
      failures <<- c(failures, sprintf("%s(%s): %s", name, label, status))
    }
  }
  # each argument broken alone
  for (name in names(specs)) {
    s <- specs[[name]]
    for (a in seq_along(s$args)) {
      vars <- fuzz_variants(s$kinds[a], s$args[[a]])
      for (v in seq_along(vars)) {
        args <- s$args
        args[a] <- list(vars[[v]])
        record(name, sprintf("%s variant %d", names(s$args)[a], v),
               fuzz_call(s$f, args, s$valid))
      }
    }
  }
  # several arguments broken at once, at random
  for (i in seq_len(1500)) {
    name <- sample(names(specs), 1L)
    s <- specs[[name]]
    args <- s$args
    which <- sample(length(args), sample(length(args), 1L))
    for (a in which) {
      vars <- fuzz_variants(s$kinds[a], s$args[[a]])
      args[a] <- list(vars[[sample(length(vars), 1L)]])
    }
    record(name, sprintf("random round %d", i), fuzz_call(s$f, args, s$valid))
  }
  elapsed <- proc.time()[["elapsed"]] - start
  message(sprintf(paste("fuzz: %d inputs tried (%d errors, %d valid results),",
                        "%d failures, %.1f s"),
                  sum(tally) + length(failures), tally[["error"]],
                  tally[["ok"]], length(failures), elapsed))
  if (length(failures)) writeLines(utils::head(unique(sub("^[^:]*: ", "", failures)), 60))
  expect_identical(failures, character())
  expect_gt(sum(tally), 2000)
})
