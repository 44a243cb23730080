# A synthetic check of few inducing inputs against many classes (issue
# 23): 26 clusters on a 6 x 5 grid in 2-D, mapped through sin/cos/product
# features and a random 4 x 16 matrix, noise sd 0.3, N rows (default
# 16000, the first 2000 held out); the class of each row is its cluster.
# uwot's and PCA's 1-NN errors beside chains of sparse fits as in
# bench/inducing_count.R.
#   N=16000 ARMS="32;64" Rscript bench/synth_clusters.R
suppressPackageStartupMessages(library(gplvm))
source("bench/common.R")
set.seed(99)
n <- as.integer(Sys.getenv("N", "16000")); k <- 26
cent <- as.matrix(expand.grid(1:6, 1:5))[1:k, ] * 1.0
cl <- sample(k, n, TRUE)
t <- cent[cl, ] + matrix(rnorm(2 * n, sd = 0.25), n)
t <- scale(t)
A <- matrix(rnorm(4 * 16), 4)
F <- cbind(sin(2 * t[, 1]), cos(2 * t[, 1]), sin(1.5 * t[, 2]), t[, 1] * t[, 2])
Y <- scale(F %*% A + matrix(rnorm(n * 16, sd = 0.3), n))
Yte <- Y[1:2000, ]; Ytr <- Y[-(1:2000), ]; cls <- cl[-(1:2000)]
cat("PCA errors", nn_errors(prcomp(Ytr)$x[, 1:2], cls), "\n")
t0 <- proc.time()[[3]]; u <- uwot::umap(Ytr, n_threads = 1); cat("uwot errors", nn_errors(u, cls), "time", proc.time()[[3]] - t0, "\n")
for (arm in strsplit(Sys.getenv("ARMS", "32;64"), ";")[[1]]) {
  set.seed(1); t0 <- proc.time()[[3]]; f <- NULL; ev <- integer()
  for (st in strsplit(arm, ">")[[1]]) {
    M <- as.integer(st)
    f <- if (is.null(f)) gplvm(Ytr, q = 2, inducing = M) else gplvm(Ytr, q = 2, init = f$X, kernel = f$kernel, noise = f$noise, inducing = M)
    ev <- c(ev, f$optim$evaluations)
  }
  tf <- proc.time()[[3]] - t0
  cat(sprintf("arm %s: evals %s conv %d errors %d time %.1f load %.2f\n", arm, paste(ev, collapse = "+"), f$optim$convergence, nn_errors(f$X, cls), tf, load_avg()))
}
