# Time to a result (issue 23): gplvm's default fit beside PCA, Rtsne and
# uwot, in one process per BLAS setting, on data sets that R packages ship.
#
#   Rscript bench/time_to_result.R [sets=mpg,midwest,biopsy,diamonds1000]
#       [blas=openblas1,openblas2,ref] [rows=N] [maxit=N] [init=pca]
#       [sparse_above=auto] [inducing=100] [out=FILE]
#
# sets: any of mpg (234 rows), midwest (437), biopsy (683), pima (532),
#   diamonds1000, diamonds6500, diamonds20000 (ggplot2's diamonds,
#   subsampled, cut as the class).  rows= subsamples every set to at most
#   N rows (a smoke run of the large sets' code path).
# blas: each setting runs in its own child process: "ref" is the machine's
#   reference BLAS, "openblasT" OpenBLAS (pthreads) with T threads, loaded
#   through R_LD_LIBRARY_PATH / LD_LIBRARY_PATH for that process only.
# init: passed to gplvm() as is.  sparse_above=auto: gplvm()'s default
#   (inducing = "auto": the sparse VFE model above 1500 rows, with M =
#   2 sqrt(N) between 50 and 300); a number: above that many training
#   rows the fit is sparse with `inducing` inducing inputs, below exact.
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

args <- commandArgs(trailingOnly = TRUE)
opt <- list(sets = "mpg,midwest,biopsy,diamonds1000", blas = "openblas1",
            rows = "0", maxit = "10000", init = "pca", sparse_above = "auto",
            inducing = "100", out = "", child = "")
for (a in args) {
  kv <- strsplit(a, "=", fixed = TRUE)[[1L]]
  if (length(kv) != 2L || !kv[1L] %in% names(opt)) stop("bad argument: ", a)
  opt[[kv[1L]]] <- kv[2L]
}
openblas_dir <- "/usr/lib/x86_64-linux-gnu/openblas-pthread"

# ---- parent: one child process per BLAS setting -------------------------
if (opt$child == "") {
  this <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE),
                                   value = TRUE))
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
  cat("\n")
  fmt <- function(x, d) ifelse(is.na(x), "", formatC(x, format = "f",
                                                     digits = d))
  md <- with(res, paste("|", set, "|", n, "|", blas, "|", method, "|",
                        fmt(time, 1), "|", ifelse(is.na(evals), "", evals),
                        "|", ifelse(is.na(conv), "", conv), "|", errors,
                        "|", fmt(trust, 3), "|", fmt(rmse, 3), "|",
                        load, "|"))
  cat("| set | N train | BLAS | method | time (s) | evals | conv |",
      "1-NN errors | trust. k=10 | held-out RMSE | load avg |\n")
  cat("|---|---|---|---|---|---|---|---|---|---|---|\n")
  cat(md, sep = "\n")
  cat("\n")
  if (opt$out != "") write.csv(res, opt$out, row.names = FALSE)
  quit(save = "no")
}

# ---- child: the measurements on one BLAS --------------------------------
library(gplvm)
# loaded before any timing, so that no method's time includes loading
invisible(lapply(c("Rtsne", "uwot"), loadNamespace))
load_avg <- function() scan("/proc/loadavg", n = 1L, quiet = TRUE)

# The data sets: numeric columns and a class per row.
data_set <- function(name) {
  if (startsWith(name, "diamonds")) {
    d <- ggplot2::diamonds
    n <- as.integer(sub("diamonds", "", name))
    set.seed(23)
    d <- d[sort(sample(nrow(d), n)), ]
    return(list(Y = as.matrix(d[, c("carat", "depth", "table", "price",
                                     "x", "y", "z")]),
                class = as.character(d$cut)))
  }
  switch(name,
    mpg = {
      d <- ggplot2::mpg
      list(Y = as.matrix(d[, c("displ", "year", "cyl", "cty", "hwy")]),
           class = d$class)
    },
    midwest = {
      d <- ggplot2::midwest
      cols <- c("popdensity", grep("^perc", names(d), value = TRUE))
      list(Y = as.matrix(d[, cols]), class = d$state)
    },
    biopsy = {
      d <- stats::na.omit(MASS::biopsy)
      list(Y = as.matrix(d[, paste0("V", 1:9)]), class = as.character(d$class))
    },
    pima = {
      d <- rbind(MASS::Pima.tr, MASS::Pima.te)
      list(Y = as.matrix(d[, 1:7]), class = as.character(d$type))
    },
    stop("unknown set: ", name))
}

sqdist <- function(A, B) {
  pmax(outer(rowSums(A^2), rowSums(B^2), `+`) - 2 * tcrossprod(A, B), 0)
}

# Leave-one-out 1-NN errors of `class` in X and trustworthiness at k of X
# for Y; block by block, so that 20000 rows need no N x N matrix.
neighbourhood_scores <- function(X, Y, class, k = 10L, block = 500L) {
  n <- nrow(X)
  errors <- 0L
  penalty <- 0
  for (from in seq(1L, n, by = block)) {
    rows <- from:min(n, from + block - 1L)
    Dx <- sqdist(X[rows, , drop = FALSE], X)
    Dy <- sqdist(Y[rows, , drop = FALSE], Y)
    for (r in seq_along(rows)) {
      i <- rows[r]
      Dx[r, i] <- Inf
      Dy[r, i] <- Inf
      nx <- order(Dx[r, ])[seq_len(k)]
      errors <- errors + (class[nx[1L]] != class[i])
      ny <- order(Dy[r, ])[seq_len(k)]
      intruders <- setdiff(nx, ny)
      # data-space rank of each intruder (1 = nearest)
      ranks <- vapply(intruders, function(j) sum(Dy[r, ] < Dy[r, j]) + 1, 0)
      penalty <- penalty + sum(ranks - k)
    }
  }
  list(errors = errors, trust = 1 - 2 / (n * k * (2 * n - 3 * k - 1)) *
                                  penalty)
}

