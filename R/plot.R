#' Plot the latent space of a fitted GP-LVM
#'
#' Draws the fitted latent positions over a grey image of the model's
#' precision, light where the model is confident, as in Lawrence (2005),
#' with a key for the shading and one for the labels.
#'
#' @section What is shaded:
#' With `background = "precision"` (the default), each cell of a
#' `resolution` by `resolution` grid over the plotting region is shaded by
#' \deqn{\log_{10} \frac{1}{\sigma^2(x)}, \qquad \sigma^2(x) = k(x, x) -
#'   k(x, X) K^{-1} k(X, x),}{log10(1 / s2(x)), s2(x) = k(x, x) - k(x, X)
#'   K^-1 k(X, x),}
#' the base-10 logarithm of the precision of the latent function \eqn{f} at
#' the cell's centre \eqn{x}.  \eqn{\sigma^2(x)}{s2(x)} is the posterior
#' variance of \eqn{f}, without the noise variance; it is the same for every
#' data column and is measured in squared units of the centred data (of the
#' standardised data when the model was fitted with `scale = TRUE`).  For a
#' sparse fit it is the variance of the sparse posterior.  Latent dimensions
#' other than `dims` are held at their mean over the training points.  The
#' grey runs linearly in \eqn{\log_{10}}{log10} precision from dark grey (the
#' lowest precision on the grid: far from the data, the model is unsure) to
#' white (the highest: the model is confident).  The key to the right of the
#' panel gives the scale: 2 means a posterior standard deviation of
#' \eqn{10^{-1}}{0.1} data units, 0 one of 1.
#'
#' With `background = "magnification"`, each cell is shaded by
#' \deqn{\log_{10} \sqrt{\det G(x)}, \qquad G = E(J)^\top E(J) +
#'   D\,\mathrm{Cov}(J),}{log10 sqrt(det G(x)), G = E(J)' E(J) + D Cov(J),}
#' the base-10 logarithm of the magnification factor of Tosi et al. (2014)
#' (GPy's `plot_magnification` shades the same \eqn{\sqrt{\det G}}{sqrt(det
#' G)} without the logarithm, which would leave everything but its peaks
#' white).  \eqn{J}{J} is the \eqn{D \times q}{D x q} Jacobian of the GP
#' map from latent space to the (centred, or standardised with
#' `scale = TRUE`) data at \eqn{x}{x}; under the posterior its rows are
#' independent Gaussians with mean \eqn{E(J) = \alpha^\top \partial k(X,
#' x)/\partial x}{E(J) = alpha' dk(X, x)/dx}, the Jacobian of the
#' predictive mean (\eqn{\alpha = K^{-1} Y}{alpha = K^-1 Y}), and the same
#' covariance \eqn{\mathrm{Cov}(J) = \partial^2 k(x, x')/\partial x
#' \partial x' - (\partial k(X, x)/\partial x)^\top K^{-1} \partial k(X,
#' x)/\partial x}{Cov(J) = d2k(x, x')/dx dx' - (dk(X, x)/dx)' K^-1 dk(X,
#' x)/dx}, and \eqn{G}{G} is the expected metric \eqn{E(J^\top J)}{E(J'J)}
#' that the map pulls back to the latent space (\eqn{D}{D} is the number of
#' data columns).  \eqn{\sqrt{\det G}}{sqrt(det
#' G)} is the factor by which the map stretches a small area (length, for
#' `q = 1`) of latent space, in (data units per latent unit) to the power
#' of the number of plotted dimensions: large where the
#' data change fast or the model is unsure, so that distances across a dark
#' ridge are longer in data space than they look.  Only the plotted
#' dimensions enter: \eqn{G}{G} is restricted to the `dims` rows and
#' columns (the other latent coordinates held at their training mean).  It
#' is computed in C from the kernel's derivatives; a sparse fit uses its
#' sparse posterior (the inducing inputs and their \eqn{(K_{zz}^{-1} -
#' B^{-1})}{(Kzz^-1 - B^-1)} in place of \eqn{X}{X} and \eqn{K^{-1}}{K^-1}).
#' A Bayesian fit uses its variational posterior at the latent means, the
#' same form; a fit to data with missing entries uses the covariance of
#' all rows in \eqn{\mathrm{Cov}(J)}{Cov(J)}, as its precision does.
#' The grey runs from white (the lowest value on the grid) to dark grey (the
#' highest), and the key is titled "log10" over "sqrt(det G)".
#'
#' With `q = 1`, the horizontal axis is the latent coordinate and the
#' vertical axis the same \eqn{\log_{10}}{log10} precision (or, with
#' `background = "magnification"`, \eqn{\log_{10} \sqrt{G}}{log10
#' sqrt(G)}), drawn as a curve along the axis at `5 * resolution` points;
#' each data point sits on the curve at its own latent position.
#'
#' @section Labels and colours:
#' A factor, character or logical `labels` colours and shapes the points by
#' level, with a legend in the right margin that shrinks or takes more
#' columns to fit the panel's height.  The default colours are the
#' colour-blind-safe Okabe-Ito palette (without its black) and the default
#' shapes filled symbols (`pch` 21 to 25) with a black border, which stand
#' out on any grey.  A numeric `labels` gets a continuous colour scale (by
#' default [grDevices::hcl.colors()]'s `"viridis"`) with a colour bar; turn
#' numeric codes into a factor to get a legend instead.
#'
#' @section Adding to the plot:
#' After `plot()` returns, the panel's user coordinates are the latent
#' coordinates `dims[1]` (horizontal) and `dims[2]` (vertical), so
#' `points()`, `lines()`, `text()` and `abline()` draw in the latent space,
#' for example `points(predict(fit, newdata = Ynew)[, dims])`.  With
#' `q = 1` they are the latent coordinate and the curve's value.  Like any
#' high-level plot it starts a new panel, so `par(mfrow = )` layouts
#' advance.  The keys are drawn in the right margin without changing the
#' coordinates.  To make room for them `plot()` widens the right margin
#' (`par("mar")[4]`) when it is narrower than the keys need, and leaves it
#' so (restoring it would move the panel under anything drawn later); with
#' `key = FALSE` no margin is changed.  No other graphical parameter is
#' changed.
#'
#' @param x A fitted model from [gplvm()].
#' @param labels Optional vector or factor of length N without `NA`:
#'   a factor, character or logical vector colours and shapes the points by
#'   level; a numeric vector colours them on a continuous scale.
#' @param dims Two latent dimensions to show; `NULL` (the default) picks the
#'   two most relevant (see [summary.gplvm()]; for an RBF with ARD the two
#'   with the largest spread relative to their lengthscale), the most
#'   relevant on the horizontal axis.
#' @param resolution Number of grid cells along each axis of the image, from
#'   2 to 1000.
#' @param background `"precision"` to shade the log10 precision,
#'   `"magnification"` to shade the log10 magnification factor
#'   \eqn{\log_{10}\sqrt{\det G}}{log10 sqrt(det G)} (see "What is
#'   shaded"), or `"none"` for a white background.
#' @param col Colours: one per level of a factor `labels` (recycled), or the
#'   colours of the continuous scale (at least two, interpolated) for a
#'   numeric one.  `NULL` (the default) uses the Okabe-Ito palette for
#'   levels and `"viridis"` for numbers.
#' @param pch Plotting symbols, one per level (recycled); `NULL` (the
#'   default) uses the filled symbols 21, 22, 24, 23, 25, drawn with a black
#'   border and filled with `col`.
#' @param cex Size of the points.  The inducing inputs of a sparse fit are
#'   drawn as small white diamonds.
#' @param key If `TRUE` (the default), draw the keys in the right margin.
#' @param main,sub,xlab,ylab Titles, as in [graphics::title()]; the axis
#'   labels default to the names of the latent dimensions.
#' @param xlim,ylim Ranges of the axes; by default the range of the latent
#'   positions plus 10% on each side.
#' @param asp Aspect ratio y/x, as in [graphics::plot.window()]; `asp = 1`
#'   draws the latent space without distortion.
#' @param trajectory If `TRUE`, join the points of each sequence in time
#'   order by a line (the latent trajectory; for a fit without dynamics the
#'   rows of the data in their order).  `NULL` (the default) does so for
#'   fits with GP dynamics (see [gplvm()]) only.
#' @param ... Further graphical parameters (such as `las`, `cex.axis`,
#'   `cex.main`) passed to [graphics::plot.window()], [graphics::axis()],
#'   [graphics::box()] and [graphics::title()].
#' @return `x`, invisibly.
#' @references Lawrence, N. D. (2005). Probabilistic non-linear principal
#'   component analysis with Gaussian process latent variable models.
#'   *Journal of Machine Learning Research* 6, 1783--1816.
#'
#'   Tosi, A., Hauberg, S., Vellido, A. and Lawrence, N. D. (2014). Metrics
#'   for probabilistic geometries. *Proceedings of the Thirtieth Conference
#'   on Uncertainty in Artificial Intelligence (UAI)*, 800--808.
#' @seealso [autoplot.gplvm()] for a ggplot2 version,
#'   [as.data.frame.gplvm()] for the latent coordinates as a data frame.
#' @examples
#' set.seed(1)
#' i <- seq(1, 150, 3)
#' fit <- gplvm(iris[i, 1:4])
#' plot(fit, labels = iris$Species[i], main = "iris")
#' # the panel is in latent coordinates: add to it
#' new <- predict(fit, newdata = iris[c(2, 101), 1:4])
#' points(new[, 1:2], pch = 8, cex = 2)
#' abline(h = 0, lty = 3)
#' # a numeric label gets a colour bar
#' plot(fit, labels = iris$Petal.Width[i])
#' # where the map to data space stretches the latent space
#' plot(fit, labels = iris$Species[i], background = "magnification")
#' # the latent trajectory of a fit with GP dynamics: see ?predict.gplvm
#' @export
plot.gplvm <- function(x, labels = NULL, dims = NULL, resolution = 60,
                       background = c("precision", "magnification", "none"),
                       col = NULL,
                       pch = NULL, cex = 0.8, key = TRUE, main = NULL,
                       sub = NULL, xlab = NULL, ylab = NULL, xlim = NULL,
                       ylim = NULL, asp = NA, trajectory = NULL, ...) {
  .check_gplvm(x, "x")
  X <- x$X
  q <- ncol(X)
  dims <- .plot_dims(x, dims)
  resolution <- .check_count(resolution, "resolution", lo = 2L, hi = 1000L)
  background <- .check_choice(background,
                              c("precision", "magnification", "none"),
                              "background")
  key <- .check_flag(key, "key")
  dyn <- .fit_dynamics(x)  # R/gpdm.R
  trajectory <- .check_flag(trajectory %||% !is.null(dyn), "trajectory")
  cex <- .check_positive(cex, "cex")
  style <- .point_style(labels, nrow(X), col, pch,
                        .short_name(substitute(labels)))
  xlim <- .check_lim(xlim, "xlim", .span(X[, dims[1L]]))
  shading <- .shading(x, background, dims)
  shade <- background != "none" && q > 1L

  .set_key_margin(style, key, if (shade) shading$title)
  graphics::plot.new()
  # Graphical parameters in `...` go to the same low-level functions as in
  # plot.default(); these wrappers drop the ones they must not see.
  window <- function(..., col, bg, pch, cex, lty, lwd) {
    graphics::plot.window(...)
  }
  if (q == 1L) {
    gx <- seq(xlim[1L], xlim[2L], length.out = 5L * resolution)
    curve <- shading$fun(matrix(gx))
    yy <- shading$fun(X)
    ylim <- .check_lim(ylim, "ylim", range(curve, yy))
    window(xlim, ylim, xaxs = "i", ...)
    graphics::lines(gx, curve, col = "grey40", lwd = 1.5)
    # a rug shows where the points are when they crowd on the curve
    usr <- graphics::par("usr")
    graphics::segments(X[, 1L], usr[3L], X[, 1L],
                       usr[3L] + 0.03 * (usr[4L] - usr[3L]),
                       col = style$fill)
    zlim <- NULL
  } else {
    yy <- X[, dims[2L]]
    ylim <- .check_lim(ylim, "ylim", .span(yy))
    window(xlim, ylim, asp = asp, xaxs = "i", yaxs = "i", ...)
    zlim <- if (shade) .draw_shade(x, shading, dims, resolution)
  }
  if (trajectory) .draw_trajectory(X[, dims[1L]], yy, dyn$sequence)
  .draw_points(X[, dims[1L]], yy, style, cex)
  Z <- x$inducing
  if (!is.null(Z)) {
    graphics::points(Z[, dims[1L]],
                     if (q == 1L) shading$fun(Z) else Z[, dims[2L]],
                     pch = 23, bg = "white", col = "black", cex = 0.6 * cex)
  }
  axes <- function(..., col, bg, pch, cex, lty, lwd) {
    graphics::axis(1L, ...)
    graphics::axis(2L, ...)
    graphics::box(...)
  }
  axes(...)
  labs <- function(..., col, bg, pch, cex, lty, lwd) {
    graphics::title(main = main, sub = sub,
                    xlab = if (is.null(xlab)) colnames(X)[dims[1L]] else xlab,
                    ylab = if (!is.null(ylab)) ylab
                           else if (q == 1L) shading$label
                           else colnames(X)[dims[2L]], ...)
  }
  labs(...)
  if (key) .draw_keys(style, zlim, shading)
  invisible(x)
}

