# Fixtures for test-explore.R and test-explore-browser.R: one small
# converged fit of each kind, and a headless Chromium driving the app
# (gplvm_explore()) served by a background R process.

explore_fits <- function() {
  i <- seq(1, 150, 3)
  Y <- iris[i, 1:4]
  set.seed(1)
  t <- seq(0, 4 * pi, length.out = 40)
  Yd <- cbind(cos(t), sin(t), cos(t)^2, sin(2 * t)) +
    matrix(stats::rnorm(160, sd = 0.05), 40)
  Ym <- as.matrix(Y)
  Ym[sample(length(Ym), 15)] <- NA
  set.seed(1)
  list(exact = gplvm(Y),
       exact3 = gplvm(Y, q = 3),
       exact1 = gplvm(Y, q = 1),
       sparse = gplvm(Y, inducing = 10),
       bayesian = gplvm(Y, q = 3, bayesian = TRUE, inducing = 10),
       back = gplvm(Y, back = "kernel"),
       dynamics = gplvm(Yd, dynamics = TRUE),
       missing = gplvm(Ym))
}

# Why the browser tests cannot run here, or "" when they can.
explore_browser_missing <- function() {
  pkgs <- c("shiny", "chromote", "processx")
  miss <- pkgs[!vapply(pkgs, requireNamespace, NA, quietly = TRUE)]
  if (length(miss)) {
    return(paste("R packages missing:", paste(miss, collapse = ", ")))
  }
  if (!nzchar(explore_chrome())) {
    return("no Chromium or Chrome found (Debian: apt-get install chromium)")
  }
  ""
}

explore_chrome <- function() {
  set <- Sys.getenv("CHROMOTE_CHROME")
  if (nzchar(set) && file.exists(set)) return(set)
  for (b in c("chromium", "chromium-browser", "google-chrome")) {
    p <- Sys.which(b)
    if (nzchar(p)) return(unname(p))
  }
  ""
}

# Skip without a browser, except in CI (CI=true), where the browser tests
# must run: there a missing piece fails the test with the reason and the
# command that installs it.
skip_without_browser <- function() {
  why <- explore_browser_missing()
  if (!nzchar(why)) return(invisible())
  if (identical(tolower(Sys.getenv("CI")), "true")) {
    stop("the browser tests of gplvm_explore() must run in CI, but ", why,
         "; run tools/explore-deps.sh first", call. = FALSE)
  }
  testthat::skip(paste("browser tests of gplvm_explore():", why))
}

# Serve gplvm_explore(fit, ...) from a background R process on a free port;
# returns the process and the URL once the app answers.
explore_serve <- function(fit, ...) {
  rds <- tempfile(fileext = ".rds")
  saveRDS(list(fit = fit, args = list(...)), rds)
  port <- explore_free_port()
  code <- sprintf(paste0(
    "library(gplvm); a <- readRDS('%s'); ",
    "app <- do.call(gplvm_explore, c(list(a$fit), a$args)); ",
    "shiny::runApp(app, port = %d, host = '127.0.0.1', ",
    "launch.browser = FALSE)"), rds, port)
  log <- tempfile(fileext = ".log")
  proc <- processx::process$new(
    file.path(R.home("bin"), "Rscript"), c("-e", code),
    stdout = log, stderr = "2>&1",
    env = c("current", R_LIBS = paste(.libPaths(), collapse = ":"),
            TMPDIR = tempdir()))
  url <- sprintf("http://127.0.0.1:%d/", port)
  answers <- function() {
    con <- url(url)
    on.exit(close(con))
    tryCatch(length(readLines(con, warn = FALSE)) > 0L,
             error = function(e) FALSE, warning = function(w) FALSE)
  }
  for (i in 1:200) {
    if (!proc$is_alive()) break
    if (answers()) return(list(proc = proc, url = url, log = log))
    Sys.sleep(0.1)
  }
  out <- if (file.exists(log)) paste(readLines(log), collapse = "\n") else ""
  proc$kill()
  stop("the app did not start within 20 s:\n", out, call. = FALSE)
}

explore_free_port <- function() {
  for (i in 1:50) {
    port <- sample(20000:40000, 1L)
    free <- tryCatch({
      s <- serverSocket(port)
      close(s)
      TRUE
    }, error = function(e) FALSE)
    if (free) return(port)
  }
  stop("no free port found", call. = FALSE)
}

# A headless Chromium showing the app at `url`, ready when Shiny is
# connected and the latent plot is drawn.
explore_browser <- function(url, width = 1200, height = 900) {
  chrome <- explore_chrome()
  if (!nzchar(Sys.getenv("CHROMOTE_CHROME"))) {
    Sys.setenv(CHROMOTE_CHROME = chrome)
  }
  # the browser's temporary files go to this session's temporary
  # directory, which R removes when the session ends
  old <- Sys.getenv("TMPDIR", NA)
  Sys.setenv(TMPDIR = tempdir())
  # a loaded machine can take more than chromote's default 10 s to open
  # the browser's debugging port
  old_timeout <- options(chromote.timeout = max(60,
    getOption("chromote.timeout", 10)))
  on.exit(options(old_timeout), add = TRUE)
  # a browser that does not open its port in time is started afresh, at
  # most three times (it failed twice in one check on a machine at load 6)
  for (attempt in 1:3) {
    b <- tryCatch(chromote::ChromoteSession$new(width = width,
                                                height = height),
                  error = function(e) if (attempt == 3L) stop(e) else e)
    if (!inherits(b, "error")) break
  }
  if (is.na(old)) Sys.unsetenv("TMPDIR") else Sys.setenv(TMPDIR = old)
  b$Page$navigate(url)
  explore_wait(b, paste("window.Shiny && Shiny.shinyapp &&",
                        "Shiny.shinyapp.isConnected() &&",
                        "!!document.querySelector('#latent img') &&",
                        "!!document.querySelector('#values')"))
  b
}

