# Kernel objects: constructors, sums, parameters and covariance matrices.
#
# A kernel is a list of class "gplvm_kernel".  A single kernel has `type`
# and `params` (a named list of numeric vectors); a sum has type "sum" and
# `parts`, a list of single kernels.

# The list of kernels comes from the kernel table in C (src/kernel_table.c):
# name, printed label, family and parameter groups, in type-code order.
# `ard` is the (1-based) group that may hold one value per latent
# dimension, 0 when none may; `psi` whether the kernel has the
# psi-statistics of the Bayesian GP-LVM.  Read once per session.
.kernel_table <- local({
  tab <- NULL
  function() {
    if (is.null(tab)) tab <<- .Call(C_gplvm_kernel_table_call)
    tab
  }
})

# Type codes: the position in the table.
.kernel_codes <- function() {
  tab <- .kernel_table()
  stats::setNames(seq_along(tab$name), tab$name)
}

# The table's row for `type` as a list (name, label, family, params, ard).
.kernel_def <- function(type) {
  tab <- .kernel_table()
  i <- match(type, tab$name)
  list(name = tab$name[i], label = tab$label[i], family = tab$family[i],
       params = tab$params[[i]], ard = tab$ard[i])
}

.new_kernel <- function(type, params) {
  structure(list(type = type, params = params), class = "gplvm_kernel")
}

# The one constructor behind kern_*(): `...` are the parameter groups of
# `type` in the table's order, each checked (the ARD group may have any
# length; ?kernels says it must be 1 or q); `extra` the constructor's own
# `...`, which must be empty (it catches kern_rbf(ard = TRUE)).
.kernel <- function(type, extra, ...) {
  def <- .kernel_def(type)
  params <- list(...)
  stopifnot(identical(names(params), def$params))
  .check_no_extra(extra, sprintf("kern_%s", type), def)
  for (i in seq_along(params)) {
    params[[i]] <- .check_positive(params[[i]], def$params[i],
                                   len = if (i == def$ard) NULL else 1L)
  }
  .new_kernel(type, params)
}

