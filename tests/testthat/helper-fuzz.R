# Malformed inputs for the fuzz and robustness tests.  Every generator
# derives its variants from a legal value, so that each variant breaks one
# thing at a time.

# Values of the wrong kind for any argument.
fuzz_generic <- function() {
  list(NULL, "a", letters[1:4], matrix(letters[1:4], 2), factor(c("a", "b")),
       list(1, 2), list(), TRUE, NA, NA_real_, NaN, Inf, -Inf, 0, -1,
       1e308, 1e-308, numeric(0), 1 + 2i, matrix(1 + 0i, 2, 2),
       function(x) x, quote(x), data.frame(a = 1:2, b = c("x", "y")),
       as.Date("2020-01-01"), structure(list(), class = "gplvm_kernel"))
}

# A copy of matrix m with value v at one random position.
fuzz_poke <- function(m, v) {
  m[sample(length(m), 1L)] <- v
  m
}

# Variants of a legal numeric matrix: wrong types, wrong shapes, special
# values, extreme scales.  Some are legal (integer storage, tiny scale).
fuzz_matrix <- function(m) {
  specials <- list(NA, NA_real_, NaN, Inf, -Inf, 1e308, -1e308, 1e-308,
                   .Machine$double.xmax)
  chr <- m
  storage.mode(chr) <- "character"
  lgl <- m > 0
  int <- m
  storage.mode(int) <- "integer"
  c(list(chr, lgl, int, m + 0i, as.vector(m), t(m), data.frame(m),
         m[0, , drop = FALSE], m[, 0, drop = FALSE], m[1, , drop = FALSE],
         m[, 1, drop = FALSE], m[-1, , drop = FALSE], rbind(m, m[1, ]),
         cbind(m, 1), array(m, c(dim(m), 1)), m * 1e308, m * 1e-308,
         m * 1e154, m * 1e200, matrix(0, nrow(m), ncol(m)),
         structure(as.list(m), dim = dim(m)),
         factor(m)),
    lapply(specials, function(v) fuzz_poke(m, v)))
}

# Variants of a legal positive number or vector of them.
fuzz_positive <- function(x) {
  list(0, -x, -Inf, Inf, NA_real_, NaN, c(x, x), x[0], x * 1e308, 1e-308,
       as.integer(ceiling(x)), as.character(x), x > 0, x + 0i,
       factor(x), list(x), matrix(x, 1), 5e-324)
}

fuzz_flag <- function(x) {
  list(NA, c(TRUE, FALSE), 1, "TRUE", NULL, logical(0), list(TRUE))
}

# Variants of a legal whole number (counts such as q, maxit, resolution).
fuzz_count <- function(x) {
  list(0, -1, x + 0.5, 1e10, .Machine$integer.max + 1, Inf, NA_integer_,
       NaN, c(x, x), as.character(x), TRUE, x + 0i, factor(x), list(x),
       as.integer(x), 1L)
}

# Variants of a legal string argument (a choice among a few).
fuzz_choice <- function(x) {
  list(toupper(x), paste0(x, "x"), "", NA_character_, c(x, x), character(0),
       substr(x, 1L, 1L), factor(x), 1L, list(x))
}

# Variants of a character vector of names (such as `fixed`).
fuzz_names <- function(x) {
  list("bogus", NA_character_, c("noise", "noise"), "", 1, factor("noise"),
       list("noise"), character(0), c("noise", "bogus"))
}

