# GP dynamics on the latent positions (GPDM; Wang, Fleet and Hertzmann
# 2008): a latent prior (R/latent.R) for time-ordered rows, its arguments,
# the forecast, and what print, summary and plot show of it.

#' @rdname gplvm-models
#' @section GP dynamics:
#' With `dynamics` the rows of `Y` are a time series (or several, one per
#' value of `sequence`, each in time order), and the unit Gaussian prior on
#' `X` is replaced by the Gaussian process dynamical model (GPDM) of Wang,
#' Fleet and Hertzmann (2008): \eqn{x_t = f(x_{t-1}) + \epsilon}{x_t =
#' f(x_(t-1)) + e}, with one function \eqn{f} shared by all sequences and
#' a GP prior on it with the kernel `dynamics`.  Integrating \eqn{f} out,
#' \deqn{\log p(X) = \sum_s \log N(x_{s,1} \mid 0, I) + \log N(X_{out} \mid 0, K_d(X_{in}))}{log p(X) = sum_s log N(x_(s,1) | 0, I) + log N(X_out | 0, Kd(X_in))}
#' where \eqn{x_{s,1}}{x_(s,1)} is the first point of sequence \eqn{s},
#' \eqn{X_{in}}{X_in} stacks the points \eqn{x_{t-1}}{x_(t-1)} and
#' \eqn{X_{out}}{X_out} the points \eqn{x_t}{x_t} that follow them within
#' each sequence, and \eqn{K_d}{Kd} is the `dynamics` kernel on
#' \eqn{X_{in}}{X_in} (its white part included): a GP regression of the
#' \eqn{q} columns of \eqn{X_{out}}{X_out} on \eqn{X_{in}}{X_in}, evaluated
#' by the same C code as the data term (its gradient in both its inputs
#' and its outputs flows into `X`).  The free parameters \eqn{\theta}{theta}
#' of the dynamics kernel (all but its white variance, see below) are
#' optimised with everything else, on the log scale, under a wide
#' log-normal prior, \eqn{\log\theta \sim N(0, 2^2)}{log theta ~ N(0,
#' 2^2)} each: without it a part of the kernel that the dynamics do not
#' need has no maximiser (for dynamics that are linear, the RBF variance
#' tends to 0 for as long as the optimiser runs), while a factor
#' \eqn{e^2}{e^2} either side of 1 costs only 1/2 in the objective.  The
#' dynamics term, this prior included, is `logprior` in the fit.
#'
#' `dynamics = TRUE` gives the default dynamics kernel,
#' `kern_rbf(1, 1) + kern_linear(1) + kern_white(0.01)`, as in Wang et al.
#' (RBF plus linear plus white).  Its white variance is the variance of
#' the innovation \eqn{\epsilon}{e}, in squared latent units, and it is
#' **fixed** at the value given, for any `dynamics` kernel (which must have
#' a [kern_white()] part): were it free, the objective would have no
#' maximiser, because latent points placed exactly on a deterministic
#' path (for a loop traversed at constant speed, a circle stepped at a
#' constant angle: linear dynamics) make \eqn{K_d}{Kd} singular on the
#' outputs as the white variance tends to 0, and the dynamics term grows
#' without bound.  With it fixed at \eqn{s}, the dynamics term is at most
#' \eqn{-\frac{(T-S)q}{2}\log(2\pi s)}{-(T - S) q/2 log(2 pi s)} (\eqn{T}
#' rows in \eqn{S} sequences).  The scale of `X` is set, as without
#' dynamics, by the data kernel's lengthscale (fixed at 1 by default): the
#' dynamics term, like the unit Gaussian prior, favours small `X`, and the
#' data term keeps the points apart on the scale of the lengthscale.  A
#' data kernel with a free lengthscale would let `X` and the lengthscale
#' shrink together, raising the dynamics term without end: keep it fixed.
#' The default white variance 0.01 lets each step depart from the
#' dynamics by a standard deviation of 0.1 lengthscales.
#'
#' `predict(fit, ahead = k)` forecasts the latent trajectory `k` steps
#' beyond the end of a sequence and the data there; `plot(fit)` draws the
#' latent trajectory of each sequence as a line.  Dynamics work with the
#' exact and the sparse models and with missing values; not with
#' `bayesian = TRUE` or `prior = TRUE` (the dynamics replace that prior).
#' @references Wang, J. M., Fleet, D. J. and Hertzmann, A. (2008).
#'   Gaussian process dynamical models for human motion.  IEEE Transactions
#'   on Pattern Analysis and Machine Intelligence 30, 283--298.
#' @examples
#' # GP dynamics (time series): see the examples of ?predict.gplvm
#' @name gplvm-models
NULL

