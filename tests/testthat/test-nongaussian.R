# Non-Gaussian likelihoods (issue 25): the C engine against its plain-R
# twin, Monte Carlo and closed forms, every gradient against finite
# differences, the Gaussian case against the collapsed VFE bound, latent
# recovery against PCA, and the fitted model's methods and checks.

ng_codes <- c(gaussian = 0L, logit = 1L, probit = 2L, poisson = 3L,
              negbin = 4L)

# E[log p(y | f)], f ~ N(mu, v), from the engine with one row, one column
# and one inducing input at the row's position: mu = a m, v = k - a^2 +
# a^2 l^2 with a^2 = k / (1 + 1e-8); l = 1 gives v = k, and E is the
# bound plus KL = m^2 / 2.
ng_entry_c <- function(code, y, mu, v, r = 1, s2 = 1) {
  a <- sqrt(v / (1 + 1e-8))
  mean <- matrix(mu / a)
  b <- .loglik_nongaussian_c(matrix(y), matrix(0), matrix(0),
                             kern_rbf(v, 1), code, mean, array(1, c(1, 1, 1)),
                             r, s2, FALSE)$value
  b + c(mean)^2 / 2
}

test_that("expected log-likelihoods match Monte Carlo and closed forms", {
  set.seed(250)
  f <- stats::rnorm(2e5)
  cases <- list(list("logit", 1, 0.7, 1.5), list("logit", 0, -0.3, 0.4),
                list("probit", 1, 0.5, 2), list("probit", 0, 1.2, 0.3),
                list("poisson", 4, 0.8, 0.5), list("negbin", 7, 1.1, 0.6, 2.5),
                list("gaussian", 0.3, -0.2, 0.7))
  for (cs in cases) {
    code <- ng_codes[[cs[[1]]]]
    r <- if (length(cs) > 4L) cs[[5]] else 1
    got <- ng_entry_c(code, cs[[2]], cs[[3]], cs[[4]], r, s2 = 0.4)
    draws <- ng_logp_r(code, cs[[2]], cs[[3]] + sqrt(cs[[4]]) * f, r, 0.4)
    se <- stats::sd(draws) / sqrt(length(draws))
    expect_lt(abs(got - mean(draws)), 4 * se)
    # and against adaptive quadrature, to the Gauss-Hermite rule's accuracy
    expect_equal(got, ng_expect_r(code, cs[[2]], cs[[3]], cs[[4]], r, 0.4),
                 tolerance = 1e-7)
  }
  # Poisson, log link: y mu - exp(mu + v / 2) - log y!
  expect_equal(ng_entry_c(3L, 5, 0.4, 0.9),
               5 * 0.4 - exp(0.4 + 0.45) - lgamma(6), tolerance = 1e-12)
})

test_that("the bound matches its plain-R twin, with NA entries skipped", {
  set.seed(251)
  n <- 9
  d <- 3
  m <- 4
  X <- ng_points(n)
  Z <- ng_points(m)
  for (code in ng_codes) {
    Y <- ng_random_data(code, n, d)
    Y[c(2, 13)] <- NA
    qv <- ng_random_qv(m, d)
    disp <- c(0.8, 2, 5)
    for (k in list(kern_rbf(1.3, 0.8), kern_matern32(0.9, c(0.7, 1.4)))) {
      got <- .loglik_nongaussian_c(Y, X, Z, k, code, qv$mean, qv$chol, disp,
                                   0.6, FALSE)$value
      want <- ng_bound_r(Y, X, Z, k, code, qv$mean, qv$chol, disp, 0.6)
      expect_equal(got, want, tolerance = 1e-7)
    }
  }
})

test_that("chunks of rows and threads do not change the result", {
  set.seed(259)
  n <- 23
  d <- 11
  m <- 4
  X <- ng_points(n)
  Z <- ng_points(m)
  Y <- ng_random_data(4L, n, d)
  Y[c(3, 40, 77)] <- NA
  qv <- ng_random_qv(m, d)
  run <- function(chunk) {
    .loglik_nongaussian_c(Y, X, Z, kern_rbf(1.2, 0.9), 4L, qv$mean, qv$chol,
                          seq(0.5, 3, length.out = d), 1, TRUE,
                          chunk = chunk)
  }
  one <- run(100L)
  for (chunk in c(1L, 5L, 22L)) {
    got <- run(chunk)
    for (nm in c("value", "X", "inducing", "kernel", "mean", "chol",
                 "dispersion")) {
      expect_equal(got[[nm]], one[[nm]], tolerance = 1e-12)
    }
  }
  old <- options(gplvm.threads = 2L)
  on.exit(options(old))
  two <- run(5L)
  options(gplvm.threads = 1L)
  expect_identical(run(5L), two)
})

