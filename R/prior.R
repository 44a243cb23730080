# Prior terms of the fit's objective (see ?gplvm, "The objective").  Each
# returns list(value = log density, grad = derivative in its argument on
# the natural scale); the objective adds them to the log-likelihood.

# Unit Gaussian prior on the latent positions: log N(X | 0, I).
.log_prior_latent <- function(X) {
  list(value = -length(X) / 2 * log(2 * pi) - sum(X^2) / 2, grad = -X)
}

# Inverse-gamma prior on the noise variance s2 with shape 1 and scale b:
# p(s2) = b / s2^2 exp(-b / s2).  It vanishes faster than any power as
# s2 -> 0, so the noise stays away from 0 even when rows of Y repeat, and
# its mode b / 2 lies far below any noise the data support.
.log_prior_noise <- function(s2, b) {
  list(value = log(b) - 2 * log(s2) - b / s2, grad = -2 / s2 + b / s2^2)
}
