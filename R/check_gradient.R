#' Check the analytic gradient against central differences
#'
#' Compares every component of the gradient that \code{\link{gplvm_loglik}}
#' returns with a central finite difference of the log-likelihood: the
#' latent positions, each kernel hyperparameter (on its natural scale), the
#' noise variance and, in the sparse model, the inducing inputs.  Whatever
#' else \code{gplvm_loglik()} accepts (such as \code{approx}) is passed on
#' through \code{...}, and every component of its gradient is checked
#' except the gradient in the data, \code{Y} (the data are not fitted).  Use
#' it when writing a kernel or changing the C code, or to reassure yourself
#' that a fit follows the true gradient.
#'
#' Given a fitted model from [gplvm()] of any kind as its first argument,
#' it checks the fit's data term at the fitted values: the log-likelihood
#' (for a sparse fit its approximation `approx`, with the inducing inputs;
#' for a Bayesian fit the variational bound, with the latent variances) of
#' the centred (and scaled) data the fit holds, `fit$Y` (missing entries
#' included), at `fit$X`, `fit$kernel` and `fit$noise`.  The other terms of
#' a fit's objective (the priors on `X` and on the noise, GP dynamics) and
#' the chain rule of a back-constraint are plain R, checked by the
#' package's tests; this checks the C code's gradient where the fit ended.
#'
#' @section Step:
#' Component \eqn{i}, at value \eqn{x_i}, gets the five-point central
#' difference
#' \deqn{D(h) = \frac{8 (L(x_i + h) - L(x_i - h)) - (L(x_i + 2 h) - L(x_i - 2 h))}{12 h},}{D(h) = (8 (L(x + h) - L(x - h)) - (L(x + 2h) - L(x - 2h))) / (12 h),}
#' whose truncation error is of order \eqn{h^4}, at the three steps
#' \eqn{h = h_i, h_i/10, h_i/100}{h = h_i, h_i / 10, h_i / 100} with
#' \deqn{h_i = \epsilon^{1/5} \max(|x_i|, s_i)}{h_i = eps^(1/5) max(|x_i|, s_i)}
#' (\eqn{\epsilon}{eps} the machine precision, so
#' \eqn{\epsilon^{1/5} \approx 7 \times 10^{-4}}{eps^(1/5) ~ 7e-4}: the
#' step that balances truncation against rounding for a smooth function
#' computed to machine precision).  The error of each estimate is judged
#' by its differences from its neighbours in that sequence (the larger of
#' the two for the middle one), and the estimate with the smallest is
#' reported, without looking at the analytic gradient.  One step is not
#' enough: at fitted sparse models with close inducing inputs the
#' log-likelihood is computed with far more than machine rounding, which
#' wants a large step, while with a small noise variance (FITC) it curves so
#' sharply that a large step is badly wrong.  Each component costs twelve
#' evaluations of the log-likelihood.
#'
#' For positive parameters (kernel hyperparameters, the noise)
#' \eqn{s_i = 0}: the step is relative to the value, so the points stay
#' positive however small the value.  For coordinates (\code{X},
#' \code{inducing}) \eqn{s_i} is the root mean square of the matrix (1 if it
#' is all zero), so that a coordinate at or near zero is moved on the scale
#' of its neighbours.
#'
#' @section Relative error:
#' With \eqn{a} the analytic and \eqn{n} the numeric derivative,
#' \deqn{\mathrm{rel\_error} = \frac{|a - n|}{\max(|a|, |n|, f_i)},
#'   \quad f_i = 10^{-2} \frac{\max(|L|, 1)}{\max(|x_i|, s_i)}.}{rel_error = |a - n| / max(|a|, |n|, f_i),  f_i = 0.01 max(|L|, 1) / max(|x_i|, s_i).}
#' It is the usual relative error when the gradient is large, and it does not
#' blow up where the gradient is (near) zero, as the hyperparameter
#' gradients are at a converged fit: there the floor \eqn{f_i} takes over,
#' the derivative that would change the log-likelihood \eqn{L} by 1% of
#' its size when the component changes by its own size.  The definition is
#' invariant to the units of the parameter and of \eqn{L}.
#'
#' A component is flagged when its \code{rel_error} exceeds
#' \code{tolerance}.  At the start and at the end of the fits of
#' \file{bench/check_gradient.R} in the development sources (iris and the oil
#' flow data; exact, VFE and FITC) the correct gradients gave errors from
#' \eqn{10^{-8}}{1e-8} to \eqn{1.5 \times 10^{-5}}{1.5e-5}, the largest at
#' a FITC fit with noise variance \eqn{5 \times 10^{-5}}{5e-5}; the default
#' tolerance \eqn{10^{-4}}{1e-4} stays clear of that, while a derivative
#' off by a factor 1.001 gives about \eqn{10^{-3}}{1e-3} and a wrong
#' formula usually an error of order one.
#'
#' @param Y,X,kernel,noise,inducing As for \code{\link{gplvm_loglik}};
#'   or a fitted model from [gplvm()] as `Y`, alone (see Details).
#' @param ... Further arguments of \code{\link{gplvm_loglik}} (for example
#'   \code{approx}), passed on by name.  Any component of the gradient that
#'   they bring is checked too.
#' @param tolerance Largest acceptable \code{rel_error}, a positive number
#'   (see Relative error); kept in the result for its print method.
#' @param max_latent Largest number of entries of each coordinate matrix
#'   (\code{X}, \code{inducing}) to check, a whole number or \code{Inf}.
#'   Larger matrices are checked on that many entries drawn at random with
#'   R's random number generator (call \code{\link[base]{set.seed}} first to
#'   repeat a check); smaller ones are checked entirely and the generator is
#'   not used.  Each entry costs twelve evaluations of the log-likelihood.
#' @return A data frame of class
#'   \code{c("gplvm_gradient_check", "data.frame")} with one row per checked
#'   component and columns \code{parameter} (\code{"X[3,2]"},
#'   \code{"rbf.lengthscale1"}, \code{"noise"}, \code{"inducing[1,1]"}, ...:
#'   kernel hyperparameters are named as by \code{\link{kern_params}}, with the
#'   kernel type in front for a single kernel), \code{analytic},
#'   \code{numeric} and \code{rel_error}; attributes \code{tolerance} and
#'   \code{loglik} (the log-likelihood at the given point).  Its print method
#'   lists the components (the flagged ones and the largest errors when there
#'   are many), marks with \code{*} those above the tolerance and ends with a
#'   one-line verdict.
#' @seealso \code{\link{gplvm_loglik}} for the gradient being checked.
#' @examples
#' set.seed(1)
#' Y <- matrix(rnorm(60), 15, 4)
#' X <- prcomp(Y)$x[, 1:2]
#' k <- kern_rbf(1, c(1, 2)) + kern_bias(0.1)
#' gplvm_check_gradient(Y, X, k, noise = 0.1, max_latent = 6)
#' # the sparse model with the FITC approximation
#' chk <- gplvm_check_gradient(Y, X, k, noise = 0.1, inducing = X[1:4, ],
#'                             approx = "fitc")
#' max(chk$rel_error)
#' # a fitted model, at its fitted values
#' fit <- gplvm(iris[seq(1, 150, 5), 1:4], q = 2, inducing = 8)
#' gplvm_check_gradient(fit, max_latent = 10)
#' @export
gplvm_check_gradient <- function(Y, X, kernel, noise, inducing = NULL, ...,
                                 tolerance = 1e-4, max_latent = 50) {
  tolerance <- .check_positive(tolerance, "tolerance")
  if (!identical(max_latent, Inf)) {
    max_latent <- .check_count(max_latent, "max_latent")
  }
  more <- list(...)
  if (inherits(Y, "gplvm")) {
    if (!missing(X) || !missing(kernel) || !missing(noise) ||
        !missing(inducing) || length(more)) {
      stop(paste("with a fitted model as 'Y', give only 'tolerance' and",
                 "'max_latent': the rest comes from the fit"), call. = FALSE)
    }
    args <- .fit_loglik_args(.check_gplvm(Y, "Y"))
  } else {
    known <- setdiff(names(formals(gplvm_loglik)), "gradient")
    if (length(more) &&
        (is.null(names(more)) || !all(names(more) %in% known))) {
      stop(sprintf(paste("'...' may only hold named arguments of",
                         "gplvm_loglik(): %s"),
                   paste(setdiff(known, names(formals())), collapse = ", ")),
           call. = FALSE)
    }
    args <- c(list(Y = Y, X = X, kernel = kernel, noise = noise,
                   inducing = inducing), more)
  }
  prob <- .gradient_problem(args, max_latent)
  .check_gradient_core(prob$f, prob$g, prob$par, prob$scale,
                       tolerance = tolerance, value = prob$value)
}

