# The posterior object (R/posterior.R) and what the methods of a fit ask
# its data term and latent term (R/data_term.R, R/gpdm.R): predict, plot,
# magnification, imputation, print and summary call these instead of
# testing which kind a fit is.

# The fits of every data term, small and stopped early (not converged: the
# posterior of any parameters will do), with and without missing entries.
posterior_fits <- function() {
  set.seed(31)
  i <- seq(1, 150, 5)
  Y <- as.matrix(iris[i, 1:4])
  Yna <- Y
  Yna[c(3, 40, 77, 95)] <- NA
  fit <- function(Y, ...) stopped_early(gplvm(Y, q = 2, maxit = 40, ...))
  list(exact = fit(Y), vfe = fit(Y, inducing = 8),
       fitc = fit(Y, inducing = 8, approx = "fitc"),
       dtc = fit(Y, inducing = 8, approx = "dtc"),
       bayes = fit(Y, bayesian = TRUE, inducing = 8, prune = FALSE),
       exact_na = fit(Yna), vfe_na = fit(Yna, inducing = 8))
}

# Plain-R posterior mean and variance of the latent function at Xs for a
# fit of the exact or a sparse model (every column from all rows; jitter
# left out), in model units.  Lambda: VFE and DTC noise, FITC per row.
posterior_r <- function(fit, Xs) {
  k <- function(A, B = A) .kern_matrix_r(fit$kernel, A, B)
  kss <- diag(k(Xs))
  Y <- fit$Y
  if (is.null(fit$inducing)) {
    K <- k(fit$X) + diag(fit$noise, nrow(fit$X))
    Ks <- k(Xs, fit$X)
    return(list(mean = Ks %*% solve(K, Y),
                var = kss - rowSums(Ks * t(solve(K, t(Ks))))))
  }
  Z <- fit$inducing
  Kzz <- k(Z)
  Kxz <- k(fit$X, Z)
  lambda <- rep(fit$noise, nrow(Y))
  if (fit$approx == "fitc") {
    lambda <- lambda + diag(k(fit$X)) -
      rowSums(Kxz * t(solve(Kzz, t(Kxz))))
  }
  B <- Kzz + crossprod(Kxz / lambda, Kxz)
  Ksz <- k(Xs, Z)
  list(mean = Ksz %*% solve(B, crossprod(Kxz, Y / lambda)),
       var = kss - rowSums(Ksz * t((solve(Kzz) - solve(B)) %*% t(Ksz))))
}

test_that("the posterior's mean and variance are the model's, every kind", {
  fits <- posterior_fits()
  set.seed(32)
  Xs <- matrix(rnorm(10), 5, 2)
  worst <- 0
  for (kind in c("exact", "vfe", "fitc", "dtc")) {
    fit <- fits[[kind]]
    post <- .posterior(fit)
    expect_s3_class(post, "gplvm_posterior")
    ref <- posterior_r(fit, Xs)
    mean <- .post_mean(post, Xs)
    var <- .post_variance(post, Xs)
    expect_equal(mean, ref$mean, tolerance = 1e-6, ignore_attr = TRUE,
                 info = kind)
    # the sparse models' jitter on k(Z, Z), which the reference leaves
    # out, moves their variances by about 1e-6 of their size
    expect_equal(var, ref$var, tolerance = 1e-5, info = kind)
    worst <- max(worst, max(abs(mean - ref$mean)) / max(abs(ref$mean)),
                 max(abs(var - ref$var)) / max(abs(ref$var)))
    # predict() is the mean on the original scale, se.fit the variance's
    # square root: both from these methods
    p <- predict(fit, newlatent = Xs, se.fit = TRUE)
    expect_equal(unname(p$fit), unname(sweep(ref$mean, 2L, fit$center, `+`)),
                 tolerance = 1e-6, info = kind)
    expect_equal(unname(p$se.fit), matrix(sqrt(pmax(ref$var, 0)), 5, 4),
                 tolerance = 1e-5, info = kind)
    # one group of every column: the column variances are the variance
    groups <- .post_groups(post)
    expect_length(groups, 1L)
    expect_identical(groups[[1L]]$cols, 1:4)
    expect_equal(.post_column_variance(post, Xs), matrix(var, 5, 4))
  }
  # the Bayesian posterior: its mean at the training means is what
  # predict(newlatent = ) gives, and its variance is that of the projected
  # form with Cfac Cfac' = Kzz^-1 - A^-1, A = Kzz + Psi2 / noise
  fit <- fits$bayes
  post <- .posterior(fit)
  expect_s3_class(post, "gplvm_posterior_projected")
  ps <- .psi_stats(fit$kernel, fit$X, fit$X_var, fit$inducing)
  Kzz <- .kern_matrix_r(fit$kernel, fit$inducing)
  A <- Kzz + ps$psi2 / fit$noise
  Ksz <- .kern_matrix_r(fit$kernel, Xs, fit$inducing)
  mean <- Ksz %*% solve(A, crossprod(ps$psi1, fit$Y)) / fit$noise
  var <- diag(.kern_matrix_r(fit$kernel, Xs)) -
    rowSums(Ksz * t((solve(Kzz) - solve(A)) %*% t(Ksz)))
  expect_equal(.post_mean(post, Xs), mean, tolerance = 1e-6,
               ignore_attr = TRUE)
  expect_equal(.post_variance(post, Xs), var, tolerance = 1e-5)
  expect_equal(unname(predict(fit, newlatent = Xs)),
               unname(sweep(mean, 2L, fit$center, `+`)), tolerance = 1e-6)
  cat(sprintf("posterior mean and variance vs plain R: largest relative error %.1e\n",
              worst))
})

