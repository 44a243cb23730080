# Fixtures for the fitting tests: small generated data sets.

# A noisy S-shaped curve in three dimensions, with its position t along the
# curve.
make_scurve <- function(n, noise = 0.05) {
  t <- sort(stats::runif(n, -1.5 * pi, 1.5 * pi))
  Y <- cbind(sin(t), sign(t) * (cos(t) - 1), 0.3 * t) +
    matrix(stats::rnorm(3 * n, sd = noise), n)
  list(Y = Y, t = t)
}

# Fixtures that stop the optimiser early on purpose (a small maxit) to stay
# fast: their warning that the optimiser (or a projection) did not converge
# is expected and muffled; every other warning reaches the test run, which
# counts it as a failure.
stopped_early <- function(expr) {
  withCallingHandlers(expr, warning = function(w) {
    if (grepl("did not converge", conditionMessage(w))) {
      invokeRestart("muffleWarning")
    }
  })
}

# A small fit of iris shared by the method tests (fast, not converged).
small_fit <- function(q = 2, ...) {
  i <- seq(1, 150, 5)
  stopped_early(gplvm(iris[i, 1:4], q = q, maxit = 60, ...))
}
