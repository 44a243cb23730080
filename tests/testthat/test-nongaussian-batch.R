# Non-Gaussian likelihoods (issue 25) beyond one full-batch process:
# minibatch training (the hook of R/minibatch.R) and evaluation across a
# cluster (the steps of R/cluster.R).  The batch estimate against the
# full bound and finite differences, a step, minibatch fits; the cluster
# evaluation against one process, and cluster fits.

ng_batch_liks <- c(bernoulli = "logit", poisson = "log", negbin = "log")

# Data of a likelihood with NA entries, the term, and a point of the
# composed objective (its latent rows, the engine's Z and the kernel) a
# little away from the start, so that no gradient is special.
ng_batch_case <- function(lik, n = 12, d = 3, m = 4) {
  code <- if (lik == "bernoulli") 1L else if (lik == "poisson") 3L else 4L
  Y <- ng_random_data(code, n, d)
  Y[c(2, n + 5, 2 * n + 6)] <- NA
  term <- .data_nongaussian(lik, ng_batch_liks[[lik]], m, d)
  k <- kern_rbf(1.2, 0.9)
  obj <- .gplvm_objective(Y, k, 1, "noise", TRUE, 2L, data = term)
  par <- obj$par(ng_points(n), ng_points(m), k, 1)
  par <- par + stats::rnorm(length(par), sd = 0.1)
  u <- obj$unpack(par)
  nx <- n * 2L
  nz <- .data_npar(term, n, 2L)
  list(Y = Y, term = term, obj = obj, par = par, u = u,
       slice = par[nx + seq_len(nz)])
}

test_that("a minibatch's estimate averages to the bound over a partition of the rows", {
  set.seed(260)
  for (lik in names(ng_batch_liks)) {
    cs <- ng_batch_case(lik)
    u <- cs$u
    n <- nrow(cs$Y)
    full <- .data_engine(cs$term, cs$Y, ncol(cs$Y), u$X, NULL, u$Z, u$kernel,
                         1, TRUE)
    # three batches of 4 rows, scale N / B = 3: the mean of the estimates
    batches <- split(sample.int(n), rep(1:3, each = 4))
    avg <- list(value = 0, X = 0 * u$X, Z = 0, kernel = 0)
    for (rows in batches) {
      r <- .ng_rows_bound(cs$term, cs$Y[rows, , drop = FALSE],
                          u$X[rows, , drop = FALSE], u$Z, u$kernel, TRUE,
                          n / length(rows))
      avg$value <- avg$value + r$value / 3
      avg$X[rows, ] <- avg$X[rows, ] + r$X / 3
      avg$Z <- avg$Z + r$Z / 3
      avg$kernel <- avg$kernel + r$kernel / 3
    }
    for (f in names(avg)) {
      expect_lt(rel_err(avg[[f]], full[[f]]), 1e-10, label = paste(lik, f))
    }
    # the KL term apart: the bound on all rows with scale 1 is the engine's
    whole <- .ng_rows_bound(cs$term, cs$Y, u$X, u$Z, u$kernel, FALSE, 1)
    expect_lt(rel_err(whole$value, full$value), 1e-12)
    # and against the plain-R twin's KL (helper-nongaussian.R): the bound on
    # the rows with no weight on them
    qv <- attr(u$Z, "q_v")
    kl <- ng_bound_r(cs$Y[0, , drop = FALSE], u$X[0, , drop = FALSE],
                     matrix(u$Z, nrow(u$Z)), u$kernel, 1L, qv$mean, qv$chol,
                     qv$disp)
    expect_equal(.ng_neg_kl(cs$term, u$Z)$value, kl, tolerance = 1e-12)
  }
})

test_that("a minibatch's estimate has the gradient of finite differences", {
  set.seed(261)
  for (lik in names(ng_batch_liks)) {
    cs <- ng_batch_case(lik)
    rows <- c(1L, 2L, 6L, 11L)
    Yb <- cs$Y[rows, , drop = FALSE]
    q <- 2L
    nb <- length(rows) * q
    nz <- length(cs$slice)
    # the batch's latent rows, the term's slice, the log kernel parameters
    at <- function(p) {
      k <- cs$u$kernel
      kern_params(k) <- exp(p[nb + nz + 1:2])
      list(X = matrix(p[seq_len(nb)], length(rows)),
           Z = .data_unpack(cs$term, p[nb + seq_len(nz)], q), kernel = k)
    }
    est <- function(p, gradient) {
      a <- at(p)
      .ng_rows_bound(cs$term, Yb, a$X, a$Z, a$kernel, gradient, 3)
    }
    p0 <- c(cs$u$X[rows, ], cs$slice, log(kern_params(cs$u$kernel)))
    r <- est(p0, TRUE)
    g <- c(r$X, r$Z, r$kernel * kern_params(cs$u$kernel))
    err <- rel_err(g, fd_gradient(function(p) est(p, FALSE)$value, p0))
    expect_lt(err, 1e-6, label = lik)
    message(sprintf("%s minibatch estimate: gradient error %.2g", lik, err))
  }
})

# The minibatch parts of a term for data Y at the objective's start.
ng_batch_parts <- function(cs, batch_size) {
  model <- list(Y = cs$Y, q = 2L, kernel = cs$u$kernel, noise = 1,
                fixed = c("noise"), prior = TRUE, noise_prior = 0,
                data = cs$term)
  .minibatch_term(cs$term, model, cs$obj, batch_size)
}

