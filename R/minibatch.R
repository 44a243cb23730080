# Stochastic minibatch training of the sparse GP-LVM (Hensman, Fusi and
# Lawrence 2013): the uncollapsed variational bound with an explicit
# q(u_d) = N(mu_d, S) per data column (mean mu, M x D; one covariance S
# shared by the D columns, which is exact at the optimum, where every
# column has the same S), so that a minibatch gives an unbiased estimate
# of the bound and its gradient.  Formulas in ?"gplvm-scaling", "Minibatch
# training".

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
#'     and of the noise: Adam (Kingma and Ba, 2015) with step size 0.01,
#'     decay rates 0.9 and 0.999;
#'   \item the latent positions of the batch's rows: Adam with step size
#'     0.05, each row with its own moment estimates and step count; rows
#'     outside the batch stay where they are.
#' }
#' With a back-constraint (`back = "mlp"` or `"kernel"`) the latent
#' positions are not free: the batch's rows are \eqn{X_b = g(Y_b; w)}{X_b =
#' g(Y_b; w)}, the gradient of the batch's estimate in \eqn{X_b}{X_b} is
#' taken back to the map's weights \eqn{w} through the batch's rows alone
#' (for the MLP \eqn{O(B)}{O(B)} work, not \eqn{O(N)}{O(N)}), and \eqn{w}
#' takes an Adam step with step size 0.05 together with the parameters
#' above.  The weights are shared by all rows, so every step moves every
#' row.  The kernel map is built, as in the full-batch fit, from the
#' eigenvectors of the \eqn{N \times N}{N x N} kernel matrix of the data,
#' which costs \eqn{O(N^2)}{O(N^2)} memory and \eqn{O(N^3)}{O(N^3)} time
#' once; the MLP needs no such matrix.  The fit stores the weights, and
#' `predict(fit, newdata = )` applies the map.
#'
#' The priors on `X` and on the noise (`prior`, `noise_prior`) enter as in
#' the full-batch fit (for a map, the batch's prior term is scaled by
#' \eqn{N/B}{N/B} like its data term).  The start is that of the full-batch sparse fit,
#' with \eqn{q(u)} at its optimum for the starting values; after the last
#' epoch \eqn{q(u)} is set to its optimum for the final values, so that
#' `loglik` is the collapsed VFE bound there and predictions use the
#' sparse posterior.  Both take one pass over the data in batches.  Each
#' step costs \eqn{O(B M^2 + M^3)}{O(B M^2 + M^3)} time and
#' \eqn{O(B M + M^2)}{O(B M + M^2)} memory beyond the data, the latent
#' positions (for a map: its weights) and Adam's two moment estimates per
#' latent coordinate (weight): no N by M matrix is formed.
#'
#' With `trace > 0`, or in an interactive session (see the progress line
#' in "Convergence" in [gplvm()]), one line per epoch shows the mean over the epoch's batches of
#' the estimates of \eqn{F} (they were made at the parameters of the time,
#' so the mean lags behind the bound at the end of the epoch).
#' Minibatch training has no convergence test: it stops after `epochs`
#' epochs, and `optim$convergence` is 1 with a message saying so, without
#' a warning; `optim$evaluations` counts the steps.  The fit has a field
#' `minibatch`: `batch_size`, `epochs`, `steps`, `rho`, `bound` (the mean
#' minibatch estimate for each epoch) and `epoch_time` (seconds).  Continue
#' it with more epochs by `gplvm(Y, init = fit, batch_size = B)` (Adam's
#' moments start afresh, \eqn{q(u)} at its optimum), or by full-batch
#' fitting with `gplvm(Y, init = fit)`.  With `bayesian = TRUE`, see
#' "Minibatch training of the Bayesian GP-LVM" below.  Not
#' available with missing values, `approx` other than
#' `"vfe"`, [kern_white()] parts (the noise plays their role),
#' `dynamics`, `cluster` or `restarts > 1`.
#' @references Hensman, J., Fusi, N. and Lawrence, N. D. (2013). Gaussian
#'   processes for big data.  Proceedings of UAI, 282--290.
#'
#'   Kingma, D. P. and Ba, J. (2015). Adam: a method for stochastic
#'   optimization.  ICLR.
#' @examples
#' # minibatch training: 20 epochs of batches of 50 rows
#' mb <- gplvm(iris[, 1:4], q = 2, inducing = 10, batch_size = 50,
#'             epochs = 20)
#' mb
#' @rdname gplvm-scaling
#' @name gplvm-scaling
NULL

#' @param batch_size `NULL` for full-batch fitting, or the number of rows in
#'   a minibatch (between 1 and N; `inducing` is required): see
#'   "Minibatch training" in [gplvm-scaling].
#' @param epochs Number of passes over the data in minibatch training
#'   (default 20); only with `batch_size`.
#' @rdname gplvm
#' @name gplvm
NULL

