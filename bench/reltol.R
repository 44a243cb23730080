# The default fit's relative tolerance (issue 23): for each set and each
# `reltol`, the default 2-D fit from its starting noise moved by k times
# 0.1% (k = -K..K; one fit is one draw of a chaotic path, bench/levers.md
# section 6), with evaluations, convergence, objective, 1-NN errors and
# held-out reconstruction RMSE (bench/common.R; "oil" is fitted whole,
# with no held-out rows).  Run from the package root with OpenBLAS on one
# thread, e.g.
#   OPENBLAS_NUM_THREADS=1 R_LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
#     Rscript bench/reltol.R sets=mpg,midwest,biopsy,pima,diamonds800 \
#       [reltols=1e-6,1e-5] [K=1]
suppressPackageStartupMessages(library(gplvm))
source("bench/common.R")  # bench_args(), split_set(), nn_errors(), ...
opt <- bench_args(list(sets = "mpg,midwest,biopsy,pima", reltols = "1e-6,1e-5",
                       K = "1"))
K <- as.integer(opt$K)
print_blas()
cat("| set | N | reltol | k | evals | conv | objective | errors | held-out RMSE | time (s) |\n")
cat("|---|---|---|---|---|---|---|---|---|---|\n")
for (name in strsplit(opt$sets, ",")[[1L]]) {
  s <- perturbed_set(name)
  for (reltol in as.numeric(strsplit(opt$reltols, ",")[[1L]])) {
    for (k in -K:K) {
      cat(sprintf("| %s | %d | %g | %d | ", name, nrow(s$Ztr), reltol, k),
          perturbed_fit_cells(s, k, reltol = reltol), "\n", sep = "")
      flush(stdout())
    }
  }
}
