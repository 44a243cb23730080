#' GP-LVM log-likelihood and its gradient
#'
#' Computes
#' \deqn{L = -\frac{ND}{2}\log 2\pi - \frac{D}{2}\log|K| - \frac12 \mathrm{tr}(K^{-1} Y Y^\top)}{L = -N D/2 log(2 pi) - D/2 log|K| - 1/2 tr(K^-1 Y Y')}
#' with \eqn{K = k(X, X) + \sigma^2 I}, from one Cholesky factorisation in C.
#' `Y` is used as given (not centred) and no prior on `X` is included.
#'
#' The noise enters \eqn{K} as the effective noise
#' \eqn{(\sigma^8 + f^4)^{1/4}}{(noise^4 + f^4)^(1/4)} (white kernel parts
#' count as noise), with the floor \eqn{f = 10^{-8}}{f = 1e-8} times the mean
#' diagonal of \eqn{k(X, X)}: that is the noise itself, up to rounding,
#' for a noise above \eqn{10^{-4}} of that mean diagonal, and \eqn{f} as the
#' noise vanishes, so that \eqn{K} stays positive definite and the value
#' smooth where latent points coincide; the gradient includes it.  Only if
#' the Cholesky factorisation fails even so is jitter growing tenfold from
#' \eqn{10^{-6}} times that mean diagonal added to the noise (at most five
#' times), with a warning saying how much.
#'
#' The exact model takes at most 46340 rows (N^2 below 2^31, each N by N
#' matrix under 16 GB); for more, use the sparse model.
#'
#' The O(N^2 Q) loops in C (kernel matrix, gradient contraction) run on
#' `getOption("gplvm.threads")` OpenMP threads where OpenMP is available.
#' Without the option the exact model runs them on one thread (its time is
#' the BLAS's: two threads saved 2 to 3 percent on an idle machine), the
#' Bayesian and non-Gaussian models' loops on half the processors (at least one; at most 2 under
#' `R CMD check --as-cran`; one on the workers of a `cluster` fit): on a
#' busy machine threads wait for each other, and two threads made an
#' evaluation 1.6 to 9 times slower than one (`bench/threads.R` in the
#' sources).  The count is always capped at the processors the process
#' may use and at `OMP_THREAD_LIMIT` (a larger request is not an error).  In a process
#' forked after the package has used two or more threads (as by
#' `parallel::mclapply()`) they run on one thread, because OpenMP's thread
#' pool does not survive `fork()`.  Results are identical whatever the number
#' of threads.  The O(N^3)
#' factorisation runs on R's BLAS and LAPACK, so a fast multithreaded BLAS
#' speeds up the whole evaluation.
#'
#' @section Missing values:
#' `Y` may have `NA` (or `NaN`) entries: the result is then the sum over
#' columns of each column's log-likelihood on its observed rows (the sparse
#' objectives likewise; with `X_var` each pattern's bound without its KL
#' term, and the KL term once), computed by one evaluation per distinct
#' pattern of observed rows, and the gradient is the sum of theirs.  Every
#' row needs an observed entry and every column two.  See [gplvm()].
#'
#' @section Sparse approximations:
#' With `inducing = Z` (M inducing inputs), \eqn{K} is replaced by
#' \eqn{S = Q + \Lambda}{S = Q + Lambda} with
#' \eqn{Q = K_{xz} K_{zz}^{-1} K_{zx}}{Q = Kxz Kzz^-1 Kzx},
#' \eqn{K_{xz} = k(X, Z)}{Kxz = k(X, Z)} and
#' \eqn{K_{zz} = k(Z, Z) + jI}{Kzz = k(Z, Z) + j I}, and
#' \describe{
#'   \item{`"vfe"`}{the variational free energy of Titsias (2009):
#'     \eqn{\Lambda = \sigma^2 I}{Lambda = noise I} and the term
#'     \eqn{-\frac{D}{2\sigma^2}\mathrm{tr}(K_{xx} - Q)}{-D/(2 noise) tr(Kxx - Q)}
#'     is added.  It is a lower bound on the exact log-likelihood and equals
#'     it when \eqn{Z = X} (up to the jitter).}
#'   \item{`"fitc"`}{\eqn{\Lambda = \sigma^2 I + \mathrm{diag}(K_{xx} - Q)}{Lambda = noise I + diag(Kxx - Q)}
#'     (fully independent training conditional; Snelson and Ghahramani 2006).}
#'   \item{`"dtc"`}{\eqn{\Lambda = \sigma^2 I}{Lambda = noise I}
#'     (deterministic training conditional).}
#' }
#' One evaluation costs \eqn{O(N M^2 + M^3)} time and \eqn{O(N M)} memory
#' in C; no N by N matrix is formed.  VFE and DTC depend on the data only
#' through sums over rows, and are computed chunk by chunk: k(X, Z) is kept
#' between the value and the gradient pass while it takes at most 512 MB,
#' and is otherwise computed twice, in \eqn{O(M^2 + M D)}{O(M^2 + M D)}
#' memory beyond a chunk of 2048 rows.  White parts of the kernel act as noise
#' in the sparse model: their variances are added to \eqn{\sigma^2}{noise}
#' in \eqn{\Lambda}{Lambda} (and in the VFE term) and they contribute nothing
#' to \eqn{K_{xz}}{Kxz}, \eqn{K_{zz}}{Kzz} or \eqn{K_{xx}}{Kxx}; the
#' kernel needs at least one other part.  The jitter \eqn{j} is
#' \eqn{10^{-8}} times the mean diagonal of \eqn{k(Z, Z)} (and part of the
#' objective, so the gradient accounts for it); if the factorisation fails
#' it grows tenfold, at most five times, with a warning.
#'
#' @section Bayesian GP-LVM:
#' With `X_var` (and `inducing`) the latent positions are distributions,
#' \eqn{q(x_n) = N(\mu_n, \mathrm{diag}(S_n))}{q(x_n) = N(mu_n, diag(S_n))}
#' with means `X` and variances `X_var`, and the value is the variational
#' lower bound on \eqn{\log p(Y)}{log p(Y)} of Titsias and Lawrence (2010):
#' \deqn{F = -\frac{ND}{2}\log 2\pi + \frac{ND}{2}\log\beta - \frac{D}{2}\log|A| + \frac{D}{2}\log|K_{zz}| - \frac{\beta}{2}\mathrm{tr}(YY^\top) + \frac{\beta^2}{2}\mathrm{tr}(Y^\top\Psi_1 A^{-1}\Psi_1^\top Y) - \frac{D\beta}{2}\psi_0 + \frac{D\beta}{2}\mathrm{tr}(K_{zz}^{-1}\Psi_2) - \mathrm{KL}}{F = -N D/2 log(2 pi) + N D/2 log(beta) - D/2 log|A| + D/2 log|Kzz| - beta/2 tr(Y Y') + beta^2/2 tr(Y' Psi1 A^-1 Psi1' Y) - D beta/2 psi0 + D beta/2 tr(Kzz^-1 Psi2) - KL}
#' with \eqn{\beta = 1/\sigma^2}{beta = 1/noise},
#' \eqn{A = K_{zz} + \beta\Psi_2}{A = Kzz + beta Psi2}, the
#' psi-statistics \eqn{\psi_0 = \sum_n \langle k(x_n, x_n)\rangle}{psi0 = sum_n <k(x_n, x_n)>},
#' \eqn{\Psi_1[n, m] = \langle k(x_n, z_m)\rangle}{Psi1[n, m] = <k(x_n, z_m)>},
#' \eqn{\Psi_2 = \sum_n \langle k(Z, x_n) k(x_n, Z)\rangle}{Psi2 = sum_n <k(Z, x_n) k(x_n, Z)>}
#' (expectations under \eqn{q}), and
#' \eqn{\mathrm{KL} = \frac12\sum_{nq}(\mu_{nq}^2 + S_{nq} - \log S_{nq} - 1)}{KL = 1/2 sum(mu^2 + S - log S - 1)},
#' the divergence of \eqn{q(X)} from the unit Gaussian prior.  The
#' psi-statistics are in closed form for sums of [kern_rbf()] (isotropic or
#' ARD), [kern_linear()] and [kern_bias()], cross terms of the sum included;
#' [kern_white()] parts act as noise, as in the sparse model.  Other kernels
#' have no closed form and are refused.  As `X_var` tends to 0 the bound
#' tends to the VFE bound at `X` minus the KL term.  Cost
#' \eqn{O(N M^2 Q)}{O(N M^2 Q)} time and \eqn{O(N M)}{O(N M)} memory.
#'
#' @param Y Numeric data matrix, N by D (a Matrix-package matrix is
#'   converted with `as.matrix()`); `NA` entries are missing values.
#' @param X Numeric latent matrix, N by Q (likewise).
#' @param kernel A kernel, see [kernels].
#' @param noise Noise variance \eqn{\sigma^2 > 0}.
#' @param gradient If `TRUE`, attach the gradient.
#' @param inducing `NULL` (the exact model) or a numeric matrix of inducing
#'   inputs \eqn{Z}, M by Q: the sparse model, see Details.
#' @param approx The sparse approximation: `"vfe"` (default), `"fitc"` or
#'   `"dtc"`.  Ignored when `inducing` is `NULL`; must be `"vfe"` with
#'   `X_var`.
#' @param X_var `NULL`, or an N by Q matrix of positive latent variances:
#'   the Bayesian GP-LVM bound, see the section below (`X` then holds the
#'   latent means and `inducing` is required).
#' @return The log-likelihood, a number.  With `gradient = TRUE` it has an
#'   attribute `"gradient"`: a list with `X` (N by Q matrix,
#'   \eqn{\partial L / \partial X}{dL/dX}), `kernel` (named vector, one entry
#'   per hyperparameter on its natural scale, named as by [kern_params()]),
#'   `noise` (\eqn{\partial L / \partial \sigma^2}{dL/dnoise}) and, for
#'   the exact model with no missing entries, `Y` (N by D, the gradient in
#'   the data, \eqn{\partial L / \partial Y = -K^{-1} Y}{dL/dY = -K^-1 Y},
#'   which GP dynamics need: there the outputs are latent positions); in the
#'   sparse model also `inducing` (M by Q, \eqn{\partial L / \partial Z}{dL/dZ}),
#'   and with `X_var` also `X_var` (N by Q,
#'   \eqn{\partial F / \partial S}{dF/dS}; `X` is then
#'   \eqn{\partial F / \partial \mu}{dF/dmu}).
#' @references Lawrence, N. D. (2005). Probabilistic non-linear principal
#'   component analysis with Gaussian process latent variable models.
#'   Journal of Machine Learning Research 6, 1783--1816.
#'
#'   Titsias, M. (2009). Variational learning of inducing variables in
#'   sparse Gaussian processes.  Proceedings of AISTATS, PMLR 5, 567--574.
#'
#'   Titsias, M. and Lawrence, N. D. (2010). Bayesian Gaussian process
#'   latent variable model.  Proceedings of AISTATS, PMLR 9, 844--851.
#'
#'   Snelson, E. and Ghahramani, Z. (2006). Sparse Gaussian processes using
#'   pseudo-inputs.  Advances in Neural Information Processing Systems 18.
#' @examples
#' set.seed(1)
#' Y <- matrix(rnorm(40), 10, 4)
#' X <- prcomp(Y)$x[, 1:2]
#' ll <- gplvm_loglik(Y, X, kern_rbf(), noise = 0.1, gradient = TRUE)
#' ll
#' Z <- X[1:4, ]
#' gplvm_loglik(Y, X, kern_rbf(), noise = 0.1, inducing = Z, approx = "vfe")
#' # the Bayesian GP-LVM bound, latent variances 0.05
#' gplvm_loglik(Y, X, kern_rbf(1, c(1, 1)) + kern_bias(), noise = 0.1,
#'              inducing = Z, X_var = matrix(0.05, 10, 2))
#' @export
gplvm_loglik <- function(Y, X, kernel, noise, gradient = FALSE,
                         inducing = NULL, approx = c("vfe", "fitc", "dtc"),
                         X_var = NULL) {
  Y <- .as_numeric_matrix(Y, "Y", allow_na = TRUE)
  X <- .as_numeric_matrix(X, "X")
  if (nrow(X) != nrow(Y)) {
    stop(sprintf("'X' must have %d rows, like 'Y', not %d", nrow(Y),
                 nrow(X)), call. = FALSE)
  }
  .check_kernel(kernel, ncol(X))
  noise <- .check_positive(noise, "noise")
  gradient <- .check_flag(gradient, "gradient")
  miss <- .missing_patterns(Y)  # NULL without NA entries; R/missing.R
  # the term the arguments ask for, and its checks and evaluation
  .data_loglik(.loglik_term(inducing, approx, X_var), Y, X, kernel, noise,
               gradient, inducing, approx, X_var, miss)  # R/data_term.R
}

