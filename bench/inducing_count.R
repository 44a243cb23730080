# Fewer inducing inputs at large N, and growing them (issue 23): chains of
# sparse fits on a set's training rows (bench/common.R split_set()), each
# started from the one before's latent positions, kernel and noise; "32"
# is one fit with M = 32, "32>64" that fit continued with M = 64.
#   SET=diamonds20000 SEEDS=1,2 ARMS="32;48;32>64" Rscript bench/inducing_count.R
# (from the package root; OpenBLAS with one thread).  Prints evaluations
# per stage, convergence, objective, 1-NN errors, time and the held-out
# reconstruction RMSE (predict(newdata =) then predict(newlatent =)).
suppressPackageStartupMessages(library(gplvm))
source("bench/common.R")
s <- split_set(Sys.getenv("SET", "diamonds20000"))
for (seed in as.integer(strsplit(Sys.getenv("SEEDS", "1"), ",")[[1]])) for (arm in strsplit(Sys.getenv("ARMS", "32;32>64"), ";")[[1]]) {
  set.seed(seed); t0 <- proc.time()[[3]]
  f <- NULL; ev <- integer()
  for (st in strsplit(arm, ">")[[1]]) {
    M <- as.integer(st)
    f <- if (is.null(f)) gplvm(s$Ztr, q = 2, inducing = M) else gplvm(s$Ztr, q = 2, init = f$X, kernel = f$kernel, noise = f$noise, inducing = M)
    ev <- c(ev, f$optim$evaluations)
  }
  tf <- proc.time()[[3]] - t0
  rm <- sqrt(mean((predict(f, newlatent = predict(f, newdata = s$Zte)) - s$Zte)^2))
  cat(sprintf("%s seed %d arm %s: evals %s conv %d obj %.1f errors %d time %.1f rmse %.3f load %.2f\n", Sys.getenv("SET", "diamonds20000"), seed, arm,
      paste(ev, collapse = "+"), f$optim$convergence, f$objective, nn_errors(f$X, s$class), tf, rm, load_avg()))
}
