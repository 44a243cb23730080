# Missing entries in Y: the likelihood against the column-by-column
# plain-R sum, every gradient component against finite differences for
# several missingness patterns, the unchanged complete-data path, refused
# rows and columns, imputation, projection of new rows with NA.

test_that("with NA the exact log-likelihood is the sum of per-column densities", {
  set.seed(141)
  dat <- missing_test_data(12)
  worst <- 0
  for (Y in dat$Ys) {
    for (k in test_kernels(2)) {
      noise <- runif(1, 0.05, 0.5)
      ref <- loglik_by_column(Y, dat$X, k, noise)
      err <- abs(gplvm_loglik(Y, dat$X, k, noise) - ref) / abs(ref)
      expect_lt(err, 1e-10)
      worst <- max(worst, err)
    }
  }
  message(sprintf("NA: exact vs per-column plain R, largest relative error %.2g",
                  worst))
})

test_that("a pattern with more columns than rows is evaluated from its Gram factor", {
  set.seed(1411)
  Y <- matrix(rnorm(6 * 14), 6, 14)
  Y[cbind(1:3, 1:3)] <- NA          # pattern of 11 complete columns
  X <- matrix(rnorm(12), 6, 2)
  k <- kern_rbf(1, c(0.8, 1.5)) + kern_bias(0.2)
  pats <- .pattern_data(Y, .missing_patterns(Y))
  full <- pats[[4]]                 # after columns 1, 2, 3
  expect_identical(full$cols, 4:14)
  expect_identical(dim(full$Y), c(6L, 6L))
  expect_identical(full$ndim, 11L)
  ref <- loglik_by_column(Y, X, k, 0.3)
  expect_lt(abs(gplvm_loglik(Y, X, k, 0.3) - ref) / abs(ref), 1e-10)
})

test_that("with NA the sparse objectives are sums of per-column ones", {
  set.seed(142)
  dat <- missing_test_data(12)
  ks <- test_kernels(2)[c("rbf_ard", "matern52", "bias_white_rbf")]
  for (Y in dat$Ys) {
    for (approx in c("vfe", "fitc", "dtc")) {
      for (k in ks) {
        ref <- sparse_by_column(Y, dat$X, dat$Z, k, 0.2, approx)
        ll <- gplvm_loglik(Y, dat$X, k, 0.2, inducing = dat$Z,
                           approx = approx)
        expect_lt(abs(ll - ref) / abs(ref), 1e-10)
      }
    }
  }
})

test_that("with NA every gradient component agrees with finite differences", {
  set.seed(143)
  dat <- missing_test_data(10)
  n <- 10
  X <- dat$X
  Z <- dat$Z
  ks <- list(kern_rbf(1.1, c(0.7, 1.2)) + kern_bias(0.3),
             kern_matern32(0.9, 1.4) + kern_linear(c(0.5, 1)) +
               kern_white(0.05))
  worst <- 0
  for (Y in dat$Ys) {
    for (approx in c("exact", "vfe", "fitc", "dtc")) {
      for (k in ks) {
        zz <- if (approx == "exact") NULL else Z
        ll <- function(X, Z, kk, s) {
          gplvm_loglik(Y, X, kk, s, inducing = Z, approx = approx)
        }
        g <- attr(gplvm_loglik(Y, X, k, 0.2, gradient = TRUE, inducing = zz,
                               approx = approx), "gradient")
        f_theta <- function(th) {
          kk <- k
          kern_params(kk) <- th
          ll(X, zz, kk, 0.2)
        }
        fd_theta <- fd_gradient(f_theta, kern_params(k))
        errs <- c(
          rel_err(c(g$X), fd_gradient(function(x) ll(matrix(x, n), zz, k, 0.2),
                                      c(X))),
          max(abs(g$kernel - fd_theta) / pmax(abs(fd_theta), 1e-3)),
          rel_err(g$noise, fd_gradient(function(s) ll(X, zz, k, s), 0.2)),
          if (!is.null(zz)) {
            rel_err(c(g$inducing),
                    fd_gradient(function(z) ll(X, matrix(z, 4), k, 0.2),
                                c(Z)))
          })
        expect_lt(max(errs), 1e-6)
        expect_identical(dim(g$X), dim(X))
        worst <- max(worst, errs)
      }
    }
  }
  message(sprintf("NA: gradients vs finite differences, largest relative error %.2g",
                  worst))
})