# gplvm_loglik() of the exact model: the value with its gradient attribute
# (with an output gradient Y for complete data).  Each missingness
# pattern (miss, NULL: none) is one evaluation on its observed rows.
.gplvm_loglik_exact <- function(Y, X, kernel, noise, gradient, miss) {
  # all rows, not only a missingness pattern's (R/data_term.R)
  prep <- .data_prepare(.data_exact(), Y, miss, gram = FALSE)
  # its N x N workspace now, not at garbage collection: repeated calls
  # (gplvm_check_gradient()) must not pile them up
  on.exit(.workspace_free(prep$workspace))
  res <- .data_eval(prep, X, NULL, NULL, kernel, noise, gradient)
  if (res$jitter > 0) {
    warning(.jitter_message(res$jitter), call. = FALSE)
  }
  out <- res$value
  if (gradient) {
    gX <- res$X
    dimnames(gX) <- dimnames(X)
    attr(out, "gradient") <- c(list(X = gX,
                                    kernel = stats::setNames(res$kernel,
                                               names(kern_params(kernel))),
                                    noise = res$noise),
                               # the outputs' gradient, when the engine
                               # gave one (complete data)
                               if (!is.null(res$Y)) {
                                 list(Y = array(res$Y, dim(Y), dimnames(Y)))
                               })
  }
  out
}

