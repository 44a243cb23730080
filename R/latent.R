# How the latent positions are parameterised, and what prior they have.
#
# The objective of gplvm() (R/fit.R) optimises one vector
#   c(w, Z, log free kernel parameters, [log noise], eta)
# where w parameterises X through a latent map and eta holds the latent
# prior's own free parameters.  Both are small objects built here, so that
# a new parameterisation (back-constraints) or a new prior (dynamics) is a
# new constructor, not a new flag in the objective.
#
# A latent map:
#   kind     a name for print() and summary();
#   npar                length of w;
#   start(X0)           w whose X is X0 (or as close as the map allows);
#   X(w)                the latent positions, n x q;
#   pullback(w, gX)     dL/dw from dL/dX (the chain rule).
# A latent prior:
#   kind     a name;
#   npar                length of eta;
#   start()             eta at the start of a fit;
#   logp(X, eta)        list(value, X = d value / dX, eta = d value / d eta).
# Both may carry further fields their methods need (e.g. `par` after a fit:
# the fitted w or eta, set by .new_gplvm()).

# Free latent positions: w is X itself (column-major).
.latent_free <- function(n, q) {
  force(n)
  force(q)
  list(kind = "none", npar = n * q,
       start = function(X0) as.vector(X0),
       X = function(w) matrix(w, n, q),
       pullback = function(w, gX) as.vector(gX))
}

# The latent map a fit stores: with its fitted weights w as `par` for a
# mapping; free positions keep no `par` (it would repeat X).
.fitted_latent <- function(map, w) {
  c(map, list(par = if (map$kind != "none") w))
}

# No prior on X.
.prior_none <- function() {
  list(kind = "none", npar = 0L, start = function() numeric(),
       logp = function(X, eta) list(value = 0, X = 0, eta = numeric()))
}

# The unit Gaussian prior of Lawrence (2005): log N(X | 0, I).
.prior_gaussian <- function() {
  list(kind = "gaussian", npar = 0L, start = function() numeric(),
       logp = function(X, eta) {
         p <- .log_prior_latent(X)  # R/prior.R
         list(value = p$value, X = p$grad, eta = numeric())
       })
}

# `prior` as gplvm() and the objective take it: TRUE / FALSE, or a prior
# object made by one of the constructors above.
.as_latent_prior <- function(prior) {
  if (is.list(prior) && is.function(prior$logp)) return(prior)
  if (isTRUE(prior)) .prior_gaussian() else .prior_none()
}
