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
  if (!nzchar(Sys.which("dpkg-query")) || !nzchar(Sys.which("apt-get"))) {
    return(invisible(FALSE))
  }
  status <- suppressWarnings(system2("dpkg-query",
    c("-W", "-f='${Status}'", "r-base-dev"), stdout = TRUE, stderr = FALSE))
  if (any(grepl("ok installed", status))) return(invisible(FALSE))
  if (Sys.info()[["effective_user"]] != "root") {
    message("r-base-dev is not installed; compiling gplvm may fail")
    return(invisible(FALSE))
  }
  message("Installing r-base-dev with apt-get")
  Sys.setenv(DEBIAN_FRONTEND = "noninteractive")
  system("apt-get update -qq && apt-get install -y -qq r-base-dev")
  invisible(TRUE)
}

# R CMD INSTALL the checkout into `lib`; stop if it fails.
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