test_that("without NA the one-call path is taken and one pattern reproduces it", {
  set.seed(144)
  Y <- matrix(rnorm(30), 10, 3)
  X <- matrix(rnorm(20), 10, 2)
  k <- kern_rbf(1, c(1, 2)) + kern_bias(0.1)
  expect_null(.missing_patterns(Y))
  direct <- .loglik_c(Y, X, k, 0.1, TRUE)
  expect_identical(gplvm_loglik(Y, X, k, 0.1),
                   .loglik_c(Y, X, k, 0.1, FALSE)$loglik)
  # one pattern holding every row and column: the same numbers, bit for bit
  prep <- .data_prepare(.data_exact(), Y)
  prep$blocks <- list(list(rows = 1:10, cols = 1:3, Y = Y, ndim = 3))
  via <- .data_eval(prep, X, NULL, NULL, k, 0.1, TRUE)
  expect_identical(via$value, direct$loglik)
  for (nm in c("X", "kernel", "noise", "jitter")) {
    expect_identical(via[[nm]], direct[[nm]])
  }
  fit <- small_fit()
  expect_null(fit$missing)
})

test_that("columns sharing observed rows are grouped into one pattern", {
  Y <- matrix(1, 6, 5)
  Y[1, c(1, 3)] <- NA
  Y[2, 4] <- NA
  miss <- .missing_patterns(Y)
  expect_length(miss$patterns, 3L)
  expect_identical(lapply(miss$patterns, `[[`, "cols"),
                   list(c(1L, 3L), c(2L, 5L), 4L))
  expect_identical(miss$patterns[[1]]$rows, 2:6)
  expect_identical(miss$patterns[[3]]$rows, c(1L, 3:6))
})

test_that("empty rows and nearly empty columns are refused by name", {
  Y <- matrix(rnorm(24), 8, 3, dimnames = list(letters[1:8], c("u", "v", "w")))
  X <- matrix(rnorm(16), 8, 2)
  Y1 <- Y
  Y1["c", ] <- NA
  expect_error(gplvm(Y1), "'Y' has rows with every entry missing: c")
  expect_error(gplvm_loglik(Y1, X, kern_rbf(), 0.1), "'Y'.*rows.*: c")
  Y2 <- Y
  Y2[-1, "v"] <- NA
  expect_error(gplvm(Y2), "'Y' has columns with fewer than two.*: v")
  expect_error(gplvm_loglik(unname(Y2), X, kern_rbf(), 0.1),
               "'Y' has columns.*: 2")
  expect_error(gplvm(replace(Y, 3, Inf)), "'Y' must not contain infinite")
})

test_that("centring and scaling use each column's observed entries", {
  set.seed(145)
  Y <- as.matrix(iris[seq(1, 150, 5), 1:4])
  Y[sample(length(Y), 12)] <- NA
  expect_warning(fit <- gplvm(Y, scale = TRUE, maxit = 30), "converge")
  expect_equal(fit$center, colMeans(Y, na.rm = TRUE))
  expect_equal(unname(fit$scale), unname(apply(Y, 2, sd, na.rm = TRUE)))
  expect_identical(is.na(fit$Y), is.na(Y))
  expect_identical(fit$missing$mask, is.na(Y))
  expect_output(print(fit), "Missing entries: 12")
})

test_that("fitted values and imputations are each column's posterior from its observed rows", {
  set.seed(146)
  Y <- as.matrix(iris[seq(1, 150, 5), 1:4])
  holes <- sample(length(Y), 15)
  Y[holes] <- NA
  for (sparse in c(FALSE, TRUE)) {
    expect_warning(fit <- gplvm(Y, scale = TRUE, maxit = 40,
                                inducing = if (sparse) 30),
                   "converge")
    f <- fitted(fit)
    expect_true(all(is.finite(f)))
    imp <- gplvm_impute(fit)
    expect_identical(imp$missing, is.na(Y))
    expect_equal(imp$Y[-holes], Y[-holes])
    expect_equal(imp$Y[holes], f[holes])
    expect_true(all(imp$sd[-holes] == 0) && all(imp$sd[holes] > 0))
    se <- predict(fit, newlatent = fit$X, se.fit = TRUE)
    expect_equal(se$fit, f)
    pred_sd <- sqrt(se$se.fit^2 +
                      rep(se$residual.scale^2, each = nrow(se$se.fit)))
    expect_equal(imp$sd[holes], pred_sd[holes])
    expect_true(all(is.na(residuals(fit)[holes])))
    if (sparse) next
    # an exact fit against the plain-R posterior of each column
    for (j in 1:4) {
      post <- posterior_by_column(fit, j, fit$X)
      expect_equal(unname(f[, j]),
                   unname(post$mean * fit$scale[j] + fit$center[j]),
                   tolerance = 1e-8)
      expect_equal(unname(se$se.fit[, j]), unname(post$sd_f * fit$scale[j]),
                   tolerance = 1e-8)
      expect_equal(unname(pred_sd[, j]), unname(post$sd * fit$scale[j]),
                   tolerance = 1e-8)
    }
  }
})

