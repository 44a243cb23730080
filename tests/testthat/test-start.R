spectral_start <- gplvm:::.spectral_start

circle <- function(n) {
  t <- 2 * pi * (seq_len(n) - 1) / n
  cbind(cos(t), sin(t), 0)
}

test_that("points on a circle start on a circle, in their order", {
  n <- 200
  X <- spectral_start(circle(n), q = 2, k = 4)
  # the graph is circulant, so its two leading non-trivial eigenvectors
  # span cos and sin of the angle: each column sd 1 gives radius
  # sqrt(2 (n - 1) / n) for every point
  radius <- sqrt(rowSums(X^2))
  expect_equal(radius, rep(sqrt(2 * (n - 1) / n), n), tolerance = 1e-8)
  expect_equal(colMeans(X), c(0, 0), tolerance = 1e-10)
  # consecutive points are 2 pi / n apart in angle, all turning one way
  step <- diff(atan2(X[, 2], X[, 1]))
  step <- (step + pi) %% (2 * pi) - pi
  expect_equal(abs(step), rep(2 * pi / n, n - 1), tolerance = 1e-6)
  expect_length(unique(sign(step)), 1L)
})

test_that("two well-separated clusters fall on either side of zero", {
  set.seed(1)
  Y <- rbind(matrix(rnorm(150), 50), matrix(rnorm(150, mean = 12), 50))
  X <- spectral_start(Y, q = 1, k = 10)
  a <- X[1:50, 1]
  b <- X[51:100, 1]
  expect_true(max(a) < min(b) || max(b) < min(a))
  # nearly two points: the spread within a cluster is small against the gap
  expect_lt(max(sd(a), sd(b)), 0.05 * abs(mean(a) - mean(b)))
})

test_that("a path of points starts in its order", {
  Y <- cbind(seq(0, 1, length.out = 80), 0)
  X <- spectral_start(Y, q = 1, k = 3)
  expect_true(all(diff(X[, 1]) > 0) || all(diff(X[, 1]) < 0))
})

test_that("the start depends on distances only, and is the same every call", {
  set.seed(2)
  t <- sort(runif(120, 0, 3 * pi))
  Y <- cbind(t * cos(t), t * sin(t), rnorm(120, sd = 0.1))  # a spiral
  seed <- .Random.seed
  X1 <- spectral_start(Y, q = 2, k = 8)
  expect_identical(.Random.seed, seed)  # draws no random numbers
  expect_identical(spectral_start(Y, q = 2, k = 8), X1)
  R <- qr.Q(qr(matrix(rnorm(9), 3)))
  X2 <- spectral_start(sweep(Y %*% R, 2L, c(5, -3, 2), `+`), q = 2, k = 8)
  expect_equal(X2, X1, tolerance = 1e-6)
  # columns centred with sd 1, each with its largest entry positive
  expect_equal(apply(X1, 2L, sd), c(1, 1), tolerance = 1e-12)
  expect_equal(colMeans(X1), c(0, 0), tolerance = 1e-12)
  expect_true(all(X1[cbind(apply(abs(X1), 2L, which.max), 1:2)] > 0))
})

test_that("above n_dense rows, landmarks keep a circle's order", {
  n <- 300
  X <- spectral_start(circle(n), q = 2, k = 4, n_dense = 100L)
  step <- diff(atan2(X[, 2], X[, 1]))
  step <- (step + pi) %% (2 * pi) - pi
  # every step turns the same way by about 2 pi / n
  expect_length(unique(sign(step)), 1L)
  expect_equal(abs(step), rep(2 * pi / n, n - 1), tolerance = 0.05)
  # averaging the nearest landmarks on the arc pulls a row inwards by
  # 0 to 3.4% (measured), depending on where it sits between them
  radius <- sqrt(rowSums(X^2))
  expect_lt(diff(range(radius)) / mean(radius), 0.05)
  # the landmarks alone: the dense start of every third point
  L <- seq(1, n, by = 3)
  dense <- spectral_start(circle(n)[L, ], q = 2, k = 4)
  expect_equal(sqrt(rowSums(dense^2)), rep(sqrt(2 * 99 / 100), 100),
               tolerance = 1e-8)
})

