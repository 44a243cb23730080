# Time to a result (issue 23): gplvm's default fit beside PCA, Rtsne and
# uwot, in one process per BLAS setting, on data sets that R packages ship.
#
#   Rscript bench/time_to_result.R [sets=mpg,midwest,biopsy,diamonds1000]
#       [blas=openblas1,openblas2,ref] [rows=N] [maxit=N] [init=pca]
#       [sparse_above=auto] [inducing=100] [out=FILE]
#
# sets: any of mpg (234 rows), midwest (437), biopsy (683), pima (532),
#   segmentation (caret's segmentationData, 2019), spam (kernlab's, 4601),
#   diamonds1000, diamonds6500, diamonds20000 (ggplot2's diamonds,
#   subsampled, cut as the class).  rows= subsamples every set to at most
#   N rows (a smoke run of the large sets' code path).
# blas: each setting runs in its own child process: "ref" is the machine's
#   reference BLAS, "openblasT" OpenBLAS (pthreads) with T threads, loaded
#   through R_LD_LIBRARY_PATH / LD_LIBRARY_PATH for that process only.
# init: passed to gplvm() as is.  sparse_above=auto: gplvm()'s default
#   (inducing = "auto": the sparse VFE model above 500 rows, 1500 before
#   session 7, with M = 80 up to 6400 rows, 64 from 10000 and sqrt(N) / 2
#   past 16900 since session 8, 64 before); a number: above
#   that many training rows the fit is sparse with `inducing` inducing
#   inputs, below exact.
#
# Per set: columns z-scored with the training rows' means and sds; 80% of
# the rows (seeded) are the training rows every method embeds in 2-D, the
# other 20% are held out.  Reported: wall time, evaluations and
# convergence code (gplvm), leave-one-out 1-NN errors of the class in the
# 2-D embedding, trustworthiness at k = 10 (Venna and Kaski 2001), and for
# gplvm and PCA the held-out reconstruction RMSE (predict(newdata =) then
# predict(newlatent =); PCA: project on two components and back).  The
# load average is read before and after each method: on a shared machine
# the times are inflated, the evaluation counts are not.
# Only the package's public interface is used.

# data sets, split, scores, timer, PCA / Rtsne / uwot, the table, the
# arguments: bench/common.R
this <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
source(file.path(dirname(this), "common.R"))
args <- commandArgs(trailingOnly = TRUE)
opt <- list(sets = "mpg,midwest,biopsy,diamonds1000", blas = "openblas1",
            rows = "0", maxit = "10000", init = "pca", sparse_above = "auto",
            inducing = "100", out = "", child = "")
opt <- bench_args(opt, args)
openblas_dir <- "/usr/lib/x86_64-linux-gnu/openblas-pthread"

# ---- parent: one child process per BLAS setting -------------------------
if (opt$child == "") {
  rows <- list()
  for (b in strsplit(opt$blas, ",")[[1L]]) {
    env <- c(OPENBLAS_NUM_THREADS = "1", OMP_NUM_THREADS = "1")
    if (startsWith(b, "openblas")) {
      threads <- sub("openblas", "", b)
      env <- c(OPENBLAS_NUM_THREADS = threads, OMP_NUM_THREADS = threads,
               R_LD_LIBRARY_PATH = paste(openblas_dir,
                                         Sys.getenv("R_LD_LIBRARY_PATH"),
                                         sep = ":"),
               LD_LIBRARY_PATH = paste(openblas_dir,
                                       Sys.getenv("LD_LIBRARY_PATH"),
                                       sep = ":"))
    } else if (b != "ref") stop("blas must be ref or openblasT: ", b)
    tmp <- tempfile(fileext = ".rds")
    pass <- args[!startsWith(args, "blas=") & !startsWith(args, "out=")]
    status <- system2("env", c(paste0(names(env), "=", env), "Rscript",
                               this, pass, paste0("child=", b),
                               paste0("out=", tmp)))
    if (status != 0L || !file.exists(tmp)) stop("child ", b, " failed")
    rows[[b]] <- readRDS(tmp)
  }
  res <- do.call(rbind, rows)
  print_table(res)
  if (opt$out != "") write.csv(res, opt$out, row.names = FALSE)
  quit(save = "no")
}

# ---- child: the measurements on one BLAS --------------------------------
library(gplvm)
# loaded before any timing, so that no method's time includes loading
invisible(lapply(c("Rtsne", "uwot"), loadNamespace))
maxit <- as.integer(opt$maxit)
rows_max <- as.integer(opt$rows)
threads <- if (startsWith(opt$child, "openblas"))
  as.integer(sub("openblas", "", opt$child)) else 1L
cat(sprintf("BLAS %s: %s\n", opt$child, La_library()))
out <- list()
for (name in strsplit(opt$sets, ",")[[1L]]) {
  s <- split_set(name, rows_max)
  n <- nrow(s$Ztr)
  out[[length(out) + 1L]] <- run_pca(s, name, opt$child)
  # gplvm, the default fit (or sparse above sparse_above rows)
  run <- if (opt$sparse_above == "auto") {
    timed(gplvm(s$Ztr, q = 2, init = opt$init, maxit = maxit))
  } else {
    sparse <- n > as.integer(opt$sparse_above)
    timed(gplvm(s$Ztr, q = 2, init = opt$init, maxit = maxit,
                inducing = if (sparse) as.integer(opt$inducing) else NULL))
  }
  fit <- run$value
  out[[length(out) + 1L]] <- score_row(
    s, name, opt$child, if (!is.null(fit$inducing))
      sprintf("gplvm M=%d", nrow(fit$inducing)) else "gplvm", run, fit$X,
    evals = fit$optim$evaluations, conv = fit$optim$convergence,
    rmse = gplvm_rmse(fit, s$Zte))
  out[[length(out) + 1L]] <- run_rtsne(s, name, opt$child, threads)
  out[[length(out) + 1L]] <- run_uwot(s, name, opt$child, threads)
}
saveRDS(do.call(rbind, out), opt$out)
