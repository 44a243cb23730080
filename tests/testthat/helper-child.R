# Runs R code in a fresh Rscript process (with this process's library path,
# so that it loads the same gplvm), stopped after `seconds`: by GNU
# `timeout -s KILL`, which also kills any children it forked, or where
# there is no `timeout` by system2()'s own time limit, which kills the
# process.  env: "NAME=value" strings for its environment; vmem_kb: NULL,
# or a limit on its address space (`ulimit -v`, in KB).  Returns
# list(status, output).
run_child_r <- function(code, seconds = 120, env = character(),
                        vmem_kb = NULL) {
  script <- tempfile("gplvm-child-", fileext = ".R")
  on.exit(unlink(script))
  writeLines(c(sprintf(".libPaths(%s)", paste(deparse(.libPaths()),
                                               collapse = "")),
               "library(gplvm)", code), script)
  rscript <- file.path(R.home("bin"), "Rscript")
  cmd <- paste("exec", shQuote(rscript), "--vanilla", shQuote(script))
  gnu <- nzchar(Sys.which("timeout"))
  if (gnu) cmd <- paste("exec timeout -s KILL", seconds, sub("^exec ", "", cmd))
  if (!is.null(vmem_kb)) cmd <- sprintf("ulimit -v %.0f && %s", vmem_kb, cmd)
  # a non-zero status is what the caller tests, not a warning
  out <- suppressWarnings(system2("sh", c("-c", shQuote(cmd)),
                                  stdout = TRUE, stderr = TRUE, env = env,
                                  timeout = if (gnu) 0 else seconds))
  list(status = if (is.null(attr(out, "status"))) 0L else attr(out, "status"),
       output = out)
}
