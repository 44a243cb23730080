# Bayesian GP-LVM on the oil flow training data (1000 x 12, three classes),
# q = 10 latent dimensions and M = 50 inducing inputs, default kernel
# (RBF with ARD plus bias): the ARD relevances, the number of dimensions
# the fit uses, the leave-one-out 1-nearest-neighbour errors in the two
# most relevant dimensions (of the latent means), wall time and
# evaluations; saves the plot to bench/oil_bayes.png and the relevances to
# bench/oil_bayes_ard.png.
#
# Run from the package root, after installing the package:
#   Rscript bench/oil_bayes.R [maxit] [method] [scale] [figure file] [reltol]
# The data directory defaults to ../shared/data/oil (GPLVM_OIL_DIR); with
# GPLVM_SAVE_FIT=<file> the fit is saved there; GPLVM_SEED sets the seed
# (default 1; it changes only the k-means start of the inducing inputs).
# Defaults: maxit 10000, L-BFGS-B, unscaled (centred) data, reltol 1e-8
# (the package defaults).
# Papers: Titsias and Lawrence (2010) 3 errors, Damianou et al. (2016) 1;
# the sparse point-estimate GP-LVM 26 (as quoted there).
library(gplvm)

dir <- Sys.getenv("GPLVM_OIL_DIR", "../shared/data/oil")
# from a worktree in /work/wt/<name> the data are two levels up
if (!dir.exists(dir)) dir <- file.path("..", dir)
Y <- as.matrix(read.table(file.path(dir, "DataTrn.txt")))
labels <- max.col(as.matrix(read.table(file.path(dir, "DataTrnLbls.txt"))))
colnames(Y) <- paste0("y", seq_len(ncol(Y)))
classes <- factor(labels, labels = c("homogeneous", "annular", "stratified"))
args <- commandArgs(trailingOnly = TRUE)
maxit <- if (length(args) > 0L) as.integer(args[1L]) else 10000L
method <- if (length(args) > 1L) args[2L] else "L-BFGS-B"
scale <- if (length(args) > 2L) as.logical(args[3L]) else FALSE
reltol <- if (length(args) > 4L) as.numeric(args[5L]) else 1e-8

nn_errors <- function(X) {
  D <- as.matrix(dist(X))
  diag(D) <- Inf
  sum(labels[apply(D, 1L, which.min)] != labels)
}

cat(sprintf("oil data: %d points, %d dimensions; BLAS/LAPACK %s\n",
            nrow(Y), ncol(Y), basename(La_library())))
cat(sprintf("PCA (2-D): %d leave-one-out 1-NN errors\n",
            nn_errors(prcomp(Y)$x[, 1:2])))
seed <- as.integer(Sys.getenv("GPLVM_SEED", "1"))
set.seed(seed)
cat(sprintf("seed %d\n", seed))
start <- proc.time()[["elapsed"]]
cpu <- proc.time()[["user.self"]]
fit <- gplvm(Y, q = 10, bayesian = TRUE, inducing = 50, maxit = maxit,
             scale = scale, reltol = reltol,
             method = method, trace = 250)
wall <- proc.time()[["elapsed"]] - start
cpu <- proc.time()[["user.self"]] - cpu
if (nzchar(Sys.getenv("GPLVM_SAVE_FIT"))) saveRDS(fit, Sys.getenv("GPLVM_SAVE_FIT"))
print(fit)
rel <- gplvm:::.ard_relevance(fit)
dims <- order(-rel)[1:2]
cat(sprintf("dimensions used (relevance >= 0.01): %d of 10\n",
            sum(rel >= 0.01)))
cat(sprintf("Bayesian GP-LVM, dimensions %s: %d leave-one-out 1-NN errors\n",
            paste(dims, collapse = " and "), nn_errors(fit$X[, dims])))
cat(sprintf("three most relevant dimensions: %d leave-one-out 1-NN errors\n",
            nn_errors(fit$X[, order(-rel)[1:3]])))
cat(sprintf("wall time %.1f s (CPU %.1f s), %d evaluations, %.3f s per evaluation, convergence %d (%s), %d optimiser runs, %d failed evaluations\n",
            wall, cpu, fit$optim$evaluations, wall / fit$optim$evaluations,
            fit$optim$convergence, fit$optim$message, fit$optim$runs,
            fit$optim$failed))
cat(sprintf("largest |gradient| (optimised scale) %.3g; RBF variance %.4g, noise %.4g\n",
            fit$optim$max_gradient, fit$kernel$parts[[1]]$params$variance,
            fit$noise))
# How precisely the bound is computed at the fit: its spread over 8
# perturbations of the means by 1e-9 (far below any real change).
set.seed(2)
wobble <- replicate(8, c(gplvm_loglik(
  fit$Y, fit$X + rnorm(length(fit$X), sd = 1e-9), fit$kernel, fit$noise,
  inducing = fit$inducing, X_var = fit$X_var)))
cat(sprintf("rounding noise of the bound at the fit: sd %.3g over 8 perturbations of 1e-9 (range %.3g)\n",
            sd(wobble), diff(range(wobble))))

fig <- if (length(args) > 3L) args[4L] else "bench/oil_bayes.png"
png(fig, width = 620, height = 460)
plot(fit, labels = classes, resolution = 50, uncertainty = TRUE,
     main = sprintf("Oil flow, Bayesian GP-LVM (q = 10, M = 50): %d 1-NN errors",
                    nn_errors(fit$X[, dims])))
invisible(dev.off())
png(sub("[.]png$", "_ard.png", fig), width = 460, height = 340)
barplot(rel, names.arg = seq_along(rel), log = "y", ylim = c(1e-8, 1),
        xlab = "latent dimension", ylab = "ARD relevance (1 / l^2, relative)",
        main = "Oil flow, Bayesian GP-LVM: ARD relevances")
abline(h = 0.01, lty = 2)
invisible(dev.off())
