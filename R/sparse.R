# The sparse GP-LVM: inducing inputs and the VFE, FITC and DTC
# approximations (formulas in src/sparse.c and ?gplvm_loglik).

.sparse_codes <- c(vfe = 1L, fitc = 2L, dtc = 3L)

# Rows per chunk of the chunked VFE / DTC evaluation (src/sparse_stats.c):
# large enough for the BLAS to run at full speed, small enough for one
# chunk's gradient pass to stay in the processor's cache; and the most
# doubles kept between the two passes (512 MB).
.sparse_chunk <- 2048L
.sparse_store_max <- 2^26

# Checks `inducing` (an M x q matrix) and returns it as a double matrix.
.check_inducing <- function(inducing, q) {
  Z <- .as_numeric_matrix(inducing, "inducing")
  if (ncol(Z) != q) {
    stop(sprintf(paste("'inducing' must have %d columns, one per latent",
                       "dimension, not %d"), q, ncol(Z)), call. = FALSE)
  }
  Z
}

# Checks `approx` against the three choices and returns one of them: one
# string, or the untouched default (all three, meaning the first).
.check_approx <- function(approx) {
  .check_choice(approx, names(.sparse_codes), "approx")
}

# The sparse model needs a part other than white (white acts as noise).
.check_sparse_kernel <- function(kernel, q) {
  parts <- .check_kernel(kernel, q)
  if (all(vapply(parts, `[[`, "", "type") == "white")) {
    stop("'kernel' must have a part other than kern_white() in the sparse ",
         "model", call. = FALSE)
  }
  parts
}

# One sparse evaluation in C; callers have checked.  Returns the raw list
# (loglik, X, inducing, kernel, noise, jitter, retries) or stops.  VFE and
# DTC run `chunk` rows at a time (src/sparse_stats.c), keeping k(X, Z) and
# its whitened form between the two passes while they (and a cache: at most
# 3 N M doubles) take at most .sparse_store_max doubles.  `workspace`: NULL,
# or a fit's .loglik_workspace(), which then holds them from evaluation to
# evaluation: with fresh memory at every evaluation, page faults took 44%
# of a fit's time at 16000 rows, M = 64, in a fresh R session
# (bench/sparse_workspace.md).
.loglik_sparse_c <- function(Y, X, Z, kernel, noise, approx, gradient,
                             ndim = ncol(Y), chunk = .sparse_chunk,
                             store = 3 * nrow(X) * nrow(Z) <=
                               .sparse_store_max, workspace = NULL) {
  spec <- .kernel_spec(kernel, ncol(X))
  res <- .Call(C_gplvm_sparse_call, Y, X, Z, spec$type, spec$npar, spec$par,
               noise, as.double(ndim), .sparse_codes[[approx]], gradient,
               as.integer(chunk), store, workspace)
  .stop_on_status(res$status)
  res
}

# gplvm_loglik() with inducing inputs: checks and the result with its
# gradient attribute.  miss: NULL, or Y's missingness (.missing_patterns).
.gplvm_loglik_sparse <- function(Y, X, kernel, noise, gradient, inducing,
                                 approx, miss = NULL) {
  Z <- .check_inducing(inducing, ncol(X))
  approx <- .check_approx(approx)
  .check_sparse_kernel(kernel, ncol(X))
  res <- .data_eval(.data_prepare(.data_sparse(approx, nrow(Z)), Y, miss),
                    X, NULL, Z, kernel, noise, gradient)  # R/data_term.R
  .warn_inducing_jitter(res)
  out <- res$value
  if (gradient) {
    gX <- res$X
    dimnames(gX) <- dimnames(X)
    gZ <- res$Z
    dimnames(gZ) <- dimnames(Z)
    attr(out, "gradient") <- list(X = gX,
                                  kernel = stats::setNames(res$kernel,
                                             names(kern_params(kernel))),
                                  noise = res$noise, inducing = gZ)
  }
  out
}

# Warns when the C evaluation `res` had to grow the jitter on k(Z, Z).
.warn_inducing_jitter <- function(res) {
  if (isTRUE(res$jittered) || isTRUE(res$retries > 0L)) {
    warning(sprintf(paste("the covariance of the inducing inputs was not",
                          "positive definite; added jitter %.3g to its",
                          "diagonal"), res$jitter), call. = FALSE)
  }
}