# The latent dimensions to show: checked, or the most relevant ones.
.plot_dims <- function(x, dims) {
  q <- ncol(x$X)
  if (is.null(dims)) return(order(-.relevance(x))[seq_len(min(2L, q))])
  ok <- is.numeric(dims) && length(dims) == min(2L, q) &&
    all(dims %in% seq_len(q)) && !anyDuplicated(dims)
  if (!ok) {
    stop(sprintf("'dims' must be %d different latent dimensions in 1..%d",
                 min(2L, q), q), call. = FALSE)
  }
  as.integer(dims)
}

# The range of v plus 10% on each side.
.span <- function(v) {
  r <- range(v)
  r + c(-0.1, 0.1) * max(diff(r), 1e-8)
}

.check_lim <- function(lim, arg, default) {
  if (is.null(lim)) return(default)
  if (!is.numeric(lim) || length(lim) != 2L || !all(is.finite(lim)) ||
      lim[1L] == lim[2L]) {
    stop(sprintf("'%s' must be two different finite numbers", arg),
         call. = FALSE)
  }
  as.double(lim)
}

# A short name for a labels expression, used as the title of its key.
.short_name <- function(expr) {
  s <- paste(deparse(expr, width.cutoff = 60L), collapse = " ")
  s <- sub("^.*\\$", "", s)
  if (nchar(s) > 14L || grepl("[^[:alnum:]._]", s)) "" else s
}

