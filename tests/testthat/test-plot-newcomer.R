# Issue 27: what a newcomer adds to a plot lands where it belongs, and the
# plots of every kind of fit read without the help pages.

# The points() and lines() a plot drew, from the device's display list:
# one list(x, y, pch, type) per call.
drawn_xy <- function() {
  calls <- grDevices::recordPlot()[[1]]
  out <- list()
  for (e in calls) {
    f <- e[[2]][[1]]
    if (inherits(f, "NativeSymbolInfo") && identical(f$name, "C_plotXY")) {
      a <- e[[2]]
      out[[length(out) + 1L]] <- list(x = a[[2]]$x, y = a[[2]]$y,
                                      type = a[[3]], pch = a[[4]])
    }
  }
  out
}
ndc_x <- function(v) graphics::grconvertX(v, "user", "ndc")
ndc_y <- function(v) graphics::grconvertY(v, "user", "ndc")
panel_width <- function() diff(graphics::grconvertX(0:1, "npc", "ndc"))

# The README's example (its "## Example" block), kept here for R CMD
# check, which runs the tests without the README; from a checkout the test
# reads the README itself.
readme_example <- c(
  "library(gplvm)",
  "set.seed(1)",
  "fit <- gplvm(iris[, 1:4], q = 2, scale = TRUE)",
  "fit$optim$convergence",
  "fit",
  "summary(fit)",
  "AIC(fit)",
  "plot(fit, labels = iris$Species)",
  "X_new <- predict(fit, newdata = iris[1:5, 1:4])",
  "points(X_new, pch = 8)",
  "predict(fit, newlatent = X_new, se.fit = TRUE)",
  "head(fitted(fit))")

readme_code <- function() {
  path <- file.path("..", "..", "README.md")
  if (!file.exists(path)) return(readme_example)
  lines <- readLines(path)
  from <- grep("^```r", lines)
  from <- from[from > grep("^## Example", lines)][1]
  to <- from + which(lines[-seq_len(from)] == "```")[1]
  code <- sub("[[:space:]]*#.*$", "", lines[(from + 1):(to - 1)])
  code[nzchar(code)]
}

test_that("the README example, run as written, puts every point where it belongs", {
  code <- readme_code()
  expect_identical(code, readme_example)
  env <- new.env()
  grDevices::pdf(NULL, width = 7, height = 6)
  on.exit(grDevices::dev.off())
  utils::capture.output(for (line in code) {
    eval(parse(text = line), envir = env)
  })
  fit <- env$fit
  X_new <- env$X_new
  expect_identical(fit$optim$convergence, 0L)
  # on the device, each new point sits on the training point it came from
  # (within 2% of the panel) and among setosa flowers: its nearest
  # training point on the device is a setosa
  px <- ndc_x(X_new[, 1]); py <- ndc_y(X_new[, 2])
  tx <- ndc_x(fit$X[, 1]); ty <- ndc_y(fit$X[, 2])
  expect_lt(max(abs(px - tx[1:5]), abs(py - ty[1:5])), 0.02 * panel_width())
  near <- vapply(1:5, function(i) which.min((tx - px[i])^2 + (ty - py[i])^2),
                 1L)
  expect_true(all(iris$Species[near] == "setosa"))
  # X1 runs across, X2 up
  expect_equal(graphics::par("usr"), c(gplvm:::.span(fit$X[, 1]),
                                       gplvm:::.span(fit$X[, 2])))
  # the picture the README describes: setosa in one group (cut into two,
  # the smaller part is a straggler or two, not the 20 of 50 of the
  # unscaled fit; bench/scale_default.out)
  S <- fit$X[iris$Species == "setosa", ]
  expect_lte(min(table(stats::cutree(stats::hclust(stats::dist(S), "average"),
                                     k = 2))), 3L)
})

test_that("X1 is drawn across whatever its relevance; q > 2 says it chose", {
  set.seed(11)
  fit <- small_fit()
  # make X2 the more relevant dimension, as in the iris fit of issue 27
  fit$X[, 1] <- fit$X[, 1] / 10
  expect_gt(gplvm:::.relevance(fit)[["X2"]], gplvm:::.relevance(fit)[["X1"]])
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  expect_identical(plot(fit, resolution = 5), c(X1 = 1L, X2 = 2L))
  expect_equal(graphics::par("usr")[1:2], gplvm:::.span(fit$X[, 1]))
  expect_identical(plot(fit, dims = 2:1, resolution = 5), c(X2 = 2L, X1 = 1L))
  fit3 <- small_fit(q = 3)
  rel <- gplvm:::.relevance(fit3)
  pick <- gplvm:::.plot_dims(fit3, NULL)
  expect_identical(unname(pick$dims), sort(order(-rel)[1:2]))
  expect_match(gplvm:::.axis_names(fit3, pick), "^X[123] \\(relevance ")
  expect_identical(plot(fit3, resolution = 5), pick$dims)
})

