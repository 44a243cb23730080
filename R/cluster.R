# A data term's bound evaluated across the workers of a snow-style
# cluster (package parallel).  The sparse bounds (R/sparse.R), the
# Bayesian one (R/bayes.R) and the non-Gaussian one (R/nongaussian.R, whose
# pass 1 returns its rows' whole share of the gradient but theirs in X)
# depend on the data only through sums over rows,
# so each worker keeps its rows of Y (of each missingness pattern's block)
# for the whole fit and, per evaluation,
#   pass 1: gets its latent rows and the point (inducing inputs, kernel,
#           ...), returns its share of the term's sums (M x M and M x D);
#   (the master adds them up and takes the term's global step per block,
#   O(M^3 + M^2 D))
#   pass 2: gets the global step's M x M and M x D matrices, returns its
#           rows' gradient and its share of the others.
# The master never holds an N x M matrix.  The steps are the term's
# methods (.cluster_evaluator()); this file knows nothing of the term.

#' @section Across a cluster:
#' With `cluster`, a cluster made by [parallel::makePSOCKcluster()] or
#' [parallel::makeForkCluster()] (any cluster of package \pkg{parallel}'s
#' kind), a sparse fit (`inducing` given, any `approx`), a Bayesian fit
#' (`bayesian = TRUE`) or a fit with a non-Gaussian `likelihood`
#' evaluates its bound across the workers.  The rows of `Y` are split once
#' into as many blocks as there are workers, and each worker keeps its
#' block for the whole fit.  Per evaluation the master sends each worker
#' only its latent rows (for a Bayesian fit, also their variances), the
#' inducing inputs and the kernel, and gets back M by M and M by D sums
#' (for a Bayesian fit, of the psi-statistics); for the gradient it sends
#' M by M and M by D matrices and gets back the worker's rows of the
#' gradient.  The result
#' equals the one-process fit up to rounding (the sums are added in another
#' order).  With missing values in `Y` the bound is a sum of one bound
#' per pattern of missing entries: each worker keeps its rows of every
#' pattern, and one exchange per pass serves all of them.  FITC's
#' per-row variance \eqn{\lambda_n} needs only row \eqn{n}, the inducing
#' inputs and the kernel, so the workers weight their sums by
#' \eqn{1/\lambda_n} and return their rows' share of the noise gradient.
#'
#' The workers load \pkg{gplvm} themselves: it must be installed, in the
#' same version and build (the same R code) as in this process, in a
#' library each worker sees (for a library of your own,
#' `parallel::clusterEvalQ(cl, .libPaths("<library>"))` first).  A worker
#' may be listed more than once (`cl[c(1, 1, 2)]`): it then keeps a block
#' of rows per listing.  An interrupt stops the fit once every worker has
#' answered its current call, so that the cluster is ready for the next
#' fit and for your own calls; a second interrupt stops it at once, and may
#' leave the cluster to be remade.  A worker
#' that fails (its process ends, its machine goes away) stops the fit with
#' a warning that names it; the fit then holds the best point found
#' (`optim$convergence` 99) and can be continued with
#' `gplvm(Y, init = fit)`, with or without a new cluster.  The cluster is
#' the caller's: `gplvm()` neither starts nor stops it.
#'
#' Make the cluster with sockets that send at once: with R's default
#' socket options every message of more than about 4 KB waits some 40 ms
#' for TCP's delayed acknowledgement (Nagle's algorithm), twice per
#' evaluation and worker.  Set `options(socketOptions = "no-delay")`
#' before making the cluster, and pass the same to PSOCK workers:
#' `makePSOCKcluster(2, rscript_args = c("-e",
#' shQuote("options(socketOptions = 'no-delay')")))` (fork workers inherit
#' it).
#'
#' Across machines, as in \code{?parallel::makePSOCKcluster}: give host
#' names, e.g. `makePSOCKcluster(c("n1", "n1", "n2", "n2"))`, which needs
#' R and \pkg{gplvm} installed on every host, `ssh` to each host without a
#' password (option `rshcmd` otherwise), and the hosts able to connect back
#' to the master on `port` (argument `master` if its own name does not
#' resolve there; `homogeneous = FALSE` and `rscript` when R is installed
#' in another place).  What crosses the network per evaluation is about
#' 2 N q doubles plus a few M by M matrices per worker (see the package's
#' `bench/sparse_engine.md`); the data go once, at the start.
#' @examples
#' \dontrun{
#' # a sparse fit whose bound is evaluated by 2 worker processes (not run:
#' # starting them takes seconds, and each evaluation's exchange with
#' # them costs more than the evaluation of so small a model)
#' op <- options(socketOptions = "no-delay")
#' cl <- parallel::makePSOCKcluster(2, rscript_args = c("-e",
#'   shQuote("options(socketOptions = 'no-delay')")))
#' options(op)
#' spread <- gplvm(iris[seq(1, 150, 3), 1:4], q = 2, inducing = 10,
#'                 cluster = cl)
#' parallel::stopCluster(cl)
#' spread$optim$convergence
#' }
#' @rdname gplvm-scaling
#' @name gplvm-scaling
NULL

