# Coarse to fine over the inducing inputs (issue 23, item 1): does a
# cheap sparse fit, continued with more inducing inputs or by the exact
# model, reach the exact fit's picture in less time?  Each arm is a chain
# of fits, each started from the one before's latent positions, kernel and
# noise ("exact" is the exact model; a number is a sparse VFE fit with
# that many inducing inputs).  Rtsne runs in the same process for the time
# ratio.  Run from the package root, once per BLAS:
#   OPENBLAS_NUM_THREADS=1 R_LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
#     Rscript bench/coarse_to_fine.R [sets=mpg,midwest,biopsy,oil] [seeds=1]
suppressPackageStartupMessages(library(gplvm))
source("bench/common.R")  # bench_args(), whole_set(), nn_errors()
opt <- list(sets = "mpg,midwest,biopsy,oil", seeds = "1",
            arms = "exact;64;128;200;64>exact;128>exact;64>128>200")
opt <- bench_args(opt)
elapsed <- function() proc.time()[["elapsed"]]
run_chain <- function(Y, chain) {
  f <- NULL
  evals <- integer()
  for (step in chain) {
    inducing <- if (step == "exact") NULL else as.integer(step)
    f <- if (is.null(f)) gplvm(Y, q = 2, inducing = inducing) else
      gplvm(Y, q = 2, init = f$X, kernel = f$kernel, noise = f$noise,
            inducing = inducing)
    evals <- c(evals, f$optim$evaluations)
  }
  list(fit = f, evals = evals)
}
print_blas()
cat("| set | N | seed | arm | evals | conv | objective | 1-NN errors | time (s) | Rtsne (s) | Rtsne errors | ratio | load |\n")
cat("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
for (name in strsplit(opt$sets, ",")[[1L]]) {
  d <- whole_set(name)
  for (seed in as.integer(strsplit(opt$seeds, ",")[[1L]])) {
    set.seed(seed)
    t0 <- elapsed()
    ts <- Rtsne::Rtsne(d$Y, dims = 2, num_threads = 1,
                       check_duplicates = FALSE)$Y
    tsne_time <- elapsed() - t0
    tsne_err <- nn_errors(ts, d$class)
    for (arm in strsplit(opt$arms, ";")[[1L]]) {
      set.seed(seed)
      t0 <- elapsed()
      r <- run_chain(d$Y, strsplit(arm, ">", fixed = TRUE)[[1L]])
      tm <- elapsed() - t0
      cat(sprintf("| %s | %d | %d | %s | %s | %d | %.2f | %d | %.1f | %.1f | %d | %.2f | %s |\n",
                  name, nrow(d$Y), seed, arm,
                  paste(r$evals, collapse = "+"), r$fit$optim$convergence,
                  r$fit$objective, nn_errors(r$fit$X, d$class), tm,
                  tsne_time, tsne_err, tm / tsne_time,
                  substr(readLines("/proc/loadavg"), 1L, 4L)))
      flush(stdout())
    }
  }
}
