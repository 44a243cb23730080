# Install gplvm from this checkout and run its main job:
#   Rscript tools/demo.R
# Installs gplvm with its vignette (and any missing dependency, from CRAN)
# into the first writable library, so that vignette("gplvm") works, fits a
# two-dimensional GP-LVM to the four measurements of R's iris data (scaled
# to unit variance: see the README), prints the fit and writes the latent
# plot, coloured by species, to gplvm-iris.png in the current directory, or
# to the file named by the first argument.  The README's figure is made with
#   Rscript tools/demo.R man/figures/README-iris.png

local({
  file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  here <- if (length(file_arg)) dirname(sub("^--file=", "", file_arg)) else "tools"
  sys.source(file.path(here, "setup.R"), envir = globalenv())
})

root <- checkout_root()
# knitr and rmarkdown build the vignette
install_missing(c(description_packages(root, c("Depends", "Imports",
                                               "LinkingTo")),
                  "knitr", "rmarkdown"))
install_with_vignette(root, writable_library())

library(gplvm)
set.seed(1)
fit <- gplvm(iris[, 1:4], q = 2, scale = TRUE)
print(fit)

out <- commandArgs(trailingOnly = TRUE)[1L]
if (is.na(out)) out <- "gplvm-iris.png"
grDevices::png(out, width = 640, height = 560, res = 96)
plot(fit, labels = iris$Species, main = "GP-LVM of the iris measurements")
invisible(grDevices::dev.off())
cat("latent plot written to", normalizePath(out), "\n")