#' @param cluster `NULL`, or a cluster from package \pkg{parallel} on whose
#'   workers a sparse, Bayesian or non-Gaussian fit evaluates its bound
#'   (see "Across a cluster" in [gplvm-scaling]).
#' @rdname gplvm
#' @name gplvm
NULL

# Worker side: the rows each fit left on this worker, by key.
.cluster_rows <- new.env(parent = emptyenv())

# Checks `cluster` for gplvm(): NULL, or a cluster (which parts it
# combines with is .check_combination()'s job, R/compat.R).
.check_cluster <- function(cluster) {
  if (is.null(cluster)) return(NULL)
  if (!inherits(cluster, "cluster") || !length(cluster)) {
    stop(paste("'cluster' must be NULL or a cluster from",
               "parallel::makePSOCKcluster() or makeForkCluster()"),
         call. = FALSE)
  }
  cluster
}

# The error that stops a fit when the cluster fails: finds the workers
# that no longer answer.
.cluster_failed <- function(cl, e) {
  # any answer (perhaps one left over from the failed call) means alive
  alive <- vapply(seq_along(cl), function(w) {
    tryCatch({
      parallel::clusterEvalQ(cl[w], TRUE)
      TRUE
    }, error = function(e) FALSE)
  }, TRUE)
  who <- if (all(alive)) "a worker" else
    sprintf("worker%s %s", if (sum(!alive) > 1L) "s" else "",
            paste(which(!alive), collapse = ", "))
  .cluster_error(sprintf("%s of 'cluster' failed (%s)", who,
                         trimws(conditionMessage(e))))
}

# The number of the next message to a worker, unique in this session, so
# that an answer to an earlier call is never taken for the answer to this
# one.
.cluster_calls <- new.env(parent = emptyenv())
.cluster_calls$n <- 0
.cluster_next <- function() {
  .cluster_calls$n <- .cluster_calls$n + 1
  .cluster_calls$n
}

# parallel exports no way to send a call without reading an answer, or to
# read one answer (clusterCall() does both, for one call at a time; and
# clusterApply() stops at any error among the answers it reads, even one
# left over from another call): its sendCall() and recvResult(), the
# generics clusterApply() itself uses for every kind of node, are taken
# from its namespace.
.parallel_fun <- function(name) get(name, envir = asNamespace("parallel"))

# What each worker runs: fun(a) with the message's number added to the
# answer, and an error returned as an answer (with the number) instead of
# raised.  Its environment is the base one, so that it runs on a worker
# that cannot load gplvm (for the version check).
.cluster_on_worker <- function(fun, a) {
  tryCatch(c(fun(a), list(seq = a$seq)),
           error = function(e) list(seq = a$seq, error = conditionMessage(e)))
}
environment(.cluster_on_worker) <- baseenv()

