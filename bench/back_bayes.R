# Back-constrained Bayesian GP-LVM on the oil flow training data (1000 x
# 12, three classes): q = 10, M = 50 inducing inputs, default kernel (RBF
# with ARD plus bias), the means of q(X) given by the kernel or the MLP
# mapping of the data.  Reports the bound, the ARD relevances, the number
# of dimensions used (relevance >= 0.01), the leave-one-out 1-NN errors in
# the two most relevant dimensions of the means, evaluations, convergence,
# wall and CPU time; and the time to project the 1000 rows of the oil test
# split: by the mapping (the means), by predict() of the back-constrained
# fit (mapped means, variances optimised) and by predict() of a plain
# Bayesian fit (means and variances optimised).
#
# Run from the package root, after installing the package, one fit per
# process (each takes many minutes):
#   Rscript bench/back_bayes.R kernel [cache [maxit]]
#   Rscript bench/back_bayes.R mlp [cache [maxit]]
#   Rscript bench/back_bayes.R project [cache [maxit of the plain fit]]
#   Rscript bench/back_bayes.R kernel-continue [cache [maxit]]
# (`<kind>-continue` continues the cached fit with init = fit, adding its
# evaluations and times to the cached fit's.)
# The data directory defaults to ../shared/data/oil (GPLVM_OIL_DIR).  With
# a directory `cache` the fits are saved there as oil-bayes-<kind>.rds, and
# `project` reads them (the plain fit too, when it is there).  Results:
# bench/back_bayes.md.
library(gplvm)
options(width = 100)

args <- commandArgs(trailingOnly = TRUE)
what <- if (length(args)) args[1L] else "kernel"
cache <- if (length(args) > 1L) args[2L] else tempdir()
maxit <- if (length(args) > 2L) as.integer(args[3L]) else 10000L
stopifnot(what %in% c("kernel", "mlp", "project", "kernel-continue",
                      "mlp-continue"))
dir.create(cache, showWarnings = FALSE)

dir <- Sys.getenv("GPLVM_OIL_DIR", "../shared/data/oil")
# from a worktree in /work/wt/<name> the data are two levels up
if (!dir.exists(dir)) dir <- file.path("..", dir)
read_oil <- function(split) {
  Y <- as.matrix(read.table(file.path(dir, sprintf("Data%s.txt", split))))
  colnames(Y) <- paste0("y", seq_len(ncol(Y)))
  Y
}
Y <- read_oil("Trn")
labels <- max.col(as.matrix(read.table(file.path(dir, "DataTrnLbls.txt"))))

nn_errors <- function(X) {
  D <- as.matrix(dist(X))
  diag(D) <- Inf
  sum(labels[apply(D, 1L, which.min)] != labels)
}
cpu <- function() sum(proc.time()[c("user.self", "sys.self")])
cached <- function(kind) file.path(cache, sprintf("oil-bayes-%s.rds", kind))

cat(sprintf("oil data: %d points, %d dimensions; BLAS/LAPACK %s; %s\n",
            nrow(Y), ncol(Y), basename(La_library()), R.version.string))

fit_oil <- function(kind, maxit, prev = NULL) {
  set.seed(1)
  wall <- proc.time()[["elapsed"]]
  cpu0 <- cpu()
  fit <- if (is.null(prev)) {
    gplvm(Y, q = 10, bayesian = TRUE, inducing = 50, maxit = maxit,
          back = kind, trace = 250)
  } else gplvm(Y, init = prev, maxit = maxit, trace = 250)
  fit$bench_time <- c(wall = proc.time()[["elapsed"]] - wall,
                      cpu = cpu() - cpu0)
  if (!is.null(prev)) {
    cat(sprintf(paste("continued: %d evaluations, %.1f s wall here; totals",
                      "below include the first run's %d\n"),
                fit$optim$evaluations, fit$bench_time[["wall"]],
                prev$optim$evaluations))
    fit$bench_time <- fit$bench_time + prev$bench_time
    fit$optim$evaluations <- fit$optim$evaluations + prev$optim$evaluations
  }
  saveRDS(fit, cached(kind))
  fit
}

report <- function(fit) {
  print(fit)
  rel <- gplvm:::.ard_relevance(fit)
  dims <- order(-rel)[1:2]
  cat(sprintf("bound %.2f; dimensions used (relevance >= 0.01): %d of 10\n",
              fit$loglik, sum(rel >= 0.01)))
  cat(sprintf("dimensions %s: %d leave-one-out 1-NN errors\n",
              paste(dims, collapse = " and "), nn_errors(fit$X[, dims])))
  t <- fit$bench_time
  cat(sprintf(paste("wall %.1f s, CPU %.1f s, %d evaluations (%.3f s wall",
                    "each), convergence %d (%s), %d optimiser runs, %d",
                    "failed evaluations, largest |gradient| %.3g\n"),
              t[["wall"]], t[["cpu"]], fit$optim$evaluations,
              t[["wall"]] / fit$optim$evaluations, fit$optim$convergence,
              fit$optim$message, fit$optim$runs, fit$optim$failed,
              fit$optim$max_gradient))
}

if (what %in% c("kernel", "mlp")) {
  report(fit_oil(what, maxit))
  quit(save = "no")
}
if (what != "project") {
  kind <- sub("-continue$", "", what)
  report(fit_oil(kind, maxit, readRDS(cached(kind))))
  quit(save = "no")
}

# ---- projection of the 1000 rows of the test split ----
Ynew <- read_oil("Tst")
timed <- function(expr) {
  wall <- proc.time()[["elapsed"]]
  cpu0 <- cpu()
  value <- force(expr)
  list(value = value, wall = proc.time()[["elapsed"]] - wall,
       cpu = cpu() - cpu0)
}
Ys <- sweep(Ynew, 2L, colMeans(Y))
for (kind in c("kernel", "mlp")) {
  if (!file.exists(cached(kind))) next
  fit <- readRDS(cached(kind))
  # the means by the mapping alone: median of 5 timings of 100 calls each
  # (one call of the MLP takes less than proc.time()'s resolution)
  reps <- lapply(1:5, function(i) {
    t <- timed(for (j in 1:100) fit$latent$map(fit$latent$par, Ys))
    t$wall <- t$wall / 100
    t$value <- fit$latent$map(fit$latent$par, Ys)
    t
  })
  p <- timed(predict(fit, newdata = Ynew))
  stopifnot(isTRUE(all.equal(p$value$X, reps[[1L]]$value,
                             check.attributes = FALSE)))
  cat(sprintf(paste("%s map: 1000 new rows, means by the mapping %.2e s",
                    "wall (median of 5); predict() with variances %.1f s",
                    "wall, %.1f s CPU\n"), kind,
              median(vapply(reps, `[[`, 0, "wall")), p$wall, p$cpu))
}
plain <- if (file.exists(cached("none"))) readRDS(cached("none")) else {
  fit <- fit_oil("none", maxit)
  fit
}
cat("plain Bayesian fit (no back-constraint), for the comparison:\n")
report(plain)
p <- timed(predict(plain, newdata = Ynew))
cat(sprintf("plain fit: predict() of 1000 new rows %.1f s wall, %.1f s CPU\n",
            p$wall, p$cpu))
