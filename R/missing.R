# Missing values in Y.  With NA entries the log-likelihood is a sum over
# columns of each column's marginal likelihood on its observed rows,
#   L = sum_d log N(y[O_d, d] | 0, K[O_d, O_d]),
# so the columns observed on the same rows (one missingness pattern) share
# one covariance: each distinct pattern is one call of the C engine (exact
# or sparse) on its observed rows, X[O, ] and the pattern's columns of Y.
# The value and the hyperparameter gradients are summed over the patterns;
# the latent gradient is added back into the rows it came from.  Without NA
# none of this runs: the callers keep their one-call path.

# Missingness of Y: NULL when nothing is missing, else a list with `mask`
# (TRUE where missing) and `patterns`, one list(rows, cols) per distinct
# set of observed rows (rows: the observed rows; cols: the columns observed
# there), in the order of first appearance.  Stops, naming them, on rows
# with nothing observed and on columns observed fewer than twice.
.missing_patterns <- function(Y, arg = "Y") {
  mask <- is.na(Y)
  if (!any(mask)) return(NULL)
  .check_missing_rows(mask, rownames(Y), arg)
  thin <- which(colSums(!mask) < 2L)
  if (length(thin)) {
    stop(sprintf(paste("'%s' has columns with fewer than two observed",
                       "entries: %s; remove them"), arg,
                 .name_some(colnames(Y), thin)), call. = FALSE)
  }
  key <- apply(mask, 2L, function(m) paste(which(m), collapse = ","))
  groups <- split(seq_len(ncol(Y)), factor(key, levels = unique(key)))
  list(mask = mask,
       patterns = lapply(unname(groups), function(cols) {
         list(rows = which(!mask[, cols[1L]]), cols = cols)
       }))
}

.check_missing_rows <- function(mask, names, arg) {
  empty <- which(rowSums(!mask) == 0L)
  if (length(empty)) {
    stop(sprintf("'%s' has rows with every entry missing: %s; remove them",
                 arg, .name_some(names, empty)), call. = FALSE)
  }
}

# "row names or numbers" of the first few of `which`.
.name_some <- function(names, which) {
  lab <- if (is.null(names)) as.character(which) else names[which]
  if (length(lab) > 10L) {
    lab <- c(lab[1:10], sprintf("... (%d in all)", length(which)))
  }
  paste(lab, collapse = ", ")
}

# More patterns than this make the exact model warn (each is one O(N^3)
# factorisation per evaluation).
.many_patterns <- 10L

# Each pattern with the data its evaluations use: `Y` (its block of Y, or a
# square factor of the block's Gram matrix when it has more columns than
# rows, as .gplvm_objective does for complete data, unless `gram` is
# FALSE) and `ndim` (its number of columns, the D of the formula).
# Complete data (`miss` NULL) are one pattern.
.pattern_data <- function(Y, miss, gram = TRUE) {
  patterns <- miss$patterns %||%
    list(list(rows = seq_len(nrow(Y)), cols = seq_len(ncol(Y))))
  lapply(patterns, function(p) {
    Yp <- Y[p$rows, p$cols, drop = FALSE]
    c(p, list(Y = if (gram && ncol(Yp) > nrow(Yp)) .gram_factor(Yp) else Yp,
              ndim = length(p$cols)))
  })
}

# Warns when the exact model has many patterns to factorise.
.warn_patterns <- function(miss, sparse) {
  np <- length(miss$patterns)
  if (!sparse && np > .many_patterns) {
    warning(sprintf(paste("'Y' has %d distinct patterns of missing entries:",
                          "each evaluation of the exact model factorises an",
                          "N x N covariance once per pattern; the sparse",
                          "model ('inducing') is faster"), np), call. = FALSE)
  }
}

# TRUE when every column is constant on its observed entries.
.no_variation <- function(Y) {
  all(apply(Y, 2L, function(y) {
    y <- y[!is.na(y)]
    all(y == y[1L])
  }))
}

# Iterative PCA (SVD) imputation of a centred matrix with NA entries:
# start the missing entries at 0 (the column means), then repeatedly set
# them to the rank-q reconstruction, until they change by less than `tol`
# relative to the data.  Used to start the latent positions.
.svd_impute <- function(Y, q, maxit = 500L, tol = 1e-8) {
  miss <- is.na(Y)
  Yf <- replace(Y, miss, 0)
  if (!any(miss)) return(Yf)
  size <- sqrt(sum(Yf^2))
  for (it in seq_len(maxit)) {
    s <- svd(Yf, nu = q, nv = q)
    fit <- s$u %*% (s$d[seq_len(q)] * t(s$v))
    change <- sqrt(sum((Yf[miss] - fit[miss])^2))
    Yf[miss] <- fit[miss]
    if (change <= tol * size) break
  }
  Yf
}