# Okabe & Ito's colour-blind-safe palette, without its black: orange, blue,
# bluish green, reddish purple, sky blue, vermillion, yellow, grey.
.okabe_ito <- c("#E69F00", "#0072B2", "#009E73", "#CC79A7", "#56B4E9",
                "#D55E00", "#F0E442", "#999999")

# How each point is drawn: checks labels, col and pch and returns the
# per-point fill and symbol with what the key needs.
.point_style <- function(labels, n, col, pch, name) {
  if (!is.null(col)) {
    ok <- (is.character(col) || is.numeric(col)) && length(col) >= 1L &&
      !anyNA(col) && !inherits(tryCatch(grDevices::col2rgb(col),
                                        error = identity), "error")
    if (!ok) {
      stop("'col' must be a vector of colours (names, \"#RRGGBB\" codes or ",
           "palette numbers) without NA, or NULL for the default",
           call. = FALSE)
    }
  }
  if (!is.null(pch) && (!(is.numeric(pch) || is.character(pch)) ||
                        length(pch) < 1L || anyNA(pch))) {
    stop("'pch' must be a vector of plotting symbols without NA, or NULL",
         call. = FALSE)
  }
  if (is.null(pch)) pch <- c(21, 22, 24, 23, 25)
  if (is.null(labels)) {
    fill <- if (is.null(col)) .okabe_ito[2L] else col[1L]
    return(list(type = "none", fill = rep(fill, n), pch = rep(pch[1L], n)))
  }
  if (is.list(labels) || !is.atomic(labels) || is.complex(labels)) {
    stop("'labels' must be a vector or a factor (not a list or a data ",
         "frame), one value per point", call. = FALSE)
  }
  if (length(labels) != n) {
    stop(sprintf("'labels' must have length %d, one per point, not %d",
                 n, length(labels)), call. = FALSE)
  }
  if (anyNA(labels)) {
    stop(sprintf(paste("'labels' must not contain NA (%d missing, first",
                       "at point %d)"), sum(is.na(labels)),
                 which(is.na(labels))[1L]), call. = FALSE)
  }
  if (is.numeric(labels) && !is.factor(labels)) {
    if (!all(is.finite(labels))) {
      stop("'labels' must be finite numbers", call. = FALSE)
    }
    ramp <- grDevices::colorRampPalette(
      if (is.null(col)) grDevices::hcl.colors(8L, "viridis")
      else if (length(col) >= 2L) col
      else stop("'col' must give at least two colours for numeric 'labels'",
                call. = FALSE))(100L)
    zlim <- range(labels)
    if (zlim[1L] == zlim[2L]) zlim <- zlim + c(-0.5, 0.5)
    idx <- 1L + floor(99.999 * (labels - zlim[1L]) / diff(zlim))
    return(list(type = "numeric", fill = ramp[idx], pch = rep(pch[1L], n),
                ramp = ramp, zlim = zlim, name = name))
  }
  labels <- droplevels(as.factor(labels))
  k <- nlevels(labels)
  lcol <- rep_len(if (is.null(col)) .okabe_ito else col, k)
  lpch <- rep_len(pch, k)
  g <- as.integer(labels)
  list(type = "factor", fill = lcol[g], pch = lpch[g], levels = levels(labels),
       lcol = lcol, lpch = lpch, name = name)
}

