# Cost of one log-likelihood + full-gradient evaluation against its floor.
#
#   Rscript bench/eval.R [N ...] [--reps=10] [--threads=1,2] [--twin-max=2000]
#                        [--dgtn=500,5000]
#
# Model: RBF ARD + bias kernel, Q = 2, D = 12 (the oil flow data, training,
# validation and test sets, recycled with a little noise beyond 3000 rows).
# For each N, in one process and interleaved repeat by repeat:
#   floor    dpotrf + dpotri of the same N x N matrix, timed in C right after
#            the engine (gplvm's bench entry), the O(N^3) work any exact
#            evaluation has to do;
#   engine   the C engine alone (phase by phase), per OpenMP thread count;
#   call     the whole R-level call gplvm:::.loglik_c() (argument packing,
#            .Call, allocation of the outputs), at the first thread count,
#            with a workspace kept from call to call as a fit does (the
#            engine timings use it too); call_fresh: the same without one
#            (fresh N x N memory at each call, as gplvm_loglik() does);
#   ratio_in the engine over its own dpotrf + dpotri, repeat by repeat (the
#            same matrix in the same evaluation: the fairest ratio on a
#            loaded machine, where the floor timed apart drifts);
#   R floor  chol() + chol2inv() in R on the same matrix;
#   plain R  the plain-R twin .loglik_r() of the test oracle
#            (tests/testthat/helper-reference.R; skipped above --twin-max).
# Medians over the repeats (N = 4000: at most 3); ratios are ratios of those
# medians, all measured in this one run.
#
# D > N (--dgtn=N,D, or --dgtn=0 to skip): random data with D columns; one
# evaluation on Y itself against one on a factor C = chol(Y Y')' (N x N,
# formed once per fit, timed apart) with ndim = D: the cost no longer grows
# with D, it is O(N^3), a few times the floor.
#
# Peak memory: a fresh Rscript process per N sets up the data, resets the
# kernel's peak-RSS counter (writes 5 to /proc/self/clear_refs), runs one
# evaluation (the first: no freed memory to reuse) and reads VmHWM from
# /proc/self/status; "eval MB" is that peak minus the resident size just
# before the call, i.e. what one evaluation adds at its peak (Linux only;
# NA elsewhere), also given in units of one N x N double matrix (8 N^2
# bytes).  "heap MB" is the same for R's heap from gc(): the peak of vector
# cells during the call minus those in use before (R_alloc workspace is on
# that heap; BLAS buffers are not).
#
# The BLAS in use is printed first; for OpenBLAS set LD_LIBRARY_PATH for this
# process only and mind OPENBLAS_NUM_THREADS.

suppressPackageStartupMessages(library(gplvm))

args <- commandArgs(trailingOnly = TRUE)
opt <- function(name, default) {
  hit <- grep(paste0("^--", name, "="), args, value = TRUE)
  if (length(hit)) sub("^--[^=]*=", "", hit[1]) else default
}
oil_dir <- opt("data", "/work/shared/data/oil")

# ---- data and model for a given N ----
setup <- function(n) {
  files <- file.path(oil_dir, c("DataTrn.txt", "DataVdn.txt", "DataTst.txt"))
  Y0 <- do.call(rbind, lapply(files, function(f) as.matrix(read.table(f))))
  set.seed(1)
  Y <- Y0[rep_len(seq_len(nrow(Y0)), n), , drop = FALSE]
  if (n > nrow(Y0)) Y <- Y + matrix(rnorm(length(Y), sd = 0.01), n)
  Y <- scale(Y, scale = FALSE)
  dimnames(Y) <- NULL
  attr(Y, "scaled:center") <- NULL
  X <- prcomp(Y)$x[, 1:2]
  X <- X / sd(X[, 1])
  dimnames(X) <- NULL
  list(Y = Y, X = X, kernel = kern_rbf(1, c(1, 1.5)) + kern_bias(0.5),
       noise = 0.05)
}

# ---- memory mode: one evaluation in a fresh process ----
if (length(args) >= 2L && args[1] == "--mem") {
  s <- setup(as.integer(args[2]))
  options(gplvm.threads = as.integer(opt("threads", "1")))
  status <- function(field) {
    line <- grep(paste0("^", field, ":"), readLines("/proc/self/status"),
                 value = TRUE)
    as.numeric(gsub("[^0-9]", "", line)) / 1024
  }
  g0 <- gc(reset = TRUE)
  before <- status("VmRSS")
  writeLines("5", "/proc/self/clear_refs")
  res <- gplvm:::.loglik_c(s$Y, s$X, s$kernel, s$noise, TRUE)
  rss <- status("VmHWM")
  g1 <- gc()
  # R heap: peak of vector cells (8 bytes each) over the call, minus before
  heap <- (g1[2, "max used"] - g0[2, "used"]) * 8 / 2^20
  cat(rss - before, heap, rss, "\n")
  quit(save = "no")
}

