# Stochastic minibatch training of the sparse GP-LVM (Hensman, Fusi and
# Lawrence 2013): the uncollapsed variational bound with an explicit
# q(u_d) = N(mu_d, S_p) per data column (mean mu, M x D; one covariance per
# missingness pattern, shared by the columns observed on the same rows,
# which is exact: see .minibatch_bound()), so that a minibatch gives an
# unbiased estimate of the bound and its gradient.  Formulas in
# ?"gplvm-scaling", "Minibatch training".
#
# Minibatch training is a strategy of the one driver, .optimise()
# (R/optimise.R), and a warm start for the other: gplvm() ->
# .fit_minibatch() -> .optimise(obj, par0, "minibatch", epochs, reltol)
# -> runs of .run_minibatch(), then the full-batch fit (.fit_once(), or
# the pruning loop of R/bayes.R) from its best point, whose fresh-start
# test decides convergence.  Both share the best-point bookkeeping,
# progress line and fitted-object constructor.  The optimised vector is
# the full-batch objective's (.gplvm_objective()), so the minibatch stage
# hands its end to the full-batch stage as it is.
#
# HOOK for another data term (e.g. the Bayesian bound of
# R/minibatch_bayes.R, or the non-Gaussian one of R/nongaussian.R, which
# reuses .minibatch_step() with its own batch estimate): write a method
# of .minibatch_term() for its class
# ("gplvm_data_<kind>") returning list(
#   state(par)    a training state (an environment) at the full-batch
#                 vector par: its parameters and the optimiser's memory;
#   par(s)        the full-batch vector at the state;
#   step(s, rows) one stochastic step on the batch `rows` (updates s in
#                 place) -> list(value = the batch's estimate of the
#                 bound, scaled by N/B, jittered = TRUE/FALSE);
#   bound(s)      the exact objective at s in one pass over the data (and
#                 any local variational parameters set to their optimum)
#                 -> list(objective, loglik, jittered)),
# and remove its row from .incompatible (R/compat.R).  The driver, the
# epochs, the stopping rule and the bookkeeping (.minibatch_objective(),
# .run_minibatch()) need no change.

