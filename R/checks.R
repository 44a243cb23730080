# Argument checks shared by every exported function.  Each stops with a
# message that names the argument, before anything reaches C.

.as_numeric_matrix <- function(x, arg, allow_data_frame = FALSE,
                               min_rows = 1L) {
  if (allow_data_frame && is.data.frame(x)) {
    ok <- vapply(x, function(col) is.numeric(col) && !is.complex(col),
                 logical(1))
    if (!all(ok)) {
      stop(sprintf("'%s' has non-numeric columns: %s", arg,
                   paste(names(x)[!ok], collapse = ", ")), call. = FALSE)
    }
    x <- as.matrix(x)
  }
  if (!is.matrix(x) || !is.numeric(x)) {
    stop(sprintf("'%s' must be a numeric matrix%s", arg,
                 if (allow_data_frame) " or a data frame of numeric columns"
                 else ""), call. = FALSE)
  }
  if (nrow(x) < min_rows || ncol(x) < 1L) {
    stop(sprintf("'%s' must have at least %d row%s and one column", arg,
                 min_rows, if (min_rows == 1L) "" else "s"), call. = FALSE)
  }
  if (!all(is.finite(x))) {
    stop(sprintf("'%s' must not contain NA, NaN or infinite values", arg),
         call. = FALSE)
  }
  storage.mode(x) <- "double"
  x
}

.check_positive <- function(x, arg, len = 1L) {
  if (!is.numeric(x) || (!is.null(len) && length(x) != len) ||
      length(x) < 1L || any(!is.finite(x)) || any(x <= 0)) {
    what <- if (identical(len, 1L)) "a single positive finite number"
            else "positive finite numbers"
    stop(sprintf("'%s' must be %s", arg, what), call. = FALSE)
  }
  as.double(x)
}

.check_flag <- function(x, arg) {
  if (!is.logical(x) || length(x) != 1L || is.na(x)) {
    stop(sprintf("'%s' must be TRUE or FALSE", arg), call. = FALSE)
  }
  x
}

# A single whole number between lo and hi (hi may be NULL for no limit).
.check_count <- function(x, arg, lo = 1L, hi = NULL) {
  ok <- is.numeric(x) && length(x) == 1L && is.finite(x) && x == round(x) &&
    x >= lo && (is.null(hi) || x <= hi)
  if (!ok) {
    stop(sprintf("'%s' must be a whole number %s", arg,
                 if (is.null(hi)) sprintf("of at least %d", lo)
                 else sprintf("between %d and %d", lo, hi)), call. = FALSE)
  }
  as.integer(x)
}