#' Covariance functions (kernels) for the GP-LVM
#'
#' Constructors for the kernels that [gplvm()] and [gplvm_loglik()] accept.
#' Kernels are added with `+`; a sum may contain the same type more than once.
#'
#' With inputs \eqn{a, b} (rows of the latent matrix, length \eqn{Q}) and the
#' scaled distance
#' \deqn{r = \sqrt{\sum_q (a_q - b_q)^2 / l_q^2}}{r = sqrt(sum_q (a_q - b_q)^2 / l_q^2)}
#' where \eqn{l_q = l} for all \eqn{q} when one lengthscale is given
#' (isotropic) and \eqn{l_q} is the \eqn{q}-th lengthscale when \eqn{Q} are
#' given (automatic relevance determination, ARD):
#' \describe{
#'   \item{`kern_rbf`}{\eqn{k = v \exp(-r^2/2)}{k = v exp(-r^2 / 2)}
#'     (squared exponential; \eqn{l} is the standard deviation-like length,
#'     not its square nor twice it).}
#'   \item{`kern_matern32`}{\eqn{k = v (1 + \sqrt{3} r) \exp(-\sqrt{3} r)}{k = v (1 + sqrt(3) r) exp(-sqrt(3) r)}.}
#'   \item{`kern_matern52`}{\eqn{k = v (1 + \sqrt{5} r + 5 r^2 / 3) \exp(-\sqrt{5} r)}{k = v (1 + sqrt(5) r + 5 r^2 / 3) exp(-sqrt(5) r)}.}
#'   \item{`kern_linear`}{\eqn{k = \sum_q v_q a_q b_q}{k = sum_q v_q a_q b_q},
#'     with one shared variance or one per latent dimension (ARD).}
#'   \item{`kern_bias`}{\eqn{k = v}: a constant offset.}
#'   \item{`kern_white`}{\eqn{k = v} when \eqn{a} and \eqn{b} are the same
#'     training point and 0 otherwise; it adds \eqn{v} to the diagonal of
#'     `kern_matrix(kernel, X)` and nothing to a cross covariance.}
#'   \item{`kern_mlp`}{the multi-layer perceptron (arc-sine) kernel of
#'     Williams (1998), which Lawrence (2005) used on the oil flow data:
#'     \deqn{k = v \frac{2}{\pi} \arcsin \frac{S}{\sqrt{A B}}}{k = v (2/pi) asin(S / sqrt(A B))}
#'     with \eqn{S = \sum_q w_q a_q b_q + \beta}{S = sum_q w_q a_q b_q + beta},
#'     \eqn{A = \sum_q w_q a_q^2 + \beta + 1}{A = sum_q w_q a_q^2 + beta + 1}
#'     and \eqn{B} likewise for \eqn{b}; \eqn{w} is `weight_variance`
#'     (one value or one per latent dimension), \eqn{\beta}{beta} is
#'     `bias_variance`.  It is not stationary.}
#'   \item{`kern_rq`}{rational quadratic,
#'     \eqn{k = v (1 + r^2 / (2\alpha))^{-\alpha}}{k = v (1 + r^2 / (2 alpha))^(-alpha)}:
#'     a scale mixture of RBF kernels, the RBF as \eqn{\alpha \to \infty}{alpha -> Inf}.}
#'   \item{`kern_periodic`}{periodic (MacKay 1998),
#'     \eqn{k = v \exp(-2 \sum_q \sin^2(\pi (a_q - b_q) / p) / l_q^2)}{k = v exp(-2 sum_q sin^2(pi (a_q - b_q) / p) / l_q^2)},
#'     one period \eqn{p} for all latent dimensions, lengthscales shared or
#'     ARD: an RBF of the inputs wrapped onto circles of circumference
#'     \eqn{p}, for cyclic latent structure.}
#' }
#' Here \eqn{v} is `variance`, always a variance (not a standard
#' deviation).  All parameters must be positive and finite.
#'
#' @param variance Variance \eqn{v} (for `kern_linear`, one value or one per
#'   latent dimension).
#' @param lengthscale Lengthscale \eqn{l}: one value (isotropic) or one per
#'   latent dimension (ARD).
#' @return An object of class `"gplvm_kernel"`.
#' @references Williams, C. K. I. (1998). Computation with infinite neural
#'   networks.  Neural Computation 10, 1203--1216.
#'
#'   MacKay, D. J. C. (1998). Introduction to Gaussian processes.  In
#'   Neural Networks and Machine Learning, NATO ASI Series F 168, 133--166.
#' @seealso [kern_params()], [kern_matrix()], [gplvm_loglik()].
#' @examples
#' k <- kern_rbf(variance = 2, lengthscale = c(1, 0.5)) + kern_bias(0.1)
#' k
#' kern_params(k)
#' kern_matrix(k, matrix(rnorm(6), 3, 2))
#' # the kernels Lawrence (2005) used on the oil data, and cyclic structure
#' kern_mlp(weight_variance = c(1, 2), bias_variance = 0.5) + kern_bias()
#' kern_periodic(lengthscale = 0.8, period = 2 * pi) + kern_rq(alpha = 0.5)
#' @name kernels
NULL

#' @rdname kernels
#' @export
kern_rbf <- function(variance = 1, lengthscale = 1, ...) {
  .kernel("rbf", list(...), variance = variance, lengthscale = lengthscale)
}

#' @rdname kernels
#' @export
kern_matern32 <- function(variance = 1, lengthscale = 1, ...) {
  .kernel("matern32", list(...), variance = variance,
          lengthscale = lengthscale)
}

#' @rdname kernels
#' @export
kern_matern52 <- function(variance = 1, lengthscale = 1, ...) {
  .kernel("matern52", list(...), variance = variance,
          lengthscale = lengthscale)
}

#' @rdname kernels
#' @export
kern_linear <- function(variance = 1, ...) {
  .kernel("linear", list(...), variance = variance)
}

#' @rdname kernels
#' @export
kern_bias <- function(variance = 1, ...) {
  .kernel("bias", list(...), variance = variance)
}

#' @rdname kernels
#' @export
kern_white <- function(variance = 1, ...) {
  .kernel("white", list(...), variance = variance)
}

#' @rdname kernels
#' @param weight_variance,bias_variance For `kern_mlp`: the variances
#'   \eqn{w} (one value or one per latent dimension) and \eqn{\beta}{beta}.
#' @export
kern_mlp <- function(variance = 1, weight_variance = 1, bias_variance = 1,
                     ...) {
  .kernel("mlp", list(...), variance = variance,
          weight_variance = weight_variance, bias_variance = bias_variance)
}

#' @rdname kernels
#' @param alpha For `kern_rq`: the shape \eqn{\alpha}{alpha}.
#' @export
kern_rq <- function(variance = 1, lengthscale = 1, alpha = 1, ...) {
  .kernel("rq", list(...), variance = variance, lengthscale = lengthscale,
          alpha = alpha)
}

