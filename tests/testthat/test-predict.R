test_that("training rows map back close to their fitted latent positions", {
  set.seed(1)
  s <- make_scurve(40)
  fit <- stopped_early(gplvm(s$Y, q = 2, maxit = 300))
  Xp <- predict(fit, newdata = s$Y)
  expect_equal(dim(Xp), dim(fit$X))
  err <- sqrt(rowSums((Xp - fit$X)^2))
  nn <- as.matrix(dist(fit$X))
  diag(nn) <- Inf
  # closer to their own fitted position than to the nearest other point
  expect_lt(median(err / apply(nn, 1, min)), 0.5)
  expect_identical(predict(fit), fit$X)
})

test_that("new points land next to their nearest training points", {
  set.seed(2)
  s <- make_scurve(50)
  fit <- stopped_early(gplvm(s$Y[-(1:5 * 9), ], q = 1, maxit = 300))
  Xp <- predict(fit, newdata = s$Y[1:5 * 9, ])
  expect_equal(dim(Xp), c(5L, 1L))
  # order along the curve is kept
  all_x <- c(fit$X[, 1], Xp[, 1])
  all_t <- c(s$t[-(1:5 * 9)], s$t[1:5 * 9])
  expect_gt(abs(cor(all_x, all_t, method = "spearman")), 0.99)
})

test_that("the projection objective's gradient matches finite differences", {
  set.seed(3)
  k_list <- list(kern_rbf(1, c(1, 2)) + kern_bias(0.1),
                 kern_mlp(1, c(0.5, 2), 0.5) + kern_rq(0.5, 0.8, 2),
                 kern_periodic(1, c(1, 2), 3) + kern_linear(0.3),
                 kern_matern32(1, 0.7) + kern_linear(c(0.5, 0.2)),
                 kern_matern52(2, 1.1) + kern_white(0.01))
  for (k in k_list) {
    fit <- small_fit(kernel = k, noise = 0.1, fixed = "noise")
    Ys <- scale(as.matrix(iris[c(2, 60, 120), 1:4]), fit$center, FALSE)
    obj <- gplvm:::.project_objective(fit, Ys)
    x <- rnorm(6, sd = 0.5)
    expect_equal(obj$gr(x), fd_gradient(obj$fn, x), tolerance = 1e-6)
  }
})

test_that("newlatent gives means, their standard errors and intervals", {
  set.seed(4)
  fit <- small_fit(scale = TRUE)
  Xs <- rbind(fit$X[1:3, ], far = c(1e3, 1e3))
  p <- predict(fit, newlatent = Xs)
  expect_equal(dim(p), c(4L, 4L))
  expect_equal(colnames(p), colnames(iris)[1:4])
  expect_equal(p[1:3, ], fitted(fit)[1:3, ])
  ps <- predict(fit, newlatent = Xs, se.fit = TRUE)
  expect_named(ps, c("fit", "se.fit", "residual.scale"))
  expect_equal(ps$fit, p)
  # se.fit is the posterior sd of f (no noise), times each column's scale,
  # against a plain-R reference
  K <- kern_matrix(fit$kernel, fit$X) + diag(fit$noise, nrow(fit$X))
  Ks <- kern_matrix(fit$kernel, Xs, fit$X)
  v <- diag(kern_matrix(fit$kernel, Xs)) - rowSums(Ks * t(solve(K, t(Ks))))
  expect_equal(ps$se.fit, outer(sqrt(v), fit$scale), tolerance = 1e-6,
               ignore_attr = TRUE)
  expect_equal(dimnames(ps$se.fit), dimnames(p))
  expect_equal(ps$residual.scale, sqrt(fit$noise) * fit$scale)
  expect_named(ps$residual.scale, colnames(p))
  # far from the data the mean's sd is nearly the prior sd of f
  v_f <- coef(fit)[["variance"]]
  expect_equal(unname(ps$se.fit["far", ]), unname(sqrt(v_f) * fit$scale),
               tolerance = 0.01)
  pi <- predict(fit, newlatent = Xs, interval = "prediction", level = 0.9)
  expect_named(pi, c("fit", "lwr", "upr"))
  sd_new <- sqrt(ps$se.fit^2 + rep(ps$residual.scale^2, each = 4))
  expect_equal(pi$upr, p + qnorm(0.95) * sd_new)
  expect_equal(pi$lwr, p - qnorm(0.95) * sd_new)
  ci <- predict(fit, newlatent = Xs, interval = "confidence", se.fit = TRUE)
  expect_named(ci, c("fit", "se.fit", "residual.scale", "lwr", "upr"))
  expect_equal(ci$upr, p + qnorm(0.975) * ps$se.fit)
  # at the data the mean is known better than a new observation
  expect_true(all(ps$se.fit[1:3, ] < rep(ps$residual.scale, each = 3)))
})

test_that("newlatent may be a vector: one point, or one per element for q = 1", {
  set.seed(5)
  fit <- small_fit()
  expect_equal(predict(fit, newlatent = fit$X[2, ]),
               predict(fit, newlatent = fit$X[2, , drop = FALSE]),
               ignore_attr = TRUE)
  expect_error(predict(fit, newlatent = c(0, 0, 0)), "'newlatent'.*2")
  fit1 <- small_fit(q = 1)
  x <- c(a = -0.1, b = 0, c = 0.1)
  p <- predict(fit1, newlatent = x)
  expect_equal(dim(p), c(3L, 4L))
  expect_equal(rownames(p), names(x))
  expect_equal(p, predict(fit1, newlatent = matrix(x)), ignore_attr = TRUE)
})

