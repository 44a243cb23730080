# Before/after: the engine's phases for two gplvm builds, alternating.
#
#   Rscript bench/ab.R LIB_A LIB_B [N] [--rounds=8] [--reps=7]
#
# Each round runs one fresh Rscript per library, A then B (so that both
# see the same load on a shared machine), which times `reps` evaluations
# of the RBF ARD + bias model of bench/eval.R (oil data, D = 12, q = 2, one
# thread) through the benchmark entry and reports the median of each phase.
# Printed: medians over rounds per library, the minimum over all repeats
# (on a loaded machine the least disturbed figure), and B / A.  The BLAS is
# whatever R loads (set R_LD_LIBRARY_PATH for OpenBLAS, as in eval.R).

args <- commandArgs(trailingOnly = TRUE)
opt <- function(name, default) {
  hit <- grep(paste0("^--", name, "="), args, value = TRUE)
  if (length(hit)) sub("^--[^=]*=", "", hit[1]) else default
}
oil_dir <- opt("data", "/work/shared/data/oil")

one <- opt("one", "")
if (nzchar(one)) {
  library(gplvm, lib.loc = one)
  ns <- asNamespace("gplvm")
  n <- as.integer(opt("n", "1000"))
  Y0 <- as.matrix(read.table(file.path(oil_dir, "DataTrn.txt")))
  Y0 <- rbind(Y0, as.matrix(read.table(file.path(oil_dir, "DataVdn.txt"))),
              as.matrix(read.table(file.path(oil_dir, "DataTst.txt"))))
  Y <- scale(Y0[rep_len(seq_len(nrow(Y0)), n), ], scale = FALSE)
  dimnames(Y) <- NULL
  attr(Y, "scaled:center") <- NULL
  X <- prcomp(Y)$x[, 1:2]
  X <- X / sd(X[, 1])
  dimnames(X) <- NULL
  k <- kern_rbf(1, c(1, 1.5)) + kern_bias(0.5)
  spec <- ns$.kernel_spec(k, 2L)
  entry <- if (exists("C_gplvm_internal_bench_call", ns))
    ns$C_gplvm_internal_bench_call else ns$C_gplvm_bench_call
  ws <- ns$.loglik_workspace()
  b <- function() .Call(entry, Y, X, spec$type, spec$npar, spec$par, 0.05,
                        1L, ws)
  b()
  t <- sapply(seq_len(as.integer(opt("reps", "7"))), function(i) b())
  cat(apply(t, 1, median), apply(t, 1, min), "\n")
  quit(save = "no")
}

libs <- args[!grepl("^--", args)][1:2]
n <- if (length(args[!grepl("^--", args)]) > 2) args[!grepl("^--", args)][3] else "1000"
rounds <- as.integer(opt("rounds", "8"))
script <- normalizePath(sub("^--file=", "",
                            grep("^--file=", commandArgs(), value = TRUE)))
rscript <- file.path(R.home("bin"), "Rscript")
phases <- c("kernel", "potrf", "potri", "solve", "syrk", "grad", "engine",
            "floor_potrf", "floor_potri")
res <- array(NA_real_, c(rounds, 2, 9), list(NULL, c("A", "B"), phases))
low <- res
for (r in seq_len(rounds)) {
  for (l in 1:2) {
    out <- system2(rscript, c(shQuote(script), paste0("--one=", libs[l]),
                              paste0("--n=", n), paste0("--data=", oil_dir),
                              paste0("--reps=", opt("reps", "7"))),
                   stdout = TRUE)
    v <- as.numeric(strsplit(trimws(out[length(out)]), " +")[[1]])
    res[r, l, ] <- v[1:9]
    low[r, l, ] <- v[10:18]
  }
}
med <- apply(res, c(2, 3), median)
ratio_in <- apply(res[, , "engine", drop = FALSE] /
                    (res[, , "potrf", drop = FALSE] +
                       res[, , "potri", drop = FALSE]), 2, median)
cat("BLAS:", extSoftVersion()[["BLAS"]], "\nN =", n, "; rounds:", rounds,
    "; A =", libs[1], "; B =", libs[2], "\n")
cat("Medians over rounds of each round's median phase time (s):\n")
print(signif(rbind(med, "B/A" = med["B", ] / med["A", ]), 3))
mins <- apply(low, c(2, 3), min)
cat("Minimum over all repeats (the least disturbed by other load):\n")
print(signif(rbind(mins, "B/A" = mins["B", ] / mins["A", ]), 3))
cat("engine / its own dpotrf + dpotri (median over rounds):",
    sprintf("A %.4f, B %.4f\n", ratio_in[1], ratio_in[2]))
