# Driving the optimiser: failed evaluations, the convergence check by a
# fresh start, and the progress line.

# Minimises obj$fn (with gradient obj$gr) from par0 with `method`.  When the
# optimiser reports convergence (or L-BFGS-B stops in its line search),
# it is started afresh from its end point, without its curvature memory;
# the fit has converged when `confirmations` such fresh starts in a row
# each improve the objective by at most `confirm` relative.  Two, since
# one is not enough: a fresh L-BFGS-B start can stop after a few short
# steps, and from the end of one that gained 5e-6 relative the next
# gained 2.6e-5 (reltol 1e-6) on a sparse fit of tests/test-minibatch.R,
# so the fit was not converged in the sense of issue 23 (a fresh start
# from the end gains at most 10 x reltol).  All the runs share the
# budget of `maxit` iterations.  A run that stops with an error keeps the
# best point so far.
# Two strategies: full-batch (an optim() method or "SCG" on obj of
# .gplvm_objective()) and "minibatch" (obj of .minibatch_objective(),
# R/minibatch.R: a run is epochs of stochastic steps that ends when the
# exact objective, evaluated after each epoch, stops rising; maxit counts
# epochs).
# Returns list(par, value, convergence, message, counts, runs).
.optimise <- function(obj, par0, method, maxit, reltol, confirm = 10 * reltol,
                      confirmations = 2L) {
  par <- par0
  value <- obj$fn(par0)
  left <- maxit
  counts <- c(`function` = 0L, gradient = 0L)
  runs <- 0L
  quiet <- 0L  # fresh starts in a row that made no progress
  conv <- 1L
  msg <- if (method == "minibatch") "epoch limit 'epochs' reached"
         else "iteration limit 'maxit' reached"
  while (left > 0L) {
    runs <- runs + 1L
    opt <- tryCatch(.run_optimiser(obj, par, method, left, reltol),
                    error = function(e) {
                      # what the objective let through stops the fit; a
                      # failed cluster or optimiser ends it at the best
                      # point
                      if (inherits(e, "gplvm_stop") &&
                          !inherits(e, "gplvm_cluster_error")) {
                        stop(e)
                      }
                      list(par = obj$best()$par, value = obj$best()$value,
                           counts = c(0L, 0L), convergence = 99L,
                           message = conditionMessage(e))
                    })
    used <- opt$counts
    used[is.na(used)] <- 0L
    counts <- counts + as.integer(used)
    # iterations: a minibatch run's epochs, else the function evaluations
    left <- left - max(1L, opt$iterations %||% as.integer(used[[1L]]))
    # the best point evaluated, whatever the optimiser returned
    best <- obj$best()
    if (best$value < opt$value) opt[c("par", "value")] <- best[c("par", "value")]
    gain <- value - opt$value
    par <- opt$par
    value <- opt$value
    if (opt$convergence == 99L) {
      conv <- 99L
      msg <- opt$message
      break
    }
    if (opt$convergence == 1L) break
    quiet <- if (runs > 1L && gain <= confirm * (abs(value) + confirm)) {
      quiet + 1L
    } else 0L
    if (quiet >= confirmations) {
      conv <- 0L
      msg <- sprintf(paste("converged: %d fresh start%s of the optimiser",
                           "in a row made no progress"), confirmations,
                     if (confirmations > 1L) "s" else "")
      break
    }
  }
  list(par = par, value = value, convergence = conv, message = msg,
       counts = counts, runs = runs)
}

# One run of one optimiser, shaped like optim()'s value.
.run_optimiser <- function(obj, par, method, maxit, reltol) {
  if (method == "minibatch") return(.run_minibatch(obj, par, maxit, reltol))
  if (method == "SCG") {
    return(.scg(par, obj$fn, obj$gr, maxit = maxit, reltol = reltol,
                xtol = sqrt(reltol), fn_value = obj$fn_value))
  }
  if (method == "CG") return(.run_cg(obj, par, maxit, reltol))
  control <- list(maxit = maxit)
  if (method == "L-BFGS-B") {
    control$factr <- reltol / .Machine$double.eps
  } else {
    control$reltol <- reltol
  }
  opt <- stats::optim(par, obj$fn, obj$gr, method = method, control = control)
  # 51, 52: L-BFGS-B's warning or line-search failure, which the fresh
  # start in .optimise() settles
  if (opt$convergence %in% c(51L, 52L)) opt$convergence <- 0L
  opt
}

# optim()'s CG, in chunks of `chunk` iterations: its own test rarely
# fires on these objectives (it crept on for 10000 iterations on iris with
# q = 1 at a largest gradient component of 4e-4), so a chunk that improves
# the objective by at most `reltol` relative also ends the run.
.run_cg <- function(obj, par, maxit, reltol, chunk = 200L) {
  counts <- c(`function` = 0L, gradient = 0L)
  value <- obj$fn(par)
  left <- maxit
  repeat {
    opt <- stats::optim(par, obj$fn, obj$gr, method = "CG",
                        control = list(maxit = min(chunk, left),
                                       reltol = reltol))
    used <- opt$counts
    used[is.na(used)] <- 0L
    counts <- counts + as.integer(used)
    left <- left - min(chunk, left)
    gain <- value - opt$value
    par <- opt$par
    value <- opt$value
    if (opt$convergence == 0L ||
        gain <= reltol * (abs(value) + reltol)) {
      opt$convergence <- 0L
      break
    }
    if (left <= 0L) break
  }
  opt$counts <- counts
  opt
}