test_that("the engine's gradients match finite differences", {
  set.seed(252)
  n <- 10
  d <- 3
  m <- 4
  q <- 2
  X <- ng_points(n, q)
  Z <- ng_points(m, q)
  low <- which(lower.tri(diag(m), diag = TRUE))
  idx <- as.vector(outer(low, (seq_len(d) - 1L) * m * m, `+`))
  worst <- 0
  for (code in ng_codes) {
    Y <- ng_random_data(code, n, d)
    Y[5] <- NA
    qv <- ng_random_qv(m, d)
    disp <- c(0.7, 2, 5)
    for (k in list(kern_rbf(1.3, 0.8), kern_matern52(1.1, c(0.7, 1.4)),
                   kern_linear(0.6) + kern_bias(0.3))) {
      X0 <- X
      Z0 <- Z
      k0 <- k
      disp0 <- disp
      f <- function(X = X0, Z = Z0, k = k0, mean = qv$mean, chol = qv$chol,
                    disp = disp0, s2 = 0.5) {
        .loglik_nongaussian_c(Y, X, Z, k, code, mean, chol, disp, s2,
                              FALSE)$value
      }
      r <- .loglik_nongaussian_c(Y, X, Z, k, code, qv$mean, qv$chol, disp,
                                 0.5, TRUE)
      with_par <- function(p) {
        kk <- k
        kern_params(kk) <- p
        f(k = kk)
      }
      with_chol <- function(p) {
        L <- qv$chol
        L[idx] <- p
        f(chol = L)
      }
      errs <- c(
        X = rel_err(c(r$X), fd_gradient(function(x) f(X = matrix(x, n)), c(X))),
        Z = rel_err(c(r$inducing),
                    fd_gradient(function(z) f(Z = matrix(z, m)), c(Z))),
        kernel = rel_err(r$kernel, fd_gradient(with_par, kern_params(k))),
        mean = rel_err(c(r$mean), fd_gradient(function(p) f(mean = matrix(p, m)),
                                              c(qv$mean))),
        chol = rel_err(r$chol[idx], fd_gradient(with_chol, qv$chol[idx])),
        size = if (code == 4L) {
          rel_err(r$dispersion, fd_gradient(function(p) f(disp = p), disp))
        } else 0,
        noise = if (code == 0L) {
          rel_err(r$noise, fd_gradient(function(p) f(s2 = p), 0.5))
        } else 0)
      worst <- max(worst, errs)
      expect_true(all(errs < 1e-6), label = paste(code, format(k), errs,
                                                  collapse = " "))
    }
  }
  message(sprintf("non-Gaussian engine: largest gradient error %.2g", worst))
})

test_that("the composed objective's gradient matches finite differences", {
  set.seed(253)
  n <- 10
  d <- 3
  m <- 4
  X <- ng_points(n)
  Z <- ng_points(m)
  for (lik in c("bernoulli", "poisson", "negbin")) {
    Y <- ng_random_data(if (lik == "bernoulli") 1L else 4L, n, d)
    Y[7] <- NA
    term <- .data_nongaussian(lik, if (lik == "bernoulli") "logit" else "log",
                              m, d)
    k <- kern_rbf(1.2, 0.9)
    obj <- .gplvm_objective(Y, k, 1, "noise", TRUE, 2L, data = term)
    par <- obj$par(X, Z, k, 1)
    par <- par + stats::rnorm(length(par), sd = 0.1)
    err <- rel_err(obj$gr(par), fd_gradient(obj$fn, par))
    expect_lt(err, 1e-6)
    expect_length(.data_names(term, n, 2L), .data_npar(term, n, 2L))
  }
})

