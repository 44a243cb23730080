# Stochastic variational inference for the Bayesian GP-LVM (Hensman, Fusi
# and Lawrence 2013): the uncollapsed bound of R/minibatch.R with the
# latent positions integrated out under q(x_n) = N(mu_n, diag S_n), so
# that the rows enter through the psi-statistics of src/psi.c.  A batch's
# rows are taken by the Bayesian engine's per-row steps (src/bayes.c: the
# rows' sums, then the rows' gradient given the weights); the M x M step
# between them, which the collapsed bound takes in C, is the uncollapsed
# bound's here.

#' @section Minibatch training of the Bayesian GP-LVM:
#' With `bayesian = TRUE` and `batch_size`, the bound is the uncollapsed
#' one of "Minibatch training" with each latent position integrated out
#' under its \eqn{q(x_n) = N(\mu_n, \mathrm{diag}\, S_n)}{q(x_n) = N(mu_n,
#' diag S_n)} (stochastic variational inference, Hensman, Fusi and
#' Lawrence, 2013).  In whitened form (\eqn{K_{zz} = R^\top R}{Kzz = R'R},
#' \eqn{u_d = R^\top v_d}{u_d = R' v_d}, \eqn{q(v_d) = N(m_d, S)}{q(v_d) =
#' N(m_d, S)}, \eqn{C = M M^\top + D S}{C = M M' + D S} with \eqn{M}
#' the \eqn{m_d} side by side, \eqn{P_n = R^{-\top} \Psi_{2,n}
#' R^{-1}}{P_n = R^-T Psi2_n R^-1}) and with the psi-statistics
#' \eqn{\psi_{0,n}, \Psi_{1,n}, \Psi_{2,n}}{psi0_n, Psi1_n, Psi2_n} of
#' row \eqn{n} under \eqn{q(x_n)}{q(x_n)}:
#' \deqn{F = \sum_n \left[-\frac{D}{2}\log(2\pi\sigma^2) - \frac{y_n^\top y_n - 2\, \Psi_{1,n} R^{-1} M y_n + \mathrm{tr}(P_n C)}{2\sigma^2} - \frac{D\,(\psi_{0,n} - \mathrm{tr}\, P_n)}{2\sigma^2} - \mathrm{KL}(q(x_n) \,\|\, N(0, I))\right] - \sum_d \mathrm{KL}(q(v_d) \,\|\, N(0, I)).}{F = sum_n [-D/2 log(2 pi s2) - (y_n'y_n - 2 Psi1_n R^-1 M y_n + tr(P_n C)) / (2 s2) - D (psi0_n - tr P_n) / (2 s2) - KL(q(x_n) || N(0, I))] - sum_d KL(q(v_d) || N(0, I)).}
#' Its maximum over \eqn{q(v)} is the collapsed Bayesian bound of
#' [gplvm_loglik()] with `X_var`.  A batch's sum, scaled by
#' \eqn{N/B}{N/B}, is an unbiased estimate of \eqn{F}.  Each batch makes
#' the steps of "Minibatch training", with \eqn{q(v)} by the natural
#' gradient step, and the means and the logarithms of the variances of
#' the batch's \eqn{q(x_n)}{q(x_n)} by Adam with step size 0.05, each row
#' with its own moments and step count (their gradient is that of
#' \eqn{F} itself: a row enters \eqn{F} once).  With a back-constraint
#' the means are the map's, whose weights take the steps; the log
#' variances stay free per row.  The KL term of \eqn{q(X)} is part of the
#' bound, and `noise_prior` enters as in the full-batch fit.  The fit is
#' a Bayesian fit (class `"bgplvm"`, with `X_var`), whose `loglik` is the
#' collapsed bound at the end; it is not pruned (see [gplvm-models]).
#' @rdname gplvm-scaling
#' @name gplvm-scaling
NULL

