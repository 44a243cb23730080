# The objective's place for a latent map and a latent prior (R/latent.R):
# a map and a prior with parameters of their own, made here, must enter the
# value and the gradient by the chain rule.

# X = Y0 A: a linear map with weights A (d x q)
linear_map <- function(Y0, q) {
  list(kind = "linear", npar = ncol(Y0) * q,
       start = function(X0) as.vector(qr.solve(Y0, X0)),
       X = function(w) Y0 %*% matrix(w, ncol(Y0), q),
       pullback = function(w, gX) as.vector(crossprod(Y0, gX)))
}

# log N(X | 0, exp(eta) I) with its log variance eta
scaled_prior <- function() {
  list(kind = "scaled", npar = 1L, start = function() 0.3,
       logp = function(X, eta) {
         v <- exp(eta)
         list(value = -length(X) / 2 * log(2 * pi * v) - sum(X^2) / (2 * v),
              X = -X / v,
              eta = -length(X) / 2 + sum(X^2) / (2 * v))
       })
}

test_that("a latent map and a latent prior enter the objective and its gradient", {
  set.seed(4)
  Y <- matrix(rnorm(40), 10, 4)
  map <- linear_map(Y, 2L)
  obj <- gplvm:::.gplvm_objective(Y, kern_rbf(), 0.1, character(),
                                  scaled_prior(), 2L, 0L, latent = map)
  par <- c(rnorm(8, sd = 0.3), log(c(1.2, 0.8)), log(0.2), 0.3)
  r <- obj$eval(par)
  A <- matrix(par[1:8], 4, 2)
  X <- Y %*% A
  ll <- gplvm_loglik(Y, X, kern_rbf(1.2, 0.8), 0.2)
  lp <- scaled_prior()$logp(X, 0.3)$value
  expect_equal(r$loglik, as.numeric(ll), tolerance = 1e-12)
  expect_equal(r$objective, as.numeric(ll) + lp, tolerance = 1e-12)
  expect_equal(r$X, X, tolerance = 1e-14, ignore_attr = TRUE)
  fd <- fd_gradient(function(p) obj$eval(p)$objective, par)
  expect_lt(rel_err(r$grad, fd), 1e-6)
})

test_that("TRUE and FALSE give the unit Gaussian prior and none", {
  set.seed(5)
  X <- matrix(rnorm(6), 3, 2)
  expect_equal(gplvm:::.as_latent_prior(TRUE)$logp(X, numeric())$value,
               sum(dnorm(X, log = TRUE)), tolerance = 1e-14)
  expect_identical(gplvm:::.as_latent_prior(FALSE)$logp(X, numeric())$value,
                   0)
})
