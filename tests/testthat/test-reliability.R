# Regression tests for issue 16: fork safety and bounded threads, the size
# limit of the exact model, silent wrong answers, and messages.

test_that("child processes run and are stopped without GNU timeout", {
  # Before: run_child_r() needed GNU `timeout` and failed without it.  A
  # PATH holding only `sh` hides it.
  bin <- tempfile("gplvm-bin-")
  dir.create(bin)
  on.exit(unlink(bin, recursive = TRUE))
  file.symlink(Sys.which("sh"), file.path(bin, "sh"))
  old <- Sys.getenv("PATH")
  on.exit(Sys.setenv(PATH = old), add = TRUE)
  Sys.setenv(PATH = bin)
  expect_identical(unname(Sys.which("timeout")), "")
  res <- run_child_r("cat('child ran\\n')", seconds = 60)
  expect_identical(res$status, 0L)
  expect_true("child ran" %in% res$output)
  res <- run_child_r("Sys.sleep(30); cat('not stopped\\n')", seconds = 5)
  expect_false(res$status == 0L)
  expect_false("not stopped" %in% res$output)
})

test_that("forked children work after the parent used two threads", {
  # Before: libgomp's pool does not survive fork(), and each mclapply child
  # waited forever at its first parallel region.
  res <- run_child_r(c(
    "options(gplvm.threads = 2)",
    "set.seed(1)",
    "Y <- matrix(rnorm(600), 200, 3)",
    "X <- matrix(rnorm(400), 200, 2)",
    "k <- kern_rbf(1, c(1, 2)) + kern_bias(0.1)",
    "parent <- gplvm_loglik(Y, X, k, 0.1, gradient = TRUE)",
    "kids <- parallel::mclapply(1:2, function(i)",
    "  gplvm_loglik(Y, X, k, 0.1, gradient = TRUE), mc.cores = 2)",
    "fits <- parallel::mclapply(1:2, function(i) gplvm(Y, maxit = 3,",
    "  init = 'random')$loglik, mc.cores = 2)",
    "stopifnot(identical(kids[[1]], parent), identical(kids[[2]], parent),",
    "          all(is.finite(unlist(fits))))",
    "cat('children returned\\n')"), seconds = 120)
  expect_identical(res$status, 0L)
  expect_true("children returned" %in% res$output)
})

test_that("the thread count is capped at what the machine offers", {
  set.seed(161)
  # Before: 1e9 threads asked for 357 GB of scratch; 1e10 gave a coercion
  # warning and "'threads' must be one positive integer".  Now both run,
  # on the capped count, with results identical to one thread.
  Y <- matrix(rnorm(150), 50, 3)
  X <- matrix(rnorm(100), 50, 2)
  k <- kern_rbf(1, c(1, 2)) + kern_linear(0.3)
  old <- options(gplvm.threads = 1L)
  on.exit(options(old))
  one <- gplvm_loglik(Y, X, k, 0.1, gradient = TRUE)
  for (n in list(1000, 1e9, 1e10, 1e300)) {
    options(gplvm.threads = n)
    expect_silent(many <- gplvm_loglik(Y, X, k, 0.1, gradient = TRUE))
    expect_identical(many, one)
  }
  options(gplvm.threads = Inf)
  expect_error(gplvm_loglik(Y, X, k, 0.1), "option 'gplvm.threads'")
  # the count used: at most the processors, and OMP_THREAD_LIMIT
  cores <- parallel::detectCores()
  for (n in c(2L, 1000L, 1e9L, .Machine$integer.max)) {
    used <- .threads_used(n)
    expect_gte(used, 1L)
    expect_lte(used, max(1L, cores))
  }
  res <- run_child_r("cat('used', gplvm:::.threads_used(8L), '\\n')",
                     seconds = 60, env = "OMP_THREAD_LIMIT=1")
  expect_identical(res$status, 0L)
  expect_true("used 1 " %in% res$output)
})

