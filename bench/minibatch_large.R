# Minibatch training as the warm start of a default fit at 16000 rows
# (issue 23): diamonds20000's training rows (bench/common.R split_set()),
# gplvm(Y, q = 2) against gplvm(Y, q = 2, inducing = "auto", batch_size =
# B, epochs = E), per seed: evaluations of the full-batch stage,
# convergence, objective, 1-NN errors, wall time.
#   ARMS=default,b4000 EPOCHS=100 SEEDS=1,2,3 Rscript bench/minibatch_large.R
# (from the package root; OpenBLAS with one thread as in
# bench/time_to_result.R).
suppressPackageStartupMessages(library(gplvm))
source("bench/common.R")
s <- split_set(Sys.getenv("SET", "diamonds20000"))
seeds <- as.integer(strsplit(Sys.getenv("SEEDS", "1"), ",")[[1L]])
arms <- strsplit(Sys.getenv("ARMS", "default,b4000"), ",")[[1L]]
epochs <- as.integer(Sys.getenv("EPOCHS", "100"))
for (seed in seeds) {
  for (arm in arms) {
    set.seed(seed)
    t0 <- proc.time()[["elapsed"]]
    f <- if (arm == "default") gplvm(s$Ztr, q = 2) else
      gplvm(s$Ztr, q = 2, inducing = "auto",
            batch_size = as.integer(sub("b", "", arm)), epochs = epochs)
    tf <- proc.time()[["elapsed"]] - t0
    cat(sprintf(paste("seed %d %s: %d rows, evaluations %d, convergence %d,",
                      "objective %.1f, errors %d, %.1f s, load %.2f\n"),
                seed, arm, nrow(s$Ztr), f$optim$evaluations,
                f$optim$convergence, f$objective, nn_errors(f$X, s$class),
                tf, load_avg()))
  }
}