test_that("with missing entries each column's variance is its own", {
  fits <- posterior_fits()
  set.seed(33)
  Xs <- matrix(rnorm(10), 5, 2)
  fit <- fits$exact_na
  post <- .posterior(fit)
  expect_s3_class(post, "gplvm_posterior_missing")
  groups <- .post_groups(post)
  # the patterns partition the columns
  expect_setequal(unlist(lapply(groups, `[[`, "cols")), 1:4)
  expect_gt(length(groups), 1L)
  V <- .post_column_variance(post, Xs)
  for (j in 1:4) {
    ref <- posterior_by_column(fit, j, Xs)  # helper-missing.R
    expect_equal(V[, j], ref$sd_f^2, tolerance = 1e-8)
    expect_equal(unname(.post_mean(post, Xs)[, j]), ref$mean,
                 tolerance = 1e-8)
  }
  # the shared variance (what plot() shades) is that of all rows
  expect_equal(.post_variance(post, Xs), posterior_r(fit, Xs)$var,
               tolerance = 1e-8)
  # the sparse model: one group per pattern, on all the inducing inputs
  sp <- .posterior(fits$vfe_na)
  for (g in .post_groups(sp)) {
    expect_true(isTRUE(g$sub))
    expect_s3_class(g$post, "gplvm_posterior_projected")
  }
  # imputation's standard deviations come from the same groups
  imp <- gplvm_impute(fit)
  miss <- which(is.na(fit$Y), arr.ind = TRUE)
  for (r in seq_len(nrow(miss))) {
    ref <- posterior_by_column(fit, miss[r, 2L],
                               fit$X[miss[r, 1L], , drop = FALSE])
    expect_equal(imp$sd[miss[r, 1L], miss[r, 2L]], ref$sd, tolerance = 1e-8)
  }
})