# One exchange: fun(msgs[[w]]) on worker w of `cl`, for all workers at
# once; returns the answers.  Each message carries a number of its own,
# which comes back with the answer: answers to earlier calls still waiting
# on a worker (left by an interrupted call outside gplvm) are read and
# dropped.  A worker whose connection fails, or whose call fails, stops the
# exchange with a "gplvm_cluster_error".
#
# An interrupt is held until every answer is read, then raised.  R takes
# an interrupt even inside a read from a socket (even under
# suspendInterrupts()), and one taken in the middle of an answer leaves
# the rest of it in the stream, so that every later answer from that
# worker is unreadable.  Such an interrupt offers a "resume" restart: it
# is noted and resumed.  A second interrupt in the same exchange is let
# through, for a worker that never answers.
.cluster_exchange <- function(cl, msgs, fun) {
  seq <- vapply(msgs, function(a) .cluster_next(), 0)
  send <- .parallel_fun("sendCall")
  held <- FALSE
  hold <- function(i) {
    if (!held && !is.null(findRestart("resume", i))) {
      held <<- TRUE
      invokeRestart("resume")
    }
  }
  res <- withCallingHandlers(tryCatch({
    suspendInterrupts(for (w in seq_along(cl)) {
      send(cl[[w]], .cluster_on_worker, list(fun, c(msgs[[w]],
                                                    list(seq = seq[w]))))
    })
    .cluster_collect(cl, seq)
  }, error = function(e) stop(.cluster_failed(cl, e))), interrupt = hold)
  if (held) .interrupt()
  err <- vapply(res, function(r) is.character(r$error), TRUE)
  if (any(err)) {
    stop(.cluster_error(sprintf("worker%s %s of 'cluster' failed (%s)",
                                if (sum(err) > 1L) "s" else "",
                                paste(which(err), collapse = ", "),
                                res[[which(err)[1L]]]$error)))
  }
  res
}

# The answers numbered `seq` (one per worker of `cl`, in order), reading
# each worker until its own has come; answers with other numbers are
# dropped.  (One worker listed twice answers on one connection, so its
# answers may come in each other's turn.)
.cluster_collect <- function(cl, seq) {
  recv <- .parallel_fun("recvResult")
  got <- vector("list", length(seq))
  for (w in seq_along(seq)) {
    while (is.null(got[[w]])) {
      r <- recv(cl[[w]])
      k <- if (is.list(r) && is.numeric(r$seq)) match(r$seq, seq) else NA
      if (!is.na(k)) got[[k]] <- r
    }
  }
  got
}

# Raises an interrupt that was held: its handlers run as for the user's
# own, and without one R goes back to the top level, as after Ctrl-C.
.interrupt <- function() {
  signalCondition(structure(list(message = "", call = NULL),
                            class = c("interrupt", "condition")))
  invokeRestart("abort")
}

.cluster_error <- function(msg) .gplvm_error(msg, "gplvm_cluster_error")

# An identifier of this build of gplvm: a checksum of the text of every
# function in its namespace, taken once when the package is loaded (before
# anything, such as trace(), can change them).  Two builds of one version
# with different R code get different identifiers; the same source built
# on two machines gets the same one (the compiled code, which differs
# between compilers, is not part of it).
.build <- new.env(parent = emptyenv())
.build_id <- function() {
  if (is.null(.build$id)) {
    ns <- asNamespace("gplvm")
    nms <- sort(ls(ns, all.names = TRUE), method = "radix")  # any locale
    .build$id <- .checksum(unlist(lapply(nms, function(nm) {
      f <- get(nm, envir = ns)
      if (is.function(f)) c(nm, deparse(f)) else nm
    })))
  }
  .build$id
}

.onLoad <- function(libname, pkgname) {
  .build_id()
  invisible()
}

# A checksum of a character vector: its length in bytes and three sums of
# the bytes weighted by position, so that a changed, added, removed or
# moved character changes it.  Exact in doubles (each sum stays below
# 2^53) for texts up to 2 * 10^6 bytes (this package's is about 150 000).
.checksum <- function(text) {
  x <- as.numeric(charToRaw(paste(text, collapse = "\n")))
  i <- seq_along(x)
  sums <- c(length(x), sum(x), sum(x * (i %% 1048573)),
            sum(x * (i %% 4093)^2))
  paste(sprintf("%.0f", sums), collapse = "-")
}

