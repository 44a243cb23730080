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
#' With one dimension shown (`q = 1`, `dims` of length 1, or a Bayesian
#' fit that uses one dimension), the horizontal axis is the latent
#' coordinate and the
#' vertical axis the same \eqn{\log_{10}}{log10} precision (or, with
#' `background = "magnification"`, \eqn{\log_{10} \sqrt{G}}{log10
#' sqrt(G)}), drawn as a curve along the axis at `5 * resolution` points
#' (the other dimensions at their mean);
#' each data point sits on the curve at its own latent position.
#'
#' @section Which dimensions:
#' By default the horizontal axis is `X1` and the vertical axis `X2`, so
#' that `points(predict(fit, newdata = Ynew))` lands where it belongs.
#' Only when the package must choose does relevance (see [summary.gplvm()])
#' decide: with `q > 2` the two most relevant dimensions are shown, the
#' lower-numbered across, and a Bayesian fit that uses one dimension
#' (relevance at least 0.01) is drawn in one dimension; the axis titles
#' then say so ("X3 (relevance 0.41)", "X2 (the only dimension in use)").
#' `plot()` returns the dimensions shown, so that
#' `d <- plot(fit); points(Xnew[, d])` is right in every case.
#'
#' @section Labels and colours:
#' A factor, character or logical `labels` colours and shapes the points by
#' level, with a legend in the right margin whose text shrinks (and, if
#' still too wide, is abbreviated) to fit.  Past 12 levels the legend is
#' left out and the margin says so ("32 levels: no legend"); use
#' [autoplot()][gplvm-ggplot2] or a legend of your own then.  The default
#' colours are the colour-blind-safe Okabe-Ito palette (without its black)
#' for up to 8 levels and [grDevices::hcl.colors()]'s `"Dark 3"` hues, one
#' per level, beyond; the default shapes are filled symbols (`pch` 21 to
#' 25) with a black border, which stand out on any grey.  Colours given in
#' `col` are recycled when there are more levels, with a message.  A
#' numeric `labels` gets a continuous colour scale (by default
#' [grDevices::hcl.colors()]'s `"viridis"`) with a colour bar labelled at
#' [pretty()] values; turn numeric codes into a factor to get a legend
#' instead.
#'
#' @section Adding to the plot:
#' After `plot()` returns, the panel's user coordinates are the latent
#' coordinates shown (by default `X1` across, `X2` up), so
#' `points()`, `lines()`, `text()` and `abline()` draw in the latent space,
#' for example `points(predict(fit, newdata = Ynew))`.  In one dimension
#' they are the latent coordinate and the curve's value.  Like any
#' high-level plot it starts a new panel, so `par(mfrow = )` layouts
#' advance.  The keys are drawn in the right margin without changing the
#' coordinates.  To make room for them `plot()` widens the right margin
#' (`par("mar")[4]`) to 7.5 lines when it is narrower, the same for every
#' panel, and leaves it so (restoring it would move the panel under
#' anything drawn later); with `key = FALSE` or `type = "n"` no margin is
#' changed.  No other graphical parameter is changed.
#'
#' @param x A fitted model from [gplvm()].
#' @param labels Optional vector or factor of length N without `NA`:
#'   a factor, character or logical vector colours and shapes the points by
#'   level; a numeric vector colours them on a continuous scale.
#' @param dims One or two latent dimensions to show, the first across;
#'   `NULL` (the default) shows `X1` across and `X2` up (see "Which
#'   dimensions").
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
#' @param cex Size of the points.
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
#' @param uncertainty For a Bayesian fit, if `TRUE`, draw around each
#'   latent mean one standard deviation of \eqn{q(x_n)}{q(x_n)}: an
#'   ellipse in two dimensions, a horizontal bar in one.
#' @param inducing If `TRUE`, draw the inducing inputs of a sparse or
#'   Bayesian fit as small white diamonds, with an entry in the legend.
#' @param type `"p"` (the default) for points, or `"n"`, as in
#'   [plot.default()], for the empty frame: axes and titles in latent
#'   coordinates, without background, points or keys.
#' @param ... Further graphical parameters (such as `las`, `cex.axis`,
#'   `cex.main`) passed to [graphics::plot.window()], [graphics::axis()],
#'   [graphics::box()] and [graphics::title()].
#' @return The latent dimensions shown (an integer vector named `"X1"`,
#'   ...), invisibly.
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
#' # the panel is in latent coordinates (X1 across, X2 up): add to it
#' new <- predict(fit, newdata = iris[c(2, 101), 1:4])
#' points(new, pch = 8, cex = 2)
#' abline(h = 0, lty = 3)
#' # an empty frame to draw on yourself
#' plot(fit, type = "n")
#' text(fit$X, labels = substr(iris$Species[i], 1, 2), cex = 0.7)
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
                       ylim = NULL, asp = NA, trajectory = NULL,
                       uncertainty = FALSE, inducing = FALSE, type = "p",
                       ...) {
  .check_gplvm(x, "x")
  X <- x$X
  pick <- .plot_dims(x, dims)
  dims <- pick$dims
  one_d <- length(dims) == 1L
  resolution <- .check_count(resolution, "resolution", lo = 2L, hi = 1000L)
  background <- .check_choice(background,
                              c("precision", "magnification", "none"),
                              "background")
  key <- .check_flag(key, "key")
  type <- .check_choice(type, c("p", "n"), "type")
  path <- .latent_trajectory(.fit_latent_term(x), nrow(X))  # R/gpdm.R
  trajectory <- .check_flag(trajectory %||% path$show, "trajectory")
  term <- .fit_data_term(x)  # R/data_term.R
  latent_var <- .check_uncertainty(uncertainty, term, x)
  uncertainty <- length(latent_var) > 0L
  inducing <- .check_flag(inducing, "inducing")
  Z <- .data_inducing(term, x)
  if (inducing && !length(Z)) {
    stop("'inducing' needs a fit with inducing inputs (a sparse or Bayesian fit)",
         call. = FALSE)
  }
  cex <- .check_positive(cex, "cex")
  style <- .point_style(labels, nrow(X), col, pch,
                        .short_name(substitute(labels)))
  style$inducing <- inducing
  xlim <- .check_lim(xlim, "xlim", .span(X[, dims[1L]]))
  shading <- .shading(x, background, dims)
  draw <- type == "p"
  shade <- draw && background != "none" && !one_d
  key <- key && draw

  .set_key_margin(style, key, if (shade) shading$title)
  graphics::plot.new()
  # Graphical parameters in `...` go to the same low-level functions as in
  # plot.default(); these wrappers drop the ones they must not see.
  window <- function(..., col, bg, pch, cex, lty, lwd) {
    graphics::plot.window(...)
  }
  on_line <- function(v) .on_axis(X, dims, v)
  if (one_d) {
    gx <- seq(xlim[1L], xlim[2L], length.out = 5L * resolution)
    curve <- shading$fun(on_line(gx))
    yy <- shading$fun(on_line(X[, dims]))
    ylim <- .check_lim(ylim, "ylim", range(curve, yy))
    window(xlim, ylim, xaxs = "i", ...)
    if (draw) {
      graphics::lines(gx, curve, col = "grey40", lwd = 1.5)
      # a rug shows where the points are when they crowd on the curve
      usr <- graphics::par("usr")
      graphics::segments(X[, dims], usr[3L], X[, dims],
                         usr[3L] + 0.03 * (usr[4L] - usr[3L]),
                         col = style$fill)
    }
    zlim <- NULL
  } else {
    yy <- X[, dims[2L]]
    ylim <- .check_lim(ylim, "ylim", .span(yy))
    window(xlim, ylim, asp = asp, xaxs = "i", yaxs = "i", ...)
    zlim <- if (shade) .draw_shade(x, shading, dims, resolution)
  }
  if (draw) {
    if (trajectory) .draw_trajectory(X[, dims[1L]], yy, path$sequence)
    if (uncertainty) .draw_uncertainty(x, latent_var, dims, yy, style$fill)
    .draw_points(X[, dims[1L]], yy, style, cex)
    if (inducing) {
      graphics::points(Z[, dims[1L]],
                       if (one_d) shading$fun(on_line(Z[, dims]))
                       else Z[, dims[2L]],
                       pch = .inducing_pch, bg = "white", col = "black",
                       cex = 0.6 * cex)
    }
  }
  axes <- function(..., col, bg, pch, cex, lty, lwd) {
    graphics::axis(1L, ...)
    graphics::axis(2L, ...)
    graphics::box(...)
  }
  axes(...)
  names <- .axis_names(x, pick)
  labs <- function(..., col, bg, pch, cex, lty, lwd) {
    graphics::title(main = main, sub = sub,
                    xlab = if (is.null(xlab)) names[1L] else xlab,
                    ylab = if (!is.null(ylab)) ylab
                           else if (one_d) shading$label
                           else names[2L], ...)
  }
  labs(...)
  if (key) .draw_keys(style, zlim, shading)
  invisible(dims)
}

