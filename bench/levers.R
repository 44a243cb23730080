# Levers on the number of evaluations of the default plain fit (issue 23,
# item 1): each lever against the default on several data sets, by
# evaluations to convergence (exact counts, robust when the machine is
# loaded), convergence code, final objective and leave-one-out 1-NN errors
# in 2-D.  A lever is a named list of gplvm() arguments (`reltol`,
# `fixed`) and, as `exact_max`, a value of options(gplvm.exact_max) for
# the fit: sparse fits past that many rows precondition their
# log-hyperparameters (R/precondition.R), so that with a given
# `inducing`, lever `none` (exact_max above any N) fits without it.
#
# The levers that lost in bench/levers.md (L-BFGS memory 20 and 3,
# hyperparameter preconditioning of exact fits, per-point preconditioning,
# the log-variance prior, the latent-only warm phase, and their
# combinations) were settings of options(gplvm.levers = ), an internal
# option of R/fit.R.  They were measured with the builds of commits
# 8b7a810 to 3daacf2 and removed from the package after commit 5829fb2,
# the last that has the option; this script no longer runs them (check
# out 5829fb2 to rerun them).
#
#   Rscript bench/levers.R [sets=mpg,midwest,biopsy,oil]   (from the package root)
#       [levers=default,reltol6] [maxit=10000]
#       [rows=0 (all)] [inducing=0 (gplvm()'s default)]
#
# The sets are bench/time_to_result.R's (all rows, columns z-scored) and the
# oil training data (/work/shared/data/oil, as the default fit sees it).
# Run it on OpenBLAS with one thread:
#   OB=/usr/lib/x86_64-linux-gnu/openblas-pthread
#   R_LD_LIBRARY_PATH=$OB LD_LIBRARY_PATH=$OB OPENBLAS_NUM_THREADS=1 \
#     Rscript bench/levers.R

source("bench/common.R")  # bench_args()
opt <- list(sets = "mpg,midwest,biopsy,oil",
            levers = "default,reltol6",
            maxit = "10000", rows = "0", inducing = "0")
opt <- bench_args(opt)
library(gplvm)

# reltol absent: gplvm()'s default
levers <- list(
  default = list(),
  reltol6 = list(reltol = 1e-6),
  reltol7 = list(reltol = 1e-7),
  reltol8 = list(reltol = 1e-8),
  fixedvar = list(fixed = c("lengthscale", "variance")),
  reltol8_fixedvar = list(reltol = 1e-8, fixed = c("lengthscale", "variance")),
  none = list(exact_max = .Machine$integer.max))

# gplvm() with the arguments `args` and lever `lv`
fit_lever <- function(lv, args) {
  old <- options(gplvm.exact_max = lv$exact_max)
  on.exit(options(old))
  do.call(gplvm, c(args, lv[setdiff(names(lv), "exact_max")]))
}

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
    l0 <- scan("/proc/loadavg", n = 1L, quiet = TRUE)
    warns <- character()
    args <- list(d$Y, q = 2, maxit = as.integer(opt$maxit))
    if (as.integer(opt$inducing) > 0L) {
      args$inducing <- as.integer(opt$inducing)
    } else if (!is.null(lv$exact_max)) {
      stop("lever ", lever, " needs inducing=M")
    }
    set.seed(1)
    fit <- withCallingHandlers(
      fit_lever(lv, args),
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
