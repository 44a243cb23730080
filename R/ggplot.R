#' ggplot2 methods for fitted GP-LVMs
#'
#' `autoplot()` draws the latent space as [plot.gplvm()] does, as a ggplot:
#' the latent positions over a raster of the log10 precision of the latent
#' function, light where the model is confident, or with
#' `background = "magnification"` of the log10 magnification factor
#' \eqn{\log_{10}\sqrt{\det G}}{log10 sqrt(det G)}, dark where the map
#' stretches the latent space (see "What is shaded" in [plot.gplvm()]).  `fortify()` returns the latent coordinates as a data
#' frame, [as.data.frame.gplvm()], next to the columns of `data` if given.
#'
#' Both are registered as methods of ggplot2's generics when ggplot2 is
#' loaded; ggplot2 is only suggested, and gplvm works without it.
#'
#' @param object,model A fitted model from [gplvm()].
#' @param labels Optional vector or factor of length N without `NA`, as in
#'   [plot.gplvm()]: a factor, character or logical vector colours and
#'   shapes the points by level, a numeric one colours them on a continuous
#'   scale.
#' @param dims,resolution,background,trajectory,uncertainty As in
#'   [plot.gplvm()], with the same choice of dimensions (`X1` across and
#'   `X2` up by default; see "Which dimensions" there): the latent
#'   trajectory is a path layer (by default for fits with GP dynamics), the
#'   uncertainty of a Bayesian fit a layer of ellipses (or, in one
#'   dimension, horizontal bars) of one standard deviation.
#' @param data Optional data frame with one row per data row, whose columns
#'   are put before the latent coordinates.
#' @param ... Not used: any further argument is an error.
#' @return `autoplot()` a ggplot object; `fortify()` a data frame.
#' @examples
#' if (requireNamespace("ggplot2", quietly = TRUE)) {
#'   set.seed(1)
#'   i <- seq(1, 150, 3)
#'   fit <- gplvm(iris[i, 1:4])
#'   print(ggplot2::autoplot(fit, labels = iris$Species[i]))
#'   head(ggplot2::fortify(fit, iris[i, ]))
#' }
#' @name gplvm-ggplot2
NULL