# Starting inducing inputs for gplvm(): NULL (exact model), k-means
# centres of the starting latent positions X0 for a count M, or a matrix.
.init_inducing <- function(inducing, X0) {
  if (is.null(inducing)) return(NULL)
  n <- nrow(X0)
  if (is.numeric(inducing) && !is.matrix(inducing)) {
    m <- .check_count(inducing, "inducing", hi = n)
    if (m == n) return(unname(X0))
    Z <- tryCatch(suppressWarnings(
      stats::kmeans(X0, centers = m, iter.max = 50L)$centers),
      error = function(e) X0[sample.int(n, m), , drop = FALSE])
    return(unname(Z))
  }
  unname(.check_inducing_start(.check_inducing(inducing, ncol(X0)), X0))
}

# Refuses starting inducing inputs Z that lie far outside the starting
# latent positions X0: more than 100 times X0's largest standard deviation
# beyond their range in some dimension.  With the default kernel (X0's
# spread is one lengthscale) the kernel between them and every latent
# position is then 0 in double precision (exp(-5000)), so the optimiser
# cannot move them and the fit "converges" with nothing fitted.
.check_inducing_start <- function(Z, X0) {
  s <- max(apply(X0, 2L, stats::sd))
  lo <- apply(X0, 2L, min) - 100 * s
  hi <- apply(X0, 2L, max) + 100 * s
  far <- which(rowSums(sweep(Z, 2L, lo, `<`) | sweep(Z, 2L, hi, `>`)) > 0)
  if (!length(far)) return(Z)
  stop(sprintf(paste("'inducing' starts row%s %s%s more than 100 standard",
                     "deviations of the starting latent positions outside",
                     "their range (largest absolute value %.3g), where the",
                     "optimiser cannot move %s; start the inducing inputs",
                     "among the latent positions, or give their number M",
                     "for k-means centres of the start"),
               if (length(far) > 1L) "s" else "",
               paste(far[seq_len(min(10L, length(far)))], collapse = ", "),
               if (length(far) > 10L) ", ..." else "",
               max(abs(Z[far, ])), if (length(far) > 1L) "them" else "it"),
       call. = FALSE)
}

# The number of inducing inputs `inducing` (a count, checked, or a
# matrix) stands for, with n rows of data.
.inducing_count <- function(inducing, n) {
  if (is.matrix(inducing)) nrow(inducing)
  else .check_count(inducing, "inducing", hi = n)
}

# The kernel without its white parts, and the noise with their variances
# added: how the sparse model sees a kernel.
.split_white <- function(kernel, noise) {
  parts <- .kernel_parts(kernel)
  white <- vapply(parts, `[[`, "", "type") == "white"
  list(kernel = structure(list(type = "sum", parts = parts[!white]),
                          class = "gplvm_kernel"),
       noise = noise + sum(vapply(parts[white],
                                  function(p) p$params$variance, 0)))
}

# Posterior of the sparse model given inducing inputs Z (all three
# approximations share it; VFE's equals DTC's): with
# B = Kzz + Kzx Lambda^-1 Kxz, the predictive mean at x* is
# k(x*, Z) alpha, alpha = B^-1 Kzx Lambda^-1 Y (M x D), and the variance of
# the latent function k(x*, x*) - |k(x*, Z) Cfac|^2, where
# Cfac Cfac' = Kzz^-1 - B^-1.  In whitened form (Kzz = R'R, V = Kxz R^-1,
# A = I + V' Lambda^-1 V = U diag(a) U', B = R'A R):
# Kzz^-1 - B^-1 = R^-1 (I - A^-1) R^-T, so Cfac = R^-1 U diag(1 - 1/a)^1/2,
# which avoids the difference of two large inverses and keeps the variance
# a sum of squares.  O(N M^2) time; for VFE and DTC (Lambda = s2 I) from
# the sums V'V and V'Y taken chunk by chunk in C, without an N x M
# matrix.  `jitter` is the absolute jitter on k(Z, Z) that the C
# evaluation used.
.sparse_posterior <- function(Y, X, Z, kernel, noise, approx, jitter) {
  sw <- .split_white(kernel, noise)
  m <- nrow(Z)
  R <- chol(kern_matrix(sw$kernel, Z) + diag(jitter, m))
  Ri <- backsolve(R, diag(m))
  if (approx == "fitc") {
    V <- kern_matrix(sw$kernel, X, Z) %*% Ri
    lambda <- sw$noise + .kern_diag(sw$kernel, X) - rowSums(V^2)
    A <- diag(m) + crossprod(V / sqrt(lambda))
    P <- crossprod(V, Y / lambda)
  } else {
    spec <- .kernel_spec(sw$kernel, ncol(X))
    st <- .Call(C_gplvm_sparse_stats_call, Y, X, Z, spec$type, spec$npar,
                spec$par, t(R), .sparse_chunk, FALSE)
    .stop_on_status(st$status)
    A <- diag(m) + st$Phi / sw$noise   # V = Kxz R^-1
    P <- st$c / sw$noise
  }
  c(list(support = Z, kernel = sw$kernel, noise = sw$noise),
    .whitened_posterior(Ri, A, P))
}

