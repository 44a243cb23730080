# The posterior of a fitted model, as predict(), plot(), the magnification
# factors and imputation use it: a classed object made by the fit's data
# term (.data_fit_posterior in R/data_term.R) from the fit's fields, with
# methods for the mean, the variance and the factor behind both, so that
# none of its users works out the model kind again.
#
#   support   the inputs it is expressed on (the latent positions of an
#             exact fit; the inducing inputs otherwise), S;
#   alpha     mean at x*: k(x*, S) alpha;
#   factor    "chol": the upper Cholesky factor R of the covariance C of
#             the training inputs (C = R'R); "projected": Cfac with
#             Cfac Cfac' = Kzz^-1 - B^-1 (see .sparse_posterior());
#   kernel    the kernel.
# The latent function's variance at x is k(x, x) - k(x, S) C^-1 k(S, x).
#
# Methods (what every posterior class provides, so that a new data term
# needs none of its callers changed):
#   .post_mean(post, Xs)            the mean at latent points Xs, n* x D;
#   .post_variance(post, Xs)        the latent function's variance, one
#                                   per point (shared by the columns);
#   .post_column_variance(post, Xs) the same per column, n* x D (columns
#                                   differ when the data had missing
#                                   entries);
#   .post_groups(post)              the columns that share a variance, each
#                                   with the posterior that gives it;
#   .post_metric(post, Xs)          E[J] and G of the magnification factor;
#   .post_explained, .post_times_inverse, .post_factor   k(x, S) C^-1 k(S,
#                                   x), Ks C^-1 and F with C^-1 = F F', from
#                                   the factor (the two classes below).
# A fit with missing values wraps its posterior in class
# "gplvm_posterior_missing" (R/missing.R), which overrides .post_groups.

.new_posterior <- function(type, support, alpha, factor, kernel) {
  structure(list(support = support, alpha = alpha, factor = factor,
                 kernel = kernel),
            class = c(paste0("gplvm_posterior_", type), "gplvm_posterior"))
}

# The posterior of fit `object`: the data term's, wrapped for missing
# values (R/missing.R) when the data had any.
.posterior <- function(object) {
  post <- .data_fit_posterior(.fit_data_term(object), object)  # R/data_term.R
  .missing_wrap(post, object)  # R/missing.R
}

# k(x, S) C^-1 k(S, x) for each row of Ks = k(Xs, S), as a sum of squares.
.post_explained <- function(post, Ks) UseMethod(".post_explained")
.post_explained.gplvm_posterior_chol <- function(post, Ks) {
  colSums(backsolve(post$factor, t(Ks), transpose = TRUE)^2)
}
.post_explained.gplvm_posterior_projected <- function(post, Ks) {
  rowSums((Ks %*% post$factor)^2)
}

# Ks C^-1, from the factor: no inverse of C.
.post_times_inverse <- function(post, Ks) UseMethod(".post_times_inverse")
.post_times_inverse.gplvm_posterior_chol <- function(post, Ks) {
  R <- post$factor
  t(backsolve(R, backsolve(R, t(Ks), transpose = TRUE)))
}
.post_times_inverse.gplvm_posterior_projected <- function(post, Ks) {
  tcrossprod(Ks %*% post$factor, post$factor)
}

# F with C^-1 = F F' (R^-1, or Cfac), for the metric in C.
.post_factor <- function(post) UseMethod(".post_factor")
.post_factor.gplvm_posterior_chol <- function(post) {
  backsolve(post$factor, diag(nrow(post$support)))
}
.post_factor.gplvm_posterior_projected <- function(post) post$factor

# The mean at latent points Xs (model units).
.post_mean <- function(post, Xs) {
  kern_matrix(post$kernel, Xs, post$support) %*% post$alpha
}

# The latent function's variance at Xs (noise excluded, model units).
.post_variance <- function(post, Xs) {
  Ks <- kern_matrix(post$kernel, Xs, post$support)
  .kern_diag(post$kernel, Xs) - .post_explained(post, Ks)
}

# The columns sharing one variance: a list of list(cols, sub, post), post
# the posterior that gives their variance, sub the columns of k(x, S) (S
# this posterior's support) that it reads (TRUE: all).  One group of every
# column here; one per missingness pattern for missing data (R/missing.R).
.post_groups <- function(post) UseMethod(".post_groups")
.post_groups.gplvm_posterior <- function(post) {
  list(list(cols = seq_len(ncol(post$alpha)), sub = TRUE, post = post))
}

# The variance at Xs of each column (noise excluded, model units), n* x D.
.post_column_variance <- function(post, Xs) {
  V <- matrix(0, nrow(Xs), ncol(post$alpha))
  for (g in .post_groups(post)) V[, g$cols] <- .post_variance(g$post, Xs)
  V
}

# E[J] (D x q x m) and G = E[J]'E[J] + D Cov[J] (q x q x m) at the rows of
# Xs (R/magnification.R), computed in C (src/magnification.c).
.post_metric <- function(post, Xs) {
  S <- post$support
  spec <- .kernel_spec(post$kernel, ncol(S))
  storage.mode(Xs) <- "double"
  .Call(C_gplvm_metric_call, Xs, S, post$alpha, .post_factor(post),
        spec$type, spec$npar, spec$par, as.double(ncol(post$alpha)))
}
