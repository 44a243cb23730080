# Where a Bayesian evaluation's time goes (issue 23): the default oil fit
# gplvm(Y, q = 10, bayesian = TRUE, inducing = 50) for its first MAXIT
# iterations (the first pruning comes at about 258 evaluations), with the
# time per evaluation; profile it with perf:
#   MAXIT=400 OPENBLAS_NUM_THREADS=1 \
#   R_LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
#   perf record -o perf.data Rscript bench/bayes_profile.R
#   perf report -i perf.data --no-children --sort dso,symbol
# (from the package root; GPLVM_OIL_DIR as in bench/bayes_cost.R).
suppressPackageStartupMessages(library(gplvm))
dir <- Sys.getenv("GPLVM_OIL_DIR", "../shared/data/oil")
Y <- as.matrix(read.table(file.path(dir, "DataTrn.txt")))
set.seed(1)
maxit <- as.integer(Sys.getenv("MAXIT", "400"))
# stops at maxit by design (its warning says so)
f <- gplvm(Y, q = 10, bayesian = TRUE, inducing = 50, maxit = maxit)
cat(sprintf("%d evaluations in %.1f s: %.1f ms each; dimensions switched off: %s\n",
            f$optim$evaluations, f$time, 1000 * f$time / f$optim$evaluations,
            paste(f$pruning$dimension, collapse = " ")))
