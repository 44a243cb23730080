test_that("the linear kernel without prior reaches the dual PPCA maximum", {
  set.seed(1)
  n <- 40; d <- 5; q <- 2
  Y <- matrix(rnorm(n * d), n, d) %*% matrix(rnorm(d * d), d)
  Yc <- sweep(Y, 2, colMeans(Y))
  lam <- eigen(tcrossprod(Yc) / d, symmetric = TRUE, only.values = TRUE)$values
  s2 <- sum(lam[-(1:q)]) / (n - q)
  best <- -n * d / 2 * log(2 * pi) -
    d / 2 * (sum(log(lam[1:q])) + (n - q) * log(s2)) - n * d / 2
  for (method in c("L-BFGS-B", "BFGS", "CG", "SCG")) {
    fit <- gplvm(Y, q = q, kernel = kern_linear(), prior = FALSE,
                 noise_prior = 0,
                 reltol = 1e-14, maxit = 5000, method = method,
                 init_sd = 1)
    expect_equal(fit$loglik, best, tolerance = 1e-8)
    expect_equal(fit$noise, s2, tolerance = 1e-4)
    expect_equal(fit$optim$convergence, 0L)
    expect_equal(fit$optim$method, method)
  }
})

test_that("an RBF fit beats its PCA start on an S-curve and orders it better", {
  set.seed(2)
  s <- make_scurve(60)
  fit <- stopped_early(gplvm(s$Y, q = 1, maxit = 300))
  expect_gt(fit$loglik, fit$loglik_init + 100)
  rho <- function(x) abs(stats::cor(x, s$t, method = "spearman"))
  expect_gt(rho(fit$X[, 1]), rho(fit$X_init[, 1]))
  expect_gt(rho(fit$X[, 1]), 0.99)
})

test_that("with D > N the fit uses a factor and its log-likelihood is exact", {
  set.seed(3)
  Y <- matrix(rnorm(12 * 30), 12, 30)
  fit <- stopped_early(gplvm(Y, maxit = 30))
  Yc <- sweep(Y, 2, colMeans(Y))
  expect_equal(fit$loglik,
               gplvm_loglik(Yc, fit$X, fit$kernel, fit$noise),
               tolerance = 1e-10)
  C <- gplvm:::.gram_factor(Yc)
  expect_equal(dim(C), c(12L, 12L))
  expect_equal(tcrossprod(C), tcrossprod(Yc), tolerance = 1e-10)
})

test_that("the objective's gradient matches finite differences", {
  set.seed(4)
  Y <- scale(as.matrix(iris[seq(1, 150, 10), 1:4]), scale = FALSE)
  k <- kern_rbf(1.3, c(0.8, 1.5)) + kern_bias(0.2)
  for (prior in c(TRUE, FALSE)) {
    obj <- gplvm:::.gplvm_objective(Y, k, 0.1, fixed = "bias.variance",
                                    prior = prior, q = 2, trace = 0)
    par <- c(rnorm(nrow(Y) * 2), log(c(1.3, 0.8, 1.5)), log(0.1))
    g <- obj$gr(par)
    expect_equal(length(g), length(par))
    expect_equal(g, fd_gradient(obj$fn, par), tolerance = 1e-6)
  }
})

test_that("fn and gr share one evaluation per parameter vector", {
  set.seed(5)
  Y <- matrix(rnorm(40), 10, 4)
  obj <- gplvm:::.gplvm_objective(Y, kern_rbf(), 0.1, character(), TRUE,
                                  q = 2, trace = 0)
  par <- c(rnorm(20), 0, 0, log(0.1))
  obj$fn(par)
  obj$gr(par)
  obj$fn(par)
  expect_equal(obj$n_eval(), 1L)
  obj$gr(par + 0.1)
  expect_equal(obj$n_eval(), 2L)
  fit <- stopped_early(gplvm(Y, maxit = 20))
  expect_lte(fit$optim$evaluations,
             sum(fit$optim$counts, na.rm = TRUE) + 1L)
})