# The posterior of a fit with missing data, one group (R/posterior.R) per
# pattern: list(rows, cols, sub, post), post the data term's posterior
# (R/data_term.R) of the pattern's columns on its observed rows `rows`, as
# a posterior object; sub: the columns of k(x, S) it reads, S the fit's
# support (the observed rows of an exact fit, all the inducing inputs
# otherwise).  `missing` is the fit's field (the jitter each pattern
# needed), S the variances of q(X) of a Bayesian fit.
.missing_posterior <- function(Y, X, kernel, noise, missing, Z = NULL,
                               term = .data_exact(), S = NULL) {
  miss <- .missing_patterns(Y)
  lapply(seq_along(miss$patterns), function(i) {
    p <- miss$patterns[[i]]
    rows <- p$rows
    jitter <- if (is.null(Z)) missing$jitter[i] else missing$jitter_z
    post <- .data_posterior(term, Y[rows, p$cols, drop = FALSE],
                            X[rows, , drop = FALSE],
                            if (!is.null(S)) S[rows, , drop = FALSE],
                            Z, kernel, noise, jitter)
    # the fields a fit would hold, for the term's posterior object
    fields <- post
    fields[c("X", "inducing", "kernel")] <- list(X[rows, , drop = FALSE], Z,
                                                 kernel)
    c(p, list(sub = if (is.null(Z)) rows else TRUE,
              post = .data_fit_posterior(term, fields)))
  })
}

# alpha of a fit with missing data: every pattern's columns in place (in
# the rows of its support that it reads).
.missing_alpha <- function(post, nrow, ncol) {
  alpha <- matrix(0, nrow, ncol)
  for (p in post) alpha[p$sub, p$cols] <- p$post$alpha
  alpha
}

# The `missing` field of a fit and its `alpha` (from the term's posterior
# on all rows): with missing values `miss` (missing patterns of Y) each
# column's from its observed rows; a term that skips NA entries itself
# (no patterns) keeps alpha and records the mask.  X, S and Z: the fit's
# latent positions, variances of q(X) and inducing inputs.
.missing_fit <- function(miss, best, term, Y, X, S, Z, alpha) {
  if (!is.null(miss)) {
    missing <- .missing_field(miss, best, !is.null(Z))
    alpha <- .missing_alpha(.missing_posterior(
      Y, X, best$kernel, best$noise, missing, Z, term, S), nrow(alpha),
      ncol(Y))
    return(list(missing = missing, alpha = alpha))
  }
  if (!anyNA(Y)) return(list(missing = NULL, alpha = alpha))
  list(missing = list(mask = is.na(Y), jitter = rep(best$jitter, length(
    .missing_patterns(Y)$patterns)), jitter_z = best$jitter), alpha = alpha)
}

# The `missing` field of a fit: the mask, the jitter each pattern's
# covariance needed (exact), or that of k(Z, Z) (sparse).
.missing_field <- function(miss, best, sparse) {
  if (is.null(miss)) return(NULL)
  list(mask = miss$mask, jitter = best$jitters,
       jitter_z = if (sparse) best$jitter else 0)
}

# The posterior `post` of fit `object` (R/posterior.R), for a fit with
# missing data as class "gplvm_posterior_missing": the mean, the shared
# variance (of all rows: what plot() shades) and the metric stay post's;
# its groups are the patterns, so that each column's variance comes from
# its observed rows.  The patterns' posteriors are built when asked for.
.missing_wrap <- function(post, object) {
  if (is.null(object$missing)) return(post)
  post$fit <- object[c("Y", "X", "X_var", "inducing", "kernel", "noise",
                       "missing")]
  post$term <- .fit_data_term(object)  # R/data_term.R
  class(post) <- c("gplvm_posterior_missing", class(post))
  post
}

.post_groups.gplvm_posterior_missing <- function(post) {
  f <- post$fit
  .missing_posterior(f$Y, f$X, f$kernel, f$noise, f$missing, f$inducing,
                     post$term, f$X_var)
}

# The training data in the model's units with its missing entries set to
# their posterior means.
.completed_Y <- function(object) {
  Y <- object$Y
  na <- is.na(Y)
  if (any(na)) Y[na] <- .post_mean(.posterior(object), object$X)[na]
  Y
}

