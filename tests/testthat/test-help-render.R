# Issue 27, "Help pages": every page renders as a user reads it, without
# stray backslashes, and example() of every page runs without a warning.

test_that("no rendered help page shows a stray backslash", {
  db <- tools::Rd_db("gplvm")
  for (name in names(db)) {
    txt <- utils::capture.output(tools::Rd2txt(db[[name]], out = stdout(),
                                               fragment = FALSE))
    # a backslash in running text: an escape that went wrong (such as
    # "1\\%", which showed "1\" and dropped the rest of the line)
    bad <- grep("\\\\", txt, value = TRUE)
    bad <- bad[!grepl("^ {5}.*(\\\\n|\\\\\\\\|\\\\\")", bad)]
    expect(length(bad) == 0L,
           sprintf("%s shows a backslash: %s", name,
                   paste(trimws(bad), collapse = " | ")))
  }
  gradient_page <- utils::capture.output(
    tools::Rd2txt(db[["gplvm_check_gradient.Rd"]], out = stdout()))
  expect_true(any(grepl("by 1% of", gradient_page, fixed = TRUE)))
})

test_that("?gplvm reads in one sitting and links the topic pages", {
  db <- tools::Rd_db("gplvm")
  txt <- utils::capture.output(tools::Rd2txt(db[["gplvm.Rd"]], out = stdout()))
  expect_lt(length(txt), 350L)
  expect_true(all(c("gplvm-models.Rd", "gplvm-scaling.Rd") %in% names(db)))
  expect_true(any(grepl("gplvm-models", txt)))
  expect_true(any(grepl("gplvm-scaling", txt)))
  # the common case comes first in example(gplvm): no \dontrun block
  ex <- utils::capture.output(tools::Rd2ex(db[["gplvm.Rd"]], out = stdout()))
  expect_false(any(grepl("Not run", ex)))
  expect_match(ex[grep("gplvm\\(", ex)[1]], "fit <- gplvm\\(Y, q = 2")
  # no paragraph twice
  paras <- unlist(strsplit(paste(trimws(txt), collapse = "\n"), "\n\n"))
  paras <- paras[nchar(paras) > 80]
  expect_false(any(duplicated(paras)))
})

test_that("example() of every help page runs without a warning", {
  db <- tools::Rd_db("gplvm")
  has_examples <- vapply(db, function(rd) {
    "\\examples" %in% vapply(rd, attr, "", "Rd_tag")
  }, NA)
  expect_gt(sum(has_examples), 10L)
  topics <- sub("\\.Rd$", "", names(db)[has_examples])
  grDevices::pdf(NULL)
  on.exit(grDevices::dev.off())
  warned <- character()
  for (topic in topics) {
    set.seed(1)
    withCallingHandlers(
      utils::capture.output(utils::example(topic, package = "gplvm",
                                           character.only = TRUE,
                                           ask = FALSE, echo = FALSE)),
      warning = function(w) {
        warned <<- c(warned, sprintf("%s: %s", topic, conditionMessage(w)))
        invokeRestart("muffleWarning")
      })
  }
  expect(length(warned) == 0L,
         paste("examples warned:", paste(warned, collapse = " | ")))
})
