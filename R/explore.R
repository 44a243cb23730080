#' Explore what a fitted GP-LVM generates, in a Shiny app
#'
#' A GP-LVM is a map from the latent space to the data.  `gplvm_explore()`
#' shows it interactively: the left panel is the latent plot of
#' [plot.gplvm()] (labels, the precision shading and its key; the learnt
#' trajectory of a fit with GP dynamics), and the right panel shows what the
#' model generates at the latent point under the mouse,
#' `predict(fit, newlatent = x, se.fit = TRUE)`, with its standard error.
#'
#' By default the right panel is a dot chart of the D outputs with bars of
#' two standard errors of the mean (`se.fit`), beside the nearest training
#' row (an open circle) for comparison; below it a table gives each output's
#' value.  `display` replaces the chart by a drawing of your own:
#' a function of `y` and `se` (named numeric vectors, one element per data
#' column, on the original scale) that draws with base graphics, such as
#' [as_image()] for images stored one per row or [as_lines()] for series.
#' An error in it is shown in the panel; the app goes on.
#'
#' Interactions:
#' * moving the mouse over the latent plot generates data there;
#' * clicking pins the point (a numbered cross; the pins are joined in
#'   order by a dashed line);
#' * dragging draws a path through the latent space, and the slider "along
#'   the path" plays the generated data along it (press its play button);
#'   without a drawn path it plays the path through the pins;
#' * "Export pins (CSV)" saves the pinned latent points with their generated
#'   data and standard errors (columns `pin`, the latent coordinates, the
#'   outputs, and `se.` followed by each output's name);
#' * with more than two latent dimensions, two menus choose the dimensions
#'   shown (by default the two most relevant, the lower-numbered across,
#'   as [plot.gplvm()] draws them, so the largest ARD relevances for a
#'   Bayesian fit); the other coordinates of a
#'   pointed position are held at their mean over the training points, as
#'   in the plot's shading;
#' * the table "nearest training rows" lists the `k` training rows whose
#'   latent positions are closest to the pointed one (in all `q`
#'   dimensions).
#'
#' Each update calls [predict()] once for one point, which costs
#' \eqn{O(N^2)}{O(N^2)} for an exact fit (two triangular solves with the
#' stored factor) and \eqn{O(M^2)}{O(M^2)} for a sparse or Bayesian one;
#' the latent plot, whose precision shading costs a prediction on a grid,
#' is drawn once per choice of dimensions and window size and replayed when
#' pins change.  The package's `bench/explore_latency.R` measures the time
#' per update.
#'
#' @param fit A fitted model from [gplvm()] (any kind: exact, sparse,
#'   Bayesian, back-constrained, with dynamics or missing data).
#' @param display `NULL` for the default chart, or a function
#'   `function(y, se)` that draws the generated data.
#' @param labels Optional labels of the training points, as in
#'   [plot.gplvm()] (a factor colours the points and adds a key).
#' @param dims The two latent dimensions shown first; `NULL` for the two
#'   most relevant, the lower-numbered across.
#' @param k Number of nearest training rows listed.
#' @param ... Further arguments to [plot.gplvm()] for the latent plot, such
#'   as `background` or `resolution`.
#' @return A Shiny app object (see [shiny::shinyApp()]): printing it, as
#'   the console does, runs the app; [shiny::runApp()] runs it with options
#'   such as a port.
#' @seealso [plot.gplvm()], [predict.gplvm()]
#' @examples
#' if (interactive()) {
#'   fit <- gplvm(iris[, 1:4])
#'   gplvm_explore(fit, labels = iris$Species)
#' }
#' @export
gplvm_explore <- function(fit, display = NULL, labels = NULL, dims = NULL,
                          k = 5, ...) {
  if (!inherits(fit, "gplvm")) {
    stop("'fit' must be a fitted model from gplvm()", call. = FALSE)
  }
  if (!is.null(display) && !is.function(display)) {
    stop("'display' must be NULL or a function(y, se)", call. = FALSE)
  }
  if (!is.numeric(k) || length(k) != 1L || !is.finite(k) || k < 1 ||
      k != round(k)) {
    stop("'k' must be a positive whole number", call. = FALSE)
  }
  if (!is.null(labels) && length(labels) != nrow(fit$X)) {
    stop(sprintf("'labels' must have one value per training row (%d), not %d",
                 nrow(fit$X), length(labels)), call. = FALSE)
  }
  .need_shiny()
  key <- .label_name(substitute(labels))
  state <- .explore_state(fit, dims)
  plot_latent <- .latent_painter(fit, labels, key, list(...))
  shiny::shinyApp(.explore_ui(state),
                  .explore_server(state, plot_latent, display,
                                  min(as.integer(k), state$n)))
}

