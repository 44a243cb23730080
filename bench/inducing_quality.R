# Does a larger M buy the default sparse fit better neighbourhoods?
# (issue 23: errors at most 1.1 x Rtsne's.)  Per set (bench/common.R's
# split_set(); "oil" whole), Rtsne once, then gplvm(Y, inducing = M) for
# each M and seed: time and its ratio to Rtsne's in this process,
# evaluations, convergence, 1-NN errors and their ratio, held-out RMSE.
# Run from the package root (OpenBLAS, one thread):
#   OPENBLAS_NUM_THREADS=1 R_LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
#     GPLVM_OIL_DIR=... Rscript bench/inducing_quality.R oil,biopsy 80,120,160 1:3
# (bench/levers.md, section 11; outputs bench/results/inducing_quality-s10-*.)
suppressPackageStartupMessages(library(gplvm))
source("bench/common.R")
args <- commandArgs(trailingOnly = TRUE)
sets <- strsplit(args[1L], ",")[[1L]]
Ms <- as.integer(strsplit(args[2L], ",")[[1L]])
seeds <- eval(parse(text = args[3L]))
for (name in sets) {
  s <- perturbed_set(name)  # oil whole, the others split_set()'s split
  rt <- run_rtsne(s, name, basename(La_library()), 1L)  # prints its row
  trt <- rt$time
  et <- rt$errors
  for (M in Ms) for (seed in seeds) {
    set.seed(seed)
    t0 <- proc.time()[["elapsed"]]
    f <- suppressMessages(gplvm(s$Ztr, inducing = M))
    tm <- proc.time()[["elapsed"]] - t0
    e <- nn_errors(f$X, s$class)
    cat(sprintf(paste("%s M=%d seed %d: %.1f s (%.2f x Rtsne), %d evals,",
                      "conv %d, errors %d (%.2f x Rtsne), rmse %s\n"),
                name, M, seed, tm, tm / trt, f$optim$evaluations,
                f$optim$convergence, e, e / et,
                if (is.null(s$Zte)) "NA"
                else sprintf("%.3f", gplvm_rmse(f, s$Zte))))
  }
}