# On a worker: the version and build of gplvm it loads, NA if it cannot.
# An expression, evaluated by base::eval on the worker, so that it runs
# where gplvm cannot be loaded.
.cluster_probe <- quote({
  if (requireNamespace("gplvm", quietly = TRUE)) {
    ns <- asNamespace("gplvm")
    list(version = unname(getNamespaceVersion("gplvm")),
         build = if (exists(".build_id", envir = ns, inherits = FALSE))
           get(".build_id", envir = ns)() else NA_character_)
  } else list(version = NA_character_, build = NA_character_)
})

# Stops unless every worker of `cl` loads the version and build of gplvm
# this process runs.
.cluster_check_version <- function(cl) {
  probe <- function(a) eval(a$probe)
  environment(probe) <- baseenv()
  res <- .cluster_exchange(cl, rep(list(list(probe = .cluster_probe)),
                                   length(cl)), probe)
  version <- vapply(res, function(r) as.character(r$version), "")
  if (anyNA(version)) {
    stop(sprintf(paste("worker%s %s of 'cluster' cannot load gplvm: install",
                       "it where the workers see it, or give them your",
                       "library with parallel::clusterEvalQ(cl,",
                       ".libPaths(\"<library>\"))"),
                 if (sum(is.na(version)) > 1L) "s" else "",
                 paste(which(is.na(version)), collapse = ", ")),
         call. = FALSE)
  }
  mine <- unname(getNamespaceVersion("gplvm"))
  if (any(version != mine)) {
    stop(sprintf(paste("the workers of 'cluster' run gplvm %s, this",
                       "process %s: install the same version on both"),
                 paste(unique(version[version != mine]), collapse = ", "),
                 mine), call. = FALSE)
  }
  build <- vapply(res, function(r) as.character(r$build), "")
  other <- is.na(build) | build != .build_id()
  if (any(other)) {
    stop(sprintf(paste("worker%s %s of 'cluster' run%s another build of",
                       "gplvm %s than this process (the R code differs):",
                       "install the same build on both"),
                 if (sum(other) > 1L) "s" else "",
                 paste(which(other), collapse = ", "),
                 if (sum(other) > 1L) "" else "s", mine), call. = FALSE)
  }
  invisible()
}

