# Scaled conjugate gradients (Moller 1993, Neural Networks 6, 525-533), as
# used by Lawrence's GP-LVM toolbox, written from the paper's algorithm and
# checked step by step against Netlab's scg.m.  Minimises fn with gradient
# gr from par; returns a list shaped like optim()'s value.  Each iteration
# costs one gradient at a nearby point (for the curvature along the search
# direction) and one value at the trial point; the gradient there is
# needed only when the step is accepted.  With `fn_value` (the value alone,
# cheaper than fn when fn also prepares the gradient) trial points are
# evaluated by fn_value while fewer than 2/3 of recent steps succeed: a
# value alone costs about a third of value and gradient (bench/converge.md),
# so it pays only when the gradient at the trial point is usually not
# needed.
#
# Stopping rule (Netlab's): after an accepted step, stop when the step
# moved no parameter by more than xtol AND changed fn by no more than
# reltol relative; either alone is not enough (a small change can come
# from a short step early on, a short step from a badly scaled direction).
# A value that is not finite (a failed evaluation) makes a failed step.
.scg <- function(par, fn, gr, maxit = 1000L, reltol = 1e-10,
                 xtol = 1e-8, fn_value = NULL) {
  sigma0 <- 1e-4
  x <- par
  fold <- fn(x)
  g <- gr(x)
  if (!is.finite(fold) || !all(is.finite(g))) {
    stop("the objective or its gradient is not finite at the start",
         call. = FALSE)
  }
  d <- -g
  success <- TRUE
  nsuccess <- 0L
  lambda <- 1
  nfn <- 1L
  ngr <- 1L
  rate <- 1                          # running share of successful steps
  conv <- 1L
  msg <- "maximum number of iterations reached"
  for (it in seq_len(maxit)) {
    if (success) {
      mu <- sum(d * g)
      if (mu >= 0) {
        d <- -g
        mu <- sum(d * g)
      }
      kappa <- sum(d * d)
      if (kappa < .Machine$double.eps) {
        conv <- 0L
        msg <- "gradient is zero"
        break
      }
      sigma <- sigma0 / sqrt(kappa)
      gplus <- gr(x + sigma * d)
      ngr <- ngr + 1L
      theta <- sum(d * (gplus - g)) / sigma
      # no curvature information where the gradient failed
      if (!is.finite(theta)) theta <- 0
    }
    # scale the curvature so that it is positive
    delta <- theta + lambda * kappa
    if (delta <= 0) {
      delta <- lambda * kappa
      lambda <- lambda - theta / kappa
    }
    alpha <- -mu / delta
    xnew <- x + alpha * d
    # a step so long that the model cannot be evaluated is a failed step
    trial <- if (!is.null(fn_value) && rate < 2 / 3) fn_value else fn
    fnew <- tryCatch(trial(xnew), error = function(e) {
      .stop_unless_numerical(e)
      Inf
    })
    nfn <- nfn + 1L
    ratio <- 2 * (fnew - fold) / (alpha * mu)
    success <- is.finite(fnew) && is.finite(ratio) && ratio >= 0
    rate <- 0.9 * rate + 0.1 * success
    if (success) {
      nsuccess <- nsuccess + 1L
      x <- xnew
      small_step <- max(abs(alpha * d)) <= xtol
      small_change <- abs(fnew - fold) <= reltol * (abs(fold) + reltol)
      fold <- fnew
      gold <- g
      g <- gr(x)
      ngr <- ngr + 1L
      if ((small_step && small_change) || all(g == 0)) {
        conv <- 0L
        msg <- "converged"
        break
      }
    }
    if (!success || ratio < 0.25) lambda <- min(4 * lambda, 1e100)
    if (success && ratio > 0.75) lambda <- max(lambda / 2, 1e-15)
    if (nsuccess == length(x)) {
      d <- -g
      nsuccess <- 0L
    } else if (success) {
      beta <- sum((gold - g) * g) / mu
      d <- beta * d - g
    }
  }
  list(par = x, value = fold, counts = c(`function` = nfn, gradient = ngr),
       convergence = conv, message = msg)
}