test_that("the data term describes the fit for print, summary and anova", {
  fits <- posterior_fits()
  labels <- list(
    exact = list(NULL, "Log-likelihood:", TRUE),
    vfe = list("Sparse: variational bound (VFE) with 8 inducing inputs",
               "Log-likelihood bound:", FALSE),
    fitc = list("Sparse: FITC with 8 inducing inputs",
                "Approximate log-likelihood:", FALSE),
    dtc = list("Sparse: DTC with 8 inducing inputs",
               "Approximate log-likelihood:", FALSE),
    bayes = list("Bayesian GP-LVM: q(X) with 8 inducing inputs",
                 "Lower bound on log p(Y):", FALSE))
  for (kind in names(labels)) {
    fit <- fits[[kind]]
    d <- .data_describe(.fit_data_term(fit))
    expect_identical(unname(d), labels[[kind]], info = kind)
    out <- capture.output(print(fit))
    expect_identical(any(grepl(d$model %||% "^Sparse|^Bayesian", out,
                               fixed = !is.null(d$model))),
                     !is.null(d$model), info = kind)
    expect_true(any(startsWith(out, d$value)), info = kind)
    expect_true(any(grepl(d$value, capture.output(print(summary(fit))),
                          fixed = TRUE)), info = kind)
  }
  expect_s3_class(summary(fits$bayes), "summary.bgplvm")
  expect_false(inherits(summary(fits$vfe), "summary.bgplvm"))
  # the relevance: spread in lengthscales, or ARD for the Bayesian model
  # (with the dimensions in use, by which plot() chooses)
  r <- .data_relevance(.fit_data_term(fits$exact), fits$exact)
  expect_identical(r$label, "Relevance")
  expect_null(r$used)
  rb <- .data_relevance(.fit_data_term(fits$bayes), fits$bayes)
  expect_identical(rb$label, "ARD relevance")
  expect_identical(rb$value, .ard_relevance(fits$bayes))
  expect_identical(rb$used, which(rb$value >= .relevance_cutoff))
  expect_output(print(summary(fits$bayes)), "ARD relevance")
  expect_output(print(summary(fits$exact)), "Latent dimension relevance")
  # what the plots draw: the inducing inputs and the variances of q(X)
  expect_null(.data_inducing(.fit_data_term(fits$exact), fits$exact))
  expect_identical(.data_inducing(.fit_data_term(fits$vfe), fits$vfe),
                   fits$vfe$inducing)
  expect_null(.data_latent_var(.fit_data_term(fits$vfe), fits$vfe))
  expect_identical(.data_latent_var(.fit_data_term(fits$bayes), fits$bayes),
                   fits$bayes$X_var)
})

test_that("a fit's term gives gplvm_loglik() its arguments back", {
  fits <- posterior_fits()
  for (kind in c("exact", "vfe", "fitc", "bayes", "exact_na")) {
    fit <- fits[[kind]]
    args <- .fit_loglik_args(fit)
    value <- do.call(gplvm_loglik, args)
    # the fitted loglik holds the data term (and, for the Bayesian model,
    # the KL term, which gplvm_loglik() includes)
    expect_equal(c(value), fit$loglik, tolerance = 1e-8, info = kind)
  }
  # the exact model's gradient in the data: complete data only
  ex <- fits$exact
  g <- attr(gplvm_loglik(ex$Y, ex$X, ex$kernel, ex$noise, gradient = TRUE),
            "gradient")
  expect_identical(dim(g$Y), dim(ex$Y))
  K <- .kern_matrix_r(ex$kernel, ex$X) + diag(ex$noise, nrow(ex$X))
  expect_equal(g$Y, -solve(K, ex$Y), tolerance = 1e-8, ignore_attr = TRUE)
  na <- fits$exact_na
  g <- attr(gplvm_loglik(na$Y, na$X, na$kernel, na$noise, gradient = TRUE),
            "gradient")
  expect_null(g$Y)
})

test_that("the latent term tells print, coef and plot about dynamics", {
  set.seed(34)
  t <- seq(0, 2 * pi, length.out = 20)
  Y <- cbind(cos(t), sin(t), cos(2 * t)) + matrix(rnorm(60, sd = 0.05), 20)
  dyn <- stopped_early(gplvm(Y, q = 2, dynamics = TRUE, maxit = 30))
  plain <- stopped_early(gplvm(Y, q = 2, maxit = 30))
  lt <- .fit_latent_term(dyn)
  expect_s3_class(lt, "gplvm_latent_dynamics")
  tr <- .latent_trajectory(lt, 20L)
  expect_true(tr$show)
  expect_identical(tr$sequence, .fit_dynamics(dyn)$sequence)
  k <- .fit_dynamics(dyn)
  expect_equal(.latent_coef(lt),
               stats::setNames(kern_params(k$kernel(k$par)),
                               paste0("dynamics.",
                                      names(kern_params(k$kernel(k$par))))))
  expect_identical(.latent_coef(lt, fixed = TRUE), "dynamics.white.variance")
  expect_output(print(dyn), "Dynamics \\(GPDM\\)")
  lp <- .fit_latent_term(plain)
  expect_s3_class(lp, "gplvm_latent")
  expect_false(.latent_trajectory(lp, 20L)$show)
  expect_identical(.latent_trajectory(lp, 20L)$sequence, factor(rep(1L, 20)))
  expect_length(.latent_coef(lp), 0L)
  expect_false(any(grepl("Dynamics", capture.output(print(plain)))))
  # a damaged dynamics descriptor is refused, as before
  bad <- dyn
  bad$latent_prior$sequence <- bad$latent_prior$sequence[-1L]
  expect_error(.fit_latent_term(bad), "dynamics do not match")
})