# The uncollapsed Bayesian bound on the rows Yb (B x D) with q(x_n) =
# N(Xb[n, ], diag Sb[n, ]), scaled by `scale` (N / B for a minibatch), in
# whitened form: Kzz = R'R (R upper, with the jitter of .kzz_factor()),
# u_d = R' v_d, q(v_d) = N(mv[, d], Sv), C = mv mv' + D Sv and, from the
# batch's sums of the psi-statistics, P2 = R^-T Psi2 R^-1 and
# PYw = R^-T Psi1'Yb:
#   F = scale * [-B D/2 log(2 pi s2) - (yy - 2 tr(mv' PYw) + tr(P2 C)) /
#       (2 s2) - D (psi0 - tr P2) / (2 s2) - KL(q(X_b) || N(0, I))]
#       - sum_d KL(N(mv_d, Sv) || N(0, I)),
# the bound of .minibatch_bound() averaged over q(x_n).  q(v) comes as
# its natural parameters (Lambda = Sv^-1, eta = Sv^-1 mv).  With gradient:
# dF/dXb, dF/dSb (the variances, natural scale), dF/dZ, dF/dtheta
# (natural scale), dF/ds2; and the batch's optimum of q(v), the target of
# the natural gradient step: Lambda_hat = I + scale/s2 P2, eta_hat =
# scale/s2 PYw.  The rows' sums and the rows' gradient are the Bayesian
# engine's per-row steps in C, given the weights of this bound (before the
# scale): dF/dpsi0 = -D/(2 s2), dF/dPsi1 = Yb mv' R^-T / s2 (the engine's
# beta^2 Y E' L^-1 with beta = 1, E = mv / s2, L = R') and dF/dPsi2 =
# R^-1 (D (I - Sv) - mv mv') R^-T / (2 s2); the share through Kzz goes
# back through the Cholesky factor (.chol_backward()).  Time
# O(B M^2 q + B M D + M^3), memory O(B M + M^2 + M D).
.minibatch_bayes_bound <- function(Yb, Xb, Sb, Z, kernel, noise, Lambda,
                                   eta, scale = 1, gradient = TRUE) {
  spec <- .kernel_spec(kernel, ncol(Xb))
  b <- nrow(Yb)
  d <- ncol(Yb)
  m <- nrow(Z)
  s2 <- noise
  kz <- .kzz_factor(spec, Z)  # R/minibatch.R
  st <- .Call(C_gplvm_bayes_stats_call, Yb, Xb, Sb, Z, spec$type, spec$npar,
              spec$par, .gplvm_threads())
  .stop_on_bayes_status(st$status)  # R/bayes.R
  RL <- chol(Lambda)
  Sv <- chol2inv(RL)
  mv <- Sv %*% eta
  RtPsi2 <- backsolve(kz$R, st$Psi2, transpose = TRUE)
  P2 <- backsolve(kz$R, t(RtPsi2), transpose = TRUE)
  P2 <- (P2 + t(P2)) / 2
  PYw <- backsolve(kz$R, st$PY, transpose = TRUE)
  C <- tcrossprod(mv) + d * Sv
  trP2 <- sum(diag(P2))
  fit_terms <- st$yy - 2 * sum(mv * PYw) + sum(P2 * C) + d * (st$psi0 - trP2)
  kl_v <- (d * (sum(diag(Sv)) - m + 2 * sum(log(diag(RL)))) + sum(mv^2)) / 2
  value <- scale * (-b * d / 2 * log(2 * pi * s2) - fit_terms / (2 * s2) -
                      st$kl) - kl_v
  out <- list(value = value, jitter = kz$jitter, retries = kz$retries)
  if (!gradient) return(out)
  Ri <- backsolve(kz$R, diag(m))
  W2 <- Ri %*% tcrossprod(d * (diag(m) - Sv) - tcrossprod(mv), Ri) / (2 * s2)
  rows <- .Call(C_gplvm_bayes_grad_call, Yb, Xb, Sb, Z, spec$type,
                spec$npar, spec$par, 1, -d / (2 * s2), t(kz$R), mv / s2,
                (W2 + t(W2)) / 2, .gplvm_threads())
  .stop_on_bayes_status(rows$status)
  # dF/dL (L = R' lower): the Psi1 term through R^-T PY, the Psi2 terms
  # through P2; then back to Kzz
  Lbar <- scale / s2 * Ri %*% ((C - d * diag(m)) %*% P2 - tcrossprod(mv, PYw))
  Wzz <- .chol_backward(kz$R, Ri, Lbar, kz$rel)
  gz <- .Call(C_gplvm_kern_grad_call, Z, Z, Wzz, spec$type, spec$npar,
              spec$par)
  c(out, list(
    X = scale * rows$X, S = scale * rows$X_var,
    inducing = scale * rows$inducing + gz$X + gz$X2,
    kernel = scale * rows$kernel + gz$kernel,
    noise = scale * (-b * d / (2 * s2) + fit_terms / (2 * s2^2)),
    Lambda_hat = diag(m) + scale / s2 * P2, eta_hat = scale / s2 * PYw))
}

# dF/dKzz (symmetric, with the jitter's share) from dF/dL for Kzz + j I =
# L L', L = R' lower, Ri = R^-1, by the derivative of the Cholesky factor
# (Murray 2016): Phi = lower(L' Lbar) with its diagonal halved, dF/dKzz =
# L^-T Phi L^-1 made symmetric; the jitter j = rel * mean(diag k(Z, Z))
# adds rel * tr(dF/dKzz) / m to the diagonal.
.chol_backward <- function(R, Ri, Lbar, rel) {
  m <- nrow(R)
  Lbar[upper.tri(Lbar)] <- 0
  Phi <- R %*% Lbar
  Phi[upper.tri(Phi)] <- 0
  diag(Phi) <- diag(Phi) / 2
  W <- Ri %*% Phi %*% t(Ri)
  W <- (W + t(W)) / 2
  diag(W) <- diag(W) + rel * sum(diag(W)) / m
  W
}