# the plain-R twin lives in the tests' oracle, next to this script's checkout
script <- sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))
oracle <- file.path(dirname(normalizePath(script)), "..", "tests", "testthat",
                    "helper-reference.R")
oracle_env <- new.env(parent = asNamespace("gplvm"))
if (file.exists(oracle)) sys.source(oracle, envir = oracle_env)
.loglik_r <- oracle_env$.loglik_r

ns <- as.integer(args[!grepl("^--", args)])
if (!length(ns)) ns <- c(250L, 500L, 1000L, 2000L)
reps <- as.integer(opt("reps", "10"))
threads <- as.integer(strsplit(opt("threads", "1,2"), ",")[[1]])
twin_max <- as.integer(opt("twin-max", "2000"))
dgtn <- as.integer(strsplit(opt("dgtn", "500,5000"), ",")[[1]])

now <- function() as.numeric(Sys.time())
timed <- function(expr) {
  t0 <- now()
  force(expr)
  now() - t0
}
ws <- gplvm:::.loglik_workspace()
bench_c <- function(s, nthreads) {
  spec <- gplvm:::.kernel_spec(s$kernel, ncol(s$X))
  .Call(gplvm:::C_gplvm_internal_bench_call, s$Y, s$X, spec$type, spec$npar,
        spec$par, s$noise, nthreads, ws)
}
peak_memory <- function(n) {
  if (!file.exists("/proc/self/clear_refs")) return(rep(NA_real_, 3))
  out <- system2(file.path(R.home("bin"), "Rscript"),
                 c(shQuote(normalizePath(sub("^--file=", "",
                   grep("^--file=", commandArgs(), value = TRUE)))),
                   "--mem", n, paste0("--data=", oil_dir),
                   paste0("--threads=", threads[1])),
                 stdout = TRUE)
  as.numeric(strsplit(trimws(out[length(out)]), " +")[[1]])[1:3]
}

cat("BLAS:  ", extSoftVersion()[["BLAS"]], "\nLAPACK:", La_library(), "\n")
cat("OPENBLAS_NUM_THREADS =", Sys.getenv("OPENBLAS_NUM_THREADS", "(unset)"),
    "; OpenMP threads tried:", paste(threads, collapse = ", "), "\n\n")

phases <- c("kernel", "potrf", "potri", "solve", "syrk", "grad")
main <- list()
phase_rows <- list()
for (n in ns) {
  message("N = ", n, " ...")
  s <- setup(n)
  r <- if (n >= 4000L) min(reps, 3L) else reps
  twin <- n <= twin_max
  K <- kern_matrix(s$kernel, s$X) + diag(s$noise, n)
  # warm up (page faults, BLAS thread start-up)
  for (t in threads) bench_c(s, t)
  invisible(gplvm:::.loglik_c(s$Y, s$X, s$kernel, s$noise, TRUE))
  eng <- array(NA_real_, c(r, length(threads), 9),
               list(NULL, threads, names(bench_c(s, 1L))))
  call <- fresh <- rfloor <- plain <- rep(NA_real_, r)
  for (i in seq_len(r)) {
    for (t in seq_along(threads)) eng[i, t, ] <- bench_c(s, threads[t])
    options(gplvm.threads = threads[1])
    call[i] <- timed(gplvm:::.loglik_c(s$Y, s$X, s$kernel, s$noise, TRUE,
                                       workspace = ws))
    fresh[i] <- timed(gplvm:::.loglik_c(s$Y, s$X, s$kernel, s$noise, TRUE))
    rfloor[i] <- timed(chol2inv(chol(K)))
    if (twin && (i <= 3L || n <= 1000L)) {
      plain[i] <- timed(.loglik_r(s$Y, s$X, s$kernel, s$noise))
    }
  }
  med <- apply(eng, c(2, 3), median)
  fl <- median(eng[, , "floor_potrf"] + eng[, , "floor_potri"])
  mem <- peak_memory(n)
  row <- data.frame(N = n, reps = r, floor = fl)
  for (t in seq_along(threads)) {
    row[[paste0("eng_t", threads[t])]] <- med[t, "engine"]
    row[[paste0("ratio_t", threads[t])]] <- med[t, "engine"] / fl
  }
  # the engine against its own dpotrf + dpotri, repeat by repeat: immune to
  # load changing between the engine and the separate floor timing
  row$ratio_in <- median(eng[, 1, "engine"] /
                           (eng[, 1, "potrf"] + eng[, 1, "potri"]))
  row$call <- median(call)
  row$call_ratio <- median(call) / fl
  row$call_fresh <- median(fresh)
  row$R_floor <- median(rfloor)
  row$plain_R <- median(plain, na.rm = TRUE)
  row$plain_vs_call <- row$plain_R / row$call
  row$eval_MB <- mem[1]
  row$eval_NxN <- mem[1] * 2^20 / (8 * n^2)
  row$heap_MB <- mem[2]
  row$proc_MB <- mem[3]
  main[[length(main) + 1L]] <- row
  for (t in seq_along(threads)) {
    ph <- med[t, phases]
    other <- median(eng[, t, "engine"] - rowSums(eng[, t, phases, drop = FALSE]))
    phase_rows[[length(phase_rows) + 1L]] <- data.frame(
      N = n, threads = threads[t], t(ph),
      other = other, engine = med[t, "engine"],
      floor_potrf = med[t, "floor_potrf"], floor_potri = med[t, "floor_potri"],
      check.names = FALSE)
  }
  rm(K, s)
  invisible(gc())
}

