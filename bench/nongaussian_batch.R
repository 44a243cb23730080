# Minibatch-then-full-batch against full-batch fitting of the non-Gaussian
# GP-LVM (issue 25; gplvm(..., likelihood, batch_size)).  Output:
# bench/results/nongaussian_batch-<blas>.txt.
#
#   Rscript bench/nongaussian_batch.R [N] [repeats] [batch_size] [epochs]
#
# SIMULATED data (no real set is needed to count work): N rows (default
# 3000) on a known 1-D latent t, D = 20 columns, each a unimodal response
# curve over t (tests/testthat/helper-nongaussian.R's ng_simulate()),
# Bernoulli (logit link) and Poisson (log link) entries, 2 % of them NA.
# For seeds 1..repeats (default 3), in one process: the full-batch fit
# gplvm(Y, q = 1, likelihood, inducing = 20) from the default start
# against the same call with batch_size (default 200) and epochs (default
# 50): wall time, evaluations (full batch: the optimiser's; minibatch: the
# stage's work in passes over the data, steps x B / N plus its exact
# passes, then the full-batch stage's evaluations), the final objective,
# convergence codes, and the rank correlation of the latent with t.
# Printed per seed, then the medians of the ratios minibatch / full.
# Run from the package root with the package installed (R_LIBS); for
# OpenBLAS give it per process with LD_PRELOAD (BRIEF.md).
suppressPackageStartupMessages(library(gplvm))

args <- commandArgs(trailingOnly = TRUE)
num <- function(i, default) {
  if (length(args) >= i) as.numeric(args[[i]]) else default
}
n <- num(1, 3000)
repeats <- num(2, 3)
batch_size <- num(3, 200)
epochs <- num(4, 50)
d <- 20
cat(sprintf("%s; BLAS: %s; LAPACK: %s; %s\n", R.version.string,
            extSoftVersion()[["BLAS"]],
            La_library(), format(Sys.time(), tz = "UTC", usetz = TRUE)))
cat("load average at start:", readLines("/proc/loadavg"), "\n")
cat(sprintf("N = %d, D = %d, q = 1, M = 20, batch_size = %d, epochs = %d\n",
            n, d, batch_size, epochs))

# ng_simulate(): the tests' simulated data (evenly spaced t)
source("tests/testthat/helper-nongaussian.R")
simulate <- function(n, d, likelihood) {
  s <- ng_simulate(n, d, likelihood)
  s$Y[sample(length(s$Y), round(0.02 * length(s$Y)))] <- NA
  s
}

timed <- function(expr) {
  start <- proc.time()[["elapsed"]]
  value <- expr
  list(value = value, wall = proc.time()[["elapsed"]] - start)
}

rows <- list()
for (lik in c("bernoulli", "poisson")) {
  for (seed in seq_len(repeats)) {
    set.seed(seed)
    s <- simulate(n, d, lik)
    set.seed(seed)
    full <- timed(gplvm(s$Y, q = 1, likelihood = lik, inducing = 20))
    set.seed(seed)
    mb <- timed(gplvm(s$Y, q = 1, likelihood = lik, inducing = 20,
                      batch_size = batch_size, epochs = epochs))
    f <- full$value
    b <- mb$value
    st <- b$minibatch
    stage <- ceiling(st$steps * st$batch_size / n) + st$passes
    rho <- function(fit) abs(stats::cor(fit$X[, 1], s$t, method = "spearman"))
    r <- data.frame(
      likelihood = lik, seed = seed,
      full_time = full$wall, full_evals = f$optim$evaluations,
      full_conv = f$optim$convergence, full_obj = f$objective,
      full_rho = rho(f),
      mb_time = mb$wall, mb_stage_time = st$time, mb_epochs = st$epochs,
      mb_stage_passes = stage, mb_full_evals = b$optim$evaluations,
      mb_conv = b$optim$convergence, mb_obj = b$objective, mb_rho = rho(b))
    r$time_ratio <- r$mb_time / r$full_time
    r$work_ratio <- (r$mb_stage_passes + r$mb_full_evals) / r$full_evals
    r$full_evals_ratio <- r$mb_full_evals / r$full_evals
    r$obj_gap <- (r$mb_obj - r$full_obj) / abs(r$full_obj)
    rows[[length(rows) + 1L]] <- r
    print(r, digits = 4, row.names = FALSE)
    flush(stdout())
  }
}
tab <- do.call(rbind, rows)
cat("\nMedians over seeds (ratios minibatch-then-full-batch / full batch):\n")
med <- aggregate(cbind(time_ratio, work_ratio, full_evals_ratio, obj_gap,
                       full_rho, mb_rho) ~ likelihood, tab, stats::median)
print(med, digits = 3, row.names = FALSE)
cat("load average at end:", readLines("/proc/loadavg"), "\n")
