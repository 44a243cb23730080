# Clusters for the tests of R/cluster.R: workers see the library this
# process loaded gplvm from (the package under test), so they load the
# same build.
# Sockets without Nagle's delay, as ?gplvm advises (each exchange would
# otherwise wait about 40 ms for TCP's delayed acknowledgement).
test_cluster <- function(type = c("psock", "fork")) {
  old <- options(socketOptions = "no-delay")
  on.exit(options(old))
  # a read that waits 5 minutes fails, so that a worker out of step fails
  # its test instead of hanging the suite
  cl <- switch(match.arg(type),
               psock = parallel::makePSOCKcluster(
                 2L, timeout = 300, rscript_args = c("-e", shQuote(
                   "options(socketOptions = 'no-delay')"))),
               fork = parallel::makeForkCluster(2L, timeout = 300))
  # an expression, so that the workers' own .libPaths() is called (a
  # function sent to them would carry a copy of its environment)
  parallel::clusterCall(cl, base::eval, call(".libPaths", .libPaths()))
  cl
}

# Stops each worker that still runs and closes every connection (a dead
# worker would stop parallel::stopCluster() at the first).
stop_test_cluster <- function(cl) {
  for (w in seq_along(cl)) {
    try(parallel::stopCluster(cl[w]), silent = TRUE)
    if (!is.null(cl[[w]]$con)) try(close(cl[[w]]$con), silent = TRUE)
  }
}

# Largest relative difference, block by block, between two evaluations
# (value and each gradient: X, inducing, kernel, noise).
eval_diff <- function(a, b) {
  blocks <- c("loglik", "X", "inducing", "kernel", "noise")
  vapply(blocks, function(f) rel_err(a[[f]], b[[f]]), 0)
}

# Workers whose libraries (R_LIBS, R_LIBS_USER, R_LIBS_SITE) are one empty
# directory: they see only R's own library, wherever gplvm is installed
# (a site library, as after tools/demo.R run as root, included).  They
# start with --no-environ, as Debian's Renviron.site adds its site
# libraries to any R_LIBS_SITE.
test_cluster_without_gplvm <- function() {
  empty <- tempfile("gplvm-empty-lib-")
  dir.create(empty)
  vars <- c("R_LIBS", "R_LIBS_USER", "R_LIBS_SITE")
  old <- Sys.getenv(vars, unset = NA)
  on.exit(for (v in vars) {
    if (is.na(old[[v]])) Sys.unsetenv(v) else do.call(Sys.setenv,
                                                      as.list(old[v]))
  })
  Sys.setenv(R_LIBS = empty, R_LIBS_USER = empty, R_LIBS_SITE = empty)
  parallel::makePSOCKcluster(2L, rscript_args = "--no-environ")
}

# A sparse fit of Y across `cl` converges to the one-process fit (the same
# objective from the same seed, to 1e-6 relative: reltol 1e-8, as the
# default 1e-6 lets two runs that round differently stop 1e-4 apart);
# returns both.
expect_cluster_fit <- function(Y, cl, inducing = 6, reltol = 1e-8, ...) {
  set.seed(1)
  serial <- gplvm(Y, 2, inducing = inducing, reltol = reltol, ...)
  set.seed(1)
  spread <- gplvm(Y, 2, inducing = inducing, reltol = reltol, ...,
                  cluster = cl)
  expect_identical(class(spread), class(serial))
  expect_identical(serial$optim$convergence, 0L)
  expect_identical(spread$optim$convergence, 0L)
  expect_lt(rel_err(spread$objective, serial$objective), 1e-6)
  invisible(list(serial = serial, spread = spread))
}

# A cluster fit's stored bound is the one-process bound at its end.
expect_one_process_bound <- function(fit, ...) {
  expect_lt(rel_err(fit$loglik, gplvm_loglik(fit$Y, fit$X, fit$kernel,
                                             fit$noise,
                                             inducing = fit$inducing, ...)),
            1e-10)
}
