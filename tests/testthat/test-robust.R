# Robustness: numerical edge cases, arguments left untouched, serialisation,
# interrupts and determinism.

# Finite value and gradient, equal to the plain-R twin.
expect_matches_reference <- function(Y, X, k, noise) {
  ll <- gplvm_loglik(Y, X, k, noise, gradient = TRUE)
  g <- attr(ll, "gradient")
  expect_true(fuzz_all_finite(list(c(ll), g)))
  ref <- .loglik_r(Y, X, k, noise)
  expect_equal(c(ll), ref$loglik, tolerance = 1e-9)
  expect_equal(g$X, ref$X, tolerance = 1e-8, ignore_attr = TRUE)
  expect_equal(unname(g$kernel), ref$kernel, tolerance = 1e-8)
  expect_equal(g$noise, ref$noise, tolerance = 1e-8)
  invisible(ll)
}

robust_kernel <- function(q) {
  kern_rbf(1.1, seq(0.8, 1.6, length.out = q)) + kern_linear(0.4) +
    kern_bias(0.2)
}

test_that("degenerate but legal data give finite values equal to R's", {
  set.seed(81)
  n <- 10
  Y <- matrix(rnorm(n * 4), n, 4)
  X <- matrix(rnorm(n * 2), n, 2)
  k <- robust_kernel(2)
  # duplicate rows in Y and in X
  Yd <- Y
  Yd[2, ] <- Yd[1, ]
  Xd <- X
  Xd[2, ] <- Xd[1, ]
  expect_matches_reference(Yd, Xd, k, 0.1)
  # constant columns: in Y, in X, and all of X
  expect_matches_reference(cbind(Y, 3), X, k, 0.1)
  expect_matches_reference(Y, cbind(X[, 1], 0.5), k, 0.1)
  expect_matches_reference(Y, matrix(1, n, 2), k, 0.1)
  # N = 2, D = 1, q = D, D >> N
  expect_matches_reference(Y[1:2, ], X[1:2, ], k, 0.1)
  expect_matches_reference(Y[, 1, drop = FALSE], X, k, 0.1)
  expect_matches_reference(Y[, 1:2], X, k, 0.1)
  expect_matches_reference(matrix(rnorm(5 * 300), 5, 300), X[1:5, ], k, 0.1)
  # one point, one latent dimension
  expect_matches_reference(Y[1, , drop = FALSE], X[1, 1, drop = FALSE],
                           robust_kernel(1), 0.1)
})

test_that("scaling the data by 1e6 or 1e-6 shifts the log-likelihood exactly", {
  set.seed(82)
  n <- 12
  d <- 3
  Y <- matrix(rnorm(n * d), n, d)
  X <- matrix(rnorm(n * 2), n, 2)
  k <- robust_kernel(2)
  ll <- gplvm_loglik(Y, X, k, 0.1, gradient = TRUE)
  for (s in c(1e6, 1e-6)) {
    # K scales by s^2 when every variance and the noise do
    ks <- k
    p <- kern_params(k)
    var <- grepl("variance", names(p))
    kern_params(ks) <- ifelse(var, p * s^2, p)
    lls <- gplvm_loglik(Y * s, X, ks, 0.1 * s^2, gradient = TRUE)
    expect_equal(c(lls), c(ll) - n * d * log(s), tolerance = 1e-10)
    expect_equal(attr(lls, "gradient")$X, attr(ll, "gradient")$X,
                 tolerance = 1e-8)
    expect_equal(attr(lls, "gradient")$noise * s^2,
                 attr(ll, "gradient")$noise, tolerance = 1e-8)
  }
})

