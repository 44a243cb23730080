# The sparse bound across a parallel cluster (R/cluster.R): the same value
# and gradient as one process, the same fit, a failed worker, bad arguments;
# VFE and DTC, the Bayesian bound and FITC.

cluster_data <- function(n = 60) {
  x <- matrix(stats::rnorm(2 * n), n)
  list(Y = cbind(sin(x), cos(x), x[, 1] * x[, 2]) +
         matrix(stats::rnorm(5 * n, sd = 0.05), n),
       X = x, Z = x[seq(1, n, length.out = 7), ])
}

# Data with missing values: one block per pattern (columns missing in the
# same rows), its rows spread over the workers.  Three added columns are
# observed in rows 3 and 7 only: their block's data are a square factor
# (more columns than rows), and its rows lie in worker 1's share (worker 2
# holds none of it).
cluster_missing_data <- function() {
  dat <- cluster_data()
  Y <- dat$Y
  Y[cbind(c(2, 9, 17, 40, 44, 51, 5, 58, 58), c(1, 1, 3, 1, 5, 5, 2, 2, 3))] <-
    NA
  few <- matrix(NA, nrow(Y), 3L)
  few[c(3, 7), ] <- dat$Y[c(3, 7), 1:3] + stats::rnorm(6, sd = 0.1)
  Y <- cbind(Y, few)
  dat$Y <- sweep(Y, 2L, colMeans(Y, na.rm = TRUE))
  dat
}

# The sparse bound `approx` across the evaluator `ev`, with the fields of
# .loglik_sparse_c()'s result.
cluster_loglik <- function(ev, X, Z, kernel, noise, approx, gradient) {
  r <- ev$eval(.data_sparse(approx, nrow(Z)), X, NULL, Z, kernel, noise,
               gradient)
  list(loglik = r$value, X = r$X, inducing = r$Z, kernel = r$kernel,
       noise = r$noise)
}

expect_cluster_exact <- function(cl) {
  set.seed(181)
  dat <- cluster_data()
  ev <- .cluster_evaluator(cl, dat$Y, chunk = 7L)
  on.exit(ev$close())
  kernels <- list(kern_rbf(1.2, c(0.8, 1.5)) + kern_white(0.02),
                  kern_matern52(1, 1) + kern_linear(0.4) + kern_bias(0.2))
  for (approx in c("vfe", "dtc")) {
    for (k in kernels) {
      serial <- .loglik_sparse_c(dat$Y, dat$X, dat$Z, k, 0.1, approx, TRUE)
      spread <- cluster_loglik(ev, dat$X, dat$Z, k, 0.1, approx, TRUE)
      expect_true(all(eval_diff(spread, serial) < 1e-10))
      value <- cluster_loglik(ev, dat$X, dat$Z, k, 0.1, approx, FALSE)
      expect_lt(rel_err(value$loglik, serial$loglik), 1e-10)
    }
  }
}

test_that("the bound across 2 PSOCK workers equals the one-process bound", {
  cl <- test_cluster("psock")
  on.exit(stop_test_cluster(cl))
  expect_cluster_exact(cl)
})

test_that("the bound across a fork cluster equals the one-process bound", {
  skip_if(.Platform$OS.type == "windows", "no fork clusters on Windows")
  cl <- test_cluster("fork")
  on.exit(stop_test_cluster(cl))
  expect_cluster_exact(cl)
})

test_that("a fit with a cluster reaches the one-process fit", {
  set.seed(182)
  dat <- cluster_data()
  cl <- test_cluster("psock")
  on.exit(stop_test_cluster(cl))
  fits <- expect_cluster_fit(dat$Y, cl)
  expect_lt(rel_err(fitted(fits$spread), fitted(fits$serial)), 1e-3)
  # with missing values
  set.seed(191)
  Y <- cluster_missing_data()$Y
  fits <- expect_cluster_fit(Y, cl)
  message(sprintf("cluster x missing fit: %d evaluations (one process %d)",
                  fits$spread$optim$evaluations,
                  fits$serial$optim$evaluations))
  expect_one_process_bound(fits$spread)
})