# Stop, saying how to install shiny, when it is missing.
.need_shiny <- function(pkg = "shiny") {
  if (!requireNamespace(pkg, quietly = TRUE)) {
    stop(sprintf(paste0("gplvm_explore() needs the '%s' package: install ",
                        "it with install.packages(\"%s\") (on Debian or ",
                        "Ubuntu also 'apt-get install r-cran-%s')"),
                 pkg, pkg, tolower(pkg)), call. = FALSE)
  }
  invisible(TRUE)
}

# The symbol that titles the labels' key in plot.gplvm(), as when the
# user calls plot(fit, labels = iris$Species): its last `$` part, if that
# is a syntactic name, else none.
.label_name <- function(expr) {
  s <- sub("^.*\\$", "", paste(deparse(expr), collapse = " "))
  if (identical(make.names(s), s)) s else ""
}

# What every update needs, computed once: the latent positions, the
# training data on the original scale, the default dimensions and the
# position of the dimensions not shown.
.explore_state <- function(fit, dims = NULL) {
  X <- fit$X
  q <- ncol(X)
  if (is.null(colnames(X))) colnames(X) <- paste0("X", seq_len(q))
  rel <- summary(fit)$relevance
  # the two most relevant, the lower-numbered across, as plot() draws them
  default <- sort(order(-rel)[seq_len(min(2L, q))])
  if (!is.null(dims)) {
    ok <- is.numeric(dims) && length(dims) == min(2L, q) &&
      all(dims %in% seq_len(q)) && !anyDuplicated(dims)
    if (!ok) {
      stop(sprintf("'dims' must be %d different latent dimensions in 1..%d",
                   min(2L, q), q), call. = FALSE)
    }
    default <- as.integer(dims)
  }
  Y <- fit$Y
  if (!is.null(fit$scale)) Y <- sweep(Y, 2L, fit$scale, `*`)
  Y <- sweep(Y, 2L, fit$center, `+`)
  if (is.null(colnames(Y))) colnames(Y) <- paste0("y", seq_len(ncol(Y)))
  list(X = X, q = q, n = nrow(X), Y = Y, dims = default,
       centre = colMeans(X), names = colnames(X), outputs = colnames(Y),
       predict = function(x) {
         p <- stats::predict(fit, newlatent = x, se.fit = TRUE)
         list(x = x, y = stats::setNames(p$fit[1L, ], colnames(Y)),
              se = stats::setNames(p$se.fit[1L, ], colnames(Y)))
       })
}

# The full latent point at plot coordinates (px, py) in dimensions dims,
# the others at their centre.  With q = 1 only px counts.
.explore_point <- function(state, dims, px, py = NA) {
  x <- state$centre
  x[dims[1L]] <- px
  if (length(dims) > 1L) x[dims[2L]] <- py
  x
}

# Indices of the k training rows nearest to the latent point x.
.explore_nearest <- function(state, x, k) {
  d2 <- colSums((t(state$X) - x)^2)
  order(d2)[seq_len(k)]
}

# The point a fraction t of the way along the path through the rows of P
# (by arc length; one row: that row).
.explore_along <- function(P, t) {
  if (nrow(P) == 1L) return(P[1L, ])
  seg <- sqrt(rowSums(diff(P)^2))
  s <- c(0, cumsum(seg))
  if (s[length(s)] == 0) return(P[1L, ])
  at <- t * s[length(s)]
  i <- min(findInterval(at, s, rightmost.closed = TRUE), length(seg))
  f <- if (seg[i] > 0) (at - s[i]) / seg[i] else 0
  P[i, ] + f * (P[i + 1L, ] - P[i, ])
}

# The pins as a data frame: latent coordinates, generated data and their
# standard errors, one row per pin (what the CSV export writes).
.explore_pins_table <- function(state, pins) {
  rows <- function(what, k) {
    matrix(as.double(unlist(lapply(pins, `[[`, what))), ncol = k,
           byrow = TRUE)
  }
  X <- rows("x", state$q)
  Y <- rows("y", length(state$outputs))
  S <- rows("se", length(state$outputs))
  colnames(X) <- state$names
  colnames(Y) <- state$outputs
  colnames(S) <- paste0("se.", state$outputs)
  data.frame(pin = seq_along(pins), X, Y, S, check.names = FALSE,
             row.names = NULL)
}

# A function of (dims, extras) drawing the latent plot with pins and the
# path added, the plot itself recorded once per dims and device size and
# replayed after that (its shading is the costly part).
.latent_painter <- function(fit, labels, key, args) {
  env <- new.env(parent = baseenv())
  env$fit <- fit
  lab <- if (nzchar(key)) as.name(key) else quote(labels)
  assign(if (nzchar(key)) key else "labels", labels, envir = env)
  cache <- new.env(parent = emptyenv())
  function(dims, width, height, extras = NULL) {
    id <- paste(c(dims, width, height), collapse = "_")
    if (is.null(cache[[id]])) {
      grDevices::dev.control("enable")
      call <- as.call(c(list(quote(graphics::plot), quote(fit),
                             labels = if (!is.null(labels)) lab,
                             dims = if (ncol(fit$X) > 1L) dims), args))
      eval(call, env)
      cache[[id]] <- grDevices::recordPlot()
    } else {
      grDevices::replayPlot(cache[[id]])
    }
    if (!is.null(extras)) extras()
    invisible()
  }
}