test_that("extreme but legal values fail clearly or give finite results", {
  set.seed(83)
  Y <- matrix(rnorm(12), 6, 2)
  X <- matrix(rnorm(12), 6, 2)
  cases <- list(
    list(Y * 1e300, X, kern_rbf(), 0.1),
    list(Y * 1e-300, X, kern_rbf(), 0.1),
    list(Y, X * 1e300, kern_rbf(), 0.1),
    list(Y, X * 1e300, kern_linear(), 0.1),
    list(Y, X, kern_rbf(1e308, 1), 0.1),
    list(Y, X, kern_rbf(1e308, 1), 1e308),
    list(Y, X, kern_rbf(1, 1e-308), 0.1),
    list(Y, X, kern_rbf(1, 1e308), 1e-308),
    list(Y, X, kern_matern32(1e-308, 1), 1e-308),
    list(Y, X, kern_matern52(1, 5e-324), 0.1),
    list(Y, X, kern_linear(1e-308), 1e-308),
    list(Y, X, kern_bias(1e300) + kern_white(1e-300), 1e-300))
  outcome <- character()
  for (cs in cases) {
    # the only warning allowed is the one that reports jitter (the noise
    # floor now carries all of these cases without it)
    r <- tryCatch(withCallingHandlers(
      gplvm_loglik(cs[[1]], cs[[2]], cs[[3]], cs[[4]], gradient = TRUE),
      warning = function(w) {
        expect_match(conditionMessage(w), "added jitter")
        outcome <<- c(outcome, "jitter")
        invokeRestart("muffleWarning")
      }), error = function(e) e)
    if (inherits(r, "error")) {
      expect_match(conditionMessage(r), "covariance matrix|log-likelihood")
      outcome <- c(outcome, "error")
    } else {
      expect_true(fuzz_all_finite(list(c(r), attr(r, "gradient"))))
      outcome <- c(outcome, "finite")
    }
    K <- tryCatch(kern_matrix(cs[[3]], cs[[2]]), error = function(e) NULL)
    expect_true(is.null(K) || all(is.finite(K)))
  }
  expect_true(all(c("error", "finite") %in% outcome))
})

test_that("no function modifies its arguments", {
  set.seed(84)
  Y <- matrix(rnorm(30), 10, 3)
  X <- matrix(rnorm(20), 10, 2, dimnames = list(letters[1:10], NULL))
  Xi <- matrix(1:20, 10, 2)
  k <- kern_rbf(1, c(1, 2)) + kern_linear(c(0.5, 0.2)) + kern_white(0.1)
  v <- c(2, 1, 3, 0.4, 0.3, 0.2)
  args <- list(Y = Y, X = X, Xi = Xi, k = k, v = v)
  keep <- unserialize(serialize(args, NULL))
  for (i in 1:2) {
    gplvm_loglik(Y, X, k, 0.1, gradient = TRUE)
    gplvm_loglik(Y, Xi, k, 0.1)
    kern_matrix(k, X)
    kern_matrix(k, X, Xi)
    kern_params(k)
    k2 <- k
    kern_params(k2) <- v
    k + k
    format(k)
    utils::capture.output(print(k))
  }
  expect_identical(list(Y = Y, X = X, Xi = Xi, k = k, v = v), keep)
})

test_that("kernels survive saveRDS/readRDS", {
  set.seed(85)
  X <- matrix(rnorm(20), 10, 2)
  Y <- matrix(rnorm(30), 10, 3)
  k <- kern_matern52(2, c(1, 3)) + kern_bias(0.3) + kern_white(0.05)
  f <- tempfile(fileext = ".rds")
  on.exit(unlink(f))
  saveRDS(k, f)
  k2 <- readRDS(f)
  expect_identical(k2, k)
  expect_identical(kern_matrix(k2, X), kern_matrix(k, X))
  expect_identical(gplvm_loglik(Y, X, k2, 0.1, TRUE),
                   gplvm_loglik(Y, X, k, 0.1, TRUE))
})

test_that("repeated calls give identical results", {
  set.seed(86)
  Y <- matrix(rnorm(200), 40, 5)
  X <- matrix(rnorm(120), 40, 3)
  for (k in test_kernels()) {
    first <- gplvm_loglik(Y, X, k, 0.1, gradient = TRUE)
    K <- kern_matrix(k, X)
    for (i in 1:3) {
      again <- gplvm_loglik(Y, X, k, 0.1, gradient = TRUE)
      expect_equal(again, first, tolerance = 1e-12)
      expect_equal(kern_matrix(k, X), K, tolerance = 1e-12)
    }
  }
})

