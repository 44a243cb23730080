# Argument checks shared by every exported function.  Each stops with a
# message that names the argument, before anything reaches C.

# An error of class `class` (and "gplvm_error"), so that a caller (the
# fit's evaluation of its start, R/fit.R) can tell kinds of failure apart
# by class rather than by their text.
.gplvm_error <- function(msg, class) {
  structure(class = c(class, "gplvm_error", "error", "condition"),
            list(message = msg, call = NULL))
}

# What a fit of n rows needs besides its arguments, checked before it
# starts (so that the message is not taken for a failure of the start):
# the data term's size limit on all n rows (not one missingness
# pattern's; `inducing` as gplvm() passes it, whose term this is), and the
# option "gplvm.threads" (R/likelihood.R).
.check_fit_setup <- function(n, inducing) {
  .data_check_size(.data_term_of(inducing, "vfe", FALSE, n), n)  # R/data_term.R
  .gplvm_threads()
  invisible()
}

# Evaluates `expr`, a .Call of the exact model for `n` rows, turning its
# failure to allocate memory (R_alloc's or the workspace's, in C, whose
# errors carry no class) into a "gplvm_memory_error" that says what
# needed the memory.
.with_memory_check <- function(expr, n) {
  withCallingHandlers(expr, error = function(e) {
    if (startsWith(conditionMessage(e), "cannot allocate")) {
      stop(.gplvm_error(sprintf(paste(
        "%s for the exact model of 'Y' with %d rows (it needs N x N",
        "matrices of %.0f MB); use the sparse model (e.g. gplvm(Y,",
        "inducing = 500)) or free memory"), conditionMessage(e), n,
        n^2 * 8 / 2^20), "gplvm_memory_error"))
    }
  })
}

