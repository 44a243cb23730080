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
#' the batch's \eqn{q(x_n)}{q(x_n)} by Adam with the latent rows' step
#' size (0.2 at the start, halved by the stopping rule), each row
#' with its own moments and step count (their gradient is that of
#' \eqn{F} itself: a row enters \eqn{F} once).  With a back-constraint
#' the means are the map's, whose weights take the steps; the log
#' variances stay free per row.  With missing entries in `Y` the sums run
#' over the observed entries, with one covariance of \eqn{q(v)} per
#' pattern of missing entries, as in "Minibatch training"; the KL term of
#' each \eqn{q(x_n)}{q(x_n)} counts once.  The KL term of \eqn{q(X)} is
#' part of the bound, and `noise_prior` enters as in the full-batch fit.
#' The exact objective after each epoch, which the stopping rule of
#' "Minibatch training" reads, is the collapsed Bayesian bound plus the
#' noise prior, from one pass over the data that sums the psi-statistics
#' in batches.  The fit is a Bayesian fit (class `"bgplvm"`, with
#' `X_var`), whose `loglik` is the collapsed bound at its best point.  It
#' is pruned (`prune` in [gplvm-models]) in its full-batch stage, as every
#' full-batch Bayesian fit is: during the optimisation.  The steps of
#' \eqn{q(x_n)}{q(x_n)} are few per row (one per epoch), so narrow
#' posteriors take many epochs: 50 rows of iris converged in about 300
#' epochs of 10 rows, 0.2 % below the full-batch bound.
#' @rdname gplvm-scaling
#' @name gplvm-scaling
NULL

