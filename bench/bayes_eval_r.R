# Vectorised plain-R Bayesian GP-LVM bound and full gradient for the
# default kernel (RBF with ARD plus bias), written the way array-language
# implementations compute it (GPy's numpy psi-statistics): the pairwise
# Psi2 terms of every point as one N x M^2 matrix built by matrix products,
# then elementwise exp.  Used by bench/bayes_eval.R as the baseline.
#
# par: list(v = RBF variance, l = Q lengthscales, vb = bias variance,
# noise).  Returns list(bound, mu, S, Z, v, l, vb, noise) (gradient on the
# natural scale).
bayes_bound_vec <- function(Y, mu, S, Z, par, jitter = 1e-8) {
  N <- nrow(Y); D <- ncol(Y); M <- nrow(Z); Q <- ncol(Z)
  v <- par$v; l <- par$l; vb <- par$vb; beta <- 1 / par$noise
  l2 <- matrix(l^2, N, Q, byrow = TRUE)
  jj <- rep(seq_len(M), M); ll <- rep(seq_len(M), each = M)
  # Psi1 (RBF part)
  den1 <- l2 + S
  u2 <- (mu^2 / den1) %*% matrix(1, Q, M) - 2 * (mu / den1) %*% t(Z) +
    (1 / den1) %*% t(Z^2)
  c1 <- v * exp(-0.5 * rowSums(log1p(S / l2)))
  P1r <- c1 * exp(-0.5 * u2)
  # Psi2 (RBF part), one row per point: N x M^2
  den2 <- 1 / (l2 + 2 * S)
  Zh <- (Z[jj, ] + Z[ll, ]) / 2
  e1 <- -colSums(t((Z[jj, ] - Z[ll, ])^2) / l^2) / 4
  e2 <- -rowSums(mu^2 * den2) + 2 * (mu * den2) %*% t(Zh) - den2 %*% t(Zh^2)
  P2n <- v^2 * exp(-0.5 * rowSums(log1p(2 * S / l2)) +
                     sweep(e2, 2, e1, `+`))
  s1 <- colSums(P1r)
  Psi1 <- P1r + vb
  Psi2 <- matrix(colSums(P2n), M) + vb * outer(s1, s1, `+`) + N * vb^2
  psi0 <- N * (v + vb)
  # the bound
  dz <- outer(Z[, 1], Z[, 1], `-`)^2 / l[1]^2
  for (q in seq_len(Q)[-1]) dz <- dz + outer(Z[, q], Z[, q], `-`)^2 / l[q]^2
  Kzz <- v * exp(-dz / 2) + vb
  Kzz <- Kzz + diag(jitter * mean(diag(Kzz)), M)
  Kinv <- chol2inv(chol(Kzz))
  A <- Kzz + beta * Psi2
  Ainv <- chol2inv(chol(A))
  PY <- crossprod(Psi1, Y)
  E <- Ainv %*% PY
  kl <- sum(mu^2 + S - log(S) - 1) / 2
  bound <- -N * D / 2 * log(2 * pi) + N * D / 2 * log(beta) -
    D / 2 * determinant(A)$modulus + D / 2 * determinant(Kzz)$modulus -
    beta / 2 * sum(Y^2) + beta^2 / 2 * sum(PY * E) - D * beta / 2 * psi0 +
    D * beta / 2 * sum(Kinv * Psi2) - kl
  # derivatives with respect to the statistics and Kzz
  EE <- tcrossprod(E)
  W1 <- beta^2 * Y %*% t(E)
  W2 <- -D * beta / 2 * Ainv - beta^3 / 2 * EE + D * beta / 2 * Kinv
  WK <- D / 2 * Kinv - D / 2 * Ainv - beta^2 / 2 * EE -
    D * beta / 2 * Kinv %*% Psi2 %*% Kinv
  g0 <- -D * beta / 2
  gbeta <- N * D / (2 * beta) - D / 2 * sum(Ainv * Psi2) - sum(Y^2) / 2 +
    beta * sum(PY * E) - beta^2 / 2 * sum(EE * Psi2) - D * psi0 / 2 +
    D / 2 * sum(Kinv * Psi2)
  w2 <- rowSums(W2)
  # Psi2 RBF part
  G <- sweep(P2n, 2, c(W2), `*`)
  r <- rowSums(G)
  GZh <- G %*% Zh
  GZh2 <- G %*% Zh^2
  sq <- mu^2 * r - 2 * mu * GZh + GZh2          # sum G (mu - zbar)^2
  gmu <- -2 * den2 * (mu * r - GZh)
  gS <- -den2 * r + 2 * den2^2 * sq
  gl <- colSums(2 * S * den2 * r) / l + 2 * l * colSums(den2^2 * sq)
  Gs <- colSums(G)
  Dz <- (Z[jj, ] - Z[ll, ])
  gl <- gl + colSums(Gs * Dz^2) / (2 * l^3)
  GtM <- crossprod(G, mu * den2)                 # M^2 x Q
  Gtd <- crossprod(G, den2)
  gZ2 <- -Gs * sweep(Dz, 2, l^2, `/`) + 2 * (GtM - Zh * Gtd)
  gZ <- rowsum(gZ2, jj, reorder = TRUE)
  gv <- 2 * sum(W2 * matrix(colSums(P2n), M)) / v
  # Psi1 RBF part, with the bias cross term's weight
  G1 <- (W1 + 2 * vb * matrix(w2, N, M, byrow = TRUE)) * P1r
  r1 <- rowSums(G1)
  G1Z <- G1 %*% Z
  G1Z2 <- G1 %*% Z^2
  gmu <- gmu - (mu * r1 - G1Z) / den1
  s2u <- mu^2 * r1 - 2 * mu * G1Z + G1Z2
  gS <- gS - r1 / (2 * den1) + s2u / (2 * den1^2)
  gl <- gl + colSums(S * r1 / den1) / l + l * colSums(s2u / den1^2)
  gZ <- gZ + crossprod(G1, mu / den1) - Z * crossprod(G1, 1 / den1)
  gv <- gv + sum(G1) / v + g0 * N
  gvb <- sum(W1) + 2 * sum(w2 * s1) + 2 * N * vb * sum(W2) + g0 * N
  # Kzz
  WK <- (WK + t(WK)) / 2
  diag(WK) <- diag(WK) + jitter * sum(diag(WK)) / M
  Krbf <- v * exp(-dz / 2)
  WKr <- WK * Krbf
  gv <- gv + sum(WKr) / v
  gvb <- gvb + sum(WK)
  for (q in seq_len(Q)) {
    dq <- outer(Z[, q], Z[, q], `-`)
    gZ[, q] <- gZ[, q] - 2 * rowSums(WKr * dq) / l[q]^2
    gl[q] <- gl[q] + sum(WKr * dq^2) / l[q]^3
  }
  list(bound = bound, mu = gmu - mu, S = gS - (1 - 1 / S) / 2, Z = gZ,
       v = gv, l = gl, vb = gvb, noise = -beta^2 * gbeta)
}
