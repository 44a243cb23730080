# Issue 27: a newcomer's R Markdown report of an exact, a sparse and a
# Bayesian fit renders with no warning (newcomer-report.Rmd; its fits stop
# the rendering unless all three converged).

test_that("the newcomer's report renders without a warning", {
  out_dir <- tempfile("report")
  dir.create(out_dir)
  on.exit(unlink(out_dir, recursive = TRUE))
  file.copy(test_path("newcomer-report.Rmd"), out_dir)
  input <- file.path(out_dir, "newcomer-report.Rmd")
  warned <- character()
  keep <- function(w) {
    warned <<- c(warned, conditionMessage(w))
    invokeRestart("muffleWarning")
  }
  # with pandoc, the HTML report as a reader gets it (keeping knitr's
  # Markdown); without, knitr's Markdown alone: it holds the chunk output
  md <- file.path(out_dir, "newcomer-report.md")
  withCallingHandlers(
    if (rmarkdown::pandoc_available()) {
      html <- rmarkdown::render(input, output_dir = out_dir, quiet = TRUE,
                                output_options = list(keep_md = TRUE),
                                envir = new.env())
      expect_true(file.exists(html))
    } else {
      knitr::knit(input, md, quiet = TRUE, envir = new.env())
    }, warning = keep)
  text <- readLines(md, warn = FALSE)
  expect_true(any(grepl("Bayesian GP-LVM", text)))
  # knitr writes a chunk's warnings into the output as "## Warning"
  expect_identical(grep("Warning", text, value = TRUE), character())
  expect_identical(warned, character())
  # every figure made it into the report
  expect_gte(sum(grepl("<img|!\\[", text)), 4L)
})
