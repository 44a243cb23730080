# The default sparse fit of the oil flow data (1000 x 12) against the
# number of inducing inputs M and their start (issue 23: at most 2
# leave-one-out 1-NN errors).  gplvm() starts the inducing inputs at the
# k-means centres (one random start) of the starting latent positions,
# so the seed draws them; nstart = k replaces that, in this process only,
# by the best of k k-means starts.  Per seed: evaluations, convergence,
# objective, errors, time.  Run from the package root:
#   OPENBLAS_NUM_THREADS=1 R_LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
#     Rscript bench/oil_inducing.R [ms=64,80] [nstart=1] [seeds=1:16] [reltol=1e-5]
# (bench/levers.md section 9; the oil data from GPLVM_OIL_DIR).
suppressPackageStartupMessages(library(gplvm))
source("bench/common.R")  # bench_args(), whole_set(), nn_errors()
opt <- bench_args(list(ms = "64,80", nstart = "1", seeds = "1:16",
                       reltol = "1e-5"))
nstart <- as.integer(opt$nstart)
if (nstart > 1L) {
  ns <- asNamespace("gplvm")
  base_init <- get(".init_inducing", ns)
  assignInNamespace(".init_inducing", function(inducing, X0) {
    if (is.numeric(inducing) && !is.matrix(inducing) &&
        inducing < nrow(X0)) {
      return(unname(stats::kmeans(X0, centers = inducing, iter.max = 50L,
                                  nstart = nstart)$centers))
    }
    base_init(inducing, X0)
  }, "gplvm")
}
w <- whole_set("oil")
print_blas()
for (M in as.integer(strsplit(opt$ms, ",")[[1L]])) {
  for (seed in eval(parse(text = opt$seeds))) {
    set.seed(seed)
    t0 <- proc.time()[["elapsed"]]
    f <- gplvm(w$Y, q = 2, inducing = M, reltol = as.numeric(opt$reltol))
    tm <- proc.time()[["elapsed"]] - t0
    cat(sprintf(paste("M %d nstart %d seed %d evals %d conv %d obj %.1f",
                      "errors %d time %.1f\n"), M, nstart, seed,
                f$optim$evaluations, f$optim$convergence, f$objective,
                nn_errors(f$X, w$class), tm))
  }
}