#' @section Minibatch training:
#' With `batch_size` (and `inducing`), the sparse model is trained by
#' stochastic minibatches (Hensman, Fusi and Lawrence, 2013), for data too
#' large for full-batch evaluations.  The bound is then the uncollapsed
#' variational bound with an explicit \eqn{q(u_d) = N(m_d, S)}{q(u_d) =
#' N(m_d, S)} for the inducing values of each data column \eqn{d} (one
#' mean per column, one covariance \eqn{S} shared by the columns, which
#' loses nothing: at the optimum every column has the same \eqn{S}):
#' \deqn{F = \sum_{n,d} \left[\log N(y_{nd} \mid a_n^\top m_d, \sigma^2) - \frac{a_n^\top S a_n + k(x_n, x_n) - k_n^\top a_n}{2\sigma^2}\right] - \sum_d \mathrm{KL}(q(u_d) \,\|\, N(0, K_{zz}))}{F = sum_{n,d} [log N(y_nd | a_n' m_d, s2) - (a_n' S a_n + k(x_n, x_n) - k_n' a_n) / (2 s2)] - sum_d KL(q(u_d) || N(0, Kzz))}
#' with \eqn{k_n = k(Z, x_n)}{k_n = k(Z, x_n)} and
#' \eqn{a_n = K_{zz}^{-1} k_n}{a_n = Kzz^-1 k_n}.  It is a sum over the rows,
#' so a batch of \eqn{B} rows, its sum scaled by \eqn{N/B}{N/B}, gives an
#' unbiased estimate of \eqn{F} and of its gradient.  Its maximum over
#' \eqn{q(u)} is the collapsed VFE bound of [gplvm_loglik()].  \eqn{q(u)}
#' is kept in whitened form (\eqn{u_d = R^\top v_d}{u_d = R' v_d},
#' \eqn{K_{zz} = R^\top R}{Kzz = R'R}), so that it follows the inducing
#' inputs and the kernel when they move.  The latent positions are point
#' estimates, as in the full-batch model.
#'
#' Each epoch visits the rows once, in a new random order, in batches of
#' `batch_size` rows (the last batch has the rows left over).  Each batch
#' makes one step:
#' \itemize{
#'   \item \eqn{q(u)}: a natural gradient step, which for the Gaussian
#'     likelihood moves the natural parameters a fraction
#'     \eqn{\rho = \max(0.1, B/N)}{rho = max(0.1, B / N)} of the way to
#'     the optimum for the batch (with \eqn{B = N}{B = N}, to the optimum);
#'   \item the inducing inputs, the logarithms of the free kernel parameters
#'     and of the noise: Adam (Kingma and Ba, 2015) with step size 0.05,
#'     decay rates 0.9 and 0.999;
#'   \item the latent positions of the batch's rows: Adam with step size
#'     0.2, each row with its own moment estimates and step count; rows
#'     outside the batch stay where they are.
#' }
#' These are the step sizes at the start; the stopping rule below halves
#' them (and \eqn{\rho}{rho}) as the training levels off.
#' With a back-constraint (`back = "mlp"` or `"kernel"`) the latent
#' positions are not free: the batch's rows are \eqn{X_b = g(Y_b; w)}{X_b =
#' g(Y_b; w)}, the gradient of the batch's estimate in \eqn{X_b}{X_b} is
#' taken back to the map's weights \eqn{w} through the batch's rows alone
#' (for the MLP \eqn{O(B)}{O(B)} work, not \eqn{O(N)}{O(N)}), and \eqn{w}
#' takes an Adam step with step size 0.05 (halved like the others) together with the parameters
#' above.  The weights are shared by all rows, so every step moves every
#' row.  The kernel map is built, as in the full-batch fit, from the
#' eigenvectors of the \eqn{N \times N}{N x N} kernel matrix of the data,
#' which costs \eqn{O(N^2)}{O(N^2)} memory and \eqn{O(N^3)}{O(N^3)} time
#' once; the MLP needs no such matrix.  The fit stores the weights, and
#' `predict(fit, newdata = )` applies the map.
#'
#' With missing entries in `Y` each row's data term sums over its observed
#' columns only: the sum above runs over the observed entries, so a batch
#' simply skips its missing ones.  The columns observed on the same rows
#' (one missingness pattern) share one covariance \eqn{S_p}{S_p}, which is
#' exact: their optimum and every natural gradient step depend only on
#' those rows; with every column its own pattern that is \eqn{D}{D}
#' matrices of \eqn{M \times M}{M x M}.  The maximum over \eqn{q(u)} is
#' then the missing-data VFE bound, a sum over the patterns (see Missing
#' values in [gplvm-models]).
#'
#' The priors on `X` and on the noise (`prior`, `noise_prior`) enter as in
#' the full-batch fit (for a map, the batch's prior term is scaled by
#' \eqn{N/B}{N/B} like its data term).  The start is that of the
#' full-batch sparse fit, with \eqn{q(u)} at its optimum for the starting
#' values.  After each epoch one pass over the data in batches evaluates
#' the exact objective, the collapsed VFE bound plus the priors (the value
#' a full-batch fit maximises), and sets \eqn{q(u)} to its optimum there.
#' The minibatch stage ends at the best point so evaluated; the fit's
#' `loglik` is the collapsed VFE bound at its values and predictions use
#' the sparse posterior.  Each
#' step costs \eqn{O(B M^2 + M^3)}{O(B M^2 + M^3)} time and
#' \eqn{O(B M + M^2)}{O(B M + M^2)} memory beyond the data, the latent
#' positions (for a map: its weights) and Adam's two moment estimates per
#' latent coordinate (weight): no N by M matrix is formed; a pass costs
#' about as much as the steps of an epoch.
#'
#' Minibatch training is a warm start for full-batch fitting: it is run
#' by the same driver as the full-batch optimisers ("Convergence" in
#' [gplvm()]), with `epochs` in the role of `maxit`, and the full-batch
#' optimiser (`method`) then continues from its best point.  With
#' constant step sizes the stochastic steps keep the parameters moving in
#' a noise ball around the optimum, and the objective levels off below it; so the step sizes decay (Robbins and Monro, 1951):
#' whenever the mean exact objective over the last 10 epochs exceeds the
#' mean over the 10 epochs before by at most \eqn{10^{-4}}{1e-4} relative
#' (a comparison of means, since each epoch's objective is taken at
#' stochastic parameters), every step size above and \eqn{\rho}{rho} are
#' halved, at most 4 times (to 1/16 of their start), and the next test
#' waits 10 epochs.  The minibatch stage stops when that test holds at
#' the smallest step sizes and a second run (Adam's moments and the step
#' sizes kept: a fresh Adam would first move every coordinate by its full
#' step size) raises the best objective by at most \eqn{10^{-3}}{1e-3}
#' relative, or when `epochs` epochs (default 200) are used.
#'
#' That stop means that the stochastic steps have stalled, not that the
#' fit is at an optimum: on the sets of `bench/minibatch.md` a full-batch
#' continuation of a stalled minibatch fit still raised the objective by
#' 3 to 32 percent for the sparse model and by 0.03 to 0.3 percent for the
#' Bayesian one.  So the fit goes on with the full-batch optimiser
#' (`method`, `reltol`) from the best point of the minibatch stage, as
#' `gplvm(Y, init = fit)` would, and its convergence is that of every
#' full-batch fit: `optim$convergence` is 0 only when fresh starts of the
#' full-batch optimiser from its end no longer raise the objective by more
#' than `10 * reltol` relative ("Convergence" in [gplvm()]).  Its budget
#' is what the minibatch stage left of `maxit`, counted in passes over the
#' data (a full-batch evaluation is one pass; an epoch of steps is one,
#' and so is each evaluation of the exact objective after it), and at
#' least 1: with the defaults (`maxit = 10000`, `epochs = 200`) at least
#' 9599.  `optim` (`convergence`, `message`,
#' `evaluations`, `runs`, `counts`) describes the full-batch stage; the
#' start (`X_init`, `loglik_init`), `time` and `restarts` the whole fit.
#' The full-batch stage evaluates the objective over all N rows; for data
#' too large for that, give a `maxit` that the minibatch stage uses up
#' (`maxit = 1` will do): the full-batch stage then makes a few
#' evaluations and the fit ends not converged (code 1, with a warning).
#'
#' Minibatch-then-full-batch is not faster than the full-batch fit from
#' the default start: on iris, 2000 rows of `ggplot2::diamonds` and 5000
#' rows of a generated sheet (`bench/minibatch.md`, medians over 3 seeds)
#' it took 2.6, 1.6 and 0.99 times the full-batch fit's time with the
#' default 200 epochs (reference BLAS; 3.4, 2.1 and 2.0 times on
#' OpenBLAS), and 13, 3.8 and 1.7 times when the minibatch stage ran until
#' it stalled.  The warm start saved full-batch evaluations on the larger
#' sets (0.6 to 0.9 of the full-batch fit's), but fewer than its epochs
#' cost.  It ended at other optima: 5 to 35 percent higher objectives on
#' diamonds, between 12 percent lower and 24 percent higher on iris.  Use
#' minibatch training for data too large for full-batch evaluations or as
#' another start, not for speed.
#'
#' With `trace > 0` one line per epoch shows the exact objective and the
#' mean over the epoch's batches of the estimates of \eqn{F}{F}, then
#' the full-batch stage traces its evaluations; otherwise the progress
#' line of "Convergence" in [gplvm()] reports steps and the exact
#' objective, then evaluations.  The fit has a field `minibatch` on the
#' minibatch stage: `batch_size`, `epochs` (used), `steps`, `passes` (of
#' the exact objective), `runs`, `convergence` (0: stalled, 1: `epochs`
#' used, 99: stopped by an error, when the fit warns and the full-batch
#' stage continues from the best point found), `message`, `rho`,
#' `objective` (the exact objective after each epoch), `bound` (the mean
#' minibatch estimate for each epoch), `epoch_time` (seconds),
#' `jitter_count` (steps that needed more jitter) and `time` (seconds of
#' the stage); `print()` and `summary()` give its epochs and steps and the
#' full-batch evaluations.  `restarts` work as for full-batch fits.
#' Continue a fit with more epochs by `gplvm(Y, init = fit, batch_size =
#' B)` (Adam's moments start afresh, which first loses ground; the
#' full-batch stage starts from the best point, so the fit never ends
#' below its start), or by full-batch fitting with `gplvm(Y, init = fit)`.
#' With `bayesian = TRUE`, see "Minibatch training of the Bayesian
#' GP-LVM" below; with a non-Gaussian `likelihood`, "Binary and count
#' data" in [gplvm-models].  Not available with `approx` other than `"vfe"`,
#' [kern_white()] parts (the noise plays their role), `dynamics` or
#' `cluster`.
#' @references Hensman, J., Fusi, N. and Lawrence, N. D. (2013). Gaussian
#'   processes for big data.  Proceedings of UAI, 282--290.
#'
#'   Robbins, H. and Monro, S. (1951). A stochastic approximation method.
#'   The Annals of Mathematical Statistics, 22(3), 400--407.
#'
#'   Kingma, D. P. and Ba, J. (2015). Adam: a method for stochastic
#'   optimization.  ICLR.
#' @examples
#' # minibatch training: at most 20 epochs of batches of 50 rows (too few
#' # for its stopping rule: mb$minibatch$convergence is 1), then the
#' # full-batch fit, which converges
#' mb <- gplvm(iris[, 1:4], q = 2, inducing = 10, batch_size = 50,
#'             epochs = 20)
#' mb$minibatch$convergence
#' mb$optim$convergence
#' mb
#' @rdname gplvm-scaling
#' @name gplvm-scaling
NULL