test_that("newdata's columns are matched by name, else counted", {
  set.seed(6)
  fit <- small_fit()
  new <- iris[c(4, 77, 140), 1:4]
  ref <- predict(fit, newdata = new)
  expect_equal(predict(fit, newdata = new[, 4:1]), ref)
  expect_equal(predict(fit, newdata = iris[c(4, 77, 140), 5:1]), ref)
  expect_equal(predict(fit, newdata = as.matrix(new[, c(2, 1, 4, 3)])), ref)
  renamed <- stats::setNames(new, c("a", "b", "c", "d"))
  expect_error(predict(fit, newdata = renamed),
               "'newdata' lacks the training columns 'Sepal.Length'")
  # without names on one side, by position
  expect_equal(predict(fit, newdata = unname(as.matrix(new))), ref,
               ignore_attr = TRUE)
  expect_error(predict(fit, newdata = unname(as.matrix(new))[, 1:3]),
               "'newdata' must have 4 columns")
  set.seed(7)
  Y <- unname(as.matrix(iris[seq(1, 150, 5), 1:4]))
  fit_unnamed <- stopped_early(gplvm(Y, maxit = 30))
  expect_equal(predict(fit_unnamed, newdata = new),
               predict(fit_unnamed, newdata = unname(as.matrix(new))),
               ignore_attr = TRUE)
})

test_that("bad arguments to predict give errors naming them", {
  set.seed(5)
  fit <- small_fit()
  expect_error(predict(fit, newdata = iris[1:3, 1:3]),
               "'newdata' lacks the training column 'Petal.Width'")
  expect_error(predict(fit, newdata = unname(as.matrix(iris[1:3, 1:3]))),
               "'newdata'.*4")
  expect_error(predict(fit, newlatent = matrix(0, 2, 3)), "'newlatent'.*2")
  expect_error(predict(fit, newlatent = "a"), "'newlatent'")
  expect_error(predict(fit, newdata = iris[1:3, 1:4],
                       newlatent = fit$X[1:3, ]), "'newdata'")
  expect_error(predict(fit, newlatent = fit$X, se.fit = NA), "'se.fit'")
  expect_error(predict(fit, newdata = iris[1:3, 1:4], maxit = 0), "'maxit'")
  # misspelt or unknown arguments are errors, not silently ignored
  expect_error(predict(fit, new.data = iris[1:3, 1:4]),
               "unknown argument: 'new.data'")
  expect_error(predict(fit, newlatent = fit$X, foo = TRUE, bar = 3),
               "unknown arguments: 'foo', 'bar'")
  # se.fit and interval do not apply to latent positions
  expect_error(predict(fit, newdata = iris[1:3, 1:4], se.fit = TRUE),
               "'se.fit' and 'interval' apply to 'newlatent' only")
  expect_error(predict(fit, se.fit = TRUE), "'se.fit'")
  expect_error(predict(fit, newlatent = fit$X, interval = "bogus"),
               "'interval' must be one of")
  expect_error(predict(fit, newlatent = fit$X, interval = "prediction",
                       level = 1), "'level'")
})

test_that("MLP, rational quadratic and periodic kernels fit, predict, project and plot, exact and sparse", {
  set.seed(6)
  i <- seq(1, 150, 5)
  Y <- as.matrix(iris[i, 1:4])
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  kernels <- list(mlp = kern_mlp(1, c(1, 1), 1) + kern_bias(0.1),
                  rq = kern_rq(1, c(1, 1), 1) + kern_bias(0.1),
                  periodic = kern_periodic(1, c(1, 1), 4) + kern_bias(0.1))
  for (nm in names(kernels)) {
    for (m in list(NULL, 8)) {
      # hyperparameters held (their gradients are checked in
      # test-likelihood.R and test-sparse.R): on 30 points they drift on
      # for thousands of iterations, while the latent positions converge
      fit <- gplvm(Y, kernel = kernels[[nm]], inducing = m, noise = 0.05,
                   fixed = c(names(kern_params(kernels[[nm]])), "noise"),
                   reltol = 1e-8)
      expect_identical(fit$optim$convergence, 0L)
      expect_gt(fit$loglik, fit$loglik_init)
      p <- predict(fit, newlatent = fit$X[1:3, ], se.fit = TRUE)
      expect_true(all(is.finite(p$fit)) && all(p$se.fit > 0))
      Ys <- scale(Y[c(2, 9, 20), ], fit$center, FALSE)
      obj <- .project_objective(fit, Ys)
      x <- c(fit$X[c(2, 9, 20), ]) + rnorm(6, sd = 0.05)
      expect_lt(rel_err(obj$gr(x), fd_gradient(obj$fn, x)), 1e-6)
      expect_true(all(is.finite(predict(fit, newdata = Y[1:2, ]))))
      expect_silent(plot(fit, resolution = 8))
    }
  }
})
