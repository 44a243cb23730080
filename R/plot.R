#' Plot the latent space of a fitted GP-LVM
#'
#' Draws the fitted latent positions in two latent dimensions over a
#' greyscale image of the model's uncertainty, as in Lawrence (2005).
#'
#' The shading is the posterior variance of the latent function \eqn{f} at
#' each point of a `resolution` by `resolution` grid covering the points
#' (10\% margin): \eqn{k(x, x) - k(x, X) K^{-1} k(X, x)}{k(x, x) - k(x, X)
#' K^-1 k(X, x)}, noise excluded, in the units of the centred (scaled) data,
#' with latent dimensions other than `dims` held at their mean over the
#' training points.  It is drawn on a linear grey scale from black (the
#' smallest variance on the grid: the model is confident there) to white
#' (the largest).  With `q = 1` the single latent dimension is the
#' horizontal axis and the points are spread vertically by their row number.
#'
#' @param x A fitted model from [gplvm()].
#' @param labels Optional vector (or factor) of length N: points are
#'   coloured and shaped by its levels and a legend is drawn.
#' @param dims Two latent dimensions to show; `NULL` (the default) picks the
#'   two most relevant (see [summary.gplvm()]; for an RBF with ARD the two
#'   with the largest spread relative to their lengthscale), the most
#'   relevant on the horizontal axis.
#' @param resolution Number of grid points along each axis of the image.
#' @param col,pch Colours and plotting symbols, one per label level
#'   (recycled).
#' @param cex Size of the points.  The inducing inputs of a sparse fit are
#'   drawn as small yellow discs.
#' @param ... Further arguments passed to [graphics::image()], such as
#'   `main`, `xlab` or `ylab`.
#' @return `x`, invisibly.
#' @examples
#' set.seed(1)
#' fit <- gplvm(iris[seq(1, 150, 3), 1:4])
#' plot(fit, labels = iris$Species[seq(1, 150, 3)])
#' @export
plot.gplvm <- function(x, labels = NULL, dims = NULL, resolution = 60,
                       col = c("red", "green3", "dodgerblue", "orange",
                               "magenta", "cyan", "yellow"),
                       pch = c(4, 1, 3, 2, 5, 6, 0), cex = 0.8, ...) {
  .check_gplvm(x, "x")
  X <- x$X
  q <- ncol(X)
  resolution <- .check_count(resolution, "resolution", lo = 2L)
  if (is.null(dims)) {
    dims <- order(-.relevance(x))[seq_len(min(2L, q))]
  } else {
    ok <- is.numeric(dims) && length(dims) == min(2L, q) &&
      all(dims %in% seq_len(q)) && !anyDuplicated(dims)
    if (!ok) {
      stop(sprintf("'dims' must be %d different latent dimensions in 1..%d",
                   min(2L, q), q), call. = FALSE)
    }
  }
  if (!is.null(labels)) {
    if (length(labels) != nrow(X)) {
      stop(sprintf("'labels' must have length %d, one per point, not %d",
                   nrow(X), length(labels)), call. = FALSE)
    }
    labels <- as.factor(labels)
  }
  grp <- if (is.null(labels)) rep(1L, nrow(X)) else as.integer(labels)

  span <- function(v) {
    r <- range(v)
    r + c(-0.1, 0.1) * max(diff(r), 1e-8)
  }
  gx <- seq(span(X[, dims[1L]])[1L], span(X[, dims[1L]])[2L],
            length.out = resolution)
  if (q == 1L) {
    yy <- seq_len(nrow(X))
    gy <- range(yy) + c(-0.5, 0.5)
    v <- .predict_var(x, matrix(gx))
    z <- cbind(v, v)
  } else {
    yy <- X[, dims[2L]]
    gy <- seq(span(yy)[1L], span(yy)[2L], length.out = resolution)
    G <- matrix(colMeans(X), resolution^2, q, byrow = TRUE)
    G[, dims[1L]] <- gx
    G[, dims[2L]] <- rep(gy, each = resolution)
    z <- matrix(.predict_var(x, G), resolution, resolution)
  }

  old <- graphics::par(no.readonly = TRUE)
  on.exit(graphics::par(old))
  if (!is.null(labels)) graphics::par(mar = c(5.1, 4.1, 4.1, 8.1))
  args <- list(x = gx, y = gy, z = z,
               col = grDevices::grey(seq(0, 1, length.out = 64)),
               xlab = colnames(X)[dims[1L]],
               ylab = if (q == 1L) "point" else colnames(X)[dims[2L]],
               useRaster = TRUE)
  dots <- list(...)
  args[names(dots)] <- dots
  do.call(graphics::image, args)
  col <- rep_len(col, max(grp))
  pch <- rep_len(pch, max(grp))
  graphics::points(X[, dims[1L]], yy, col = col[grp], pch = pch[grp],
                   cex = cex)
  if (!is.null(x$inducing)) {
    graphics::points(x$inducing[, dims[1L]],
                     if (q == 1L) rep(gy[1L], nrow(x$inducing))
                     else x$inducing[, dims[2L]],
                     pch = 21, cex = 0.7 * cex, col = "black",
                     bg = "yellow")
  }
  if (!is.null(labels)) {
    graphics::legend("topleft", legend = levels(labels), col = col,
                     pch = pch, bty = "n", xpd = TRUE,
                     inset = c(1.02, 0))
  }
  invisible(x)
}