# One pass over the rows in chunks of `chunk` rows: the rows' sums of the
# psi-statistics, then the collapsed Bayesian bound (the C engine's global
# step, KL of q(X) included) and the optimal q(v) given them as whitened
# natural parameters (Lambda, eta; see .minibatch_bayes_bound()).  Memory
# O(chunk M + M^2 + M D).
.minibatch_bayes_collapsed <- function(Y, X, S, Z, kernel, noise, chunk) {
  spec <- .kernel_spec(kernel, ncol(X))
  n <- nrow(Y)
  tot <- NULL
  for (from in seq(1L, n, by = chunk)) {
    i <- from:min(n, from + chunk - 1L)
    st <- .Call(C_gplvm_bayes_stats_call, Y[i, , drop = FALSE],
                X[i, , drop = FALSE], S[i, , drop = FALSE], Z, spec$type,
                spec$npar, spec$par, .gplvm_threads())
    .stop_on_bayes_status(st$status)
    st$status <- NULL
    tot <- if (is.null(tot)) st else Map(`+`, tot, st)
  }
  g <- .Call(C_gplvm_bayes_global_call, Z, spec$type, spec$npar, spec$par,
             noise, as.double(ncol(Y)), tot$n, tot$psi0, tot$Psi2, tot$PY,
             tot$yy, tot$kl, FALSE)
  .stop_on_bayes_status(g$status)
  kz <- .kzz_factor(spec, Z)
  P2 <- backsolve(kz$R, t(backsolve(kz$R, tot$Psi2, transpose = TRUE)),
                  transpose = TRUE)
  list(loglik = g$bound, Lambda = diag(nrow(Z)) + (P2 + t(P2)) / (2 * noise),
       eta = backsolve(kz$R, tot$PY, transpose = TRUE) / noise)
}

# The state of Bayesian minibatch training, an environment updated in
# place by .minibatch_bayes_step(): that of .minibatch_state() (the
# global vector with a map's weights, q(v), the settings), with q(X) in
# one per-row matrix `local`, n x (q or 2 q): the free means, if there is
# no map, then the log variances; its Adam moments and per-row step
# counts in adam_l.
.minibatch_bayes_state <- function(model, X0, S0, Z0, qv, rho, w0 = NULL) {
  s <- .minibatch_state(model, X0, Z0, qv, rho, w0)  # R/minibatch.R
  rm(list = intersect(c("X", "adam_x"), ls(s)), envir = s)
  s$q <- ncol(X0)
  s$local <- cbind(if (is.null(s$map)) unname(X0), log(unname(S0)))
  s$adam_l <- list(m = 0 * s$local, v = 0 * s$local,
                   t = integer(nrow(s$local)))
  s
}

# The means and variances of q(X) in the state s: list(X, S), of the rows
# `rows` (NULL: all).
.minibatch_bayes_latent <- function(s, rows = NULL) {
  loc <- if (is.null(rows)) s$local else s$local[rows, , drop = FALSE]
  q <- s$q
  X <- if (is.null(s$map)) loc[, seq_len(q), drop = FALSE]
       else if (is.null(rows)) s$map$X(s$w) else s$map$X(s$w, rows)
  list(X = X, S = exp(loc[, ncol(loc) - q + seq_len(q), drop = FALSE]))
}

# One step of Bayesian minibatch training on the rows `rows` (see
# ?gplvm-scaling): updates s in place and returns the batch's estimate
# of the bound and whether Kzz needed more jitter.  The batch's rows of
# q(X) step on the gradient of F itself (the batch's estimate over the
# scale): each row enters F once.  A map's weights step on the estimate
# of the gradient of F, as in .minibatch_step().
.minibatch_bayes_step <- function(s, rows) {
  mm <- s$model
  scale <- nrow(mm$Y) / length(rows)
  lat <- .minibatch_bayes_latent(s, rows)
  r <- .minibatch_bayes_bound(mm$Y[rows, , drop = FALSE], lat$X, lat$S, s$Z,
                              s$kernel, s$noise, s$Lambda, s$eta, scale)
  gl <- cbind(if (is.null(s$map)) r$X, r$S * lat$S) / scale
  gg <- .minibatch_global_grad(s, r, r$X, rows, gl)  # R/minibatch.R
  .minibatch_rows_step(s, "local", "adam_l", rows, gl)  # R/minibatch.R
  .minibatch_shared_step(s, r, gg)
  list(value = r$value, jittered = r$retries > 0L)
}