#' @rdname kernels
#' @param period For `kern_periodic`: the period \eqn{p}, shared by all
#'   latent dimensions.
#' @export
kern_periodic <- function(variance = 1, lengthscale = 1, period = 1, ...) {
  .kernel("periodic", list(...), variance = variance,
          lengthscale = lengthscale, period = period)
}

# Stops when a kernel constructor got arguments it does not take, saying
# how ARD is asked for when the kernel has it.
.check_no_extra <- function(extra, fun, def) {
  if (!length(extra)) return(invisible())
  nms <- names(extra)
  if (is.null(nms)) nms <- rep("", length(extra))
  what <- if (all(nzchar(nms))) {
    sprintf("no argument %s", paste0("'", nms, "'", collapse = ", "))
  } else {
    sprintf("only the arguments %s",
            paste0("'", def$params, "'", collapse = ", "))
  }
  ard <- if (def$ard > 0L) {
    p <- def$params[def$ard]
    sprintf(paste("; for ARD give '%s' one value per latent dimension, as",
                  "in %s(%s = c(1, 1)) for q = 2"), p, fun, p)
  } else ""
  stop(sprintf("%s() takes %s%s", fun, what, ard), call. = FALSE)
}

.kernel_parts <- function(kernel) {
  if (identical(kernel[["type"]], "sum")) kernel[["parts"]] else list(kernel)
}

# For each entry of kern_params(kernel): is it the part's output scale?
# Read from the kernel table: the group "variance", unless it is the
# part's per-dimension (ARD) group, as in kern_linear(), where it weighs
# the inputs.  (kern_mlp()'s "weight_variance" is no scale.)
.scale_params <- function(kernel) {
  unlist(lapply(.kernel_parts(kernel), function(p) {
    def <- .kernel_def(p$type)
    scale <- def$params == "variance" & seq_along(def$params) != def$ard
    rep(scale, lengths(p$params[def$params]))
  }), use.names = FALSE)
}

#' @rdname kernels
#' @param e1,e2 Kernels to add.
#' @export
`+.gplvm_kernel` <- function(e1, e2) {
  if (missing(e2)) return(e1)
  if (!inherits(e1, "gplvm_kernel") || !inherits(e2, "gplvm_kernel")) {
    stop("only kernels can be added to kernels", call. = FALSE)
  }
  structure(list(type = "sum", parts = c(.check_kernel(e1, arg = "e1"),
                                         .check_kernel(e2, arg = "e2"))),
            class = "gplvm_kernel")
}

# Checks that `kernel` is a well-formed kernel object; with q, also that its
# ARD lengths fit a latent dimension of q.  Returns the list of parts.
.check_kernel <- function(kernel, q = NULL, arg = "kernel") {
  bad <- function(why) {
    stop(sprintf("'%s' %s", arg, why), call. = FALSE)
  }
  # a kernel and its parts are plain lists (no data frames or other classes
  # whose `$<-` methods would misbehave)
  plain <- function(x, cls = NULL) is.list(x) && identical(oldClass(x), cls)
  if (!plain(kernel, "gplvm_kernel")) {
    bad("must be a kernel made by kern_rbf(), kern_linear(), ... or a sum")
  }
  parts <- .kernel_parts(kernel)
  if (!is.list(parts) || length(parts) < 1L) bad("has no parts")
  for (p in parts) {
    if (!(plain(p) || plain(p, "gplvm_kernel")) ||
        !is.character(p[["type"]]) || length(p[["type"]]) != 1L ||
        !(p[["type"]] %in% .kernel_table()$name) || !plain(p[["params"]])) {
      bad("is damaged: a part has an unknown type or no parameters")
    }
    def <- .kernel_def(p$type)
    want <- def$params
    if (!identical(names(p$params), want)) {
      bad(sprintf("is damaged: a %s part must have parameters %s", p$type,
                  paste(want, collapse = ", ")))
    }
    for (i in seq_along(want)) {
      nm <- want[i]
      x <- p$params[[nm]]
      if (!is.numeric(x) || length(x) < 1L || any(!is.finite(x)) ||
          any(x <= 0)) {
        bad(sprintf("has a %s %s that is not positive and finite",
                    p$type, nm))
      }
      ard <- length(x) > 1L
      if (ard && i != def$ard) {
        bad(sprintf("has a %s %s of length %d; only one is allowed",
                    p$type, nm, length(x)))
      }
      if (ard && !is.null(q) && length(x) != q) {
        bad(sprintf(paste("has a %s %s of length %d but the latent space",
                          "has %d dimensions"), p$type, nm, length(x), q))
      }
    }
  }
  parts
}

