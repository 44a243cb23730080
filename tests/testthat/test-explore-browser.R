# gplvm_explore() in a real browser: a headless Chromium (Debian's
# chromium, driven by chromote) shows the app served by a background R
# process, and the mouse moves and clicks as a person's would.  Skipped
# without a browser except in CI (see skip_without_browser()).

expect_generated <- function(fit, r, tolerance = 1e-8) {
  p <- predict(fit, newlatent = r$x, se.fit = TRUE)
  expect_equal(r$y, unname(p$fit[1L, ]), tolerance = tolerance)
  expect_equal(r$se, unname(p$se.fit[1L, ]), tolerance = tolerance)
}

test_that("pointing generates predict()'s data, clicks pin and export", {
  skip_without_browser()
  set.seed(1)
  fit <- gplvm(iris[seq(1, 150, 3), 1:4])
  expect_equal(fit$optim$convergence, 0L)
  app <- explore_serve(fit, labels = iris$Species[seq(1, 150, 3)])
  on.exit(app$proc$kill(), add = TRUE)
  b <- explore_browser(app$url)
  on.exit(b$close(), add = TRUE)

  # two positions under the mouse: the readout is predict() there
  r1 <- explore_hover(b, explore_image_point(b, 0.35, 0.4))
  expect_length(r1$x, 2L)
  expect_length(r1$y, 4L)
  expect_generated(fit, r1)
  r2 <- explore_hover(b, explore_image_point(b, 0.55, 0.7))
  expect_generated(fit, r2)
  # moving right and down: the first coordinate grows, the second falls
  expect_gt(r2$x[1L], r1$x[1L])
  expect_lt(r2$x[2L], r1$x[2L])

  # a click pins the point; the pin is drawn where the mouse is
  p <- explore_image_point(b, 0.45, 0.55)
  explore_hover(b, p)
  src <- explore_js(b, "document.querySelector('#latent img').src")
  explore_click(b, p)
  explore_wait(b, "document.querySelectorAll('#pins tbody tr').length == 1")
  explore_wait(b, sprintf("document.querySelector('#latent img').src !== '%s'",
                          src))
  here <- explore_readout(b)
  expect_generated(fit, here)
  explore_wait(b, paste0(
    "(function() { var i = document.querySelector('#latent img');",
    " return i.complete && i.naturalWidth > 0; })()"))
  rgb <- unlist(explore_js(b, sprintf(paste0(
    "(function() { var i = document.querySelector('#latent img');",
    " var r = i.getBoundingClientRect(); var c = document.createElement(",
    "'canvas'); c.width = i.naturalWidth; c.height = i.naturalHeight;",
    " var g = c.getContext('2d'); g.drawImage(i, 0, 0);",
    " var s = i.naturalWidth / r.width;",
    " return Array.from(g.getImageData(Math.round((%f - r.left) * s),",
    " Math.round((%f - r.top) * s), 1, 1).data); })()"), p[["x"]],
    p[["y"]])))
  # the pin's colour (#D55E00) under the pointer
  expect_equal(rgb[1:3], c(0xD5, 0x5E, 0x00), tolerance = 0.15)

  # a second pin, then the CSV export holds both
  explore_click(b, explore_image_point(b, 0.3, 0.3))
  explore_wait(b, "document.querySelectorAll('#pins tbody tr').length == 2")
  href <- explore_js(b, "document.getElementById('export').href")
  csv <- utils::read.csv(href, check.names = FALSE)
  expect_identical(names(csv), c("pin", "X1", "X2", names(iris)[1:4],
                                 paste0("se.", names(iris)[1:4])))
  expect_identical(nrow(csv), 2L)
  expect_equal(unlist(csv[1L, c("X1", "X2")], use.names = FALSE), here$x,
               tolerance = 1e-12)
  pred <- predict(fit, newlatent = as.matrix(csv[, c("X1", "X2")]),
                  se.fit = TRUE)
  expect_equal(unname(as.matrix(csv[, 4:7])), unname(pred$fit),
               tolerance = 1e-8)
  expect_equal(unname(as.matrix(csv[, 8:11])), unname(pred$se.fit),
               tolerance = 1e-8)

  # a drag draws a path (no pin), and the slider plays along it: at its end
  # the position is where the drag ended, as the hover there reads it
  ends <- list(explore_image_point(b, 0.25, 0.6),
               explore_image_point(b, 0.35, 0.5),
               explore_image_point(b, 0.5, 0.35))
  at_end <- explore_hover(b, ends[[3L]])
  explore_drag(b, ends)
  explore_wait(b, paste("document.getElementById('path_info').textContent",
                        ".indexOf('drawn path') >= 0"))
  explore_settle(b)
  expect_identical(explore_js(b,
    "document.querySelectorAll('#pins tbody tr').length"), 2L)
  at_start <- explore_hover(b, ends[[1L]])
  played <- explore_slide(b, 1)
  expect_equal(played$x, at_end$x, tolerance = 1e-6)
  expect_generated(fit, played)
  played <- explore_slide(b, 0)
  expect_equal(played$x, at_start$x, tolerance = 1e-6)
  expect_generated(fit, played)

  # a screenshot of the whole app
  png <- tempfile(fileext = ".png")
  b$screenshot(png, show = FALSE)
  expect_identical(readBin(png, "raw", 8L),
                   as.raw(c(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)))
  expect_gt(file.size(png), 20000)
})