test_that("half the processors by default, 2 under CRAN's limit, 1 on workers", {
  # Before: every processor, which on a busy machine made evaluations on
  # 2 threads 1.6 to 9 times slower than on one (bench/threads.R).
  old <- options(gplvm.threads = NULL)
  on.exit(options(old))
  env <- Sys.getenv("_R_CHECK_LIMIT_CORES_", unset = NA)
  on.exit(if (is.na(env)) Sys.unsetenv("_R_CHECK_LIMIT_CORES_") else
    Sys.setenv(`_R_CHECK_LIMIT_CORES_` = env), add = TRUE)
  Sys.unsetenv("_R_CHECK_LIMIT_CORES_")
  half <- max(1L, parallel::detectCores() %/% 2L)
  expect_identical(.gplvm_threads(), half)
  expect_identical(.threads_used(), .threads_used(half))
  expect_identical(.gplvm_threads(1L), 1L)
  for (v in c("TRUE", "true", "warn")) {
    Sys.setenv(`_R_CHECK_LIMIT_CORES_` = v)
    expect_identical(.gplvm_threads(), min(half, 2L))
    expect_identical(.gplvm_threads(8L), 2L)
    expect_identical(.gplvm_threads(1L), 1L)
  }
  Sys.setenv(`_R_CHECK_LIMIT_CORES_` = "false")
  expect_identical(.gplvm_threads(), half)
  expect_identical(.gplvm_threads(64L), 64L)
  # the option wins over every default
  options(gplvm.threads = 3L)
  Sys.setenv(`_R_CHECK_LIMIT_CORES_` = "TRUE")
  expect_identical(.gplvm_threads(), 3L)
  expect_identical(.gplvm_threads(1L), 3L)
})

test_that("the processors are counted once, not at every evaluation", {
  # Before: detectCores() (a shell on Linux) at every evaluation made a
  # small Bayesian fit 10 to 20 times slower.
  .half_the_processors()
  calls <- new.env()
  calls$n <- 0L
  trace("detectCores", where = asNamespace("parallel"), print = FALSE,
        tracer = bquote(assign("n", get("n", envir = .(calls)) + 1L,
                               envir = .(calls))))
  on.exit(untrace("detectCores", where = asNamespace("parallel")))
  old <- options(gplvm.threads = NULL)
  on.exit(options(old), add = TRUE)
  set.seed(5)
  X <- matrix(rnorm(40), 20)
  for (i in 1:3) {
    gplvm_loglik(matrix(rnorm(60), 20), X, kern_rbf(1, c(1, 1)), 0.1,
                 inducing = X[1:5, ], X_var = X^2 / 10)
  }
  expect_identical(calls$n, 0L)
})

test_that("the exact engine runs on one thread unless the option asks", {
  # the threads the exact engine is given: `default` 1 (its time is the
  # BLAS's); the option still sets it
  seen <- new.env()
  trace(".gplvm_threads", where = asNamespace("gplvm"), print = FALSE,
        exit = bquote(assign("last", returnValue(), envir = .(seen))))
  on.exit(untrace(".gplvm_threads", where = asNamespace("gplvm")))
  old <- options(gplvm.threads = NULL)
  on.exit(options(old), add = TRUE)
  set.seed(3)
  Y <- matrix(rnorm(40), 20)
  X <- matrix(rnorm(20), 20)
  gplvm_loglik(Y, X, kern_rbf(), 0.1)
  expect_identical(seen$last, 1L)
  options(gplvm.threads = 2L)
  gplvm_loglik(Y, X, kern_rbf(), 0.1)
  expect_identical(seen$last, 2L)
})

test_that("the exact model refuses N beyond 46340 before allocating", {
  set.seed(162)
  n <- 46341
  Y <- matrix(rnorm(n * 2), n, 2)
  X <- matrix(rnorm(n), n, 1)
  k <- kern_rbf()
  # before: an attempt to allocate two 16 GB matrices
  expect_error(gplvm_loglik(Y, X, k, 0.1), "'Y'.*46341 rows.*sparse")
  expect_error(gplvm(Y, q = 1, maxit = 1, inducing = NULL),
               "'Y'.*46341 rows.*inducing")
  # C refuses it too
  spec <- .kernel_spec(k, 1L)
  expect_error(.Call(C_gplvm_loglik_call, Y, X, spec$type, spec$npar,
                     spec$par, 0.1, 2, FALSE, 1L, NULL), "46340")
  # the sparse model takes it: O(N M) memory
  Z <- matrix(c(-1, 0, 1), 3, 1)
  ll <- gplvm_loglik(Y, X, k, 0.1, inducing = Z)
  expect_true(is.finite(ll))
})

