# Shared set-up for tools/demo.R, tools/run-tests.R and tools/readme-figure.R:
# find the checkout, install missing CRAN packages, install gplvm from the
# checkout.  Sourced, not run on its own.

.cran <- "https://cloud.r-project.org"

# The checkout's root: the parent of the directory holding the running script.
checkout_root <- function() {
  file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(file_arg) == 1L) {
    script <- normalizePath(sub("^--file=", "", file_arg))
    return(dirname(dirname(script)))
  }
  normalizePath(".")
}

# The first library on .libPaths() we may write to, or the user library.
writable_library <- function() {
  for (lib in .libPaths()) {
    if (file.access(lib, 2L) == 0L) return(lib)
  }
  lib <- Sys.getenv("R_LIBS_USER")
  dir.create(lib, recursive = TRUE, showWarnings = FALSE)
  .libPaths(c(lib, .libPaths()))
  lib
}

# Package names listed in one or more DESCRIPTION fields, base packages and
# R itself removed.
description_packages <- function(root, fields) {
  dcf <- read.dcf(file.path(root, "DESCRIPTION"))
  fields <- intersect(fields, colnames(dcf))
  entries <- unlist(strsplit(dcf[1L, fields], ","))
  pkgs <- trimws(sub("\\(.*", "", entries))
  base <- rownames(installed.packages(priority = "base"))
  setdiff(pkgs[nzchar(pkgs)], c("R", base))
}

# Install from CRAN whichever of `pkgs` cannot be found.
install_missing <- function(pkgs) {
  missing <- pkgs[!vapply(pkgs, requireNamespace, logical(1),
                          quietly = TRUE)]
  if (length(missing)) {
    ensure_build_tools()
    message("Installing from CRAN: ", paste(missing, collapse = ", "))
    utils::install.packages(missing, lib = writable_library(), repos = .cran)
  }
  invisible(missing)
}

# Compiling the C code needs R's headers, make and the BLAS/LAPACK link
# libraries: Debian's r-base-dev.  Install it when it is missing and we can.
ensure_build_tools <- function() {
  ensure_debian_package("r-base-dev", "compiling gplvm may fail")
}

# Install the Debian package `pkg` with apt-get when it is missing and we
# are root on Debian; otherwise say what may go wrong without it.
ensure_debian_package <- function(pkg, consequence) {
  if (!nzchar(Sys.which("dpkg-query")) || !nzchar(Sys.which("apt-get"))) {
    return(invisible(FALSE))
  }
  status <- suppressWarnings(system2("dpkg-query",
    c("-W", "-f='${Status}'", pkg), stdout = TRUE, stderr = FALSE))
  if (any(grepl("ok installed", status))) return(invisible(FALSE))
  if (Sys.info()[["effective_user"]] != "root") {
    message(pkg, " is not installed; ", consequence)
    return(invisible(FALSE))
  }
  message("Installing ", pkg, " with apt-get")
  Sys.setenv(DEBIAN_FRONTEND = "noninteractive")
  system(paste("apt-get update -qq && apt-get install -y -qq", pkg))
  invisible(TRUE)
}

# Build a source package from the checkout (R CMD build, which builds the
# vignette) in a temporary directory and install it into `lib`, so that
# vignette("gplvm") works.  When the vignette cannot be built (no pandoc,
# knitr or rmarkdown), say so and install the checkout without it.
install_with_vignette <- function(root, lib) {
  ensure_build_tools()
  if (!nzchar(Sys.which("pandoc"))) {
    ensure_debian_package("pandoc", "the vignette cannot be built")
  }
  build_dir <- tempfile("gplvm-build-")
  dir.create(build_dir)
  on.exit(unlink(build_dir, recursive = TRUE), add = TRUE)
  r <- file.path(R.home("bin"), "R")
  old <- setwd(build_dir)
  status <- system2(r, c("CMD", "build", "--no-manual", shQuote(root)))
  setwd(old)
  tarball <- list.files(build_dir, "^gplvm_.*[.]tar[.]gz$", full.names = TRUE)
  if (status != 0L || length(tarball) != 1L) {
    message("R CMD build (with the vignette) failed; installing gplvm ",
            "without its vignette")
    return(install_checkout(root, lib))
  }
  install_checkout(tarball, lib)
}

# R CMD INSTALL the checkout (or a source tarball) into `lib`; stop if it
# fails.
install_checkout <- function(root, lib) {
  ensure_build_tools()
  dir.create(lib, recursive = TRUE, showWarnings = FALSE)
  r <- file.path(R.home("bin"), "R")
  status <- system2(r, c("CMD", "INSTALL", "--preclean", "--clean",
                         "--no-multiarch", "-l", shQuote(lib),
                         shQuote(root)))
  if (status != 0L) stop("R CMD INSTALL of ", root, " failed", call. = FALSE)
  .libPaths(c(lib, .libPaths()))
  # Child R processes (tests may start some) find the same installation.
  Sys.setenv(R_LIBS = paste(c(lib, Sys.getenv("R_LIBS")[nzchar(
    Sys.getenv("R_LIBS"))]), collapse = .Platform$path.sep))
  invisible(lib)
}

# The browser tests' dependencies (Chromium from Debian, chromote from CRAN):
# tools/explore-deps.sh installs what is missing.  It needs apt-get and
# root for Chromium; elsewhere it says what is missing and the browser
# tests skip, unless CI=true, where they fail.
install_browser_test_deps <- function(root) {
  script <- file.path(root, "tools", "explore-deps.sh")
  if (!nzchar(Sys.which("bash")) || !file.exists(script)) return(invisible())
  status <- system2("bash", shQuote(script))
  if (status != 0L) message("tools/explore-deps.sh could not install every ",
                            "browser-test dependency (status ", status, ")")
  invisible(status)
}