#' @rdname gplvm-ggplot2
#' @exportS3Method ggplot2::autoplot
autoplot.gplvm <- function(object, labels = NULL, dims = NULL,
                           resolution = 60,
                           background = c("precision", "magnification",
                                          "none"), trajectory = NULL,
                           uncertainty = FALSE, ...) {
  .check_gplvm(object)
  .check_no_dots(...)
  pick <- .plot_dims(object, dims)
  dims <- pick$dims
  # the variances of q(X) to draw, if asked for (R/plot.R)
  latent_var <- .check_uncertainty(uncertainty, .fit_data_term(object),
                                   object)
  resolution <- .check_count(resolution, "resolution", lo = 2L, hi = 1000L)
  background <- .check_choice(background,
                              c("precision", "magnification", "none"),
                              "background")
  shading <- .shading(object, background, dims)
  value <- if (background == "magnification") "log10_magnification"
           else "log10_precision"
  style <- .point_style(labels, nrow(object$X), NULL, NULL, "")
  name <- .short_name(substitute(labels))
  if (!nzchar(name)) name <- "labels"
  X <- object$X
  pts <- as.data.frame(object)
  nx <- colnames(X)[dims[1L]]
  axis_names <- .axis_names(object, pick)
  aes <- ggplot2::aes
  if (length(dims) == 1L) {
    ny <- value
    xr <- .span(X[, dims])
    gx <- seq(xr[1L], xr[2L], length.out = 5L * resolution)
    curve <- stats::setNames(
      data.frame(gx, shading$fun(.on_axis(X, dims, gx))), c(nx, ny))
    pts[[ny]] <- shading$fun(.on_axis(X, dims, X[, dims]))
    p <- ggplot2::ggplot(pts, aes(x = !!as.name(nx), y = !!as.name(ny))) +
      ggplot2::geom_line(data = curve, colour = "grey40") +
      ggplot2::labs(x = axis_names[1L], y = shading$label)
  } else {
    ny <- colnames(X)[dims[2L]]
    p <- ggplot2::ggplot(pts, aes(x = !!as.name(nx), y = !!as.name(ny)))
    if (background != "none") {
      g <- .shade_grid(object, dims, .span(X[, dims[1L]]),
                       .span(X[, dims[2L]]), resolution, shading$fun)
      grid <- stats::setNames(expand.grid(g$x, g$y), c(nx, ny))
      grid[[value]] <- c(g$z)
      p <- p +
        ggplot2::geom_raster(data = grid, aes(fill = !!as.name(value))) +
        ggplot2::scale_fill_gradient(
          low = shading$colours[1L],
          high = shading$colours[length(shading$colours)],
          name = paste(shading$title, collapse = "\n"))
    }
    p <- p + ggplot2::coord_cartesian(expand = FALSE) +
      ggplot2::labs(x = axis_names[1L], y = axis_names[2L])
  }
  if (length(latent_var)) {
    p <- p + .uncertainty_layer(latent_var, dims, pts[[nx]], pts[[ny]])
  }
  traj <- .latent_trajectory(.fit_latent_term(object), nrow(X))  # R/gpdm.R
  if (.check_flag(trajectory %||% traj$show, "trajectory")) {
    path <- pts[c(nx, ny)]
    path$.sequence <- traj$sequence
    p <- p + ggplot2::geom_path(data = path,
                                aes(group = !!as.name(".sequence")),
                                colour = "grey30")
  }
  if (style$type == "none") {
    return(p + ggplot2::geom_point(colour = .okabe_ito[2L]))
  }
  pts[[name]] <- if (style$type == "numeric") labels else factor(labels)
  lab <- as.name(name)
  if (style$type == "numeric") {
    return(p + ggplot2::geom_point(data = pts, aes(colour = !!lab)) +
             ggplot2::scale_colour_viridis_c())
  }
  k <- length(style$levels)
  p + ggplot2::geom_point(data = pts, aes(colour = !!lab, shape = !!lab)) +
    ggplot2::scale_colour_manual(values = .level_colours(NULL, k)) +
    ggplot2::scale_shape_manual(values = rep_len(c(16, 15, 17, 18, 8), k))
}

# One standard deviation of q(x_n) (variances V) around each latent mean
# (x, y): the ellipses in two dimensions, horizontal bars in one, as a
# path layer.
.uncertainty_layer <- function(V, dims, x, y) {
  sd <- sqrt(V[, dims, drop = FALSE])
  n <- nrow(sd)
  a <- if (length(dims) == 1L) c(pi, 0) else seq(0, 2 * pi, length.out = 33)
  path <- data.frame(
    .x = c(outer(cos(a), sd[, 1L]) + rep(x, each = length(a))),
    .y = if (length(dims) == 1L) rep(y, each = 2L)
         else c(outer(sin(a), sd[, 2L]) + rep(y, each = length(a))),
    .point = rep(seq_len(n), each = length(a)))
  ggplot2::geom_path(data = path,
                     ggplot2::aes(x = !!as.name(".x"), y = !!as.name(".y"),
                                  group = !!as.name(".point")),
                     colour = "grey25", linewidth = 0.2, inherit.aes = FALSE)
}

#' @rdname gplvm-ggplot2
#' @exportS3Method ggplot2::fortify
fortify.gplvm <- function(model, data = NULL, ...) {
  .check_no_dots(...)
  out <- as.data.frame(model)
  if (is.null(data)) return(out)
  data <- as.data.frame(data)
  if (nrow(data) != nrow(out)) {
    stop(sprintf("'data' must have %d rows, one per data row, not %d",
                 nrow(out), nrow(data)), call. = FALSE)
  }
  cbind(data, out)
}