#' @param dynamics `NULL` or `FALSE` for no dynamics; `TRUE` or a kernel
#'   (see [kernels]) with a [kern_white()] part for a GP prior on the
#'   latent trajectory (see GP dynamics in [gplvm-models]).  A continued fit
#'   (`init = fit`) keeps the fit's dynamics, fitted kernel and `sequence`
#'   unless given.
#' @param sequence With `dynamics`: `NULL` (the rows of `Y` are one
#'   sequence, in time order), or a factor or vector with one value per row
#'   of `Y` saying which sequence each row belongs to; the rows of each
#'   sequence are in time order, and each sequence has at least two rows.
#' @rdname gplvm
#' @name gplvm
NULL

# The latent prior gplvm() fits: `prior` (TRUE or FALSE) or, with
# `dynamics`, the GPDM prior over the rows grouped by `sequence`; every
# argument checked.
.dynamics_prior <- function(dynamics, sequence, prior, n, q) {
  dynamics <- .check_dynamics(dynamics, q)
  if (is.null(dynamics)) {
    if (!is.null(sequence)) {
      stop("'sequence' applies only with 'dynamics'", call. = FALSE)
    }
    return(prior)
  }
  if (prior) {
    stop(paste("'prior' must be FALSE with 'dynamics': the dynamics",
               "replace the unit Gaussian prior on X"), call. = FALSE)
  }
  .prior_dynamics(dynamics, .check_sequence(sequence, n))
}

# The default dynamics kernel (see ?gplvm, "GP dynamics").
.dynamics_default <- function() {
  kern_rbf(1, 1) + kern_linear(1) + kern_white(0.01)
}

# `dynamics` as gplvm() takes it: NULL (none) or a checked kernel with a
# white part of positive variance.
.check_dynamics <- function(dynamics, q) {
  if (is.null(dynamics) || isFALSE(dynamics)) return(NULL)
  if (isTRUE(dynamics)) return(.dynamics_default())
  if (!inherits(dynamics, "gplvm_kernel")) {
    stop(paste("'dynamics' must be NULL, TRUE, FALSE or a kernel made by",
               "kern_rbf(), kern_linear(), ... with a kern_white() part"),
         call. = FALSE)
  }
  .check_kernel(dynamics, q, arg = "dynamics")
  if (!any(.param_types(dynamics) == "white")) {
    stop(paste("'dynamics' must have a kern_white() part: its variance is",
               "the (fixed) innovation variance of the dynamics"),
         call. = FALSE)
  }
  dynamics
}

# The kernel type each entry of kern_params(kernel) belongs to.
.param_types <- function(kernel) {
  parts <- .kernel_parts(kernel)
  rep(vapply(parts, `[[`, "", "type"),
      vapply(parts, function(p) length(unlist(p$params)), 1L))
}

# `sequence` as a factor with one level per sequence, each of at least two
# rows; NULL: one sequence.
.check_sequence <- function(sequence, n) {
  if (is.null(sequence)) return(factor(rep(1L, n)))
  if (!is.atomic(sequence) || is.null(sequence) || !is.null(dim(sequence)) ||
      length(sequence) != n || anyNA(sequence) || is.complex(sequence)) {
    stop(sprintf(paste("'sequence' must be a factor or vector with one",
                       "value per row of 'Y' (%d), without NA"), n),
         call. = FALSE)
  }
  f <- factor(sequence)
  short <- levels(f)[tabulate(f, nlevels(f)) < 2L]
  if (length(short)) {
    stop(sprintf(paste("'sequence' must give each sequence at least two",
                       "rows; %s %s only one"),
                 paste0("\"", utils::head(short, 5L), "\"", collapse = ", "),
                 if (length(short) > 1L) "have" else "has"), call. = FALSE)
  }
  f
}

# Rows of X in the dynamics: `from` (x_{t-1}), `to` (x_t) and `first`
# (x_1 of each sequence), from the sequence factor.
.dynamics_rows <- function(sequence) {
  rows <- split(seq_along(sequence), sequence)
  list(from = unlist(lapply(rows, function(r) r[-length(r)]),
                     use.names = FALSE),
       to = unlist(lapply(rows, function(r) r[-1L]), use.names = FALSE),
       first = vapply(rows, `[`, 1L, 1L),
       last = vapply(rows, function(r) r[length(r)], 1L))
}