test_that("long kernel computations stop at an interrupt, and work after it", {
  set.seed(87)
  # The C loop checks for interrupts every 256 columns of X2 (32 checks
  # here).  The .Call is made directly, so that an interrupt raised before
  # it returns can only come from a check inside C: without those checks
  # the result would be assigned and only later R code would notice.
  q <- 800
  X <- matrix(rnorm(1000 * q), 1000, q)
  X2 <- matrix(rnorm(8192 * q), 8192, q)
  k <- kern_matern32(1, 10)
  spec <- .kernel_spec(k, q)
  small <- X2[1:50, 1:3]
  before <- kern_matrix(kern_matern32(1, 2), small)
  K <- NULL
  r <- run_interrupted(K <- .Call(C_gplvm_kern_matrix_call, X, X2,
                                  spec$type, spec$npar, spec$par))
  expect_identical(r, "interrupt")
  expect_null(K)
  expect_identical(kern_matrix(kern_matern32(1, 2), small), before)
})

test_that("an interrupted threaded evaluation leaves its workspace usable", {
  set.seed(89)
  old <- options(gplvm.threads = 2L)
  on.exit(options(old))
  n <- 2000
  Y <- matrix(rnorm(n * 3), n, 3)
  X <- matrix(rnorm(n * 2), n, 2)
  k <- kern_rbf(1, c(1, 2)) + kern_bias(0.1)
  spec <- .kernel_spec(k, 2L)
  ws <- .loglik_workspace()
  small <- list(Y = Y[1:200, ], X = X[1:200, ])
  before <- .loglik_c(small$Y, small$X, k, 0.1, TRUE)
  res <- NULL
  r <- run_interrupted(res <- .Call(C_gplvm_loglik_call, Y, X, spec$type,
                                    spec$npar, spec$par, 0.1, 3, TRUE, 2L,
                                    ws))
  expect_identical(r, "interrupt")
  expect_null(res)
  expect_identical(.loglik_c(small$Y, small$X, k, 0.1, TRUE, workspace = ws),
                   before)
})

test_that("bugs found by fuzzing stay fixed", {
  set.seed(88)
  X <- matrix(rnorm(10), 5, 2)
  broken <- kern_rbf()
  broken$params$lengthscale <- -1
  expect_error(broken + kern_bias(), "'e1'.*positive")
  expect_error(kern_bias() + structure("rbf", class = "gplvm_kernel"),
               "'e2'")
  # fields matched exactly, not partially
  partial <- structure(list(types = "rbf",
                            paramsx = list(variance = 1, lengthscale = 1)),
                       class = "gplvm_kernel")
  expect_error(kern_params(partial), "'kernel'")
  expect_error(kern_matrix(partial, X), "'kernel'")
  # overflow is an error, not a silent NaN matrix
  expect_error(kern_matrix(kern_linear(), X * 1e200), "not finite")
  expect_error(kern_matrix(kern_linear(), X * 1e200, X * 1e200), "not finite")
})

# ---- the fit ----

quiet_fit <- function(..., scale = FALSE) stopped_early(gplvm(..., scale = scale))

expect_usable_fit <- function(fit) {
  expect_s3_class(fit, "gplvm")
  expect_true(fuzz_all_finite(unclass(fit)[c("X", "noise", "loglik",
                                             "alpha", "chol")]))
  expect_true(all(kern_params(fit$kernel) > 0))
  expect_true(all(is.finite(fitted(fit))))
  expect_true(all(is.finite(predict(fit, newlatent = fit$X[1, , drop = FALSE],
                                    se.fit = TRUE)$se.fit)))
}

test_that("degenerate but legal data fit or fail clearly", {
  set.seed(91)
  Y <- matrix(rnorm(40), 10, 4)
  Yd <- Y
  Yd[2, ] <- Yd[1, ]
  expect_usable_fit(quiet_fit(Yd, maxit = 50))                 # duplicate rows
  expect_usable_fit(quiet_fit(Y[rep(1:2, 5), ], maxit = 50))   # two distinct
  expect_usable_fit(quiet_fit(cbind(Y, 3), maxit = 50))        # constant column
  expect_usable_fit(quiet_fit(cbind(Y, 3), scale = TRUE, maxit = 50))
  expect_error(gplvm(matrix(3, 10, 4)), "'Y'.*constant")
  expect_usable_fit(quiet_fit(Y[1:2, ], q = 1, maxit = 50))    # N = 2
  expect_usable_fit(quiet_fit(Y[1:2, ], q = 2, maxit = 50))
  expect_error(gplvm(Y[1, , drop = FALSE]), "'Y'")             # N = 1
  expect_usable_fit(quiet_fit(Y, q = 4, maxit = 50))           # q = D
  expect_error(gplvm(Y, q = 5), "'q'")
  expect_usable_fit(quiet_fit(Y[, 1, drop = FALSE], q = 1, maxit = 50))  # D = 1
  expect_usable_fit(quiet_fit(matrix(rnorm(6 * 300), 6, 300), maxit = 50))
})

