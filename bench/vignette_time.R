# CPU and wall time of rendering the vignette with the installed gplvm.
#
#   Rscript bench/vignette_time.R [path/to/gplvm.Rmd]
#
# Renders vignettes/gplvm.Rmd (or the file given) in a temporary directory
# with rmarkdown and prints one line: user CPU seconds (this process and its
# children) and elapsed seconds.  Output recorded in bench/vignette_time.md.

args <- commandArgs(trailingOnly = TRUE)
rmd <- normalizePath(if (length(args)) args[1L] else "vignettes/gplvm.Rmd")
dir <- tempfile("gplvm-vignette-")
dir.create(dir)
invisible(file.copy(rmd, dir))
t <- system.time(rmarkdown::render(file.path(dir, basename(rmd)),
                                   quiet = TRUE))
cat(sprintf("%s: %.1f s CPU (user), %.1f s elapsed, gplvm %s\n",
            basename(rmd), t[["user.self"]] + t[["user.child"]],
            t[["elapsed"]], utils::packageVersion("gplvm")))
unlink(dir, recursive = TRUE)