test_that("fixed hyperparameters and noise stay at their values", {
  set.seed(6)
  Y <- matrix(rnorm(60), 15, 4)
  k <- kern_rbf(1, c(1, 1)) + kern_bias(0.3)
  fit <- stopped_early(gplvm(Y, kernel = k, noise = 0.05, maxit = 30,
                                fixed = c("bias.variance", "noise")))
  expect_identical(fit$noise, 0.05)
  expect_identical(coef(fit)[["bias.variance"]], 0.3)
  expect_false(coef(fit)[["rbf.variance"]] == 1)
  expect_equal(fit$df, 15 * 2 + 3)
})

test_that("inputs, options and warnings behave", {
  set.seed(7)
  df <- as.data.frame(matrix(rnorm(48), 12, 4))
  rownames(df) <- paste0("r", 1:12)
  expect_warning(fit <- gplvm(df, maxit = 2), "did not converge")
  expect_equal(rownames(fit$X), rownames(df))
  expect_equal(dim(fit$X), c(12L, 2L))
  fit2 <- stopped_early(gplvm(df, q = 3, init = "random", maxit = 5,
                                 method = "CG", scale = TRUE))
  expect_equal(dim(fit2$X), c(12L, 3L))
  expect_equal(fit2$optim$method, "CG")
  X0 <- matrix(rnorm(24), 12, 2)
  fit3 <- stopped_early(gplvm(df, init = X0, maxit = 1))
  expect_equal(unname(fit3$X_init), X0)
  expect_output(stopped_early(gplvm(df, maxit = 3, trace = 1)),
                "eval +1 +loglik")
})

test_that("bad arguments give errors naming them", {
  Y <- matrix(rnorm(40), 10, 4)
  expect_error(gplvm(Y, q = 0), "q")
  expect_error(gplvm(Y, q = 5), "'q'")
  expect_error(gplvm(Y, q = 1.5), "'q'")
  expect_error(gplvm(Y[1, , drop = FALSE]), "'Y'")
  expect_error(gplvm(data.frame(a = 1:3, b = letters[1:3])), "'Y'.*b")
  expect_error(gplvm("a"), "'Y'")
  expect_error(gplvm(Y, kernel = 1), "'kernel'")
  expect_error(gplvm(Y, kernel = kern_rbf(lengthscale = 1:3)), "'kernel'")
  expect_error(gplvm(Y, init = "svd"), "'init'")
  expect_error(gplvm(Y, init = matrix(0, 3, 2)), "'init'")
  expect_error(gplvm(Y, noise = -1), "'noise'")
  expect_error(gplvm(Y, scale = NA), "'scale'")
  expect_error(gplvm(Y, prior = "yes"), "'prior'")
  expect_error(gplvm(Y, fixed = "width"), "'fixed'")
  expect_error(gplvm(Y, method = "SANN"), "'method'")
  expect_error(gplvm(Y, maxit = 0), "'maxit'")
  expect_error(gplvm(Y, reltol = 0), "'reltol'")
  expect_error(gplvm(Y, trace = -1), "'trace'")
  expect_error(gplvm(Y, init_sd = 0), "'init_sd'")
  expect_error(gplvm(matrix(1, 5, 3)), "'Y'")
})

test_that("scaled conjugate gradients minimise standard functions", {
  set.seed(8)
  A <- crossprod(matrix(rnorm(25), 5)) + diag(5)
  b <- rnorm(5)
  res <- gplvm:::.scg(rnorm(5), function(x) sum(x * (A %*% x)) / 2 - sum(b * x),
                      function(x) drop(A %*% x) - b, maxit = 500,
                      reltol = 1e-14)
  expect_equal(res$par, solve(A, b), tolerance = 1e-6)
  expect_equal(res$convergence, 0L)
  rosen <- function(x) 100 * (x[2] - x[1]^2)^2 + (1 - x[1])^2
  rosen_gr <- function(x) c(-400 * x[1] * (x[2] - x[1]^2) - 2 * (1 - x[1]),
                            200 * (x[2] - x[1]^2))
  res <- gplvm:::.scg(c(-1.2, 1), rosen, rosen_gr, maxit = 2000,
                      reltol = 1e-16)
  expect_equal(res$par, c(1, 1), tolerance = 1e-4)
  expect_named(res$counts, c("function", "gradient"))
})