# alpha = Ri A^-1 P and Cfac = Ri U diag(1 - 1/a)^1/2 from the whitened
# matrix A = U diag(a) U' (M x M) and projection P (M x D); Ri = R^-1.
.whitened_posterior <- function(Ri, A, P) {
  e <- eigen(A, symmetric = TRUE)
  RU <- Ri %*% e$vectors
  list(alpha = RU %*% (crossprod(e$vectors, P) / e$values),
       Cfac = RU %*% diag(sqrt(pmax(1 - 1 / e$values, 0)), nrow(A)))
}

# The most rows the default plain fit (inducing = "auto") fits with the
# exact model: option "gplvm.exact_max", default 500.  One exact
# evaluation costs N^3 flops (18 ms at 800 rows on OpenBLAS, one thread).
# Above 500 rows the sparse fit with M = 64 (the auto M until session 8)
# and its preconditioned hyperparameters took 0.04 to 0.06 of the exact fit's
# time, with as few 1-NN errors or fewer (medians): oil (1000 rows) 0.6 s
# against 16 s, 2 errors over 8 seeds against 2 over 3 starts; 800
# diamonds rows 0.8 s against 19 s, with a better held-out
# reconstruction; biopsy (546) 0.3 s against 4.9 s (bench/sparse_midsize.R,
# bench/levers.md section 8).  At 187 rows (mpg) the exact fit was as
# fast and closer to the data.
.exact_max <- function() {
  n <- getOption("gplvm.exact_max", 500L)
  if (!is.numeric(n) || length(n) != 1L || !is.finite(n) || n < 1 ||
      n != round(n)) {
    stop(.gplvm_error(sprintf(paste(
      "option 'gplvm.exact_max' must be a positive whole number, not %s"),
      paste(deparse(n, width.cutoff = 40L)[1L], collapse = "")),
      "gplvm_option_error"))
  }
  n
}

# M of the sparse model that inducing = "auto" chooses for n rows.  An
# evaluation costs O(n M^2).  Where that is cheap, 80: up to 6400 rows,
# then as many as keep n M^2 at 6400 x 80^2, which is 64 at 10000 rows.
# On oil (1000 rows, bench/levers.md section 9) M = 80 left more than 2
# 1-NN errors on 3 of 64 seeds of the inducing inputs, M = 64 on 8.
# From there sqrt(n) / 2, between 64 and 300 (64 up to 16900 rows, 71 at
# 20000, 158 at 1e5): on ggplot2's diamonds
# (bench/landmarks.md) M = 63 kept uwot's 1-NN errors at 16000 rows
# (1.01 x; M = 253, the former 2 sqrt(n): 0.98 x) in 2680 evaluations
# of 1/16 the cost, and M = 80 took 1.7 x M = 64's time (section 8).
.auto_inducing_count <- function(n) {
  cheap <- min(80, sqrt(6400 * 80^2 / n))
  as.integer(min(n, round(max(64, cheap, min(300, sqrt(n) / 2)))))
}