# The uncollapsed Bayesian bound on the rows Yb (B x D) with q(x_n) =
# N(Xb[n, ], diag Sb[n, ]), scaled by `scale` (N / B for a minibatch), in
# whitened form: Kzz = R'R (R upper, with the jitter of .kzz_factor()),
# u_d = R' v_d, q(v_d) = N(mv[, d], Sv_p) with one covariance per
# missingness pattern p (the columns observed on the same rows; complete
# data: one pattern, all columns), and, over each pattern's observed rows
# of the batch, n_p of them, with its d_p columns, C_p = mv_p mv_p' +
# d_p Sv_p and the rows' sums of the psi-statistics, P2_p = R^-T Psi2_p
# R^-1 and PYw_p = R^-T Psi1_p' Y_p:
#   F = scale * [sum_p (-n_p d_p/2 log(2 pi s2) - (yy_p - 2 tr(mv_p' PYw_p)
#       + tr(P2_p C_p)) / (2 s2) - d_p (psi0_p - tr P2_p) / (2 s2))
#       - KL(q(X_b) || N(0, I))] - sum_d KL(N(mv_d, Sv_p(d)) || N(0, I)),
# the bound of .minibatch_bound() averaged over q(x_n); NA entries of Yb
# are skipped.  q(v) comes as natural parameters: eta = Sv^-1 mv (M x D)
# and Lambda = Sv^-1, one M x M matrix (complete data) or a list with one
# per pattern, `pattern` giving each column's (as .minibatch_bound()).
# With gradient: dF/dXb, dF/dSb (the variances, natural scale), dF/dZ,
# dF/dtheta (natural scale), dF/ds2; and the batch's optimum of q(v) in
# the same form, the target of the natural gradient step: Lambda_hat_p =
# I + scale/s2 P2_p, eta_hat = scale/s2 PYw_p in the pattern's columns.
# The rows' sums and the rows' gradient are the Bayesian engine's per-row
# steps in C, per pattern, given the weights of this bound (before the
# scale): dF/dpsi0 = -d_p/(2 s2), dF/dPsi1 = Y_p mv_p' R^-T / s2 (the
# engine's beta^2 Y E' L^-1 with beta = 1, E = mv_p / s2, L = R') and
# dF/dPsi2 = R^-1 (d_p (I - Sv_p) - mv_p mv_p') R^-T / (2 s2); the KL of
# q(X), which each call of the engine adds for its rows, is taken once per
# row here instead.  The share through Kzz goes back through the Cholesky
# factor (.chol_backward()).  Time O(P (B M^2 q + M^3) + B M D), memory
# O(B M + P M^2 + M D) for P patterns.
.minibatch_bayes_bound <- function(Yb, Xb, Sb, Z, kernel, noise, Lambda,
                                   eta, scale = 1, gradient = TRUE,
                                   pattern = NULL) {
  spec <- .kernel_spec(kernel, ncol(Xb))
  m <- nrow(Z)
  s2 <- noise
  shared <- !is.list(Lambda)
  if (shared) {
    Lambda <- list(Lambda)
    pattern <- rep(1L, ncol(Yb))
  }
  obs <- !is.na(Yb)
  kz <- .kzz_factor(spec, Z)  # R/minibatch.R
  Ri <- backsolve(kz$R, diag(m))
  kl_x <- .kl_unit(Xb, Sb)  # R/data_term.R
  value <- -scale * kl_x$value
  gX <- -scale * kl_x$X
  gS <- -scale * kl_x$S
  gZ <- 0
  gk <- 0
  gn <- 0
  Lbar <- matrix(0, m, m)
  Lambda_hat <- vector("list", length(Lambda))
  eta_hat <- matrix(0, m, ncol(Yb))
  for (p in seq_along(Lambda)) {
    cols <- which(pattern == p)
    dp <- length(cols)
    RL <- chol(Lambda[[p]])
    Sv <- chol2inv(RL)
    mv <- Sv %*% eta[, cols, drop = FALSE]
    # KL(q(v)) of the pattern's columns
    value <- value - (dp * (sum(diag(Sv)) - m + 2 * sum(log(diag(RL)))) +
                        sum(mv^2)) / 2
    Lambda_hat[[p]] <- diag(m)
    rows <- which(obs[, cols[1L]])
    if (!length(rows)) next
    Yp <- Yb[rows, cols, drop = FALSE]
    Xp <- Xb[rows, , drop = FALSE]
    Sp <- Sb[rows, , drop = FALSE]
    st <- .Call(C_gplvm_bayes_stats_call, Yp, Xp, Sp, Z, spec$type,
                spec$npar, spec$par, .gplvm_threads())
    .stop_on_bayes_status(st$status)  # R/bayes.R
    RtPsi2 <- backsolve(kz$R, st$Psi2, transpose = TRUE)
    P2 <- backsolve(kz$R, t(RtPsi2), transpose = TRUE)
    P2 <- (P2 + t(P2)) / 2
    PYw <- backsolve(kz$R, st$PY, transpose = TRUE)
    C <- tcrossprod(mv) + dp * Sv
    fit_terms <- st$yy - 2 * sum(mv * PYw) + sum(P2 * C) +
      dp * (st$psi0 - sum(diag(P2)))
    np <- length(rows)
    value <- value + scale * (-np * dp / 2 * log(2 * pi * s2) -
                                fit_terms / (2 * s2))
    Lambda_hat[[p]] <- diag(m) + scale / s2 * P2
    eta_hat[, cols] <- scale / s2 * PYw
    if (!gradient) next
    W2 <- Ri %*% tcrossprod(dp * (diag(m) - Sv) - tcrossprod(mv), Ri) /
      (2 * s2)
    rg <- .Call(C_gplvm_bayes_grad_call, Yp, Xp, Sp, Z, spec$type,
                spec$npar, spec$par, 1, -dp / (2 * s2), t(kz$R), mv / s2,
                (W2 + t(W2)) / 2, .gplvm_threads())
    .stop_on_bayes_status(rg$status)
    # the engine's rows' gradient without its KL of q(X) (taken once above)
    gX[rows, ] <- gX[rows, , drop = FALSE] + scale * (rg$X + Xp)
    gS[rows, ] <- gS[rows, , drop = FALSE] +
      scale * (rg$X_var + 0.5 * (1 - 1 / Sp))
    gZ <- gZ + scale * rg$inducing
    gk <- gk + scale * rg$kernel
    gn <- gn + scale * (-np * dp / (2 * s2) + fit_terms / (2 * s2^2))
    # dF/dL (L = R' lower): the Psi1 term through R^-T PY, the Psi2 terms
    # through P2
    Lbar <- Lbar + scale / s2 * Ri %*% ((C - dp * diag(m)) %*% P2 -
                                          tcrossprod(mv, PYw))
  }
  out <- list(value = value, jitter = kz$jitter, retries = kz$retries)
  if (!gradient) return(out)
  Wzz <- .chol_backward(kz$R, Ri, Lbar, kz$rel)
  gz <- .Call(C_gplvm_kern_grad_call, Z, Z, Wzz, spec$type, spec$npar,
              spec$par)
  c(out, list(
    X = gX, S = gS, inducing = gZ + gz$X + gz$X2, kernel = gk + gz$kernel,
    noise = gn, Lambda_hat = if (shared) Lambda_hat[[1L]] else Lambda_hat,
    eta_hat = eta_hat))
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
# step; KL of q(X) included) and the optimal q(v) given them as whitened
# natural parameters (Lambda, eta; see .minibatch_bayes_bound()).  With
# missing entries (`miss` of .missing_patterns()) the bound is a sum over
# the patterns of the bound on each pattern's observed rows and columns
# (as .data_eval() takes it), the KL of q(X) once, and Lambda a list with
# one matrix per pattern.  Memory O(chunk M + M^2 + M D) beyond a
# pattern's block of Y.
.minibatch_bayes_collapsed <- function(Y, X, S, Z, kernel, noise, chunk,
                                       miss = NULL) {
  spec <- .kernel_spec(kernel, ncol(X))
  m <- nrow(Z)
  kz <- .kzz_factor(spec, Z)
  pats <- if (is.null(miss)) {
    list(list(rows = seq_len(nrow(Y)), cols = seq_len(ncol(Y))))
  } else miss$patterns
  eta <- matrix(0, m, ncol(Y))
  Lambda <- vector("list", length(pats))
  loglik <- -.kl_unit(X, S)$value
  retries <- kz$retries
  for (i in seq_along(pats)) {
    p <- pats[[i]]
    tot <- NULL
    for (from in seq(1L, length(p$rows), by = chunk)) {
      r <- p$rows[from:min(length(p$rows), from + chunk - 1L)]
      st <- .Call(C_gplvm_bayes_stats_call, Y[r, p$cols, drop = FALSE],
                  X[r, , drop = FALSE], S[r, , drop = FALSE], Z, spec$type,
                  spec$npar, spec$par, .gplvm_threads())
      .stop_on_bayes_status(st$status)
      st$status <- NULL
      tot <- if (is.null(tot)) st else Map(`+`, tot, st)
    }
    g <- .Call(C_gplvm_bayes_global_call, Z, spec$type, spec$npar, spec$par,
               noise, as.double(length(p$cols)), tot$n, tot$psi0, tot$Psi2,
               tot$PY, tot$yy, 0, FALSE)
    .stop_on_bayes_status(g$status)
    loglik <- loglik + g$bound
    retries <- retries + g$retries
    P2 <- backsolve(kz$R, t(backsolve(kz$R, tot$Psi2, transpose = TRUE)),
                    transpose = TRUE)
    Lambda[[i]] <- diag(m) + (P2 + t(P2)) / (2 * noise)
    eta[, p$cols] <- backsolve(kz$R, tot$PY, transpose = TRUE) / noise
  }
  list(loglik = loglik, Lambda = if (is.null(miss)) Lambda[[1L]] else Lambda,
       eta = eta, retries = retries)
}

# The state of Bayesian minibatch training, an environment updated in
# place by .minibatch_bayes_step(): that of .minibatch_state() (R/minibatch.R:
# the global vector with a map's weights, q(v), the settings), with q(X) in
# one per-row matrix `local`, n x (q or 2 q): the free means, if there is
# no map, then the log variances; its Adam moments and per-row step
# counts in adam_l.
.minibatch_bayes_state <- function(model, X0, S0, Z0, qv, rho, w0 = NULL,
                                   kernel = model$kernel,
                                   noise = model$noise) {
  s <- .minibatch_state(model, X0, Z0, qv, rho, w0, kernel, noise)
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
                              s$kernel, s$noise, s$Lambda, s$eta, scale,
                              pattern = s$pattern)
  gl <- cbind(if (is.null(s$map)) r$X, r$S * lat$S) / scale
  gg <- .minibatch_global_grad(s, r, r$X, rows, gl)  # R/minibatch.R
  .minibatch_rows_step(s, "local", "adam_l", rows, gl)  # R/minibatch.R
  .minibatch_shared_step(s, r, gg)
  list(value = r$value, jittered = r$retries > 0L)
}