# allow_na: NA and NaN entries are accepted (missing values); only
# infinite ones are refused.
.as_numeric_matrix <- function(x, arg, allow_data_frame = FALSE,
                               min_rows = 1L, allow_na = FALSE) {
  if (allow_data_frame && is.data.frame(x)) {
    ok <- vapply(x, function(col) (is.numeric(col) && !is.complex(col)) ||
                   (allow_na && is.logical(col) && all(is.na(col))), NA)
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

# A single whole number between lo and hi (hi may be NULL for no limit
# but R's integer maximum, which the message names when it is exceeded).
.check_count <- function(x, arg, lo = 1L, hi = NULL) {
  top <- min(hi, .Machine$integer.max)
  ok <- is.numeric(x) && length(x) == 1L && is.finite(x) && x == round(x) &&
    x >= lo && x <= top
  if (!ok) {
    big <- is.numeric(x) && length(x) == 1L && !is.na(x) && x > top
    stop(sprintf("'%s' must be a whole number %s", arg,
                 if (is.null(hi) && !big) sprintf("of at least %d", lo)
                 else sprintf("between %d and %d%s", lo, top,
                              if (is.null(hi)) ", R's largest integer"
                              else "")), call. = FALSE)
  }
  as.integer(x)
}

# The scale of the data Y that gplvm() can fit: the mean column variance
# vbar of the centred (scaled) data within the range its data term takes
# (.data_scale_limit() in R/data_term.R; the term that `bayesian` asks
# for); sds: the columns' standard deviations (all finite).
.check_data_scale <- function(Y, vbar, sds, bayesian) {
  lim <- .data_scale_limit(.data_term_of(NULL, "vfe", bayesian, nrow(Y)))
  if (vbar >= 1 / lim$limit && vbar <= lim$limit && all(is.finite(sds))) {
    return(invisible(vbar))
  }
  stop(sprintf(paste("'Y' (largest absolute value %.3g, mean column",
                     "variance %.3g after centring) is on a scale too far",
                     "from 1 to fit%s: the mean column variance must be",
                     "between %.0e and %.0e; multiply it by a constant"),
               max(abs(Y), na.rm = TRUE), vbar, lim$what, 1 / lim$limit,
               lim$limit),
       call. = FALSE)
}

# noise_prior: the scale of the noise prior relative to the data's mean
# column variance, between 0 (none) and 1e6, the bound that .start_hyper()
# (R/fit.R) puts on the starting noise (beyond, its log density
# overflows, as at 1e300).
.check_noise_prior <- function(noise_prior) {
  if (!is.numeric(noise_prior) || length(noise_prior) != 1L ||
      !is.finite(noise_prior) || noise_prior < 0 || noise_prior > 1e6) {
    stop(paste("'noise_prior' must be a single number between 0 (no prior)",
               "and 1e6 (a scale relative to the mean column variance of",
               "'Y'; the default is 0.1)"), call. = FALSE)
  }
  noise_prior
}

# Stops when `call` (from sys.call() in `fun`) names an argument by an
# abbreviation, which R would match to an argument it was perhaps not
# meant for (gplvm(Y, k = 2) sets 'kernel').
.check_full_names <- function(call, fun, name) {
  given <- names(call)[-1L]
  formal <- names(formals(fun))
  short <- setdiff(given[nzchar(given)], c(formal, "..."))
  if (!length(short)) return(invisible())
  full <- vapply(short, function(s) formal[startsWith(formal, s)][1L], "")
  stop(sprintf(paste("%s() takes no argument named %s; R would take %s for",
                     "%s: write the full name"), name,
               paste0("'", short, "'", collapse = ", "),
               if (length(short) > 1L) "them" else "it",
               paste0("'", full, "'", collapse = ", ")), call. = FALSE)
}

# Stops when new data (centred and scaled as the model's) are so far from
# the scale of the training data that their squares overflow.
.check_new_scale <- function(Ys, object, arg) {
  if (is.finite(sum(Ys^2, na.rm = TRUE))) return(invisible())
  stop(sprintf(paste("'%s' (largest absolute value %.3g) is too far from",
                     "the scale of the training data (largest absolute",
                     "value %.3g) to be used: its sum of squares",
                     "overflows"), arg,
               max(abs(Ys), na.rm = TRUE),
               max(abs(.unscale(object, object$Y)), na.rm = TRUE)),
       call. = FALSE)
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
  # the fields of the data term (R/data_term.R): a damaged term is named
  # below, and the fields are checked as for the term the others imply
  term_ok <- .valid_data_term(object)
  plain <- object
  if (!term_ok) plain$data_term <- NULL
  term <- .fit_data_term(plain)
  own <- .data_check_fields(term, object, n, q, d, mat)
  ok <- c(
    X = mat(X, n, q) && n >= 1L && q >= 1L && is.finite(sum(X^2)),
    Y = mat(.zero_na(f("Y")), n, d) && d >= 1L,
    missing = .valid_missing(f("missing"), f("Y")),
    X_init = is.null(f("X_init")) || mat(f("X_init"), n, q),
    latent = .valid_back(f("latent"), f("Y")),  # R/back.R
    data_term = term_ok,
    own[c("alpha", "chol", "inducing")],
    kernel = !is.null(tryCatch(.check_kernel(f("kernel"), q),
                               error = function(e) NULL)),
    X_var = if ("X_var" %in% names(own)) own[["X_var"]] else TRUE,
    noise = if (.data_has_noise(term)) num(f("noise")) && f("noise") > 0
            else is.null(f("noise")),
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
# means the first.  why: NULL, or what the choices have in common.
.check_choice <- function(x, choices, arg, why = NULL) {
  if (identical(x, choices)) return(choices[1L])
  if (!is.character(x) || length(x) != 1L || !(x %in% choices)) {
    stop(sprintf("'%s' must be %s%s%s", arg,
                 if (length(choices) > 1L) "one of " else "",
                 paste0("\"", choices, "\"", collapse = ", "),
                 if (is.null(why)) "" else sprintf(" (%s)", why)),
         call. = FALSE)
  }
  x
}
