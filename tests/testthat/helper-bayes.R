# Independent plain-R twin of the Bayesian GP-LVM bound.  The
# psi-statistics come from tensor-product Gauss-Hermite quadrature over
# q(x_n) applied to the plain-R kernel matrices, not from the closed forms
# that the C code uses, so cross terms of sums are checked too.

# Nodes and weights of Gauss-Hermite quadrature for N(0, 1), k points
# (Golub-Welsch: eigen-decomposition of the Jacobi matrix).
gh_normal <- function(k) {
  J <- matrix(0, k, k)
  off <- sqrt(seq_len(k - 1))
  J[cbind(1:(k - 1), 2:k)] <- off
  J[cbind(2:k, 1:(k - 1))] <- off
  e <- eigen(J, symmetric = TRUE)
  list(x = e$values, w = e$vectors[1, ]^2)
}

# The kernel without white parts (white acts as noise in the bound).
nonwhite_kernel <- function(kernel) {
  parts <- .kernel_parts(kernel)
  keep <- vapply(parts, `[[`, "", "type") != "white"
  structure(list(type = "sum", parts = parts[keep]), class = "gplvm_kernel")
}

# psi0, Psi1 and Psi2 by quadrature with k nodes per latent dimension (60
# reach the closed forms to 1e-14 for the kernels of psi_kernels()).
psi_quad_r <- function(kernel, X, S, Z, k = 60) {
  kf <- nonwhite_kernel(kernel)
  q <- ncol(X)
  gh <- gh_normal(k)
  grid <- as.matrix(expand.grid(rep(list(seq_len(k)), q)))
  E <- matrix(gh$x[grid], ncol = q)
  w <- apply(matrix(gh$w[grid], ncol = q), 1, prod)
  psi0 <- 0
  Psi1 <- matrix(0, nrow(X), nrow(Z))
  Psi2 <- matrix(0, nrow(Z), nrow(Z))
  for (i in seq_len(nrow(X))) {
    Xs <- sweep(sweep(E, 2, sqrt(S[i, ]), `*`), 2, X[i, ], `+`)
    Kxz <- .kern_matrix_r(kf, Xs, Z)
    # k(x, x) node by node, in blocks to keep the matrices small
    kd <- unlist(lapply(split(seq_len(nrow(Xs)), ceiling(seq_len(nrow(Xs)) /
                                                          50)),
                        function(j) diag(.kern_matrix_r(kf, Xs[j, , drop = FALSE]))))
    psi0 <- psi0 + sum(w * kd)
    Psi1[i, ] <- colSums(w * Kxz)
    Psi2 <- Psi2 + crossprod(Kxz, w * Kxz)
  }
  list(psi0 = psi0, psi1 = Psi1, psi2 = Psi2)
}

# The bound, written from Titsias and Lawrence (2010) with dense solves.
bayes_bound_r <- function(Y, X, S, Z, kernel, noise, jitter = 1e-8, k = 60) {
  parts <- .kernel_parts(kernel)
  white <- vapply(parts, `[[`, "", "type") == "white"
  beta <- 1 / (noise + sum(vapply(parts[white],
                                  function(p) p$params$variance, 0)))
  ps <- psi_quad_r(kernel, X, S, Z, k)
  Kzz <- .kern_matrix_r(nonwhite_kernel(kernel), Z)
  Kzz <- Kzz + diag(jitter * mean(diag(Kzz)), nrow(Z))
  A <- Kzz + beta * ps$psi2
  n <- nrow(Y)
  d <- ncol(Y)
  PY <- crossprod(ps$psi1, Y)
  kl <- sum(X^2 + S - log(S) - 1) / 2
  -n * d / 2 * log(2 * pi) + n * d / 2 * log(beta) -
    d / 2 * determinant(A)$modulus + d / 2 * determinant(Kzz)$modulus -
    beta / 2 * sum(Y^2) + beta^2 / 2 * sum(PY * solve(A, PY)) -
    d * beta / 2 * ps$psi0 + d * beta / 2 * sum(diag(solve(Kzz, ps$psi2))) -
    kl
}

# Kernels with psi-statistics, and their sums, for q latent dimensions.
psi_kernels <- function(q = 2) {
  list(
    rbf = kern_rbf(1.3, 0.8),
    rbf_ard = kern_rbf(1.1, c(0.7, 1.6, 1.2)[seq_len(q)]),
    linear = kern_linear(0.7),
    linear_ard = kern_linear(c(0.5, 1.4, 0.9)[seq_len(q)]),
    rbf_bias = kern_rbf(0.9, c(1.2, 0.6, 1)[seq_len(q)]) + kern_bias(0.4),
    rbf_linear = kern_rbf(1, c(0.9, 1.3, 1)[seq_len(q)]) +
      kern_linear(c(0.3, 0.6, 0.2)[seq_len(q)]),
    two_rbf = kern_rbf(0.8, c(0.6, 1.5, 1)[seq_len(q)]) + kern_rbf(0.5, 2),
    two_linear_bias = kern_linear(0.4) +
      kern_linear(c(0.8, 0.3, 0.5)[seq_len(q)]) + kern_bias(0.3),
    all = kern_rbf(1.2, c(1.1, 0.7, 1)[seq_len(q)]) + kern_linear(0.2) +
      kern_bias(0.5) + kern_bias(0.2) + kern_white(0.05)
  )
}

# Inducing inputs for kernel k: a kernel without an RBF part has rank at
# most q + (number of bias parts), so more inducing inputs than q would make
# k(Z, Z) singular up to the jitter and the bound ill-conditioned.
psi_inducing <- function(k, Z) {
  types <- vapply(.kernel_parts(k), `[[`, "", "type")
  if ("rbf" %in% types) Z else Z[seq_len(ncol(Z)), , drop = FALSE]
}

bayes_data <- function(n = 7, d = 3, q = 2, m = 4) {
  list(Y = matrix(rnorm(n * d), n, d), X = matrix(rnorm(n * q), n, q),
       S = matrix(runif(n * q, 0.05, 0.6), n, q),
       Z = matrix(rnorm(m * q), m, q))
}

# The fit's objective of the Bayesian GP-LVM (R/fit.R): the psi-statistics
# data term, the KL latent term, no noise prior.
bayes_objective <- function(Y, kernel, noise, fixed, q, m,
                            method = "L-BFGS-B", latent = NULL) {
  .gplvm_objective(Y, kernel, noise, fixed, .prior_kl(), q, method = method,
                   latent = latent, data = .data_bayes(m))
}