explore_js <- function(b, js) {
  r <- b$Runtime$evaluate(js, returnByValue = TRUE)
  if (!is.null(r$exceptionDetails)) {
    stop("JavaScript failed: ", js, "\n", r$exceptionDetails$text,
         call. = FALSE)
  }
  r$result$value
}

# Wait (up to `timeout` s) until the JavaScript condition holds.
explore_wait <- function(b, condition, timeout = 20) {
  t0 <- Sys.time()
  while (!isTRUE(explore_js(b, condition))) {
    if (difftime(Sys.time(), t0, units = "secs") > timeout) {
      stop("timed out waiting for: ", condition, call. = FALSE)
    }
    Sys.sleep(0.05)
  }
  invisible(TRUE)
}

# The page position of a point at fractions (fx, fy) of the latent image.
explore_image_point <- function(b, fx, fy) {
  r <- explore_js(b, paste0(
    "(function() { var r = document.querySelector('#latent img')",
    ".getBoundingClientRect(); return [r.left, r.top, r.width, r.height];",
    " })()"))
  r <- unlist(r)
  c(x = r[1L] + fx * r[3L], y = r[2L] + fy * r[4L])
}

# The readout: the latent position and the generated values with their
# standard errors, read at full precision from the data-value attributes
# (in one evaluation, so that all come from the same update).
explore_readout <- function(b) {
  r <- explore_js(b, paste0(
    "(function() { var v = function(sel) { return Array.from(",
    "document.querySelectorAll(sel)).map(function(e) {",
    " return e.dataset.value; }); };",
    " return {x: v('#position .latent'), v: v('#values td')}; })()"))
  v <- as.numeric(unlist(r$v))
  list(x = as.numeric(unlist(r$x)), y = v[c(TRUE, FALSE)],
       se = v[c(FALSE, TRUE)])
}

explore_readout_key <- function() {
  paste0("Array.from(document.querySelectorAll('#position .latent'))",
         ".map(function(e) { return e.dataset.value; }).join()")
}

# Move the mouse to `p` (page pixels) and wait for the readout to change
# and then settle (updates from earlier moves may still be on their way).
explore_hover <- function(b, p) {
  before <- explore_js(b, explore_readout_key())
  b$Input$dispatchMouseEvent(type = "mouseMoved", x = p[["x"]],
                             y = p[["y"]])
  explore_wait(b, sprintf("%s !== '%s'", explore_readout_key(), before))
  explore_settle(b)
}

# Wait until Shiny is idle and the readout has not changed for 0.3 s;
# returns the readout.
explore_settle <- function(b, timeout = 20) {
  t0 <- Sys.time()
  last <- explore_js(b, explore_readout_key())
  repeat {
    Sys.sleep(0.3)
    now <- explore_js(b, explore_readout_key())
    idle <- !isTRUE(explore_js(b, paste(
      "document.documentElement.classList.contains('shiny-busy')")))
    if (identical(now, last) && idle) break
    last <- now
    if (difftime(Sys.time(), t0, units = "secs") > timeout) {
      stop("the readout did not settle", call. = FALSE)
    }
  }
  explore_readout(b)
}

explore_click <- function(b, p) {
  for (type in c("mousePressed", "mouseReleased")) {
    b$Input$dispatchMouseEvent(type = type, x = p[["x"]], y = p[["y"]],
                               button = "left", clickCount = 1)
  }
}

# Press at the first point, move through the others, release at the last.
explore_drag <- function(b, points) {
  n <- length(points)
  b$Input$dispatchMouseEvent(type = "mousePressed", x = points[[1L]][["x"]],
                             y = points[[1L]][["y"]], button = "left",
                             clickCount = 1)
  for (p in points[-1L]) {
    b$Input$dispatchMouseEvent(type = "mouseMoved", x = p[["x"]],
                               y = p[["y"]], button = "left", buttons = 1)
  }
  b$Input$dispatchMouseEvent(type = "mouseReleased",
                             x = points[[n]][["x"]], y = points[[n]][["y"]],
                             button = "left", clickCount = 1)
}

# Set the slider "along the path" and wait for the readout to change.
explore_slide <- function(b, value) {
  before <- explore_js(b, explore_readout_key())
  explore_js(b, sprintf(paste("$('#along').data('ionRangeSlider')",
                              ".update({from: %s}); true"), value))
  explore_wait(b, sprintf("%s !== '%s'", explore_readout_key(), before))
  explore_settle(b)
}
