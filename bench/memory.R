# Peak memory of the end of an exact fit and of predict(newdata =), for two
# builds of gplvm (before and after a change).
#
#   Rscript bench/memory.R --before=LIB --after=LIB [--data=DIR] [N ...]
#
# LIB: a library holding an installed gplvm (R CMD INSTALL -l LIB).  N
# (default 1000 4000): rows of data, Q = 2, D = 12: the oil flow training
# data for N = 1000 (DIR, default ../shared/data/oil from the checkout),
# training, validation and test sets recycled with a little noise beyond.
#
# Each build and N runs in a fresh Rscript process (Linux: it resets the
# kernel's peak-RSS counter by writing 5 to /proc/self/clear_refs and reads
# VmHWM from /proc/self/status), in three phases, each reported as the
# peak resident size during the phase minus the resident size at its start:
#   fit      gplvm(Y, maxit = 1): a few evaluations (L-BFGS-B's first
#            iteration, not a converged fit: enough for the evaluations'
#            workspace and the end of the fit, which builds the object),
#   held     resident size after the fit and gc() minus that before the fit
#            (what the fitted object and anything left alive keep),
#   predict  predict(fit, newdata = Y[1:5, ], maxit = 3).
# Figures in MB and in units of one N x N double matrix (8 N^2 bytes).
# One evaluation's own floor is one N x N matrix (the C workspace) plus
# O(N D).

args <- commandArgs(TRUE)
opt <- function(name, default) {
  hit <- grep(sprintf("^--%s=", name), args, value = TRUE)
  if (length(hit)) sub(sprintf("^--%s=", name), "", hit[1L]) else default
}
here <- dirname(normalizePath(sub("^--file=", "",
                                  grep("^--file=", commandArgs(FALSE),
                                       value = TRUE))))
oil_dir <- opt("data", file.path(here, "..", "..", "shared", "data", "oil"))

status_mb <- function(field) {
  line <- grep(sprintf("^%s:", field), readLines("/proc/self/status"),
               value = TRUE)
  as.numeric(strsplit(trimws(sub(".*:", "", line)), " +")[[1L]][1L]) / 1024
}
reset_peak <- function() writeLines("5", "/proc/self/clear_refs")

oil_data <- function(n) {
  files <- file.path(oil_dir, c("DataTrn.txt", "DataVdn.txt", "DataTst.txt"))
  Y <- do.call(rbind, lapply(files, function(f) as.matrix(read.table(f))))
  if (n <= nrow(Y)) return(Y[seq_len(n), ])
  set.seed(1)
  extra <- Y[rep_len(seq_len(nrow(Y)), n - nrow(Y)), ]
  rbind(Y, extra + rnorm(length(extra), sd = 0.01))
}

child <- function(lib, n) {
  library(gplvm, lib.loc = lib)
  Y <- oil_data(n)
  gc()
  rss0 <- status_mb("VmRSS")
  reset_peak()
  fit <- gplvm(Y, maxit = 1)
  fit_peak <- status_mb("VmHWM") - rss0
  gc()
  held <- status_mb("VmRSS") - rss0
  rss1 <- status_mb("VmRSS")
  reset_peak()
  invisible(predict(fit, newdata = Y[1:5, ], maxit = 3))
  pred_peak <- status_mb("VmHWM") - rss1
  cat(fit$optim$evaluations, fit_peak, held, pred_peak, "\n")
}

if (identical(opt("child", ""), "yes")) {
  child(opt("lib", ""), as.integer(opt("n", "1000")))
  quit(save = "no")
}

if (!file.exists("/proc/self/clear_refs")) stop("needs Linux /proc")
libs <- c(before = opt("before", ""), after = opt("after", ""))
if (!all(nzchar(libs))) stop("give --before=LIB and --after=LIB")
ns <- as.integer(grep("^--", args, value = TRUE, invert = TRUE))
if (!length(ns)) ns <- c(1000L, 4000L)

cat(sprintf("R %s, %s, %s\n", getRversion(), La_library(),
            format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC")))
rows <- list()
for (n in ns) {
  nn <- 8 * n^2 / 2^20
  for (b in names(libs)) {
    out <- system2(file.path(R.home("bin"), "Rscript"),
                   c(shQuote(file.path(here, "memory.R")), "--child=yes",
                     paste0("--lib=", libs[[b]]), paste0("--n=", n),
                     paste0("--data=", oil_dir)), stdout = TRUE)
    v <- as.numeric(strsplit(trimws(out[length(out)]), " +")[[1L]])
    rows[[length(rows) + 1L]] <- data.frame(
      N = n, build = b, evals = v[1L],
      fit_MB = round(v[2L]), fit_NxN = round(v[2L] / nn, 1),
      held_MB = round(v[3L]), held_NxN = round(v[3L] / nn, 1),
      predict_MB = round(v[4L]), predict_NxN = round(v[4L] / nn, 1))
  }
}
print(do.call(rbind, rows), row.names = FALSE)
