# L-BFGS-B's memory at large N (issue 23): the default fit with optim()'s
# default of 5 correction pairs against LMM pairs, on a set's training
# rows (bench/common.R split_set()).  Not a setting of the package: the
# script replaces the package's .run_optimiser() in this process by one
# that passes control$lmm, for the arms that ask for it.
#   SET=diamonds20000 LMMS=5,20 SEEDS=1 Rscript bench/lmm_large.R
# (from the package root; OpenBLAS with one thread).
suppressPackageStartupMessages(library(gplvm))
source("bench/common.R")
ns <- asNamespace("gplvm")
base_run <- get(".run_optimiser", ns)
lmm <- 5L
with_lmm <- function(obj, par, method, maxit, reltol) {
  if (method != "L-BFGS-B" || lmm == 5L) {
    return(base_run(obj, par, method, maxit, reltol))
  }
  opt <- stats::optim(par, obj$fn, obj$gr, method = method,
                      control = list(maxit = maxit, lmm = lmm,
                                     factr = reltol / .Machine$double.eps))
  if (opt$convergence %in% c(51L, 52L)) opt$convergence <- 0L
  opt
}
unlockBinding(".run_optimiser", ns)
assign(".run_optimiser", with_lmm, ns)
s <- split_set(Sys.getenv("SET", "diamonds20000"))
for (seed in as.integer(strsplit(Sys.getenv("SEEDS", "1"), ",")[[1L]])) {
  for (l in as.integer(strsplit(Sys.getenv("LMMS", "5,20"), ",")[[1L]])) {
    lmm <- l
    set.seed(seed)
    t0 <- proc.time()[["elapsed"]]
    f <- gplvm(s$Ztr, q = 2)
    tf <- proc.time()[["elapsed"]] - t0
    cat(sprintf(paste("%s seed %d lmm %d: %d rows, evaluations %d,",
                      "convergence %d, objective %.1f, errors %d, %.1f s,",
                      "load %.2f\n"),
                Sys.getenv("SET", "diamonds20000"), seed, l, nrow(s$Ztr),
                f$optim$evaluations, f$optim$convergence, f$objective,
                nn_errors(f$X, s$class), tf, load_avg()))
  }
}
