# gplvm_explore()'s helpers and its Shiny server, without a browser (the
# browser tests are in test-explore-browser.R).

fits <- explore_fits()

test_that("the fixtures are converged fits", {
  for (f in fits) expect_equal(f$optim$convergence, 0L)
})

test_that("gplvm_explore() checks its arguments", {
  skip_if_not_installed("shiny")
  f <- fits$exact
  expect_error(gplvm_explore(list()), "'fit'")
  expect_error(gplvm_explore(f, display = "bars"), "'display'")
  expect_error(gplvm_explore(f, k = 0), "'k'")
  expect_error(gplvm_explore(f, k = 1.5), "'k'")
  expect_error(gplvm_explore(f, labels = iris$Species), "'labels'")
  expect_error(gplvm_explore(fits$exact3, dims = c(1, 1)), "'dims'")
  expect_error(gplvm_explore(fits$exact3, dims = c(1, 4)), "'dims'")
  expect_s3_class(gplvm_explore(f), "shiny.appobj")
})

test_that("a missing shiny is reported with how to install it", {
  expect_error(.need_shiny("gplvmNoSuchPackage"),
               "install.packages\\(\"gplvmNoSuchPackage\"\\)")
  expect_true(.need_shiny("stats"))
})

test_that("the state holds the training data on the original scale", {
  s <- .explore_state(fits$exact)
  expect_equal(unname(s$Y), unname(as.matrix(iris[seq(1, 150, 3), 1:4])),
               tolerance = 1e-12)
  expect_identical(s$outputs, names(iris)[1:4])
  expect_equal(s$centre, colMeans(fits$exact$X))
  sm <- .explore_state(fits$missing)
  expect_identical(is.na(sm$Y), is.na(fits$missing$Y))
})

test_that("Bayesian fits show the two most relevant dimensions first", {
  b <- fits$bayesian
  rel <- summary(b)$relevance
  expect_identical(.explore_state(b)$dims, sort(order(-rel)[1:2]))
  # X1 across for a two-dimensional fit, as plot() draws it
  expect_identical(.explore_state(fits$exact)$dims, 1:2)
  expect_identical(.explore_state(b, dims = c(3, 1))$dims, c(3L, 1L))
})

test_that("the pointed position and its neighbours", {
  s <- .explore_state(fits$exact3)
  x <- .explore_point(s, c(3L, 1L), 0.5, -0.25)
  expect_equal(unname(x), unname(c(-0.25, s$centre[2L], 0.5)))
  nn <- .explore_nearest(s, x, 4L)
  d <- sqrt(colSums((t(s$X) - x)^2))
  expect_identical(nn, order(d)[1:4])
  expect_true(max(d[nn]) <= min(d[-nn]))
})

test_that("points along the pinned path are by arc length", {
  P <- rbind(c(0, 0), c(3, 0), c(3, 1))   # length 4
  expect_equal(.explore_along(P, 0), c(0, 0))
  expect_equal(.explore_along(P, 0.5), c(2, 0))
  expect_equal(.explore_along(P, 0.875), c(3, 0.5))
  expect_equal(.explore_along(P, 1), c(3, 1))
  expect_equal(.explore_along(P[1, , drop = FALSE], 0.3), c(0, 0))
})

test_that("every fit kind generates what predict() gives", {
  for (kind in names(fits)) {
    f <- fits[[kind]]
    s <- .explore_state(f)
    x <- .explore_point(s, s$dims, 0.3, -0.2)
    g <- s$predict(x)
    p <- predict(f, newlatent = x, se.fit = TRUE)
    expect_equal(unname(g$y), unname(p$fit[1L, ]), tolerance = 1e-12,
                 label = kind)
    expect_equal(unname(g$se), unname(p$se.fit[1L, ]), tolerance = 1e-12,
                 label = kind)
  }
})

test_that("the pins table is what the CSV export writes", {
  s <- .explore_state(fits$exact)
  pins <- lapply(list(c(0, 0), c(1, -1)), s$predict)
  tab <- .explore_pins_table(s, pins)
  expect_identical(names(tab), c("pin", "X1", "X2", names(iris)[1:4],
                                 paste0("se.", names(iris)[1:4])))
  expect_equal(tab$pin, 1:2)
  p <- predict(fits$exact, newlatent = rbind(c(0, 0), c(1, -1)),
               se.fit = TRUE)
  expect_equal(unname(as.matrix(tab[, 4:7])), unname(p$fit))
  expect_equal(unname(as.matrix(tab[, 8:11])), unname(p$se.fit))
  f <- tempfile(fileext = ".csv")
  utils::write.csv(tab, f, row.names = FALSE)
  expect_equal(utils::read.csv(f, check.names = FALSE), tab,
               tolerance = 1e-14)
  expect_identical(nrow(.explore_pins_table(s, list())), 0L)
})

test_that("the latent plot is drawn, then replayed, for every fit kind", {
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  for (kind in names(fits)) {
    f <- fits[[kind]]
    s <- .explore_state(f)
    draw <- .latent_painter(f, NULL, "", list(resolution = 10))
    draw(s$dims, 400, 400)
    usr <- graphics::par("usr")
    pin <- s$predict(.explore_point(s, s$dims, 0, 0))
    draw(s$dims, 400, 400, extras = function() .draw_pins(list(pin), s$dims))
    # the replayed plot keeps the latent coordinates current
    expect_equal(graphics::par("usr"), usr, label = kind)
  }
})

