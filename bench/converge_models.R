# The candidate models of issue 10 (a default with a maximiser), measured
# on the same data from the same PCA start: convergence, evaluations, wall
# time, log-likelihood, latent scale (mean column sd of X, in units of the
# kernel's lengthscale: sd(X_q) / l_q), and leave-one-out 1-NN errors.
#   nolprior_fixl   no prior on X, RBF lengthscale fixed at 1 (the default)
#   nolprior_ard    no prior on X, free ARD lengthscales (same model, the
#                   redundant scale left to the optimiser)
#   prior_ard       unit Gaussian prior on X, free ARD lengthscales (the
#                   old default: no maximiser)
#   prior_fixl      prior on X, lengthscale fixed at 1
#   prior_lnl       prior on X, free lengthscale with a log-normal prior
#                   log l ~ N(0, 1) (a prior on the log inverse width)
# All with the noise prior of the default, reltol 1e-8, maxit 10000.
#
#   Rscript bench/converge_models.R iris|crabs|oil [candidate ...]
# (oil: ../shared/data/oil or GPLVM_OIL_DIR; use OpenBLAS, see
# bench/converge.R).  Results: bench/converge.md.
library(gplvm)
args <- commandArgs(trailingOnly = TRUE)
set_name <- if (length(args)) args[1L] else "iris"
cands <- if (length(args) > 1L) args[-1L] else
  c("nolprior_fixl", "nolprior_ard", "prior_ard", "prior_fixl", "prior_lnl")
cat(La_library(), "\n")
d <- switch(set_name,
  iris = list(Y = as.matrix(iris[, 1:4]), labels = iris$Species),
  crabs = list(Y = as.matrix(log(MASS::crabs[, 4:8])),
               labels = interaction(MASS::crabs$sp, MASS::crabs$sex)),
  oil = local({
    dir <- Sys.getenv("GPLVM_OIL_DIR", "../shared/data/oil")
    list(Y = as.matrix(read.table(file.path(dir, "DataTrn.txt"))),
         labels = max.col(as.matrix(read.table(file.path(dir,
                                                        "DataTrnLbls.txt")))))
  }))
nn_errors <- function(X, labels) {
  D <- as.matrix(dist(X))
  diag(D) <- Inf
  sum(labels[apply(D, 1L, which.min)] != labels)
}
Yc <- sweep(d$Y, 2L, colMeans(d$Y))
vbar <- mean(Yc^2)
q <- 2L
n <- nrow(Yc)

# prior_lnl: the package's objective plus log N(log l | 0, 1), optimised by
# the package's driver.
lognormal_fit <- function() {
  k <- kern_rbf(vbar, 1)
  obj <- gplvm:::.gplvm_objective(Yc, k, 0.1 * vbar, character(), TRUE, q,
                                  0L, NULL, "vfe", 0.1 * vbar)
  il <- n * q + 2L                       # log lengthscale in the vector
  wrapped <- list(
    fn = function(p) obj$fn(p) + p[il]^2 / 2,
    gr = function(p) { g <- obj$gr(p); g[il] <- g[il] + p[il]; g },
    best = function() list(par = NULL, value = Inf))
  X0 <- gplvm:::.init_latent("pca", Yc, q, 1)
  par0 <- c(X0, log(vbar), 0, log(0.1 * vbar))
  opt <- gplvm:::.optimise(wrapped, par0, "L-BFGS-B", 10000L, 1e-8)
  e <- obj$eval(opt$par)
  list(X = e$X, kernel = e$kernel, loglik = e$loglik,
       optim = list(convergence = opt$convergence,
                    evaluations = obj$n_eval()))
}

for (cn in cands) {
  set.seed(1)
  t0 <- proc.time()[["elapsed"]]
  fit <- suppressWarnings(switch(cn,   # non-convergence is recorded below
    nolprior_fixl = gplvm(Yc, q = q),
    nolprior_ard = gplvm(Yc, q = q, kernel = kern_rbf(vbar, c(1, 1))),
    prior_ard = gplvm(Yc, q = q, kernel = kern_rbf(vbar, c(1, 1)),
                      prior = TRUE),
    prior_fixl = gplvm(Yc, q = q, prior = TRUE),
    prior_lnl = lognormal_fit()))
  time <- proc.time()[["elapsed"]] - t0
  kp <- kern_params(fit$kernel)
  l <- rep_len(kp[grep("lengthscale", names(kp))], q)
  scale <- mean(apply(fit$X, 2L, sd) / l)
  cat(sprintf(paste("%-14s conv %d  evals %5d  time %6.1f s  loglik %10.3f",
                    " sd(X) %.3g  lengthscale %s  scale %.3g  1-NN %d\n"),
              cn, fit$optim$convergence, fit$optim$evaluations, time,
              fit$loglik, mean(apply(fit$X, 2L, sd)),
              paste(format(l, digits = 3), collapse = ","), scale,
              nn_errors(fit$X, d$labels)))
  flush(stdout())
}