main <- do.call(rbind, main)
cat("One evaluation (log-likelihood + full gradient), seconds, medians;",
    "ratios to the floor (dpotrf + dpotri in C)\n")
print(format(main, digits = 3), row.names = FALSE)
cat("\nColumns: eng_tK = C engine on K OpenMP threads (ratio_tK = eng_tK /",
    "floor); ratio_in = median over repeats of the engine (first thread",
    "count) over its own dpotrf + dpotri;\n  call = R-level",
    ".loglik_c() with", threads[1], "thread(s), reusing a workspace;",
    "call_fresh = without;\n  R_floor = chol2inv(chol(K))",
    "in R; plain_R = the test oracle's .loglik_r(); plain_vs_call = speed-up over",
    "plain R;\n  eval_MB = peak RSS added by one evaluation (eval_NxN in",
    "units of 8 N^2 bytes); heap_MB = peak R heap (R_alloc included) added",
    "by it;\n  proc_MB = peak RSS of that whole process.\n\n")
cat("Phases of the engine, seconds, medians\n")
print(format(do.call(rbind, phase_rows), digits = 3), row.names = FALSE)

if (dgtn[1] > 0L) {
  n <- dgtn[1]
  d <- dgtn[2]
  set.seed(2)
  s <- list(Y = matrix(rnorm(n * d), n, d), X = matrix(rnorm(n * 2), n, 2),
            kernel = kern_rbf(1, c(1, 1.5)) + kern_bias(0.5), noise = 0.05)
  options(gplvm.threads = threads[1])
  form <- timed(C <- t(chol(tcrossprod(s$Y))))
  r <- max(3L, reps %/% 2L)
  full <- fac <- fl <- numeric(r)
  for (i in seq_len(r)) {
    full[i] <- timed(a <- gplvm:::.loglik_c(s$Y, s$X, s$kernel, s$noise,
                                            TRUE, workspace = ws))
    fac[i] <- timed(b <- gplvm:::.loglik_c(C, s$X, s$kernel, s$noise, TRUE,
                                           ndim = d, workspace = ws))
    fl[i] <- sum(bench_c(list(Y = C, X = s$X, kernel = s$kernel,
                              noise = s$noise), threads[1])[
                                c("floor_potrf", "floor_potri")])
  }
  rel <- max(mapply(function(x, y) max(abs(x - y)) / max(abs(x)), a[1:4],
                    b[1:4]))
  cat("\nD > N: one evaluation on Y (N x D) and on a factor of Y Y' (N x N),",
      "seconds, medians\n")
  print(format(data.frame(N = n, D = d, reps = r, form_factor = form,
                          eval_Y = median(full), eval_factor = median(fac),
                          floor = median(fl),
                          Y_ratio = median(full) / median(fl),
                          factor_ratio = median(fac) / median(fl),
                          max_rel_diff = rel), digits = 3),
        row.names = FALSE)
}
