# Why the kernel variance of a sparse fit runs away at large N (issue 23:
# 4432 on data of variance 1 at 20000 rows).  A default sparse fit of
# ggplot2's diamonds (z-scored, `rows` rows, M inducing inputs) is run in
# chunks of `chunk` iterations, each continuing the last (init = fit), and
# after each chunk the kernel variance v, the noise, the latent spread
# sd(X) (in lengthscales: the default lengthscale is fixed at 1), v times
# the latent variance (the amplitude of the near-linear part of the RBF
# kernel when X is small: v exp(-r^2/2) = v - v r^2/2 + ...), the VFE
# trace penalty tr(Kff - Qff) / (2 s2) (DTC minus VFE at the fitted
# values), the mean unexplained prior variance 1 - q_nn / v that it sums,
# how near the latent points sit to the inducing inputs, and the
# leave-one-out 1-NN errors of the cut are printed.
#
#   Rscript bench/variance_runaway.R [rows=5000] [inducing=100] [chunk=250]
#       [chunks=8] [lengthscale=fixed]
# lengthscale=free fits kern_rbf(variance = 1, lengthscale = 1) with both
# parameters free instead of the default (lengthscale fixed at 1).

source("bench/common.R")  # bench_args()
opt <- list(rows = "5000", inducing = "100", chunk = "250", chunks = "8",
            lengthscale = "fixed")
opt <- bench_args(opt)
library(gplvm)
d <- ggplot2::diamonds
set.seed(23)
d <- d[sort(sample(nrow(d), as.integer(opt$rows))), ]
Y <- scale(as.matrix(d[, c("carat", "depth", "table", "price", "x", "y",
                           "z")]))
cut <- as.character(d$cut)
nn_errors <- function(X) {
  errors <- 0L
  for (from in seq(1L, nrow(X), by = 1000L)) {
    rows <- from:min(nrow(X), from + 999L)
    D <- outer(rowSums(X[rows, ]^2), rowSums(X^2), `+`) -
      2 * tcrossprod(X[rows, ], X)
    D[cbind(seq_along(rows), rows)] <- Inf
    errors <- errors + sum(cut[max.col(-D, "first")] != cut[rows])
  }
  errors
}
M <- as.integer(opt$inducing)
cat(sprintf("diamonds, %d rows, M = %d, data variance %.3f; load %.1f\n",
            nrow(Y), M, mean(apply(Y, 2L, var)),
            scan("/proc/loadavg", n = 1L, quiet = TRUE)))
cat("| iterations | evals | conv | objective | variance v | lengthscale l | noise | sd(X1), sd(X2) | v var(X) / l^2 | trace penalty | mean(1 - q_nn / v) | X to nearest Z / Z spacing | 1-NN errors |\n")
cat("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
fit <- NULL
evals <- 0L
for (i in seq_len(as.integer(opt$chunks))) {
  fit <- withCallingHandlers(
    if (is.null(fit)) gplvm(Y, q = 2, inducing = M,
                            kernel = if (opt$lengthscale == "free")
                              kern_rbf(variance = 1, lengthscale = 1),
                            maxit = as.integer(opt$chunk))
    else gplvm(Y, init = fit, maxit = as.integer(opt$chunk)),
    warning = function(w) invokeRestart("muffleWarning"))
  evals <- evals + fit$optim$evaluations
  v <- kern_params(fit$kernel)[["variance"]]
  l <- kern_params(fit$kernel)[["lengthscale"]]
  Yc <- sweep(Y, 2L, colMeans(Y))
  ll <- function(approx) gplvm_loglik(Yc, fit$X, fit$kernel, fit$noise,
                                      inducing = fit$inducing,
                                      approx = approx)
  sdx <- apply(fit$X, 2L, sd)
  trace <- ll("dtc") - ll("vfe")
  # how close the latent points sit to the inducing inputs, against the
  # inducing inputs' own spacing (medians of nearest-neighbour distances)
  Z <- fit$inducing
  dz <- as.matrix(dist(Z))
  diag(dz) <- Inf
  dxz <- sqrt(pmax(outer(rowSums(fit$X^2), rowSums(Z^2), `+`) -
                   2 * tcrossprod(fit$X, Z), 0))
  cat(sprintf("| %d | %d | %d | %.1f | %.2f | %.3f | %.4f | %.3f, %.3f | %.2f | %.1f | %.2g | %.2f | %d |\n",
              i * as.integer(opt$chunk), evals, fit$optim$convergence,
              fit$objective, v, l, fit$noise, sdx[1L], sdx[2L],
              v * mean(sdx^2) / l^2, trace,
              trace * 2 * fit$noise / (v * nrow(Y)),
              median(apply(dxz, 1L, min)) / median(apply(dz, 1L, min)),
              nn_errors(fit$X)))
}