# Filled symbols 21:25 take the colour as fill with a black border; others
# take it as their colour.
.symbol_colours <- function(fill, pch) {
  filled <- is.numeric(pch) & pch %in% 21:25
  list(col = ifelse(filled, "black", fill), bg = ifelse(filled, fill, NA))
}

.draw_points <- function(x, y, style, cex) {
  sc <- .symbol_colours(style$fill, style$pch)
  graphics::points(x, y, pch = style$pch, col = sc$col, bg = sc$bg,
                   cex = cex, lwd = 0.7)
}

# What a background shows: the function of latent points (rows of a
# matrix) it draws, its greys (low to high) and the titles of its key.
.shading <- function(x, background, dims) {
  if (background == "magnification") {
    list(fun = function(G) .log_magnification(x, G, dims),
         colours = rev(.precision_greys), title = c("log10", "sqrt(det G)"),
         label = "log10 sqrt(det G)")
  } else {
    list(fun = function(G) .log_precision(x, G), colours = .precision_greys,
         title = c("log10", "precision"), label = "log10 precision of f")
  }
}

# shading$fun at the centres of a resolution x resolution grid over
# xr x yr in the latent dimensions dims, the others at their mean.
.shade_grid <- function(x, dims, xr, yr, resolution, fun) {
  cell <- function(r) {
    r[1L] + (seq_len(resolution) - 0.5) * diff(r) / resolution
  }
  gx <- cell(xr)
  gy <- cell(yr)
  G <- matrix(colMeans(x$X), resolution^2, ncol(x$X), byrow = TRUE)
  G[, dims[1L]] <- gx
  G[, dims[2L]] <- rep(gy, each = resolution)
  list(x = gx, y = gy,
       z = matrix(fun(G), resolution, resolution))
}

