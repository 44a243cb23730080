# GP-LVM on the oil flow training data (1000 x 12, three classes): the
# leave-one-out 1-nearest-neighbour error count in the 2-D latent space of a
# default fit, against PCA, with the fit's wall time and evaluations; saves
# the plot of the fit to bench/oil_fit.png.
#
# Run from the package root, after installing the package:
#   Rscript bench/oil_fit.R [n]      (n: a random subset of n points)
# The data directory defaults to ../shared/data/oil (GPLVM_OIL_DIR).
#
# Recorded for the current default (no prior on X, RBF lengthscale fixed
# at 1, noise prior; issue 10, see bench/converge.md and bench/converge.R):
#   convergence 0, 2159 evaluations, objective 16804.0, 0 errors
#   (OpenBLAS, one thread).
# Recorded for the old default (prior on X, free ARD lengthscales,
# init_sd 0.1, maxit 1000; not converged): 6 errors, loglik 15918, 1032
# evaluations, 346 s on the reference BLAS; init_sd = 1: 23 errors;
# scale = TRUE: 4 errors; SCG (maxit 500): 3 errors; CG stopped with a
# parameter overflow in its line search.
library(gplvm)

dir <- Sys.getenv("GPLVM_OIL_DIR", "../shared/data/oil")
Y <- as.matrix(read.table(file.path(dir, "DataTrn.txt")))
labels <- max.col(as.matrix(read.table(file.path(dir, "DataTrnLbls.txt"))))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) > 0L) {
  set.seed(1)
  keep <- sort(sample(nrow(Y), as.integer(args[1L])))
  Y <- Y[keep, ]
  labels <- labels[keep]
}
colnames(Y) <- paste0("y", seq_len(ncol(Y)))
classes <- factor(labels, labels = c("homogeneous", "annular", "stratified"))

# Leave-one-out 1-nearest-neighbour errors in a latent space.
nn_errors <- function(X) {
  D <- as.matrix(dist(X))
  diag(D) <- Inf
  sum(labels[apply(D, 1L, which.min)] != labels)
}

pca <- prcomp(Y)$x[, 1:2]
cat(sprintf("oil data: %d points, %d dimensions\n", nrow(Y), ncol(Y)))
cat(sprintf("PCA (2-D): %d leave-one-out 1-NN errors\n", nn_errors(pca)))

set.seed(1)
start <- proc.time()[["elapsed"]]
fit <- gplvm(Y, q = 2, trace = 100)
wall <- proc.time()[["elapsed"]] - start
print(fit)
cat(sprintf("GP-LVM (2-D): %d leave-one-out 1-NN errors (PCA start: %d)\n",
            nn_errors(fit$X), nn_errors(fit$X_init)))
cat(sprintf("wall time %.1f s, %d evaluations, %.3f s per evaluation\n",
            wall, fit$optim$evaluations, wall / fit$optim$evaluations))

png("bench/oil_fit.png", width = 560, height = 420)
plot(fit, labels = classes, resolution = 50,
     main = sprintf("Oil flow data, GP-LVM: %d 1-NN errors",
                    nn_errors(fit$X)))
invisible(dev.off())
cat("plot saved to bench/oil_fit.png\n")
