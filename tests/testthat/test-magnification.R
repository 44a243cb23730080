# Magnification factors: the expected metric G = E[J]'E[J] + D Cov[J] of
# the GP map's Jacobian, computed in C (src/magnification.c).

# G and E[J] at the rows of Xs in plain R: the kernel's derivatives from the
# reference (dk/dx) and from .kern_d2 (itself checked against finite
# differences in test-kernels.R); C_inv is K^-1 (exact) or Cfac Cfac'.
metric_r <- function(kernel, Xs, S, alpha, C_inv) {
  q <- ncol(Xs)
  D <- ncol(alpha)
  out <- lapply(seq_len(nrow(Xs)), function(i) {
    dK <- matrix(kern_dx_r(kernel, Xs[i, , drop = FALSE], S)[, , 1], ncol = q)
    EJ <- crossprod(alpha, dK)
    cov <- .kern_d2(kernel, Xs[i, , drop = FALSE])[, , 1] -
      crossprod(dK, C_inv %*% dK)
    list(G = crossprod(EJ) + D * cov, J = EJ)
  })
  list(G = array(unlist(lapply(out, `[[`, "G")), c(q, q, nrow(Xs))),
       J = array(unlist(lapply(out, `[[`, "J")), c(D, q, nrow(Xs))))
}

# An exact posterior for kernel k on random inputs, as a fit holds it.
posterior <- function(k, n, q, D) {
  X <- matrix(rnorm(n * q), n, q)
  Y <- matrix(rnorm(n * D), n, D)
  R <- chol(kern_matrix(k, X) + diag(0.1, n))
  structure(list(X = X, kernel = k, noise = 0.1, chol = R,
                 alpha = backsolve(R, forwardsolve(t(R), Y)),
                 center = numeric(D)), class = "gplvm")
}

test_that("the metric matches a plain-R computation for every kernel, q = 1, 2, 3", {
  set.seed(31)
  worst <- 0
  for (q in 1:3) {
    for (k in test_kernels(q)) {
      fit <- posterior(k, n = 7, q = q, D = 3)
      Xs <- rbind(fit$X[2, ] + 0.1, matrix(rnorm(2 * q), 2, q))
      got <- .metric(fit, Xs)
      ref <- metric_r(k, Xs, fit$X, fit$alpha, chol2inv(fit$chol))
      # E[J] is also the Jacobian of the predictive mean
      fd <- vapply(seq_len(q), function(c) {
        e <- replace(numeric(q), c, 1e-5)
        (.predict_mean(fit, Xs[1, , drop = FALSE] + e) -
           .predict_mean(fit, Xs[1, , drop = FALSE] - e)) / 2e-5
      }, numeric(3))
      errs <- c(rel_err(got$G, ref$G), rel_err(got$J, ref$J))
      expect_lt(errs[1], 1e-10)
      expect_lt(errs[2], 1e-10)
      expect_lt(rel_err(got$J[, , 1], fd), 1e-6)
      # G is symmetric, and positive semi-definite up to rounding
      expect_equal(got$G, aperm(got$G, c(2, 1, 3)), tolerance = 1e-14)
      ev <- apply(got$G, 3, function(g) min(eigen(g, TRUE, TRUE)$values))
      expect_true(all(ev > -1e-8 * max(abs(got$G))))
      worst <- max(worst, errs)
    }
  }
  message(sprintf("metric vs plain R, largest relative error %.2g", worst))
})

test_that("E[J] is the finite-difference Jacobian of predict(newlatent =)", {
  set.seed(32)
  for (q in 1:3) {
    for (fit in list(small_fit(q = q), small_fit(q = q, scale = TRUE),
                     small_fit(q = q, inducing = 8))) {
      Xs <- rbind(fit$X[3, ], colMeans(fit$X) + 0.05)
      J <- .metric(fit, Xs)$J
      scale <- if (is.null(fit$scale)) 1 else fit$scale
      for (i in 1:2) {
        fd <- vapply(seq_len(q), function(c) {
          h <- 1e-5 * max(1, abs(Xs[i, c]))
          e <- replace(numeric(q), c, h)
          (predict(fit, newlatent = Xs[i, ] + e) -
             predict(fit, newlatent = Xs[i, ] - e))[1, ] / (2 * h)
        }, numeric(4))
        # predict() is on the data's scale, J on the model's
        expect_lt(rel_err(J[, , i] * scale, fd), 1e-6)
      }
    }
  }
})

test_that("a sparse fit's metric uses its sparse posterior", {
  set.seed(33)
  fit <- small_fit(q = 2, inducing = 8)
  Xs <- rbind(fit$X[1:2, ], c(0.1, -0.3))
  ref <- metric_r(fit$kernel, Xs, fit$inducing, fit$alpha,
                  tcrossprod(fit$Cfac))
  got <- .metric(fit, Xs)
  expect_lt(rel_err(got$G, ref$G), 1e-10)
  expect_lt(rel_err(got$J, ref$J), 1e-10)
})

test_that("the magnification background shades log10 sqrt(det G) of the plotted dims", {
  set.seed(34)
  fit <- small_fit(q = 3)
  Xs <- rbind(fit$X[1:4, ], colMeans(fit$X))
  G <- .metric(fit, Xs)$G
  dets <- apply(G[c(3, 1), c(3, 1), ], 3, det)
  expect_equal(.log_magnification(fit, Xs, c(3, 1)), 0.5 * log10(dets),
               tolerance = 1e-10)
  expect_equal(.log_magnification(fit, Xs, 2), 0.5 * log10(G[2, 2, ]),
               tolerance = 1e-10)
  sh <- .shading(fit, "magnification", c(3, 1))
  expect_identical(sh$title, c("log10", "sqrt(det G)"))
  g <- .shade_grid(fit, c(3, 1), c(0, 1), c(-1, 1), 3, sh$fun)
  cell <- colMeans(fit$X)
  cell[c(3, 1)] <- c(g$x[2], g$y[3])
  expect_equal(g$z[2, 3], .log_magnification(fit, rbind(cell), c(3, 1)))
  # drawn for q = 2, 3 (an image) and q = 1 (a curve through the points),
  # exact and sparse
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  lab <- iris$Species[seq(1, 150, 5)]
  expect_silent(plot(fit, labels = lab, background = "magnification",
                     resolution = 10))
  expect_silent(plot(small_fit(q = 2, inducing = 8),
                     background = "magnification", resolution = 10))
  fit1 <- small_fit(q = 1)
  expect_silent(plot(fit1, background = "magnification", resolution = 10))
  usr <- graphics::par("usr")
  lm1 <- .log_magnification(fit1, fit1$X, 1)
  expect_true(all(lm1 >= usr[3] & lm1 <= usr[4]))
  expect_error(plot(fit, background = "magnif"), "'background'")
})