# One evaluation in C, with no argument checks beyond C's own: callers have
# checked.  ndim is D of the formula; Y may be any factor C with C C' = Y Y'.
# workspace: NULL, or one from .loglik_workspace() reused by all the
# evaluations of a fit.  Returns the raw list (loglik, X, kernel, noise,
# jitter) or stops with a message explaining the status.
.loglik_c <- function(Y, X, kernel, noise, gradient, ndim = ncol(Y),
                      workspace = NULL) {
  .check_exact_size(nrow(Y))
  spec <- .kernel_spec(kernel, ncol(X))
  res <- .with_memory_check(.Call(C_gplvm_loglik_call, Y, X, spec$type,
    spec$npar, spec$par, noise, as.double(ndim), gradient,
    .gplvm_threads(1L), workspace), nrow(Y))  # R/checks.R; one thread:
  # see ?gplvm_loglik
  .stop_on_status(res$status, sparse = FALSE)
  res
}

# The exact model holds N x N matrices: it keeps N^2 below 2^31 (N <= 46340,
# each N x N matrix then under 16 GB), the range its C code and R's LAPACK
# calls (32-bit sizes) are written and tested for.  Larger N: the sparse
# model, whose memory is O(N M).
.check_exact_size <- function(n) {
  if (n > 46340L) {
    stop(.gplvm_error(sprintf(paste(
      "'Y' has %d rows, too many for the exact model (at most 46340, and",
      "each N x N matrix would need %.0f GB); use the sparse model, e.g.",
      "gplvm(Y, inducing = 500)"), n, n^2 * 8 / 2^30), "gplvm_size_error"))
  }
  invisible(n)
}

