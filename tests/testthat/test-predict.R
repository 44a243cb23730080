test_that("training rows map back close to their fitted latent positions", {
  set.seed(1)
  s <- make_scurve(40)
  fit <- suppressWarnings(gplvm(s$Y, q = 2, maxit = 300))
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
  fit <- suppressWarnings(gplvm(s$Y[-(1:5 * 9), ], q = 1, maxit = 300))
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
                 kern_matern32(1, 0.7) + kern_linear(c(0.5, 0.2)),
                 kern_matern52(2, 1.1) + kern_white(0.01))
  for (k in k_list) {
    fit <- small_fit(kernel = k, noise = 0.1, fixed = "noise")
    Ys <- scale(as.matrix(iris[c(2, 60, 120), 1:4]), fit$center, FALSE)
    obj <- gplvm:::.project_objective(fit, Ys, chol2inv(fit$chol))
    x <- rnorm(6, sd = 0.5)
    expect_equal(obj$gr(x), num_grad(obj$fn, x), tolerance = 1e-6)
  }
})

test_that("newlatent gives means and standard deviations", {
  set.seed(4)
  fit <- small_fit(scale = TRUE)
  Xs <- rbind(fit$X[1:3, ], far = c(50, 50))
  p <- predict(fit, newlatent = Xs)
  expect_equal(dim(p), c(4L, 4L))
  expect_equal(colnames(p), colnames(iris)[1:4])
  expect_equal(p[1:3, ], fitted(fit)[1:3, ])
  ps <- predict(fit, newlatent = Xs, se.fit = TRUE)
  expect_named(ps, c("fit", "se.fit"))
  expect_equal(ps$fit, p)
  expect_true(all(ps$se.fit > 0))
  # far from the data the prediction is the prior: mean near the centre,
  # sd near the prior sd
  expect_true(all(ps$se.fit["far", ] > 3 * ps$se.fit[1, ]))
  v <- sum(coef(fit)[c("variance", "noise")])
  expect_equal(unname(ps$se.fit["far", ]),
               unname(sqrt(v) * fit$scale), tolerance = 0.05)
  # sd scales with the column's sd
  expect_equal(unname(ps$se.fit[1, ] / ps$se.fit[1, 1]),
               unname(fit$scale / fit$scale[1]))
})

test_that("bad arguments to predict give errors naming them", {
  set.seed(5)
  fit <- small_fit()
  expect_error(predict(fit, newdata = iris[1:3, 1:3]), "'newdata'.*4")
  expect_error(predict(fit, newdata = iris[1:3, ]), "'newdata'")
  expect_error(predict(fit, newlatent = matrix(0, 2, 3)), "'newlatent'.*2")
  expect_error(predict(fit, newlatent = "a"), "'newlatent'")
  expect_error(predict(fit, newdata = iris[1:3, 1:4],
                       newlatent = fit$X[1:3, ]), "'newdata'")
  expect_error(predict(fit, newlatent = fit$X, se.fit = NA), "'se.fit'")
  expect_error(predict(fit, newdata = iris[1:3, 1:4], maxit = 0), "'maxit'")
})