test_that("rows equal to landmarks, and far ones, get finite starts", {
  Y <- circle(120)[rep(1:120, each = 3), ]  # every row three times
  Y <- rbind(Y, c(100, 0, 0))               # and one far from the rest
  X <- spectral_start(Y, q = 2, k = 4, n_dense = 60L)
  expect_true(all(is.finite(X)))
  # equal rows start at equal places
  expect_equal(X[1, ], X[3, ])
  expect_equal(apply(X, 2L, sd), c(1, 1), tolerance = 1e-12)
})

test_that("a disconnected graph still gives a finite start", {
  set.seed(3)
  Y <- rbind(matrix(rnorm(60), 20), matrix(rnorm(60, 50), 20),
             matrix(rnorm(60, -50), 20))
  X <- spectral_start(Y, q = 2, k = 5)
  expect_true(all(is.finite(X)))
  # the three groups sit apart
  groups <- rep(1:3, each = 20)
  centre <- rowsum(X, groups) / 20
  spread <- max(sqrt(rowSums((X - centre[groups, ])^2)))
  expect_gt(min(dist(centre)), 10 * spread)
})

test_that("bad arguments are refused with their names", {
  Y <- circle(20)
  expect_error(spectral_start(Y, q = 0), "'q'")
  expect_error(spectral_start(Y, q = 19), "'q'")
  expect_error(spectral_start(Y, q = 1.5), "'q'")
  expect_error(spectral_start(Y, q = 2, k = 0), "'k'")
  expect_error(spectral_start(Y, q = 2, k = 20), "'k'")
  expect_error(spectral_start(Y, q = 2, k = 4, n_dense = 5), "'n_dense'")
  expect_error(spectral_start(Y[1:2, ], q = 1, k = 1), "'Y'")
  expect_error(spectral_start("a", q = 1), "'Y'")
  Y[3, 1] <- NA
  expect_error(spectral_start(Y, q = 2), "'Y'")
  expect_error(spectral_start(matrix(1, 10, 2), q = 1, k = 3), "'Y'")
})

test_that("gplvm(init = \"spectral\") starts from the spectral start", {
  set.seed(31)
  Y <- scale(as.matrix(iris[seq(1, 150, 3), 1:4]))
  fit <- gplvm(Y, 2, init = "spectral")
  expect_identical(fit$optim$convergence, 0L)
  expect_equal(unname(fit$X_init), .spectral_start(fit$Y, 2),
               tolerance = 1e-12)
  expect_gt(fit$loglik, fit$loglik_init)
  # the Bayesian start takes it as its means, of standard deviation 1
  b <- gplvm(Y, 2, init = "spectral", bayesian = TRUE, inducing = 10,
             prune = FALSE)
  expect_identical(b$optim$convergence, 0L)
  expect_equal(unname(b$X_init), .spectral_start(b$Y, 2), tolerance = 1e-12)
  expect_error(gplvm(Y, 2, init = "umap"), "'init' must be .*\"spectral\"")
})

test_that("restarts start diverse but good: none ends far below the PCA start", {
  # random restarts ended at objectives 215 and 230 against the PCA
  # start's 430 (issue 23); the spectral and reweighted-PCA starts do not
  set.seed(1)
  fit <- gplvm(iris[, 1:4], q = 2, restarts = 3)
  expect_equal(fit$optim$convergence, 0L)
  expect_length(fit$restarts, 3L)
  expect_gt(min(fit$restarts), 0.9 * fit$restarts[1L])
  expect_identical(fit$objective, max(fit$restarts))
})

test_that("restart starts: the spectral start second, then reweighted PCA", {
  set.seed(5)
  Y <- scale(as.matrix(iris[, 1:4]), scale = FALSE)
  restart_start <- gplvm:::.restart_start
  expect_identical(restart_start(2L, Y, 2L, 1), spectral_start(Y, 2L))
  X3 <- restart_start(3L, Y, 2L, 0.5)
  X4 <- restart_start(4L, Y, 2L, 0.5)
  expect_equal(apply(X3, 2L, sd), c(0.5, 0.5), tolerance = 1e-10)
  # different from each other, each near the data's principal plane
  expect_gt(sqrt(mean((X3 - X4)^2)), 0.01)
  pc <- prcomp(Y)$x[, 1:2]
  expect_gt(min(cancor(X3, pc)$cor), 0.8)
  expect_gt(min(cancor(X4, pc)$cor), 0.8)
  # too few rows for 15 neighbours: restart 2 is a reweighted PCA start
  small <- Y[1:12, ]
  expect_equal(dim(restart_start(2L, small, 2L, 1)), c(12L, 2L))
})
