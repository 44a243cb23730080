# Plain-R twin of the non-Gaussian bound (src/nongaussian.c), written from
# the formulas with dense matrices, the expectations by integrate()
# (adaptive quadrature, not Gauss-Hermite).

# log p(y | f) of each likelihood (code as .likelihood_codes), r the
# negative binomial's size, s2 the Gaussian's variance.
ng_logp_r <- function(code, y, f, r = 1, s2 = 1) {
  switch(code + 1L,
         stats::dnorm(y, f, sqrt(s2), log = TRUE),
         stats::dbinom(y, 1, stats::plogis(f), log = TRUE),
         stats::pnorm((2 * y - 1) * f, log.p = TRUE),
         stats::dpois(y, exp(f), log = TRUE),
         stats::dnbinom(y, size = r, mu = exp(f), log = TRUE))
}

ng_expect_r <- function(code, y, mu, v, r = 1, s2 = 1) {
  sd <- sqrt(v)
  stats::integrate(function(f) ng_logp_r(code, y, f, r, s2) *
                     stats::dnorm(f, mu, sd), mu - 12 * sd, mu + 12 * sd,
                   rel.tol = 1e-12, subdivisions = 1000L)$value
}

# The bound: sum of E[log p(y_nd | f_nd)] over observed entries minus the
# KL divergences of the whitened q(v_d) = N(mean_d, chol_d chol_d').
ng_bound_r <- function(Y, X, Z, kernel, code, mean, chol, disp, s2 = 1) {
  m <- nrow(Z)
  Kzz <- .kern_matrix_r(kernel, Z)
  Lz <- t(chol(Kzz + diag(1e-8 * mean(diag(Kzz)), m)))
  A <- t(forwardsolve(Lz, t(.kern_matrix_r(kernel, X, Z))))
  kd <- diag(.kern_matrix_r(kernel, X))
  total <- 0
  for (j in seq_len(ncol(Y))) {
    Lj <- chol[, , j]
    mu <- A %*% mean[, j]
    v <- kd - rowSums(A^2) + rowSums((A %*% Lj)^2)
    for (i in seq_len(nrow(Y))) {
      if (!is.na(Y[i, j])) {
        total <- total + ng_expect_r(code, Y[i, j], mu[i], v[i], disp[j], s2)
      }
    }
    total <- total - 0.5 * (sum(Lj^2) + sum(mean[, j]^2) - m -
                              2 * sum(log(abs(diag(Lj)))))
  }
  total
}

# n random points in q dimensions.
ng_points <- function(n, q = 2L) matrix(stats::rnorm(n * q), n)

# A random q(v): means and lower-triangular factors with positive diagonals.
ng_random_qv <- function(m, d) {
  L <- array(0, c(m, m, d))
  for (j in seq_len(d)) {
    A <- matrix(stats::rnorm(m * m, sd = 0.3), m)
    A[upper.tri(A)] <- 0
    diag(A) <- abs(diag(A)) + 0.4
    L[, , j] <- A
  }
  list(mean = matrix(stats::rnorm(m * d), m, d), chol = L)
}

# Data of each likelihood code, n x d.
ng_random_data <- function(code, n, d) {
  matrix(switch(code + 1L, stats::rnorm(n * d),
                stats::rbinom(n * d, 1, 0.4), stats::rbinom(n * d, 1, 0.6),
                stats::rpois(n * d, 3), stats::rnbinom(n * d, 2, mu = 4)),
         n, d)
}

# A known 1-D latent t (n points) and d unimodal response curves
# (ideal points spread over it): binary or Poisson data, with the entries
# (i, i) for i up to `na` missing.
ng_simulate <- function(n, d, likelihood, na = 0L) {
  t <- seq(-2, 2, length.out = n)
  Fm <- outer(t, seq(-2.5, 2.5, length.out = d),
              function(a, b) 3 * exp(-(a - b)^2 / 0.8) - 1.5)
  Y <- if (likelihood == "bernoulli") {
    matrix(stats::rbinom(n * d, 1, stats::plogis(2 * Fm)), n, d)
  } else {
    matrix(stats::rpois(n * d, exp(Fm)), n, d)
  }
  Y[cbind(seq_len(na), seq_len(na))] <- NA
  list(Y = Y, t = t)
}