# Latent points along dimension dims[1] at coordinates v, the other
# dimensions at their mean over the training points.
.on_axis <- function(X, dims, v) {
  G <- matrix(colMeans(X), length(v), ncol(X), byrow = TRUE)
  G[, dims[1L]] <- v
  G
}

.inducing_pch <- 23

# The latent dimensions to show and how they were chosen ("given",
# "first": X1 across and X2 up, "relevance": the most relevant of more
# than two, "only used": the one dimension a Bayesian fit uses).
.plot_dims <- function(x, dims) {
  q <- ncol(x$X)
  if (!is.null(dims)) {
    ok <- is.numeric(dims) && length(dims) %in% seq_len(min(2L, q)) &&
      all(dims %in% seq_len(q)) && !anyDuplicated(dims)
    if (!ok) {
      stop(sprintf("'dims' must be 1 or %d different latent dimensions in 1..%d",
                   min(2L, q), q), call. = FALSE)
    }
    return(.named_dims(x, dims, "given"))
  }
  relevance <- .data_relevance(.fit_data_term(x), x)  # R/data_term.R
  if (length(relevance$used) == 1L) {
    return(.named_dims(x, relevance$used, "only used"))
  }
  if (q <= 2L) return(.named_dims(x, seq_len(q), "first"))
  .named_dims(x, sort(order(-relevance$value)[1:2]), "relevance")
}

