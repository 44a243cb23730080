# Landmark fits (issue 23, large N): the default sparse model fitted on a
# random subsample of n_sub training rows, the other rows placed by the
# package's projection (predict(fit, newdata =): a joint L-BFGS-B over
# their positions from each row's nearest subsample row), and optionally a
# polish: a full-data sparse fit started from all those positions and the
# subsample fit's kernel and noise.  Beside PCA, Rtsne and uwot in the
# same process, scored as bench/time_to_result.R scores (bench/common.R).
#
#   LD_PRELOAD="<openblas>/libblas.so.3 <openblas>/liblapack.so.3" \
#   OPENBLAS_NUM_THREADS=1 Rscript bench/landmarks.R \
#       [sets=diamonds6500,diamonds20000] [nsub=1000,2000,4000]
#       [m=sub,full] [polish=no|yes] [pm=full,sub] [seeds=1] [baselines=yes]
#       [place=project|nearest] [chunk=200] [out=FILE]
#
# m: sub gives the M that gplvm() chooses for n_sub rows (2 sqrt(n), 50 to
#   300 when these runs were made; sqrt(n) / 2, 64 to 300 since), full
#   the M it chooses for all N training rows.  pm: the polish's
#   M, full (gplvm()'s default model of the full data, inducing inputs the
#   k-means centres of the placed positions) or sub (the subsample fit's
#   M and fitted inducing inputs).
# place: project (predict(), `chunk` rows per call; chunks of 2000 rows
#   took 3 x the time of chunks of 200 for the same errors) or nearest
#   (each row at its nearest subsample row's position).
# Times: "landmark" is the subsample fit plus the placement; "polished"
# adds the polish.  Evaluations: the subsample fit's, and the polish's.
# Held-out RMSE: of the subsample fit (landmark) or of the polished fit.

source(file.path(dirname(sub("^--file=", "", grep("^--file=",
  commandArgs(FALSE), value = TRUE))), "common.R"))  # bench_args(), ...
opt <- list(sets = "diamonds6500,diamonds20000", nsub = "1000,2000,4000",
            m = "sub,full", polish = "no", pm = "full", seeds = "1",
            baselines = "yes", place = "project", chunk = "200",
            out = "")
opt <- bench_args(opt)
library(gplvm)
invisible(lapply(c("Rtsne", "uwot"), loadNamespace))
blas <- if (grepl("openblas", La_library())) {
  paste0("openblas", Sys.getenv("OPENBLAS_NUM_THREADS", "?"))
} else "ref"
cat(sprintf("BLAS %s: %s\n", blas, La_library()))
threads <- 1L

# gplvm()'s M for n rows (R/sparse.R .auto_inducing_count())
auto_m <- function(n) as.integer(min(n, max(50, min(300, round(2 * sqrt(n))))))

# Positions of the rows Y (the subsample's rows: Ysub): by fit's
# projection (predict(), `chunk` rows per call: a joint L-BFGS-B over
# fewer rows converges in fewer iterations; the nearest-row search forms
# a chunk x n_sub matrix), or ("nearest") at the nearest subsample row's.
place <- function(fit, Y, Ysub, how, chunk) {
  if (how == "nearest") {
    return(fit$X[max.col(-sqdist(Y, Ysub), ties.method = "first"), ,
                 drop = FALSE])
  }
  parts <- split(seq_len(nrow(Y)), ceiling(seq_len(nrow(Y)) / chunk))
  do.call(rbind, lapply(parts, function(r) {
    predict(fit, newdata = Y[r, , drop = FALSE])
  }))
}

out <- list()
for (name in strsplit(opt$sets, ",")[[1L]]) {
  s <- split_set(name)
  n <- nrow(s$Ztr)
  if (opt$baselines == "yes") {
    out[[length(out) + 1L]] <- run_pca(s, name, blas)
    out[[length(out) + 1L]] <- run_rtsne(s, name, blas, threads)
    out[[length(out) + 1L]] <- run_uwot(s, name, blas, threads)
  }
  for (n_sub in as.integer(strsplit(opt$nsub, ",")[[1L]])) {
    if (n_sub >= n) next
    for (mk in strsplit(opt$m, ",")[[1L]]) {
      m <- if (mk == "sub") auto_m(n_sub) else auto_m(n)
      for (seed in as.integer(strsplit(opt$seeds, ",")[[1L]])) {
        set.seed(seed)
        sub <- sort(sample(n, n_sub))
        run <- timed({
          fit <- gplvm(s$Ztr[sub, ], q = 2, inducing = m)
          X <- matrix(0, n, 2)
          X[sub, ] <- fit$X
          X[-sub, ] <- place(fit, s$Ztr[-sub, , drop = FALSE],
                             s$Ztr[sub, , drop = FALSE], opt$place,
                             as.integer(opt$chunk))
          list(fit = fit, X = X)
        })
        fit <- run$value$fit
        X <- run$value$X
        label <- sprintf("landmark n=%d M=%d %s s%d", n_sub, m, opt$place,
                         seed)
        cat(sprintf("  (%s: subsample fit %.1f s, placement %.1f s)\n",
                    label, fit$time, run$time - fit$time))
        out[[length(out) + 1L]] <- score_row(
          s, name, blas, label, run, X, evals = fit$optim$evaluations,
          conv = fit$optim$convergence, rmse = gplvm_rmse(fit, s$Zte))
        if (opt$polish != "yes") next
        for (pm in strsplit(opt$pm, ",")[[1L]]) {
          # full: gplvm()'s M for N (k-means of the placed positions);
          # sub: the subsample fit's inducing inputs
          pol <- timed(gplvm(s$Ztr, q = 2, init = X,
                             inducing = if (pm == "full") auto_m(n)
                                        else fit$inducing,
                             kernel = fit$kernel, noise = fit$noise,
                             fixed = fit$fixed))
          pfit <- pol$value
          cat(sprintf("  (polish: objective %.1f, runs %d, subsample fit's %.1f)\n",
                      pfit$objective, pfit$optim$runs, fit$objective))
          pol$time <- pol$time + run$time
          pol$cpu <- pol$cpu + run$cpu
          out[[length(out) + 1L]] <- score_row(
            s, name, blas, sprintf("%s, polished M=%d",
                                   label, nrow(pfit$inducing)), pol, pfit$X,
            evals = pfit$optim$evaluations, conv = pfit$optim$convergence,
            rmse = gplvm_rmse(pfit, s$Zte))
        }
      }
    }
  }
}
res <- do.call(rbind, out)
print_table(res)
if (opt$out != "") write.csv(res, opt$out, row.names = FALSE)