# Damaged copies of a legal kernel: fields removed, renamed, retyped or
# resized, parts replaced, the class put on other objects.
fuzz_kernel <- function(k) {
  one <- if (identical(k$type, "sum")) k$parts[[1L]] else k
  dmg <- function(f) {
    out <- k
    if (identical(k$type, "sum")) {
      i <- sample(length(k$parts), 1L)
      out$parts[[i]] <- f(out$parts[[i]])
    } else {
      out <- f(out)
    }
    out
  }
  pname <- function(p) sample(names(p$params), 1L)
  set_par <- function(v) function(p) {
    p$params[[pname(p)]] <- v
    p
  }
  list(
    dmg(function(p) { p$params <- NULL; p }),
    dmg(function(p) { p$type <- NULL; p }),
    dmg(function(p) { p$params[[pname(p)]] <- NULL; p }),
    dmg(function(p) { p$type <- "spline"; p }),
    dmg(function(p) { p$type <- c("rbf", "rbf"); p }),
    dmg(function(p) { p$type <- 1L; p }),
    dmg(function(p) { p$type <- NA_character_; p }),
    dmg(function(p) { p$type <- "sum"; p }),
    dmg(function(p) {
      p$type <- if (p$type == "linear") "rbf" else "linear"
      p
    }),
    dmg(function(p) { p$type <- if (p$type == "bias") "rbf" else "bias"; p }),
    dmg(function(p) { p$params <- unname(p$params); p }),
    dmg(function(p) { p$params <- rev(p$params); p }),
    dmg(function(p) { p$params <- unlist(p$params); p }),
    dmg(function(p) { p$params$extra <- 1; p }),
    dmg(set_par(numeric(0))),
    dmg(set_par(c(1, 2, 3, 4, 5, 6, 7))),
    dmg(set_par(c(1, 2))),
    dmg(set_par(-1)),
    dmg(set_par(0)),
    dmg(set_par(NA_real_)),
    dmg(set_par(NaN)),
    dmg(set_par(Inf)),
    dmg(set_par(1e308)),
    dmg(set_par(1e-308)),
    dmg(set_par(5e-324)),
    dmg(set_par("1")),
    dmg(set_par(TRUE)),
    dmg(set_par(1 + 0i)),
    dmg(set_par(list(1))),
    dmg(set_par(factor(1))),
    dmg(set_par(NULL)),
    dmg(function(p) unclass(p)),
    dmg(function(p) "rbf"),
    dmg(function(p) NULL),
    dmg(function(p) list()),
    unclass(k),
    structure(unclass(k), class = "lm"),
    structure(list(), class = "gplvm_kernel"),
    structure(list(1, 2), class = "gplvm_kernel"),
    structure(list(type = "sum"), class = "gplvm_kernel"),
    structure(list(type = "sum", parts = list()), class = "gplvm_kernel"),
    structure(list(type = "sum", parts = one), class = "gplvm_kernel"),
    structure(list(type = "sum", parts = "rbf"), class = "gplvm_kernel"),
    structure(list(type = "sum", parts = list(k, one)),
              class = "gplvm_kernel"),
    structure(list(type = "sum", parts = list(unclass(one))),
              class = "gplvm_kernel"),
    structure(c(1, 2), class = "gplvm_kernel"),
    structure("rbf", class = "gplvm_kernel"),
    structure(function() 1, class = "gplvm_kernel"),
    structure(list(type = "rbf", params = list(variance = 1,
                                               lengthscale = 1)),
              class = c("gplvm_kernel", "data.frame")),
    structure(list(types = "rbf", paramsx = one$params),
              class = "gplvm_kernel"),
    structure(list(type = "sum", partsx = list(one)),
              class = "gplvm_kernel")
  )
}

# Damaged copies of a fitted model: each field removed or given a value of
# the wrong type, length or shape, the class moved to other objects.
fuzz_fit <- function(fit) {
  garbage <- function(v) {
    c(list(NULL, "a", NA, -1, 0, Inf, NaN, list(), v[0]),
      if (is.numeric(v) && length(v)) list(-v, v * NA, v * 1e308, c(v, 1))
      else list(),
      if (is.matrix(v)) list(t(v), v[-1, , drop = FALSE], v[, -1, drop = FALSE],
                             c(v), fuzz_poke(v, NaN), fuzz_poke(v, Inf))
      else list(),
      if (inherits(v, "gplvm_kernel")) fuzz_kernel(v)[c(1, 3, 4, 17, 18, 20)]
      else list())
  }
  out <- list()
  for (nm in names(fit)) {
    for (g in garbage(fit[[nm]])) {
      f <- fit
      if (is.null(g)) f[nm] <- list(NULL) else f[[nm]] <- g
      out[[length(out) + 1L]] <- f
    }
    f <- fit
    f[[nm]] <- NULL
    out[[length(out) + 1L]] <- f
  }
  c(out, list(unclass(fit), structure(list(), class = "gplvm"),
              structure(list(1, 2), class = "gplvm"),
              structure(fit["X"], class = "gplvm"),
              structure(unclass(fit), class = "lm"),
              structure("fit", class = "gplvm")))
}