test_that("a worker that dies ends the fit at its best point, with a warning", {
  set.seed(183)
  dat <- cluster_data()
  cl <- test_cluster("psock")
  on.exit(stop_test_cluster(cl))
  # worker 2 quits on its 7th call during the fit (setup, then 2 per
  # evaluation: it dies in the fourth evaluation)
  parallel::clusterEvalQ(cl[2], {
    calls <- 0
    trace(".cluster_worker_data", where = asNamespace("gplvm"),
          tracer = quote(if ((calls <<- calls + 1) >= 6) quit(save = "no")),
          print = FALSE)
  })
  expect_warning(fit <- gplvm(dat$Y, 2, inducing = 6, cluster = cl),
                 "worker 2 of 'cluster' failed")
  expect_identical(fit$optim$convergence, 99L)
  expect_match(fit$optim$message, "worker 2 of 'cluster' failed")
  expect_gt(fit$objective, fit$loglik_init)
  # the best point is a usable fit: continue it in one process
  set.seed(1)
  more <- gplvm(dat$Y, init = fit)
  expect_identical(more$optim$convergence, 0L)
  expect_gte(more$objective, fit$objective)
})

test_that("a failed worker is named and the evaluation falls back to this process", {
  set.seed(184)
  dat <- cluster_data()
  cl <- test_cluster("psock")
  on.exit(stop_test_cluster(cl))
  k <- kern_rbf() + kern_white(0.01)
  ev <- .cluster_evaluator(cl, dat$Y)
  Ym <- cluster_missing_data()$Y
  miss <- .missing_patterns(Ym)
  evm <- .cluster_evaluator(cl, Ym, miss = miss)
  pid <- parallel::clusterCall(cl[2], Sys.getpid)[[1]]
  tools::pskill(pid)
  Sys.sleep(0.5)
  err <- tryCatch(cluster_loglik(ev, dat$X, dat$Z, k, 0.1, "vfe", TRUE),
                  error = identity)
  expect_s3_class(err, "gplvm_cluster_error")
  expect_match(conditionMessage(err), "worker 2 of 'cluster' failed")
  again <- cluster_loglik(ev, dat$X, dat$Z, k, 0.1, "vfe", TRUE)
  serial <- .loglik_sparse_c(dat$Y, dat$X, dat$Z, k, 0.1, "vfe", TRUE)
  expect_true(all(eval_diff(again, serial) < 1e-12))
  # with missing values: the per-pattern sum in this process
  expect_error(cluster_loglik(evm, dat$X, dat$Z, k, 0.1, "vfe", TRUE),
               class = "gplvm_cluster_error")
  again <- cluster_loglik(evm, dat$X, dat$Z, k, 0.1, "vfe", TRUE)
  one <- .data_eval(.data_prepare(.data_sparse("vfe", 7L), Ym, miss),
                    dat$X, NULL, dat$Z, k, 0.1, TRUE)
  expect_identical(again$loglik, one$value)
  expect_identical(again$X, one$X)
})

test_that("bad 'cluster' arguments are refused with clear errors", {
  set.seed(185)
  Y <- cluster_data(20)$Y
  expect_error(gplvm(Y, 2, inducing = 4, cluster = "localhost"),
               "'cluster' must be NULL or a cluster")
  expect_error(gplvm(Y, 2, inducing = 4, cluster = list()),
               "'cluster' must be NULL or a cluster")
  cl <- test_cluster("psock")
  on.exit(stop_test_cluster(cl))
  expect_error(gplvm(Y, 2, cluster = cl), "'cluster' and the exact model")
  # workers that see no library gplvm is installed in
  blind <- test_cluster_without_gplvm()
  on.exit(stop_test_cluster(blind), add = TRUE)
  expect_identical(unlist(parallel::clusterEvalQ(blind, nzchar(
    system.file(package = "gplvm")))), c(FALSE, FALSE))
  expect_error(gplvm(Y, 2, inducing = 4, cluster = blind),
               "workers 1, 2 of 'cluster' cannot load gplvm")
})

test_that("a cluster listing a worker twice gives the one-process bound", {
  # Before: each worker kept its rows under one key, so a second block
  # on the same worker overwrote the first (cl[c(1, 1)]: a wrong bound,
  # no warning; cl[c(1, 1, 2)]: an error about 'X' and 'Y' rows).
  cl <- test_cluster("psock")
  on.exit(stop_test_cluster(cl))
  expect_cluster_exact(cl[c(1, 1)])
  expect_cluster_exact(cl[c(1, 1, 2)])
  set.seed(186)
  dat <- cluster_data()
  spread <- expect_cluster_fit(dat$Y, cl[c(1, 1, 2)])$spread
  expect_one_process_bound(spread)
})

