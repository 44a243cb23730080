# The sparse model at 350 to 1000 rows (issue 23): the default sparse fit
# (VFE; the hyperparameters preconditioned, as past
# options(gplvm.exact_max) rows, which this script sets to 300) with M
# inducing inputs, from the starts whose noise is k times 0.1% off the
# default (k = -K..K) and the random inducing inputs that set.seed(seed)
# gives, on the splits of bench/time_to_result.R (oil whole, no held-out
# rows).  The exact fits from the same starts are bench/reltol.R's
# (its reltol 1e-5 rows).  Run from the package root:
#   OPENBLAS_NUM_THREADS=1 R_LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
#     Rscript bench/sparse_midsize.R [sets=oil,diamonds1000,biopsy] \
#       [ms=64,100,128] [K=1] [seeds=1]
suppressPackageStartupMessages(library(gplvm))
source("bench/common.R")  # bench_args(), split_set(), nn_errors(), ...
opt <- bench_args(list(sets = "oil,diamonds1000,biopsy", ms = "64,100,128",
                       K = "1", seeds = "1"))
K <- as.integer(opt$K)
print_blas()
options(gplvm.exact_max = 300)
cat("| set | N | M | seed | k | evals | conv | objective | errors | held-out RMSE | time (s) |\n")
cat("|---|---|---|---|---|---|---|---|---|---|---|\n")
for (name in strsplit(opt$sets, ",")[[1L]]) {
  s <- perturbed_set(name)
  for (M in as.integer(strsplit(opt$ms, ",")[[1L]])) {
    for (seed in as.integer(strsplit(opt$seeds, ",")[[1L]])) {
      for (k in -K:K) {
        set.seed(seed)
        cat(sprintf("| %s | %d | %d | %d | %d | ", name, nrow(s$Ztr), M,
                    seed, k),
            perturbed_fit_cells(s, k, inducing = M), "\n", sep = "")
        flush(stdout())
      }
    }
  }
}