test_that("projection of rows with NA uses their observed columns only", {
  set.seed(147)
  Y <- as.matrix(iris[seq(1, 150, 5), 1:4])
  Y[sample(length(Y), 12)] <- NA
  expect_warning(fit <- gplvm(Y, maxit = 40), "converge")
  Ys <- sweep(as.matrix(iris[c(2, 60, 120), 1:4]), 2, fit$center)
  Ys[1, 2] <- NA
  Ys[3, c(1, 4)] <- NA
  obj <- .project_objective(fit, Ys)
  x <- rnorm(6, sd = 0.5)
  expect_equal(obj$gr(x), fd_gradient(obj$fn, x), tolerance = 1e-6)
  # the value: Gaussian densities of the observed entries, each column's
  # posterior from its own observed training rows, plus the prior if the
  # fit has one
  Xs <- matrix(x, 3)
  ref <- if (fit$prior) sum(Xs^2) / 2 else 0
  for (j in 1:4) {
    post <- posterior_by_column(fit, j, Xs)
    o <- !is.na(Ys[, j])
    ref <- ref - sum(dnorm(Ys[o, j], post$mean[o], post$sd[o], log = TRUE))
  }
  expect_equal(obj$fn(x), ref, tolerance = 1e-10)
  # the sparse model's per-pattern posteriors: gradient
  expect_warning(sp <- gplvm(Y, maxit = 40, inducing = 8), "converge")
  obj <- .project_objective(sp, Ys)
  expect_equal(obj$gr(x), fd_gradient(obj$fn, x), tolerance = 1e-6)
  # complete training data, new rows with NA: one shared variance
  full <- small_fit()
  obj <- .project_objective(full, Ys)
  expect_equal(obj$gr(x), fd_gradient(obj$fn, x), tolerance = 1e-6)
  Ks <- kern_matrix(full$kernel, Xs, full$X)
  sd <- sqrt(diag(kern_matrix(full$kernel, Xs)) + full$noise -
               rowSums(Ks * t(solve(kern_matrix(full$kernel, full$X) +
                                      diag(full$noise, nrow(full$X)),
                                    t(Ks)))))
  mu <- Ks %*% full$alpha
  o <- !is.na(Ys)
  ref <- (if (full$prior) sum(Xs^2) / 2 else 0) -
    sum(dnorm(Ys[o], mu[o], matrix(sd, 3, 4)[o], log = TRUE))
  expect_equal(obj$fn(x), ref, tolerance = 1e-10)
  # through predict(); rows with nothing observed are refused
  new <- iris[c(2, 60, 120), 1:4]
  new[1, 2] <- NA
  for (f in list(fit, sp)) {
    Xp <- predict(f, newdata = new)
    expect_true(all(is.finite(Xp)))
  }
  expect_error(predict(fit, newdata = rbind(new, NA)), "'newdata' has rows")
})

test_that("the exact model warns when patterns are many", {
  set.seed(148)
  Y <- matrix(rnorm(30 * 12), 30, 12)
  Y[cbind(1:12, 1:12)] <- NA
  miss <- .missing_patterns(Y)
  expect_length(miss$patterns, 12L)
  expect_warning(.warn_patterns(miss, sparse = FALSE), "12 distinct.*sparse")
  expect_silent(.warn_patterns(miss, sparse = TRUE))
  expect_silent(.warn_patterns(.missing_patterns(Y[, 1:10]), sparse = FALSE))
})

test_that("a damaged missing-data field is caught", {
  set.seed(149)
  Y <- as.matrix(iris[seq(1, 150, 5), 1:4])
  Y[c(3, 40, 77)] <- NA
  expect_warning(fit <- gplvm(Y, maxit = 20), "converge")
  bad <- fit
  bad$missing <- NULL
  expect_error(fitted(bad), "damaged.*(Y|missing)")
  bad <- fit
  bad$missing$mask[1, 1] <- TRUE
  expect_error(fitted(bad), "damaged.*missing")
  bad <- fit
  bad$missing$jitter <- -1
  expect_error(gplvm_impute(bad), "damaged.*missing")
})

test_that("jitter needed by a pattern's covariance is reported", {
  cs <- saturated_mlp_case()   # fails even with the noise floor
  X <- cs$X
  Y <- cs$Y
  Y[2, 1] <- NA
  expect_warning(ll <- gplvm_loglik(Y, X, cs$kernel, noise = cs$noise,
                                    gradient = TRUE), "jitter")
  expect_true(is.finite(ll) && all(is.finite(attr(ll, "gradient")$X)))
})