# The arguments of gplvm_loglik() for a fit's data term at its fitted
# values (see ?gplvm_check_gradient).
.fit_loglik_args <- function(fit) {
  c(list(Y = fit$Y, X = fit$X, kernel = fit$kernel, noise = fit$noise),
    .data_loglik_args(.fit_data_term(fit), fit))  # R/data_term.R
}

# What gplvm_check_gradient() hands to .check_gradient_core(), built from
# the argument list `args` of gplvm_loglik(): the components to check as a
# named vector `par`, the objective f(par), the analytic gradient g at par,
# the scales s_i and the log-likelihood `value` at par.  gplvm_loglik()
# checks the arguments (naming them) at the first call.
.gradient_problem <- function(args, max_latent) {
  base <- do.call(gplvm_loglik, c(args, list(gradient = TRUE)))
  # the data are not fitted: their gradient (Y) is left to the tests
  blocks <- lapply(setdiff(names(attr(base, "gradient")), "Y"),
                   .gradient_block,
                   args = args, grad = attr(base, "gradient"),
                   max_latent = max_latent)
  par <- unlist(lapply(blocks, `[[`, "value"))
  names(par) <- unlist(lapply(blocks, `[[`, "label"))
  # which block each entry of par belongs to
  owner <- rep(seq_along(blocks), vapply(blocks, function(b) length(b$index),
                                         0L))
  f <- function(p) {
    for (i in seq_along(blocks)) args <- blocks[[i]]$set(args, p[owner == i])
    c(do.call(gplvm_loglik, args))
  }
  list(f = f, par = par, g = unlist(lapply(blocks, `[[`, "analytic")),
       scale = unlist(lapply(blocks, `[[`, "scale")), value = c(base))
}

