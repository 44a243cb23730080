# The cost of a Bayesian GP-LVM fit against the plain fit's, on the oil
# flow training data (1000 x 12, three classes): per seed, the default
# Bayesian fit gplvm(Y, q = 10, bayesian = TRUE, inducing = 50) (pruning
# during the optimisation, R/bayes.R), its evaluations, wall time and its
# ratios to the default plain 2-D fit gplvm(Y) (sparse since the default
# switched at 500 rows; M = 80 since session 8, 64 before) and to the exact one
# gplvm(Y, inducing = NULL), both timed in the same process,
# convergence, the dimensions it uses (gplvm:::.dims_used()), the
# dimensions switched off and when, and the leave-one-out 1-nearest-
# neighbour errors of the means in the two most relevant dimensions, and
# the bound of each start (a second one when the dimensions were in
# doubt; the evaluations are the kept start's, the time all starts').
# Issue 23 asks for: converged, at most 3 dimensions, at most 3 errors,
# at most 5 x the plain fit's time.
#
# Run from the package root after installing the package, one fit at a
# time (the machine is shared):
#   Rscript bench/bayes_cost.R [rows=N] [seeds=1,2,3] [q=10] [maxit=N]
#     [prune=TRUE|FALSE|cutoff] [plain=TRUE|FALSE] [every=N] [reltol=x]
# rows = 0 (default) takes all 1000 rows, otherwise a random subset of
# N rows (set.seed(0)), for quick runs; maxit defaults to gplvm()'s.
# every = N (an experiment, not an option of the package) prunes every N
# evaluations instead of the package's 250.  reltol = x gives the
# Bayesian fits that tolerance instead of their default.
# The BLAS is the process's: for OpenBLAS with one thread prefix
#   OPENBLAS_NUM_THREADS=1 \
#   R_LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread
# The data directory defaults to ../shared/data/oil (GPLVM_OIL_DIR).
# Prints a markdown table (bench/bayes_cost.md keeps the recorded runs).
library(gplvm)
source("bench/common.R")  # bench_args(), nn_errors()
opt <- list(rows = "0", seeds = "1,2,3", q = "10", maxit = "",
            prune = "TRUE", plain = "TRUE", every = "", reltol = "")
opt <- bench_args(opt)
dir <- Sys.getenv("GPLVM_OIL_DIR", "../shared/data/oil")
if (!dir.exists(dir)) dir <- file.path("..", dir)
Y <- as.matrix(read.table(file.path(dir, "DataTrn.txt")))
labels <- max.col(as.matrix(read.table(file.path(dir, "DataTrnLbls.txt"))))
colnames(Y) <- paste0("y", seq_len(ncol(Y)))
rows <- as.integer(opt$rows)
if (rows > 0L) {
  set.seed(0)
  keep <- sort(sample(nrow(Y), rows))
  Y <- Y[keep, ]
  labels <- labels[keep]
}
q <- as.integer(opt$q)
if (nzchar(opt$every)) {
  utils::assignInNamespace(".prune_every", as.integer(opt$every), "gplvm")
}
prune <- if (opt$prune %in% c("TRUE", "FALSE")) {
  as.logical(opt$prune)
} else as.numeric(opt$prune)
bayes_args <- list(Y, q = q, bayesian = TRUE, inducing = 50, prune = prune)
if (nzchar(opt$maxit)) bayes_args$maxit <- as.integer(opt$maxit)
if (nzchar(opt$reltol)) bayes_args$reltol <- as.numeric(opt$reltol)

timed <- function(expr) {
  t0 <- proc.time()[["elapsed"]]
  value <- withCallingHandlers(expr, warning = function(w) {
    cat("warning:", conditionMessage(w), "\n")
    invokeRestart("muffleWarning")
  })
  list(value = value, time = proc.time()[["elapsed"]] - t0)
}
load_avg <- function() {
  as.numeric(strsplit(readLines("/proc/loadavg"), " ")[[1L]][1L])
}

cat(sprintf("oil: %d x %d; BLAS %s; load average %.1f\n", nrow(Y), ncol(Y),
            basename(La_library()), load_avg()))
plain_time <- exact_time <- NA_real_
if (as.logical(opt$plain)) {
  # the default plain fit (sparse above 500 rows since session 7) and the
  # exact one, the plain default when issue 23 set the 5 x target
  for (exact in c(FALSE, TRUE)) {
    p <- timed(if (exact) gplvm(Y, inducing = NULL) else gplvm(Y))
    if (exact) exact_time <- p$time else plain_time <- p$time
    cat(sprintf(paste("plain 2-D fit gplvm(Y%s): %d evaluations, %.1f s,",
                      "convergence %d, %d 1-NN errors\n"),
                if (exact) ", inducing = NULL" else "",
                p$value$optim$evaluations, p$time,
                p$value$optim$convergence, nn_errors(p$value$X, labels)))
  }
}
lines <- character()
for (seed in as.integer(strsplit(opt$seeds, ",")[[1L]])) {
  set.seed(seed)
  b <- timed(do.call(gplvm, bayes_args))
  fit <- b$value
  rel <- gplvm:::.ard_relevance(fit)
  top <- order(-rel)[1:2]
  off <- fit$pruning
  used <- gplvm:::.dims_used(rel, off)
  line <- sprintf("| %d | %d | %d | %.0f | %s | %d | %s | %d | %d | %.1f | %s |",
                  seed, fit$optim$convergence, fit$optim$evaluations,
                  b$time, if (is.na(plain_time)) "" else
                    sprintf("%.2f; %.2f", b$time / plain_time,
                            b$time / exact_time),
                  sum(used),
                  paste(sprintf("X%d@%d%s", off$dimension, off$evaluation,
                                ifelse(off$undone, "(undone)", "")),
                        collapse = " "),
                  nn_errors(fit$X[, top], labels),
                  nn_errors(fit$X[, used, drop = FALSE], labels),
                  fit$loglik,
                  paste(sprintf("%.1f", fit$restarts), collapse = ", "))
  cat(line, "\n")
  cat("  relevance:", signif(rel, 2), "\n")
  lines <- c(lines, line)
}
cat(sprintf("\nload average at the end %.1f; plain fit %.1f s, exact %.1f s\n\n",
            load_avg(), plain_time, exact_time))
cat("| seed | convergence | evaluations | time (s) | time / plain (default; exact) | dimensions | switched off (dimension@evaluation) | 1-NN errors (2 most relevant) | errors (dimensions used) | bound | bounds of the starts |\n")
cat("|---|---|---|---|---|---|---|---|---|---|---|\n")
cat(lines, sep = "\n")