#' @param batch_size `NULL` for full-batch fitting, or the number of rows in
#'   a minibatch (between 1 and N; `inducing` is required): see
#'   "Minibatch training" in [gplvm-scaling].
#' @param epochs The largest number of passes over the data in minibatch
#'   training (default 200; training stops earlier when it has converged);
#'   only with `batch_size`.
#' @rdname gplvm
#' @name gplvm
NULL

# Fixed settings of the training (documented in ?gplvm-scaling): Adam's
# starting step sizes for the global parameters (inducing inputs, log
# kernel parameters, log noise), for the latent rows and for a map's
# weights, its decay rates, the smallest natural gradient step for q(u),
# how often a plateau halves the step sizes, and the
# plateau test: the mean exact objective over the last
# `window` epochs exceeds that of the `window` before by at most `reltol`
# relative (.run_minibatch()).
.minibatch_settings <- list(lr = 0.05, lr_latent = 0.2, lr_weights = 0.05,
                            beta1 = 0.9, beta2 = 0.999, eps = 1e-8,
                            rho_min = 0.1, reltol = 1e-4, window = 10L,
                            halvings = 4L)

# Checks batch_size and epochs for gplvm() (NULL batch_size: no minibatch
# training) and returns list(batch_size, epochs) as integers, or NULL.
.check_minibatch <- function(batch_size, epochs, n) {
  if (is.null(batch_size)) {
    if (!is.null(epochs)) {
      stop("'epochs' needs 'batch_size': it counts passes of minibatch ",
           "training", call. = FALSE)
    }
    return(NULL)
  }
  b <- .check_count(batch_size, "batch_size", hi = n)
  e <- if (is.null(epochs)) 200L else .check_count(epochs, "epochs")
  list(batch_size = b, epochs = e)
}

# The kernel of a minibatch fit: white parts would act as noise in the
# sparse model; the minibatch bound has only the noise variance for that.
.check_minibatch_kernel <- function(kernel) {
  if (any(vapply(.kernel_parts(kernel), `[[`, "", "type") == "white")) {
    stop("'kernel' must not have a kern_white() part with 'batch_size': ",
         "the noise variance plays its role", call. = FALSE)
  }
  invisible(kernel)
}

# Kzz = k(Z, Z) + j I factorised by the sparse engine's own rule
# (src/sparse.c: j = rel * mean(diag k(Z, Z)), rel from 1e-8 growing
# tenfold until it factorises).  Returns list(R (upper, K = R'R), rel,
# jitter, retries).
.kzz_factor <- function(spec, Z) {
  fac <- .Call(C_gplvm_sparse_factor_call, Z, spec$type, spec$npar,
               spec$par)
  .stop_on_status(fac$status)
  list(R = t(fac$Lz), rel = fac$rel, jitter = fac$jitter,
       retries = fac$retries)
}

