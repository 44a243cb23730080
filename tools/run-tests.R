# Run gplvm's complete test suite from a checkout:
#   Rscript tools/run-tests.R
# Installs what the tests need (testthat and the other Suggests from CRAN if
# missing; Chromium and chromote for the browser tests through
# tools/explore-deps.sh; gplvm itself from this checkout into a temporary
# library), runs every file in tests/testthat, and ends with one line
#   N passed, M failed, K skipped
# counting expectations (single expect_*() results; an error inside a test
# counts as one failure).  Exits with status 1 on any failure, error or
# warning, or if no expectation ran at all.

local({
  file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  here <- if (length(file_arg)) dirname(sub("^--file=", "", file_arg)) else "tools"
  sys.source(file.path(here, "setup.R"), envir = globalenv())
})

main <- function() {
  root <- checkout_root()
  test_path <- file.path(root, "tests", "testthat")
  if (!dir.exists(test_path)) stop("no tests/testthat directory in ", root)
  needed <- setdiff(description_packages(root, c("Depends", "Imports",
                                                  "LinkingTo", "Suggests")),
                    c("knitr", "rmarkdown"))
  # the browser tests of gplvm_explore() need Chromium and chromote
  # (tools/explore-deps.sh installs them, from Debian and CRAN, when missing)
  install_browser_test_deps(root)
  install_missing(needed)
  lib <- tempfile("gplvm-lib-")
  install_checkout(root, lib)

  results <- testthat::test_dir(test_path, package = "gplvm",
                                load_package = "installed",
                                reporter = testthat::ProgressReporter$new(
                                  show_praise = FALSE),
                                stop_on_failure = FALSE,
                                stop_on_warning = FALSE)
  outcomes <- unlist(lapply(results, function(test) {
    vapply(test$results, function(e) class(e)[1L], character(1))
  }))
  n_pass <- sum(outcomes == "expectation_success")
  n_fail <- sum(outcomes %in% c("expectation_failure", "expectation_error"))
  n_skip <- sum(outcomes == "expectation_skip")
  n_warn <- sum(outcomes == "expectation_warning")
  cat(sprintf("\n%d test_that() blocks in %d files; %d warnings\n",
              length(results),
              length(unique(vapply(results, `[[`, "", "file"))), n_warn))
  if (n_pass == 0L) cat("no expectation passed: treating as a failure\n")
  # a warning in a test is a defect: the code or the test must change
  if (n_warn > 0L) cat("warnings in the tests count as failures\n")
  n_fail <- n_fail + n_warn
  cat(sprintf("%d passed, %d failed, %d skipped\n", n_pass, n_fail, n_skip))
  if (n_fail > 0L || n_pass == 0L) quit(status = 1L)
}

tryCatch(main(), error = function(e) {
  cat("test run failed: ", conditionMessage(e), "\n", sep = "")
  cat("0 passed, 1 failed, 0 skipped\n")
  quit(status = 1L)
})