rmse <- function(A, B) sqrt(mean((A - B)^2))

# Runs `expr`, recording wall time, the load average around it and the
# warnings it gave (a benchmark records them, it does not hide them).
timed <- function(expr) {
  warns <- character()
  l0 <- load_avg()
  t0 <- proc.time()[["elapsed"]]
  value <- withCallingHandlers(expr, warning = function(w) {
    warns <<- c(warns, conditionMessage(w))
    invokeRestart("muffleWarning")
  })
  list(value = value, time = proc.time()[["elapsed"]] - t0,
       load = sprintf("%.1f-%.1f", l0, load_avg()), warnings = warns)
}

maxit <- as.integer(opt$maxit)
rows_max <- as.integer(opt$rows)
threads <- if (startsWith(opt$child, "openblas"))
  as.integer(sub("openblas", "", opt$child)) else 1L
cat(sprintf("BLAS %s: %s\n", opt$child, La_library()))
out <- list()
for (name in strsplit(opt$sets, ",")[[1L]]) {
  d <- data_set(name)
  keep <- stats::complete.cases(d$Y)
  Y <- d$Y[keep, , drop = FALSE]
  class <- d$class[keep]
  set.seed(1)
  if (rows_max > 0L && nrow(Y) > rows_max) {
    s <- sort(sample(nrow(Y), rows_max))
    Y <- Y[s, , drop = FALSE]
    class <- class[s]
  }
  train <- sort(sample(nrow(Y), round(0.8 * nrow(Y))))
  mu <- colMeans(Y[train, ])
  sds <- apply(Y[train, ], 2L, stats::sd)
  Z <- sweep(sweep(Y, 2L, mu), 2L, sds, `/`)
  Ztr <- Z[train, , drop = FALSE]
  Zte <- Z[-train, , drop = FALSE]
  cl <- class[train]
  n <- nrow(Ztr)
  cat(sprintf("%s: %d training rows, %d held out, %d columns, %d classes\n",
              name, n, nrow(Zte), ncol(Z), length(unique(class))))
  row <- function(method, run, evals = NA, conv = NA, X, rmse = NA) {
    s <- neighbourhood_scores(X, Ztr, cl)
    cat(sprintf("  %-8s %7.1f s  evals %5s  conv %2s  errors %4d  trust %.3f  rmse %s  load %s%s\n",
                method, run$time, evals, conv, s$errors, s$trust,
                format(rmse, digits = 3), run$load,
                if (length(run$warnings)) paste0("  [", run$warnings[1L], "]")
                else ""))
    data.frame(set = name, n = n, blas = opt$child, method = method,
               time = run$time, evals = evals, conv = conv,
               errors = s$errors, trust = s$trust, rmse = rmse,
               load = run$load, warnings = length(run$warnings))
  }
  # PCA
  run <- timed(stats::prcomp(Ztr))
  P <- run$value$rotation[, 1:2]
  pca_rmse <- rmse(sweep(sweep(Zte, 2L, run$value$center) %*% P %*% t(P),
                         2L, run$value$center, `+`), Zte)
  out[[length(out) + 1L]] <- row("PCA", run, X = run$value$x[, 1:2],
                                 rmse = pca_rmse)
  # gplvm, the default fit (or sparse above sparse_above rows)
  run <- if (opt$sparse_above == "auto") {
    timed(gplvm(Ztr, q = 2, init = opt$init, maxit = maxit))
  } else {
    sparse <- n > as.integer(opt$sparse_above)
    timed(gplvm(Ztr, q = 2, init = opt$init, maxit = maxit,
                inducing = if (sparse) as.integer(opt$inducing) else NULL))
  }
  fit <- run$value
  held <- timed(predict(fit, newlatent = predict(fit, newdata = Zte)))
  out[[length(out) + 1L]] <- row(if (!is.null(fit$inducing))
                                   sprintf("gplvm M=%d", nrow(fit$inducing))
                                 else "gplvm", run,
                                 evals = fit$optim$evaluations,
                                 conv = fit$optim$convergence, X = fit$X,
                                 rmse = rmse(held$value, Zte))
  # Rtsne (Barnes-Hut, its defaults; perplexity lowered for small sets)
  set.seed(1)
  run <- timed(Rtsne::Rtsne(Ztr, dims = 2,
                            perplexity = min(30, floor((n - 1) / 3) - 1),
                            check_duplicates = FALSE,
                            num_threads = threads))
  out[[length(out) + 1L]] <- row("Rtsne", run, X = run$value$Y)
  # uwot (its defaults)
  set.seed(1)
  run <- timed(uwot::umap(Ztr, n_components = 2, n_threads = threads,
                          n_sgd_threads = threads))
  out[[length(out) + 1L]] <- row("uwot", run, X = run$value)
}
saveRDS(do.call(rbind, out), opt$out)