test_that("with the Gaussian likelihood at its optimal q(u) the bound is VFE", {
  set.seed(254)
  n <- 25
  d <- 4
  m <- 6
  s2 <- 0.3
  X <- ng_points(n)
  Z <- ng_points(m)
  Y <- matrix(stats::rnorm(n * d), n)
  for (k in list(kern_rbf(1.3, 0.8), kern_matern52(0.9, 1.2))) {
    Kzz <- kern_matrix(k, Z)
    Lz <- t(chol(Kzz + diag(1e-8 * mean(diag(Kzz)), m)))
    A <- t(forwardsolve(Lz, t(kern_matrix(k, X, Z))))
    S <- solve(diag(m) + crossprod(A) / s2)
    mean <- S %*% crossprod(A, Y) / s2
    chol <- array(t(chol(S)), c(m, m, d))
    got <- .loglik_nongaussian_c(Y, X, Z, k, 0L, mean, chol, rep(1, d), s2,
                                 TRUE)
    vfe <- gplvm_loglik(Y, X, k, s2, inducing = Z, approx = "vfe")
    expect_equal(got$value, c(vfe), tolerance = 1e-8)
    # the optimum: the gradient in q(v) vanishes
    expect_lt(max(abs(got$mean)), 1e-8 * max(1, abs(got$value)))
  }
})

test_that("binary and Poisson fits recover a 1-D latent better than PCA", {
  for (lik in c("bernoulli", "poisson")) {
    set.seed(255)
    s <- ng_simulate(60, 20, lik)
    fit <- gplvm(s$Y, q = 1, likelihood = lik, inducing = 8)
    expect_equal(fit$optim$convergence, 0L)
    pc <- stats::prcomp(if (lik == "bernoulli") s$Y else log1p(s$Y))$x[, 1]
    rho_fit <- abs(stats::cor(fit$X[, 1], s$t, method = "spearman"))
    rho_pca <- abs(stats::cor(pc, s$t, method = "spearman"))
    message(sprintf("%s: rank correlation with the true latent %.3f (PCA %.3f)",
                    lik, rho_fit, rho_pca))
    expect_gt(rho_fit, rho_pca)
    expect_gt(rho_fit, 0.9)
  }
})

test_that("back-constrained non-Gaussian fits converge", {
  set.seed(258)
  s <- ng_simulate(40, 10, "poisson")
  for (back in c("mlp", "kernel")) {
    fit <- gplvm(s$Y, q = 1, likelihood = "poisson", inducing = 6,
                 back = back)
    expect_equal(fit$optim$convergence, 0L)
    expect_equal(predict(fit, newdata = s$Y), fit$X, tolerance = 1e-8,
                 ignore_attr = TRUE)
    # refined: each row's own optimum, near the map's value
    Xr <- predict(fit, newdata = s$Y[1:5, ], refine = TRUE)
    expect_lt(max(abs(Xr - fit$X[1:5, ])), 0.5)
  }
})

test_that("negative binomial and probit fits converge, with NA entries", {
  set.seed(256)
  Y <- ng_simulate(40, 10, "poisson", na = 5)$Y
  fit <- gplvm(Y, q = 1, likelihood = "negbin", inducing = 6)
  expect_equal(fit$optim$convergence, 0L)
  expect_length(fit$size, 10L)
  expect_true(all(fit$size > 0))
  expect_equal(sum(is.na(residuals(fit))), 5L)
  expect_true(all(is.finite(fitted(fit))))
  expect_error(gplvm_impute(fit), "non-Gaussian.*fitted")
  # the PCA start reads the SVD-imputed data, which may leave the range
  Yi <- matrix(c(-0.4, 3, 1, 2, 0, 5, 1.2, -2), 4)
  for (lik in c("poisson", "bernoulli")) {
    term <- .data_nongaussian(lik, "log", 3L, 2L)
    expect_silent(st <- .data_start(term, "pca", Yi, 1L, 1))
    expect_true(all(is.finite(st$X)))
  }
  s <- ng_simulate(40, 10, "bernoulli")
  fit <- gplvm(s$Y > 0, q = 1, likelihood = "bernoulli", link = "probit",
               inducing = 6)
  expect_equal(fit$optim$convergence, 0L)
  expect_identical(fit$link, "probit")
})

