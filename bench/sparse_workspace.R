# Memory kept between the sparse engine's evaluations (issue 23): one
# evaluation with value and gradient, with the store of k(X, Z) and its
# whitened form in fresh memory (workspace = NULL, as before) and in a
# fit's workspace, alternating, medians over `reps` pairs in one process;
# then a default fit's time per evaluation over its first `maxit`
# iterations (run once per build to compare builds).
#   Rscript bench/sparse_workspace.R [rows=1000,5200,16000] [M=64] [reps=15] [maxit=300]
# Run it on OpenBLAS with one thread:
#   R_LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
#   OPENBLAS_NUM_THREADS=1 Rscript bench/sparse_workspace.R
source("bench/common.R")  # bench_args(), data_set(), load_avg()
opt <- list(rows = "1000,5200,16000", M = "64", reps = "15", maxit = "300")
opt <- bench_args(opt)
suppressPackageStartupMessages(library(gplvm))
cat(sprintf("BLAS %s, OPENBLAS_NUM_THREADS %s, load %.2f\n", La_library(),
            Sys.getenv("OPENBLAS_NUM_THREADS"), load_avg()))
has_ws <- "workspace" %in% names(formals(gplvm:::.loglik_sparse_c))
m <- as.integer(opt$M)
reps <- as.integer(opt$reps)
cat("| rows | M | fresh memory (ms) | workspace (ms) | ratio | fit: ms per evaluation (evaluations) | load |\n")
cat("|---|---|---|---|---|---|---|\n")
for (n in as.integer(strsplit(opt$rows, ",")[[1L]])) {
  d <- data_set(sprintf("diamonds%d", n))
  Y <- scale(d$Y[stats::complete.cases(d$Y), ])
  X <- prcomp(Y)$x[, 1:2]
  X <- X / sd(X)
  set.seed(1)
  Z <- stats::kmeans(X, m, iter.max = 50L)$centers
  k <- kern_rbf(1, 1)
  one <- function(ws) {
    t0 <- proc.time()[["elapsed"]]
    if (is.null(ws)) {
      gplvm:::.loglik_sparse_c(Y, X, Z, k, 0.1, "vfe", TRUE)
    } else {
      gplvm:::.loglik_sparse_c(Y, X, Z, k, 0.1, "vfe", TRUE, workspace = ws)
    }
    proc.time()[["elapsed"]] - t0
  }
  fresh <- kept <- rep(NA_real_, reps)
  if (has_ws) {
    ws <- gplvm:::.loglik_workspace()
    for (r in seq_len(reps)) {
      fresh[r] <- one(NULL)
      kept[r] <- one(ws)
    }
  } else {
    for (r in seq_len(reps)) fresh[r] <- one(NULL)
  }
  t0 <- proc.time()[["elapsed"]]
  # stops at maxit by design (its warning says so): the time per
  # evaluation is the measure
  fit <- gplvm(Y, q = 2, inducing = m, maxit = as.integer(opt$maxit))
  tf <- proc.time()[["elapsed"]] - t0
  cat(sprintf("| %d | %d | %.2f | %s | %s | %.2f (%d) | %.2f |\n", nrow(Y), m,
              1000 * median(fresh),
              if (has_ws) sprintf("%.2f", 1000 * median(kept)) else "-",
              if (has_ws) sprintf("%.2f", median(kept) / median(fresh)) else "-",
              1000 * tf / fit$optim$evaluations, fit$optim$evaluations,
              load_avg()))
}
