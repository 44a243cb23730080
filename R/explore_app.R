# The Shiny user interface and server of gplvm_explore() (R/explore.R).
# Every element a browser test reads has an id; values shown rounded
# carry their full value in a data-value attribute.

.explore_ui <- function(state) {
  choices <- stats::setNames(seq_len(state$q), state$names)
  dim_menu <- function(id, label, selected) {
    shiny::selectInput(id, label, choices, selected, selectize = FALSE,
                       width = "120px")
  }
  menus <- if (state$q > 2L) {
    shiny::div(style = "display: flex; gap: 1em;",
               dim_menu("dim_x", "horizontal", state$dims[1L]),
               dim_menu("dim_y", "vertical", state$dims[2L]))
  }
  shiny::fluidPage(
    shiny::tags$h4("gplvm_explore(): what the model generates where you",
                   "point"),
    shiny::fluidRow(
      shiny::column(6L,
        shiny::plotOutput("latent", height = "460px",
                          hover = shiny::hoverOpts("hover", delay = 40,
                                                   delayType = "throttle",
                                                   nullOutside = TRUE)),
        shiny::tags$script(shiny::HTML(.explore_js)),
        shiny::textOutput("axes"),
        menus,
        shiny::textOutput("path_info"),
        shiny::sliderInput("along", "along the path", 0, 1, 0,
                           step = 0.01, width = "100%",
                           animate = shiny::animationOptions(200L)),
        shiny::div(shiny::actionButton("clear", "Clear pins"),
                   shiny::downloadButton("export", "Export pins (CSV)")),
        shiny::tableOutput("pins")),
      shiny::column(6L,
        shiny::plotOutput("generated", height = "360px"),
        shiny::uiOutput("readout"),
        shiny::tags$b("nearest training rows"),
        shiny::div(style = "overflow-x: auto; font-size: 90%;",
                   shiny::tableOutput("nearest")))))
}

.explore_server <- function(state, plot_latent, display, k) {
  function(input, output, session) {
    dims <- shiny::reactive({
      if (state$q <= 2L) return(state$dims)
      d <- as.integer(c(if (is.null(input$dim_x)) state$dims[1L] else input$dim_x,
                        if (is.null(input$dim_y)) state$dims[2L] else input$dim_y))
      shiny::validate(shiny::need(d[1L] != d[2L],
                                  "choose two different dimensions"))
      d
    })
    position <- shiny::reactiveVal(state$centre)
    pins <- shiny::reactiveVal(list())
    path <- shiny::reactiveVal(NULL)   # a drawn path: latent points, by row
    screen <- shiny::reactiveVal(NULL) # the latent plot's map from the image
    at <- function(ev) .explore_point(state, dims(), ev$x, ev$y)
    # image fractions (from the browser's script) to latent points, NULL
    # outside the plot region
    from_image <- function(f) {
      m <- screen()
      if (is.null(m)) return(NULL)
      xy <- .explore_from_image(m, f)
      if (is.null(xy)) return(NULL)
      lapply(seq_len(nrow(xy)), function(i) {
        .explore_point(state, dims(), xy[i, 1L], xy[i, 2L])
      })
    }

    shiny::observeEvent(input$hover, position(at(input$hover)))
    shiny::observeEvent(input$pin, {
      x <- from_image(input$pin)
      if (length(x)) {
        position(x[[1L]])
        pins(c(pins(), list(state$predict(x[[1L]]))))
      }
    })
    shiny::observeEvent(input$drag, {
      x <- from_image(input$drag)
      if (length(x) >= 2L) path(do.call(rbind, x))
    })
    shiny::observeEvent(input$clear, {
      pins(list())
      path(NULL)
    })
    # the slider plays the drawn path, or else the pins in order
    route <- shiny::reactive({
      if (!is.null(path())) return(path())
      p <- pins()
      if (length(p)) do.call(rbind, lapply(p, `[[`, "x"))
    })
    shiny::observeEvent(input$along, {
      P <- route()
      if (!is.null(P)) position(.explore_along(P, input$along))
    }, ignoreInit = TRUE)
    output$path_info <- shiny::renderText({
      if (!is.null(path())) {
        sprintf("drawn path of %d points: the slider plays it", nrow(path()))
      } else if (length(pins())) {
        "the slider plays the path through the pins"
      } else {
        "click to pin a point; drag to draw a path"
      }
    })

    generated <- shiny::reactive(state$predict(position()))
    nearest <- shiny::reactive(.explore_nearest(state, position(), k))

    output$latent <- shiny::renderPlot({
      d <- dims()
      p <- pins()
      r <- path()
      plot_latent(d, session$clientData$output_latent_width,
                  session$clientData$output_latent_height,
                  extras = function() {
                    .draw_path(r, d)
                    .draw_pins(p, d)
                  })
      screen(.explore_screen())
    })
    output$axes <- shiny::renderText({
      d <- dims()
      paste0("horizontal: ", state$names[d[1L]],
             if (length(d) > 1L) paste0(", vertical: ", state$names[d[2L]]),
             if (state$q > length(d)) "; the other latent dimensions at ",
             if (state$q > length(d)) "their mean")
    })
    output$generated <- shiny::renderPlot({
      g <- generated()
      msg <- .explore_show(display, g$y, g$se, state$Y[nearest()[1L], ])
      shiny::validate(shiny::need(is.null(msg),
                                  paste("display() failed:", msg)))
    })
    output$readout <- shiny::renderUI(.readout_html(state, generated()))
    output$nearest <- shiny::renderTable({
      i <- nearest()
      d <- sqrt(colSums((t(state$X[i, , drop = FALSE]) - position())^2))
      data.frame(row = if (is.null(rownames(state$X))) i
                       else rownames(state$X)[i],
                 distance = d, state$Y[i, , drop = FALSE],
                 check.names = FALSE)
    }, digits = 2L)
    output$pins <- shiny::renderTable({
      p <- pins()
      if (length(p)) .explore_pins_table(state, p)[, 1L + 0:state$q]
    }, digits = 4L)
    output$export <- shiny::downloadHandler(
      filename = "gplvm-pins.csv",
      content = function(file) {
        utils::write.csv(.explore_pins_table(state, pins()), file,
                         row.names = FALSE)
      })
  }
}