# Positive components, perturbed by a step relative to their value; the
# others are coordinates.  A later gradient component (such as X_var) needs
# only its name here if it is positive.
.positive_components <- c("kernel", "noise", "X_var")

# One component `name` of the gradient: the entries to check (`index`),
# their values, labels, analytic derivatives and scales s_i (see
# ?gplvm_check_gradient), and `set(args, v)` putting new values v of those
# entries into the argument list of gplvm_loglik().
.gradient_block <- function(name, args, grad, max_latent) {
  if (name == "kernel") {
    value <- kern_params(args$kernel)
    labels <- names(value)
    parts <- .kernel_parts(args$kernel)
    if (length(parts) == 1L) labels <- paste0(parts[[1L]]$type, ".", labels)
    set <- function(args, v) {
      kern_params(args$kernel) <- v
      args
    }
  } else {
    value <- args[[name]]
    labels <- if (is.matrix(value)) {
      sprintf("%s[%d,%d]", name, c(row(value)), c(col(value)))
    } else if (length(value) > 1L) {
      sprintf("%s[%d]", name, seq_along(value))
    } else name
  }
  index <- seq_along(value)
  if (is.matrix(value) && length(value) > max_latent) {
    index <- sort(sample.int(length(value), max_latent))
  }
  if (name != "kernel") {
    set <- function(args, v) {
      args[[name]][index] <- v
      args
    }
  }
  positive <- name %in% .positive_components
  rms <- sqrt(mean(value^2))
  list(index = index, value = unname(c(value)[index]), label = labels[index],
       analytic = unname(c(grad[[name]])[index]), set = set,
       scale = rep(if (positive) 0 else if (rms > 0) rms else 1,
                   length(index)))
}