# The uncollapsed bound on the rows Yb (B x D) at latent rows Xb, scaled by
# `scale` (N / B for a minibatch), in whitened form: with Kzz = R'R (R
# upper), u_d = R' v_d and q(v_d) = N(mv[, d], Sv_d), v_n = R^-T k_n,
#   F = scale * sum_{(n,d) observed} [log N(y_nd | v_n' mv_d, s2)
#       - v_n' Sv_d v_n / (2 s2) - (k_nn - |v_n|^2) / (2 s2)]
#       - sum_d KL(N(mv_d, Sv_d) || N(0, I)),
# which is the bound of Hensman et al. (2013) with q(u_d) = N(R' mv_d,
# R' Sv_d R); NA entries of Yb are skipped.  q(v) comes as natural
# parameters: eta = Sv^-1 mv (M x D) and Lambda = Sv^-1, either one M x M
# matrix shared by all columns (complete data) or a list with one per
# missingness pattern, `pattern` giving each column's.  Columns observed
# on the same rows share Lambda exactly: their optimum and every natural
# gradient step towards a batch's optimum depend only on those rows, so
# starting equal they stay equal; columns observed on other rows need
# their own (at worst one per column: D M x M matrices).  With gradient:
# dF/dXb, dF/dZ, dF/dtheta (natural scale), dF/ds2, through dF/dKxz,
# dF/dk_nn and dF/dKzz (the latter through the derivative of the Cholesky
# factor, Murray 2016) contracted by the kernel passes in C; and the
# batch's optimum of q(v) in the same form (Lambda_hat_p = I + scale/s2
# V_p'V_p over the pattern's observed rows of the batch, eta_hat = scale/s2
# V'Yb with NA as 0, V = Kxz R^-1), the target of the natural gradient
# step.  Memory O(B M + P M^2) for P patterns.
.minibatch_bound <- function(Yb, Xb, Z, kernel, noise, Lambda, eta,
                             scale = 1, gradient = TRUE, pattern = NULL) {
  spec <- .kernel_spec(kernel, ncol(Xb))
  b <- nrow(Yb)
  d <- ncol(Yb)
  m <- nrow(Z)
  s2 <- noise
  shared <- !is.list(Lambda)
  if (shared) {
    Lambda <- list(Lambda)
    pattern <- rep(1L, d)
  }
  obs <- !is.na(Yb)
  Y0 <- replace(Yb, !obs, 0)
  kz <- .kzz_factor(spec, Z)
  Ri <- backsolve(kz$R, diag(m))
  Kxz <- .Call(C_gplvm_kern_matrix_call, Xb, Z, spec$type, spec$npar,
               spec$par)
  kd <- .Call(C_gplvm_kern_diag_call, Xb, spec$type, spec$npar, spec$par)
  # V = Kxz R^-1 formed first (not Ri' Kzx Kxz Ri, which loses positive
  # definiteness when Kzz is ill-conditioned)
  V <- t(backsolve(kz$R, t(Kxz), transpose = TRUE))
  VV <- crossprod(V)
  # each pattern: its columns, the batch's rows observed there, Sv, and
  # V'V over those rows
  pats <- lapply(seq_along(Lambda), function(p) {
    cols <- which(pattern == p)
    rows <- obs[, cols[1L]]
    RL <- chol(Lambda[[p]])
    Sv <- chol2inv(RL)
    list(cols = cols, rows = rows, all = all(rows), Sv = Sv,
         ImS = diag(m) - Sv, logdet = 2 * sum(log(diag(RL))),
         VV = if (all(rows)) VV else crossprod(V[rows, , drop = FALSE]))
  })
  mv <- matrix(0, m, d)
  for (p in pats) mv[, p$cols] <- p$Sv %*% eta[, p$cols, drop = FALSE]
  Res <- (Y0 - V %*% mv) * obs
  nobs <- rowSums(obs)
  # sum over observed (n, d) of k_nn - |v_n|^2 + v_n'Sv_d v_n
  trace_term <- sum(nobs * kd) -
    sum(vapply(pats, function(p) length(p$cols) * sum(p$ImS * p$VV), 0))
  kl <- (sum(vapply(pats, function(p) {
    length(p$cols) * (sum(diag(p$Sv)) - m + p$logdet)
  }, 0)) + sum(mv^2)) / 2
  value <- scale * (-sum(nobs) / 2 * log(2 * pi * s2) -
                      sum(Res^2) / (2 * s2) - trace_term / (2 * s2)) - kl
  out <- list(value = value, jitter = kz$jitter, retries = kz$retries)
  if (!gradient) return(out)
  w <- scale / s2
  # dF/dV = w (Res mv' + sum_p D_p O_p V (I - Sv_p)), O_p the pattern's
  # observed rows; dF/dKxz = dF/dV R^-T, formed as Kxz G_p with G_p =
  # R^-1 (I - Sv_p) R^-T (O(B M^2) products); dF/dR = -V' dF/dV R^-T
  # (upper part), with V' dF/dV from M x M products, back through the
  # Cholesky factorisation to dF/dKzz (symmetric), plus the jitter's share
  dKxz <- w * tcrossprod(Res, Ri %*% mv)
  VdV <- w * crossprod(V, Res) %*% t(mv)
  for (p in pats) {
    G <- w * length(p$cols) * Ri %*% tcrossprod(p$ImS, Ri)
    if (p$all) {
      dKxz <- dKxz + Kxz %*% G
    } else {
      dKxz[p$rows, ] <- dKxz[p$rows, ] + Kxz[p$rows, , drop = FALSE] %*% G
    }
    VdV <- VdV + w * length(p$cols) * p$VV %*% p$ImS
  }
  Rbar <- -t(backsolve(kz$R, t(VdV)))
  Wzz <- .chol_backward(kz$R, Ri, t(Rbar), kz$rel)  # R/minibatch_bayes.R
  g1 <- .Call(C_gplvm_kern_grad_call, Xb, Z, dKxz, spec$type, spec$npar,
              spec$par)
  g2 <- .Call(C_gplvm_kern_grad_call, Z, Z, Wzz, spec$type, spec$npar,
              spec$par)
  g3 <- .Call(C_gplvm_kern_grad_call, Xb, NULL, -w * nobs / 2,
              spec$type, spec$npar, spec$par)
  Lambda_hat <- lapply(pats, function(p) diag(m) + w * p$VV)
  c(out, list(
    X = g1$X + g3$X, inducing = g1$X2 + g2$X + g2$X2,
    kernel = g1$kernel + g2$kernel + g3$kernel,
    noise = scale * (-sum(nobs) / (2 * s2) + (sum(Res^2) + trace_term) /
                       (2 * s2^2)),
    Lambda_hat = if (shared) Lambda_hat[[1L]] else Lambda_hat,
    eta_hat = w * crossprod(V, Y0)))
}

