# The sparse VFE / DTC / FITC bound evaluated across the workers of a
# snow-style cluster (package parallel).  The bound depends on the data
# only through sums over rows (src/sparse_stats.c; FITC's weighted by
# 1 / lambda_i, which needs only row i, Z and the kernel), so each worker
# keeps its rows of Y (of each missingness pattern's block) for the whole
# fit and, per evaluation,
#   pass 1: gets its latent rows, Z and the kernel, returns its share of
#           psi0, yy, Kxz'Kxz (M x M) and Kxz'Y (M x D) (FITC: weighted,
#           and sum log lambda_i);
#   (the master sums them and takes the global step, O(M^3 + M^2 D))
#   pass 2: gets M x M and M x D matrices (see src/sparse_stats.c) and
#           dL/dpsi0, returns its rows' gradient and its share of the
#           others (FITC: with the noise's).
# The master never holds an N x M matrix.

#' @section Across a cluster:
#' With `cluster`, a cluster made by [parallel::makePSOCKcluster()] or
#' [parallel::makeForkCluster()] (any cluster of package \pkg{parallel}'s
#' kind), a sparse fit (`inducing` given, any `approx`)
#' or a Bayesian fit (`bayesian = TRUE`) evaluates its bound across the
#' workers.  The rows of `Y` are split once
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
#'   workers a sparse or Bayesian fit evaluates its bound (see "Across a
#'   cluster" in [gplvm-scaling]).
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
# evaluator: loglik(X, Z, kernel, noise, approx, gradient) returns what
# .loglik_sparse_c() returns; close() frees the workers' rows; bytes() the
# serialize() sizes sent and received by the last evaluation when
# count_bytes.  The bound is a sum over blocks, one per missingness
# pattern (R/missing.R), each a sparse bound of its rows and observed
# columns; the rows are split once over the workers, and each worker
# keeps its share of every block.  One exchange per pass serves all the
# blocks: the master takes each block's global step.  Once the cluster has
# failed, loglik() evaluates in this process (.data_eval()), so that the
# fit can end at its best point.  Each worker's share is kept under its
# own key, so that a cluster listing one worker twice (cl[c(1, 1)]) gives
# that worker two shares.
.cluster_evaluator <- function(cl, Y, chunk = .sparse_chunk,
                               count_bytes = FALSE, miss = NULL) {
  .cluster_check_version(cl)
  n <- nrow(Y)
  blocks <- if (is.null(miss)) {
    list(list(rows = seq_len(n), Y = Y, ndim = ncol(Y)))
  } else .pattern_data(Y, miss)  # R/missing.R
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
  # worker w's part of a field of block b's answers (NULL: no rows there)
  part <- function(res, b, f) lapply(res, function(r) r$blocks[[b]][[f]])
  total <- function(res, b, f) {
    Reduce(`+`, Filter(Negate(is.null), part(res, b, f)))
  }
  loglik <- function(X, Z, kernel, noise, approx, gradient) {
    if (state$broken) {
      r <- .data_eval(.data_prepare(.data_sparse(approx, nrow(Z)), Y, miss),
                      X, NULL, Z, kernel, noise, gradient)
      return(list(loglik = r$value, X = r$X, inducing = r$Z,
                  kernel = r$kernel, noise = r$noise, jitter = r$jitter,
                  retries = as.integer(r$jittered), status = 0L))
    }
    state$bytes <- list(sent = 0, received = 0)
    spec <- .kernel_spec(kernel, ncol(X))
    fac <- .Call(C_gplvm_sparse_factor_call, Z, spec$type, spec$npar,
                 spec$par)
    .stop_on_status(fac$status)
    fitc <- approx == "fitc"
    st <- run(lapply(seq_along(idx), function(w)
      list(key = key[w], X = Map(function(b, s) X[b$rows[s], , drop = FALSE],
                                 blocks, share[[w]]),
           Z = Z, spec = spec, Lz = fac$Lz, chunk = chunk, keep = gradient,
           noise = if (fitc) noise)),
      .cluster_worker_stats)
    g <- lapply(seq_along(blocks), function(b) {
      ndim <- as.double(blocks[[b]]$ndim)
      r <- if (fitc) {
        .Call(C_gplvm_fitc_global_call, Z, spec$type, spec$npar, spec$par,
              ndim, fac$Lz, fac$rel, total(st, b, "n"),
              total(st, b, "loglam"), total(st, b, "yy"),
              total(st, b, "Phi"), total(st, b, "c"), gradient)
      } else {
        .Call(C_gplvm_sparse_global_call, Z, spec$type, spec$npar,
              spec$par, noise, ndim, .sparse_codes[[approx]], fac$Lz,
              fac$rel, total(st, b, "n"), total(st, b, "psi0"),
              total(st, b, "yy"), total(st, b, "Phi"), total(st, b, "c"),
              gradient)
      }
      .stop_on_status(r$status)
      c(r, list(ndim = ndim))
    })
    sum_g <- function(f) Reduce(`+`, lapply(g, `[[`, f))
    out <- c(list(loglik = sum_g("loglik")), fac[c("jitter", "retries")])
    if (!gradient) return(out)
    # FITC's pass 2 also needs each block's D and the jitter's factor
    gr <- run(lapply(key, function(k)
      list(key = k, Lz = fac$Lz, rel = fac$rel,
           blocks = lapply(g, `[`, c("B", "C", "g0", if (fitc) "ndim")))),
      .cluster_worker_grad)
    gX <- matrix(0, n, ncol(X))
    for (w in seq_along(idx)) {
      for (b in seq_along(blocks)) {
        rows <- blocks[[b]]$rows[share[[w]][[b]]]
        if (length(rows)) {
          gX[rows, ] <- gX[rows, , drop = FALSE] + gr[[w]]$blocks[[b]]$X
        }
      }
    }
    sum_w <- function(f) {
      Reduce(`+`, lapply(seq_along(blocks), function(b) total(gr, b, f)))
    }
    c(out, list(X = gX, inducing = sum_g("inducing") + sum_w("inducing"),
                kernel = sum_g("kernel") + sum_w("kernel"),
                noise = sum_g("noise") + sum_w("noise"), status = 0L))
  }
  # The Bayesian bound (R/bayes.R) in the same two passes: the workers'
  # sums of psi0, Psi2, Psi1'Y, tr(Y Y') and KL, the master's global step
  # per block, then the workers' rows of the gradient.  Returns what
  # .data_eval() returns.
  bayes <- function(X, S, Z, kernel, noise, gradient) {
    if (state$broken) {
      return(.data_eval(.data_prepare(.data_bayes(nrow(Z)), Y, miss), X, S,
                        Z, kernel, noise, gradient))
    }
    state$bytes <- list(sent = 0, received = 0)
    spec <- .kernel_spec(kernel, ncol(X))
    rows_of <- function(A, w) {
      Map(function(b, s) A[b$rows[s], , drop = FALSE], blocks, share[[w]])
    }
    st <- run(lapply(seq_along(idx), function(w)
      list(key = key[w], X = rows_of(X, w), S = rows_of(S, w), Z = Z,
           spec = spec)), .cluster_worker_bayes_stats)
    g <- lapply(seq_along(blocks), function(b) {
      r <- .Call(C_gplvm_bayes_global_call, Z, spec$type, spec$npar,
                 spec$par, noise, as.double(blocks[[b]]$ndim),
                 total(st, b, "n"), total(st, b, "psi0"),
                 total(st, b, "Psi2"), total(st, b, "PY"),
                 total(st, b, "yy"), total(st, b, "kl"), gradient)
      .stop_on_bayes_status(r$status)  # R/bayes.R
      r
    })
    sum_g <- function(f) Reduce(`+`, lapply(g, `[[`, f))
    jitters <- vapply(g, `[[`, 0, "jitter")
    out <- list(value = sum_g("bound"), jitters = jitters,
                jitter = max(jitters),
                jittered = any(vapply(g, `[[`, 0L, "retries") > 0L))
    if (gradient) {
      gr <- run(lapply(key, function(k)
        list(key = k, blocks = lapply(g, `[`, c("beta", "g0", "L", "E",
                                               "W2")))),
        .cluster_worker_bayes_grad)
      gX <- gS <- matrix(0, n, ncol(X))
      for (w in seq_along(idx)) {
        for (b in seq_along(blocks)) {
          rows <- blocks[[b]]$rows[share[[w]][[b]]]
          if (length(rows)) {
            gX[rows, ] <- gX[rows, , drop = FALSE] + gr[[w]]$blocks[[b]]$X
            gS[rows, ] <- gS[rows, , drop = FALSE] +
              gr[[w]]$blocks[[b]]$X_var
          }
        }
      }
      sum_w <- function(f) {
        Reduce(`+`, lapply(seq_along(blocks), function(b) total(gr, b, f)))
      }
      out <- c(out, list(X = gX, S = gS,
                         Z = sum_g("inducing") + sum_w("inducing"),
                         kernel = sum_g("kernel") + sum_w("kernel"),
                         noise = sum_g("noise")))
    }
    # each block's bound holds the KL of its rows, which belongs to the
    # latent term: added back block by block, as .data_eval() does
    for (b in blocks) {
      r <- b$rows
      kl <- .kl_unit(X[r, , drop = FALSE], S[r, , drop = FALSE])
      out$value <- out$value + kl$value
      if (gradient) {
        out$X[r, ] <- out$X[r, , drop = FALSE] + kl$X
        out$S[r, ] <- out$S[r, , drop = FALSE] + kl$S
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
  list(loglik = loglik, bayes = bayes, close = close,
       bytes = function() state$bytes)
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
.cluster_worker_stats <- function(a) .cluster_stats_blocks(a)
.cluster_worker_grad <- function(a) .cluster_grad_blocks(a)

# Pass 1, for each block this worker holds rows of (NULL for the others);
# keeps X, Z, the kernel, FITC's noise (NULL: VFE or DTC) and (for the
# gradient) k(X, Z) for pass 2.
.cluster_stats_blocks <- function(a) {
  rows <- .cluster_worker_data(a$key)
  s <- a$spec
  rows$pass1 <- list(Z = a$Z, spec = s, chunk = a$chunk, noise = a$noise,
                     X = a$X, store = vector("list", length(a$X)))
  .cluster_per_block(a$X, function(b) {
    r <- if (is.null(a$noise)) {
      .Call(C_gplvm_sparse_stats_call, rows$Y[[b]], a$X[[b]], a$Z, s$type,
            s$npar, s$par, a$Lz, a$chunk, a$keep)
    } else {
      .Call(C_gplvm_fitc_stats_call, rows$Y[[b]], a$X[[b]], a$Z, s$type,
            s$npar, s$par, a$Lz, a$noise, a$chunk, a$keep)
    }
    if (!is.null(r$store)) rows$pass1$store[[b]] <- r$store
    r$store <- NULL
    r
  })
}

# Pass 2 at the point of the last pass 1.
.cluster_grad_blocks <- function(a) {
  rows <- .cluster_worker_data(a$key)
  p <- rows$pass1
  s <- p$spec
  res <- .cluster_per_block(p$X, function(b) {
    m <- a$blocks[[b]]
    if (is.null(p$noise)) {
      .Call(C_gplvm_sparse_grad_call, rows$Y[[b]], p$X[[b]], p$Z, s$type,
            s$npar, s$par, a$Lz, m$B, m$C, m$g0, p$chunk, p$store[[b]])
    } else {
      .Call(C_gplvm_fitc_grad_call, rows$Y[[b]], p$X[[b]], p$Z, s$type,
            s$npar, s$par, a$Lz, p$noise, m$ndim, a$rel, m$B, m$C, p$chunk,
            p$store[[b]])
    }
  })
  rows$pass1$store <- NULL
  res
}

.cluster_worker_bayes_stats <- function(a) .cluster_bayes_stats_blocks(a)
.cluster_worker_bayes_grad <- function(a) .cluster_bayes_grad_blocks(a)

# The Bayesian pass 1: each block's sums; keeps X, S, Z and the kernel
# for pass 2.
.cluster_bayes_stats_blocks <- function(a) {
  rows <- .cluster_worker_data(a$key)
  s <- a$spec
  rows$pass1 <- list(Z = a$Z, spec = s, X = a$X, S = a$S)
  .cluster_per_block(a$X, function(b) {
    .Call(C_gplvm_bayes_stats_call, rows$Y[[b]], a$X[[b]], a$S[[b]], a$Z,
          s$type, s$npar, s$par, .gplvm_threads())
  })
}

# The Bayesian pass 2 at the point of the last pass 1.
.cluster_bayes_grad_blocks <- function(a) {
  rows <- .cluster_worker_data(a$key)
  p <- rows$pass1
  s <- p$spec
  .cluster_per_block(p$X, function(b) {
    w <- a$blocks[[b]]
    .Call(C_gplvm_bayes_grad_call, rows$Y[[b]], p$X[[b]], p$S[[b]], p$Z,
          s$type, s$npar, s$par, w$beta, w$g0, w$L, w$E, w$W2,
          .gplvm_threads())
  })
}

.cluster_worker_close <- function(a) {
  if (exists(a$key, envir = .cluster_rows, inherits = FALSE)) {
    rm(list = a$key, envir = .cluster_rows)
  }
  NULL
}
