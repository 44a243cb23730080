# Before/after for the sparse and Bayesian engines (bench/ab.R does the
# exact one): two gplvm builds, alternating, one fresh Rscript per library
# and round, so that both see the same load on a shared machine.
#
#   Rscript bench/ab_models.R LIB_A LIB_B [--rounds=5] [--reps=5]
#
# Each child times `reps` evaluations with the full gradient, through
# gplvm_loglik(), of synthetic data (D = 12, q = 2; Bayesian q = 10):
#   fitc   N = 2000,  M = 100, RBF ARD + white (the FITC engine)
#   vfe    N = 20000, M = 100, RBF ARD + white (the chunked VFE bound)
#   bayes  N = 1000,  M = 50,  RBF ARD + bias (the psi-statistics bound)
# and prints the median and minimum of each.  Printed: medians over rounds
# per library, the minimum over all repeats, and B / A.  The BLAS is whatever R loads (set R_LD_LIBRARY_PATH
# for OpenBLAS).
args <- commandArgs(trailingOnly = TRUE)
opt <- function(name, default) {
  hit <- grep(paste0("^--", name, "="), args, value = TRUE)
  if (length(hit)) sub("^--[^=]*=", "", hit[1]) else default
}
models <- c("fitc", "vfe", "bayes")

one <- opt("one", "")
if (nzchar(one)) {
  library(gplvm, lib.loc = one)
  reps <- as.integer(opt("reps", "5"))
  set.seed(1)
  data <- function(n, q) {
    X <- matrix(rnorm(n * q), n, q)
    list(Y = matrix(rnorm(n * 12), n, 12), X = X)
  }
  time <- function(f) {
    f()
    t <- vapply(seq_len(reps), function(i) system.time(f())[["elapsed"]], 0)
    c(median(t), min(t))
  }
  k2 <- kern_rbf(1, c(1, 1.5)) + kern_white(0.01)
  a <- data(2000, 2)
  b <- data(20000, 2)
  c <- data(1000, 10)
  kb <- kern_rbf(1, seq(0.8, 3, length.out = 10)) + kern_bias(0.1)
  S <- matrix(0.05, 1000, 10)
  t <- cbind(
    fitc = time(function() gplvm_loglik(a$Y, a$X, k2, 0.05, TRUE,
                                        inducing = a$X[1:100, ],
                                        approx = "fitc")),
    vfe = time(function() gplvm_loglik(b$Y, b$X, k2, 0.05, TRUE,
                                       inducing = b$X[1:100, ])),
    bayes = time(function() gplvm_loglik(c$Y, c$X, kb, 0.05, TRUE,
                                         inducing = c$X[1:50, ], X_var = S)))
  cat(t[1, ], t[2, ], "\n")
  quit(save = "no")
}

libs <- args[!grepl("^--", args)][1:2]
rounds <- as.integer(opt("rounds", "5"))
script <- normalizePath(sub("^--file=", "",
                            grep("^--file=", commandArgs(), value = TRUE)))
rscript <- file.path(R.home("bin"), "Rscript")
res <- array(NA_real_, c(rounds, 2, length(models)),
             list(NULL, c("A", "B"), models))
low <- res
for (r in seq_len(rounds)) {
  for (l in 1:2) {
    out <- system2(rscript, c(shQuote(script), paste0("--one=", libs[l]),
                              paste0("--reps=", opt("reps", "5"))),
                   stdout = TRUE)
    v <- as.numeric(strsplit(trimws(out[length(out)]), " +")[[1]])
    res[r, l, ] <- v[seq_along(models)]
    low[r, l, ] <- v[length(models) + seq_along(models)]
  }
}
med <- apply(res, c(2, 3), median)
cat("BLAS:", extSoftVersion()[["BLAS"]], "\nrounds:", rounds, "; A =",
    libs[1], "; B =", libs[2], "\n")
cat("Medians over rounds of each round's median time per evaluation (s):\n")
print(signif(rbind(med, "B/A" = med["B", ] / med["A", ]), 3))
mins <- apply(low, c(2, 3), min)
cat("Minimum over all repeats (the least disturbed by other load):\n")
print(signif(rbind(mins, "B/A" = mins["B", ] / mins["A", ]), 3))