# One pass over the rows of Y in chunks of `chunk` rows: the collapsed VFE
# bound (Titsias 2009) at X, Z, kernel, noise from the sums V'V, V'Y
# (V = Kxz R^-1, Kzz = R'R), sum k_nn and sum Y^2, and the optimal q(v)
# given them as whitened natural parameters (Lambda, eta; see
# .minibatch_bound()).  With missing entries (`miss` of
# .missing_patterns()) the bound is the missing-data VFE bound, a sum over
# the patterns of the bound on each pattern's observed rows and columns,
# and Lambda a list with one matrix per pattern.  For complete data also
# the sparse posterior of a fit (alpha, Cfac; see .whitened_posterior()).
# Memory O(chunk M + M^2) beyond a pattern's block of Y: no N x M matrix.
.minibatch_collapsed <- function(Y, X, Z, kernel, noise, chunk, miss = NULL) {
  spec <- .kernel_spec(kernel, ncol(X))
  m <- nrow(Z)
  kz <- .kzz_factor(spec, Z)
  Ri <- backsolve(kz$R, diag(m))
  pats <- if (is.null(miss)) list(NULL) else miss$patterns
  eta <- matrix(0, m, ncol(Y))
  Lambda <- vector("list", length(pats))
  loglik <- 0
  for (i in seq_along(pats)) {
    p <- pats[[i]]
    Yp <- if (is.null(p)) Y else Y[p$rows, p$cols, drop = FALSE]
    Xp <- if (is.null(p)) X else X[p$rows, , drop = FALSE]
    # the sums over rows of the whitened V = Kxz R^-1, chunk by chunk in
    # C: V'V, V'Y and sum(diag k(X, X))
    st <- .Call(C_gplvm_sparse_stats_call, Yp, Xp, Z, spec$type, spec$npar,
                spec$par, t(kz$R), as.integer(chunk), FALSE)
    .stop_on_status(st$status)
    n <- nrow(Yp)
    d <- ncol(Yp)
    A <- diag(m) + st$Phi / noise
    LA <- chol(A)
    proj <- backsolve(LA, st$c, transpose = TRUE)
    loglik <- loglik - n * d / 2 * log(2 * pi * noise) -
      d * sum(log(diag(LA))) -
      (st$yy / noise - sum(proj^2) / noise^2) / 2 -
      d / (2 * noise) * (st$psi0 - sum(diag(st$Phi)))
    Lambda[[i]] <- A
    eta[, if (is.null(p)) seq_len(d) else p$cols] <- st$c / noise
  }
  out <- list(loglik = loglik, Lambda = Lambda, eta = eta, jitter = kz$jitter,
              retries = kz$retries)
  if (!is.null(miss)) return(out)
  out$Lambda <- Lambda[[1L]]
  c(out, .whitened_posterior(Ri, out$Lambda, eta))
}

# One Adam step (Kingma and Ba 2015) on par with gradient g of the
# objective to be maximised; state: first and second moments m, v and the
# number of steps t (a vector for per-row steps of the latent positions).
.adam_step <- function(par, g, state, lr) {
  s <- .minibatch_settings
  state$t <- state$t + 1L
  state$m <- s$beta1 * state$m + (1 - s$beta1) * g
  state$v <- s$beta2 * state$v + (1 - s$beta2) * g^2
  mhat <- state$m / (1 - s$beta1^state$t)
  vhat <- state$v / (1 - s$beta2^state$t)
  list(par = par + lr * mhat / (sqrt(vhat) + s$eps), state = state)
}

# The state of minibatch training, an environment updated in place by
# .minibatch_step() (no copy of the N x q latent matrix per step): either
# free latent positions X with their Adam moments and per-row step counts,
# or (with a back-constraint, model$latent a map of R/back.R) the map's
# weights w, which lead the global vector; the global vector glob (w, Z,
# free log kernel parameters, log noise) with its Adam state, q(v) as
# (Lambda, eta; Lambda per missingness pattern with model$missing, each
# column's in `pattern`), and the model's fixed settings.  The kernel and
# noise start at `kernel` and `noise` (default: the model's).
.minibatch_state <- function(model, X0, Z0, qv, rho, w0 = NULL,
                             kernel = model$kernel, noise = model$noise) {
  s <- new.env(parent = emptyenv())
  s$model <- model
  s$kernel <- .check_minibatch_kernel(kernel)
  s$theta <- kern_params(s$kernel)
  s$free <- !names(s$theta) %in% model$fixed
  s$fit_noise <- !"noise" %in% model$fixed
  s$noise <- noise
  s$map <- model$latent
  s$w <- if (!is.null(s$map)) w0
  if (is.null(s$map)) {
    s$X <- unname(X0)
    s$adam_x <- list(m = 0 * s$X, v = 0 * s$X, t = integer(nrow(s$X)))
  }
  s$Z <- Z0
  s$glob <- c(s$w, Z0, log(s$theta[s$free]), if (s$fit_noise) log(s$noise))
  s$adam_g <- list(m = 0 * s$glob, v = 0 * s$glob, t = 0L)
  s$Lambda <- qv$Lambda
  s$eta <- qv$eta
  s$pattern <- if (!is.null(model$missing)) {
    pat <- integer(ncol(model$Y))
    for (i in seq_along(model$missing$patterns)) {
      pat[model$missing$patterns[[i]]$cols] <- i
    }
    pat
  }
  s$rho <- rho
  s$lr_scale <- 1
  s
}

