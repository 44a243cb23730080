# Stochastic minibatch training of the sparse GP-LVM (gplvm(..., batch_size,
# epochs)); results and the commands that produced them: bench/minibatch.md.
#
#   Rscript bench/minibatch.R big [N] [epochs] [batch_size] [M]
#     generated data, N rows (default 1e6) by D = 12, q = 2, M = 100
#     inducing inputs: time per epoch and in total, memory (R's gc() "max
#     used"; run under /usr/bin/time -v for the process's peak resident
#     size), and the quality of the latent recovery on 2000 random rows
#     (see `quality` below), for the PCA start and the fit.
#   Rscript bench/minibatch.R stop [epochs] [repeats]
#     the stopping rule: on iris (scaled), 2000 rows of ggplot2::diamonds
#     (its 7 numeric columns, scaled) and 5000 rows of the generated data
#     of "big", for seeds 1..repeats (default 3): the minibatch fit (at
#     most `epochs`, default 1000) against the full-batch sparse fit with
#     the same M: convergence code, epochs and runs to stop, the exact
#     objective of both and their relative gap, the gap to the minibatch
#     fit continued by full-batch fitting (own_gap: what the stochastic
#     steps left of the optimum they reached), the work in passes over
#     the data (full batch: evaluations; minibatch: steps x B / N plus the
#     exact passes) and the wall-time ratio, measured in one process.
#   Rscript bench/minibatch.R warm [repeats]
#     minibatch training as the warm start of the full-batch fit (what
#     gplvm(..., batch_size) does since issue 23): on the sets of "stop"
#     (seeds 1..repeats, default 3), the full-batch sparse fit from the
#     default start against minibatch-then-full-batch with the default
#     epochs (200) and with epochs = 2000 (the minibatch stage runs until
#     it stalls): total wall time, the minibatch stage's epochs, passes
#     (steps x B / N + exact passes) and time, the full-batch evaluations,
#     the final objective, the convergence code, and the relative gain of
#     a fresh full-batch fit from the end (gplvm(Y, init = fit)), which a
#     converged fit keeps below 10 x reltol (1e-5), all in one process.
#   Rscript bench/minibatch.R oil [epochs] [batch_size] [M] [nofull]
#     the oil flow training data (GPLVM_OIL_DIR, default ../shared/data/oil)
#     by minibatches (seeds 1 to 3) against the full-batch sparse fit
#     gplvm(Y, 2, inducing = M) (its default optimiser run to convergence;
#     skipped with "nofull"): leave-one-out 1-NN errors in the latent
#     space, bound, time.
# Since issue 23 a minibatch fit continues with the full-batch stage;
# "big", "stop" and "oil" measure the minibatch stage alone, so they give
# maxit = 1 (the fit then ends after a few full-batch evaluations, not
# converged, with a warning) and read the stage's record (fit$minibatch).
# Run from the package root with the package installed (R_LIBS).
library(gplvm)

args <- commandArgs(trailingOnly = TRUE)
what <- if (length(args)) args[[1L]] else "oil"
num <- function(i, default) {
  if (length(args) >= i) as.numeric(args[[i]]) else default
}
cat(sprintf("%s; BLAS: %s; %s\n", R.version.string, extSoftVersion()[["BLAS"]],
            format(Sys.time(), tz = "UTC", usetz = TRUE)))
cat("load average at start:", readLines("/proc/loadavg"), "\n")

timed <- function(expr) {
  start <- proc.time()[["elapsed"]]
  value <- expr
  list(value = value, wall = proc.time()[["elapsed"]] - start)
}

report_fit <- function(fit, wall) {
  mb <- fit$minibatch
  if (!is.null(mb)) {
    cat(sprintf(paste("minibatch: %d epochs of %d rows, %d steps;",
                      "time per epoch median %.1f s (range %.1f-%.1f);",
                      "training %.1f s, whole call %.1f s\n"),
                mb$epochs, mb$batch_size, mb$steps,
                stats::median(mb$epoch_time), min(mb$epoch_time),
                max(mb$epoch_time), mb$time, wall))
    cat("mean minibatch bound per epoch:",
        format(mb$bound, digits = 6), "\n")
  } else {
    cat(sprintf("full batch: %d evaluations, convergence %d, %.1f s\n",
                fit$optim$evaluations, fit$optim$convergence, wall))
  }
  cat(sprintf("bound %.6g (start %.6g), noise %.4g, kernel %s\n",
              fit$loglik, fit$loglik_init, fit$noise, format(fit$kernel)))
}

