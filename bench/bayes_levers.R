# Two levers on the default Bayesian oil fit that session 10 measured and
# dropped (bench/levers.md, section 11), per seed:
#   plain2  the means start from the default plain 2-D fit's positions
#           (standardised) in the first two dimensions and the PCA scores
#           3 to 10 (sd 1) in the others, instead of PCA 1 to 10;
#   hyper   the diagonal preconditioning of the log-hyperparameters that
#           sparse fits use past 500 rows (R/precondition.R).
# Run from the package root:
#   OPENBLAS_NUM_THREADS=1 R_LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
#     GPLVM_OIL_DIR=... Rscript bench/bayes_levers.R 'c(1,3,5)' plain2|hyper
suppressPackageStartupMessages(library(gplvm))
source("bench/common.R")  # whole_set(), nn_errors()
args <- commandArgs(trailingOnly = TRUE)
seeds <- eval(parse(text = args[1L]))
variant <- match.arg(args[2L], c("plain2", "hyper"))
if (variant == "hyper") {
  ns <- asNamespace("gplvm")
  base <- get(".data_defaults.gplvm_data_bayes", ns)
  hyper <- function(term, Y, q, vbar) {
    d <- base(term, Y, q, vbar)
    d$precondition <- "hyper"
    d
  }
  registerS3method(".data_defaults", "gplvm_data_bayes", hyper, envir = ns)
}
w <- whole_set("oil")
pcs <- svd(scale(w$Y, scale = FALSE), nu = 10L, nv = 0L)$u *
  sqrt(nrow(w$Y) - 1)
for (seed in seeds) {
  set.seed(seed)
  t0 <- proc.time()[["elapsed"]]
  init <- "pca"
  if (variant == "plain2") {
    p <- suppressMessages(gplvm(w$Y))
    init <- cbind(scale(p$X), pcs[, 3:10])
  }
  f <- gplvm(w$Y, q = 10, bayesian = TRUE, inducing = 50, init = init,
             restarts = 1)
  tm <- proc.time()[["elapsed"]] - t0
  rel <- gplvm:::.ard_relevance(f)
  used <- which(gplvm:::.dims_used(rel, f$pruning))
  cat(sprintf(paste("[%s] seed %d evals %d conv %d bound %.1f dims %d",
                    "errors %d time %.1f s rel %s\n"),
              variant, seed, f$optim$evaluations, f$optim$convergence,
              f$loglik, length(used),
              nn_errors(f$X[, used, drop = FALSE], w$class), tm,
              paste(signif(rel, 2), collapse = " ")))
}
