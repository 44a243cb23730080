# Plain-R references for data with missing entries, written column by
# column from the definition: each column's Gaussian log density on its
# observed rows, with no grouping into patterns.

# Exact model: sum_d log N(y[O_d, d] | 0, K[O_d, O_d]).
loglik_by_column <- function(Y, X, kernel, noise) {
  total <- 0
  for (j in seq_len(ncol(Y))) {
    o <- !is.na(Y[, j])
    K <- .kern_matrix_r(kernel, X[o, , drop = FALSE]) + diag(noise, sum(o))
    y <- Y[o, j]
    total <- total - sum(o) / 2 * log(2 * pi) -
      determinant(K)$modulus[[1]] / 2 - sum(y * solve(K, y)) / 2
  }
  total
}

# Sparse model: the dense sparse twin on each column's observed rows.
sparse_by_column <- function(Y, X, Z, kernel, noise, approx) {
  sum(vapply(seq_len(ncol(Y)), function(j) {
    o <- !is.na(Y[, j])
    .loglik_sparse_r(Y[o, j, drop = FALSE], X[o, , drop = FALSE], Z, kernel,
                     noise, approx)
  }, 0))
}

# Posterior mean, sd of the latent function (sd_f) and predictive sd
# (noise included) of column j at latent points Xs from its observed rows,
# for an exact fit, in model units.
posterior_by_column <- function(fit, j, Xs) {
  o <- !is.na(fit$Y[, j])
  Xo <- fit$X[o, , drop = FALSE]
  K <- .kern_matrix_r(fit$kernel, Xo) + diag(fit$noise, sum(o))
  Ks <- .kern_matrix_r(fit$kernel, Xs, Xo)
  kss <- diag(.kern_matrix_r(fit$kernel, Xs))
  list(mean = drop(Ks %*% solve(K, fit$Y[o, j])),
       sd_f = sqrt(kss - rowSums(Ks * t(solve(K, t(Ks))))),
       sd = sqrt(kss - rowSums(Ks * t(solve(K, t(Ks)))) + fit$noise))
}

# Latent points X (n x 2), inducing inputs Z (4 x 2) and n x 4 data with
# the entries of each mask of missing_masks() removed (list Ys).
missing_test_data <- function(n) {
  X <- matrix(rnorm(n * 2), n, 2)
  Z <- matrix(rnorm(8), 4, 2)
  Y0 <- matrix(rnorm(n * 4), n, 4)
  list(X = X, Z = Z,
       Ys = lapply(missing_masks(n, 4), function(m) replace(Y0, m, NA)))
}

# Missingness masks for the tests of an n x d matrix: one entry, a block,
# random entries, a staircase (every column a different pattern).
missing_masks <- function(n, d) {
  one <- matrix(FALSE, n, d)
  one[3, 2] <- TRUE
  block <- matrix(FALSE, n, d)
  block[1:4, 1:2] <- TRUE
  random <- matrix(stats::runif(n * d) < 0.25, n, d)
  random[cbind(seq_len(n), 1 + seq_len(n) %% d)] <- FALSE  # no empty row
  random[1:2, ] <- FALSE                    # every column observed twice
  stair <- outer(seq_len(n), seq_len(d), function(i, j) i < j)
  list(one = one, block = block, random = random, stair = stair)
}
