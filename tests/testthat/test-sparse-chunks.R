# The chunked VFE / DTC engine (src/sparse_stats.c): any chunk size, with
# k(X, Z) kept between the passes or computed twice, gives the one-chunk
# result; the three steps run apart (as on a cluster's workers) too.

test_that("the chunked engine equals the one-chunk engine for any chunk size", {
  set.seed(171)
  dat <- sparse_data(n = 23, d = 3, q = 2, m = 5)
  worst <- 0
  for (approx in c("vfe", "dtc")) {
    ks <- sparse_kernels(2)
    for (i in seq_along(ks)) {
      k <- ks[[i]]
      # a linear kernel has rank q: with q inducing inputs or more Q = X X'
      # whatever Z, and dL/dZ = 0 but for rounding; with one it is not
      Z <- if (startsWith(names(ks)[i], "linear")) dat$Z[1, , drop = FALSE]
           else dat$Z
      whole <- .loglik_sparse_c(dat$Y, dat$X, Z, k, 0.3, approx, TRUE,
                                chunk = 1000L, store = TRUE)
      expect_identical(whole$status, 0L)
      for (chunk in c(1L, 4L, 7L, 23L, 24L)) {
        for (store in c(TRUE, FALSE)) {
          part <- .loglik_sparse_c(dat$Y, dat$X, Z, k, 0.3, approx, TRUE,
                                   chunk = chunk, store = store)
          err <- eval_diff(part, whole)
          expect_true(all(err < 1e-10), label = paste(approx, chunk, store,
                                                      names(err)[err >= 1e-10]))
          worst <- max(worst, err)
        }
      }
    }
  }
  message(sprintf("chunked against one chunk: largest relative error %.2g",
                  worst))
})

test_that("the chunked engine equals the dense plain-R twin", {
  set.seed(172)
  dat <- sparse_data(n = 30, d = 4, q = 2, m = 6)
  for (approx in c("vfe", "dtc")) {
    for (k in sparse_kernels(2)[c("rbf_ard", "bias_white_rbf", "matern_bias",
                                  "mlp")]) {
      ll <- .loglik_sparse_c(dat$Y, dat$X, dat$Z, k, 0.2, approx, FALSE,
                             chunk = 7L)$loglik
      ref <- .loglik_sparse_r(dat$Y, dat$X, dat$Z, k, 0.2, approx)
      expect_lt(abs(ll - ref) / abs(ref), 1e-10)
    }
  }
})

test_that("the posterior from the chunked sums equals the dense one", {
  set.seed(174)
  dat <- sparse_data(n = 25, d = 3, q = 2, m = 5)
  k <- kern_rbf(1.2, c(0.8, 1.5)) + kern_bias(0.2) + kern_white(0.05)
  jitter <- 1e-4
  for (approx in c("vfe", "dtc")) {
    post <- .sparse_posterior(dat$Y, dat$X, dat$Z, k, 0.2, approx, jitter)
    kf <- kern_rbf(1.2, c(0.8, 1.5)) + kern_bias(0.2)
    Ri <- backsolve(chol(kern_matrix(kf, dat$Z) + diag(jitter, 5)), diag(5))
    V <- kern_matrix(kf, dat$X, dat$Z) %*% Ri
    dense <- .whitened_posterior(Ri, diag(5) + crossprod(V) / 0.25,
                                 crossprod(V, dat$Y) / 0.25)
    expect_lt(rel_err(post$alpha, dense$alpha), 1e-10)
    expect_lt(rel_err(tcrossprod(post$Cfac), tcrossprod(dense$Cfac)), 1e-10)
    expect_equal(post$noise, 0.25)
  }
})

test_that("pass 1, the global step and pass 2 run apart give the engine's result", {
  set.seed(173)
  dat <- sparse_data(n = 40, d = 3, q = 2, m = 6)
  k <- kern_rbf(1.2, c(0.8, 1.5)) + kern_linear(0.3) + kern_white(0.05)
  spec <- .kernel_spec(k, 2)
  rows <- list(1:13, 14:40)
  fac <- .Call(C_gplvm_sparse_factor_call, dat$Z, spec$type, spec$npar,
               spec$par)
  for (approx in c("vfe", "dtc")) {
    st <- lapply(rows, function(i) {
      .Call(C_gplvm_sparse_stats_call, dat$Y[i, ], dat$X[i, ], dat$Z,
            spec$type, spec$npar, spec$par, fac$Lz, 5L, FALSE)
    })
    total <- function(f) Reduce(`+`, lapply(st, `[[`, f))
    g <- .Call(C_gplvm_sparse_global_call, dat$Z, spec$type, spec$npar,
               spec$par, 0.2, 3, .sparse_codes[[approx]], fac$Lz, fac$rel,
               total("n"), total("psi0"), total("yy"), total("Phi"),
               total("c"), TRUE)
    gr <- lapply(rows, function(i) {
      .Call(C_gplvm_sparse_grad_call, dat$Y[i, ], dat$X[i, ], dat$Z,
            spec$type, spec$npar, spec$par, fac$Lz, g$B, g$C, g$g0, 5L,
            NULL)
    })
    apart <- list(loglik = g$loglik, X = rbind(gr[[1]]$X, gr[[2]]$X),
                  inducing = g$inducing + gr[[1]]$inducing +
                    gr[[2]]$inducing,
                  kernel = g$kernel + gr[[1]]$kernel + gr[[2]]$kernel,
                  noise = g$noise)
    whole <- .loglik_sparse_c(dat$Y, dat$X, dat$Z, k, 0.2, approx, TRUE)
    expect_true(all(eval_diff(apart, whole) < 1e-10))
  }
})

