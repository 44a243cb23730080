# One evaluation of the Bayesian bound with value and gradient at a state
# where pruning has switched off all but `on` of q latent dimensions
# (N x 12 data, M inducing inputs, RBF ARD + bias): the engine on every
# dimension (.loglik_bayes_c) against the engine on the dimensions in
# use (.loglik_bayes_on, what a fit evaluates) and the latter without the
# Psi2 cache (.psi_cache, src/bayes.c; identical results), alternating,
# medians over `reps` triples in one process.
#   Rscript bench/bayes_dims_on.R [n=1000] [m=50] [q=10] [on=3] [reps=20]
# (from the package root; OpenBLAS with one thread).
source("bench/common.R")  # bench_args()
opt <- list(n = "1000", m = "50", q = "10", on = "3", reps = "20")
opt <- bench_args(opt)
suppressPackageStartupMessages(library(gplvm))
ns <- asNamespace("gplvm")
n <- as.integer(opt$n); m <- as.integer(opt$m); q <- as.integer(opt$q)
on <- as.integer(opt$on)
set.seed(1)
Y <- matrix(rnorm(n * 12), n)
X <- matrix(rnorm(n * q), n)
S <- matrix(runif(n * q, 0.05, 0.5), n)
Z <- matrix(rnorm(m * q), m)
k <- kern_rbf(1, seq(1, 2, length.out = q)) + kern_bias(0.1)
off <- setdiff(seq_len(q), seq_len(on))
X[, off] <- 0
S[, off] <- 1
Z[, off] <- 0
for (j in off) k <- ns$.switch_off_kernel(k, j)
time_it <- function(f) {
  t0 <- proc.time()[["elapsed"]]
  f()
  proc.time()[["elapsed"]] - t0
}
reps <- as.integer(opt$reps)
on_dims <- function() ns$.loglik_bayes_on(Y, X, S, Z, k, 0.1, TRUE, ncol(Y))
without_cache <- function() {
  assignInNamespace(".psi_cache", FALSE, "gplvm")
  on.exit(assignInNamespace(".psi_cache", TRUE, "gplvm"))
  on_dims()
}
stopifnot(identical(on_dims(), without_cache()))
full <- used <- nocache <- numeric(reps)
for (r in seq_len(reps)) {
  full[r] <- time_it(function() ns$.loglik_bayes_c(Y, X, S, Z, k, 0.1, TRUE))
  used[r] <- time_it(on_dims)
  nocache[r] <- time_it(without_cache)
}
cat(sprintf(paste("N %d, M %d, q %d, %d in use, threads %d, BLAS %s:",
                  "every dimension %.1f ms, dimensions in use %.1f ms,",
                  "ratio %.2f; in use without the Psi2 cache %.1f ms,",
                  "cache / none %.2f (medians of %d)\n"),
            n, m, q, on, ns$.gplvm_threads(), basename(La_library()),
            1000 * median(full), 1000 * median(used),
            median(used) / median(full), 1000 * median(nocache),
            median(used) / median(nocache), reps))
