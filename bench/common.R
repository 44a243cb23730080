# What the time-to-result benchmarks share (bench/time_to_result.R,
# bench/landmarks.R): the data sets, the 80/20 split with z-scored
# columns, the scores (1-NN errors, trustworthiness, held-out RMSE), the
# timer, and the methods gplvm is compared with (PCA, Rtsne, uwot).
#   source("bench/common.R")  (after library(gplvm), Rtsne and uwot loaded)

load_avg <- function() scan("/proc/loadavg", n = 1L, quiet = TRUE)

# The first line of a benchmark's output: the BLAS this process runs on.
print_blas <- function() {
  cat(sprintf("BLAS %s, OPENBLAS_NUM_THREADS %s\n", La_library(),
              Sys.getenv("OPENBLAS_NUM_THREADS")))
}

# A script's key=value arguments over its defaults `opt` (a named list of
# strings); an unknown key or an argument without one "=" is an error.
bench_args <- function(opt, args = commandArgs(trailingOnly = TRUE)) {
  for (a in args) {
    kv <- strsplit(a, "=", fixed = TRUE)[[1L]]
    if (length(kv) != 2L || !kv[1L] %in% names(opt)) stop("bad argument: ", a)
    opt[[kv[1L]]] <- kv[2L]
  }
  opt
}

# The data sets: numeric columns and a class per row.  segmentation and
# spam (session 10) have classes that Rtsne separates far better than PCA:
# the local structure the other sets' labels barely show.
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
    spam = {
      d <- get(utils::data("spam", package = "kernlab", envir = environment()))
      list(Y = as.matrix(d[, -ncol(d)]), class = as.character(d$type))
    },
    segmentation = {
      d <- get(utils::data("segmentationData", package = "caret",
                           envir = environment()))
      list(Y = as.matrix(d[, -(1:3)]), class = as.character(d$Class))
    },
    pima = {
      d <- rbind(MASS::Pima.tr, MASS::Pima.te)
      list(Y = as.matrix(d[, 1:7]), class = as.character(d$type))
    },
    stop("unknown set: ", name))
}

# Set `name` whole, as the start and coarse-to-fine benches fit it: the
# complete rows, columns z-scored; "oil" is the oil flow training data
# (GPLVM_OIL_DIR, default ../shared/data/oil) as the default fit sees it,
# unscaled.  Returns list(Y, class).
whole_set <- function(name) {
  if (name == "oil") {
    dir <- Sys.getenv("GPLVM_OIL_DIR", "../shared/data/oil")
    Y <- as.matrix(read.table(file.path(dir, "DataTrn.txt")))
    lab <- max.col(as.matrix(read.table(file.path(dir, "DataTrnLbls.txt"))))
    return(list(Y = Y, class = lab))
  }
  d <- data_set(name)
  keep <- stats::complete.cases(d$Y)
  list(Y = scale(d$Y[keep, ]), class = d$class[keep])
}

# Set `name` as the perturbed-start benches fit it: oil whole (Zte NULL:
# no held-out rows), the others as split_set() splits them; vbar is
# gplvm()'s mean column variance of the training rows, so that a start
# with noise 0.1 * vbar is the default fit's.
perturbed_set <- function(name) {
  s <- if (name == "oil") {
    w <- whole_set("oil")
    list(Ztr = w$Y, class = w$class, Zte = NULL)
  } else split_set(name)
  Yc <- scale(s$Ztr, scale = FALSE)
  s$vbar <- sum(Yc^2) / length(Yc)
  s
}

# The default 2-D fit of set `s` (perturbed_set()) from the start whose
# noise is k times 0.1% off the default one, with the further gplvm()
# arguments `...`, scored: the cells "evaluations | convergence |
# objective | 1-NN errors | held-out RMSE (NA without held-out rows) |
# time (s) |" of a markdown row.
perturbed_fit_cells <- function(s, k, ...) {
  t0 <- proc.time()[["elapsed"]]
  f <- gplvm(s$Ztr, q = 2, noise = 0.1 * s$vbar * (1 + 0.001 * k), ...)
  tm <- proc.time()[["elapsed"]] - t0
  err <- if (is.null(s$Zte)) NA else gplvm_rmse(f, s$Zte)
  sprintf("%d | %d | %.2f | %d | %.3f | %.1f |", f$optim$evaluations,
          f$optim$convergence, f$objective, nn_errors(f$X, s$class), err,
          tm)
}

# Leave-one-out 1-nearest-neighbour errors of `class` in the rows of X.
nn_errors <- function(X, class) {
  D <- as.matrix(dist(X))
  diag(D) <- Inf
  sum(class[apply(D, 1L, which.min)] != class)
}

# Set `name` split as every method sees it: complete rows, subsampled to
# at most rows_max (0: all), 80% training rows (seeded), columns z-scored
# with the training rows' means and sds.  Returns list(Ztr, Zte, class)
# (class of the training rows).
split_set <- function(name, rows_max = 0L) {
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
  cat(sprintf("%s: %d training rows, %d held out, %d columns, %d classes\n",
              name, length(train), nrow(Y) - length(train), ncol(Z),
              length(unique(class))))
  list(Ztr = Z[train, , drop = FALSE], Zte = Z[-train, , drop = FALSE],
       class = class[train])
}

sqdist <- function(A, B) {
  D <- -2 * tcrossprod(A, B) + rowSums(A^2) +
    rep(rowSums(B^2), each = nrow(A))
  D[D < 0] <- 0
  D
}

# order(d)[1:k] (ties by index) without sorting all of d.
k_nearest <- function(d, k) {
  cand <- which(d <= sort(d, partial = k)[k])
  cand[order(d[cand])][seq_len(k)]
}