# Draw the generated data with `display`, or with the default chart;
# returns the error message of a failing display, else NULL.
.explore_show <- function(display, y, se, nearest = NULL) {
  if (is.null(display)) {
    .dot_chart(y, se, nearest)
    return(NULL)
  }
  tryCatch({
    display(y, se)
    NULL
  }, error = function(e) conditionMessage(e))
}

# The default right panel: each output's generated value with +-2 se.fit
# bars, and (open circles) the nearest training row.
.dot_chart <- function(y, se, nearest = NULL) {
  d <- length(y)
  lo <- y - 2 * se
  hi <- y + 2 * se
  xr <- range(lo, hi, nearest, na.rm = TRUE)
  op <- graphics::par(mar = c(4, max(4, 0.6 * max(nchar(names(y)))), 3, 1))
  on.exit(graphics::par(op))
  graphics::plot(y, seq_len(d), xlim = xr, ylim = c(d + 0.5, 0.5),
                 yaxt = "n", pch = 19, col = "#0072B2", xlab = "value",
                 ylab = "")
  graphics::axis(2L, at = seq_len(d), labels = names(y), las = 1L,
                 cex.axis = if (d > 20L) 0.6 else 1)
  graphics::abline(h = seq_len(d), col = "grey90")
  graphics::segments(lo, seq_len(d), hi, seq_len(d), col = "#0072B2",
                     lwd = 2)
  graphics::points(y, seq_len(d), pch = 19, col = "#0072B2")
  if (!is.null(nearest)) {
    graphics::points(nearest, seq_len(d), pch = 1, cex = 1.3,
                     col = "#D55E00", lwd = 1.5)
  }
  graphics::legend("bottom", horiz = TRUE, bty = "n", xpd = NA,
                   inset = c(0, 1), cex = 0.95,
                   legend = c("generated \u00b1 2 s.e.", "nearest training row"),
                   pch = c(19, 1), col = c("#0072B2", "#D55E00"))
}

#' Displays for gplvm_explore()
#'
#' Functions that make a `display` for [gplvm_explore()]: each returns a
#' `function(y, se)` that draws the generated data `y` (one latent point's
#' outputs) with their standard errors `se`.
#'
#' `as_image()` draws `y` as a grey-scale image of `nrow` by `ncol`
#' pixels, filled column by column as [matrix()] does (row 1 at the top),
#' for data whose rows are images.  `as_lines()` draws `y` against `x` as a
#' line with a band of two standard errors, for data whose rows are series.
#'
#' @param nrow,ncol The image's size; `nrow * ncol` must equal the number
#'   of data columns.
#' @param col Colours of the image, from low to high.
#' @param x The positions of the series' values (default `1:D`).
#' @param ... Further graphical arguments, passed to [graphics::image()]
#'   or [graphics::plot()].
#' @return A function of `y` and `se`.
#' @examples
#' show <- as_lines()
#' show(sin(1:20 / 3), rep(0.1, 20))
#' img <- as_image(2, 3)
#' img(1:6, rep(0, 6))
#' @export
as_image <- function(nrow, ncol, col = grDevices::grey(0:255 / 255), ...) {
  force(col)
  function(y, se) {
    if (length(y) != nrow * ncol) {
      stop(sprintf("as_image(%d, %d) needs %d values, not %d", nrow, ncol,
                   nrow * ncol, length(y)), call. = FALSE)
    }
    graphics::image(seq_len(ncol), seq_len(nrow),
                    .image_matrix(y, nrow, ncol), col = col, asp = 1,
                    axes = FALSE, xlab = "", ylab = "", ...)
  }
}

# y filled into nrow x ncol by columns, arranged for image(), which draws
# z[i, j] at x = i, y = j from the bottom: row 1 of the matrix on top.
.image_matrix <- function(y, nrow, ncol) {
  t(matrix(y, nrow, ncol))[, nrow:1, drop = FALSE]
}

#' @rdname as_image
#' @export
as_lines <- function(x = NULL, ...) {
  function(y, se) {
    at <- if (is.null(x)) seq_along(y) else x
    graphics::plot(at, y, type = "n", ylim = range(y - 2 * se, y + 2 * se),
                   xlab = "", ylab = "generated", ...)
    graphics::polygon(c(at, rev(at)), c(y - 2 * se, rev(y + 2 * se)),
                      col = "grey85", border = NA)
    graphics::lines(at, y, lwd = 2)
  }
}
