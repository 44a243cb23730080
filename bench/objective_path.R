# Where the evaluations of a default fit go (issue 23): the objective at
# every evaluation, traced, and the first evaluation within 1%, 0.1%,
# 0.01% and 0.001% of the fit's best objective, with the evaluations of
# each run of the optimiser (the first run, then the fresh starts that
# confirm convergence).
#   SETS=oil,mpg,midwest,biopsy Rscript bench/objective_path.R
# (from the package root).  oil is bench/common.R's whole_set("oil") (the
# training data as the default fit sees it); the others are the training
# rows of split_set(), as bench/time_to_result.R embeds them.
suppressPackageStartupMessages(library(gplvm))
source("bench/common.R")
vals <- numeric()
runs <- integer()
run <- 0L
# record every value the optimiser asks for (the package is not changed:
# the trace wraps the objective handed to each run)
trace(gplvm:::.run_optimiser, tracer = quote({
  run <<- run + 1L
  f0 <- obj$fn
  obj$fn <- function(p) {
    v <- f0(p)
    vals <<- c(vals, v)
    runs <<- c(runs, run)
    v
  }
}), print = FALSE, where = asNamespace("gplvm"))
for (nm in strsplit(Sys.getenv("SETS", "oil,mpg,midwest,biopsy"), ",")[[1L]]) {
  vals <- numeric()
  runs <- integer()
  run <- 0L
  Y <- if (nm == "oil") whole_set("oil")$Y else split_set(nm)$Ztr
  t0 <- proc.time()[["elapsed"]]
  fit <- gplvm(Y, q = 2)
  best <- min(vals)
  first <- vapply(c(1e-2, 1e-3, 1e-4, 1e-5), function(tol) {
    which(vals - best <= tol * abs(best))[1L]
  }, 1L)
  cat(sprintf(paste("%s (%d rows): %d evaluations, convergence %d, %.1f s;",
                    "evaluations per run %s; first within 1%%, 0.1%%,",
                    "0.01%%, 0.001%% of the end: %s\n"),
              nm, nrow(Y), fit$optim$evaluations, fit$optim$convergence,
              proc.time()[["elapsed"]] - t0,
              paste(tabulate(runs), collapse = " + "),
              paste(first, collapse = ", ")))
}