test_that("relevance is defined when no latent dimension has any spread", {
  set.seed(163)
  Y <- matrix(rnorm(60), 20, 3)
  # a fit whose latent positions are all equal (gplvm() refuses to start
  # from such positions, so the fitted object is given them afterwards)
  fit <- gplvm(Y)
  expect_identical(fit$optim$convergence, 0L)
  fit$X[] <- 0
  rel <- summary(fit)$relevance
  expect_identical(unname(rel), c(0, 0))   # before: NaN NaN
  expect_output(print(summary(fit)), "relevance")
})

test_that("the validator checks the factor's shape, not its N^2 entries", {
  set.seed(164)
  fit <- small_fit()
  Xs <- fit$X[1:4, ]
  ref <- predict(fit, newlatent = Xs, se.fit = TRUE)
  # the methods read only the upper triangle and the diagonal of chol: a
  # lower triangle that is not there (NaN) changes nothing and is not
  # scanned (before: "damaged gplvm fit: invalid chol" after a full scan)
  lower <- fit
  lower$chol[lower.tri(lower$chol)] <- NaN
  expect_identical(predict(lower, newlatent = Xs, se.fit = TRUE), ref)
  # what is checked, in O(N): type, shape, a finite positive diagonal
  for (bad in list(fit$chol[-1, ], fit$chol * 1L > 0, c(fit$chol),
                   `diag<-`(fit$chol, 0), `diag<-`(fit$chol, NaN), NULL)) {
    broken <- fit
    broken["chol"] <- list(bad)
    expect_error(predict(broken, newlatent = Xs), "'object'.*invalid chol")
  }
})

test_that("the exact model's noise floor is in its gradient", {
  set.seed(165)
  # a smooth kernel on 30 close points: K is numerically singular, and the
  # floor of the effective noise carries it (before: jitter, at every
  # perturbed point too)
  n <- 30
  X <- cbind(seq(0, 1, length.out = n), rnorm(n, sd = 0.01))
  Y <- cbind(X[, 1], X[, 1]^2, sin(3 * X[, 1])) +
    0.001 * matrix(rnorm(n * 3), n, 3)
  k <- kern_rbf(1, c(50, 80)) + kern_linear(0.3)
  noise <- 1e-200
  theta <- kern_params(k)
  eval_at <- function(p, grad = FALSE) {
    kk <- k
    kern_params(kk) <- exp(p[2 * n + 1:4])
    .loglik_c(Y, matrix(p[1:(2 * n)], n), kk, exp(p[2 * n + 5]), grad)
  }
  p0 <- c(X, log(theta), log(noise))
  res <- eval_at(p0, TRUE)
  expect_equal(res$jitter, 0)
  g <- c(res$X, res$kernel * theta, res$noise * noise)
  h <- 1e-5
  fd <- vapply(seq_along(p0), function(i) {
    e <- replace(numeric(length(p0)), i, h)
    up <- eval_at(p0 + e)
    down <- eval_at(p0 - e)
    expect_equal(c(up$jitter, down$jitter), c(0, 0))
    (up$loglik - down$loglik) / (2 * h)
  }, numeric(1))
  # 0.28 when the jitter's dependence on the parameters was missing; the
  # differences' own error is about 2e-4 at this cond(K) (~1e9)
  expect_lt(max(abs(g - fd)) / max(abs(fd)), 1e-3)
})

test_that("0-row data frames get the message about rows", {
  fit <- small_fit()
  # before: "must be a numeric matrix or a data frame of numeric columns"
  expect_error(gplvm(iris[0, 1:4]), "'Y' must have at least 2 rows")
  expect_error(predict(fit, newdata = iris[0, 1:4]),
               "'newdata' must have at least 1 row")
  expect_error(gplvm(data.frame(a = integer(0), b = numeric(0))),
               "'Y' must have at least 2 rows")
})

test_that("'approx' must be one of the choices, not several", {
  set.seed(166)
  Y <- matrix(rnorm(40), 20, 2)
  X <- matrix(rnorm(20), 20, 1)
  Z <- X[1:4, , drop = FALSE]
  # before: c("fitc", "bogus") was taken as "fitc"
  expect_error(gplvm_loglik(Y, X, kern_rbf(), 0.1, inducing = Z,
                            approx = c("fitc", "bogus")), "'approx'.*one")
  expect_error(gplvm(Y, q = 1, inducing = 4, approx = c("dtc", "vfe")),
               "'approx'")
  # the default (all three) still means the first
  expect_identical(gplvm_loglik(Y, X, kern_rbf(), 0.1, inducing = Z),
                   gplvm_loglik(Y, X, kern_rbf(), 0.1, inducing = Z,
                                approx = "vfe"))
})

