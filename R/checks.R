# Argument checks shared by every exported function.  Each stops with a
# message that names the argument, before anything reaches C.

# allow_na: NA and NaN entries are accepted (missing values); only
# infinite ones are refused.
.as_numeric_matrix <- function(x, arg, allow_data_frame = FALSE,
                               min_rows = 1L, allow_na = FALSE) {
  if (allow_data_frame && is.data.frame(x)) {
    ok <- vapply(x, function(col) is.numeric(col) && !is.complex(col),
                 logical(1))
    if (!all(ok)) {
      stop(sprintf("'%s' has non-numeric columns: %s", arg,
                   paste(names(x)[!ok], collapse = ", ")), call. = FALSE)
    }
    x <- as.matrix(x)
    # every column is numeric, but as.matrix() of 0 rows is logical
    storage.mode(x) <- "double"
  }
  if (inherits(x, "Matrix") && requireNamespace("Matrix", quietly = TRUE)) {
    # Matrix-package matrices (dense or sparse): the C code needs the dense
    # copy anyway
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
  if (allow_na && any(is.infinite(x))) {
    stop(sprintf("'%s' must not contain infinite values", arg), call. = FALSE)
  }
  if (!allow_na && !all(is.finite(x))) {
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
    x >= lo && x <= min(hi, .Machine$integer.max)
  if (!ok) {
    stop(sprintf("'%s' must be a whole number %s", arg,
                 if (is.null(hi)) sprintf("of at least %d", lo)
                 else sprintf("between %d and %d", lo, hi)), call. = FALSE)
  }
  as.integer(x)
}

# Checks that `object` is a model fitted by gplvm() with every field the
# methods use intact: types and shapes of all, finite values of the O(N D)
# ones (latent positions with a finite sum of squares, as no fit puts them
# beyond 1e154), and of the exact model's N x N Cholesky factor only the
# shape and a finite positive diagonal, O(N): its N^2 entries are trusted,
# as R's lm methods trust their qr component (a scan on every method call
# would cost more than most methods, and still could not tell a factor
# edited by hand from the fitted one).  Stops naming the damaged fields
# otherwise.  Returns the object invisibly.
.check_gplvm <- function(object, arg = "object") {
  if (!inherits(object, "gplvm") || !is.list(object)) {
    stop(sprintf("'%s' must be a model fitted by gplvm()", arg),
         call. = FALSE)
  }
  f <- function(nm) object[[nm]]
  num <- function(x, len = 1L) {
    is.numeric(x) && length(x) == len && all(is.finite(x))
  }
  mat <- function(m, nr, nc) {
    is.matrix(m) && is.double(m) && nrow(m) == nr && ncol(m) == nc &&
      all(is.finite(m))
  }
  X <- f("X")
  n <- NROW(X)
  q <- NCOL(X)
  d <- NCOL(f("Y"))
  o <- f("optim")
  Z <- f("inducing")
  # a sparse fit keeps its posterior on the M inducing inputs instead of a
  # Cholesky factor of the N x N covariance
  m <- if (is.null(Z)) n else NROW(Z)
  ok <- c(
    X = mat(X, n, q) && n >= 1L && q >= 1L && is.finite(sum(X^2)),
    Y = mat(.zero_na(f("Y")), n, d) && d >= 1L,
    missing = .valid_missing(f("missing"), f("Y")),
    latent = .valid_back(f("latent"), f("Y")),  # R/back.R
    data_term = .valid_data_term(object),  # R/data_term.R
    alpha = mat(f("alpha"), m, d),
    chol = if (is.null(Z)) .is_factor(f("chol"), n) else is.null(f("chol")),
    inducing = is.null(Z) || (mat(Z, m, q) && m >= 1L &&
                              mat(f("Cfac"), m, m) &&
                              is.character(f("approx")) &&
                              length(f("approx")) == 1L &&
                              f("approx") %in% names(.sparse_codes)),
    kernel = !is.null(tryCatch(.check_kernel(f("kernel"), q),
                               error = function(e) NULL)),
    X_var = !inherits(object, "bgplvm") ||
      (mat(f("X_var"), n, q) && all(f("X_var") > 0)),
    noise = num(f("noise")) && f("noise") > 0,
    center = num(f("center"), d),
    scale = is.null(f("scale")) || (num(f("scale"), d) && all(f("scale") > 0)),
    loglik = num(f("loglik")),
    loglik_init = num(f("loglik_init")),
    logprior = num(f("logprior")),
    prior = is.logical(f("prior")) && length(f("prior")) == 1L &&
      !is.na(f("prior")),
    fixed = is.character(f("fixed")) && !anyNA(f("fixed")),
    df = num(f("df")) && f("df") >= 0,
    nobs = num(f("nobs")) && f("nobs") == n,
    time = num(f("time")),
    optim = is.list(o) && is.character(o[["method"]]) &&
      length(o[["method"]]) == 1L && num(o[["convergence"]]) &&
      num(o[["evaluations"]]) && num(o[["jitter_count"]]) &&
      (is.null(o[["message"]]) || (is.character(o[["message"]]) &&
                                   length(o[["message"]]) == 1L)))
  if (!all(ok)) {
    stop(sprintf("'%s' is a damaged gplvm fit: invalid %s", arg,
                 paste(names(ok)[!ok], collapse = ", ")), call. = FALSE)
  }
  invisible(object)
}

# An n x n double matrix with a finite positive diagonal: what the solves
# with a triangular factor need to be defined; its other entries unread.
.is_factor <- function(R, n) {
  if (!is.matrix(R) || !is.double(R) || nrow(R) != n || ncol(R) != n) {
    return(FALSE)
  }
  d <- diag(R)
  all(is.finite(d) & d > 0)
}

# One of `choices`; the whole vector (an argument left at its default)
# means the first.
.check_choice <- function(x, choices, arg) {
  if (identical(x, choices)) return(choices[1L])
  if (!is.character(x) || length(x) != 1L || !(x %in% choices)) {
    stop(sprintf("'%s' must be one of %s", arg,
                 paste0("\"", choices, "\"", collapse = ", ")),
         call. = FALSE)
  }
  x
}
