# The help pages as a user reads them: rendered to text, without raw
# markdown or Rd link syntax.

test_that("every help page renders without literal link or markdown syntax", {
  db <- tools::Rd_db("gplvm")
  expect_gt(length(db), 8L)
  for (name in names(db)) {
    rd <- db[[name]]
    # code in usage and examples may index with [ ]
    tags <- vapply(rd, function(e) attr(e, "Rd_tag"), "")
    prose <- rd[!tags %in% c("\\usage", "\\examples")]
    attributes(prose) <- attributes(rd)[c("class", "Rdfile", "meta")]
    txt <- utils::capture.output(tools::Rd2txt(prose, out = stdout()))
    expect_gt(length(txt), 5L)
    bad <- grep(paste0("\\[[[:alpha:]][[:alnum:]_.:-]*(\\(\\))?\\]", # [f()]
                       "|`|\\*\\*|\\\\[a-z]+\\{"),         # `code`, **, \cmd{
                txt, value = TRUE)
    expect(length(bad) == 0L,
           sprintf("%s shows raw syntax: %s", name,
                   paste(bad, collapse = " | ")))
  }
})
