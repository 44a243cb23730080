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
         m * 1e154, m * 1e200, matrix(0, nrow(m), ncol(m)), structure(as.list(m), dim = dim(m)),
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
    dmg(function(p) { p$type <- if (p$type == "linear") "rbf" else "linear"; p }),
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

# The error message of an ordinary, useful error: raised by the package's
# own checks (no call attached, or match.arg), naming an argument in quotes
# or explaining the numerical failure.  Returns TRUE or a description.
fuzz_useful_error <- function(e) {
  msg <- conditionMessage(e)
  call <- paste(deparse(conditionCall(e)), collapse = " ")
  if (!inherits(e, "simpleError") && !identical(class(e), c("error", "condition"))) {
    return(paste("unexpected error class", paste(class(e), collapse = "/")))
  }
  from_pkg <- is.null(conditionCall(e)) || grepl("^match\\.arg\\(", call)
  named <- grepl("'[A-Za-z_.][A-Za-z0-9_.]*'", msg) ||
    grepl("covariance matrix|log-likelihood is not finite|only kernels",
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
