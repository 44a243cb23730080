# plot.gplvm: what it leaves behind for later drawing, what it shades, and
# its argument checks.

# Device coordinates (ndc) of user points, and of the current plot region.
ndc_of <- function(xy) {
  cbind(graphics::grconvertX(xy[, 1], "user", "ndc"),
        graphics::grconvertY(xy[, 2], "user", "ndc"))
}
plot_region_ndc <- function() {
  c(graphics::grconvertX(0:1, "npc", "ndc"),
    graphics::grconvertY(0:1, "npc", "ndc"))
}
inside <- function(p, r) {
  p[, 1] > r[1] & p[, 1] < r[2] & p[, 2] > r[3] & p[, 2] < r[4]
}

test_that("points added after plot() land at their latent coordinates", {
  set.seed(1)
  fit <- small_fit()
  grDevices::pdf(NULL, width = 7, height = 6)
  on.exit(grDevices::dev.off())
  expect_invisible(out <- plot(fit, labels = iris$Species[seq(1, 150, 5)],
                               resolution = 10, dims = 1:2))
  expect_identical(out, c(X1 = 1L, X2 = 2L))
  new <- predict(fit, newdata = iris[c(3, 58, 123), 1:4])
  graphics::points(new, pch = 8)
  # the user coordinates are the latent ones: the plot region spans the
  # range of the fitted positions plus 10% on each side
  span <- apply(fit$X, 2, function(v) range(v) + c(-0.1, 0.1) * diff(range(v)))
  expect_equal(graphics::par("usr"), c(span), tolerance = 1e-12)
  region <- plot_region_ndc()
  expect_true(all(inside(ndc_of(fit$X), region)))
  # the projected points lie inside the region, where their coordinates
  # put them: same relative position in the region as in the latent span
  p <- ndc_of(new)
  expect_true(all(inside(p, region)))
  expect_equal((p[, 1] - region[1]) / diff(region[1:2]),
               unname((new[, 1] - span[1, 1]) / diff(span[, 1])))
  expect_equal((p[, 2] - region[3]) / diff(region[3:4]),
               unname((new[, 2] - span[1, 2]) / diff(span[, 2])))
  # abline(h = 0) is a horizontal line at latent 0, inside the region
  expect_gt(graphics::grconvertY(0, "user", "ndc"), region[3])
  expect_lt(graphics::grconvertY(0, "user", "ndc"), region[4])
})

test_that("plot() advances a 1 x 2 layout and each panel keeps its coordinates", {
  set.seed(2)
  fit <- small_fit()
  grDevices::pdf(NULL, width = 10, height = 5)
  on.exit(grDevices::dev.off())
  graphics::par(mfrow = c(1, 2))
  plot(fit, resolution = 10, dims = 1:2)
  expect_identical(graphics::par("mfg")[1:2], c(1L, 1L))
  left <- plot_region_ndc()
  plot(fit, labels = iris$Petal.Width[seq(1, 150, 5)], resolution = 10,
       dims = 2:1)
  expect_identical(graphics::par("mfg")[1:2], c(1L, 2L))
  right <- plot_region_ndc()
  # the second panel is in the right half, beside the first
  expect_gt(right[1], 0.5)
  expect_lt(left[2], 0.5)
  new <- predict(fit, newdata = iris[c(3, 58, 123), 1:4])
  graphics::points(new[, 2:1], pch = 8)
  p <- ndc_of(new[, 2:1])
  expect_true(all(inside(p, right)))
  expect_true(all(p[, 1] > 0.5))
  expect_true(all(inside(ndc_of(fit$X[, 2:1]), right)))
})

test_that("with key = FALSE plot() changes no graphical parameter but the panel", {
  set.seed(3)
  fit <- small_fit()
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  before <- graphics::par(no.readonly = TRUE)
  plot(fit, key = FALSE, resolution = 10)
  after <- graphics::par(no.readonly = TRUE)
  changed <- names(before)[!vapply(names(before), function(n)
    identical(before[[n]], after[[n]]), NA)]
  # a new plot sets its coordinates and plot region, nothing else
  expect_true(all(changed %in% c("usr", "plt", "pin", "xaxp", "yaxp")))
  # with the keys the right margin is widened and kept
  plot(fit, labels = iris$Species[seq(1, 150, 5)], resolution = 10)
  expect_gt(graphics::par("mar")[4], before$mar[4])
  expect_equal(graphics::par("mar")[1:3], before$mar[1:3])
})