# Sets up the workers of `cl` with the rows of Y (N x D; `miss`, from
# .missing_patterns(), for data with missing values) and returns the
# evaluator: eval(term, X, S, Z, kernel, noise, gradient) returns what
# .data_eval() returns for the data term `term` (R/data_term.R); close()
# frees the workers' rows; bytes() the serialize() sizes sent and received
# by the last evaluation when count_bytes.  `chunk`: rows a worker takes
# at a time, for a term that works in chunks (NULL: the term's own).
# `term`: the data term the fit evaluates (NULL: one that reads Y only
# through Y Y' and per missingness pattern); a term that skips NA entries
# itself (.data_capabilities(), R/data_term.R) gets Y's entries as they
# are, in one block, never the square factor of a wide block.
#
# The map-reduce knows nothing of the term, which supplies its steps as
# methods (R/sparse.R, R/bayes.R, R/nongaussian.R):
#   .cluster_point(term, Z, kernel, noise, q, chunk)   on the master: what
#       every worker's pass 1 needs besides its rows (the point), sent
#       to the workers and given to the global step;
#   .cluster_pass1(term, Y, lat, at, gradient)   on a worker: the sums of
#       the rows Y of a block, latent rows `lat` (list(X, [S])), at the
#       point `at`; list(<sums>, status, [keep: what pass 2 needs]);
#   .cluster_global(term, sums, ndim, at, gradient)   on the master, per
#       block: list(value, jitter, jittered, grad (its part of the
#       gradient in Z, kernel, noise), pass2 (sent back to the workers));
#   .cluster_pass2(term, Y, lat, at, keep, msg)   on a worker: the rows'
#       gradient (as lat: X, [S]) and their part of the rest (Z, kernel,
#       noise), with status.
# The bound is a sum over blocks, one per missingness pattern
# (R/missing.R), each the term's bound on its rows and observed columns;
# the rows are split once over the workers, and each worker keeps its
# share of every block.  One exchange per pass serves all the blocks.
# Once the cluster has failed, eval() evaluates in this process
# (.data_eval()), so that the fit can end at its best point.  Each
# worker's share is kept under its own key, so that a cluster listing one
# worker twice (cl[c(1, 1)]) gives that worker two shares.
.cluster_evaluator <- function(cl, Y, chunk = NULL, count_bytes = FALSE,
                               miss = NULL, term = NULL) {
  .cluster_check_version(cl)
  n <- nrow(Y)
  entries <- !is.null(term) && .data_capabilities(term)$skips_na
  blocks <- .pattern_data(Y, if (!entries) miss, gram = !entries)
  idx <- Filter(length, parallel::splitIndices(n, length(cl)))
  cl <- cl[seq_along(idx)]
  # share[[w]][[b]]: the positions in block b's rows that worker w holds
  share <- lapply(idx, function(i) {
    lapply(blocks, function(b) which(b$rows %in% i))
  })
  key <- sprintf("%d-%s-%d", Sys.getpid(),
                 format(Sys.time(), "%Y%m%d%H%M%OS6"), seq_along(idx))
  .cluster_exchange(cl, lapply(seq_along(idx), function(w)
    list(key = key[w], Y = Map(function(b, s) b$Y[s, , drop = FALSE],
                               blocks, share[[w]]))),
    .cluster_worker_setup)
  state <- new.env(parent = emptyenv())
  state$broken <- FALSE
  state$bytes <- list(sent = 0, received = 0)
  size <- function(x) as.numeric(length(serialize(x, NULL)))
  run <- function(msgs, fun) {
    res <- tryCatch(.cluster_exchange(cl, msgs, fun),
                    gplvm_cluster_error = function(e) {
                      state$broken <- TRUE
                      stop(e)
                    })
    if (count_bytes) {
      state$bytes$sent <- state$bytes$sent +
        sum(vapply(msgs, function(a) size(list(fun, a)), 0))
      state$bytes$received <- state$bytes$received + sum(vapply(res, size, 0))
    }
    for (r in res) .stop_on_status(r$status)
    res
  }
  # the answers' fields for block b, summed over the workers that hold
  # rows of it (`skip`: fields not summed)
  total <- function(res, b, skip = "status") {
    parts <- lapply(res, function(r) r$blocks[[b]])
    Reduce(function(a, p) .add_fields(a, p[setdiff(names(p), skip)]),
           parts, list())
  }
  eval <- function(term, X, S, Z, kernel, noise, gradient) {
    if (state$broken) {
      return(.data_eval(.data_prepare(term, Y, miss), X, S, Z, kernel,
                        noise, gradient))
    }
    state$bytes <- list(sent = 0, received = 0)
    at <- .cluster_point(term, Z, kernel, noise, ncol(X), chunk)
    lat <- Filter(length, list(X = X, S = S))  # S: variances of q(X)
    st <- run(lapply(seq_along(idx), function(w)
      list(key = key[w], term = term, at = at, gradient = gradient,
           lat = lapply(lat, function(A) {
             Map(function(b, s) A[b$rows[s], , drop = FALSE], blocks,
                 share[[w]])
           }))),
      .cluster_worker_pass1)
    g <- lapply(seq_along(blocks), function(b) {
      .cluster_global(term, total(st, b), blocks[[b]]$ndim, at, gradient)
    })
    jitters <- vapply(g, `[[`, 0, "jitter")
    out <- list(value = Reduce(`+`, lapply(g, `[[`, "value")),
                jitter = max(jitters), jitters = jitters,
                jittered = any(vapply(g, `[[`, TRUE, "jittered")))
    if (!gradient) return(out)
    gr <- run(lapply(key, function(k)
      list(key = k, blocks = lapply(g, `[[`, "pass2"))),
      .cluster_worker_pass2)
    for (f in names(lat)) out[[f]] <- matrix(0, n, ncol(X))
    for (b in seq_along(blocks)) {
      out <- .add_fields(out, g[[b]]$grad)
      out <- .add_fields(out, total(gr, b, c("status", names(lat))))
      for (w in seq_along(idx)) {
        rows <- blocks[[b]]$rows[share[[w]][[b]]]
        if (!length(rows)) next
        for (f in names(lat)) {
          out[[f]][rows, ] <- out[[f]][rows, , drop = FALSE] +
            gr[[w]]$blocks[[b]][[f]]
        }
      }
    }
    out
  }
  close <- function() {
    if (!state$broken) {
      try(.cluster_exchange(cl, lapply(key, function(k) list(key = k)),
                            .cluster_worker_close), silent = TRUE)
    }
    invisible()
  }
  list(eval = eval, close = close, bytes = function() state$bytes)
}

