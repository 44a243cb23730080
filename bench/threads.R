# One evaluation (value and gradient) on 1 and 2 OpenMP threads
# (options(gplvm.threads)), in one process: the exact model (N = 1000,
# D = 12, q = 2), whose time is mostly the BLAS's, and the Bayesian bound
# (N = 1000, M = 50, q = 5), whose psi-statistics are the package's own
# loops.  Medians of 9 evaluations, three rounds.  Run once per BLAS:
#   OPENBLAS_NUM_THREADS=1 R_LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
#     Rscript bench/threads.R
#   Rscript bench/threads.R
suppressPackageStartupMessages(library(gplvm))
set.seed(1)
N <- 1000
Y <- matrix(rnorm(N * 12), N)
X <- matrix(rnorm(N * 2), N)
X5 <- matrix(rnorm(N * 5), N)
S5 <- matrix(runif(N * 5, 0.1, 0.5), N)
Z <- X5[1:50, ]
k2 <- kern_rbf(1, 1)
k5 <- kern_rbf(1, rep(1, 5))
med <- function(f) median(replicate(9, system.time(f())[["elapsed"]]))
res <- NULL
for (round in 1:3) {
  for (threads in 1:2) {
    options(gplvm.threads = threads)
    res <- rbind(res, data.frame(
      round = round, threads = threads,
      exact = med(function() gplvm_loglik(Y, X, k2, 0.1, gradient = TRUE)),
      bayesian = med(function() {
        gplvm_loglik(Y, X5, k5, 0.1, gradient = TRUE, inducing = Z,
                     X_var = S5)
      })))
  }
}
cat("BLAS:", La_library(), " load:", readLines("/proc/loadavg"), "\n")
print(res)
m <- aggregate(cbind(exact, bayesian) ~ threads, res, median)
print(m)
cat(sprintf("time on 2 threads / 1 thread: exact %.2f, Bayesian %.2f\n",
            m$exact[2] / m$exact[1], m$bayesian[2] / m$bayesian[1]))
