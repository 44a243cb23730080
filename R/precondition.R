# Diagonal preconditioning of the log-hyperparameters (issue 23).  The
# gradient in a log-hyperparameter sums N x D terms, that in one latent
# coordinate D terms, so their curvatures differ by a factor of order N;
# L-BFGS with a few stored pairs cannot learn that scaling, takes steps
# that the stiff hyperparameters allow and leaves the latent points where
# they started (bench/time_to_result.md, section 3).  The optimiser is
# therefore given u = par / s, with s = 1 / sqrt(h) from a curvature
# estimate h per hyperparameter: a change of variables, so the objective,
# its optimum and the convergence rule are unchanged.  Sparse fits past
# .exact_max() rows use it (.data_defaults(), bench/levers.md).

# Scales at `par` of the objective `obj` (to be minimised): `hyper`
# indexes the hyperparameters, whose curvatures are found by a forward
# difference of the gradient each, relative to the median absolute
# gradient of the other entries (plus 1).  Costs length(hyper) + 1
# gradients.  Returns the vector s (1 outside `hyper`), powers of 2, each
# within a factor 1e3 of 1.
.precondition_scales <- function(obj, par, hyper, eps = 1e-4) {
  g0 <- obj$gr(par)
  h <- rep(NA_real_, length(par))
  for (i in hyper) {
    p <- par
    p[i] <- p[i] + eps
    h[i] <- abs(obj$gr(p)[i] - g0[i]) / eps
  }
  ref <- if (length(hyper)) stats::median(abs(g0[-hyper])) + 1 else 1
  h[hyper][!is.finite(h[hyper])] <- ref
  h[hyper] <- pmin(pmax(h[hyper], ref * 1e-6), ref * 1e6)
  s <- 1 / sqrt(h / ref)
  s[is.na(s)] <- 1
  # powers of 2, so that u * s and par / s are exact: the cached
  # evaluation at the start is found again, and u maps back to par
  2^round(log2(s))
}

# The objective `obj` seen in u = par / s: fn, fn_value, gr and best()
# for .optimise(); par = u * s maps back.
.preconditioned <- function(obj, s) {
  out <- obj
  out$fn <- function(u) obj$fn(u * s)
  out$fn_value <- function(u) obj$fn_value(u * s)
  out$gr <- function(u) obj$gr(u * s) * s
  out$best <- function() {
    b <- obj$best()
    if (!is.null(b$par)) b$par <- b$par / s
    b
  }
  out
}