# One step of minibatch training on the rows `rows` (see ?gplvm-scaling,
# "Minibatch training"): updates the state s in place and returns the
# batch's estimate of the bound and whether Kzz needed more jitter.  Free
# latent rows outside `rows` are not touched; a map's weights are shared
# by all rows, so its step moves every row, at the cost of the batch's rows.
# `batch_bound(s, Yb, Xb, scale)`: the data term's estimate from the
# batch's rows Yb at latent rows Xb, as .minibatch_bound() returns it
# (a term whose q(v) is in the global vector returns no Lambda_hat and
# gets no natural gradient step: R/nongaussian.R).
.minibatch_step <- function(s, rows, batch_bound = .minibatch_state_bound) {
  mm <- s$model
  n <- nrow(mm$Y)
  scale <- n / length(rows)
  Xb <- if (is.null(s$map)) s$X[rows, , drop = FALSE]
        else s$map$X(s$w, rows)
  r <- batch_bound(s, mm$Y[rows, , drop = FALSE], Xb, scale)
  # the prior on X: each free row's own, or the batch's estimate of the
  # sum over all rows for the shared weights of a map
  prior_weight <- if (!mm$prior) 0 else if (is.null(s$map)) 1 else scale
  gx <- r$X - prior_weight * Xb
  gg <- .minibatch_global_grad(s, r, gx, rows, gx)
  if (is.null(s$map)) .minibatch_rows_step(s, "X", "adam_x", rows, gx)
  .minibatch_shared_step(s, r, gg)
  list(value = r$value, jittered = r$retries > 0L)
}

# The sparse term's batch estimate at the state s (.minibatch_step()).
.minibatch_state_bound <- function(s, Yb, Xb, scale) {
  .minibatch_bound(Yb, Xb, s$Z, s$kernel, s$noise, s$Lambda, s$eta, scale,
                   pattern = s$pattern)
}

# The gradient of the global vector (a map's weights, the inducing
# inputs, the log free kernel parameters, the log noise) from the batch's
# bound r, its gradient gx in the batch's latent rows `rows` (for a map),
# and the noise prior; stops unless it, r's value and the rows' own
# gradient `local` are finite.
.minibatch_global_grad <- function(s, r, gx, rows, local) {
  mm <- s$model
  gn <- r$noise + if (mm$noise_prior > 0) {
    .log_prior_noise(s$noise, mm$noise_prior)$grad
  } else 0
  gg <- c(if (!is.null(s$map)) s$map$pullback(s$w, gx, rows),
          r$inducing, (r$kernel * s$theta)[s$free],
          if (s$fit_noise) gn * s$noise)
  if (!is.finite(r$value) || !all(is.finite(local)) || !all(is.finite(gg))) {
    stop(paste("minibatch training diverged (the bound or its gradient is",
               "not finite); try a larger 'batch_size' or other starting",
               "values"), call. = FALSE)
  }
  gg
}

# Adam steps of the rows `rows` of the per-row matrix s[[field]] (free
# latent rows) on their gradient g, each row with its own moments and step
# count (in s[[adam]]); the other rows are not touched.
.minibatch_rows_step <- function(s, field, adam, rows, g) {
  a <- s[[adam]]
  u <- .adam_step(s[[field]][rows, , drop = FALSE], g,
                  list(m = a$m[rows, , drop = FALSE],
                       v = a$v[rows, , drop = FALSE], t = a$t[rows]),
                  s$lr_scale * .minibatch_settings$lr_latent)
  s[[field]][rows, ] <- u$par
  a$m[rows, ] <- u$state$m
  a$v[rows, ] <- u$state$v
  a$t[rows] <- u$state$t
  s[[adam]] <- a
  invisible(s)
}

# The steps every batch makes on what all rows share, given the batch's
# bound r and the gradient gg of the global vector: q(v) a natural
# gradient step towards the batch's optimum; the global vector (a map's
# weights, the inducing inputs, the log kernel parameters, the log noise)
# an Adam step, unpacked into the state.
.minibatch_shared_step <- function(s, r, gg) {
  # q(v): natural gradient step towards the batch's optimum, per pattern
  # (none when q(v) is in the global vector: r has no Lambda_hat)
  if (!is.null(r$Lambda_hat)) {
    rho <- s$rho * s$lr_scale
    towards <- function(a, b) (1 - rho) * a + rho * b
    s$Lambda <- if (is.list(s$Lambda)) Map(towards, s$Lambda, r$Lambda_hat)
                else towards(s$Lambda, r$Lambda_hat)
    s$eta <- towards(s$eta, r$eta_hat)
  }
  st <- .minibatch_settings
  nw <- length(s$w)
  ug <- .adam_step(s$glob, gg, s$adam_g,
                   s$lr_scale * rep(c(st$lr_weights, st$lr),
                                    c(nw, length(gg) - nw)))
  s$glob <- ug$par
  s$adam_g <- ug$state
  nz <- length(s$Z)
  if (nw) s$w <- s$glob[seq_len(nw)]
  s$Z <- matrix(s$glob[nw + seq_len(nz)], ncol = ncol(s$Z))
  s$theta[s$free] <- exp(s$glob[nw + nz + seq_len(sum(s$free))])
  kern_params(s$kernel) <- s$theta
  if (s$fit_noise) s$noise <- exp(s$glob[[length(s$glob)]])
  if (!all(is.finite(c(s$theta, s$noise)) & c(s$theta, s$noise) > 0)) {
    stop("minibatch training: a kernel parameter or the noise under- ",
         "or overflowed", call. = FALSE)
  }
  invisible(s)
}

# The exact objective at the state s in one pass over the data in chunks
# of `chunk` rows: the collapsed (missing-data) VFE bound plus the priors
# on X and on the noise, the value the full-batch fit maximises.  Sets
# q(v) in s to its optimum, where the uncollapsed bound equals the
# collapsed one.  Returns list(objective, loglik, jittered).
.minibatch_pass <- function(s, chunk) {
  mm <- s$model
  X <- if (is.null(s$map)) s$X else s$map$X(s$w)
  col <- .minibatch_collapsed(mm$Y, X, s$Z, s$kernel, s$noise, chunk,
                              mm$missing)
  s$Lambda <- col$Lambda
  s$eta <- col$eta
  px <- if (mm$prior) .log_prior_latent(X)$value else 0
  pn <- if (mm$noise_prior > 0) .log_prior_noise(s$noise, mm$noise_prior)$value
        else 0
  list(objective = col$loglik + px + pn, loglik = col$loglik,
       jittered = col$retries > 0L)
}

