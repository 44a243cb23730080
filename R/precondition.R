# Diagonal preconditioning of the optimised vector (issue 23).  The
# gradient in a log-hyperparameter sums N x D terms, that in one latent
# coordinate D terms, so their curvatures differ by a factor of order N;
# L-BFGS with a few stored pairs cannot learn that scaling, takes steps
# that the stiff hyperparameters allow and leaves the latent points where
# they started (bench/time_to_result.md, section 3).  The optimiser is
# therefore given u = par / s, with s = 1 / sqrt(h) from a curvature
# estimate h per hyperparameter and per latent point: a change of
# variables, so the objective, its optimum and the convergence rule are
# unchanged.

# Curvature estimates at `par` of the objective `obj` (to be minimised):
# `hyper` indexes the hyperparameters, whose diagonal entries are found by
# a forward difference of the gradient each; `latent` is NULL or an
# n x q matrix of indices of latent coordinates, for which one Rademacher
# probe z gives z * (H z), averaged over each row's q coordinates (the
# off-diagonal terms average out).  Costs length(hyper) + 1 gradients.
# Returns the vector s of scales (1 for entries in neither set), powers
# of 2, with the median latent scale near 1 and every scale within a
# factor 1e3 of it.
.precondition_scales <- function(obj, par, hyper, latent, eps = 1e-4) {
  g0 <- obj$gr(par)
  h <- rep(NA_real_, length(par))
  for (i in hyper) {
    p <- par
    p[i] <- p[i] + eps
    h[i] <- abs(obj$gr(p)[i] - g0[i]) / eps
  }
  ref <- 1
  if (!is.null(latent)) {
    z <- sample(c(-1, 1), length(latent), replace = TRUE)
    p <- par
    p[latent] <- p[latent] + eps * z
    hz <- (obj$gr(p) - g0) / eps
    per_row <- abs(rowMeans(matrix(z * hz[latent], nrow(latent))))
    ref <- stats::median(per_row)
    if (!is.finite(ref) || ref <= 0) return(rep(1, length(par)))
    # a noisy estimate: keep each point within a factor 100 of the median
    h[latent] <- pmin(pmax(per_row, ref / 100), ref * 100)
  } else if (length(hyper)) {
    ref <- stats::median(abs(g0[-hyper])) + 1
  }
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
