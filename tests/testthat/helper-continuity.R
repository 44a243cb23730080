# Fixtures for the stabilisation of the exact model (src/likelihood.c).

# 12 points whose first two rows of Y and X coincide: K is singular
# without noise.
duplicated_case <- function() {
  set.seed(24)
  n <- 12
  Y <- matrix(rnorm(n * 3), n, 3)
  X <- matrix(rnorm(n * 2), n, 2)
  Y[2, ] <- Y[1, ]
  X[2, ] <- X[1, ]
  list(Y = Y, X = X)
}

# A covariance that is not positive definite even with the floor of the
# effective noise: an MLP kernel saturated by latent positions of order
# 1e3 (arcsin near +-pi/2), whose rounding errors exceed 1e-8 of its
# diagonal, so that the C code falls back to jitter.  Found by a search
# over seeds; the jitter it needs is checked where it is used.
saturated_mlp_case <- function() {
  set.seed(204)
  n <- sample(c(5, 10, 20, 40), 1)
  X <- matrix(rnorm(n) * 10^runif(1, 2, 5), n, 1)
  Y <- matrix(rnorm(n * 2), n, 2)
  k <- kern_mlp(1, 10^runif(1, 3, 8), 10^runif(1, -3, 0))
  list(Y = Y, X = X, kernel = k, noise = 1e-300)
}

# A value along a grid t and its derivative `slope` there: each step's
# change of value must be the trapezoid of the slopes at its ends, up to a
# fraction (the result) of step * max |slope| or of 1e-8 |value| (the
# rounding of a value computed from a covariance whose condition number
# reaches 1e9 at the floor), whichever is larger.  A jump in the value, or
# a gradient that does not belong to it, gives 1 or more.
grid_continuity <- function(t, value, slope) {
  h <- diff(t)
  s0 <- head(slope, -1)
  s1 <- tail(slope, -1)
  max(abs(diff(value) - h * (s0 + s1) / 2) /
        pmax(h * pmax(abs(s0), abs(s1)), 1e-8 * abs(value[-1])))
}


# Column-wise log densities of Y under N(0, K), from the formula.
mvn_logdens_cols <- function(Y, K) {
  R <- chol(K)
  apply(Y, 2, function(y) -length(y) / 2 * log(2 * pi) -
          sum(log(diag(R))) - sum(backsolve(R, y, transpose = TRUE)^2) / 2)
}
