# Data for the GP dynamics tests (and bench/dynamics.R): a closed 2-D curve
# traversed about n / per times at a step that does not repeat (so the
# loops do not fall on the same points), mapped non-linearly into d
# dimensions, with Gaussian noise of standard deviation sd.  Returns the
# data Y, the noiseless F and the curve z.
loop_data <- function(n = 90, per = 25.3, d = 20, sd = 0.2) {
  s <- 2 * pi * (seq_len(n) - 1) / per
  z <- cbind(cos(s) + 0.3 * cos(2 * s), sin(s))
  W <- matrix(stats::rnorm(2 * d), 2, d)
  b <- stats::runif(d, 0, 2 * pi)
  F <- sin(z %*% W + rep(b, each = n))
  list(Y = F + matrix(stats::rnorm(n * d, sd = sd), n, d), F = F, z = z)
}

# Sum of squared successive differences of a path relative to its total
# variance (about 0 for a smooth path, 2 for independent points).
path_roughness <- function(X) {
  sum(diff(X)^2) / sum(sweep(X, 2L, colMeans(X))^2)
}

# Plain-R log density of the GPDM prior of ?gplvm (rows grouped by seq, in
# time order) with the log-normal prior N(0, 4) on the free log parameters
# eta, from the kernel oracle.
gpdm_logp_r <- function(X, kernel, seq, eta) {
  rows <- split(seq_len(nrow(X)), seq)
  from <- unlist(lapply(rows, function(r) r[-length(r)]))
  to <- unlist(lapply(rows, function(r) r[-1L]))
  first <- X[vapply(rows, `[`, 1L, 1L), , drop = FALSE]
  K <- .kern_matrix_r(kernel, X[from, , drop = FALSE])
  Xo <- X[to, , drop = FALSE]
  sum(vapply(seq_len(ncol(X)), function(j) {
    -nrow(K) / 2 * log(2 * pi) - 0.5 * c(determinant(K)$modulus) -
      0.5 * sum(Xo[, j] * solve(K, Xo[, j]))
  }, 0)) + sum(stats::dnorm(first, log = TRUE)) +
    sum(stats::dnorm(eta, sd = 2, log = TRUE))
}
