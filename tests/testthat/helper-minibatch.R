# Plain-R twin of the uncollapsed minibatch bound (R/minibatch.R), written
# entry by entry from Hensman, Fusi and Lawrence (2013) in the inducing
# variables u themselves (not whitened): q(u_d) = N(mu_d, S_d) of
# qu_plain() for the whitened natural parameters (Lambda_d, eta_d) that
# the package stores.  Lambda is one matrix for every column, or a list
# indexed by `pattern` (each column's entry); NA entries of Y are left out
# of the sum.
minibatch_bound_r <- function(Y, X, Z, kernel, noise, Lambda, eta,
                              scale = 1, pattern = NULL) {
  d <- ncol(Y)
  if (!is.list(Lambda)) {
    Lambda <- list(Lambda)
    pattern <- rep(1L, d)
  }
  Kxz <- .kern_matrix_r(kernel, X, Z)
  kd <- diag(.kern_matrix_r(kernel, X))
  data <- 0
  kl <- 0
  for (j in seq_len(d)) {
    qu <- qu_plain(kernel, Z, Lambda[[pattern[j]]], eta[, j, drop = FALSE])
    for (i in which(!is.na(Y[, j]))) {
      a <- solve(qu$Kzz, Kxz[i, ])
      data <- data + stats::dnorm(Y[i, j], sum(a * qu$mu), sqrt(noise),
                                  log = TRUE) -
        drop(t(a) %*% qu$S %*% a) / (2 * noise) -
        (kd[i] - sum(Kxz[i, ] * a)) / (2 * noise)
    }
    kl <- kl + kl_qu_r(qu)
  }
  scale * data - kl
}

# q(u_d) = N(mu_d, S), with mu = R' Sv eta and S = R' Sv R, for the
# whitened natural parameters (Lambda = Sv^-1, eta) that the package
# stores, Kzz = R'R with the package's jitter; and Kzz.
qu_plain <- function(kernel, Z, Lambda, eta) {
  Kzz <- .kern_matrix_r(kernel, Z)
  Kzz <- Kzz + diag(1e-8 * mean(diag(Kzz)), nrow(Z))
  R <- chol(Kzz)
  Sv <- solve(Lambda)
  list(Kzz = Kzz, mu = t(R) %*% Sv %*% eta, S = t(R) %*% Sv %*% R)
}

# sum_d KL(q(u_d) || N(0, Kzz)) for qu from qu_plain().
kl_qu_r <- function(qu) {
  logdet <- function(A) c(determinant(A)$modulus)
  kl <- 0
  for (j in seq_len(ncol(qu$mu))) {
    kl <- kl + (sum(diag(solve(qu$Kzz, qu$S))) +
                  drop(t(qu$mu[, j]) %*% solve(qu$Kzz, qu$mu[, j])) -
                  nrow(qu$Kzz) + logdet(qu$Kzz) - logdet(qu$S)) / 2
  }
  kl
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

# A fit that says it has converged is converged (issue 23): its code is 0
# and a fresh full-batch fit from its end, gplvm(Y, init = fit) with the
# same `reltol` (the fit's, which must be the one given: Y the data as
# given to the fit), raises the objective by at most 10 x reltol
# relative.  Returns that fit.
expect_honest_convergence <- function(fit, Y, reltol) {
  expect_identical(fit$optim$convergence, 0L)
  expect_identical(fit$optim$reltol, reltol)
  again <- gplvm(Y, init = fit, reltol = reltol)
  expect_lte(again$objective - fit$objective,
             10 * reltol * (abs(fit$objective) + 10 * reltol))
  invisible(again)
}