# The minibatch parts of a data term: list(state(par), par(s), step(s,
# rows), bound(s)), with par the full-batch objective's vector (`full`,
# from .gplvm_objective()): state() makes a training state at par (Adam
# afresh; q(u) is set by the bound() that follows), par() reads the
# vector back, step() makes one stochastic step on the rows and returns
# list(value = the batch's estimate, jittered), bound() the exact
# objective in one pass (list(objective, loglik, jittered)).  The hook of
# the driver for other data terms: see the top of this file.
.minibatch_term <- function(term, model, full, batch_size) {
  UseMethod(".minibatch_term")
}

.minibatch_term.gplvm_data_sparse <- function(term, model, full, batch_size) {
  rho <- max(.minibatch_settings$rho_min, batch_size / nrow(model$Y))
  list(state = function(par) {
         u <- full$unpack(par)
         .minibatch_state(model, u$X, u$Z, list(), rho,
                          if (!is.null(model$latent)) u$w, u$kernel, u$noise)
       },
       par = function(s) full$par(s$X, s$Z, s$kernel, s$noise, s$w),
       step = .minibatch_step,
       bound = function(s) .minibatch_pass(s, batch_size))
}

# The minibatch strategy's objective for .optimise(method = "minibatch"):
# the data term's parts (.minibatch_term()) with the bookkeeping that the
# driver reads: fn(par) (the exact objective at par, negated, as the
# full-batch fn), best() (the best point whose exact objective was
# evaluated, once per epoch), and, for .run_minibatch(), start(par) (a
# state at par with q(u) at its optimum: the bound() of fn() is reused),
# epoch(s, rows_list) (one epoch of steps, then bound()), and the log of
# epochs across the runs (`epochs`, the budget, for the trace).
# `progress` is .progress_line()'s update.
.minibatch_objective <- function(model, full, batch_size, epochs,
                                 progress = NULL) {
  parts <- .minibatch_term(model$data, model, full, batch_size)
  n <- nrow(model$Y)
  cache <- new.env(parent = emptyenv())
  cache$best <- list(par = NULL, value = Inf)
  cache$steps <- 0L
  cache$passes <- 0L
  cache$jitter_n <- 0L
  cache$log <- list(estimate = numeric(), objective = numeric(),
                    time = numeric())
  cache$start <- proc.time()[["elapsed"]]
  bound <- function(s, par) {
    b <- parts$bound(s)
    cache$passes <- cache$passes + 1L
    if (is.null(cache$loglik_init)) cache$loglik_init <- b$loglik
    if (-b$objective < cache$best$value) {
      cache$best <- list(par = par, value = -b$objective)
    }
    b
  }
  # the training state: made once, at the first start, then continued
  start <- function(par) {
    if (!is.null(cache$state)) return(cache$state)
    s <- parts$state(par)
    s$objective <- bound(s, par)$objective
    cache$state <- s
    s
  }
  epoch <- function(s) {
    t0 <- proc.time()[["elapsed"]]
    order <- sample.int(n)
    total <- 0
    batches <- split(order, ceiling(seq_len(n) / batch_size))
    for (rows in batches) {
      r <- parts$step(s, rows)
      total <- total + r$value
      cache$steps <- cache$steps + 1L
      cache$jitter_n <- cache$jitter_n + r$jittered
    }
    b <- bound(s, parts$par(s))
    lg <- cache$log
    cache$log <- list(estimate = c(lg$estimate, total / length(batches)),
                      objective = c(lg$objective, b$objective),
                      time = c(lg$time, proc.time()[["elapsed"]] - t0))
    if (model$trace > 0L) {
      cat(sprintf(paste("epoch %4d/%d  objective %14.8g  mean minibatch",
                        "estimate %14.8g  %8.1f s\n"), length(cache$log$time),
                  epochs,
                  b$objective, total / length(batches),
                  proc.time()[["elapsed"]] - cache$start))
      flush(stdout())
    }
    if (!is.null(progress)) progress(cache$steps, b$objective)
    b$objective
  }
  list(fn = function(par) -start(par)$objective, start = start,
       epoch = epoch, best = function() cache$best,
       steps = function() cache$steps, passes = function() cache$passes,
       jitter_count = function() cache$jitter_n,
       loglik_init = function() cache$loglik_init,
       log = function() cache$log, rho = function() cache$state$rho)
}

# One run of the minibatch strategy (called by .run_optimiser() for
# .optimise(method = "minibatch")): at most `maxit` epochs of steps, each
# followed by the exact objective in one pass.  The first run starts at
# par (Adam afresh, q(u) at its optimum); a later run continues the
# training state where the run before left it, Adam's moments and all (a
# fresh Adam would first move every coordinate by its full step size and
# lose ground, so it could not test anything).  The plateau test: after
# at least `window` epochs at the present step sizes, the mean exact
# objective over the last `window` epochs exceeds that over the `window`
# epochs before by at most `reltol` relative (a mean, because each
# epoch's objective is at stochastic parameters, and a comparison of
# means does not stop on a chance dip while the objective still climbs).
# At a plateau the step sizes (s$lr_scale, which scales every Adam step
# size and rho) are halved, at most `halvings` times; the run stops by
# its own tolerance at a plateau at the smallest step sizes.
# .optimise() then runs again and calls the stage stalled (code 0) when
# that run raised the best objective by at most 10 * reltol relative;
# whether the fit has converged, the full-batch stage that follows
# decides (.fit_minibatch()).  Returns the best point evaluated, shaped
# like optim()'s value, with `iterations` the epochs used (the budget
# that .optimise() shares between the runs).
.run_minibatch <- function(obj, par, maxit, reltol,
                           window = .minibatch_settings$window) {
  s <- obj$start(par)
  steps0 <- obj$steps()
  conv <- 1L
  done <- 0L
  since <- 0L  # epochs at the present step sizes
  smallest <- 2^-.minibatch_settings$halvings
  while (done < maxit) {
    done <- done + 1L
    since <- since + 1L
    obj$epoch(s)
    hist <- obj$log()$objective
    k <- length(hist)
    if (since >= window && k >= 2L * window) {
      now <- mean(hist[k - seq_len(window) + 1L])
      before <- mean(hist[k - window - seq_len(window) + 1L])
      if (now - before <= reltol * (abs(now) + reltol)) {
        if (s$lr_scale <= smallest) {
          conv <- 0L
          break
        }
        # a plateau of the noise ball of the steps, not the optimum:
        # smaller steps shrink it (Robbins-Monro)
        s$lr_scale <- s$lr_scale / 2
        since <- 0L
      }
    }
  }
  best <- obj$best()
  steps <- obj$steps() - steps0
  list(par = best$par, value = best$value, convergence = conv,
       message = NULL, counts = c(`function` = steps, gradient = steps),
       iterations = done)
}