test_that("the steps check their arguments", {
  dat <- sparse_data(n = 10, d = 2, q = 2, m = 3)
  spec <- .kernel_spec(kern_rbf(), 2)
  expect_error(.Call(C_gplvm_sparse_stats_call, dat$Y, dat$X, dat$Z,
                     spec$type, spec$npar, spec$par, diag(3), 0L, FALSE),
               "'chunk'")
  expect_error(.Call(C_gplvm_sparse_stats_call, dat$Y, dat$X, dat$Z,
                     spec$type, spec$npar, spec$par, -diag(3), 5L, FALSE),
               "'Lz'")
  expect_error(.Call(C_gplvm_sparse_global_call, dat$Z, spec$type,
                     spec$npar, spec$par, 0.1, 2, 2L, diag(3), 1e-8, 10, 1,
                     1, diag(3), matrix(0, 3, 2), TRUE), "FITC")
  expect_error(.Call(C_gplvm_sparse_global_call, dat$Z, spec$type,
                     spec$npar, spec$par, 0.1, 2, 1L, diag(3), 1e-8, 10, 1,
                     1, diag(2), matrix(0, 3, 2), TRUE), "'Phi'")
  expect_error(.Call(C_gplvm_sparse_grad_call, dat$Y, dat$X, dat$Z,
                     spec$type, spec$npar, spec$par, diag(3), diag(2),
                     matrix(0, 3, 2), 0, 5L, NULL), "'B'")
  expect_error(.Call(C_gplvm_sparse_grad_call, dat$Y, dat$X, dat$Z,
                     spec$type, spec$npar, spec$par, diag(3), diag(3),
                     matrix(0, 3, 2), 0, 5L, 1:3), "'store'")
})

test_that("a fit's workspace gives the sparse engine fresh memory's results", {
  set.seed(175)
  ws <- .loglik_workspace()
  k <- kern_rbf(1, c(1, 2)) + kern_bias(0.5)
  # sizes that grow the workspace, shrink within it and grow it again; a
  # chunk smaller than N, so pass 2's buffer sits after the store
  for (size in list(c(40, 6), c(25, 4), c(60, 9))) {
    dat <- sparse_data(n = size[1], d = 3, q = 2, m = size[2])
    for (approx in c("vfe", "dtc", "fitc")) {
      fresh <- .loglik_sparse_c(dat$Y, dat$X, dat$Z, k, 0.3, approx, TRUE,
                                chunk = 16L)
      kept <- .loglik_sparse_c(dat$Y, dat$X, dat$Z, k, 0.3, approx, TRUE,
                               chunk = 16L, workspace = ws)
      expect_identical(kept, fresh)
    }
  }
  # freed at the end of a fit, then grown again by the next evaluation
  expect_identical(.workspace_free(ws), as.double(60 * 9 * 3 + 16 * 9))
  expect_identical(.loglik_sparse_c(dat$Y, dat$X, dat$Z, k, 0.3, "vfe", TRUE,
                                    workspace = ws),
                   .loglik_sparse_c(dat$Y, dat$X, dat$Z, k, 0.3, "vfe", TRUE))
  expect_error(.loglik_sparse_c(dat$Y, dat$X, dat$Z, k, 0.3, "vfe", TRUE,
                                workspace = list()), "workspace")
  # without the store (data too large to keep k(X, Z)) the workspace holds
  # one chunk's dL/dKxz only, not the N x M matrices
  lean <- .loglik_workspace()
  for (approx in c("vfe", "fitc")) {
    expect_identical(.loglik_sparse_c(dat$Y, dat$X, dat$Z, k, 0.3, approx,
                                      TRUE, chunk = 16L, store = FALSE,
                                      workspace = lean),
                     .loglik_sparse_c(dat$Y, dat$X, dat$Z, k, 0.3, approx,
                                      TRUE, chunk = 16L, store = FALSE))
  }
  expect_identical(.workspace_free(lean), as.double(16 * 9))
})

test_that("the sparse engine reports kernel values that overflow", {
  set.seed(176)
  # two parts of variance 1e308 sum to Inf in k(Z, Z) and k(X, Z) (9 and
  # 39 entries: the finiteness check's groups of four and its tail)
  dat <- sparse_data(n = 13, d = 2, q = 2, m = 3)
  res <- try(.loglik_sparse_c(dat$Y, dat$X, dat$Z,
                              kern_rbf(1e308, 1) + kern_rbf(1e308, 1), 0.3,
                              "vfe", TRUE), silent = TRUE)
  expect_s3_class(attr(res, "condition"), "gplvm_numerical_error")
})