test_that("an interrupt during a cluster fit leaves the workers in step", {
  # Before: R takes an interrupt even inside a socket read, and one taken
  # in the middle of a worker's answer left the rest in the stream; the
  # next call failed with "unknown input format" (25 of 29 runs of this
  # test with one interrupt), or a worker died or the next read hung.  Now
  # the interrupt is held until the exchange is read, then raised.
  set.seed(187)
  small <- cluster_data()$Y
  Y <- matrix(stats::rnorm(400 * 6), 400)
  cl <- test_cluster("psock")
  on.exit(stop_test_cluster(cl))
  for (i in 1:3) {
    expect_identical(run_interrupted(gplvm(Y, 2, inducing = 30,
                                           reltol = 1e-15, maxit = 1e5,
                                           cluster = cl)), "interrupt")
    expect_identical(parallel::clusterCall(cl, identity, i), list(i, i))
  }
  # a fit afterwards converges, and its bound is the one-process bound
  fit <- gplvm(small, 2, inducing = 6, cluster = cl)
  expect_identical(fit$optim$convergence, 0L)
  expect_one_process_bound(fit)
  expect_identical(parallel::clusterEvalQ(cl, 4), list(4, 4))
})

test_that("an interrupt held by a cluster exchange reaches the caller's handlers", {
  # without a handler, R goes back to the top level as after Ctrl-C
  expect_identical(tryCatch(.interrupt(), interrupt = function(i) "caught"),
                   "caught")
  expect_identical(withRestarts(.interrupt(), abort = function() "aborted"),
                   "aborted")
})

test_that("answers left over from another call are dropped, not taken", {
  # Before: the fit took the left-over answer for the version check's and
  # stopped with "the model cannot be evaluated at the starting values
  # ($ operator is invalid for atomic vectors)".
  set.seed(188)
  dat <- cluster_data()
  cl <- test_cluster("psock")
  on.exit(stop_test_cluster(cl))
  # calls whose answers nobody reads, as an interrupted clusterEvalQ()
  # leaves them; worker 1 listed twice, so that its blocks' answers come
  # on one connection
  parallel:::sendCall(cl[[2]], identity, list(1))
  parallel:::sendCall(cl[[1]], stop, list("a stale error"))
  parallel:::sendCall(cl[[1]], identity, list(2))
  expect_cluster_fit(dat$Y, cl[c(1, 2, 1)])
  expect_identical(parallel::clusterEvalQ(cl, 3), list(3, 3))
})

test_that("workers running another build of the same version are refused", {
  # Before: only the version was compared, and every build was 0.1.0.
  set.seed(189)
  Y <- cluster_data(20)$Y
  cl <- test_cluster("psock")
  on.exit(stop_test_cluster(cl))
  mine <- unlist(parallel::clusterEvalQ(cl, gplvm:::.build_id()))
  expect_identical(mine, rep(.build_id(), 2))
  # worker 2 as if loaded from a build whose R code differs
  parallel::clusterEvalQ(cl[2], assign("id", "another", envir =
                                         gplvm:::.build))
  expect_error(gplvm(Y, 2, inducing = 4, cluster = cl), paste(
    "worker 2 of 'cluster' runs another build of gplvm",
    as.character(utils::packageVersion("gplvm"))))
  # the identifier changes with any change of the code's text
  base <- c("f <- function(x) x + 1", "g <- function(y) y * 2")
  expect_identical(.checksum(base), .checksum(base))
  for (other in list(c("f <- function(x) x + 2", base[2]), rev(base),
                     c("f <- function(x) x + 1 ", base[2]),
                     c("f <- function(y) y + 1", "g <- function(x) x * 2"))) {
    expect_false(identical(.checksum(other), .checksum(base)))
  }
})

test_that("missing values across 2 workers: the one-process objective", {
  set.seed(190)
  dat <- cluster_missing_data()
  miss <- .missing_patterns(dat$Y)
  expect_gt(length(miss$patterns), 4L)
  expect_true(any(vapply(miss$patterns, function(p) {
    length(p$rows) < length(p$cols) && all(p$rows <= 30L)
  }, TRUE)))
  cl <- test_cluster("psock")
  on.exit(stop_test_cluster(cl))
  ev <- .cluster_evaluator(cl, dat$Y, chunk = 7L, miss = miss)
  on.exit(ev$close(), add = TRUE)
  k <- kern_rbf(1.2, c(0.8, 1.5)) + kern_white(0.02)
  for (approx in c("vfe", "dtc")) {
    objective <- function(cluster) {
      .gplvm_objective(dat$Y, k, 0.1, character(), TRUE, 2L, Z0 = dat$Z,
                       approx = approx, missing = miss, cluster = cluster)
    }
    serial <- objective(NULL)
    spread <- objective(ev)
    par <- serial$par(dat$X, dat$Z, k, 0.1)
    a <- serial$eval(par)
    b <- spread$eval(par)
    expect_lt(rel_err(b$objective, a$objective), 1e-10)
    expect_lt(rel_err(b$grad, a$grad), 1e-10)
    expect_lt(rel_err(spread$fn_value(par), serial$fn_value(par)), 1e-10)
    err <- rel_err(spread$gr(par), fd_gradient(spread$fn_value, par))
    message(sprintf("cluster x missing (%s): composed gradient error %.2g",
                    approx, err))
    expect_lt(err, 1e-6)
  }
})