test_that("jitter in the fitted covariance is reported once, with a count", {
  cs <- saturated_mlp_case()   # fails even with the noise floor
  obj <- .gplvm_objective(cs$Y, cs$kernel, cs$noise, "noise", FALSE,
                          q = 1, trace = 0)
  res <- obj$eval(c(cs$X, log(kern_params(cs$kernel))))
  expect_gt(res$jitter, 0)
  expect_true(res$jittered)
  w <- .fit_warnings(obj, list(convergence = 0L), res$jitter)
  expect_length(w, 1L)
  expect_match(w, "jitter.*in 1 of 1 evaluations")
  expect_length(.fit_warnings(obj, list(convergence = 0L), 0), 0L)
  # a fixed noise that small is refused before the fit
  expect_error(gplvm(cs$Y, noise = 1e-20, fixed = "noise"),
               "'noise' is fixed")
})

test_that("scaled conjugate gradients treat a failed evaluation as a failed step", {
  f <- function(x) if (any(abs(x) > 5)) stop("out of range") else sum((x - 1)^2)
  res <- gplvm:::.scg(c(-4, 4), f, function(x) 2 * (x - 1), maxit = 200,
                      reltol = 1e-14)
  expect_equal(res$par, c(1, 1), tolerance = 1e-6)
})

test_that("the preconditioned objective is the objective in u = par / s", {
  set.seed(11)
  Y <- make_scurve(40)$Y
  Yc <- sweep(Y, 2L, colMeans(Y))
  obj <- gplvm:::.gplvm_objective(Yc, kern_rbf(), 0.1, "lengthscale", FALSE,
                                  2L)
  X0 <- prcomp(Yc)$x[, 1:2] / sd(prcomp(Yc)$x[, 1])
  par <- obj$par(X0, NULL, kern_rbf(), 0.1)
  expect_identical(obj$hyper, 81:82)
  s <- gplvm:::.precondition_scales(obj, par, obj$hyper)
  expect_length(s, length(par))
  expect_true(all(is.finite(s) & s > 0))
  expect_identical(log2(s), round(log2(s)))  # exact in u * s and par / s
  expect_true(all(s[-obj$hyper] == 1))
  expect_true(any(s[obj$hyper] != 1))
  expect_identical(par / s * s, par)
  pre <- gplvm:::.preconditioned(obj, s)
  u <- par / s
  expect_equal(pre$fn(u), obj$fn(par))
  g <- pre$gr(u)
  fd <- fd_gradient(pre$fn, u)
  expect_equal(g, fd, tolerance = 1e-6)
  # the fit it drives (a sparse fit past gplvm.exact_max rows) converges to
  # an optimum of the same objective
  sparse <- gplvm:::.data_term_of(10, "vfe", FALSE, 40L)
  expect_identical(gplvm:::.data_defaults(sparse, Yc, 2L, 1)$precondition,
                   "none")
  old <- options(gplvm.exact_max = 30)
  on.exit(options(old))
  expect_identical(gplvm:::.data_defaults(sparse, Yc, 2L, 1)$precondition,
                   "hyper")
  set.seed(11)
  fit <- gplvm(Y, q = 2, inducing = 10)
  expect_equal(fit$optim$convergence, 0L)
  obj2 <- gplvm:::.gplvm_objective(fit$Y, fit$kernel, fit$noise,
                                   "lengthscale", FALSE, 2L,
                                   Z0 = fit$inducing)
  # (without the noise prior: the log-likelihood)
  expect_equal(-obj2$fn(obj2$par(fit$X, fit$inducing, fit$kernel,
                                 fit$noise)),
               fit$loglik, tolerance = 1e-10)
})
