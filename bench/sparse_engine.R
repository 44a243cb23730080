# The sparse (VFE) engine against its floor, and a cluster of 2 workers
# against one process.
#
#   Rscript bench/sparse_engine.R [--n=1e5] [--reps=7] [--chunk=2048]
#                                 [--cluster-n=2e5] [--cluster-reps=5]
#                                 [--no-cluster] [--only-cluster] [--nagle]
#
# Model: N points, M = 100 inducing inputs, D = 12, q = 2, RBF (ARD) +
# white kernel, VFE, value and full gradient.  Run it once per BLAS (for
# OpenBLAS set R_LD_LIBRARY_PATH for that process only); the BLAS in use is
# printed first.
#
# Floor (issue 17): crossprod(Kxz) + Kxz %*% B (B M x M) + one exp() over
# N x M, in R, in the same process, interleaved repeat by repeat with the
# engine.  "engine" is the whole R-level evaluation
# gplvm:::.loglik_sparse_c(); the phases come from the C bench entry
# (src/call_sparse.c): kernel = Kxz and its cache, stats = pass 1's
# dsyrk + dgemm, global = the M x M step, dLdK = pass 2's two dgemm,
# contract = the contraction of dL/dKxz with the kernel's derivatives.
# Medians over the repeats; ratios of medians.
#
# With --before=LIB, a child process with LIB first in R_LIBS (an install
# of the package before this change) times that engine against the same
# floor, and its figures are printed too.
#
# Cluster: at N = --cluster-n, one evaluation serially and with a PSOCK
# cluster of 2 workers (R/cluster.R), wall time per evaluation (medians),
# and the bytes sent each way per evaluation (serialize() sizes of what the
# master sends to and receives from the workers).
suppressPackageStartupMessages(library(gplvm))

args <- commandArgs(trailingOnly = TRUE)
opt <- function(name, default) {
  hit <- grep(paste0("^--", name, "="), args, value = TRUE)
  if (length(hit)) sub("^--[^=]*=", "", hit[1]) else default
}
n <- as.numeric(opt("n", "1e5"))
reps <- as.integer(opt("reps", "7"))
chunk <- as.integer(opt("chunk", "2048"))
before <- opt("before", "")
m <- 100L
d <- 12L
q <- 2L
kernel <- kern_rbf(1, c(1, 1.5)) + kern_white(0.01)

make <- function(n) {
  set.seed(1)
  X <- matrix(rnorm(n * q), n, q)
  Y <- cbind(sin(X), cos(X), X^2, X[, 1] * X[, 2], matrix(0, n, d - 7)) +
    matrix(rnorm(n * d, sd = 0.1), n, d)
  list(Y = Y, X = X, Z = X[sample(n, m), ])
}
timed <- function(expr) {
  t0 <- proc.time()[["elapsed"]]
  force(expr)
  proc.time()[["elapsed"]] - t0
}
engine_part <- function() {
  dat <- make(n)
  has_phases <- exists("C_gplvm_internal_sparse_bench_call",
                       envir = asNamespace("gplvm"))
  cat(sprintf("gplvm from %s; N = %g, M = %d, D = %d, q = %d, %d repeats%s\n",
              dirname(find.package("gplvm")), n, m, d, q, reps,
              if (has_phases) sprintf(", chunk %d rows", chunk) else ""))
  cat("load average before:", readLines("/proc/loadavg"), "\n")

  Kxz <- kern_matrix(kern_rbf(1, c(1, 1.5)), dat$X, dat$Z)
  set.seed(2)
  B <- crossprod(matrix(rnorm(m * m), m))
  floor_once <- function() timed({
    crossprod(Kxz)
    Kxz %*% B
    exp(Kxz)
  })
  engine_once <- function() timed(
    gplvm:::.loglik_sparse_c(dat$Y, dat$X, dat$Z, kernel, 0.1, "vfe", TRUE))
  spec <- gplvm:::.kernel_spec(kernel, q)
  phases_once <- function() {
    .Call(gplvm:::C_gplvm_internal_sparse_bench_call, dat$Y, dat$X, dat$Z,
          spec$type, spec$npar, spec$par, 0.1, chunk,
          2 * n * m <= gplvm:::.sparse_store_max)
  }
  invisible(engine_once())
  invisible(floor_once())
  fl <- en <- numeric(reps)
  ph <- NULL
  for (i in seq_len(reps)) {
    fl[i] <- floor_once()
    en[i] <- engine_once()
    if (has_phases) ph <- rbind(ph, phases_once())
  }
  cat(sprintf(paste("engine %.3f s, floor %.3f s, ratio %.2f",
                    "(medians; engine range %.3f-%.3f s)\n"),
              median(en), median(fl), median(en) / median(fl), min(en),
              max(en)))
  if (has_phases) {
    cat("phases of the C engine (medians, s):\n")
    print(round(apply(ph, 2, median), 4))
  }
  cat("load average after:", readLines("/proc/loadavg"), "\n")

  if (nzchar(before)) {
    cat("\n---- before (", before, ") ----\n", sep = "")
    script <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE),
                                       value = TRUE))
    out <- system2(file.path(R.home("bin"), "Rscript"),
                   c(script, paste0("--n=", n), paste0("--reps=", reps),
                     "--no-cluster"),
                   env = paste0("R_LIBS=", before), stdout = TRUE)
    cat(out, sep = "\n")
  }

}
cat("BLAS:  ", extSoftVersion()[["BLAS"]], "\nLAPACK:", La_library(), "\n")
if (!"--only-cluster" %in% args) engine_part()