# a with each field of b added (a field a lacks is taken; NULL skipped).
.add_fields <- function(a, b) {
  for (f in names(b)) {
    if (!is.null(b[[f]])) a[[f]] <- if (is.null(a[[f]])) b[[f]] else
      a[[f]] + b[[f]]
  }
  a
}

# The steps a data term supplies (see .cluster_evaluator()).
.cluster_point <- function(term, Z, kernel, noise, q, chunk) {
  UseMethod(".cluster_point")
}
.cluster_pass1 <- function(term, Y, lat, at, gradient) {
  UseMethod(".cluster_pass1")
}
.cluster_global <- function(term, sums, ndim, at, gradient) {
  UseMethod(".cluster_global")
}
.cluster_pass2 <- function(term, Y, lat, at, keep, msg) {
  UseMethod(".cluster_pass2")
}

# ---- run on the workers ----

.cluster_worker_setup <- function(a) {
  rows <- new.env(parent = emptyenv())
  rows$Y <- a$Y  # one matrix per block
  assign(a$key, rows, envir = .cluster_rows)
  list(blocks = length(a$Y))
}

.cluster_worker_data <- function(key) {
  rows <- get0(key, envir = .cluster_rows, inherits = FALSE)
  if (is.null(rows)) stop("this worker holds no rows for the fit")
  rows
}

# The first status of a worker's blocks that is not 0 (0 if none).
.cluster_status <- function(blocks) {
  st <- unlist(lapply(blocks, `[[`, "status"))
  if (length(st) && any(st != 0L)) st[st != 0L][1L] else 0L
}

# f(b) for each block b this worker holds rows of (X: the blocks' latent
# rows; NULL for the others), with the first status that is not 0.
.cluster_per_block <- function(X, f) {
  blocks <- lapply(seq_along(X), function(b) if (nrow(X[[b]])) f(b))
  list(blocks = blocks, status = .cluster_status(blocks))
}

# The functions sent with each message are one line: a function is sent
# with its body (a namespace environment goes as a name), so the work is
# done by functions the worker finds in its own gplvm.
.cluster_worker_pass1 <- function(a) .cluster_run_pass1(a)
.cluster_worker_pass2 <- function(a) .cluster_run_pass2(a)

# Pass 1: the term's sums for each block this worker holds rows of (NULL
# for the others); keeps the term, the point, the latent rows and what the
# term keeps of each block for pass 2.
.cluster_run_pass1 <- function(a) {
  rows <- .cluster_worker_data(a$key)
  rows$pass1 <- list(term = a$term, at = a$at, lat = a$lat,
                     keep = vector("list", length(a$lat$X)))
  .cluster_per_block(a$lat$X, function(b) {
    r <- .cluster_pass1(a$term, rows$Y[[b]], lapply(a$lat, `[[`, b), a$at,
                        a$gradient)
    rows$pass1$keep[b] <- list(r$keep)
    r$keep <- NULL
    r
  })
}

# Pass 2 at the point of the last pass 1: the term's gradient for each
# block this worker holds rows of.
.cluster_run_pass2 <- function(a) {
  rows <- .cluster_worker_data(a$key)
  p <- rows$pass1
  res <- .cluster_per_block(p$lat$X, function(b) {
    .cluster_pass2(p$term, rows$Y[[b]], lapply(p$lat, `[[`, b), p$at,
                   p$keep[[b]], a$blocks[[b]])
  })
  rows$pass1$keep <- NULL
  res
}

.cluster_worker_close <- function(a) {
  if (exists(a$key, envir = .cluster_rows, inherits = FALSE)) {
    rm(list = a$key, envir = .cluster_rows)
  }
  NULL
}
