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
# without it gplvm()'s default.)  Two levers of session 10 (dropped,
# bench/levers.md section 11): start=plain2 starts the means from the
# default plain 2-D fit's positions (standardised) in the first two
# dimensions and the PCA scores 3 to 10 in the others; precondition=hyper
# gives the Bayesian fit the preconditioning of large sparse fits
# (R/precondition.R).
# (bench/bayes_cost.md; the oil data from GPLVM_OIL_DIR).
suppressPackageStartupMessages(library(gplvm))
source("bench/common.R")  # whole_set(), nn_errors()
seeds <- 1:3
restarts <- NULL
start <- "pca"
tag <- character()
ns <- asNamespace("gplvm")
for (a in commandArgs(trailingOnly = TRUE)) {
  kv <- strsplit(a, "=", fixed = TRUE)[[1L]]
  if (kv[1L] == "seeds") {
    seeds <- eval(parse(text = kv[2L]))
    next
  }
  tag <- c(tag, a)
  if (kv[1L] == "restarts") {
    restarts <- as.integer(kv[2L])
    next
  }
  if (kv[1L] == "start") {
    start <- match.arg(kv[2L], c("pca", "plain2"))
    next
  }
  if (a == "precondition=hyper") {
    # replaced in the namespace, where .data_defaults() dispatches
    base <- get(".data_defaults.gplvm_data_bayes", ns)
    assignInNamespace(".data_defaults.gplvm_data_bayes",
                      function(term, Y, q, vbar) {
                        d <- base(term, Y, q, vbar)
                        d$precondition <- "hyper"
                        d
                      }, "gplvm")
    next
  }
  old <- get(kv[1L], asNamespace("gplvm"))
  assignInNamespace(kv[1L], as(as.numeric(kv[2L]), typeof(old)), "gplvm")
}
tag <- if (length(tag)) paste(tag, collapse = " ") else "default"
w <- whole_set("oil")
# PCA scores with sd 1, as the default start has them
pcs <- gplvm:::.init_latent("pca", scale(w$Y, scale = FALSE), 10L, 1)
for (seed in seeds) {
  set.seed(seed)
  t0 <- proc.time()[["elapsed"]]
  init <- "pca"
  if (start == "plain2") {
    p <- suppressMessages(gplvm(w$Y))
    init <- cbind(scale(p$X), pcs[, 3:10])
  }
  # restarts not given: gplvm()'s default (a second start when the
  # dimensions are in doubt)
  args <- list(w$Y, q = 10, bayesian = TRUE, inducing = 50, init = init)
  if (!is.null(restarts)) args$restarts <- restarts
  f <- do.call(gplvm, args)
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