# Shade the whole plot region; returns the range of the shaded values.
.draw_shade <- function(x, shading, dims, resolution) {
  usr <- graphics::par("usr")
  g <- .shade_grid(x, dims, usr[1:2], usr[3:4], resolution, shading$fun)
  zlim <- range(g$z)
  if (diff(zlim) < 1e-8) zlim <- zlim + c(-0.5, 0.5)
  graphics::image(g$x, g$y, g$z, zlim = zlim, col = shading$colours,
                  add = TRUE, useRaster = .can_raster())
  zlim
}

.can_raster <- function() {
  !identical(grDevices::dev.capabilities("rasterImage")$rasterImage, "no")
}

# Dark grey (low precision) to white (high precision).
.precision_greys <- grDevices::grey(seq(0.3, 1, length.out = 64L))

# log10 of 1 / (posterior variance of f) at the rows of G, floored so that
# it stays finite; computed in blocks of rows to bound the memory.
.log_precision <- function(x, G) {
  n_support <- nrow(.support(x))
  block <- max(1L, floor(2e6 / n_support))
  starts <- seq(1L, nrow(G), by = block)
  v <- unlist(lapply(starts, function(s) {
    .predict_var(x, G[s:min(nrow(G), s + block - 1L), , drop = FALSE])
  }))
  tiny <- 1e-12 * max(.kern_diag(x$kernel, x$X))
  -log10(pmax(v, tiny))
}

