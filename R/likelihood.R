#' GP-LVM log-likelihood and its gradient
#'
#' Computes
#' \deqn{L = -\frac{ND}{2}\log 2\pi - \frac{D}{2}\log|K| - \frac12 \mathrm{tr}(K^{-1} Y Y^\top)}{L = -N D/2 log(2 pi) - D/2 log|K| - 1/2 tr(K^-1 Y Y')}
#' with \eqn{K = k(X, X) + \sigma^2 I}, from one Cholesky factorisation in C.
#' `Y` is used as given (not centred) and no prior on `X` is included.
#'
#' If the Cholesky factorisation fails, jitter growing tenfold from
#' \eqn{10^{-6}} times the mean diagonal of \eqn{K} is added (at most five
#' times) and a warning says how much; if it still fails, an error is
#' raised.
#'
#' The O(N^2 Q) loops in C (kernel matrix, gradient contraction) run on
#' `getOption("gplvm.threads", 1)` OpenMP threads where OpenMP is available;
#' results are identical whatever the number of threads.  The O(N^3)
#' factorisation runs on R's BLAS and LAPACK, so a fast multithreaded BLAS
#' speeds up the whole evaluation.
#'
#' @section Missing values:
#' `Y` may have `NA` (or `NaN`) entries: the result is then the sum over
#' columns of each column's log-likelihood on its observed rows (the sparse
#' objectives likewise), computed by one evaluation per distinct pattern of
#' observed rows, and the gradient is the sum of theirs.  Every row needs
#' an observed entry and every column two.  See [gplvm()].
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
#' in C; no N by N matrix is formed.  White parts of the kernel act as noise
#' in the sparse model: their variances are added to \eqn{\sigma^2}{noise}
#' in \eqn{\Lambda}{Lambda} (and in the VFE term) and they contribute nothing
#' to \eqn{K_{xz}}{Kxz}, \eqn{K_{zz}}{Kzz} or \eqn{K_{xx}}{Kxx}; the
#' kernel needs at least one other part.  The jitter \eqn{j} is
#' \eqn{10^{-8}} times the mean diagonal of \eqn{k(Z, Z)} (and part of the
#' objective, so the gradient accounts for it); if the factorisation fails
#' it grows tenfold, at most five times, with a warning.
#'
#' @param Y Numeric data matrix, N by D; `NA` entries are missing values.
#' @param X Numeric latent matrix, N by Q.
#' @param kernel A kernel, see [kernels].
#' @param noise Noise variance \eqn{\sigma^2 > 0}.
#' @param gradient If `TRUE`, attach the gradient.
#' @param inducing `NULL` (the exact model) or a numeric matrix of inducing
#'   inputs \eqn{Z}, M by Q: the sparse model, see Details.
#' @param approx The sparse approximation: `"vfe"` (default), `"fitc"` or
#'   `"dtc"`.  Ignored when `inducing` is `NULL`.
#' @return The log-likelihood, a number.  With `gradient = TRUE` it has an
#'   attribute `"gradient"`: a list with `X` (N by Q matrix,
#'   \eqn{\partial L / \partial X}{dL/dX}), `kernel` (named vector, one entry
#'   per hyperparameter on its natural scale, named as by [kern_params()]) and
#'   `noise` (\eqn{\partial L / \partial \sigma^2}{dL/dnoise}); in the
#'   sparse model also `inducing` (M by Q, \eqn{\partial L / \partial Z}{dL/dZ}).
#' @references Lawrence, N. D. (2005). Probabilistic non-linear principal
#'   component analysis with Gaussian process latent variable models.
#'   Journal of Machine Learning Research 6, 1783--1816.
#'
#'   Titsias, M. (2009). Variational learning of inducing variables in
#'   sparse Gaussian processes.  Proceedings of AISTATS, PMLR 5, 567--574.
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
#' @export
gplvm_loglik <- function(Y, X, kernel, noise, gradient = FALSE,
                         inducing = NULL, approx = c("vfe", "fitc", "dtc")) {
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
  if (!is.null(inducing)) {
    return(.gplvm_loglik_sparse(Y, X, kernel, noise, gradient, inducing,
                                approx, miss))
  }
  res <- if (is.null(miss)) .loglik_c(Y, X, kernel, noise, gradient)
         else .loglik_missing(.pattern_data(Y, miss), X, kernel, noise,
                              gradient)
  if (res$jitter > 0) {
    warning(.jitter_message(res$jitter), call. = FALSE)
  }
  out <- res$loglik
  if (gradient) {
    gX <- res$X
    dimnames(gX) <- dimnames(X)
    attr(out, "gradient") <- list(X = gX,
                                  kernel = stats::setNames(res$kernel,
                                             names(kern_params(kernel))),
                                  noise = res$noise)
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
  spec <- .kernel_spec(kernel, ncol(X))
  res <- .Call(C_gplvm_loglik_call, Y, X, spec$type, spec$npar, spec$par,
               noise, as.double(ndim), gradient, .gplvm_threads(), workspace)
  if (res$status != 0L) stop(.status_message(res$status), call. = FALSE)
  res
}

# Memory kept by C between evaluations (the N x N matrix), so that a fit
# does not touch fresh pages at every call; freed when garbage collected.
.loglik_workspace <- function() .Call(C_gplvm_workspace_call)

# Threads for the O(N^2 Q) loops in C: option "gplvm.threads" (default 1).
# Results do not depend on it.
.gplvm_threads <- function() {
  n <- getOption("gplvm.threads", 1L)
  if (!is.numeric(n) || length(n) != 1L || !is.finite(n) || n < 1 ||
      n != round(n)) {
    stop("option 'gplvm.threads' must be a positive whole number",
         call. = FALSE)
  }
  as.integer(n)
}

.status_message <- function(status) {
  switch(as.character(status),
    "1" = paste("the covariance matrix is not positive definite, even with",
                "added jitter; try a larger 'noise', a kernel with a white",
                "or bias term, or rescaled data"),
    "2" = paste("the covariance matrix or the log-likelihood is not finite;",
                "rescale the data or the latent positions, or change the",
                "kernel parameters"),
    "3" = "LAPACK reported an illegal argument (please report this bug)",
    sprintf("unknown status %d from the C code", status))
}

.jitter_message <- function(jitter) {
  sprintf(paste("the covariance matrix was not positive definite; added",
                "jitter %.3g to its diagonal"), jitter)
}