# Two objectives, `serial` in one process and `spread` across a cluster,
# at `par`: relative differences of value and gradient, and the spread
# one's gradient error against central differences.
cluster_objective_errors <- function(serial, spread, par) {
  a <- serial$eval(par)
  b <- spread$eval(par)
  c(value = rel_err(b$objective, a$objective),
    grad = rel_err(b$grad, a$grad),
    fn = rel_err(spread$fn_value(par), serial$fn_value(par)),
    fd = rel_err(spread$gr(par), fd_gradient(spread$fn_value, par)))
}

# Reports `err` (cluster_objective_errors()) of `what` and expects the
# cluster's objective to be the one-process one.
expect_cluster_objective <- function(err, what) {
  message(sprintf(paste("%s: value %.2g, gradient %.2g vs one process;",
                        "composed gradient error %.2g"), what,
                  err[["value"]], err[["grad"]], err[["fd"]]))
  expect_lt(err[["value"]], 1e-10)
  expect_lt(err[["grad"]], 1e-10)
  expect_lt(err[["fn"]], 1e-10)
  expect_lt(err[["fd"]], 1e-6)
}

# The Bayesian objective (psi-statistics bound and KL term) in one process
# and across `ev`, at one point: cluster_objective_errors().
bayes_cluster_errors <- function(Y, ev, miss = NULL) {
  set.seed(201)
  n <- nrow(Y)
  X <- matrix(stats::rnorm(2 * n), n)
  S <- matrix(stats::runif(2 * n, 0.05, 0.6), n)
  Z <- X[seq(1, n, length.out = 6), ] + 0.1
  k <- kern_rbf(1.2, c(0.8, 1.5)) + kern_linear(0.3) + kern_white(0.02)
  objective <- function(cluster) {
    .gplvm_objective(Y, k, 0.1, character(), .prior_kl(), 2L,
                     missing = miss, cluster = cluster,
                     data = .data_bayes(6L))
  }
  serial <- objective(NULL)
  cluster_objective_errors(serial, objective(ev),
                           serial$par(X, Z, k, 0.1, S0 = S))
}

test_that("the Bayesian bound across 2 workers: the one-process objective", {
  set.seed(200)
  dat <- cluster_data()
  mdat <- cluster_missing_data()
  miss <- .missing_patterns(mdat$Y)
  cl <- test_cluster("psock")
  on.exit(stop_test_cluster(cl))
  ev <- .cluster_evaluator(cl, dat$Y)
  on.exit(ev$close(), add = TRUE)
  evm <- .cluster_evaluator(cl, mdat$Y, miss = miss)
  on.exit(evm$close(), add = TRUE)
  for (case in list(list(Y = dat$Y, ev = ev, miss = NULL, what = "complete"),
                    list(Y = mdat$Y, ev = evm, miss = miss,
                         what = "missing values"))) {
    expect_cluster_objective(bayes_cluster_errors(case$Y, case$ev,
                                                  case$miss),
                             sprintf("Bayesian x cluster (%s)", case$what))
  }
})

test_that("a Bayesian fit across 2 PSOCK workers reaches the one-process fit", {
  set.seed(202)
  Y <- cluster_data(40)$Y
  cl <- test_cluster("psock")
  on.exit(stop_test_cluster(cl))
  # a tight tolerance: the two fits' rounding differs, and the Bayesian
  # bound is flat near its optimum
  fits <- expect_cluster_fit(Y, cl, bayesian = TRUE,
                             reltol = 1e-12, maxit = 5000)
  expect_s3_class(fits$spread, "bgplvm")
})