test_that("scaling the data by 1e6 or 1e-6 scales the fit exactly", {
  set.seed(92)
  Y <- matrix(rnorm(45), 15, 3)
  # reltol 1e-8: every fit runs its 60 iterations.  Scaling Y by s adds
  # N D log(s) to the objective, so a relative stopping rule loose enough
  # to stop before 60 could stop the fits at different iterations
  f0 <- quiet_fit(Y, maxit = 60, reltol = 1e-8)
  for (s in c(1e6, 1e-6)) {
    f <- quiet_fit(Y * s, maxit = 60, reltol = 1e-8)
    expect_equal(f$loglik + 15 * 3 * log(s), f0$loglik, tolerance = 1e-6)
    expect_equal(fitted(f) / s, fitted(f0), tolerance = 1e-6)
    expect_equal(f$noise / s^2, f0$noise, tolerance = 1e-6)
  }
})

test_that("gplvm() and the methods leave their arguments untouched", {
  set.seed(93)
  Y <- matrix(rnorm(36), 12, 3, dimnames = list(letters[1:12], NULL))
  df <- as.data.frame(Y)
  k <- kern_rbf(1, c(1, 2)) + kern_bias(0.1)
  init <- matrix(rnorm(24), 12, 2)
  keep <- unserialize(serialize(list(Y, df, k, init), NULL))
  fit <- quiet_fit(Y, kernel = k, init = init, maxit = 20)
  quiet_fit(df, kernel = k, maxit = 5)
  expect_identical(list(Y, df, k, init), keep)
  keep_fit <- unserialize(serialize(fit, NULL))
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  plot(fit, resolution = 5)
  utils::capture.output(print(fit), print(summary(fit)))
  coef(fit)
  logLik(fit)
  residuals(fit)
  newdata <- Y[1:3, ] + 0.1
  keep_new <- newdata
  stopped_early(predict(fit, newdata = newdata, maxit = 5))
  predict(fit, newlatent = init[1:2, ], se.fit = TRUE)
  expect_identical(fit, keep_fit)
  expect_identical(newdata, keep_new)
})

test_that("exact and sparse fits survive saveRDS/readRDS", {
  set.seed(94)
  Y <- matrix(rnorm(45), 15, 3)
  f <- tempfile(fileext = ".rds")
  on.exit(unlink(f))
  Xs <- matrix(rnorm(6), 3, 2)
  for (fit in list(quiet_fit(Y, maxit = 40),
                   quiet_fit(Y, maxit = 40, inducing = 5, approx = "vfe"))) {
    saveRDS(fit, f)
    back <- readRDS(f)
    expect_identical(back, fit)
    expect_identical(predict(back, newlatent = Xs, se.fit = TRUE),
                     predict(fit, newlatent = Xs, se.fit = TRUE))
    expect_identical(stopped_early(predict(back, newdata = Y[1:4, ],
                                              maxit = 20)),
                     stopped_early(predict(fit, newdata = Y[1:4, ],
                                              maxit = 20)))
    expect_identical(fitted(back), fitted(fit))
  }
})

test_that("repeated fits give identical results", {
  set.seed(95)
  Y <- matrix(rnorm(60), 20, 3)
  a <- quiet_fit(Y, maxit = 50)
  b <- quiet_fit(Y, maxit = 50)
  expect_equal(b$loglik, a$loglik, tolerance = 1e-12)
  expect_equal(b$X, a$X, tolerance = 1e-12)
  expect_equal(coef(b), coef(a), tolerance = 1e-12)
})

test_that("a long fit stops at an interrupt, and a later fit is identical", {
  set.seed(96)
  Y <- matrix(rnorm(300 * 5), 300, 5)
  short <- quiet_fit(Y[1:40, ], maxit = 30)
  fit <- NULL
  r <- run_interrupted(fit <- gplvm(Y, maxit = 10000))
  expect_identical(r, "interrupt")
  expect_null(fit)
  again <- quiet_fit(Y[1:40, ], maxit = 30)
  expect_identical(again[names(again) != "time"], short[names(short) != "time"])
})