test_that("numeric colour keys are labelled with distinct pretty values", {
  years <- gplvm:::.bar_ticks(range(1990 + seq(0, 8, length.out = 50)), 5)
  expect_false(anyDuplicated(years$labels) > 0)
  expect_identical(years$labels, as.character(seq(1990, 1998, 2)))
  big <- gplvm:::.bar_ticks(range(1e5 + 1:50), 5)
  expect_false(anyDuplicated(big$labels) > 0)
  expect_false(any(grepl("e+", big$labels, fixed = TRUE)))
  expect_identical(big$labels[1], "100010")
  small <- gplvm:::.bar_ticks(c(0.001, 0.0042), 4)
  expect_false(anyDuplicated(small$labels) > 0)
})

test_that("many label levels: no legend past 12, one panel width, no silent colour reuse", {
  set.seed(12)
  fit <- small_fit()
  grDevices::pdf(NULL, width = 9, height = 8)
  on.exit(grDevices::dev.off())
  graphics::par(mfrow = c(2, 2))
  lab30 <- paste0("row", 1:30)
  plot(fit, labels = lab30, resolution = 5)
  w <- panel_width()
  plot(fit, labels = iris$Species[seq(1, 150, 5)], resolution = 5)
  w <- c(w, panel_width())
  plot(fit, labels = 1990 + seq(0, 8, length.out = 30), resolution = 5)
  w <- c(w, panel_width())
  plot(fit, labels = rep(c("a rather long level name", "b"), 15),
       resolution = 5)
  w <- c(w, panel_width())
  expect_equal(w, rep(w[1], 4), tolerance = 1e-12)
  # the legend of 30 levels is replaced by a note
  style <- gplvm:::.point_style(lab30, 30, NULL, NULL, "")
  style$inducing <- FALSE
  e <- gplvm:::.legend_entries(style)
  expect_length(e$text, 0L)
  expect_identical(e$note, c("30 levels:", "no legend"))
  # every level its own colour by default
  expect_false(anyDuplicated(style$lcol) > 0)
  expect_length(unique(gplvm:::.level_colours(NULL, 20)), 20L)
  expect_identical(gplvm:::.level_colours(NULL, 3), gplvm:::.okabe_ito[1:3])
  expect_message(gplvm:::.level_colours(c("red", "blue"), 3),
                 "colours are reused")
  # level names too wide for the margin are cut, and stay distinct
  expect_identical(gplvm:::.shorten(c("a rather long name", "b"), 8),
                   c("a rath..", "b"))
  same <- gplvm:::.shorten(c("abcdefgh", "abcdefxy"), 6)
  expect_false(anyDuplicated(same) > 0)
  expect_true(all(nchar(same) <= 6))
})

test_that("type = \"n\" draws an empty frame in latent coordinates", {
  set.seed(13)
  fit <- small_fit()
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  grDevices::dev.control("enable")
  plot(fit, resolution = 5, key = FALSE)
  usr <- graphics::par("usr")
  expect_silent(plot(fit, type = "n", labels = iris$Species[seq(1, 150, 5)]))
  expect_identical(graphics::par("usr"), usr)
  expect_length(drawn_xy(), 0L)
  expect_error(plot(fit, type = "l"), "'type'")
})

test_that("inducing inputs are drawn only on request, with a legend entry", {
  set.seed(14)
  fit <- small_fit(inducing = 6)
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  grDevices::dev.control("enable")
  plot(fit, resolution = 5)
  expect_false(any(vapply(drawn_xy(), function(d) any(d$pch == 23), NA)))
  plot(fit, resolution = 5, inducing = TRUE)
  diamonds <- Filter(function(d) any(d$pch == 23), drawn_xy())
  # the 6 inducing inputs at their coordinates, and one legend entry
  expect_length(diamonds, 2L)
  expect_equal(cbind(diamonds[[1]]$x, diamonds[[1]]$y), unname(fit$inducing))
  expect_length(diamonds[[2]]$x, 1L)
  expect_error(plot(small_fit(), inducing = TRUE), "'inducing'")
})

