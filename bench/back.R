# Back-constrained GP-LVM (issue 13, section 1): local distance preservation
# of the default fit against the kernel and MLP back-constraints on iris
# (150 x 4) and the oil flow data (1000 x 12), oil leave-one-out 1-NN
# errors, and the time to project 1000 new oil points through the mapping
# against predict()'s optimisation.
#
# Run from the package root, after installing the package:
#   Rscript bench/back.R iris
#   Rscript bench/back.R oil [cache [models]]
# The oil data directory defaults to ../shared/data/oil (GPLVM_OIL_DIR).
# With a directory `cache` each fit is read from cache/<data>-<model>.rds
# when that exists and written there otherwise (so the oil fits can run in
# separate processes and the projection timings can be repeated on another
# BLAS without refitting); with `models` (comma-separated, among none,
# kernel, mlp) only those are fitted, and the script stops.
# Results: bench/back.md.
library(gplvm)
options(width = 100)
`%||%` <- function(a, b) if (is.null(a)) b else a

args <- commandArgs(trailingOnly = TRUE)
data_set <- if (length(args)) args[1L] else "iris"
k <- 10L

if (data_set == "iris") {
  Y <- as.matrix(iris[, 1:4])
  labels <- as.integer(iris$Species)
} else {
  dir <- Sys.getenv("GPLVM_OIL_DIR", "../shared/data/oil")
  Y <- as.matrix(read.table(file.path(dir, "DataTrn.txt")))
  labels <- max.col(as.matrix(read.table(file.path(dir,
                                                   "DataTrnLbls.txt"))))
  colnames(Y) <- paste0("y", seq_len(ncol(Y)))
}
n <- nrow(Y)
# distances in the data space the model sees (centred, unscaled)
Dy <- as.matrix(dist(Y))
diag(Dy) <- Inf

neighbours <- function(D) t(apply(D, 1L, function(d) order(d)[seq_len(k)]))
nn_y <- neighbours(Dy)
rank_y <- t(apply(Dy, 1L, rank, ties.method = "first"))

# Fraction of each point's k data-space neighbours among its k latent ones,
# averaged over the points.
preserved <- function(nn_x) {
  mean(vapply(seq_len(n), function(i) {
    length(intersect(nn_y[i, ], nn_x[i, ])) / k
  }, 0))
}

# Trustworthiness (Venna and Kaski 2001): 1 minus the normalised sum, over
# latent neighbours that are not data-space neighbours, of how far beyond
# k they rank in data space.
trustworthiness <- function(nn_x) {
  pen <- sum(vapply(seq_len(n), function(i) {
    intruders <- setdiff(nn_x[i, ], nn_y[i, ])
    sum(rank_y[i, intruders] - k)
  }, 0))
  1 - 2 / (n * k * (2 * n - 3 * k - 1)) * pen
}

# Leave-one-out 1-nearest-neighbour errors in a latent space.
nn_errors <- function(X) {
  D <- as.matrix(dist(X))
  diag(D) <- Inf
  sum(labels[apply(D, 1L, which.min)] != labels)
}

cache <- if (length(args) > 1L) args[2L]
models <- if (length(args) > 2L) strsplit(args[3L], ",")[[1L]]
fits <- list()
for (b in models %||% c("none", "kernel", "mlp")) {
  file <- if (!is.null(cache)) file.path(cache, sprintf("%s-%s.rds",
                                                          data_set, b))
  if (!is.null(file) && file.exists(file)) {
    fits[[b]] <- readRDS(file)
    next
  }
  # in chunks of 500 iterations, each continuing the last (init = fit) and
  # saved, so that a run stopped early leaves its latest fit; evaluations
  # and seconds are summed over the chunks
  set.seed(1)
  fit <- NULL
  evaluations <- seconds <- 0
  for (chunk in 1:20) {
    fit <- withCallingHandlers(
      if (is.null(fit)) gplvm(Y, q = 2, back = b, maxit = 500)
      else gplvm(Y, init = fit, maxit = 500),
      warning = function(w) {
        if (!grepl("did not converge", conditionMessage(w))) return()
        invokeRestart("muffleWarning")  # the code is recorded instead
      })
    evaluations <- evaluations + fit$optim$evaluations
    seconds <- seconds + fit$time
    fit$bench <- c(evaluations = evaluations, seconds = seconds)
    cat(sprintf("%s chunk %d: convergence %d, objective %.6g, %d evaluations\n",
                b, chunk, fit$optim$convergence, fit$objective, evaluations))
    flush(stdout())
    if (!is.null(file)) saveRDS(fit, file)
    if (fit$optim$convergence == 0L) break
  }
  fits[[b]] <- fit
}
if (!is.null(models)) quit(save = "no")

pca <- prcomp(Y)$x[, 1:2]
latent <- c(list(pca = pca), lapply(fits, `[[`, "X"))
tab <- data.frame(
  model = names(latent),
  preserved = vapply(latent, function(X) preserved(neighbours(
    `diag<-`(as.matrix(dist(X)), Inf))), 0),
  trustworthiness = vapply(latent, function(X) trustworthiness(neighbours(
    `diag<-`(as.matrix(dist(X)), Inf))), 0),
  nn_errors = vapply(latent, nn_errors, 0),
  convergence = c(NA, vapply(fits, function(f) f$optim$convergence, 0)),
  evaluations = c(NA, vapply(fits, function(f) f$bench[["evaluations"]], 0)),
  objective = c(NA, vapply(fits, `[[`, 0, "objective")),
  seconds = c(NA, vapply(fits, function(f) f$bench[["seconds"]], 0)))
cat(sprintf("\n%s, N = %d, k = %d; BLAS: %s\n", data_set, n, k,
            basename(extSoftVersion()[["BLAS"]])))
print(tab, digits = 4, row.names = FALSE)
for (b in names(fits)) cat(b, ":", format(fits[[b]]$kernel),
                           "noise", format(fits[[b]]$noise, digits = 4), "\n")

if (data_set == "oil") {
  # 1000 new points: the oil rows with noise of 10% of each column's sd
  set.seed(2)
  Ynew <- Y + matrix(rnorm(length(Y), sd = 0.1), n) *
    rep(apply(Y, 2L, sd), each = n)
  cat("\nProjecting 1000 new points (seconds; mapping: median of 5)\n")
  for (b in c("kernel", "mlp")) {
    t_map <- median(replicate(5L, system.time(
      predict(fits[[b]], newdata = Ynew))[["elapsed"]]))
    Xm <- predict(fits[[b]], newdata = Ynew)
    t_opt <- system.time(Xo <- predict(fits[[b]], newdata = Ynew,
                                       refine = TRUE))[["elapsed"]]
    cat(sprintf(paste("%-6s mapping %.3f s; refined by optimisation %.1f s",
                      "(ratio %.0f); rms move of the refinement %.3g\n"),
                b, t_map, t_opt, t_opt / t_map, sqrt(mean((Xo - Xm)^2))))
  }
  t_free <- system.time(predict(fits$none, newdata = Ynew))[["elapsed"]]
  cat(sprintf("none   optimisation from the nearest training point %.1f s\n",
              t_free))
}