# The end of an exact fit: frees the fit's workspace first, then returns
# the upper Cholesky factor of the covariance the C core used (jitter
# included) and alpha = K^-1 Y, so that at most one N x N matrix is held
# at a time (the factor is built in place in C; no copy or transpose).
.exact_posterior <- function(Y, X, kernel, noise, jitter, workspace = NULL) {
  if (!is.null(workspace)) .workspace_free(workspace)
  spec <- .kernel_spec(kernel, ncol(X))
  R <- .Call(C_gplvm_chol_call, X, spec$type, spec$npar, spec$par,
             noise + jitter)
  list(chol = R, alpha = backsolve(R, backsolve(R, Y, transpose = TRUE)))
}

# Memory kept by C between evaluations (the N x N matrix), so that a fit
# does not touch fresh pages at every call; freed when garbage collected.
.loglik_workspace <- function() .Call(C_gplvm_workspace_call)

# Frees the buffer of a workspace now rather than at garbage collection;
# returns the number of doubles freed.
.workspace_free <- function(workspace) {
  .Call(C_gplvm_workspace_free_call, workspace)
}

# Threads requested for the O(N^2 Q) loops in C: option "gplvm.threads",
# any positive whole number.  C caps it at what the machine offers
# (src/threads.c), so a huge request is no error; it is capped here only
# to fit an R integer.  Results do not depend on it.  Without the option:
# `default`, half the processors (the exact model and the workers of a
# cluster fit pass 1), at most 2 under R CMD check --as-cran
# (_R_CHECK_LIMIT_CORES_, CRAN's limit).
.gplvm_threads <- function(default = .half_the_processors()) {
  limit <- toupper(Sys.getenv("_R_CHECK_LIMIT_CORES_", ""))
  if (nzchar(limit) && limit != "FALSE") default <- min(default, 2L)
  n <- getOption("gplvm.threads", default)
  if (!is.numeric(n) || length(n) != 1L || !is.finite(n) || n < 1 ||
      n != round(n)) {
    stop(.gplvm_error(sprintf(paste(
      "option 'gplvm.threads' must be a positive whole number, not %s; set",
      "it with options(gplvm.threads = 2), or to NULL for every processor"),
      paste(deparse(n, width.cutoff = 40L)[1L], collapse = "")),
      "gplvm_option_error"))
  }
  as.integer(min(n, .Machine$integer.max))
}