# --- keys in the right margin -------------------------------------------

.key_cex <- 0.8

# Widen the right margin to what the keys need (in lines), if narrower.
# title: the shading key's title, NULL without one.
.set_key_margin <- function(style, key, title) {
  shade <- !is.null(title)
  if (!key) return(invisible())
  csi <- graphics::par("csi")
  w <- function(s, cex = .key_cex) {
    max(graphics::strwidth(s, units = "inches", cex = cex)) / csi
  }
  need <- 0
  bar <- 0.6 + 0.8 + 0.3 + w("-00.0")
  if (shade) need <- max(bar, 0.6 + w(title))
  if (style$type == "numeric") need <- max(need, bar, 0.6 + w(style$name))
  if (style$type == "factor") {
    lay <- .legend_layout(style, shade)
    need <- max(need, 0.6 + lay$ncol *
                  (w(style$levels, lay$cex) + 2.5 * lay$cex))
  }
  need <- need + 0.6
  mar <- graphics::par("mar")
  if (need > 0.6 && mar[4L] < need) {
    graphics::par(mar = c(mar[1:3], need))
  }
  invisible()
}

# Heights, as fractions of the plot region, of the two key slots: the
# labels' key from the top, the precision bar from the bottom, taking what
# a factor legend leaves.
.key_slots <- function(style, shade) {
  if (style$type == "none") return(list(bar = c(0, 0.7)))
  if (style$type == "numeric") return(list(labels = c(0.58, 1),
                                           bar = c(0, 0.4)))
  lay <- .legend_layout(style, shade)
  line <- graphics::par("csi") / graphics::par("pin")[2L]
  rows <- ceiling(length(style$levels) / lay$ncol) +
    nzchar(style$name) + 1
  top <- 1 - rows * lay$cex * line
  list(labels = c(max(top, 0), 1),
       bar = c(0, min(0.7, max(0.4, top - 3 * line))))
}

