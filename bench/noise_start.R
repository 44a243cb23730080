# The starting noise lever (issue 23): the default fit starts at noise
# 0.1 times the mean column variance vbar (0.1 here is the default fit);
# here also at FACTORS times vbar, among them 0.2% either side of the
# default, on the sets of bench/objective_path.R (oil whole, the others'
# training rows).  Evaluations to convergence, objective, final noise /
# vbar, 1-NN errors, time.
#   SETS=mpg,midwest,biopsy FACTORS=0.1,0.1002,0.0998,0.01,0.3 Rscript bench/noise_start.R
# (from the package root; OpenBLAS with one thread).
suppressPackageStartupMessages(library(gplvm))
source("bench/common.R")
for (nm in strsplit(Sys.getenv("SETS", "mpg,midwest,biopsy"), ",")[[1L]]) {
  s <- perturbed_set(nm)  # oil whole, the others' training rows
  d <- list(Y = s$Ztr, class = s$class)
  vbar <- s$vbar  # gplvm()'s: the mean square of the centred entries
  for (fac in as.numeric(strsplit(Sys.getenv("FACTORS", "0.1,0.1002,0.0998,0.01,0.3"),
                                  ",")[[1L]])) {
    t0 <- proc.time()[["elapsed"]]
    f <- gplvm(d$Y, q = 2, noise = fac * vbar)
    cat(sprintf(paste("%s noise %.4g vbar: evaluations %d, convergence %d,",
                      "objective %.2f, final noise %.3g vbar, errors %d,",
                      "%.1f s\n"),
                nm, fac, f$optim$evaluations, f$optim$convergence, f$objective,
                f$noise / vbar, nn_errors(f$X, d$class),
                proc.time()[["elapsed"]] - t0))
  }
}