# The progress report of a fit in `mode` (.progress_enabled()): "line",
# one line rewritten in place once `after` seconds have passed, at most
# every 0.5 s, with the time left until `limit` evaluations (maxit) at the
# rate so far, an upper bound since most fits converge before; "periodic",
# a line on standard error every `every` seconds, for Rscript and knitr,
# where a rewritten line is not seen (standard error reaches the console
# or the log, not the knitted document); "none".  Returns
# list(update(n, value), done()).
.progress_line <- function(mode, after = 2, limit = NA_real_,
                           every = getOption("gplvm.progress.every", 120)) {
  start <- proc.time()[["elapsed"]]
  last <- -Inf
  width <- 0L
  update <- function(n, value) {
    if (mode == "none") return(invisible())
    now <- proc.time()[["elapsed"]]
    used <- now - start
    if (mode == "periodic") {
      if (used < every || now - last < every) return(invisible())
      last <<- now
      cat(sprintf("gplvm: %d evaluations, objective %.8g, %s elapsed\n", n,
                  value, .format_seconds(used)), file = stderr())
      return(invisible())
    }
    if (used < after || now - last < 0.5) return(invisible())
    last <<- now
    left <- if (is.finite(limit) && limit > n && n > 0L) {
      sprintf(", at most %s left (maxit)",
              .format_seconds(used / n * (limit - n)))
    } else ""
    line <- sprintf("gplvm: %d evaluations, objective %.8g, %s%s", n,
                    value, .format_seconds(used), left)
    width <<- max(width, nchar(line))
    cat("\r", formatC(line, width = -width), sep = "")
    flush(stdout())
  }
  done <- function() {
    if (width > 0L) cat("\r", strrep(" ", width), "\r", sep = "")
  }
  list(update = update, done = done)
}

# "12 s", "3.5 min", "2.1 h"
.format_seconds <- function(s) {
  if (s < 60) sprintf("%.0f s", s)
  else if (s < 3600) sprintf("%.1f min", s / 60)
  else sprintf("%.1f h", s / 3600)
}

# How fits report progress (see .progress_line()): option "gplvm.progress"
# FALSE: "none"; TRUE: "line" (in knitr "periodic"); unset: "line" in an
# interactive session, "periodic" elsewhere (Rscript, knitr), so that a
# long fit is not silent.  Never with `trace > 0`, which prints its own.
.progress_enabled <- function(trace) {
  on <- getOption("gplvm.progress")
  if (trace != 0L || isFALSE(on)) return("none")
  if (isTRUE(getOption("knitr.in.progress"))) return("periodic")
  if (isTRUE(on) || (is.null(on) && interactive())) "line" else "periodic"
}

# A numerical failure of the model (a covariance that is not positive
# definite even with jitter, an overflow): a condition of class
# "gplvm_numerical_error", which the objective counts as a failed
# evaluation that the optimiser backs off from.  Everything else (R's
# resource limits, a size limit, a bad option, a failed cluster) stops
# the fit; the class, never the message text, tells them apart, so that
# this holds in every language.
.stop_numerical <- function(message) {
  stop(structure(class = c("gplvm_numerical_error", "error", "condition"),
                 list(message = message, call = NULL)))
}

# For the objective's handlers: returns when `e` is a numerical failure;
# otherwise signals it again, marked "gplvm_stop" so that .optimise()
# lets it through instead of ending the fit at the best point.
.stop_unless_numerical <- function(e) {
  if (inherits(e, "gplvm_numerical_error")) return(invisible())
  class(e) <- unique(c("gplvm_stop", class(e)))
  stop(e)
}

# The trace line of a fit's objective (`trace` > 0: every `trace`
# evaluations) and the progress line's update (`progress`, or NULL).
.trace_eval <- function(trace, n, label, value, grad, start, progress) {
  if (!is.null(progress)) progress(n, value)
  if (trace > 0L && n %% trace == 0L) {
    cat(sprintf("eval %5d  %s %14.6g  |grad| %10.4g  %8.1f s\n", n, label,
                value, sqrt(sum(grad^2)), proc.time()[["elapsed"]] - start))
    flush(stdout())
  }
}

# Of the fits of several starts (each list(fit, warnings)), the one with
# the highest objective, with every start's objective in `restarts`; its
# warnings (only its) are given.
.best_fit <- function(fits) {
  objectives <- vapply(fits, function(f) f$fit$objective, 0)
  best <- fits[[which.max(objectives)]]
  for (w in best$warnings) warning(w, call. = FALSE)
  out <- best$fit
  out$restarts <- objectives
  out
}

# The state an objective's closures share: the last evaluated vectors and
# their results, counts of evaluations, failures and jitter, the best point
# so far, and the start time for the trace.
.objective_cache <- function() {
  cache <- new.env(parent = emptyenv())
  cache$par <- NULL
  cache$value_par <- NULL
  cache$n_eval <- 0L
  cache$n_failed <- 0L
  cache$jitter_n <- 0L
  cache$jitter_max <- 0
  cache$best <- list(par = NULL, value = Inf, grad = NULL)
  cache$start <- proc.time()[["elapsed"]]
  cache
}
