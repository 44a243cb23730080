# Interrupts by behaviour, not by time: a shell process sends SIGINT to this
# R process half a second after a flag file appears, and the test creates
# the flag right before the call to interrupt.  The call must then stop
# with an "interrupt" condition without returning.  Nothing is asserted
# about how long anything takes; the calls used run for seconds, so that
# the signal arrives in their long C loops, past the allocations at their
# start (where R itself may notice a pending interrupt).

# Evaluates `expr` (unevaluated) with an interrupt sent once it runs.
# Returns "interrupt", "error" or "finished".
run_interrupted <- function(expr, env = parent.frame()) {
  flag <- tempfile("gplvm-interrupt-")
  on.exit(unlink(flag))
  # in parentheses, so that the whole loop runs in the background; it gives
  # up after 60 s without the flag
  system(sprintf(paste("(i=0; while [ ! -e %s ] && [ $i -lt 6000 ]; do",
                       "sleep 0.01; i=$((i+1)); done;",
                       "[ -e %s ] && sleep 0.5 && kill -INT %d)"),
                 shQuote(flag), shQuote(flag), Sys.getpid()), wait = FALSE)
  e <- substitute(expr)
  r <- tryCatch({
    file.create(flag)
    eval(e, env)
    "finished"
  }, interrupt = function(cnd) "interrupt", error = function(cnd) "error")
  if (r != "interrupt") {
    # the call ignored the signal: take it here, not in the next test
    tryCatch(Sys.sleep(2), interrupt = function(cnd) NULL)
  }
  r
}