if ("--no-cluster" %in% args) quit(save = "no")

# ---- serial against a cluster of 2 workers ----
cn <- as.numeric(opt("cluster-n", "2e5"))
creps <- as.integer(opt("cluster-reps", "5"))
big <- make(cn)
nodelay <- !"--nagle" %in% args
if (nodelay) options(socketOptions = "no-delay")
cl <- parallel::makePSOCKcluster(2L, rscript_args = if (nodelay)
  c("-e", shQuote("options(socketOptions = 'no-delay')")))
cat(sprintf("\ncluster: 2 PSOCK workers, sockets %s\n",
            if (nodelay) "without Nagle's delay (no-delay)" else
              "with R's default options"))
on.exit(parallel::stopCluster(cl))
invisible(parallel::clusterCall(cl, base::eval, call(".libPaths", .libPaths())))
ev <- gplvm:::.cluster_evaluator(cl, big$Y)
# the VFE bound across evaluator e, in .loglik_sparse_c()'s fields
vfe_across <- function(e) {
  r <- e$eval(gplvm:::.data_sparse("vfe", nrow(big$Z)), big$X, NULL, big$Z,
              kernel, 0.1, TRUE)
  list(loglik = r$value, X = r$X, inducing = r$Z, kernel = r$kernel)
}
serial_once <- function() timed(
  gplvm:::.loglik_sparse_c(big$Y, big$X, big$Z, kernel, 0.1, "vfe", TRUE))
cluster_once <- function() timed(vfe_across(ev))
a <- gplvm:::.loglik_sparse_c(big$Y, big$X, big$Z, kernel, 0.1, "vfe", TRUE)
b <- vfe_across(ev)
# the same sums added in another order in one process: chunks of 1999 rows
o <- gplvm:::.loglik_sparse_c(big$Y, big$X, big$Z, kernel, 0.1, "vfe", TRUE,
                              chunk = 1999L)
rel <- function(x, y) max(abs(x - y)) / max(abs(y))
cat(sprintf(paste("\nN = %g: relative differences from the serial",
                  "evaluation (value, dX, dZ, dtheta):\n  cluster",
                  "%.2g %.2g %.2g %.2g\n  serial, 1999-row chunks",
                  "%.2g %.2g %.2g %.2g\n  (condition number of k(Z, Z)",
                  "without the white part, with the engine's jitter:",
                  "%.2g)\n"), cn,
            rel(b$loglik, a$loglik), rel(b$X, a$X), rel(b$inducing,
            a$inducing), rel(b$kernel, a$kernel), rel(o$loglik, a$loglik),
            rel(o$X, a$X), rel(o$inducing, a$inducing), rel(o$kernel,
            a$kernel), kappa(kern_matrix(kern_rbf(1, c(1, 1.5)), big$Z) +
                             diag(1e-8, m), exact = TRUE)))
se <- ce <- numeric(creps)
for (i in seq_len(creps)) {
  se[i] <- serial_once()
  ce[i] <- cluster_once()
}
counted <- gplvm:::.cluster_evaluator(cl, big$Y, count_bytes = TRUE)
invisible(vfe_across(counted))
bytes <- counted$bytes()
counted$close()
cat(sprintf(paste("serial %.3f s, 2 PSOCK workers %.3f s per evaluation",
                  "(medians; speed-up %.2f)\n"),
            median(se), median(ce), median(se) / median(ce)))
cat(sprintf(paste("bytes per evaluation: sent %.0f (%.2f MB), received",
                  "%.0f (%.2f MB); N q doubles = %.2f MB; Y (kept on the",
                  "workers, sent once) %.1f MB\n"),
            bytes$sent, bytes$sent / 2^20, bytes$received,
            bytes$received / 2^20, cn * q * 8 / 2^20,
            as.numeric(object.size(big$Y)) / 2^20))
cat("load average after:", readLines("/proc/loadavg"), "\n")
