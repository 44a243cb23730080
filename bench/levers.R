# Levers on the number of evaluations of the default plain fit (issue 23,
# item 1): each lever against the default on several data sets, by
# evaluations to convergence (exact counts, robust when the machine is
# loaded), convergence code, final objective and leave-one-out 1-NN errors
# in 2-D.  A lever is a named list of settings: `reltol` (gplvm()'s
# argument) and the optimiser settings of R/fit.R's .fit_levers() (lmm,
# precondition, variance_prior_sd, warm: a first phase of that many
# iterations on the latent positions alone), set through
# options(gplvm.levers = ).
#
#   Rscript bench/levers.R [sets=mpg,midwest,biopsy,oil]   (from the package root)
#       [levers=default,reltol6,lmm20,hyper,point,vprior,...] [maxit=10000]
#       [rows=0 (all)] [inducing=0 (gplvm()'s default)]
#
# The sets are bench/time_to_result.R's (all rows, columns z-scored) and the
# oil training data (/work/shared/data/oil, as the default fit sees it).
# Run it on OpenBLAS with one thread:
#   OB=/usr/lib/x86_64-linux-gnu/openblas-pthread
#   R_LD_LIBRARY_PATH=$OB LD_LIBRARY_PATH=$OB OPENBLAS_NUM_THREADS=1 \
#     Rscript bench/levers.R

args <- commandArgs(trailingOnly = TRUE)
opt <- list(sets = "mpg,midwest,biopsy,oil",
            levers = "default,reltol6,lmm20,hyper,point,vprior",
            maxit = "10000", rows = "0", inducing = "0")
for (a in args) {
  kv <- strsplit(a, "=", fixed = TRUE)[[1L]]
  if (length(kv) != 2L || !kv[1L] %in% names(opt)) stop("bad argument: ", a)
  opt[[kv[1L]]] <- kv[2L]
}
library(gplvm)

# reltol = NULL: gplvm()'s default; the rest goes to options(gplvm.levers)
levers <- list(
  default = list(),
  reltol6 = list(reltol = 1e-6),
  reltol8 = list(reltol = 1e-8),
  reltol7 = list(reltol = 1e-7),
  lmm20 = list(lmm = 20L),
  lmm3 = list(lmm = 3L),
  none = list(precondition = "none"),
  hyper = list(precondition = "hyper"),
  point = list(precondition = "point"),
  vprior = list(variance_prior_sd = 1),
  warm200 = list(warm = 200L),
  vprior_point = list(variance_prior_sd = 1, precondition = "point"),
  reltol6_hyper = list(reltol = 1e-6, precondition = "hyper"),
  reltol6_point = list(reltol = 1e-6, precondition = "point"),
  reltol6_vprior = list(reltol = 1e-6, variance_prior_sd = 1),
  old = list(reltol = 1e-8, lmm = 5L, precondition = "none",
             variance_prior_sd = 0))

# load_data(name): bench/spectral_start.R's (the sets of
# time_to_result.R, z-scored, and oil)
src <- readLines("bench/spectral_start.R")
from <- grep("^load_data <- function", src)
to <- grep("^nn_errors <- function", src) - 1L
eval(parse(text = src[from:to]))

# leave-one-out 1-NN errors, block by block (no N x N matrix)
nn_errors <- function(X, class, block = 1000L) {
  errors <- 0L
  for (from in seq(1L, nrow(X), by = block)) {
    rows <- from:min(nrow(X), from + block - 1L)
    D <- outer(rowSums(X[rows, , drop = FALSE]^2), rowSums(X^2), `+`) -
      2 * tcrossprod(X[rows, , drop = FALSE], X)
    D[cbind(seq_along(rows), rows)] <- Inf
    errors <- errors + sum(class[max.col(-D, "first")] != class[rows])
  }
  errors
}

cat(sprintf("BLAS %s, OPENBLAS_NUM_THREADS %s, maxit %s\n", La_library(),
            Sys.getenv("OPENBLAS_NUM_THREADS"), opt$maxit))
cat("| set | N | lever | evals | conv | objective | variance | noise | 1-NN errors | fit time (s) | load |\n")
cat("|---|---|---|---|---|---|---|---|---|---|---|\n")
for (name in strsplit(opt$sets, ",")[[1L]]) {
  d <- load_data(name)
  rows <- as.integer(opt$rows)
  if (rows > 0L && rows < nrow(d$Y)) {
    set.seed(23)
    keep <- sort(sample(nrow(d$Y), rows))
    d <- list(Y = d$Y[keep, ], class = d$class[keep])
  }
  for (lever in strsplit(opt$levers, ",")[[1L]]) {
    lv <- levers[[lever]]
    if (is.null(lv)) stop("unknown lever: ", lever)
    options(gplvm.levers = lv[setdiff(names(lv), "reltol")])
    l0 <- scan("/proc/loadavg", n = 1L, quiet = TRUE)
    warns <- character()
    args <- list(d$Y, q = 2, maxit = as.integer(opt$maxit))
    if (!is.null(lv$reltol)) args$reltol <- lv$reltol
    if (as.integer(opt$inducing) > 0L) args$inducing <- as.integer(opt$inducing)
    set.seed(1)
    fit <- withCallingHandlers(
      do.call(gplvm, args),
      warning = function(w) {
        warns <<- c(warns, conditionMessage(w))
        invokeRestart("muffleWarning")
      },
      message = function(m) invokeRestart("muffleMessage"))
    kp <- kern_params(fit$kernel)
    cat(sprintf("| %s | %d | %s | %d | %d | %.2f | %.3g | %.3g | %d | %.1f | %.1f-%.1f |%s\n",
                name, nrow(d$Y), lever, fit$optim$evaluations,
                fit$optim$convergence, fit$objective,
                kp[[grep("variance", names(kp))[1L]]], fit$noise,
                nn_errors(fit$X, d$class), fit$time, l0,
                scan("/proc/loadavg", n = 1L, quiet = TRUE),
                if (length(warns)) paste(" warning:", warns[1L]) else ""))
  }
}
options(gplvm.levers = NULL)