# Leave-one-out 1-NN errors of `class` in X and trustworthiness at k of X
# for Y; block by block, so that 20000 rows need no N x N matrix.
neighbourhood_scores <- function(X, Y, class, k = 10L, block = 500L) {
  n <- nrow(X)
  errors <- 0L
  penalty <- 0
  for (from in seq(1L, n, by = block)) {
    rows <- from:min(n, from + block - 1L)
    # one column per row of the block: contiguous in memory
    Dx <- sqdist(X, X[rows, , drop = FALSE])
    Dy <- sqdist(Y, Y[rows, , drop = FALSE])
    for (r in seq_along(rows)) {
      i <- rows[r]
      dx <- Dx[, r]
      dy <- Dy[, r]
      dx[i] <- Inf
      dy[i] <- Inf
      nx <- k_nearest(dx, k)
      errors <- errors + (class[nx[1L]] != class[i])
      ny <- k_nearest(dy, k)
      intruders <- setdiff(nx, ny)
      # data-space rank of each intruder (1 = nearest)
      ranks <- vapply(intruders, function(j) sum(dy < dy[j]) + 1, 0)
      penalty <- penalty + sum(ranks - k)
    }
  }
  list(errors = errors, trust = 1 - 2 / (n * k * (2 * n - 3 * k - 1)) *
                                  penalty)
}

rmse <- function(A, B) sqrt(mean((A - B)^2))

# Runs `expr`, recording wall time, this process's CPU time (user +
# system: on a loaded machine nearer to the unloaded wall time of a
# one-thread run), the load average around it and the warnings it gave
# (a benchmark records them, it does not hide them).
timed <- function(expr) {
  warns <- character()
  l0 <- load_avg()
  t0 <- proc.time()
  value <- withCallingHandlers(expr, warning = function(w) {
    warns <<- c(warns, conditionMessage(w))
    invokeRestart("muffleWarning")
  })
  t1 <- proc.time()
  list(value = value, time = t1[["elapsed"]] - t0[["elapsed"]],
       cpu = sum((t1 - t0)[c("user.self", "sys.self")]),
       load = sprintf("%.1f-%.1f", l0, load_avg()), warnings = warns)
}

# One result row for the embedding X of set `s` (split_set()) by `method`
# after `run` (timed()): scored, printed and returned as a data frame row.
score_row <- function(s, set, blas, method, run, X, evals = NA, conv = NA,
                      rmse = NA) {
  sc <- neighbourhood_scores(X, s$Ztr, s$class)
  cat(sprintf("  %-8s %7.1f s (cpu %.1f s)  evals %5s  conv %2s  errors %4d  trust %.3f  rmse %s  load %s%s\n",
              method, run$time, run$cpu, evals, conv, sc$errors, sc$trust,
              format(rmse, digits = 3), run$load,
              if (length(run$warnings)) paste0("  [", run$warnings[1L], "]")
              else ""))
  data.frame(set = set, n = nrow(s$Ztr), blas = blas, method = method,
             time = run$time, cpu = run$cpu, evals = evals, conv = conv,
             errors = sc$errors, trust = sc$trust, rmse = rmse,
             load = run$load, warnings = length(run$warnings))
}

# PCA of the training rows, with its held-out RMSE (project the held-out
# rows on two components and back).
run_pca <- function(s, set, blas) {
  run <- timed(stats::prcomp(s$Ztr))
  P <- run$value$rotation[, 1:2]
  ctr <- run$value$center
  held <- sweep(sweep(s$Zte, 2L, ctr) %*% P %*% t(P), 2L, ctr, `+`)
  score_row(s, set, blas, "PCA", run, run$value$x[, 1:2],
            rmse = rmse(held, s$Zte))
}

# gplvm's held-out reconstruction RMSE: predict(newdata =) then
# predict(newlatent =).
gplvm_rmse <- function(fit, Zte) {
  rmse(predict(fit, newlatent = predict(fit, newdata = Zte)), Zte)
}

# Rtsne (Barnes-Hut, its defaults; perplexity lowered for small sets) and
# uwot (its defaults), seeded, on `threads` threads.
run_rtsne <- function(s, set, blas, threads) {
  n <- nrow(s$Ztr)
  set.seed(1)
  run <- timed(Rtsne::Rtsne(s$Ztr, dims = 2,
                            perplexity = min(30, floor((n - 1) / 3) - 1),
                            check_duplicates = FALSE,
                            num_threads = threads))
  score_row(s, set, blas, "Rtsne", run, run$value$Y)
}
run_uwot <- function(s, set, blas, threads) {
  set.seed(1)
  run <- timed(uwot::umap(s$Ztr, n_components = 2, n_threads = threads,
                          n_sgd_threads = threads))
  score_row(s, set, blas, "uwot", run, run$value)
}

# The results (rows of score_row()) as a markdown table.
print_table <- function(res) {
  fmt <- function(x, d) ifelse(is.na(x), "", formatC(x, format = "f",
                                                     digits = d))
  cat("\n| set | N train | BLAS | method | time (s) | CPU (s) | evals |",
      "conv | 1-NN errors | trust. k=10 | held-out RMSE | load avg |\n")
  cat("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
  cat(with(res, paste("|", set, "|", n, "|", blas, "|", method, "|",
                      fmt(time, 1), "|", fmt(cpu, 1), "|", ifelse(is.na(evals), "", evals),
                      "|", ifelse(is.na(conv), "", conv), "|", errors, "|",
                      fmt(trust, 3), "|", fmt(rmse, 3), "|", load, "|")),
      sep = "\n")
  cat("\n")
}