test_that("image fractions map to the plot's coordinates", {
  grDevices::png(tempfile(fileext = ".png"), width = 500, height = 400)
  on.exit(grDevices::dev.off())
  draw <- .latent_painter(fits$exact, NULL, "", list(resolution = 10))
  draw(1:2, 500, 400)
  m <- .explore_screen()
  # points a quarter and three quarters across the plot region (the
  # image's top is the region's top, usr[4])
  plt <- graphics::par("plt")
  usr <- graphics::par("usr")
  at <- function(r, a) r[1L] + a * (r[2L] - r[1L])
  f <- list(c(at(plt[1:2], 0.25), 1 - at(plt[3:4], 0.25)),
            c(at(plt[1:2], 0.75), 1 - at(plt[3:4], 0.5)))
  xy <- .explore_from_image(m, f)
  expect_equal(xy[1L, ], c(at(usr[1:2], 0.25), at(usr[3:4], 0.25)))
  expect_equal(xy[2L, ], c(at(usr[1:2], 0.75), at(usr[3:4], 0.5)))
  # outside the plot region: dropped
  expect_identical(nrow(.explore_from_image(m, list(c(0.5, 0.5),
                                                    c(0.999, 0.5)))), 1L)
  expect_null(.explore_from_image(m, c(0.001, 0.001)))
})

test_that("the labels' key is titled as plot() titles it", {
  expect_identical(.label_name(quote(iris$Species)), "Species")
  expect_identical(.label_name(quote(sp)), "sp")
  expect_identical(.label_name(quote(factor(x + 1))), "")
})

test_that("a failing display gives its message, a good one draws", {
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  y <- c(a = 1, b = 2, c = 3, d = 4, e = 5, f = 6)
  se <- rep(0.1, 6)
  expect_identical(.explore_show(function(y, se) stop("boom"), y, se),
                   "boom")
  expect_null(.explore_show(NULL, y, se, nearest = y + 1))
  expect_null(.explore_show(as_image(2, 3), y, se))
  expect_null(.explore_show(as_lines(), y, se))
  expect_match(.explore_show(as_image(4, 4), y, se), "needs 16 values")
})

test_that("as_image() puts the first row of the matrix on top", {
  m <- matrix(1:6, 2, 3)
  z <- .image_matrix(1:6, 2, 3)
  # image() draws z[i, j] at x = i (left to right), y = j (bottom to top)
  expect_identical(dim(z), c(3L, 2L))
  expect_identical(z[, 2L], m[1L, ])   # top row
  expect_identical(z[, 1L], m[2L, ])   # bottom row
})

test_that("the server generates predict()'s values for every fit kind", {
  skip_if_not_installed("shiny")
  for (kind in names(fits)) {
    f <- fits[[kind]]
    s <- .explore_state(f)
    server <- .explore_server(s, .latent_painter(f, NULL, "", list()),
                              NULL, 3L)
    shiny::testServer(server, {
      session$setInputs(hover = list(x = 0.4, y = -0.3))
      x <- .explore_point(s, s$dims, 0.4, -0.3)
      p <- predict(f, newlatent = x, se.fit = TRUE)
      expect_equal(unname(generated()$y), unname(p$fit[1L, ]),
                   tolerance = 1e-12, label = kind)
      expect_equal(unname(generated()$se), unname(p$se.fit[1L, ]),
                   tolerance = 1e-12, label = kind)
      # clicks and drags arrive as fractions of the plot image
      output$latent
      m <- screen()
      expect_false(is.null(m))
      lat <- function(f) {
        xy <- .explore_from_image(m, f)
        lapply(seq_len(nrow(xy)), function(i) {
          .explore_point(s, s$dims, xy[i, 1L], xy[i, 2L])
        })
      }
      session$setInputs(pin = list(0.4, 0.45))
      expect_equal(position(), lat(c(0.4, 0.45))[[1L]])
      session$setInputs(pin = list(0.3, 0.3))
      expect_length(pins(), 2L)
      expect_equal(pins()[[2L]], s$predict(lat(c(0.3, 0.3))[[1L]]))
      session$setInputs(along = 1)
      expect_equal(position(), pins()[[2L]]$x)
      # a drawn path replaces the pins' path for the slider
      drag <- list(list(0.2, 0.7), list(0.3, 0.5), list(0.4, 0.3))
      session$setInputs(drag = drag)
      P <- do.call(rbind, lat(unlist(drag)))
      expect_equal(path(), P)
      session$setInputs(along = 0.5)
      expect_equal(position(), .explore_along(P, 0.5))
      expect_length(pins(), 2L)
      session$setInputs(clear = 1)
      expect_length(pins(), 0L)
      expect_null(path())
    })
  }
})

test_that("without a browser the browser tests skip, but fail in CI", {
  keep <- Sys.getenv(c("PATH", "CI", "CHROMOTE_CHROME"), unset = NA)
  on.exit({
    set <- keep[!is.na(keep)]
    if (length(set)) do.call(Sys.setenv, as.list(set))
    for (v in names(keep)[is.na(keep)]) Sys.unsetenv(v)
  })
  Sys.setenv(PATH = tempdir(), CHROMOTE_CHROME = "/no/such/chromium")
  Sys.setenv(CI = "true")
  expect_error(skip_without_browser(), "must run in CI, but no Chromium")
  Sys.setenv(CI = "")
  expect_condition(skip_without_browser(), "no Chromium", class = "skip")
})