# The GPDM prior (see ?gplvm, "GP dynamics") as a latent prior object of
# R/latent.R: eta holds the logarithms of the free parameters of `kernel`
# (all but the white variance).  kernel(eta) gives the kernel at eta.
.prior_dynamics <- function(kernel, sequence) {
  rows <- .dynamics_rows(sequence)
  theta <- kern_params(kernel)
  free <- .param_types(kernel) != "white"
  kernel_at <- function(eta) {
    th <- theta
    th[free] <- exp(eta)
    if (!all(is.finite(th) & th > 0)) {
      .stop_numerical("a dynamics kernel parameter under- or overflowed")
    }
    k <- kernel
    kern_params(k) <- th
    k
  }
  list(kind = "dynamics", npar = sum(free), kernel = kernel_at,
       sequence = sequence, rows = rows,
       start = function() unname(log(theta[free])),
       logp = function(X, eta, S = NULL) {
         k <- kernel_at(eta)
         # the white part is the noise: the engine's own noise is 0
         r <- .loglik_c(X[rows$to, , drop = FALSE],
                        X[rows$from, , drop = FALSE], k, 0, TRUE)
         x1 <- X[rows$first, , drop = FALSE]
         g <- matrix(0, nrow(X), ncol(X))
         g[rows$first, ] <- -x1
         g[rows$from, ] <- g[rows$from, ] + r$X
         g[rows$to, ] <- g[rows$to, ] + r$Y
         # the log-normal prior on the free parameters: log N(eta | 0, 4)
         list(value = r$loglik - length(x1) / 2 * log(2 * pi) - sum(x1^2) / 2 -
                length(eta) / 2 * log(2 * pi * 4) - sum(eta^2) / 8,
              X = g, eta = r$kernel[free] * exp(eta) - eta / 4)
       })
}

# The dynamics of a fit (its prior object with the fitted `par`), or NULL;
# stops if they do not match the fit's latent positions.
# The fit stores the descriptor list(kind, kernel (fitted), sequence)
# (.fitted_prior in R/latent.R); the prior object is rebuilt from it.
.fit_dynamics <- function(fit) {
  p <- fit$latent_prior
  if (!is.list(p) || !identical(p$kind, "dynamics")) return(NULL)
  ok <- inherits(p$kernel, "gplvm_kernel") && is.factor(p$sequence) &&
    length(p$sequence) == NROW(fit$X) &&
    !is.null(tryCatch(.check_kernel(p$kernel, NCOL(fit$X)),
                      error = function(e) NULL))
  if (!ok) {
    stop("the fit is damaged: its dynamics do not match its latent ",
         "positions", call. = FALSE)
  }
  out <- .prior_dynamics(p$kernel, p$sequence)
  out$par <- out$start()
  out
}

# ---- what print, summary, coef and plot ask a fit's latent term ----
#
# The fit's latent prior is a descriptor (.fitted_prior in R/latent.R);
# .fit_latent_term() classes it "gplvm_latent_<kind>", and R/methods.R,
# R/plot.R and R/ggplot.R call these generics on it, so that none of them
# tests for dynamics.  Only the dynamics have anything to show; the
# defaults serve every other latent term.

# The latent term of `fit`; stops if its dynamics do not match its latent
# positions (.fit_dynamics()).
.fit_latent_term <- function(fit) {
  p <- fit$latent_prior
  if (!is.list(p) || !is.character(p$kind) || length(p$kind) != 1L) {
    p <- list(kind = "none")
  }
  lt <- structure(p, class = c(paste0("gplvm_latent_", p$kind),
                               "gplvm_latent"))
  .latent_check(lt, fit)
  lt
}
.latent_check <- function(lt, fit) UseMethod(".latent_check")
.latent_check.gplvm_latent <- function(lt, fit) invisible()
.latent_check.gplvm_latent_dynamics <- function(lt, fit) {
  .fit_dynamics(fit)
  invisible()
}

# The arguments of gplvm() that give the latent term of `fit` back when
# it is continued: `dynamics` (the fitted kernel) and `sequence`; none
# for the other terms.
.latent_fit_args <- function(lt, fit) UseMethod(".latent_fit_args")
.latent_fit_args.gplvm_latent <- function(lt, fit) list()
.latent_fit_args.gplvm_latent_dynamics <- function(lt, fit) {
  dyn <- .fit_dynamics(fit)
  list(dynamics = dyn$kernel(dyn$par), sequence = dyn$sequence)
}

# The latent term's parameters for coef(), named "<term>.<name>" (empty
# without any); fixed = TRUE: the names of the fixed ones, for summary().
.latent_coef <- function(lt, fixed = FALSE) UseMethod(".latent_coef")
.latent_coef.gplvm_latent <- function(lt, fixed = FALSE) {
  if (fixed) character() else numeric()
}
.latent_coef.gplvm_latent_dynamics <- function(lt, fixed = FALSE) {
  # the dynamics kernel's, its white variance fixed
  th <- kern_params(lt$kernel)
  names(th) <- paste0("dynamics.", names(th))
  if (fixed) names(th)[.param_types(lt$kernel) == "white"] else th
}