# Half the processors, at least one: threads that share busy processors
# with other work wait for each other at every parallel loop's end
# (bench/threads.R: 1.6 to 2.2 times a Bayesian evaluation's one-thread
# time on 2 threads of 2 busy cores, against 0.71 idle).
# Counted once per session: detectCores() starts a shell on Linux, which
# at every evaluation made small fits 10 times slower.
.half_the_processors <- local({
  half <- NULL
  function() {
    if (is.null(half)) {
      n <- parallel::detectCores(logical = TRUE)
      half <<- if (is.na(n)) 1L else max(1L, as.integer(n %/% 2L))
    }
    half
  }
})

# The number of threads C actually uses for `n` requested.
.threads_used <- function(n = .gplvm_threads()) {
  .Call(C_gplvm_threads_call, n)
}

# Messages for the engines' status codes (src/gplvm.h).  The sparse
# engine's three factorisations fail for three different reasons: 1 is its
# k(Z, Z), 4 and 5 occur only there.
.status_message <- function(status, sparse = FALSE) {
  msg <- c(
    "1" = if (sparse) {
      paste("the covariance of the inducing inputs is not positive",
            "definite, even with added jitter; move the inducing inputs",
            "apart or change the kernel parameters")
    } else {
      paste("the covariance matrix is not positive definite, even with",
            "added jitter; try a larger 'noise', a kernel with a white",
            "or bias term, or rescaled data")
    },
    "2" = paste("the covariance matrix or the log-likelihood is not finite;",
                "rescale the data or the latent positions, or change the",
                "kernel parameters"),
    "3" = "LAPACK reported an illegal argument (please report this bug)",
    "4" = paste("the FITC noise (noise plus the diagonal of Kxx - Q) is not",
                "positive at some data points, through rounding errors in",
                "Q; increase 'noise', or use approx = \"vfe\""),
    "5" = paste("the inner M x M matrix of the sparse model (identity plus",
                "the inducing covariances weighted by 1/noise) cannot be",
                "factorised: 'noise' is too small for the scale of the",
                "kernel variances; increase 'noise' or rescale the data"))
  m <- msg[as.character(status)]
  if (is.na(m)) sprintf("unknown status %d from the C code", status)
  else unname(m)
}

# A status code from C as an error: a numerical failure of the model
# (codes 1, 2, 4, 5) as a "gplvm_numerical_error" (R/optimise.R), which a
# fit backs off from; anything else (an illegal LAPACK argument) as a
# plain error, which stops it.
.stop_on_status <- function(status, sparse = TRUE) {
  if (status == 0L) return(invisible())
  msg <- .status_message(status, sparse)
  if (status %in% c(1L, 2L, 4L, 5L)) .stop_numerical(msg)
  stop(msg, call. = FALSE)
}

.jitter_message <- function(jitter) {
  sprintf(paste("the covariance matrix was not positive definite; added",
                "jitter %.3g to its diagonal"), jitter)
}