test_that("FITC in chunks equals FITC in one chunk, stored or not", {
  set.seed(210)
  dat <- cluster_data()
  for (k in list(kern_rbf(1.2, c(0.8, 1.5)) + kern_white(0.02),
                 kern_matern52(1, 1) + kern_linear(0.4) + kern_bias(0.2))) {
    one <- .loglik_sparse_c(dat$Y, dat$X, dat$Z, k, 0.1, "fitc", TRUE,
                            chunk = nrow(dat$Y), store = FALSE)
    for (chunk in c(1L, 7L, 59L)) {
      for (store in c(FALSE, TRUE)) {
        r <- .loglik_sparse_c(dat$Y, dat$X, dat$Z, k, 0.1, "fitc", TRUE,
                              chunk = chunk, store = store)
        expect_true(all(eval_diff(r, one) < 1e-12))
      }
    }
  }
  # the workers' steps check what C receives
  k <- kern_rbf(1.2, c(0.8, 1.5))
  spec <- .kernel_spec(k, 2L)
  fac <- .Call(C_gplvm_sparse_factor_call, dat$Z, spec$type, spec$npar,
               spec$par)
  st <- .Call(C_gplvm_fitc_stats_call, dat$Y, dat$X, dat$Z, spec$type,
              spec$npar, spec$par, fac$Lz, 0.1, 7L, FALSE)
  expect_error(.Call(C_gplvm_fitc_stats_call, dat$Y, dat$X, dat$Z,
                     spec$type, spec$npar, spec$par, fac$Lz, NULL, 7L,
                     FALSE), "'noise' must be one finite number")
  expect_error(.Call(C_gplvm_fitc_global_call, dat$Z, spec$type, spec$npar,
                     spec$par, 5, fac$Lz, fac$rel, st$n, "a", st$yy, st$Phi,
                     st$c, TRUE), "'loglam'")
  expect_error(.Call(C_gplvm_fitc_grad_call, dat$Y, dat$X, dat$Z, spec$type,
                     spec$npar, spec$par, fac$Lz, -1, 5, fac$rel,
                     diag(7), st$c, 7L, NULL), "'noise' must be positive")
  expect_error(.Call(C_gplvm_fitc_grad_call, dat$Y, dat$X, dat$Z, spec$type,
                     spec$npar, spec$par, fac$Lz, 0.1, 5, fac$rel,
                     diag(6), st$c, 7L, NULL), "'B' must be 7 x 7")
})

# The FITC objective (composed: data term, prior, log-parameters) in one
# process and across `ev`, at the latent positions of `dat`:
# cluster_objective_errors().
fitc_cluster_errors <- function(dat, ev, miss = NULL) {
  k <- kern_rbf(1.2, c(0.8, 1.5)) + kern_white(0.02)
  objective <- function(cluster) {
    .gplvm_objective(dat$Y, k, 0.1, character(), TRUE, 2L, Z0 = dat$Z,
                     approx = "fitc", missing = miss, cluster = cluster)
  }
  serial <- objective(NULL)
  cluster_objective_errors(serial, objective(ev),
                           serial$par(dat$X, dat$Z, k, 0.1))
}

test_that("FITC across 2 workers, or one listed twice: the one-process bound", {
  set.seed(211)
  dat <- cluster_data()
  mdat <- cluster_missing_data()
  miss <- .missing_patterns(mdat$Y)
  cl <- test_cluster("psock")
  on.exit(stop_test_cluster(cl))
  kernels <- list(kern_rbf(1.2, c(0.8, 1.5)) + kern_white(0.02),
                  kern_matern52(1, 1) + kern_linear(0.4) + kern_bias(0.2))
  for (w in list(c(1L, 2L), c(1L, 1L))) {
    ev <- .cluster_evaluator(cl[w], dat$Y, chunk = 7L)
    for (k in kernels) {
      serial <- .loglik_sparse_c(dat$Y, dat$X, dat$Z, k, 0.1, "fitc", TRUE)
      spread <- cluster_loglik(ev, dat$X, dat$Z, k, 0.1, "fitc", TRUE)
      expect_true(all(eval_diff(spread, serial) < 1e-10))
      value <- cluster_loglik(ev, dat$X, dat$Z, k, 0.1, "fitc", FALSE)
      expect_lt(rel_err(value$loglik, serial$loglik), 1e-10)
    }
    evm <- .cluster_evaluator(cl[w], mdat$Y, chunk = 7L, miss = miss)
    for (case in list(list(dat = dat, ev = ev, miss = NULL,
                           what = "complete"),
                      list(dat = mdat, ev = evm, miss = miss,
                           what = "missing values"))) {
      expect_cluster_objective(
        fitc_cluster_errors(case$dat, case$ev, case$miss),
        sprintf("FITC x cluster (workers %s, %s)", paste(w, collapse = ", "),
                case$what))
    }
    ev$close()
    evm$close()
  }
})

test_that("a FITC fit across 2 PSOCK workers reaches the one-process fit", {
  set.seed(212)
  Y <- cluster_data(40)$Y
  cl <- test_cluster("psock")
  on.exit(stop_test_cluster(cl))
  spread <- expect_cluster_fit(Y, cl, approx = "fitc")$spread
  expect_one_process_bound(spread, approx = "fitc")
})