# For print(): one line on the missing entries, if any.
.cat_missing <- function(x) {
  if (!is.null(x$missing)) {
    cat(sprintf("Missing entries: %d (%.1f%%) in %d patterns\n",
                sum(x$missing$mask), 100 * mean(x$missing$mask),
                length(x$missing$jitter)))
  }
}

# x with its NA entries set to 0 (when it is numeric), for checks of the
# observed entries.
.zero_na <- function(x) if (is.numeric(x)) replace(x, is.na(x), 0) else x

# TRUE when `missing` is a valid field of a fit whose centred data is Y:
# NULL for complete data, else the mask of Y's NA entries and jitters.
.valid_missing <- function(missing, Y) {
  if (is.null(missing)) return(is.numeric(Y) && !anyNA(Y))
  if (!is.list(missing)) return(FALSE)
  m <- missing$mask
  is.logical(m) && is.matrix(m) && is.matrix(Y) &&
    identical(dim(m), dim(Y)) && !anyNA(m) && identical(m, is.na(Y)) &&
    all(rowSums(!m) > 0L) && all(colSums(!m) >= 2L) &&
    is.numeric(missing$jitter) && all(is.finite(missing$jitter)) &&
    all(missing$jitter >= 0) &&
    length(missing$jitter) == length(.missing_patterns(Y)$patterns) &&
    is.numeric(missing$jitter_z) && length(missing$jitter_z) == 1L &&
    is.finite(missing$jitter_z) && missing$jitter_z >= 0
}

#' Impute the missing entries of the data of a GP-LVM
#'
#' For a model fitted by [gplvm()] to data with missing (`NA`) entries,
#' returns the data with each missing entry replaced by its posterior mean
#' given the fitted latent positions, and the predictive standard deviation
#' of each imputed entry, both on the original scale (centring and scaling
#' undone).
#'
#' The posterior of column \eqn{d} at the latent position of row \eqn{n}
#' is that of a GP trained on the rows where column \eqn{d} is observed,
#' \eqn{\mu = k(x_n, X_O) K_{OO}^{-1} y_{O,d}}{mu = k(x_n, X_O) K_OO^-1
#' y[O, d]}, and its predictive variance is
#' \eqn{k(x_n, x_n) - k(x_n, X_O) K_{OO}^{-1} k(X_O, x_n) + \sigma^2}{k(x_n,
#' x_n) - k(x_n, X_O) K_OO^-1 k(X_O, x_n) + noise} (for a sparse fit, the
#' sparse posterior of the same rows).  The means are the entries of
#' `fitted(object)` at the missing positions.
#'
#' @param object A fitted model from [gplvm()].
#' @return A list with `Y` (the data on the original scale, missing entries
#'   imputed), `sd` (a matrix of the same shape: the predictive standard
#'   deviation of each imputed entry, 0 for observed entries) and `missing`
#'   (a logical matrix, `TRUE` where the data were missing).  For a fit
#'   without missing entries `Y` is the data and `sd` is 0.
#' @seealso [gplvm()], [fitted.gplvm()], [predict.gplvm()].
#' @examples
#' set.seed(1)
#' Y <- as.matrix(iris[1:60, 1:4])
#' holes <- sample(length(Y), 20)
#' truth <- Y[holes]
#' Y[holes] <- NA
#' fit <- gplvm(Y, q = 2)
#' fit$optim$convergence   # 0: converged
#' imp <- gplvm_impute(fit)
#' cbind(truth = truth, imputed = imp$Y[holes], sd = imp$sd[holes])
#' @export
gplvm_impute <- function(object) {
  .check_gplvm(object)
  if (inherits(object, "ngplvm")) {  # R/nongaussian_methods.R
    stop(paste("'object' has a non-Gaussian likelihood: fitted(object) gives",
               "the mean of every entry on the data's scale, missing ones",
               "included"), call. = FALSE)
  }
  mask <- is.na(object$Y)
  Y <- .unscale(object, .completed_Y(object))
  sd <- matrix(0, nrow(Y), ncol(Y), dimnames = dimnames(Y))
  scale <- if (is.null(object$scale)) rep(1, ncol(Y)) else object$scale
  # each pattern's posterior at the rows where its columns are missing
  for (g in .post_groups(.posterior(object))) {  # R/posterior.R
    rows <- which(mask[, g$cols[1L]])
    if (length(rows)) {
      v <- .post_variance(g$post, object$X[rows, , drop = FALSE])
      sd[rows, g$cols] <- sqrt(outer(pmax(v, 0), scale[g$cols]^2) +
                                 rep(object$noise * scale[g$cols]^2,
                                     each = length(rows)))
    }
  }
  dimnames(mask) <- dimnames(Y)
  list(Y = Y, sd = sd, missing = mask)
}