# The error message of an ordinary, useful error: raised by the package's
# own checks (no call attached, or match.arg), naming an argument in quotes
# or explaining the numerical failure.  Returns TRUE or a description.
fuzz_useful_error <- function(e) {
  msg <- conditionMessage(e)
  call <- paste(deparse(conditionCall(e)), collapse = " ")
  # a numerical failure of the model has its own class (R/optimise.R)
  if (!inherits(e, c("simpleError", "gplvm_numerical_error")) &&
      !identical(class(e), c("error", "condition"))) {
    return(paste("unexpected error class", paste(class(e), collapse = "/")))
  }
  from_pkg <- is.null(conditionCall(e)) || grepl("^match\\.arg\\(", call)
  named <- grepl("'[A-Za-z_.][A-Za-z0-9_.]*'", msg) ||
    grepl(paste("covariance (matrix|of the inducing)",
                "log-likelihood is not finite", "only kernels", sep = "|"),
          msg)
  if (from_pkg && named && nchar(msg) > 10) TRUE
  else paste0("unhelpful error: ", msg, " [call: ", call, "]")
}

# TRUE when x holds only finite numbers (recursively through lists);
# non-numeric leaves (names, characters, calls) are ignored.
fuzz_all_finite <- function(x) {
  if (is.list(x)) return(all(vapply(x, fuzz_all_finite, TRUE)))
  if (is.numeric(x) || is.complex(x)) return(all(is.finite(x)))
  TRUE
}

# Runs the specs (see test-fuzz.R): every argument broken alone through
# every variant of its kind, then `rounds` calls with several arguments
# broken at once.  Returns the counts of errors and valid results and the
# failures.
fuzz_run <- function(specs, rounds) {
  tally <- c(ok = 0L, error = 0L)
  failures <- character()
  one <- function(name, label, args) {
    s <- specs[[name]]
    status <- fuzz_call(s$f, args, s$valid)
    if (status %in% names(tally)) {
      tally[[status]] <<- tally[[status]] + 1L
    } else {
      failures <<- c(failures, sprintf("%s(%s): %s", name, label, status))
    }
  }
  variants <- lapply(specs, function(s) {
    Map(function(kind, x) c(fuzz_generic(), fuzz_kind(kind, x)),
        s$kinds, s$args)
  })
  for (name in names(specs)) {
    s <- specs[[name]]
    for (a in seq_along(s$args)) {
      vars <- variants[[name]][[a]]
      for (v in seq_along(vars)) {
        args <- s$args
        args[a] <- list(vars[[v]])
        one(name, sprintf("%s variant %d", names(s$args)[a], v), args)
      }
    }
  }
  for (i in seq_len(rounds)) {
    name <- sample(names(specs), 1L)
    args <- specs[[name]]$args
    for (a in sample(length(args), sample(length(args), 1L))) {
      vars <- variants[[name]][[a]]
      args[a] <- list(vars[[sample(length(vars), 1L)]])
    }
    one(name, sprintf("random round %d", i), args)
  }
  list(tally = tally, failures = failures)
}

fuzz_kind <- function(kind, x) {
  switch(kind,
         matrix = fuzz_matrix(x),
         positive = fuzz_positive(x),
         kernel = fuzz_kernel(x),
         flag = fuzz_flag(x),
         count = fuzz_count(x),
         choice = fuzz_choice(x),
         names = fuzz_names(x),
         fit = fuzz_fit(x),
         list())
}

# Reports a run and expects no failure.
fuzz_report <- function(what, run, elapsed) {
  n <- sum(run$tally) + length(run$failures)
  message(sprintf(paste("fuzz %s: %d inputs tried (%d errors, %d valid",
                        "results), %d failures, %.1f s"),
                  what, n, run$tally[["error"]], run$tally[["ok"]],
                  length(run$failures), elapsed))
  if (length(run$failures)) {
    writeLines(utils::head(unique(run$failures), 40))
  }
  testthat::expect_identical(run$failures, character())
  n
}

# Calls f with args; returns "ok", "error" or a failure description.  Checks
# that no argument is modified, that errors are useful and that a result
# passes `valid`.
fuzz_call <- function(f, args, valid) {
  before <- unserialize(serialize(args, NULL))
  res <- tryCatch(
    withCallingHandlers(
      list(value = do.call(f, args, quote = TRUE)),
      warning = function(w) invokeRestart("muffleWarning")),
    error = function(e) e)
  if (!identical(args, before, ignore.environment = TRUE)) {
    return("an argument was modified")
  }
  if (inherits(res, "condition")) {
    ok <- fuzz_useful_error(res)
    return(if (isTRUE(ok)) "error" else ok)
  }
  ok <- tryCatch(valid(res$value), error = conditionMessage)
  if (isTRUE(ok)) "ok" else paste("invalid result:", ok)
}