.named_dims <- function(x, dims, how) {
  dims <- as.integer(dims)
  list(dims = stats::setNames(dims, colnames(x$X)[dims]), how = how)
}

# Axis titles: the names of the dimensions, and why they were chosen when
# the package chose them.
.axis_names <- function(x, pick) {
  nm <- names(pick$dims)
  if (pick$how == "relevance") {
    rel <- .relevance(x)[pick$dims]
    nm <- sprintf("%s (relevance %s)", nm,
                  vapply(signif(rel, 2L), format, ""))
  }
  if (pick$how == "only used") {
    nm <- sprintf("%s (the only dimension in use)", nm)
  }
  nm
}

# The variances of q(X) that `uncertainty` (checked) asks plot() or
# autoplot() to draw: the data term's (R/data_term.R), NULL for none.
.check_uncertainty <- function(uncertainty, term, x) {
  if (!.check_flag(uncertainty, "uncertainty")) return(NULL)
  V <- .data_latent_var(term, x)
  if (!length(V)) {
    stop("'uncertainty' needs a fit with latent variances (bayesian = TRUE)",
         call. = FALSE)
  }
  V
}

# One standard deviation of q(x_n) (variances V) around each latent mean:
# an ellipse in two dimensions, a horizontal bar at the point's height in
# one.
.draw_uncertainty <- function(x, V, dims, yy, fill) {
  sd <- sqrt(V[, dims, drop = FALSE])
  mx <- x$X[, dims[1L]]
  if (length(dims) == 1L) {
    graphics::segments(mx - sd[, 1L], yy, mx + sd[, 1L], yy, col = fill,
                       lwd = 0.7)
    return(invisible())
  }
  a <- c(seq(0, 2 * pi, length.out = 33), NA)
  ex <- c(outer(cos(a), sd[, 1L]) + rep(mx, each = 34))
  ey <- c(outer(sin(a), sd[, 2L]) + rep(yy, each = 34))
  for (f in unique(fill)) {
    keep <- rep(fill == f, each = 34)
    graphics::lines(ex[keep], ey[keep], col = f, lwd = 0.5)
  }
  invisible()
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
  lcol <- .level_colours(col, k)
  lpch <- rep_len(pch, k)
  g <- as.integer(labels)
  list(type = "factor", fill = lcol[g], pch = lpch[g], levels = levels(labels),
       lcol = lcol, lpch = lpch, name = name)
}

