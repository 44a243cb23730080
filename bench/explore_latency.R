# gplvm_explore(): the latency of one update (issue 26), at N = 1000 (exact
# fit) and N = 10000 (sparse fit, M = 100 inducing inputs).
#
# Data: a noisy 2-D sheet (t1, t2 uniform on [-1, 1]) mapped into 12
# dimensions by sin(T W + b), noise sd 0.1.  Each fit runs at most 300
# iterations (its convergence code is printed: the latency does not depend
# on it).
#
# Reported, as medians over repeats (server: 5 batches of 50 calls):
# 1. server: the R work of one update, what the app does when the pointer
#    moves: predict(fit, newlatent = x, se.fit = TRUE) at one point, the k = 5
#    nearest training rows, and the default chart drawn to a 600 x 360 PNG;
#    each part separately, 50 random points;
# 2. latent plot: the first drawing of plot(fit) (with its precision
#    shading; once) and the replay that a pin or path change costs instead;
# 3. browser: in headless Chromium, the time from the mousemove event on the
#    latent plot to the new numbers in the readout and to the new chart
#    image loaded, 25 moves to random points (this includes Shiny's hover
#    throttle of 40 ms and the websocket round trip on this machine).
#
# Run from the package root after installing the package (and
# tools/explore-deps.sh):
#   Rscript bench/explore_latency.R
# and per process on OpenBLAS:
#   R_LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread:/usr/lib/R/lib:/usr/lib/x86_64-linux-gnu \
#     OPENBLAS_NUM_THREADS=1 Rscript bench/explore_latency.R
# EXPLORE_FITS=dir keeps the two fits in dir and reads them from there on
# later runs.
# Output: bench/results/explore-latency-{ref,openblas}.txt
library(gplvm)
source("tests/testthat/helper-explore.R")
cat("BLAS:", extSoftVersion()[["BLAS"]], "\nLAPACK:", La_library(), "\n",
    format(Sys.time()), "\n")
cat("load average:", readLines("/proc/loadavg"), "\n\n")

sheet <- function(n, d = 12, sd = 0.1) {
  set.seed(n)
  T <- matrix(stats::runif(2 * n, -1, 1), n)
  W <- matrix(stats::rnorm(2 * d, sd = 1.5), 2)
  sin(T %*% W + rep(stats::runif(d, 0, 2 * pi), each = n)) +
    matrix(stats::rnorm(n * d, sd = sd), n)
}

# Median over 5 batches of the time per call, in ms: each batch calls
# expr_fun(i) for i in 1..reps (the clock ticks in ms).
ms <- function(expr_fun, reps) {
  t <- vapply(1:5, function(b) {
    t0 <- proc.time()[["elapsed"]]
    for (i in seq_len(reps)) expr_fun(i)
    (proc.time()[["elapsed"]] - t0) / reps
  }, 0)
  1000 * stats::median(t)
}

server_times <- function(fit, reps = 50L) {
  s <- gplvm:::.explore_state(fit)
  set.seed(3)
  P <- lapply(seq_len(reps), function(i) {
    gplvm:::.explore_point(s, s$dims, stats::runif(1, -1, 1), stats::runif(1, -1, 1))
  })
  gens <- lapply(P, s$predict)
  png_file <- tempfile(fileext = ".png")
  draw <- function(i) {
    grDevices::png(png_file, width = 600, height = 360)
    g <- gens[[i]]
    gplvm:::.explore_show(NULL, g$y, g$se, s$Y[gplvm:::.explore_nearest(s, g$x, 5L)[1L], ])
    grDevices::dev.off()
  }
  c(predict = ms(function(i) s$predict(P[[i]]), reps),
    nearest = ms(function(i) gplvm:::.explore_nearest(s, P[[i]], 5L), reps),
    chart = ms(draw, reps))
}

plot_times <- function(fit) {
  s <- gplvm:::.explore_state(fit)
  png_file <- tempfile(fileext = ".png")
  painter <- gplvm:::.latent_painter(fit, NULL, "", list())
  one <- function(i) {
    grDevices::png(png_file, width = 600, height = 460)
    painter(s$dims, 600, 460)
    grDevices::dev.off()
  }
  t0 <- proc.time()[["elapsed"]]
  one(1L)
  c(first = 1000 * (proc.time()[["elapsed"]] - t0), replay = ms(one, 2L))
}

