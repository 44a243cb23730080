# Plain-R twin of the uncollapsed minibatch bound (R/minibatch.R), written
# entry by entry from Hensman, Fusi and Lawrence (2013) in the inducing
# variables u themselves (not whitened): q(u_d) = N(mu_d, S_d) with
# mu_d = R' Sv_d eta_d and S_d = R' Sv_d R for the whitened natural
# parameters (Lambda_d = Sv_d^-1, eta) that the package stores, Kzz = R'R.
# Lambda is one matrix for every column, or a list indexed by `pattern`
# (each column's entry); NA entries of Y are left out of the sum.
minibatch_bound_r <- function(Y, X, Z, kernel, noise, Lambda, eta,
                              scale = 1, pattern = NULL) {
  m <- nrow(Z)
  d <- ncol(Y)
  if (!is.list(Lambda)) {
    Lambda <- list(Lambda)
    pattern <- rep(1L, d)
  }
  Kzz <- .kern_matrix_r(kernel, Z)
  Kzz <- Kzz + diag(1e-8 * mean(diag(Kzz)), m)
  R <- chol(Kzz)
  Kxz <- .kern_matrix_r(kernel, X, Z)
  kd <- diag(.kern_matrix_r(kernel, X))
  logdet <- function(A) c(determinant(A)$modulus)
  data <- 0
  kl <- 0
  for (j in seq_len(d)) {
    Sv <- solve(Lambda[[pattern[j]]])
    mu <- t(R) %*% Sv %*% eta[, j]
    S <- t(R) %*% Sv %*% R
    for (i in which(!is.na(Y[, j]))) {
      a <- solve(Kzz, Kxz[i, ])
      data <- data + stats::dnorm(Y[i, j], sum(a * mu), sqrt(noise),
                                  log = TRUE) -
        drop(t(a) %*% S %*% a) / (2 * noise) -
        (kd[i] - sum(Kxz[i, ] * a)) / (2 * noise)
    }
    kl <- kl + (sum(diag(solve(Kzz, S))) + drop(t(mu) %*% solve(Kzz, mu)) -
                  m + logdet(Kzz) - logdet(S)) / 2
  }
  scale * data - kl
}

# A 1-D curve embedded non-linearly in 10 dimensions, with noise; t is the
# position along it.
make_curve10 <- function(n, noise = 0.05) {
  t <- sort(stats::runif(n, 0, 3 * pi))
  W <- matrix(stats::rnorm(40), 4, 10)
  Y <- cbind(sin(t), cos(t), sin(2 * t), t / 3) %*% W +
    matrix(stats::rnorm(n * 10, sd = noise), n, 10)
  list(Y = Y, t = t)
}