# A Bayesian fit of iris that switches all but one dimension off.
bayes_iris <- local({
  fit <- NULL
  function() {
    if (is.null(fit)) {
      set.seed(1)
      fit <<- gplvm(iris[seq(1, 150, 3), 1:4], q = 3, bayesian = TRUE,
                    inducing = 10, maxit = 3000, reltol = 1e-8)
    }
    fit
  }
})

test_that("a Bayesian fit that uses one dimension is drawn in one, and says so", {
  b <- bayes_iris()
  expect_identical(b$optim$convergence, 0L)
  used <- which(gplvm:::.ard_relevance(b) >= 0.01)
  expect_length(used, 1L)
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  grDevices::dev.control("enable")
  lab <- iris$Species[seq(1, 150, 3)]
  d <- plot(b, labels = lab, uncertainty = TRUE, resolution = 10)
  expect_identical(d, used)
  pick <- gplvm:::.plot_dims(b, NULL)
  expect_match(gplvm:::.axis_names(b, pick), "the only dimension in use")
  # x is the latent mean, y the log10 precision along that dimension
  usr <- graphics::par("usr")
  expect_true(all(b$X[, used] > usr[1] & b$X[, used] < usr[2]))
  expect_silent(plot(b, labels = lab, dims = c(1, 2), uncertainty = TRUE,
                     resolution = 5))
})

test_that("uncertainty ellipses are one standard deviation of q(x_n)", {
  b <- bayes_iris()
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  grDevices::dev.control("enable")
  plot(b, dims = c(1, 2), uncertainty = TRUE, background = "none",
       key = FALSE)
  paths <- Filter(function(d) identical(d$type, "l"), drawn_xy())
  expect_length(paths, 1L)   # one colour without labels: one path
  x <- matrix(paths[[1]]$x, 34)[1:33, ]
  y <- matrix(paths[[1]]$y, 34)[1:33, ]
  sd <- sqrt(b$X_var[, 1:2])
  r <- ((x - rep(b$X[, 1], each = 33)) / rep(sd[, 1], each = 33))^2 +
    ((y - rep(b$X[, 2], each = 33)) / rep(sd[, 2], each = 33))^2
  expect_equal(c(r), rep(1, length(r)), tolerance = 1e-12)
  expect_error(plot(small_fit(), uncertainty = TRUE), "'uncertainty'")
})

test_that("predict(newdata =) of a Bayesian fit is a matrix points() can draw", {
  b <- bayes_iris()
  p <- predict(b, newdata = iris[c(1, 51, 101), 1:4])
  expect_true(is.matrix(p))
  expect_identical(dim(p), c(3L, 3L))
  expect_identical(dim(attr(p, "X_var")), c(3L, 3L))
  expect_true(all(attr(p, "X_var") > 0))
  xy <- grDevices::xy.coords(p)
  expect_equal(xy$x, unname(p[, 1]))
  expect_equal(xy$y, unname(p[, 2]))
})

test_that("autoplot draws the same dimensions, with uncertainty", {
  skip_if_not_installed("ggplot2")
  b <- bayes_iris()
  lab <- iris$Species[seq(1, 150, 3)]
  p <- ggplot2::autoplot(b, labels = lab, uncertainty = TRUE, resolution = 8)
  expect_s3_class(p, "ggplot")
  built <- ggplot2::ggplot_build(p)
  expect_match(p$labels$x, "the only dimension in use")
  # one bar per point, each 2 sd wide
  path <- which(vapply(p$layers, function(l) class(l$geom)[1] == "GeomPath",
                       NA))
  expect_length(path, 1L)
  bars <- built$data[[path]]
  used <- which(gplvm:::.ard_relevance(b) >= 0.01)
  w <- tapply(bars$x, bars$group, function(v) diff(range(v)))
  expect_equal(unname(c(w)), unname(2 * sqrt(b$X_var[, used])),
               tolerance = 1e-10)
  p2 <- ggplot2::autoplot(b, dims = c(1, 3), uncertainty = TRUE,
                          resolution = 8)
  expect_s3_class(p2, "ggplot")
  expect_error(ggplot2::autoplot(small_fit(), uncertainty = TRUE),
               "'uncertainty'")
})
