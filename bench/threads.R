# One evaluation (value and gradient) on 1 and 2 OpenMP threads
# (options(gplvm.threads)), in one process: the exact model at N = 1000
# and N = 200 (D = 12, q = 2), whose time is mostly the BLAS's, the sparse
# VFE bound (N = 1000, M = 50, q = 2) and the Bayesian bound (N = 1000,
# M = 50, q = 5), whose psi-statistics are the package's own loops.
# Medians of 9 evaluations, three rounds.  busy=K runs K busy loops (forked
# processes) beside the measurement, as other jobs on a shared machine
# would.  Run once per BLAS:
#   OPENBLAS_NUM_THREADS=1 R_LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
#     Rscript bench/threads.R [busy=K]
#   Rscript bench/threads.R [busy=K]
suppressPackageStartupMessages(library(gplvm))
arg <- grep("^busy=", commandArgs(trailingOnly = TRUE), value = TRUE)
busy <- if (length(arg)) as.integer(sub("busy=", "", arg)) else 0L
set.seed(1)
N <- 1000
Y <- matrix(rnorm(N * 12), N)
X <- matrix(rnorm(N * 2), N)
X5 <- matrix(rnorm(N * 5), N)
S5 <- matrix(runif(N * 5, 0.1, 0.5), N)
Z <- X5[1:50, ]
k2 <- kern_rbf(1, 1)
k5 <- kern_rbf(1, rep(1, 5))
small <- 1:200
cases <- list(
  exact = function() gplvm_loglik(Y, X, k2, 0.1, gradient = TRUE),
  exact200 = function() {
    gplvm_loglik(Y[small, ], X[small, ], k2, 0.1, gradient = TRUE)
  },
  sparse = function() {
    gplvm_loglik(Y, X, k2, 0.1, gradient = TRUE, inducing = Z[, 1:2])
  },
  bayesian = function() {
    gplvm_loglik(Y, X5, k5, 0.1, gradient = TRUE, inducing = Z, X_var = S5)
  })
loops <- lapply(seq_len(busy), function(i) {
  parallel::mcparallel(repeat NULL, silent = TRUE)
})
med <- function(f) median(replicate(9, system.time(f())[["elapsed"]]))
res <- NULL
for (round in 1:3) {
  for (threads in 1:2) {
    options(gplvm.threads = threads)
    res <- rbind(res, data.frame(round = round, threads = threads,
                                 lapply(cases, med)))
  }
}
cat("BLAS:", La_library(), " busy loops:", busy, " load:",
    readLines("/proc/loadavg"), "\n")
for (p in loops) tools::pskill(p$pid)
invisible(parallel::mccollect(loops, wait = FALSE))
print(res)
m <- aggregate(res[names(cases)], res["threads"], median)
print(m)
cat("time on 2 threads / 1 thread:",
    paste(sprintf("%s %.2f", names(cases), unlist(m[2, names(cases)]) /
                    unlist(m[1, names(cases)])), collapse = ", "), "\n")