test_that("methods: predictions on the data scale, residuals, bound", {
  set.seed(257)
  s <- ng_simulate(40, 10, "poisson")
  fit <- gplvm(s$Y, q = 1, likelihood = "poisson", inducing = 6)
  expect_equal(fit$optim$convergence, 0L)
  expect_s3_class(fit, c("ngplvm", "gplvm"))
  p <- predict(fit, newlatent = fit$X[1:4, , drop = FALSE],
               interval = "confidence", se.fit = TRUE)
  link <- predict(fit, newlatent = fit$X[1:4, , drop = FALSE], type = "link",
                  se.fit = TRUE)
  # rates: exp(mu + v / 2), inside the interval exp(mu -+ z sd) of f
  expect_equal(p$fit, exp(link$fit + link$se.fit^2 / 2))
  expect_true(all(p$lwr < p$fit & p$fit < p$upr * exp(link$se.fit^2)))
  expect_equal(fitted(fit), predict(fit, newlatent = fit$X))
  r <- residuals(fit)
  expect_equal(r, (s$Y - fitted(fit)) / sqrt(fitted(fit)))
  expect_equal(residuals(fit, type = "response"), s$Y - fitted(fit))
  ll <- logLik(fit)
  expect_true(attr(ll, "bound"))
  expect_equal(c(ll), fit$loglik)
  expect_equal(attr(ll, "nobs"), 40L)
  # projection of training rows lands near their fitted positions
  Xp <- predict(fit, newdata = s$Y[c(5, 20, 35), ])
  expect_lt(max(abs(Xp - fit$X[c(5, 20, 35), ])), 0.2)
  # a continued fit keeps its likelihood and q(u): it stops at once
  again <- gplvm(s$Y, init = fit)
  expect_s3_class(again, "ngplvm")
  expect_equal(again$optim$convergence, 0L)
  expect_lt(again$optim$evaluations, 50L)
  expect_equal(again$objective, fit$objective, tolerance = 1e-4)
  expect_output(print(summary(fit)), "lower bound")
  expect_output(print(fit), "poisson")
  expect_false(any(grepl("Noise", utils::capture.output(print(fit)))))
  expect_identical(coef(fit), kern_params(fit$kernel))
  # the model has no noise variance and the fit holds none; one given it
  # is refused as damaged
  expect_null(fit$noise)
  noisy <- fit
  noisy$noise <- 1
  expect_error(print(noisy), "damaged gplvm fit: invalid noise")
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  expect_error(plot(fit), NA)
  # Bernoulli probabilities lie in (0, 1)
  b <- ng_simulate(30, 8, "bernoulli")
  fb <- gplvm(b$Y, q = 1, likelihood = "bernoulli", inducing = 5)
  expect_equal(fb$optim$convergence, 0L)
  pb <- fitted(fb)
  expect_true(all(pb > 0 & pb < 1))
})

test_that("a Gaussian fit without its noise variance is refused as damaged", {
  set.seed(31)
  Y <- make_scurve(30)$Y
  for (inducing in list(NULL, 6L)) {
    fit <- gplvm(Y, q = 2, inducing = inducing)
    expect_equal(fit$optim$convergence, 0L)
    expect_gt(fit$noise, 0)
    fit$noise <- NULL
    expect_error(print(fit), "damaged gplvm fit: invalid noise")
  }
})

test_that("data checks name the column; unsupported combinations are refused", {
  Y <- matrix(c(0, 1, 1, 0, 2, 1), 3)
  expect_error(gplvm(Y, likelihood = "bernoulli"), "column 2")
  expect_error(gplvm(data.frame(a = 1:3, b = c(1.5, 2, 3)),
                     likelihood = "poisson"), "column 'b'.*whole numbers")
  expect_error(gplvm(data.frame(a = 1:3, b = c(-1, 2, 3)),
                     likelihood = "negbin"), "column 'b'")
  expect_error(gplvm(data.frame(a = factor(c("x", "y", "z")), b = 1:3),
                     likelihood = "bernoulli"), "column 'a'.*two levels")
  expect_error(gplvm(Y, likelihood = "binomial"), "'likelihood'")
  expect_error(gplvm(Y, likelihood = "poisson", link = "logit"), "'link'")
  ok <- matrix(c(0, 1, 1, 0, 1, 1, 0, 0, 1), 3)
  expect_error(gplvm(ok, q = 1, likelihood = "bernoulli", bayesian = TRUE),
               "'likelihood'.*'bayesian'")
  expect_error(gplvm(ok, q = 1, likelihood = "bernoulli", approx = "fitc"),
               "'likelihood'")
  expect_error(gplvm(ok, q = 1, likelihood = "bernoulli", scale = TRUE),
               "'scale'")
  expect_error(gplvm(ok, q = 1, likelihood = "bernoulli",
                     kernel = kern_rbf() + kern_white(0.1)), "kern_white")
  # logical and two-level factor columns are taken as 0/1
  df <- data.frame(a = c(TRUE, FALSE, TRUE, TRUE),
                   b = factor(c("n", "y", "y", "n")))
  expect_equal(unname(.nongaussian_data(df, "bernoulli")),
               cbind(c(1, 0, 1, 1), c(0, 1, 1, 0)))
})