# The numeric part of gplvm_check_gradient(), apart from the model, so that
# tests can hand it any function: f(par) is the objective, g the analytic
# gradient at par (a vector as long as par, named or not) and scale the s_i
# of ?gplvm_check_gradient (0 for positive parameters).  value is f(par) if
# already known.  Returns the "gplvm_gradient_check" data frame.
.check_gradient_core <- function(f, g, par, scale = rep(1, length(par)),
                                 tolerance = 1e-4, value = f(par)) {
  size <- pmax(abs(par), scale)
  num <- .numeric_gradient(f, par, .gradient_steps(par, scale))
  floor <- 1e-2 * max(abs(value), 1) / size
  err <- abs(g - num) / pmax(abs(g), abs(num), floor)
  labels <- names(par)
  if (is.null(labels)) labels <- sprintf("par[%d]", seq_along(par))
  structure(data.frame(parameter = labels, analytic = unname(g),
                       numeric = num, rel_error = err,
                       stringsAsFactors = FALSE),
            class = c("gplvm_gradient_check", "data.frame"),
            tolerance = tolerance, loglik = value)
}

# The steps h_i = eps^(1/5) max(|x_i|, s_i) of ?gplvm_check_gradient.
.gradient_steps <- function(par, scale) {
  .Machine$double.eps^(1 / 5) * pmax(abs(par), scale)
}

# Five-point central differences of f at par with steps h (a vector):
# derivative i is (8 (f(x + h e_i) - f(x - h e_i)) - (f(x + 2h e_i) -
# f(x - 2h e_i))) / (12 h_i), exact for polynomials of degree 4.
.central_differences <- function(f, par, h) {
  vapply(seq_along(par), function(i) {
    at <- function(t) f(replace(par, i, par[i] + t * h[i]))
    (8 * (at(1) - at(-1)) - (at(2) - at(-2))) / (12 * h[i])
  }, numeric(1))
}

# The numeric gradient of ?gplvm_check_gradient: five-point differences at
# steps h, h/10 and h/100, and for each component the one whose
# differences from its neighbours in that sequence are smallest.
.numeric_gradient <- function(f, par, h) {
  est <- matrix(vapply(c(1, 0.1, 0.01), function(r) {
    .central_differences(f, par, r * h)
  }, numeric(length(par))), ncol = 3L)
  d12 <- abs(est[, 1L] - est[, 2L])
  d23 <- abs(est[, 2L] - est[, 3L])
  best <- max.col(-cbind(d12, pmax(d12, d23), d23), ties.method = "first")
  est[cbind(seq_along(par), best)]
}

#' @rdname gplvm_check_gradient
#' @param x A \code{"gplvm_gradient_check"} object.
#' @param digits Significant digits for the numbers printed.
#' @param max_rows Largest number of rows to list; beyond it only the rows
#'   with the largest errors (all flagged ones among them) are listed.
#' @export
print.gplvm_gradient_check <- function(x, digits = 3, max_rows = 20, ...) {
  tol <- attr(x, "tolerance")
  bad <- x$rel_error > tol | is.na(x$rel_error)
  rows <- seq_len(nrow(x))
  if (nrow(x) > max_rows) {
    keep <- order(!bad, -x$rel_error)[seq_len(max(max_rows, sum(bad)))]
    rows <- sort(keep)
  }
  tab <- data.frame(parameter = x$parameter[rows],
                    analytic = format(x$analytic[rows], digits = digits),
                    numeric = format(x$numeric[rows], digits = digits),
                    rel_error = format(x$rel_error[rows], digits = digits),
                    flag = ifelse(bad[rows], "*", ""),
                    stringsAsFactors = FALSE)
  names(tab)[5L] <- ""
  cat("Gradient check: analytic against central differences\n")
  print(tab, row.names = FALSE, right = FALSE)
  if (length(rows) < nrow(x)) {
    cat(sprintf("(%d more rows with smaller errors not shown)\n",
                nrow(x) - length(rows)))
  }
  worst <- which.max(x$rel_error)
  if (nrow(x) == 0L) {
    cat("No components checked\n")
  } else if (any(bad)) {
    cat(sprintf(paste("FAILED: %d of %d components above tolerance %s",
                      "(marked *); worst %s, rel_error %.3g\n"),
                sum(bad), nrow(x), format(tol), x$parameter[worst],
                x$rel_error[worst]))
  } else {
    cat(sprintf(paste("OK: all %d components within tolerance %s",
                      "(largest rel_error %.3g, %s)\n"),
                nrow(x), format(tol), x$rel_error[worst], x$parameter[worst]))
  }
  invisible(x)
}
