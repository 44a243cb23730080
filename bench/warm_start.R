# The warm-up lever of issue 23 ("alternating latent and hyperparameter
# steps"), for the exact model: a first phase of WARM iterations on the
# latent positions alone, the kernel and noise held at their starts, then
# the full fit (the Bayesian model's warm-up, R/fit.R .fit_once()).  Not
# a setting of the package: the script swaps the exact term's defaults
# and start in the loaded namespace for this process only.
#   WARM=100 SETS=mpg,midwest,biopsy Rscript bench/warm_start.R
# (from the package root; WARM=0: the default fit).
suppressPackageStartupMessages(library(gplvm))
source("bench/common.R")
ns <- asNamespace("gplvm")
W <- as.integer(Sys.getenv("WARM", "0"))
if (W > 0) {
  od <- get(".data_defaults.gplvm_data", ns); os <- get(".data_start.gplvm_data", ns)
  unlockBinding(".data_defaults.gplvm_data", ns); unlockBinding(".data_start.gplvm_data", ns)
  assign(".data_defaults.gplvm_data", function(term, Y, q, vbar) { d <- od(term, Y, q, vbar); d$warm <- W; d }, ns)
  assign(".data_start.gplvm_data", function(term, init, Y, q, init_sd) { s <- os(term, init, Y, q, init_sd); s$warm <- TRUE; s }, ns)
  registerS3method(".data_defaults", "gplvm_data", get(".data_defaults.gplvm_data", ns), envir = ns)
  registerS3method(".data_start", "gplvm_data", get(".data_start.gplvm_data", ns), envir = ns)
}
for (nm in strsplit(Sys.getenv("SETS", "mpg,midwest,biopsy"), ",")[[1]]) {
  s <- if (nm == "oil") { w <- whole_set("oil"); list(Ztr = w$Y, class = w$class) } else split_set(nm)
  t0 <- proc.time()[[3]]
  f <- gplvm(s$Ztr, q = 2)
  cat(sprintf("warm %d %s: evals %d conv %d obj %.2f errors %d time %.2f\n", W, nm,
    f$optim$evaluations, f$optim$convergence, f$objective, nn_errors(f$X, s$class), proc.time()[[3]] - t0))
}
