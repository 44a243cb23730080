# Oil flow data (1000 x 12, three classes): the default 2-D fit beside
# Rtsne in one process, for issue 23's target (converged, at most 2
# leave-one-out 1-NN errors, at most 3 x Rtsne's time).  Run once per BLAS:
#   OPENBLAS_NUM_THREADS=1 R_LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
#     Rscript bench/oil_vs_tsne.R
#   Rscript bench/oil_vs_tsne.R          (the reference BLAS)
# REPS=k repeats it with seeds 1..k (since the default fit of these 1000
# rows is sparse, the seed draws its starting inducing inputs).
# The data directory defaults to ../shared/data/oil (GPLVM_OIL_DIR).
suppressPackageStartupMessages(library(gplvm))
dir <- Sys.getenv("GPLVM_OIL_DIR", "../shared/data/oil")
Y <- as.matrix(read.table(file.path(dir, "DataTrn.txt")))
labels <- max.col(as.matrix(read.table(file.path(dir, "DataTrnLbls.txt"))))
nn_errors <- function(X) {
  D <- as.matrix(dist(X))
  diag(D) <- Inf
  sum(labels[apply(D, 1L, which.min)] != labels)
}
cat("BLAS:", extSoftVersion()[["BLAS"]], "\n")
timed <- function(expr) {
  t0 <- proc.time()[["elapsed"]]
  value <- force(expr)
  list(value = value, time = proc.time()[["elapsed"]] - t0)
}
reps <- as.integer(Sys.getenv("REPS", "1"))
for (r in seq_len(reps)) {
  set.seed(r)
  tsne <- timed(Rtsne::Rtsne(Y, dims = 2, num_threads = 1,
                             check_duplicates = FALSE)$Y)
  set.seed(r)
  fit <- timed(gplvm(Y, q = 2))
  load <- readLines("/proc/loadavg")
  cat(sprintf(paste("repeat %d: gplvm %.1f s, %d evaluations, convergence",
                    "%d, %d errors; Rtsne %.1f s, %d errors; time ratio",
                    "%.2f; load %s\n"),
              r, fit$time, fit$value$optim$evaluations,
              fit$value$optim$convergence, nn_errors(fit$value$X),
              tsne$time, nn_errors(tsne$value), fit$time / tsne$time,
              substr(load, 1, 14)))
}
