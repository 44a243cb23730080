# Imputation of missing entries (issue 14): entries are removed at random
# (10% and 30%; a row left with nothing observed gets one of its entries
# back, as gplvm() refuses empty rows) and imputed by
#   - the GP-LVM: gplvm(Ym, q, scale = TRUE), then gplvm_impute(); the
#     exact model for iris, the sparse one (VFE) for oil when `inducing` is
#     given;
#   - column means of the observed entries;
#   - iterative PCA (SVD) imputation of the same rank q on the columns
#     standardised by their observed means and standard deviations (the
#     missing entries start at the column means and are replaced by the
#     rank-q reconstruction until they stop changing).
# Printed: the RMSE over the removed entries against the truth, on the
# original scale, for each method; the share of removed entries within two
# predictive standard deviations of the GP-LVM's mean; fit time and
# convergence.  Then one log-likelihood evaluation (with gradient) with and
# without missing entries, to show what the per-pattern evaluation costs.
#
# Run from the package root after installing the package:
#   Rscript bench/missing.R iris [maxit] [seeds, e.g. 1,2,3]
#   R_LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread:/usr/lib/R/lib:/usr/lib/x86_64-linux-gnu \
#     Rscript bench/missing.R oil [maxit] [seeds] [inducing]
# The oil data directory defaults to ../shared/data/oil (GPLVM_OIL_DIR).
# Recorded output: bench/missing.md.
library(gplvm)
options(width = 150)

args <- commandArgs(trailingOnly = TRUE)
data <- if (length(args) > 0L) args[1L] else "iris"
maxit <- if (length(args) > 1L) as.integer(args[2L]) else 1000L
seeds <- if (length(args) > 2L) {
  as.integer(strsplit(args[3L], ",")[[1L]])
} else {
  1:3
}
inducing <- if (length(args) > 3L) as.integer(args[4L]) else NULL
q <- 2L

Y <- if (data == "iris") {
  unname(as.matrix(iris[, 1:4]))
} else {
  dir <- Sys.getenv("GPLVM_OIL_DIR", "../shared/data/oil")
  unname(as.matrix(read.table(file.path(dir, "DataTrn.txt"))))
}
cat(sprintf("%s: %d x %d, q = %d, %s, maxit %d, BLAS %s\n", data, nrow(Y),
            ncol(Y), q, if (is.null(inducing)) "exact model"
            else sprintf("sparse model (VFE, M = %d)", inducing), maxit,
            basename(La_library())))

# Removes a share `rate` of the entries at random, none leaving a row empty.
remove_entries <- function(Y, rate) {
  holes <- sample(length(Y), round(rate * length(Y)))
  mask <- matrix(FALSE, nrow(Y), ncol(Y))
  mask[holes] <- TRUE
  for (i in which(rowSums(!mask) == 0L)) mask[i, sample(ncol(Y), 1L)] <- FALSE
  mask
}

col_mean_impute <- function(Ym) {
  m <- matrix(colMeans(Ym, na.rm = TRUE), nrow(Ym), ncol(Ym), byrow = TRUE)
  ifelse(is.na(Ym), m, Ym)
}

pca_impute <- function(Ym, q) {
  mu <- colMeans(Ym, na.rm = TRUE)
  s <- apply(Ym, 2L, stats::sd, na.rm = TRUE)
  Ys <- sweep(sweep(Ym, 2L, mu), 2L, s, `/`)
  sweep(sweep(gplvm:::.svd_impute(Ys, q), 2L, s, `*`), 2L, mu, `+`)
}

rmse <- function(A, mask) sqrt(mean((A[mask] - Y[mask])^2))

rows <- list()
for (rate in c(0.1, 0.3)) {
  for (seed in seeds) {
    set.seed(seed)
    mask <- remove_entries(Y, rate)
    Ym <- replace(Y, mask, NA)
    warns <- character()
    start <- proc.time()[["elapsed"]]
    fit <- withCallingHandlers(
      gplvm(Ym, q = q, scale = TRUE, maxit = maxit, inducing = inducing),
      warning = function(w) {
        warns <<- c(warns, conditionMessage(w))
        invokeRestart("muffleWarning")
      })
    time <- proc.time()[["elapsed"]] - start
    imp <- gplvm_impute(fit)
    within2 <- mean(abs(imp$Y[mask] - Y[mask]) <= 2 * imp$sd[mask])
    row <- data.frame(
      rate = rate, seed = seed, removed = sum(mask),
      patterns = length(fit$missing$jitter),
      gplvm = rmse(imp$Y, mask), colmean = rmse(col_mean_impute(Ym), mask),
      pca = rmse(pca_impute(Ym, q), mask), within_2sd = within2,
      time_s = time, evals = fit$optim$evaluations,
      converged = fit$optim$convergence == 0L)
    print(row, digits = 4, row.names = FALSE)
    if (length(warns)) cat("  warnings:", unique(warns), sep = "\n    ")
    flush(stdout())
    rows[[length(rows) + 1L]] <- row
  }
}
tab <- do.call(rbind, rows)
cat("\nMedians over seeds:\n")
med <- aggregate(cbind(gplvm, colmean, pca, within_2sd, time_s) ~ rate,
                 data = tab, FUN = stats::median)
med$gplvm_over_colmean <- med$gplvm / med$colmean
med$gplvm_over_pca <- med$gplvm / med$pca
print(med, digits = 4, row.names = FALSE)

# Cost of one evaluation (value and gradient) at the last fit's parameters:
# complete data (one engine call) against 10% and 30% missing (one call
# per pattern); medians of 5.
cat("\nOne evaluation with gradient, median of 5 (s):\n")
Yc <- scale(Y, center = TRUE, scale = TRUE)
attributes(Yc) <- list(dim = dim(Y))
X <- unname(fit$X)
Z <- if (is.null(inducing)) NULL else unname(fit$inducing)
models <- list(list(name = "exact", Z = NULL))
if (!is.null(inducing)) {
  models <- c(list(list(name = sprintf("sparse M = %d", inducing),
                        Z = unname(fit$inducing))), models)
}
for (model in models) {
  for (rate in c(0, 0.1, 0.3)) {
    set.seed(1)
    Ym <- if (rate == 0) Yc else replace(Yc, remove_entries(Y, rate), NA)
    t <- stats::median(replicate(5L, system.time(
      gplvm_loglik(Ym, X, fit$kernel, fit$noise, gradient = TRUE,
                   inducing = model$Z))[["elapsed"]]))
    np <- if (rate == 0) 1L
          else length(gplvm:::.missing_patterns(Ym)$patterns)
    cat(sprintf("  %-14s %2.0f%% missing: %2d pattern(s), %.4f s\n",
                model$name, 100 * rate, np, t))
  }
}