# The minibatch parts of the Bayesian term, the hook of the minibatch
# driver (R/minibatch.R, .minibatch_term()): the training state at the
# full-batch vector par (the means, or a map's weights, and the variances
# of q(X), Z, the kernel, the noise), the vector at a state, the step, and
# the exact objective in one pass (.minibatch_bayes_pass()).
.minibatch_term.gplvm_data_bayes <- function(term, model, full, batch_size) {
  rho <- max(.minibatch_settings$rho_min, batch_size / nrow(model$Y))
  list(state = function(par) {
         u <- full$unpack(par)
         .minibatch_bayes_state(model, u$X, u$S, u$Z, list(), rho,
                                if (!is.null(model$latent)) u$w, u$kernel,
                                u$noise)
       },
       par = function(s) {
         lat <- .minibatch_bayes_latent(s)
         full$par(lat$X, s$Z, s$kernel, s$noise, s$w, lat$S)
       },
       step = .minibatch_bayes_step,
       bound = function(s) .minibatch_bayes_pass(s, batch_size))
}

# The exact objective at the state s in one pass over the data in chunks
# of `chunk` rows: the collapsed (missing-data) Bayesian bound (KL of q(X)
# included) plus the noise prior, the value the full-batch fit maximises;
# sets q(v) in s to its optimum there.  Returns list(objective, loglik,
# jittered).
.minibatch_bayes_pass <- function(s, chunk) {
  mm <- s$model
  lat <- .minibatch_bayes_latent(s)
  col <- .minibatch_bayes_collapsed(mm$Y, lat$X, lat$S, s$Z, s$kernel,
                                    s$noise, chunk, mm$missing)
  s$Lambda <- col$Lambda
  s$eta <- col$eta
  pn <- if (mm$noise_prior > 0) .log_prior_noise(s$noise, mm$noise_prior)$value
        else 0
  list(objective = col$loglik + pn, loglik = col$loglik,
       jittered = col$retries > 0L)
}