# Minibatch training from latent start X0 and inducing start Z0 (see
# ?gplvm-scaling, "Minibatch training") as a warm start for the
# full-batch fit: .optimise(method = "minibatch") for at most `epochs`
# epochs, then `fit_full(model, start)` from its best point (.fit_once(),
# or the pruning loop of R/bayes.R: gplvm() gives the one its full-batch
# fits use) with what the minibatch stage left of model$maxit, counted in
# passes over the data (.minibatch_work()).  model as built by gplvm().
# With a back-constraint (model$latent) the start is the map's weights w0
# (NULL: fitted to X0 by its start()) and X0 their latent positions.  The
# Bayesian model (a variational data term) starts from the variances S0 of
# q(X) too (its minibatch parts: R/minibatch_bayes.R).  The fit's
# convergence, counts and message are the full-batch stage's; the start,
# the time and `minibatch` are the whole fit's.  Returns list(fit,
# warnings) like .fit_once().
.fit_minibatch <- function(model, X0, Z0, batch_size, epochs, w0 = NULL,
                           S0 = NULL, fit_full = .fit_once) {
  n <- nrow(model$Y)
  map <- model$latent
  if (!is.null(map)) {
    w0 <- w0 %||% map$start(X0)
    X0[] <- map$X(w0)
  }
  progress <- .progress_line(.progress_enabled(model$trace),
                             limit = epochs * ceiling(n / batch_size))
  on.exit(progress$done())
  start <- proc.time()[["elapsed"]]
  full <- .gplvm_objective(model$Y, model$kernel, model$noise, model$fixed,
                           model$prior, model$q, data = model$data,
                           noise_prior = model$noise_prior, latent = map,
                           missing = model$missing)
  obj <- .minibatch_objective(model, full, batch_size, epochs,
                              progress$update)
  par0 <- full$par(X0, Z0, model$kernel, model$noise, w0, S0)
  # one confirming run: the full-batch stage tests convergence
  opt <- .optimise(obj, par0, "minibatch", epochs,
                   .minibatch_settings$reltol, confirmations = 1L)
  progress$done()
  warn <- if (opt$convergence == 99L) {
    sprintf(paste("minibatch training stopped with an error (%s); the",
                  "full-batch fit continued from the best point found"),
            opt$message)
  }
  lg <- obj$log()
  record <- list(batch_size = batch_size, epochs = length(lg$time),
                 steps = obj$steps(), passes = obj$passes(),
                 runs = opt$runs, convergence = opt$convergence,
                 message = opt$message, rho = obj$rho(),
                 bound = lg$estimate, objective = lg$objective,
                 epoch_time = lg$time, jitter_count = obj$jitter_count(),
                 time = proc.time()[["elapsed"]] - start)
  # the full-batch stage from the minibatch fit's best point, with the
  # fitted kernel and noise
  end <- full$unpack(opt$par)
  m <- model
  m$kernel <- end$kernel
  m$noise <- end$noise
  m$maxit <- max(1L, model$maxit - .minibatch_work(record, n))
  X <- end$X
  dimnames(X) <- dimnames(X0)
  res <- fit_full(m, list(X = X, S = end$S, Z = end$Z, w = end$w,
                          warm = FALSE))
  fit <- res$fit
  # the start is the minibatch stage's (fit$pruning, if any, counts the
  # full-batch stage's evaluations)
  init <- list(X_init = X0, X_var_init = S0,
               inducing_init = matrix(Z0, nrow(Z0)),
               loglik_init = obj$loglik_init())
  fit[names(init)] <- init
  fit$time <- proc.time()[["elapsed"]] - start
  fit$minibatch <- record
  list(fit = fit, warnings = c(warn, res$warnings))
}

# The work of a minibatch stage (its `record` in .fit_minibatch()) in
# passes over the N rows, the unit of a full-batch evaluation: its steps
# (B rows each) and its passes of the exact objective.
.minibatch_work <- function(record, n) {
  as.integer(ceiling(record$steps * record$batch_size / n)) + record$passes
}

# For print() and summary(): one line on minibatch training, and the
# full-batch stage after it (a fit saved before that stage existed has
# no code of its own for the minibatch stage, and no such stage).
.cat_minibatch <- function(x) {
  mb <- x$minibatch
  if (is.null(mb)) return(invisible())
  stage <- if (!is.null(mb$convergence)) {
    sprintf("; %s), then %d full-batch evaluations",
            c("stalled", "epoch limit", "stopped by an error")[
              match(mb$convergence, c(0L, 1L, 99L))],
            x$optim$evaluations)
  } else ")"
  cat(sprintf("Minibatch training: %d epochs of batches of %d rows (%d %s\n",
              mb$epochs, mb$batch_size, mb$steps, paste0("steps", stage)))
}