# Text size and number of columns for a factor legend to fit above the
# smallest precision bar.
.legend_layout <- function(style, shade) {
  avail <- (if (shade) 0.58 else 1) * graphics::par("pin")[2L] /
    graphics::par("csi")
  k <- length(style$levels)
  for (cex in c(0.9, 0.8, 0.7, 0.6)) {
    rows <- floor(avail / cex) - 1L
    if (rows >= k || cex == 0.6) break
  }
  list(cex = cex, ncol = ceiling(k / max(rows, 1L)))
}

# x in user coordinates `lines` text lines to the right of the plot region.
.margin_x <- function(lines) {
  inch <- graphics::grconvertX(1, "npc", "inches") +
    lines * graphics::par("csi")
  graphics::grconvertX(inch, "inches", "user")
}

.npc_y <- function(f) graphics::grconvertY(f, "npc", "user")

# A vertical colour bar between npc heights slot[1] and slot[2] (the title
# above it), with ticks labelled in the units of zlim.
.colour_bar <- function(colours, zlim, title, slot) {
  x0 <- .margin_x(0.6)
  x1 <- .margin_x(1.4)
  lines <- if (nzchar(title[1L])) .key_cex * (length(title) + 0.8) else 0
  top <- slot[2L] - lines * graphics::par("csi") / graphics::par("pin")[2L]
  y0 <- .npc_y(slot[1L])
  y1 <- .npc_y(top)
  if (.can_raster()) {
    graphics::rasterImage(grDevices::as.raster(matrix(rev(colours))), x0, y0,
                          x1, y1, interpolate = FALSE, xpd = NA)
  } else {
    yb <- seq(y0, y1, length.out = length(colours) + 1L)
    graphics::rect(x0, yb[-length(yb)], x1, yb[-1L], col = colours,
                   border = NA, xpd = NA)
  }
  graphics::rect(x0, y0, x1, y1, border = "grey30", xpd = NA)
  # about as many ticks as fit 1.5 lines apart, and two at the least
  fit <- (top - slot[1L]) * graphics::par("pin")[2L] /
    (1.5 * .key_cex * graphics::par("csi"))
  for (n in max(1L, floor(fit)) + 0:5) {
    at <- pretty(zlim, n = n)
    at <- at[at >= zlim[1L] & at <= zlim[2L]]
    if (length(at) >= 2L) break
  }
  if (length(at) < 2L) at <- zlim
  ya <- .npc_y(slot[1L] + (top - slot[1L]) * (at - zlim[1L]) / diff(zlim))
  graphics::segments(x1, ya, .margin_x(1.65), ya, xpd = NA)
  graphics::text(.margin_x(1.6), ya, as.character(signif(at, 2L)),
                 pos = 4L, offset = 0.2, cex = .key_cex, xpd = NA)
  if (nzchar(title[1L])) {
    graphics::text(x0, .npc_y(top) + 0.8 * graphics::strheight("M",
                                                              cex = .key_cex),
                   paste(title, collapse = "\n"), adj = c(0, 0),
                   cex = .key_cex, xpd = NA)
  }
}

.draw_keys <- function(style, zlim, shading) {
  slots <- .key_slots(style, !is.null(zlim))
  if (!is.null(zlim)) {
    .colour_bar(shading$colours, zlim, shading$title, slots$bar)
  }
  if (style$type == "numeric") {
    .colour_bar(style$ramp, style$zlim, style$name, slots$labels)
  }
  if (style$type == "factor") {
    lay <- .legend_layout(style, !is.null(zlim))
    sc <- .symbol_colours(style$lcol, style$lpch)
    graphics::legend(.margin_x(0.3), .npc_y(slots$labels[2L]),
                     legend = style$levels, pch = style$lpch, col = sc$col,
                     pt.bg = sc$bg, pt.cex = 1.2, cex = lay$cex,
                     ncol = lay$ncol, bty = "n", xpd = NA,
                     title = if (nzchar(style$name)) style$name,
                     title.adj = 0)
  }
}