# Flat description passed to C: codes, parameter counts and values.
.kernel_spec <- function(kernel, q) {
  parts <- .check_kernel(kernel, q)
  par <- lapply(parts, function(p) as.double(unlist(p$params, FALSE, FALSE)))
  list(type = unname(.kernel_codes()[vapply(parts, `[[`, "", "type")]),
       npar = lengths(par, use.names = FALSE),
       par = unlist(par, use.names = FALSE))
}

.param_names <- function(p) {
  unlist(lapply(names(p$params), function(nm) {
    len <- length(p$params[[nm]])
    if (len == 1L) nm else paste0(nm, seq_len(len))
  }), use.names = FALSE)
}

#' Kernel hyperparameters as a named vector
#'
#' `kern_params()` returns every hyperparameter of a kernel as a named numeric
#' vector; `kern_params<-` sets them from a vector of the same length, in the
#' same order.  ARD parameters are numbered (`lengthscale1`, `lengthscale2`,
#' ...).  In a sum each name is prefixed by the part's type (`rbf.variance`,
#' `bias.variance`), numbered when a type occurs more than once (`rbf1.`,
#' `rbf2.`).  The `kernel` element of the gradient returned by
#' [gplvm_loglik()] uses the same names and order.
#'
#' @param kernel A kernel, see [kernels].
#' @param value A numeric vector of positive, finite values.
#' @return `kern_params()`: a named numeric vector.  `kern_params<-`: the
#'   kernel with its parameters replaced.
#' @examples
#' k <- kern_rbf() + kern_rbf(lengthscale = c(1, 2)) + kern_white(0.01)
#' kern_params(k)
#' kern_params(k) <- kern_params(k) * 2
#' k
#' @export
kern_params <- function(kernel) {
  parts <- .check_kernel(kernel)
  values <- unlist(lapply(parts, function(p) unlist(p$params, FALSE, FALSE)),
                   use.names = FALSE)
  names(values) <- .kernel_param_names(parts)
  values
}

.kernel_param_names <- function(parts) {
  if (length(parts) == 1L) return(.param_names(parts[[1L]]))
  types <- vapply(parts, `[[`, "", "type")
  prefix <- types
  for (t in unique(types[duplicated(types)])) {
    prefix[types == t] <- paste0(t, seq_len(sum(types == t)))
  }
  unlist(Map(function(pre, p) paste0(pre, ".", .param_names(p)),
             prefix, parts), use.names = FALSE)
}

#' @rdname kern_params
#' @export
`kern_params<-` <- function(kernel, value) {
  set <- .kernel_setter(kernel)
  set(.check_positive(value, "value", len = attr(set, "npar")))
}

# A function that returns `kernel` (checked here, once) with its
# parameters set to a vector of positive finite values, which it trusts
# (attribute "npar": their number).  An objective sets them at every
# evaluation, where `kern_params<-` (checking the kernel again) took 8% of
# a small fit's profile (mpg, 187 rows, 0.8 ms per evaluation).
.kernel_setter <- function(kernel) {
  parts <- .check_kernel(kernel)
  lens <- lapply(parts, function(p) lengths(p$params, use.names = FALSE))
  sum_kernel <- identical(kernel$type, "sum")
  structure(function(value) {
    pos <- 0L
    for (i in seq_along(parts)) {
      p <- parts[[i]]$params
      for (j in seq_along(p)) {
        p[[j]] <- unname(value[pos + seq_len(lens[[i]][j])])
        pos <- pos + lens[[i]][j]
      }
      parts[[i]]$params <- p
    }
    if (!sum_kernel) return(parts[[1L]])
    kernel$parts <- parts
    kernel
  }, npar = sum(unlist(lens)))
}

