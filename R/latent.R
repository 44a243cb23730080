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
#   X(w, rows)          the latent positions, n x q, or only the rows
#                       `rows` (NULL: all), at a cost in those rows alone;
#   pullback(w, gX, rows)  dL/dw from dL/dX (the chain rule), gX the
#                       gradient in the rows `rows` (NULL: all), so that a
#                       minibatch step (R/minibatch.R) costs its rows only.
# A latent prior:
#   kind     a name;
#   npar                length of eta;
#   start()             eta at the start of a fit;
#   logp(X, eta, [S])   list(value, X = d value / dX, eta = d value / d eta,
#                       [S = d value / dS]); S, the variances of q(X), is
#                       given to the prior of a variational model only.
#   bound    TRUE when its value is part of a bound on log p(Y) (the KL
#            term of the Bayesian model), which the fit reports in
#            `loglik` rather than in `logprior`.
# Both may carry further fields their methods need (e.g. `par` after a fit:
# the fitted w or eta, set by .new_gplvm()).
#
# A variational model (a data term with capability `variational`, the
# Bayesian GP-LVM) wraps the map in .latent_variational(): it adds the log
# variances of q(X), and the map then gives the means.

# Free latent positions: w is X itself (column-major).
.latent_free <- function(n, q) {
  force(n)
  force(q)
  list(kind = "none", npar = n * q, nrow = n, q = q,
       start = function(X0) as.vector(X0),
       X = function(w, rows = NULL) {
         X <- matrix(w, n, q)
         if (is.null(rows)) X else X[rows, , drop = FALSE]
       },
       pullback = function(w, gX, rows = NULL) {
         if (is.null(rows)) return(as.vector(gX))
         g <- matrix(0, n, q)
         g[rows, ] <- gX
         as.vector(g)
       })
}

# The means of q(X) from `map` and its free log variances: w = c(w_map,
# log S).  S(w) gives the variances; pullback takes dL/dS too.
.latent_variational <- function(map) {
  nw <- map$npar
  force(nw)
  c(map[setdiff(names(map), c("npar", "start", "X", "pullback"))],
    list(npar = nw + map$nrow * map$q, variational = TRUE,
         start = function(X0, S0) c(map$start(X0), log(S0)),
         X = function(w) map$X(w[seq_len(nw)]),
         S = function(w) matrix(exp(w[-seq_len(nw)]), map$nrow, map$q),
         pullback = function(w, gX, gS) {
           c(map$pullback(w[seq_len(nw)], gX),
             gS * exp(w[-seq_len(nw)]))
         },
         inner = map))
}

# The latent map a fit stores, a descriptor without functions: its kind,
# settings and fitted weights w as `par` (free positions keep none: it
# would repeat X), and for the kernel map the coefficients A of X = K(Y) A
# that predict() applies to new rows (R/back.R rebuilds the map from
# these and the fit's data).
.fitted_latent <- function(map, w) {
  map <- map$inner %||% map
  if (map$kind == "none") return(list(kind = "none"))
  list(kind = map$kind, npar = map$npar, nrow = map$nrow, q = map$q,
       control = map$control, rank = map$rank, par = w,
       coef = if (is.function(map$coef)) map$coef(w))
}

# The latent prior a fit stores, a descriptor: its kind, and for the
# dynamics the fitted kernel and the sequences (R/gpdm.R rebuilds it).
.fitted_prior <- function(prior, eta) {
  if (prior$kind != "dynamics") return(list(kind = prior$kind))
  list(kind = "dynamics", kernel = prior$kernel(eta),
       sequence = prior$sequence)
}

# No prior on X.
.prior_none <- function() {
  list(kind = "none", npar = 0L, start = function() numeric(),
       logp = function(X, eta, S = NULL) {
         list(value = 0, X = 0, eta = numeric())
       })
}

# The KL divergence of q(X) from the unit Gaussian prior, -KL(q || N(0,
# I)), the latent term of the Bayesian GP-LVM (Titsias and Lawrence 2010).
.prior_kl <- function() {
  list(kind = "kl", npar = 0L, bound = TRUE, start = function() numeric(),
       logp = function(X, eta, S) {
         kl <- .kl_unit(X, S)  # R/data_term.R
         list(value = -kl$value, X = -kl$X, S = -kl$S, eta = numeric())
       })
}

# The unit Gaussian prior of Lawrence (2005): log N(X | 0, I).
.prior_gaussian <- function() {
  list(kind = "gaussian", npar = 0L, start = function() numeric(),
       logp = function(X, eta, S = NULL) {
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