test_that("bugs found by fuzzing the fit stay fixed", {
  set.seed(97)
  Y <- matrix(rnorm(40), 10, 4)
  expect_error(gplvm(Y, maxit = 1e10), "'maxit'")
  expect_error(gplvm(Y, trace = .Machine$integer.max + 1), "'trace'")
  expect_error(gplvm(Y[1:2, ], q = 3), "'q'.*between 1 and 2")
  expect_error(gplvm(Y * 1e160), "'Y'.*scale")
  expect_error(gplvm(Y * 1e-200), "'Y'.*scale")
  expect_error(gplvm(matrix(3, 10, 4)), "'Y'.*constant")
  df_kernel <- structure(list(type = "rbf",
                              params = list(variance = 1, lengthscale = 1)),
                         class = c("gplvm_kernel", "data.frame"))
  expect_error(gplvm(Y, kernel = df_kernel), "'kernel'")
  fit <- quiet_fit(Y, maxit = 10)
  broken <- fit
  broken$noise <- "a"
  expect_error(predict(broken), "'object'.*noise")
  broken <- fit
  broken$X <- fit$X * 1e300
  expect_error(summary(broken), "'object'.*X")
  expect_error(nobs(structure(list(), class = "gplvm")), "'object'")
  expect_error(predict(fit, newdata = Y * 1e200), "'newdata'")
})

test_that("results do not depend on the number of threads", {
  set.seed(98)
  # option gplvm.threads sets the threads of the C loops (when built with
  # OpenMP); the reductions are ordered, so results must agree to 1e-12
  old <- options(gplvm.threads = 1L)
  on.exit(options(old))
  Y <- matrix(rnorm(300), 60, 5)
  X <- matrix(rnorm(180), 60, 3)
  run <- function(threads) {
    options(gplvm.threads = threads)
    list(lapply(test_kernels(), function(k) {
      list(kern_matrix(k, X), kern_matrix(k, X, X[1:7, ]),
           gplvm_loglik(Y, X, k, 0.1, gradient = TRUE),
           gplvm_loglik(Y, X, k, 0.1, gradient = TRUE, inducing = X[1:9, ],
                        approx = "fitc"))
    }), coef(quiet_fit(Y[1:30, ], maxit = 20)))
  }
  one <- run(1L)
  for (threads in c(2L, 3L, 8L)) {
    expect_equal(run(threads), one, tolerance = 1e-12)
  }
})

test_that("sparse fits of degenerate data fit or fail clearly, and scale", {
  set.seed(99)
  Y <- matrix(rnorm(60), 15, 4)
  Yd <- Y
  Yd[2, ] <- Yd[1, ]
  expect_usable_fit(quiet_fit(Y, inducing = 1, maxit = 30))
  expect_usable_fit(quiet_fit(Y, inducing = 15, maxit = 30))
  expect_usable_fit(quiet_fit(Y, inducing = matrix(0, 4, 2), maxit = 30))
  expect_usable_fit(quiet_fit(Yd, inducing = 5, approx = "fitc", maxit = 30))
  expect_usable_fit(quiet_fit(cbind(Y, 1), inducing = 5, approx = "dtc",
                              maxit = 30))
  expect_usable_fit(quiet_fit(Y[1:2, ], q = 1, inducing = 2, maxit = 30))
  expect_usable_fit(quiet_fit(matrix(rnorm(1200), 6, 200), inducing = 3,
                              maxit = 30))
  expect_error(gplvm(Y, inducing = 4, kernel = kern_white()), "'kernel'")
  fits <- lapply(c(1, 1e6, 1e-6), function(s) {
    set.seed(100)
    quiet_fit(Y * s, inducing = 5, maxit = 40,
              reltol = 1e-8)  # 1e-8: see the scaling test above
  })
  for (i in 2:3) {
    s <- c(1, 1e6, 1e-6)[i]
    expect_equal(fits[[i]]$loglik + 60 * log(s), fits[[1]]$loglik,
                 tolerance = 1e-6)
  }
})