# a curved 2-D sheet in 12 dimensions: the latent truth t on a square,
# mapped through sines, cosines and a product, plus noise (sd 0.1)
sheet <- function(n) {
  t <- matrix(stats::runif(2 * n, -1.2, 1.2), n, 2)
  W <- matrix(stats::rnorm(5 * 12), 5, 12)
  Y <- cbind(sin(2 * t[, 1]), cos(2 * t[, 1]), sin(2 * t[, 2]),
             cos(2 * t[, 2]), t[, 1] * t[, 2]) %*% W
  list(Y = Y + stats::rnorm(length(Y), sd = 0.1), t = t)
}

if (what == "big") {
  n <- num(2L, 1e6)
  epochs <- num(3L, 10)
  batch <- num(4L, 1000)
  m <- num(5L, 100)
  set.seed(1)
  dat <- sheet(n)
  Y <- dat$Y
  t <- dat$t
  cat(sprintf("data: N = %d, D = %d, %.0f MB; batch_size %d, epochs %d, M %d\n",
              nrow(Y), ncol(Y), object.size(Y) / 2^20, batch, epochs, m))
  invisible(gc(reset = TRUE))
  r <- timed(gplvm(Y, 2, inducing = m, batch_size = batch, epochs = epochs,
                   maxit = 1,
                   trace = 1))
  g <- gc()
  fit <- r$value
  report_fit(fit, r$wall)
  cat(sprintf("R heap max used during the fit (gc, Ncells + Vcells): %.0f MB\n",
              sum(g[, ncol(g)])))
  # quality on 2000 random rows: the Spearman correlation of pairwise
  # distances (latent against truth), and the share of each row's 10
  # nearest neighbours in the truth that are among its 10 nearest in the
  # latent space
  quality <- function(X, idx) {
    dt <- as.matrix(dist(t[idx, ]))
    dx <- as.matrix(dist(X[idx, ]))
    nn <- function(D) {
      diag(D) <- Inf
      t(apply(D, 1L, function(d) order(d)[1:10]))
    }
    a <- nn(dt)
    b <- nn(dx)
    c(distance_spearman = stats::cor(dt[upper.tri(dt)], dx[upper.tri(dx)],
                                     method = "spearman"),
      knn10_shared = mean(vapply(seq_len(nrow(a)), function(i)
        length(intersect(a[i, ], b[i, ])) / 10, 0)))
  }
  set.seed(2)
  idx <- sample.int(n, 2000L)
  tab <- rbind(pca_start = quality(fit$X_init, idx),
               minibatch = quality(fit$X, idx))
  print(round(tab, 3))
} else if (what %in% c("stop", "warm")) {
  epochs <- num(2L, 1000)
  reps <- num(if (what == "warm") 2L else 3L, 3)
  set.seed(0)
  dia <- as.matrix(ggplot2::diamonds[sample.int(nrow(ggplot2::diamonds),
                                                2000L),
                                     c("carat", "depth", "table", "price",
                                       "x", "y", "z")])
  sets <- list(
    iris = list(Y = as.matrix(iris[, 1:4]), m = 10, batch = 50),
    diamonds2000 = list(Y = dia, m = 30, batch = 200),
    sheet5000 = list(Y = sheet(5000)$Y, m = 30, batch = 500))
  rows <- list()
  if (what == "warm") {
    for (nm in names(sets)) {
      d <- sets[[nm]]
      n <- nrow(d$Y)
      for (s in seq_len(reps)) {
        for (kind in c("full", "mb200", "mb2000")) {
          set.seed(s)
          r <- timed(if (kind == "full") {
            gplvm(d$Y, 2, scale = TRUE, inducing = d$m)
          } else {
            gplvm(d$Y, 2, scale = TRUE, inducing = d$m, batch_size = d$batch,
                  epochs = if (kind == "mb200") 200 else 2000)
          })
          f <- r$value
          mb <- f$minibatch
          cont <- gplvm(d$Y, init = f)
          rows[[length(rows) + 1L]] <- data.frame(
            data = nm, seed = s, fit = kind, time = r$wall,
            mb_epochs = if (is.null(mb)) 0L else mb$epochs,
            mb_stalled = !is.null(mb) && mb$convergence == 0L,
            mb_passes = if (is.null(mb)) 0 else mb$steps * d$batch / n + mb$passes,
            mb_time = if (is.null(mb)) 0 else mb$time,
            mb_objective = if (is.null(mb)) NA else max(mb$objective),
            full_evals = f$optim$evaluations, objective = f$objective,
            conv = f$optim$convergence,
            cont_gain = (cont$objective - f$objective) / abs(f$objective))
          print(rows[[length(rows)]], digits = 6, row.names = FALSE)
        }
      }
    }
    tab <- do.call(rbind, rows)
    # ratios to the full-batch fit of the same set and seed
    base <- tab[tab$fit == "full", c("data", "seed", "time", "full_evals",
                                     "objective")]
    names(base)[3:5] <- c("time_full", "evals_full", "objective_full")
    tab <- merge(tab, base, by = c("data", "seed"))
    tab$time_ratio <- tab$time / tab$time_full
    tab$evals_ratio <- tab$full_evals / tab$evals_full
    cat("\nmedians over the seeds (ratios to the full-batch fit of the same",
        "seed):\n")
    med <- aggregate(cbind(time, time_ratio, mb_epochs, mb_passes, mb_time,
                           full_evals, evals_ratio, objective,
                           objective_full, conv, cont_gain) ~ data + fit,
                     data = tab, FUN = stats::median)
    print(med, digits = 4, row.names = FALSE)
    cat("load average at end:", readLines("/proc/loadavg"), "\n")
    quit(save = "no")
  }
  for (nm in names(sets)) {
    d <- sets[[nm]]
    n <- nrow(d$Y)
    for (s in seq_len(reps)) {
      set.seed(s)
      full <- timed(gplvm(d$Y, 2, scale = TRUE, inducing = d$m))
      set.seed(s)
      mb <- timed(gplvm(d$Y, 2, scale = TRUE, inducing = d$m,
                        batch_size = d$batch, epochs = epochs, maxit = 1))
      # the minibatch fit continued by full-batch fitting: the optimum
      # it is near, which tells the noise ball (own_gap) from a
      # different local optimum (rel_gap - own_gap)
      cont <- gplvm(d$Y, init = mb$value)
      f <- full$value
      b <- mb$value
      rows[[length(rows) + 1L]] <- data.frame(
        data = nm, seed = s, N = n, M = d$m, B = d$batch,
        conv = b$minibatch$convergence, epochs = b$minibatch$epochs,
        runs = b$minibatch$runs, objective_mb = max(b$minibatch$objective),
        objective_full = f$objective, full_conv = f$optim$convergence,
        rel_gap = (f$objective - max(b$minibatch$objective)) /
          abs(f$objective),
        own_gap = (cont$objective - max(b$minibatch$objective)) /
          abs(cont$objective),
        cont_evals = cont$optim$evaluations,
        passes_full = f$optim$evaluations,
        passes_mb = b$minibatch$steps * d$batch / n + b$minibatch$passes,
        time_full = full$wall, time_mb = mb$wall,
        time_ratio = mb$wall / full$wall)
      print(rows[[length(rows)]], digits = 5, row.names = FALSE)
    }
  }
  tab <- do.call(rbind, rows)
  cat("\nmedians over the seeds:\n")
  med <- aggregate(cbind(conv, epochs, runs, objective_mb, objective_full,
                         rel_gap, own_gap, cont_evals, passes_full,
                         passes_mb, time_ratio) ~ data,
                   data = tab, FUN = stats::median)
  print(med, digits = 4, row.names = FALSE)
} else if (what == "oil") {
  epochs <- num(2L, 200)
  batch <- num(3L, 100)
  m <- num(4L, 100)
  dir <- Sys.getenv("GPLVM_OIL_DIR", "../shared/data/oil")
  Y <- as.matrix(utils::read.table(file.path(dir, "DataTrn.txt")))
  labels <- max.col(as.matrix(utils::read.table(file.path(dir,
                                                        "DataTrnLbls.txt"))))
  nn_errors <- function(X) {
    D <- as.matrix(dist(X))
    diag(D) <- Inf
    sum(labels[apply(D, 1L, which.min)] != labels)
  }
  cat(sprintf("oil: %d x %d; PCA: %d leave-one-out 1-NN errors\n", nrow(Y),
              ncol(Y), nn_errors(stats::prcomp(Y)$x[, 1:2])))
  if (!identical(args[5L], "nofull")) {
    set.seed(1)
    full <- timed(gplvm(Y, 2, inducing = m))
    cat(sprintf("\nfull-batch sparse fit, M = %d: %d 1-NN errors\n", m,
                nn_errors(full$value$X)))
    report_fit(full$value, full$wall)
  }
  for (s in 1:3) {
    set.seed(s)
    mb <- timed(gplvm(Y, 2, inducing = m, batch_size = batch,
                      epochs = epochs, maxit = 1))
    cat(sprintf("\nminibatch fit (seed %d), M = %d: %d 1-NN errors\n", s, m,
                nn_errors(mb$value$X)))
    report_fit(mb$value, mb$wall)
  }
} else {
  stop("first argument: \"big\", \"stop\", \"warm\" or \"oil\"")
}
cat("load average at end:", readLines("/proc/loadavg"), "\n")
