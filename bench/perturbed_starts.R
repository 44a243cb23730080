# The small sets of bench/time_to_result.R over perturbed starts (issue
# 23): one default fit is one draw of a chaotic path (bench/levers.md,
# section 6), so this runs the default fit and 2 K fits whose starting
# noise is moved by k times 0.1% (k = -K..K, k != 0), and Rtsne and uwot
# with seeds 1 to 2 K + 1, in one process, and reports medians: time,
# evaluations, 1-NN errors, and the ratios of gplvm's medians to Rtsne's
# and uwot's.
#   K=2 SETS=mpg,midwest,biopsy Rscript bench/perturbed_starts.R
# (from the package root; OpenBLAS with one thread as in
# bench/time_to_result.R).
suppressPackageStartupMessages(library(gplvm))
source("bench/common.R")
K <- as.integer(Sys.getenv("K", "2"))
elapsed <- function() proc.time()[["elapsed"]]
print_blas()
cat("| set (rows) | gplvm s | evaluations | errors | Rtsne s | errors | uwot s | errors | time / Rtsne | time / uwot | errors / Rtsne | converged | load |\n")
cat("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
for (nm in strsplit(Sys.getenv("SETS", "mpg,midwest,biopsy"), ",")[[1L]]) {
  s <- perturbed_set(nm)
  vbar <- s$vbar  # gplvm()'s, so k = 0 is the default fit
  l0 <- load_avg()
  g <- t(vapply(-K:K, function(k) {
    t0 <- elapsed()
    f <- gplvm(s$Ztr, q = 2, noise = 0.1 * vbar * (1 + 0.001 * k))
    c(elapsed() - t0, f$optim$evaluations, nn_errors(f$X, s$class),
      f$optim$convergence)
  }, numeric(4L)))
  perp <- min(30, floor((nrow(s$Ztr) - 1) / 3) - 1)
  r <- t(vapply(seq_len(2L * K + 1L), function(seed) {
    set.seed(seed)
    t0 <- elapsed()
    Y2 <- Rtsne::Rtsne(s$Ztr, dims = 2, perplexity = perp, num_threads = 1,
                       check_duplicates = FALSE)$Y
    c(elapsed() - t0, nn_errors(Y2, s$class))
  }, numeric(2L)))
  u <- t(vapply(seq_len(2L * K + 1L), function(seed) {
    set.seed(seed)
    t0 <- elapsed()
    Y2 <- uwot::umap(s$Ztr, n_threads = 1)
    c(elapsed() - t0, nn_errors(Y2, s$class))
  }, numeric(2L)))
  med <- function(x) stats::median(x)
  cat(sprintf("| %s (%d) | %.2f | %.0f | %.0f | %.2f | %.0f | %.2f | %.0f | %.2f | %.2f | %.2f | %d of %d | %.1f-%.1f |\n",
              nm, nrow(s$Ztr), med(g[, 1]), med(g[, 2]), med(g[, 3]),
              med(r[, 1]), med(r[, 2]), med(u[, 1]), med(u[, 2]),
              med(g[, 1]) / med(r[, 1]), med(g[, 1]) / med(u[, 1]),
              med(g[, 3]) / med(r[, 2]), sum(g[, 4] == 0), nrow(g), l0,
              load_avg()))
}
