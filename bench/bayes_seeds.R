# The default Bayesian fit of the oil flow data over many seeds (issue
# 23: at most 3 dimensions and 3 errors on every seed), optionally with
# constants of the package replaced in this process only, to measure a
# start: e.g. .bayes_var_start=0.5 starts the variances of q(X) at 0.5
# instead of 0.1.  Per seed: evaluations, convergence, bound, dimensions
# in use (relevance >= 0.01, or switched back on by the pruning loop),
# leave-one-out 1-NN errors in them and in the two most relevant, time,
# relevances.  Run from the package root:
#   OPENBLAS_NUM_THREADS=1 R_LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
#     Rscript bench/bayes_seeds.R [seeds=1:3] [restarts=1] [.bayes_var_start=0.5 ...]
# (restarts: gplvm()'s argument, the best bound of that many starts;
# without it gplvm()'s default.)
# (bench/bayes_cost.md; the oil data from GPLVM_OIL_DIR).
suppressPackageStartupMessages(library(gplvm))
source("bench/common.R")  # whole_set(), nn_errors()
seeds <- 1:3
restarts <- NULL
tag <- character()
for (a in commandArgs(trailingOnly = TRUE)) {
  kv <- strsplit(a, "=", fixed = TRUE)[[1L]]
  if (kv[1L] == "seeds") {
    seeds <- eval(parse(text = kv[2L]))
    next
  }
  if (kv[1L] == "restarts") {
    restarts <- as.integer(kv[2L])
    tag <- c(tag, a)
    next
  }
  old <- get(kv[1L], asNamespace("gplvm"))
  assignInNamespace(kv[1L], as(as.numeric(kv[2L]), typeof(old)), "gplvm")
  tag <- c(tag, a)
}
tag <- if (length(tag)) paste(tag, collapse = " ") else "default"
w <- whole_set("oil")
for (seed in seeds) {
  set.seed(seed)
  t0 <- proc.time()[["elapsed"]]
  # restarts not given: gplvm()'s default (a second start when the
  # dimensions are in doubt)
  f <- if (is.null(restarts)) {
    gplvm(w$Y, q = 10, bayesian = TRUE, inducing = 50)
  } else {
    gplvm(w$Y, q = 10, bayesian = TRUE, inducing = 50, restarts = restarts)
  }
  tm <- proc.time()[["elapsed"]] - t0
  rel <- gplvm:::.ard_relevance(f)
  used <- which(gplvm:::.dims_used(rel, f$pruning))
  top2 <- order(rel, decreasing = TRUE)[1:2]
  cat(sprintf(paste("[%s] seed %d evals %d conv %d bound %.1f dims %d",
                    "errors %d (top2 %d) time %.1f rel %s starts %s\n"),
              tag, seed,
              f$optim$evaluations, f$optim$convergence, f$loglik,
              length(used), nn_errors(f$X[, used, drop = FALSE], w$class),
              nn_errors(f$X[, top2, drop = FALSE], w$class), tm,
              paste(signif(rel, 2), collapse = " "),
              paste(sprintf("%.1f", f$restarts), collapse = " ")))
}