#' Covariance matrix of a kernel
#'
#' @param kernel A kernel, see [kernels].
#' @param X Numeric matrix of inputs, one row per point.
#' @param X2 Optional second matrix with as many columns as `X`; when given
#'   the cross covariance `k(X, X2)` is returned (white parts contribute 0).
#' @return The `nrow(X)` by `nrow(X2)` (or `nrow(X)`) covariance matrix.
#' @examples
#' X <- matrix(seq(0, 1, length.out = 5))
#' kern_matrix(kern_matern32(lengthscale = 0.5), X)
#' @export
kern_matrix <- function(kernel, X, X2 = NULL) {
  X <- .as_numeric_matrix(X, "X")
  spec <- .kernel_spec(kernel, ncol(X))
  if (!is.null(X2)) {
    X2 <- .as_numeric_matrix(X2, "X2")
    if (ncol(X2) != ncol(X)) {
      stop(sprintf("'X2' must have %d columns, like 'X', not %d", ncol(X),
                   ncol(X2)), call. = FALSE)
    }
  }
  K <- .Call(C_gplvm_kern_matrix_call, X, X2, spec$type, spec$npar, spec$par)
  if (!all(is.finite(K))) {
    stop(paste("the covariance matrix is not finite; rescale 'X' (and 'X2')",
               "or change the kernel parameters"), call. = FALSE)
  }
  names2 <- if (is.null(X2)) rownames(X) else rownames(X2)
  if (!is.null(rownames(X)) || !is.null(names2)) {
    dimnames(K) <- list(rownames(X), names2)
  }
  K
}

.format_kernel_part <- function(p) {
  vals <- vapply(names(p$params), function(nm) {
    sprintf("%s = %s", nm, paste(format(p$params[[nm]], digits = 4),
                                 collapse = ", "))
  }, "")
  sprintf("%s (%s)", .kernel_def(p$type)$label, paste(vals, collapse = "; "))
}

#' @rdname kernels
#' @param x A kernel.
#' @param ... For the constructors, nothing: any other argument is
#'   refused with a message (ARD is asked for by the length of
#'   `lengthscale`, or of `variance` for `kern_linear` and
#'   `weight_variance` for `kern_mlp`, not by a flag); ignored by `print`
#'   and `format`.
#' @export
print.gplvm_kernel <- function(x, ...) {
  parts <- .check_kernel(x, arg = "x")
  lines <- vapply(parts, .format_kernel_part, "")
  cat("GP-LVM kernel:", paste(lines, collapse = "\n  + "), "\n")
  invisible(x)
}

#' @rdname kernels
#' @export
format.gplvm_kernel <- function(x, ...) {
  paste(vapply(.check_kernel(x, arg = "x"), .format_kernel_part, ""),
        collapse = " + ")
}

# ---- Kernel quantities for the rest of the package, all computed in C ----

# Diagonal k(x_i, x_i) for the rows of X (white parts included: a new point
# is its own neighbour).
.kern_diag <- function(kernel, X) {
  spec <- .kernel_spec(kernel, ncol(X))
  .Call(C_gplvm_kern_diag_call, X, spec$type, spec$npar, spec$par)
}

# Contraction of weights W with the kernel's derivatives: with X2 = NULL, W
# is a vector of nrow(X) weights on the diagonal k(x_i, x_i) (total
# derivative in x_i); otherwise W (nrow(X) x nrow(X2)) weights k(X, X2).
# Returns list(X = sum W dk/dX, X2 = sum W dk/dX2, kernel = sum W dk/dtheta).
.kern_grad <- function(kernel, X, W, X2 = NULL) {
  spec <- .kernel_spec(kernel, ncol(X))
  .Call(C_gplvm_kern_grad_call, X, X2, W, spec$type, spec$npar, spec$par)
}

# dk(xs_i, x_j) / dxs_i for new points Xs and points X: an
# nrow(X) x q x nrow(Xs) array (for each new point an N x q block).
.kern_dx <- function(kernel, Xs, X) {
  spec <- .kernel_spec(kernel, ncol(Xs))
  .Call(C_gplvm_kern_deriv_call, Xs, X, spec$type, spec$npar, spec$par, 1L)
}

# d^2 k(x, x') / dx dx' at x' = x for the rows of X: a q x q x nrow(X) array.
.kern_d2 <- function(kernel, X) {
  spec <- .kernel_spec(kernel, ncol(X))
  .Call(C_gplvm_kern_deriv_call, X, NULL, spec$type, spec$npar, spec$par,
        2L)
}

# Per-dimension lengthscales or variances, recycled to q.
.per_dim <- function(x, q) if (length(x) == 1L) rep(x, q) else x

# How much each latent dimension counts for the kernel, from the first part
# with a per-dimension (ARD) parameter group: 1 / l_q for lengthscales, the
# square root of a variance or weight otherwise; 1 when there is none.
.kernel_dim_weights <- function(kernel, q) {
  for (p in .kernel_parts(kernel)) {
    def <- .kernel_def(p$type)
    if (def$ard == 0L) next
    x <- .per_dim(p$params[[def$ard]], q)
    return(if (def$params[def$ard] == "lengthscale") 1 / x else sqrt(x))
  }
  rep(1, q)
}
