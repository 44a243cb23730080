# Exact against sparse GP-LVM (VFE, M = 100 inducing inputs) on the oil flow
# training data (1000 x 12, three classes), side by side: wall time,
# evaluations, log-likelihood (for the sparse fit: its bound, and the exact
# log-likelihood at its parameters), leave-one-out 1-NN errors in the 2-D
# latent space.  Both fits start from the same PCA initialisation and
# kernel (the default of gplvm()) and use the same optimiser settings.
#
# Run from the package root, after installing the package:
#   Rscript bench/oil_sparse.R [maxit]        (default maxit 1000)
# The data directory defaults to ../shared/data/oil (GPLVM_OIL_DIR).
#
# One run (2026-11-22, 2 shared cores under load from other jobs,
# maxit 1000, neither fit converged):
#   exact:  772.7 s, 1024 evaluations, 0.755 s each, log-likelihood 16138,
#           23 leave-one-out 1-NN errors
#   sparse:  47.9 s, 1082 evaluations, 0.044 s each, bound 16655 (exact
#           log-likelihood at its parameters 16675), 15 1-NN errors
#   exact / sparse: wall time 16.1, time per evaluation 17.0; PCA: 162.
library(gplvm)

dir <- Sys.getenv("GPLVM_OIL_DIR", "../shared/data/oil")
Y <- as.matrix(read.table(file.path(dir, "DataTrn.txt")))
labels <- max.col(as.matrix(read.table(file.path(dir, "DataTrnLbls.txt"))))
args <- commandArgs(trailingOnly = TRUE)
maxit <- if (length(args) > 0L) as.integer(args[1L]) else 1000L

nn_errors <- function(X) {
  D <- as.matrix(dist(X))
  diag(D) <- Inf
  sum(labels[apply(D, 1L, which.min)] != labels)
}

run <- function(...) {
  set.seed(1)
  start <- proc.time()[["elapsed"]]
  fit <- suppressWarnings(gplvm(Y, q = 2, maxit = maxit, ...))
  list(fit = fit, wall = proc.time()[["elapsed"]] - start)
}

sparse <- run(inducing = 100L, approx = "vfe")
exact <- run()
Yc <- sweep(Y, 2L, colMeans(Y))
exact_at_sparse <- gplvm_loglik(Yc, sparse$fit$X, sparse$fit$kernel,
                                sparse$fit$noise)
tab <- data.frame(
  model = c("exact", "sparse VFE, M = 100"),
  wall_s = c(exact$wall, sparse$wall),
  evaluations = c(exact$fit$optim$evaluations,
                  sparse$fit$optim$evaluations),
  s_per_eval = c(exact$wall / exact$fit$optim$evaluations,
                 sparse$wall / sparse$fit$optim$evaluations),
  converged = c(exact$fit$optim$convergence,
                sparse$fit$optim$convergence) == 0L,
  objective = c(exact$fit$loglik, sparse$fit$loglik),
  exact_loglik = c(exact$fit$loglik, exact_at_sparse),
  nn_errors = c(nn_errors(exact$fit$X), nn_errors(sparse$fit$X)))
cat(sprintf("oil data: %d points, %d dimensions, maxit %d; PCA: %d 1-NN errors\n",
            nrow(Y), ncol(Y), maxit, nn_errors(prcomp(Y)$x[, 1:2])))
print(tab, digits = 5, row.names = FALSE)
cat(sprintf("exact / sparse: wall time %.1f, time per evaluation %.1f\n",
            exact$wall / sparse$wall, tab$s_per_eval[1] / tab$s_per_eval[2]))