browser_times <- function(fit, moves = 25L) {
  app <- explore_serve(fit)
  on.exit(app$proc$kill())
  b <- explore_browser(app$url)
  on.exit(b$close(), add = TRUE)
  explore_js(b, paste0(
    "window.__lat = {};",
    "document.addEventListener('mousemove', function(e) {",
    " if (e.target.closest('#latent') && window.__lat.move === null)",
    " window.__lat.move = performance.now(); }, true);",
    "new MutationObserver(function() { if (window.__lat.text === null)",
    " window.__lat.text = performance.now(); }).observe(",
    "document.getElementById('readout'), {childList: true, subtree: true});",
    "new MutationObserver(function() {",
    " var i = document.querySelector('#generated img');",
    " if (!i || window.__lat.img !== null || window.__lat.move === null ||",
    " i.src === window.__lat.src) return; var done = function() { if (window.__lat.img === null)",
    " window.__lat.img = performance.now(); };",
    " if (i.complete) done(); else i.addEventListener('load', done);",
    "}).observe(document.getElementById('generated'),",
    " {childList: true, subtree: true, attributes: true}); true"))
  set.seed(4)
  out <- matrix(NA_real_, moves, 2L, dimnames = list(NULL, c("text", "img")))
  for (i in seq_len(moves)) {
    # the chart from the previous move must have arrived first
    Sys.sleep(0.3)
    explore_js(b, paste("window.__lat = {move: null, text: null, img: null,",
                        "src: document.querySelector('#generated img').src};",
                        "true"))
    p <- explore_image_point(b, stats::runif(1, 0.15, 0.6),
                             stats::runif(1, 0.15, 0.8))
    b$Input$dispatchMouseEvent(type = "mouseMoved", x = p[["x"]],
                               y = p[["y"]])
    ok <- tryCatch(explore_wait(b, paste("window.__lat.text !== null &&",
                                         "window.__lat.img !== null")),
                   error = function(e) FALSE)
    lat <- explore_js(b, "window.__lat")
    if (isFALSE(ok)) {
      cat(sprintf("  (move %d not measured: no update in 20 s)\n", i))
      next
    }
    out[i, ] <- c(lat$text - lat$move, lat$img - lat$move)
  }
  c(apply(out, 2L, stats::median, na.rm = TRUE),
    measured = sum(!is.na(out[, 1L])))
}

# EXPLORE_FITS=dir keeps the fits there between runs
cache <- Sys.getenv("EXPLORE_FITS")
fits <- list()
cat("fits (at most 300 iterations):\n")
for (cfg in list(list(n = 1000L, m = NULL), list(n = 10000L, m = 100L))) {
  keep <- file.path(cache, sprintf("explore-fit-%d.rds", cfg$n))
  if (nzchar(cache) && file.exists(keep)) {
    fits[[as.character(cfg$n)]] <- fit <- readRDS(keep)
    cat(sprintf("  N = %5d: read from %s, convergence %d\n", cfg$n, keep,
                fit$optim$convergence))
    next
  }
  Y <- sheet(cfg$n)
  set.seed(1)
  t0 <- proc.time()[["elapsed"]]
  fit <- withCallingHandlers(
    gplvm(Y, inducing = cfg$m, maxit = 300L),
    warning = function(w) {
      cat("  warning:", conditionMessage(w), "\n")
      invokeRestart("muffleWarning")
    })
  cat(sprintf("  N = %5d, %-13s %5.1f s, convergence %d\n", cfg$n,
              if (is.null(cfg$m)) "exact," else sprintf("sparse M=%d,", cfg$m),
              proc.time()[["elapsed"]] - t0, fit$optim$convergence))
  fits[[as.character(cfg$n)]] <- fit
  if (nzchar(cache)) saveRDS(fit, keep)
}

cat("\nmedian milliseconds per update\n")
cat(sprintf("%7s %-7s %8s %8s %8s %8s %10s %9s %9s %9s %6s\n", "N", "fit",
            "predict", "nearest", "chart", "server", "plot first",
            "replay", "browser:", "chart", "moves"))
cat(sprintf("%7s %-7s %8s %8s %8s %8s %10s %9s %9s %9s %6s\n", "", "", "",
            "", "", "(sum)", "", "", "numbers", "image", ""))
for (n in names(fits)) {
  fit <- fits[[n]]
  s <- server_times(fit)
  p <- plot_times(fit)
  br <- browser_times(fit)
  cat(sprintf(
    "%7s %-7s %8.2f %8.2f %8.2f %8.2f %10.0f %9.0f %9.0f %9.0f %6d\n",
    n, if (is.null(fit$inducing)) "exact" else "sparse", s[["predict"]],
    s[["nearest"]], s[["chart"]], sum(s), p[["first"]], p[["replay"]],
    br[["text"]], br[["img"]], as.integer(br[["measured"]])))
}
