# The screenshot of gplvm_explore() in the README and the vignette:
# the explorer on R's iris data (a converged two-dimensional fit of the
# four measurements, coloured by species), in headless Chromium, with two
# pinned points and the pointer between the versicolor and virginica
# groups.
#
# Run from the package root after installing the package (and
# tools/explore-deps.sh):
#   Rscript bench/explore_screenshot.R
# Writes man/figures/explore-iris.png (the vignette includes it too).
library(gplvm)
source("tests/testthat/helper-explore.R")

# A PNG of the page as it is (chromote's own $screenshot() resizes the
# view, which moves the pointer out of the plot).
explore_screenshot <- function(b, file) {
  shot <- b$Page$captureScreenshot(format = "png")
  writeBin(jsonlite::base64_dec(shot$data), file)
  invisible(file)
}

set.seed(1)
fit <- gplvm(iris[, 1:4])
stopifnot(fit$optim$convergence == 0L)
app <- explore_serve(fit, labels = iris$Species)
b <- explore_browser(app$url, width = 1280, height = 880)

# pin the latent positions of two training rows, then point between
# versicolor and virginica (rows 75 and 125, halfway)
# the pixel of a latent point, by the linear map that two hovers read in
# the dimensions shown (the two most relevant)
d <- order(-summary(fit)$relevance)[1:2]
a <- explore_hover(b, explore_image_point(b, 0.2, 0.2))$x[d]
c <- explore_hover(b, explore_image_point(b, 0.6, 0.8))$x[d]
hover_latent <- function(x) {
  f <- unname(c(0.2, 0.2) + (x[d] - a) / (c - a) * c(0.4, 0.6))
  explore_image_point(b, f[1L], f[2L])
}
for (i in c(60, 110)) explore_click(b, hover_latent(fit$X[i, ]))
explore_wait(b, "document.querySelectorAll('#pins tbody tr').length == 2")
explore_hover(b, hover_latent((fit$X[75, ] + fit$X[125, ]) / 2))
Sys.sleep(1)
out <- "man/figures/explore-iris.png"
dir.create(dirname(out), showWarnings = FALSE, recursive = TRUE)
explore_screenshot(b, out)
cat("wrote", out, file.size(out), "bytes\n")
b$close()
app$proc$kill()
