# Does an interrupt during a cluster fit leave the workers usable?  Each
# run, in a child R process: a sparse fit of 400 x 6 random data across 2
# PSOCK workers that cannot converge (reltol 1e-15), SIGINT to the master
# after about 0.5 s (tests/testthat/helper-interrupt.R's
# run_interrupted()), then parallel::clusterEvalQ(cl, 1) and a small fit
# on the same cluster.  A run is "broken" when either fails.  Counts the
# broken runs: bench/results/cluster_interrupt-4878cfb.txt (the build
# before the held interrupt: 8 of 30; 25 of 29 in a first run on a busier
# machine) and bench/results/cluster_interrupt.txt (0 of 30).  Run from the package root after installing the package:
#   Rscript bench/cluster_interrupt.R [runs=30]
args <- commandArgs(TRUE)
runs <- if (length(args)) as.integer(sub("^runs=", "", args[1L])) else 30L
child <- tempfile(fileext = ".R")
writeLines(c(
  'suppressPackageStartupMessages(library(gplvm))',
  'source("tests/testthat/helper-interrupt.R")',
  'set.seed(as.integer(commandArgs(TRUE)[1]))',
  'Y <- matrix(rnorm(400 * 6), 400, 6)',
  'cl <- parallel::makePSOCKcluster(2)',
  'r <- run_interrupted(gplvm(Y, 2, inducing = 30, reltol = 1e-15,',
  '                           maxit = 1e5, cluster = cl))',
  'a <- tryCatch(identical(parallel::clusterEvalQ(cl, 1), list(1, 1)),',
  '              error = function(e) FALSE)',
  'f <- tryCatch(gplvm(Y[1:60, ], 2, inducing = 10, cluster = cl)$optim$convergence == 0L,',
  '              error = function(e) FALSE)',
  'cat("RESULT", r, a, f, "\\n")',
  'parallel::stopCluster(cl)'), child)
broken <- 0L
for (i in seq_len(runs)) {
  out <- suppressWarnings(system2("timeout", c("120", file.path(R.home("bin"),
                                  "Rscript"), child, i), stdout = TRUE,
                                  stderr = TRUE))
  res <- grep("^RESULT", out, value = TRUE)
  ok <- length(res) == 1L && identical(res, "RESULT interrupt TRUE TRUE ")
  if (!ok) broken <- broken + 1L
  cat(sprintf("run %2d: %s\n", i, if (length(res)) res else "no result (hang or crash)"))
}
cat(sprintf("%d of %d runs left the cluster broken\n", broken, runs))