test_that("each sparse failure names its own cause", {
  set.seed(167)
  n <- 10
  X <- matrix(rnorm(n), n, 1)
  Y <- matrix(rnorm(n * 2), n, 2)
  Z <- X[1:3, , drop = FALSE]
  # Before, all three said "the covariance of the inducing inputs is not
  # positive definite".  The inner M x M factor overflows:
  expect_error(gplvm_loglik(Y, X, kern_rbf(1e10, 1), 1e-300, inducing = Z,
                            approx = "dtc"), "inner M x M.*'noise'")
  # FITC's diagonal is NaN (Inf - Inf) when the kernel overflows:
  expect_error(gplvm_loglik(Y, X * 1e200, kern_linear(1), 0.1,
                            inducing = matrix(c(1, 2), 2, 1),
                            approx = "fitc"), "not finite")
  # a non-positive FITC diagonal from rounding, and Kzz itself
  expect_match(.status_message(4L, sparse = TRUE), "FITC.*'noise'")
  expect_match(.status_message(1L, sparse = TRUE), "inducing inputs")
  expect_match(.status_message(1L), "covariance matrix is not positive")
  expect_match(.status_message(9L), "unknown status 9")
})

test_that("Matrix-package matrices are accepted through as.matrix()", {
  set.seed(168)
  Y <- matrix(rnorm(60), 20, 3)
  X <- matrix(rnorm(40), 20, 2)
  k <- kern_rbf(1, c(1, 2))
  ref <- gplvm_loglik(Y, X, k, 0.1, gradient = TRUE)
  # before: "'Y' must be a numeric matrix"
  dense <- Matrix::Matrix(Y)
  sparse <- Matrix::Matrix(Y * (abs(Y) > 1), sparse = TRUE)
  expect_s4_class(dense, "Matrix")
  expect_s4_class(sparse, "sparseMatrix")
  expect_identical(gplvm_loglik(dense, Matrix::Matrix(X), k, 0.1,
                                gradient = TRUE), ref)
  expect_identical(gplvm_loglik(sparse, X, k, 0.1),
                   gplvm_loglik(Y * (abs(Y) > 1), X, k, 0.1))
  fit <- small_fit()
  expect_identical(predict(fit, newlatent = Matrix::Matrix(fit$X[1:3, ])),
                   predict(fit, newlatent = fit$X[1:3, ]))
})

test_that("the end of an exact fit holds one N x N matrix, as chol() did", {
  set.seed(169)
  fit <- small_fit()
  # the factor built in C equals chol() of the covariance the fit used
  K <- kern_matrix(fit$kernel, fit$X) + diag(fit$noise, nrow(fit$X))
  expect_equal(fit$chol, chol(K), tolerance = 1e-12, ignore_attr = TRUE)
  expect_equal(fit$alpha, solve(K, fit$Y), tolerance = 1e-8,
               ignore_attr = TRUE)
  # the workspace is freed when the fit ends, and grows again if used
  obj <- .gplvm_objective(fit$Y, fit$kernel, fit$noise, character(), TRUE,
                          2L, 0L)
  par <- c(fit$X, log(kern_params(fit$kernel)), log(fit$noise))
  first <- obj$eval(par)
  post <- .exact_posterior(fit$Y, fit$X, fit$kernel, fit$noise, 0,
                           obj$workspace)
  expect_identical(.workspace_free(obj$workspace), 0)   # freed already
  expect_identical(post$chol, fit$chol)
  par2 <- replace(par, 1L, par[1L] + 1e-3)
  expect_true(is.finite(obj$eval(par2)$loglik))         # grows again
  expect_identical(.workspace_free(obj$workspace),
                   as.double(nrow(fit$X) * (nrow(fit$X) + ncol(fit$Y))))
  expect_identical(obj$eval(par)$loglik, first$loglik)
  # predict(newdata =) solves with the factor instead of a full inverse
  # and gives what the inverse gave
  ref <- fit
  Kinv <- chol2inv(fit$chol)
  Ks <- kern_matrix(fit$kernel, fit$X[1:3, ], fit$X)
  expect_equal(.post_times_inverse(.posterior(fit), Ks), Ks %*% Kinv,
               tolerance = 1e-8, ignore_attr = TRUE)
})