# One colour per level: the Okabe-Ito palette up to its 8 colours, then
# k distinct hues; colours given by the user are recycled, with a message
# (the shapes, recycled with another period, keep the levels apart).
.level_colours <- function(col, k) {
  if (is.null(col)) {
    return(if (k <= length(.okabe_ito)) .okabe_ito[seq_len(k)]
           else grDevices::hcl.colors(k, "Dark 3"))
  }
  if (length(col) < k) {
    message(sprintf(paste("'col' gives %d colours for %d levels of 'labels':",
                          "colours are reused (with other symbols)"),
                    length(col), k))
  }
  rep_len(col, k)
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

# Width of the right margin, in lines, whenever keys are drawn: the same
# for every panel, so that panels of a par(mfrow = ) layout keep one width.
.key_margin <- 7.5

# Above this many levels a factor legend is left out (a note says so).
.max_legend <- 12L

# Widen the right margin to .key_margin lines, if narrower, when there is
# a key to draw.  title: the shading key's title, NULL without one.
.set_key_margin <- function(style, key, title) {
  if (!key || (is.null(title) && style$type == "none" && !style$inducing)) {
    return(invisible())
  }
  mar <- graphics::par("mar")
  if (mar[4L] < .key_margin) graphics::par(mar = c(mar[1:3], .key_margin))
  invisible()
}

# What the legend lists: the levels of a factor `labels` (unless there are
# more than .max_legend) and the inducing inputs when drawn; `note` holds
# the lines that replace a legend left out.
.legend_entries <- function(style) {
  e <- list(text = character(), pch = numeric(), fill = character(),
            note = NULL)
  if (style$type == "factor") {
    k <- length(style$levels)
    if (k <= .max_legend) {
      e$text <- style$levels
      e$pch <- style$lpch
      e$fill <- style$lcol
    } else {
      e$note <- c(sprintf("%d levels:", k), "no legend")
    }
  }
  if (style$inducing) {
    e$text <- c(e$text, "inducing input")
    e$pch <- c(e$pch, .inducing_pch)
    e$fill <- c(e$fill, "white")
  }
  e
}

# Text size of the legend so that its rows fit above the smallest
# precision bar and its widest entry in the margin; entries still too wide
# at the smallest size are abbreviated.
.legend_layout <- function(entries, style, shade) {
  csi <- graphics::par("csi")
  avail <- (if (shade) 0.58 else 1) * graphics::par("pin")[2L] / csi
  rows <- length(entries$text) + .has_title(style)
  width <- function(s, cex) {
    max(graphics::strwidth(s, units = "inches", cex = cex)) / csi +
      2.5 * cex
  }
  room <- .key_margin - 0.6
  text <- entries$text
  for (cex in c(0.9, 0.8, 0.7, 0.6)) {
    if ((rows + 1) * cex <= avail && width(text, cex) <= room) break
  }
  n <- max(nchar(text), 1L)
  while (length(text) && n > 4L && width(text, cex) > room) {
    n <- n - 1L
    text <- .shorten(entries$text, n)
  }
  list(cex = cex, text = text)
}

# Whether the legend has a title: the name of a factor `labels`.
.has_title <- function(style) {
  style$type == "factor" && nzchar(style$name)
}

# Labels cut to n characters, the cut ones ending in "..", unless that
# makes two alike: then abbreviate()'s unique abbreviations.
.shorten <- function(text, n) {
  cut <- ifelse(nchar(text) > n, paste0(substr(text, 1L, n - 2L), ".."),
                text)
  if (anyDuplicated(cut) && !anyDuplicated(text)) {
    cut <- abbreviate(text, n, named = FALSE)
  }
  cut
}

# Heights, as fractions of the plot region, of the two key slots: the
# labels' key from the top, the precision bar from the bottom, taking what
# a legend leaves.
.key_slots <- function(style, shade) {
  entries <- .legend_entries(style)
  if (style$type == "numeric") {
    return(list(labels = c(0.58, 1),
                bar = c(0, if (style$inducing) 0.3 else 0.4)))
  }
  line <- graphics::par("csi") / graphics::par("pin")[2L]
  rows <- if (!is.null(entries$note)) length(entries$note) + 1
          else if (length(entries$text)) {
            length(entries$text) + .has_title(style) + 1
          } else 0
  cex <- if (length(entries$text)) .legend_layout(entries, style, shade)$cex
         else .key_cex
  top <- 1 - rows * cex * line
  list(labels = c(max(top, 0), 1),
       bar = c(0, min(0.7, max(0.4, top - 3 * line))))
}

# x in user coordinates `lines` text lines to the right of the plot region.
.margin_x <- function(lines) {
  inch <- graphics::grconvertX(1, "npc", "inches") +
    lines * graphics::par("csi")
  graphics::grconvertX(inch, "inches", "user")
}

.npc_y <- function(f) graphics::grconvertY(f, "npc", "user")

# Tick positions and their labels for a colour bar over zlim: pretty()
# values inside it, formatted together as axis() does.
.bar_ticks <- function(zlim, n) {
  for (m in max(1L, n) + 0:5) {
    at <- pretty(zlim, n = m)
    at <- at[at >= zlim[1L] & at <= zlim[2L]]
    if (length(at) >= 2L) break
  }
  if (length(at) < 2L) at <- zlim
  list(at = at, labels = format(at, trim = TRUE))
}

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
  ticks <- .bar_ticks(zlim, floor(fit))
  ya <- .npc_y(slot[1L] + (top - slot[1L]) * (ticks$at - zlim[1L]) /
                 diff(zlim))
  graphics::segments(x1, ya, .margin_x(1.65), ya, xpd = NA)
  graphics::text(.margin_x(1.6), ya, ticks$labels,
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
  entries <- .legend_entries(style)
  if (!is.null(entries$note)) {
    graphics::text(.margin_x(0.6), .npc_y(1), paste(entries$note,
                                                     collapse = "\n"),
                   adj = c(0, 1), cex = .key_cex, xpd = NA)
  }
  if (length(entries$text)) {
    lay <- .legend_layout(entries, style, !is.null(zlim))
    sc <- .symbol_colours(entries$fill, entries$pch)
    # a numeric key holds the top: the inducing entry goes below its bar
    y <- if (style$type == "numeric") .npc_y(slots$bar[2L] + 0.2)
         else .npc_y(slots$labels[2L])
    graphics::legend(.margin_x(0.3), y,
                     legend = lay$text, pch = entries$pch, col = sc$col,
                     pt.bg = sc$bg, pt.cex = 1.2, cex = lay$cex,
                     bty = "n", xpd = NA,
                     title = if (.has_title(style)) style$name,
                     title.adj = 0)
  }
}