# The line print() and summary() give the latent term, with its log prior
# of X `logprior`; nothing for most terms.
.latent_cat <- function(lt, logprior, digits) UseMethod(".latent_cat")
.latent_cat.gplvm_latent <- function(lt, logprior, digits) invisible()
.latent_cat.gplvm_latent_dynamics <- function(lt, logprior, digits) {
  # the dynamics kernel, the sequences and the log prior of X under them
  n <- nlevels(lt$sequence)
  cat(sprintf("Dynamics (GPDM): %s; %d sequence%s; log p(X) %s\n",
              format(lt$kernel), n, if (n == 1L) "" else "s",
              format(logprior, digits = digits)))
}

# How plot() and autoplot() draw the latent trajectory of the n rows:
# `show`, whether by default, and `sequence`, the factor whose levels are
# joined in row order (one sequence, the rows in order, by default).
.latent_trajectory <- function(lt, n) UseMethod(".latent_trajectory")
.latent_trajectory.gplvm_latent <- function(lt, n) {
  list(show = FALSE, sequence = factor(rep(1L, n)))
}
.latent_trajectory.gplvm_latent_dynamics <- function(lt, n) {
  list(show = TRUE, sequence = lt$sequence)
}

#' @rdname predict.gplvm
#' @param ahead For a fit with dynamics (see [gplvm()]): a number of steps
#'   `k` to forecast.  The latent trajectory is continued from the last
#'   point of a sequence by iterating the posterior mean of the dynamics,
#'   \eqn{x_{t+1} = k_d(x_t, X_{in}) K_d^{-1} X_{out}}{x_(t+1) = kd(x_t,
#'   X_in) Kd^-1 X_out} (\eqn{K_d}{Kd} with its white part), and the data
#'   forecast is the posterior mean of the data at those points (as with
#'   `newlatent`).  This is the mean path, not the mean of the forecast
#'   distribution, which for non-linear dynamics has no closed form.
#' @param from With `ahead`: the sequence to continue, a value of the fit's
#'   `sequence`; `NULL` (the default) continues the sequence of the last
#'   row of the data.
#' @details With `ahead`: a list with `latent`, the forecast latent
#'   positions (`ahead` by `q`), and `data`, the forecast data (`ahead` by
#'   D, on the original scale), rows named `"+1"`, `"+2"`, ....
#' @name predict.gplvm
NULL

# The forecast of predict(fit, ahead = k, from =): see ?predict.gplvm.
.forecast <- function(fit, ahead, from) {
  dyn <- .fit_dynamics(fit)
  if (is.null(dyn)) {
    stop("'ahead' needs a fit with dynamics: gplvm(Y, dynamics = TRUE)",
         call. = FALSE)
  }
  ahead <- .check_count(ahead, "ahead")
  seqs <- levels(dyn$sequence)
  if (is.null(from)) {
    from <- as.character(dyn$sequence[length(dyn$sequence)])
  } else if (!is.atomic(from) || length(from) != 1L ||
             !as.character(from) %in% seqs) {
    stop(sprintf("'from' must be one of the fit's sequences: %s",
                 paste0("\"", utils::head(seqs, 10L), "\"", collapse = ", ")),
         call. = FALSE)
  }
  k <- dyn$kernel(dyn$par)
  X <- fit$X
  Xin <- X[dyn$rows$from, , drop = FALSE]
  R <- chol(kern_matrix(k, Xin))
  A <- backsolve(R, backsolve(R, X[dyn$rows$to, , drop = FALSE],
                              transpose = TRUE))
  path <- matrix(0, ahead, ncol(X),
                 dimnames = list(paste0("+", seq_len(ahead)), colnames(X)))
  x <- X[dyn$rows$last[[match(as.character(from), seqs)]], , drop = FALSE]
  for (i in seq_len(ahead)) {
    x <- kern_matrix(k, x, Xin) %*% A
    path[i, ] <- x
  }
  list(latent = path, data = .predict_mean(fit, path))
}

# The latent trajectory of each sequence as a line, under the points:
# x, y are the plotted coordinates of the rows; seq is the sequence factor.
.draw_trajectory <- function(x, y, seq) {
  for (r in split(seq_along(x), seq)) {
    graphics::lines(x[r], y[r], col = "grey30", lwd = 1)
  }
}