# gplvm()'s `inducing` after "auto" is settled: NULL (the exact model)
# for a Bayesian fit (whose data term has its own default) or up to
# .exact_max() rows, else the count .auto_inducing_count(n), with a
# message saying so and how to choose otherwise.  `always`: the count
# (at most n) that "auto" and NULL give for a term that is always sparse
# (NULL: none).  Other values are returned as given (checked later).
.resolve_inducing <- function(inducing, n, bayesian, always = NULL) {
  if (!is.null(always) && (is.null(inducing) || identical(inducing, "auto"))) {
    return(min(n, always))
  }
  if (!is.character(inducing)) return(inducing)
  if (!identical(inducing, "auto")) {
    stop(paste("'inducing' must be \"auto\", NULL (the exact model), a",
               "number of inducing inputs or a matrix of them"),
         call. = FALSE)
  }
  top <- .exact_max()
  if (bayesian || n <= top) return(NULL)
  m <- .auto_inducing_count(n)
  message(sprintf(paste(
    "gplvm: 'Y' has %d rows, more than %d (options(gplvm.exact_max =)):",
    "fitting the sparse model (VFE) with M = %d inducing inputs, O(N M^2)",
    "per evaluation against the exact model's O(N^3).  Give",
    "'inducing = NULL' for the exact model, or 'inducing = M' for",
    "another M."), n, top, m))
  m
}

# ---- across a cluster (the steps of R/cluster.R) ----
#
# The bound depends on the data only through sums over rows
# (src/sparse_stats.c): psi0, yy, Kxz'Kxz (M x M) and Kxz'Y (M x D);
# FITC's weighted by 1 / lambda_i, which needs only row i, Z and the
# kernel, and sum log lambda_i.  The master factorises k(Z, Z) once per
# evaluation; the workers get the factor with the point.

.cluster_point.gplvm_data_sparse <- function(term, Z, kernel, noise, q,
                                             chunk) {
  spec <- .kernel_spec(kernel, q)
  fac <- .Call(C_gplvm_sparse_factor_call, Z, spec$type, spec$npar,
               spec$par)
  .stop_on_status(fac$status)
  c(list(Z = Z, spec = spec, noise = noise, chunk = chunk %||% .sparse_chunk),
    fac[c("Lz", "rel", "jitter", "retries")])
}

# Keeps (for the gradient) k(X, Z) and its whitened form for pass 2.
.cluster_pass1.gplvm_data_sparse <- function(term, Y, lat, at, gradient) {
  s <- at$spec
  r <- if (term$approx == "fitc") {
    .Call(C_gplvm_fitc_stats_call, Y, lat$X, at$Z, s$type, s$npar, s$par,
          at$Lz, at$noise, at$chunk, gradient)
  } else {
    .Call(C_gplvm_sparse_stats_call, Y, lat$X, at$Z, s$type, s$npar, s$par,
          at$Lz, at$chunk, gradient)
  }
  c(r[setdiff(names(r), "store")], list(keep = r$store))
}

.cluster_global.gplvm_data_sparse <- function(term, sums, ndim, at,
                                              gradient) {
  s <- at$spec
  ndim <- as.double(ndim)
  r <- if (term$approx == "fitc") {
    .Call(C_gplvm_fitc_global_call, at$Z, s$type, s$npar, s$par, ndim,
          at$Lz, at$rel, sums$n, sums$loglam, sums$yy, sums$Phi, sums$c,
          gradient)
  } else {
    .Call(C_gplvm_sparse_global_call, at$Z, s$type, s$npar, s$par,
          at$noise, ndim, .sparse_codes[[term$approx]], at$Lz, at$rel,
          sums$n, sums$psi0, sums$yy, sums$Phi, sums$c, gradient)
  }
  .stop_on_status(r$status)
  # the jitter on k(Z, Z) is part of the model; only retries count
  list(value = r$loglik, jitter = at$jitter, jittered = at$retries > 0L,
       grad = list(Z = r$inducing, kernel = r$kernel, noise = r$noise),
       pass2 = c(r[c("B", "C", "g0")], list(ndim = ndim)))
}

# FITC's pass 2 also needs the block's D and the jitter's factor, and
# returns the rows' share of the noise gradient (VFE's and DTC's is 0).
.cluster_pass2.gplvm_data_sparse <- function(term, Y, lat, at, keep, msg) {
  s <- at$spec
  r <- if (term$approx == "fitc") {
    .Call(C_gplvm_fitc_grad_call, Y, lat$X, at$Z, s$type, s$npar, s$par,
          at$Lz, at$noise, msg$ndim, at$rel, msg$B, msg$C, at$chunk, keep)
  } else {
    .Call(C_gplvm_sparse_grad_call, Y, lat$X, at$Z, s$type, s$npar, s$par,
          at$Lz, msg$B, msg$C, msg$g0, at$chunk, keep)
  }
  list(X = r$X, Z = r$inducing, kernel = r$kernel, noise = r$noise,
       status = r$status)
}