test_that("the shading is the log10 precision of f on the plotted grid", {
  set.seed(4)
  fit <- small_fit()
  G <- rbind(fit$X[1:3, ], c(5, 5))
  Ks <- kern_matrix(fit$kernel, G, fit$X)
  K <- kern_matrix(fit$kernel, fit$X) + diag(fit$noise, nrow(fit$X))
  v <- diag(kern_matrix(fit$kernel, G)) - rowSums(Ks * t(solve(K, t(Ks))))
  expect_equal(gplvm:::.log_precision(fit, G), unname(-log10(v)),
               tolerance = 1e-6)
  # light (high precision) at the data, dark far away
  lp <- gplvm:::.log_precision(fit, G)
  expect_true(all(lp[1:3] > lp[4] + 1))
  # the grid covers the region cell by cell, dims in their places
  g <- gplvm:::.shade_grid(fit, 2:1, c(0, 1), c(-1, 1), 4,
                           function(G) gplvm:::.log_precision(fit, G))
  expect_equal(g$x, c(0.125, 0.375, 0.625, 0.875))
  expect_equal(g$y, c(-0.75, -0.25, 0.25, 0.75))
  # cell (2, 2): dims[1] = 2 at 0.375, dims[2] = 1 at -0.25
  expect_equal(g$z[2, 2], gplvm:::.log_precision(fit, cbind(-0.25, 0.375)))
})

test_that("plot draws every kind of labels, q = 1 and sparse fits", {
  set.seed(5)
  fit <- small_fit(q = 3)
  i <- seq(1, 150, 5)
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  expect_silent(plot(fit, labels = iris$Species[i], main = "iris",
                     resolution = 10, las = 1, asp = 1))
  expect_silent(plot(fit, labels = iris$Petal.Width[i], resolution = 10))
  expect_silent(plot(fit, labels = as.character(iris$Species[i]),
                     dims = c(3, 1), resolution = 10, background = "none"))
  expect_silent(plot(fit, labels = rep(letters, 2)[1:30], resolution = 10))
  expect_message(plot(fit, labels = iris$Species[i], col = c("red", "blue"),
                      pch = 1:3, resolution = 10),
                 "'col' gives 2 colours for 3 levels")
  # col = NULL is the default palette
  expect_silent(plot(fit, labels = iris$Species[i], col = NULL,
                     resolution = 10))
  fit1 <- small_fit(q = 1)
  expect_silent(plot(fit1, labels = rep(1:2, 15), resolution = 10))
  # q = 1: the latent coordinate against the log10 precision, with the
  # points on the curve
  usr <- graphics::par("usr")
  lp <- gplvm:::.log_precision(fit1, fit1$X)
  expect_true(all(fit1$X > usr[1] & fit1$X < usr[2]))
  expect_true(all(lp >= usr[3] & lp <= usr[4]))
})

test_that("bad plot arguments give clear errors naming them", {
  set.seed(6)
  fit <- small_fit(q = 3)
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  lab <- iris$Species[seq(1, 150, 5)]
  expect_error(plot(fit, dims = c(1, 4)), "'dims'")
  expect_error(plot(fit, dims = c(1, 1)), "'dims'")
  expect_error(plot(fit, labels = 1:3), "'labels' must have length 30")
  # the four of issue 16: labels with NA, a huge resolution, labels as a
  # list (col = NULL is the default palette, tested above)
  expect_error(plot(fit, labels = replace(lab, 4, NA)),
               "'labels' must not contain NA .*point 4")
  expect_error(plot(fit, resolution = 1e5),
               "'resolution' must be a whole number between 2 and 1000")
  expect_error(plot(fit, labels = as.list(1:30)),
               "'labels' must be a vector or a factor")
  expect_error(plot(fit, labels = as.list(1:20)),
               "'labels' must be a vector or a factor")
  expect_error(plot(fit, resolution = 1), "'resolution'")
  expect_error(plot(fit, col = character(0)), "'col'")
  expect_error(plot(fit, col = "no such colour"), "'col'")
  expect_error(plot(fit, col = NA), "'col'")
  expect_error(plot(fit, labels = seq_len(30), col = "red"), "'col'")
  expect_error(plot(fit, pch = NA), "'pch'")
  expect_error(plot(fit, key = NA), "'key'")
  expect_error(plot(fit, background = "magnify"), "'background'")
  expect_error(plot(fit, xlim = c(1, 1)), "'xlim'")
  expect_error(plot(fit, cex = -1), "'cex'")
  rel <- gplvm:::.relevance(fit)
  expect_equal(length(rel), 3L)
  expect_equal(max(rel), 1)
})
