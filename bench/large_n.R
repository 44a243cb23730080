# Large N (issue 23, item 2): gplvm(Y, q = 2) with its defaults (past
# options("gplvm.exact_max") rows the sparse model, inducing = "auto")
# beside uwot on ggplot2's diamonds (the 7 numeric columns, z-scored,
# `rows` rows sampled with seed 23), in one process: time, evaluations,
# convergence, the kernel variance and noise, and leave-one-out 1-NN
# errors of `cut` in 2-D.  `levers` runs gplvm once per setting, a name
# of bench/levers.R's list: "default", "fixedvar" (the kernel variance
# held at the data variance, fixed = c("lengthscale", "variance")) or
# "none" (no preconditioning of the log-hyperparameters; needs
# inducing=M).  The variance prior ("vprior"), which lost, was measured
# with the build of commit 8b7a810 and removed from the package after
# commit 5829fb2 (see bench/levers.R).
#
#   Rscript bench/large_n.R [rows=20000] [levers=default] [maxit=10000]
#       [inducing=auto]
# On OpenBLAS with one thread:
#   OB=/usr/lib/x86_64-linux-gnu/openblas-pthread
#   R_LD_LIBRARY_PATH=$OB LD_LIBRARY_PATH=$OB OPENBLAS_NUM_THREADS=1 \
#     Rscript bench/large_n.R

source("bench/common.R")  # bench_args()
opt <- list(rows = "20000", levers = "default", maxit = "10000",
            inducing = "auto", uwot = "yes")
opt <- bench_args(opt)
library(gplvm)
src <- readLines("bench/levers.R")
from <- grep("^levers <- list\\(", src)
to <- grep("^# load_data", src) - 1L
eval(parse(text = src[from:to]))  # levers, fit_lever(lv, args)

d <- ggplot2::diamonds
set.seed(23)
d <- d[sort(sample(nrow(d), as.integer(opt$rows))), ]
Y <- scale(as.matrix(d[, c("carat", "depth", "table", "price", "x", "y",
                           "z")]))
cut <- as.character(d$cut)
from <- grep("^nn_errors <- function", src)
to <- grep("^cat\\(sprintf\\(\"BLAS", src) - 1L
eval(parse(text = src[from:to]))  # nn_errors(X, class), from bench/levers.R
load <- function() scan("/proc/loadavg", n = 1L, quiet = TRUE)
cat(sprintf("diamonds, %d rows; BLAS %s, OPENBLAS_NUM_THREADS %s\n",
            nrow(Y), basename(La_library()), Sys.getenv("OPENBLAS_NUM_THREADS")))
cat("| method | M | time (s) | evals | conv | objective | variance | noise | 1-NN errors | load |\n")
cat("|---|---|---|---|---|---|---|---|---|---|\n")
if (opt$uwot == "yes") {
  l0 <- load()
  set.seed(1)
  t <- system.time(U <- uwot::umap(Y, n_components = 2, n_threads = 1))[["elapsed"]]
  cat(sprintf("| uwot | | %.1f | | | | | | %d | %.1f-%.1f |\n", t, nn_errors(U, cut),
              l0, load()))
}
for (lever in strsplit(opt$levers, ",")[[1L]]) {
  lv <- levers[[lever]]
  if (is.null(lv)) stop("unknown lever: ", lever)
  a <- list(Y, q = 2, maxit = as.integer(opt$maxit))
  if (opt$inducing != "auto") {
    a$inducing <- as.integer(opt$inducing)
  } else if (!is.null(lv$exact_max)) {
    stop("lever ", lever, " needs inducing=M")
  }
  msg <- character()
  warns <- character()
  l0 <- load()
  set.seed(1)
  t <- system.time(fit <- withCallingHandlers(fit_lever(lv, a),
    message = function(m) {
      msg <<- c(msg, conditionMessage(m))
      invokeRestart("muffleMessage")
    },
    warning = function(w) {
      warns <<- c(warns, conditionMessage(w))
      invokeRestart("muffleWarning")
    }))[["elapsed"]]
  cat(sprintf("| gplvm %s | %s | %.1f | %d | %d | %.1f | %.3g | %.3g | %d | %.1f-%.1f |%s\n",
              lever, if (is.null(fit$inducing)) "exact" else nrow(fit$inducing),
              t, fit$optim$evaluations, fit$optim$convergence, fit$objective,
              kern_params(fit$kernel)[["variance"]], fit$noise,
              nn_errors(fit$X, cut), l0, load(),
              if (length(warns)) paste(" warning:", warns[1L]) else ""))
  if (length(msg)) cat("  message:", msg[1L])
}
