# The start lever of issue 23: the default fit from the PCA start against
# the same fit from the spectral start (Laplacian eigenmaps on a k-NN
# graph, gplvm:::.spectral_start, scaled as the PCA start is: each column
# sd init_sd = 1, or with each column replaced by its normal scores:
# spectral_rank), and the optimiser's tolerance.  Evaluations to
# convergence (robust when the machine is loaded), final objective,
# leave-one-out 1-NN errors in 2-D, wall time, load average.
#
#   Rscript bench/spectral_start.R [sets=mpg,midwest,biopsy,diamonds1000,oil]   (from the package root)
#       [inits=pca,spectral,spectral_rank] [reltol=1e-8] [k=15] [maxit=10000]
#
# The sets are bench/common.R's whole_set(): time_to_result.R's (all rows,
# columns z-scored) and the oil training data (as the default fit sees it:
# not scaled).  Run it on OpenBLAS with one thread:
#   R_LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
#   LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
#   OPENBLAS_NUM_THREADS=1 Rscript bench/spectral_start.R
# With the environment variable GPLVM_BENCH_LMM set, the script sets
# options(gplvm.lmm), which builds of the package before 37dca5c passed to
# L-BFGS-B as its memory (bench/results/spectral_start-lmm20.txt); later
# builds ignore it.

source("bench/common.R")  # bench_args(), whole_set(), nn_errors()
opt <- list(sets = "mpg,midwest,biopsy,diamonds1000,oil", inits = "pca,spectral",
            reltol = "1e-8", k = "15", maxit = "10000")
opt <- bench_args(opt)
library(gplvm)
lmm <- Sys.getenv("GPLVM_BENCH_LMM")
if (nzchar(lmm)) options(gplvm.lmm = as.integer(lmm))


cat(sprintf("BLAS %s, threads %s, reltol %s, lmm %s\n", La_library(),
            Sys.getenv("OPENBLAS_NUM_THREADS"), opt$reltol,
            if (nzchar(lmm)) lmm else "5 (optim's default)"))
cat("| set | N | start | reltol | evals | conv | objective | 1-NN errors | start errors | start time (s) | fit time (s) | load |\n")
cat("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
for (name in strsplit(opt$sets, ",")[[1L]]) {
  d <- whole_set(name)
  for (init in strsplit(opt$inits, ",")[[1L]]) {
    t0 <- proc.time()[["elapsed"]]
    X0 <- if (startsWith(init, "spectral"))
      gplvm:::.spectral_start(scale(d$Y, scale = FALSE), 2L,
                              k = as.integer(opt$k))
      else "pca"
    # spectral_rank: each column replaced by its normal scores, which
    # spreads the eigenmap's clumps and tails evenly at sd about 1
    if (init == "spectral_rank") {
      X0 <- apply(X0, 2L, function(x) stats::qnorm((rank(x) - 0.5) / length(x)))
    }
    tstart <- proc.time()[["elapsed"]] - t0
    l0 <- scan("/proc/loadavg", n = 1L, quiet = TRUE)
    warns <- character()
    fit <- withCallingHandlers(
      gplvm(d$Y, q = 2, init = X0, reltol = as.numeric(opt$reltol),
            maxit = as.integer(opt$maxit)),
      warning = function(w) {
        warns <<- c(warns, conditionMessage(w))
        invokeRestart("muffleWarning")
      })
    cat(sprintf("| %s | %d | %s | %s | %d | %d | %.2f | %d | %d | %.2f | %.1f | %.1f-%.1f |%s\n",
                name, nrow(d$Y), init, opt$reltol, fit$optim$evaluations,
                fit$optim$convergence, fit$objective,
                nn_errors(fit$X, d$class), nn_errors(fit$X_init, d$class),
                tstart, fit$time, l0,
                scan("/proc/loadavg", n = 1L, quiet = TRUE),
                if (length(warns)) paste(" warning:", warns[1L]) else ""))
  }
}
