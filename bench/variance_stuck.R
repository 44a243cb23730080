# Does the latent X move from its start in a large sparse fit?  Default
# sparse fits (M = 100, 500 iterations) of ggplot2's diamonds at 1000 and
# 5000 rows (bench/variance_runaway.R's subsample): evaluations, kernel
# variance, 1-NN errors of the cut at the PCA start and at the end, the
# canonical correlations between the fitted X and its start (1, 1: X is
# its start up to a linear map) and the rms latent move.
#   Rscript bench/variance_stuck.R [fixed]
# With `fixed`, the kernel variance is held at its start (the data
# variance) as well as the lengthscale.
library(gplvm)
fix <- if ("fixed" %in% commandArgs(TRUE)) c("lengthscale", "variance")
for (n in c(1000, 5000)) {
d <- ggplot2::diamonds; set.seed(23); d <- d[sort(sample(nrow(d), n)), ]
Y <- scale(as.matrix(d[, c("carat", "depth", "table", "price", "x", "y", "z")])); cut <- as.character(d$cut)
nn <- function(X) { D <- as.matrix(dist(X)); diag(D) <- Inf; sum(cut[max.col(-D, "first")] != cut) }
fit <- withCallingHandlers(gplvm(Y, 2, inducing = 100, maxit = 500, fixed = fix), warning = function(w) invokeRestart("muffleWarning"))
cc <- cancor(fit$X, fit$X_init)$cor
cat(sprintf("N %d: evals %d, v %.1f, errors start %d -> fit %d, canonical correlations X vs start %.4f %.4f, rms move %.3f\n", n, fit$optim$evaluations, kern_params(fit$kernel)[["variance"]], nn(fit$X_init), nn(fit$X), cc[1], cc[2], sqrt(mean((fit$X - fit$X_init)^2))))
}