test_that("a minibatch step moves the batch's latent rows and the global vector, no other rows", {
  set.seed(262)
  cs <- ng_batch_case("negbin")
  parts <- ng_batch_parts(cs, 4L)
  s <- parts$state(cs$par)
  # the state gives the full-batch vector back, and its exact objective
  expect_equal(parts$par(s), cs$par, tolerance = 1e-14)
  expect_equal(parts$bound(s)$objective, -cs$obj$fn(cs$par),
               tolerance = 1e-12)
  X0 <- s$X
  g0 <- s$glob
  rows <- c(3L, 8L, 10L)
  r <- parts$step(s, rows)
  expect_true(is.finite(r$value))
  expect_identical(s$X[-rows, ], X0[-rows, ])
  # Adam's first step moves each coordinate by its step size
  expect_equal(abs(s$X[rows, ] - X0[rows, ]),
               matrix(.minibatch_settings$lr_latent, 3, 2), tolerance = 1e-6)
  moved <- unname(abs(s$glob - g0))
  expect_equal(moved[moved > 0], rep(.minibatch_settings$lr, sum(moved > 0)),
               tolerance = 1e-6)
  # every parameter of the slice (the sizes too) and the free kernel
  # parameter moved; the fixed lengthscale is not in the vector
  expect_gt(sum(moved > 0), length(g0) - 2L)
  expect_null(s$Lambda)
})

test_that("minibatch non-Gaussian fits converge near the full-batch fit, with NA entries", {
  set.seed(263)
  Y <- ng_simulate(40, 8, "poisson", na = 4)$Y
  full <- gplvm(Y, q = 1, likelihood = "poisson", inducing = 5)
  mb <- gplvm(Y, q = 1, likelihood = "poisson", inducing = 5,
              batch_size = 10, epochs = 20)
  expect_identical(full$optim$convergence, 0L)
  expect_identical(mb$optim$convergence, 0L)
  expect_s3_class(mb, "ngplvm")
  expect_identical(mb$minibatch$epochs, 20L)
  expect_identical(mb$minibatch$steps, 80L)
  # its bound is close to the full-batch fit's
  expect_lt(abs(mb$objective - full$objective) / abs(full$objective), 0.02)
  expect_gte(mb$objective, max(mb$minibatch$objective))
  expect_output(print(mb), "Minibatch training: 20 epochs")
  # negative binomial and probit, a back-constraint
  nb <- gplvm(Y, q = 1, likelihood = "negbin", inducing = 5, batch_size = 10,
              epochs = 10)
  expect_identical(nb$optim$convergence, 0L)
  expect_true(all(nb$size > 0))
  b <- ng_simulate(40, 8, "bernoulli")
  pb <- gplvm(b$Y, q = 1, likelihood = "bernoulli", link = "probit",
              inducing = 5, batch_size = 10, epochs = 10, back = "mlp")
  expect_identical(pb$optim$convergence, 0L)
  expect_identical(pb$link, "probit")
})

test_that("across a cluster the non-Gaussian bound and gradient are one process's", {
  cl <- test_cluster()
  on.exit(stop_test_cluster(cl))
  set.seed(264)
  for (lik in names(ng_batch_liks)) {
    cs <- ng_batch_case(lik, n = 15, d = 4)
    u <- cs$u
    one <- .data_engine(cs$term, cs$Y, ncol(cs$Y), u$X, NULL, u$Z, u$kernel,
                        1, TRUE)
    ev <- .cluster_evaluator(cl, cs$Y, term = cs$term)
    two <- ev$eval(cs$term, u$X, NULL, u$Z, u$kernel, 1, TRUE)
    val <- ev$eval(cs$term, u$X, NULL, u$Z, u$kernel, 1, FALSE)
    ev$close()
    for (f in c("value", "X", "Z", "kernel")) {
      expect_lt(rel_err(two[[f]], one[[f]]), 1e-10, label = paste(lik, f))
    }
    expect_lt(rel_err(val$value, one$value), 1e-10)
    expect_identical(two$jitter, one$jitter)
  }
  # wide data (more columns than rows, NA entries): the workers get the
  # entries, not a square factor of Y Y'
  Y <- matrix(stats::rbinom(8 * 20, 1, 0.5), 8, 20)
  Y[c(3, 50)] <- NA
  term <- .data_nongaussian("bernoulli", "logit", 3L, 20L)
  k <- kern_rbf(1.2, 0.9)
  obj <- .gplvm_objective(Y, k, 1, "noise", TRUE, 2L, data = term)
  par <- obj$par(ng_points(8), ng_points(3), k, 1)
  ev <- .cluster_evaluator(cl, Y, term = term)
  spread <- .gplvm_objective(Y, k, 1, "noise", TRUE, 2L, data = term,
                             cluster = ev)
  expect_lt(rel_err(spread$gr(par), obj$gr(par)), 1e-10)
  expect_lt(rel_err(spread$fn(par), obj$fn(par)), 1e-10)
  ev$close()
  # a fit across the cluster converges to the one-process fit
  s <- ng_simulate(30, 6, "poisson")
  Ys <- s$Y
  Ys[c(4, 70)] <- NA
  fits <- expect_cluster_fit(Ys, cl, inducing = 5, likelihood = "poisson")
  expect_s3_class(fits$spread, "ngplvm")
})