test_that("the dimension menus change the axes", {
  skip_without_browser()
  set.seed(1)
  fit <- gplvm(iris[seq(1, 150, 3), 1:4], q = 3)
  expect_equal(fit$optim$convergence, 0L)
  app <- explore_serve(fit, dims = c(1, 2))
  on.exit(app$proc$kill(), add = TRUE)
  b <- explore_browser(app$url)
  on.exit(b$close(), add = TRUE)
  axes <- function() explore_js(b, "document.getElementById('axes').textContent")
  expect_match(axes(), "horizontal: X1, vertical: X2")
  pt <- explore_image_point(b, 0.4, 0.45)
  before <- explore_hover(b, pt)
  expect_generated(fit, before)
  src <- explore_js(b, "document.querySelector('#latent img').src")
  explore_js(b, paste0("(function() { var s = document.getElementById(",
                       "'dim_x'); s.value = '3'; s.dispatchEvent(new Event(",
                       "'change', {bubbles: true})); return true; })()"))
  explore_wait(b, "document.getElementById('axes').textContent.indexOf('X3') >= 0")
  expect_match(axes(), "horizontal: X3, vertical: X2")
  explore_wait(b, sprintf("document.querySelector('#latent img').src !== '%s'",
                          src))
  # the same pixel now points at a position in X3 and X2, X1 at its mean
  explore_hover(b, pt + c(30, 0))
  after <- explore_hover(b, pt)
  expect_equal(after$x[1L], mean(fit$X[, 1L]), tolerance = 1e-12)
  expect_false(isTRUE(all.equal(after$x[3L], mean(fit$X[, 3L]))))
  expect_generated(fit, after)
})

test_that("a failing display shows its message and the app goes on", {
  skip_without_browser()
  set.seed(1)
  fit <- gplvm(iris[seq(1, 150, 3), 1:4])
  app <- explore_serve(fit, display = function(y, se) stop("no picture"))
  on.exit(app$proc$kill(), add = TRUE)
  b <- explore_browser(app$url)
  on.exit(b$close(), add = TRUE)
  explore_wait(b, "document.getElementById('generated').textContent.length > 0")
  expect_match(explore_js(b, "document.getElementById('generated').textContent"),
               "display() failed: no picture", fixed = TRUE)
  expect_true(app$proc$is_alive())
  r <- explore_hover(b, explore_image_point(b, 0.4, 0.5))
  expect_generated(fit, r)
  expect_true(app$proc$is_alive())
})