# Fixed settings of the training (documented in ?gplvm): Adam's step sizes
# for the global parameters (inducing inputs, log kernel parameters, log
# noise) and for the latent rows or a map's weights, its decay rates, and
# the smallest natural gradient step for q(u).
.minibatch_settings <- list(lr = 0.01, lr_latent = 0.05, beta1 = 0.9,
                            beta2 = 0.999, eps = 1e-8, rho_min = 0.1)

# Checks batch_size and epochs for gplvm() (NULL batch_size: no minibatch
# training) and returns list(batch_size, epochs) as integers, or NULL.
.check_minibatch <- function(batch_size, epochs, n, restarts) {
  if (is.null(batch_size)) {
    if (!is.null(epochs)) {
      stop("'epochs' needs 'batch_size': it counts passes of minibatch ",
           "training", call. = FALSE)
    }
    return(NULL)
  }
  b <- .check_count(batch_size, "batch_size", hi = n)
  e <- if (is.null(epochs)) 20L else .check_count(epochs, "epochs")
  if (restarts != 1L) {
    stop("'restarts' must be 1 with 'batch_size'", call. = FALSE)
  }
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
# upper), u_d = R' v_d and q(v_d) = N(mv[, d], Sv), v_n = R^-T k_n,
#   F = scale * sum_{n,d} [log N(y_nd | v_n' mv_d, s2) - v_n' Sv v_n / (2 s2)
#       - (k_nn - |v_n|^2) / (2 s2)] - sum_d KL(N(mv_d, Sv) || N(0, I)),
# which is the bound of Hensman et al. (2013) with q(u_d) = N(R' mv_d,
# R' Sv R).  q(v) comes as its natural parameters: Lambda = Sv^-1 and
# eta = Sv^-1 mv.  With gradient: dF/dXb, dF/dZ, dF/dtheta (natural
# scale), dF/ds2, through dF/dKxz, dF/dk_nn and dF/dKzz (the latter through
# the derivative of the Cholesky factor, Murray 2016) contracted by the
# kernel passes in C; and the batch's optimum of q(v) in natural parameters
# (Lambda_hat = I + scale/s2 V'V, eta_hat = scale/s2 V'Yb, V = Kxz R^-1),
# the target of the natural gradient step.  Memory O(B M + M^2).
.minibatch_bound <- function(Yb, Xb, Z, kernel, noise, Lambda, eta,
                             scale = 1, gradient = TRUE) {
  spec <- .kernel_spec(kernel, ncol(Xb))
  b <- nrow(Yb)
  d <- ncol(Yb)
  m <- nrow(Z)
  s2 <- noise
  kz <- .kzz_factor(spec, Z)
  Ri <- backsolve(kz$R, diag(m))
  RL <- chol(Lambda)
  Sv <- chol2inv(RL)
  mv <- Sv %*% eta
  Kxz <- .Call(C_gplvm_kern_matrix_call, Xb, Z, spec$type, spec$npar,
               spec$par)
  kd <- .Call(C_gplvm_kern_diag_call, Xb, spec$type, spec$npar, spec$par)
  # V = Kxz R^-1 formed first (not Ri' Kzx Kxz Ri, which loses positive
  # definiteness when Kzz is ill-conditioned)
  V <- t(backsolve(kz$R, t(Kxz), transpose = TRUE))
  VV <- crossprod(V)
  Res <- Yb - V %*% mv
  ImS <- diag(m) - Sv
  trace_term <- sum(kd) - sum(ImS * VV)   # sum_n k_nn - |v_n|^2 + v_n'Sv v_n
  kl <- (d * (sum(diag(Sv)) - m + 2 * sum(log(diag(RL)))) + sum(mv^2)) / 2
  value <- scale * (-b * d / 2 * log(2 * pi * s2) - sum(Res^2) / (2 * s2) -
                      d * trace_term / (2 * s2)) - kl
  out <- list(value = value, jitter = kz$jitter, retries = kz$retries)
  if (!gradient) return(out)
  w <- scale / s2
  # dF/dV = w (Res mv' + D V (I - Sv)); dF/dKxz = dF/dV R^-T, formed as
  # Kxz G with G = R^-1 (I - Sv) R^-T (one O(B M^2) product); dF/dR =
  # -V' dF/dV R^-T (upper part), with V' dF/dV from M x M products, back
  # through the Cholesky factorisation to dF/dKzz (symmetric), plus the
  # jitter's share
  G <- Ri %*% tcrossprod(ImS, Ri)
  dKxz <- w * (tcrossprod(Res, Ri %*% mv) + d * Kxz %*% G)
  VdV <- w * (crossprod(V, Res) %*% t(mv) + d * VV %*% ImS)
  Rbar <- -t(backsolve(kz$R, t(VdV)))
  Wzz <- .chol_backward(kz$R, Ri, t(Rbar), kz$rel)  # R/minibatch_bayes.R
  g1 <- .Call(C_gplvm_kern_grad_call, Xb, Z, dKxz, spec$type, spec$npar,
              spec$par)
  g2 <- .Call(C_gplvm_kern_grad_call, Z, Z, Wzz, spec$type, spec$npar,
              spec$par)
  g3 <- .Call(C_gplvm_kern_grad_call, Xb, NULL, rep(-w * d / 2, b),
              spec$type, spec$npar, spec$par)
  c(out, list(
    X = g1$X + g3$X, inducing = g1$X2 + g2$X + g2$X2,
    kernel = g1$kernel + g2$kernel + g3$kernel,
    noise = scale * (-b * d / (2 * s2) + (sum(Res^2) + d * trace_term) /
                       (2 * s2^2)),
    Lambda_hat = diag(m) + w * VV, eta_hat = w * crossprod(V, Yb)))
}

# One pass over the rows of Y in chunks of `chunk` rows: the collapsed VFE
# bound (Titsias 2009) at X, Z, kernel, noise from the sums V'V, V'Y
# (V = Kxz R^-1, Kzz = R'R), sum k_nn and sum Y^2, and the optimal q(v) given them, both as
# whitened natural parameters (Lambda, eta; see .minibatch_bound()) and as
# the sparse posterior of a fit
# (alpha, Cfac; see .whitened_posterior()).  Memory O(chunk M + M^2): no
# N x M matrix.
.minibatch_collapsed <- function(Y, X, Z, kernel, noise, chunk) {
  spec <- .kernel_spec(kernel, ncol(X))
  n <- nrow(Y)
  d <- ncol(Y)
  m <- nrow(Z)
  kz <- .kzz_factor(spec, Z)
  Ri <- backsolve(kz$R, diag(m))
  # the sums over rows of the whitened V = Kxz R^-1, chunk by chunk in C:
  # V'V, V'Y and sum(diag k(X, X))
  st <- .Call(C_gplvm_sparse_stats_call, Y, X, Z, spec$type, spec$npar,
              spec$par, t(kz$R), as.integer(chunk), FALSE)
  .stop_on_status(st$status)
  VV <- st$Phi
  VY <- st$c
  kd <- st$psi0
  A <- diag(m) + VV / noise
  LA <- chol(A)
  proj <- backsolve(LA, VY, transpose = TRUE)
  loglik <- -n * d / 2 * log(2 * pi * noise) - d * sum(log(diag(LA))) -
    (st$yy / noise - sum(proj^2) / noise^2) / 2 -
    d / (2 * noise) * (kd - sum(diag(VV)))
  c(list(loglik = loglik, Lambda = A, eta = VY / noise, jitter = kz$jitter,
         retries = kz$retries),
    .whitened_posterior(Ri, A, VY / noise))
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
# (Lambda, eta), and the model's fixed settings.
.minibatch_state <- function(model, X0, Z0, qv, rho, w0 = NULL) {
  s <- new.env(parent = emptyenv())
  s$model <- model
  s$kernel <- .check_minibatch_kernel(model$kernel)
  s$theta <- kern_params(s$kernel)
  s$free <- !names(s$theta) %in% model$fixed
  s$fit_noise <- !"noise" %in% model$fixed
  s$noise <- model$noise
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
  s$rho <- rho
  s
}

# One step of minibatch training on the rows `rows` (see ?gplvm,
# "Minibatch training"): updates the state s in place and returns the
# batch's estimate of the bound and whether Kzz needed more jitter.  Free
# latent rows outside `rows` are not touched; a map's weights are shared
# by all rows, so its step moves every row, at the cost of the batch's rows.
.minibatch_step <- function(s, rows) {
  mm <- s$model
  n <- nrow(mm$Y)
  scale <- n / length(rows)
  Xb <- if (is.null(s$map)) s$X[rows, , drop = FALSE]
        else s$map$X(s$w, rows)
  r <- .minibatch_bound(mm$Y[rows, , drop = FALSE], Xb, s$Z, s$kernel,
                        s$noise, s$Lambda, s$eta, scale)
  # the prior on X: each free row's own, or the batch's estimate of the
  # sum over all rows for the shared weights of a map
  prior_weight <- if (!mm$prior) 0 else if (is.null(s$map)) 1 else scale
  gx <- r$X - prior_weight * Xb
  gg <- .minibatch_global_grad(s, r, gx, rows, gx)
  if (is.null(s$map)) .minibatch_rows_step(s, "X", "adam_x", rows, gx)
  .minibatch_shared_step(s, r, gg)
  list(value = r$value, jittered = r$retries > 0L)
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
                  .minibatch_settings$lr_latent)
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
  s$Lambda <- (1 - s$rho) * s$Lambda + s$rho * r$Lambda_hat
  s$eta <- (1 - s$rho) * s$eta + s$rho * r$eta_hat
  st <- .minibatch_settings
  nw <- length(s$w)
  ug <- .adam_step(s$glob, gg, s$adam_g,
                   rep(c(st$lr_latent, st$lr), c(nw, length(gg) - nw)))
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

# Minibatch training from latent start X0 and inducing start Z0 (see
# ?gplvm, "Minibatch training"); model as built by gplvm().  With a
# back-constraint (model$latent) the start is the map's weights w0 (NULL:
# fitted to X0 by its start()) and X0 their latent positions.  Returns
# list(fit, warnings) like .fit_once().  The Bayesian model (a variational
# data term) starts from the variances S0 of q(X) too and takes the steps
# of R/minibatch_bayes.R.
.fit_minibatch <- function(model, X0, Z0, batch_size, epochs, w0 = NULL,
                           S0 = NULL) {
  n <- nrow(model$Y)
  map <- model$latent
  if (!is.null(map)) {
    w0 <- w0 %||% map$start(X0)
    X0[] <- map$X(w0)
  }
  verbose <- model$trace > 0L ||
    identical(.progress_enabled(model$trace), "line")
  start <- proc.time()[["elapsed"]]
  bayes <- .data_capabilities(model$data)$variational
  rho <- max(.minibatch_settings$rho_min, batch_size / n)
  if (bayes) {
    first <- .minibatch_bayes_collapsed(model$Y, X0, S0, Z0, model$kernel,
                                        model$noise, batch_size)
    s <- .minibatch_bayes_state(model, X0, S0, Z0, first, rho, w0)
    step <- .minibatch_bayes_step
  } else {
    first <- .minibatch_collapsed(model$Y, X0, Z0, model$kernel, model$noise,
                                  batch_size)
    s <- .minibatch_state(model, X0, Z0, first, rho, w0)
    step <- .minibatch_step
  }
  steps <- 0L
  jitter_n <- 0L
  epoch_bound <- epoch_time <- numeric(epochs)
  for (e in seq_len(epochs)) {
    t0 <- proc.time()[["elapsed"]]
    order <- sample.int(n)
    total <- 0
    for (from in seq(1L, n, by = batch_size)) {
      r <- step(s, order[from:min(n, from + batch_size - 1L)])
      total <- total + r$value
      steps <- steps + 1L
      jitter_n <- jitter_n + r$jittered
    }
    epoch_bound[e] <- total / ceiling(n / batch_size)
    epoch_time[e] <- proc.time()[["elapsed"]] - t0
    if (verbose) {
      cat(sprintf("epoch %4d/%d  mean minibatch bound %14.8g  %8.1f s\n",
                  e, epochs, epoch_bound[e],
                  proc.time()[["elapsed"]] - start))
      flush(stdout())
    }
  }
  # q(u) at its optimum given the final X, Z, kernel and noise: the bound
  # is then the collapsed VFE bound, the full-batch objective of the model
  # (R/fit.R), which gives the fitted object as for every other fit
  time <- proc.time()[["elapsed"]] - start
  obj <- .gplvm_objective(model$Y, s$kernel, s$noise, model$fixed,
                          model$prior, model$q, data = model$data,
                          noise_prior = model$noise_prior, latent = map)
  lat <- if (bayes) .minibatch_bayes_latent(s) else list(X = s$X)
  par <- obj$par(lat$X, s$Z, s$kernel, s$noise, s$w, lat$S)
  best <- obj$eval(par)
  opt <- list(par = par, convergence = 1L,
              message = sprintf(paste("stopped after %d epochs (minibatch",
                                      "training has no convergence test)"),
                                epochs),
              counts = c(`function` = steps, gradient = steps), runs = 1L,
              evaluations = steps, failed = 0L, max_gradient = NA_real_)
  model$method <- "minibatch"
  fit <- .new_gplvm(obj, best, opt, model, list(X = X0, S = S0, Z = Z0),
                    first$loglik, time)
  fit$optim$jitter_count <- jitter_n
  fit$minibatch <- list(batch_size = batch_size, epochs = epochs,
                        steps = steps, rho = s$rho, bound = epoch_bound,
                        epoch_time = epoch_time)
  warn <- if (best$jittered) {
    sprintf(paste("the covariance of the inducing inputs needed jitter %.3g",
                  "on its diagonal"), best$jitter)
  }
  list(fit = fit, warnings = warn)
}

# For print() and summary(): one line on minibatch training.
.cat_minibatch <- function(x) {
  mb <- x$minibatch
  if (is.null(mb)) return(invisible())
  cat(sprintf(paste("Minibatch training: %d epochs of batches of %d rows",
                    "(%d steps); no convergence test\n"),
              mb$epochs, mb$batch_size, mb$steps))
}
