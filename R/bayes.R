# The Bayesian GP-LVM (Titsias and Lawrence 2010): latent positions are
# distributions q(x_n) = N(mu_n, diag S_n), integrated out of a variational
# lower bound computed in C from the psi-statistics of the kernel (formulas
# in src/bayes.c and src/psi.c).

# Kernel parts with closed-form psi-statistics.
.psi_types <- c("rbf", "linear", "bias", "white")

# The Bayesian model needs psi-statistics for every part, and a part other
# than white (white acts as noise, as in the sparse model).
.check_psi_kernel <- function(kernel, q) {
  parts <- .check_sparse_kernel(kernel, q)
  types <- vapply(parts, `[[`, "", "type")
  bad <- setdiff(types, .psi_types)
  if (length(bad)) {
    stop(sprintf(paste("'kernel' has a %s part, which has no closed-form",
                       "psi-statistics; the Bayesian GP-LVM ('X_var',",
                       "'bayesian = TRUE') takes sums of kern_rbf(),",
                       "kern_linear(), kern_bias() and kern_white()"),
                 .kernel_labels[[bad[1L]]]), call. = FALSE)
  }
  parts
}

# Checks X_var against the shape of X: positive and finite.
.check_x_var <- function(X_var, X) {
  S <- .as_numeric_matrix(X_var, "X_var")
  if (!identical(dim(S), dim(X))) {
    stop(sprintf("'X_var' must be a %d x %d matrix, like 'X', not %d x %d",
                 nrow(X), ncol(X), nrow(S), ncol(S)), call. = FALSE)
  }
  if (any(S <= 0)) {
    stop("'X_var' must be positive: variances of q(X)", call. = FALSE)
  }
  S
}

# One evaluation of the bound in C; callers have checked.  Returns the raw
# list (bound, X, X_var, inducing, kernel, noise, jitter, retries) or stops.
.loglik_bayes_c <- function(Y, X, S, Z, kernel, noise, gradient,
                            ndim = ncol(Y)) {
  spec <- .kernel_spec(kernel, ncol(X))
  res <- .Call(C_gplvm_bayes_call, Y, X, S, Z, spec$type, spec$npar,
               spec$par, noise, as.double(ndim), gradient, .gplvm_threads())
  if (res$status == 1L) {
    stop("the covariance of the inducing inputs, or the matrix of the ",
         "bound, is not positive definite even with added jitter; move ",
         "the inducing inputs apart or change the kernel parameters",
         call. = FALSE)
  }
  if (res$status != 0L) stop(.status_message(res$status), call. = FALSE)
  res
}

# psi-statistics of `kernel` (white parts removed) in C: list(psi0, psi1,
# psi2).
.psi_stats <- function(kernel, X, S, Z) {
  spec <- .kernel_spec(.split_white(kernel, 1)$kernel, ncol(X))
  .Call(C_gplvm_psi_call, X, S, Z, spec$type, spec$npar, spec$par,
        .gplvm_threads())
}

# gplvm_loglik() with X_var: checks and the bound with its gradient
# attribute.
.gplvm_loglik_bayes <- function(Y, X, kernel, noise, gradient, inducing,
                                approx, X_var) {
  if (is.null(inducing)) {
    stop("'inducing' must be given with 'X_var': the Bayesian GP-LVM ",
         "bound needs inducing inputs", call. = FALSE)
  }
  S <- .check_x_var(X_var, X)
  Z <- .check_inducing(inducing, ncol(X))
  if (.check_approx(approx) != "vfe") {
    stop("'approx' must be \"vfe\" with 'X_var': the Bayesian bound is ",
         "variational", call. = FALSE)
  }
  .check_psi_kernel(kernel, ncol(X))
  res <- .loglik_bayes_c(Y, X, S, Z, kernel, noise, gradient)
  .warn_inducing_jitter(res)
  out <- res$bound
  if (gradient) {
    named <- function(g, like) {
      dimnames(g) <- dimnames(like)
      g
    }
    attr(out, "gradient") <- list(
      X = named(res$X, X),
      kernel = stats::setNames(res$kernel, names(kern_params(kernel))),
      noise = res$noise, inducing = named(res$inducing, Z),
      X_var = named(res$X_var, S))
  }
  out
}