# The map from fractions of the plot image (from its left and top) to the
# plot's coordinates, and the plot region, read from the current device.
.explore_screen <- function() {
  list(x = graphics::grconvertX(0:1, "ndc", "user"),
       y = graphics::grconvertY(1:0, "ndc", "user"),
       usr = graphics::par("usr"))
}

# Image fractions (a list of c(fx, fy) pairs, or one pair) to plot
# coordinates, a matrix with a row per point; points outside the plot
# region are dropped (NULL when none is left).
.explore_from_image <- function(screen, f) {
  f <- matrix(as.double(unlist(f)), ncol = 2L, byrow = TRUE)
  xy <- cbind(screen$x[1L] + f[, 1L] * diff(screen$x),
              screen$y[1L] + f[, 2L] * diff(screen$y))
  u <- screen$usr
  inside <- xy[, 1L] >= u[1L] & xy[, 1L] <= u[2L] &
    xy[, 2L] >= u[3L] & xy[, 2L] <= u[4L]
  if (any(inside)) xy[inside, , drop = FALSE]
}

# The browser's side of pins and paths: a press and release without moving
# sends input$pin (the image fractions of the point), a drag sends
# input$drag (those of every point passed).  The vertical fraction counts
# one pixel more, as Shiny's hover coordinates do (its coordinate map puts
# the plot one pixel higher than R draws it), so that a click pins the
# very point the hover showed.
.explore_js <- "
$(function() {
  var start = null, path = [];
  function at(e) {
    var r = document.querySelector('#latent img').getBoundingClientRect();
    return [(e.clientX - r.left) / r.width,
            (e.clientY - r.top + 1) / r.height];
  }
  $(document).on('mousedown', '#latent img', function(e) {
    if (e.button !== 0) return;
    start = [e.clientX, e.clientY];
    path = [at(e)];
    e.preventDefault();
  });
  $(document).on('mousemove', function(e) {
    if (start) path.push(at(e));
  });
  // a ring at the pointer, drawn by the page: it survives screenshots and
  // costs the server nothing
  var ring = $('<div id=\"pointer\"></div>').css({position: 'absolute',
    width: '14px', height: '14px', margin: '-8px 0 0 -8px',
    border: '2px solid #CC79A7', 'border-radius': '50%',
    'pointer-events': 'none', display: 'none', 'z-index': 10});
  $('body').append(ring);
  $(document).on('mousemove', '#latent img', function(e) {
    ring.css({left: e.pageX + 'px', top: e.pageY + 'px', display: 'block'});
  });
  $(document).on('mouseleave', '#latent img', function() {
    ring.css('display', 'none');
  });
  $(document).on('mouseup', function(e) {
    if (!start) return;
    var moved = Math.abs(e.clientX - start[0]) + Math.abs(e.clientY - start[1]);
    if (moved > 4) {
      path.push(at(e));
      Shiny.setInputValue('drag', path, {priority: 'event'});
    } else {
      Shiny.setInputValue('pin', path[0], {priority: 'event'});
    }
    start = null;
  });
});
"

# A drawn path as a line, in the shown dimensions.
.draw_path <- function(P, dims) {
  if (is.null(P) || length(dims) < 2L) return(invisible())
  graphics::lines(P[, dims[1L]], P[, dims[2L]], col = "#CC79A7", lwd = 2.5)
}

# Pins as numbered crosses joined by the path, in the shown dimensions.
.draw_pins <- function(pins, dims) {
  if (!length(pins)) return(invisible())
  P <- do.call(rbind, lapply(pins, `[[`, "x"))
  x <- P[, dims[1L]]
  if (length(dims) < 2L) {
    graphics::abline(v = x, col = "#D55E00", lwd = 2)
    return(invisible())
  }
  y <- P[, dims[2L]]
  graphics::lines(x, y, col = "#D55E00", lwd = 1.5, lty = 2)
  graphics::points(x, y, pch = 4, cex = 1.6, lwd = 3, col = "#D55E00")
  graphics::text(x, y, seq_along(x), pos = 3, col = "#D55E00", font = 2)
}

# The pointed latent position and, per output, the generated value, its
# standard error; rounded for reading, in full in data-value.
.readout_html <- function(state, g) {
  cell <- function(v, digits = 4L) {
    shiny::tags$td(format(signif(v, digits)),
                   `data-value` = sprintf("%.17g", v))
  }
  latent <- lapply(seq_len(state$q), function(j) {
    shiny::tags$span(class = "latent", `data-dim` = state$names[j],
                     `data-value` = sprintf("%.17g", g$x[j]),
                     sprintf("%s = %.4g  ", state$names[j], g$x[j]))
  })
  rows <- lapply(seq_along(g$y), function(j) {
    shiny::tags$tr(shiny::tags$th(state$outputs[j]),
                   cell(g$y[j]), cell(g$se[j]))
  })
  shiny::tagList(
    shiny::div(id = "position", shiny::tags$b("latent position: "), latent),
    shiny::tags$table(id = "values", class = "table table-condensed",
      shiny::tags$tr(shiny::tags$th("output"), shiny::tags$th("generated"),
                     shiny::tags$th("s.e.")),
      rows))
}
