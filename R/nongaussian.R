# Non-Gaussian likelihoods (issue 25): binary (Bernoulli, logit or probit
# link) and count data (Poisson and negative binomial, log link) as a data
# term of R/data_term.R.  The bound is the uncollapsed sparse one with an
# explicit whitened q(v_d) = N(m_d, L_d L_d') for each output column
# (formulas in src/nongaussian.c and ?"gplvm-models").

#' @section Binary and count data:
#' With `likelihood = "bernoulli"` (link `"logit"` or `"probit"`),
#' `"poisson"` or `"negbin"` (link `"log"`) the entries of `Y` are not
#' Gaussian: each column \eqn{d} has a latent GP function \eqn{f_d(x)}{f_d(x)}
#' and \eqn{y_{nd}}{y_nd} follows the likelihood given
#' \eqn{f_d(x_n)}{f_d(x_n)} through the link.  The model is sparse, with
#' `inducing` inputs \eqn{Z} (default `min(N, 20)`), and the objective is
#' the uncollapsed variational bound
#' \deqn{F = \sum_{n,d} E_{q(f_{nd})}[\log p(y_{nd} \mid f_{nd})] - \sum_d \mathrm{KL}(q(v_d) \,\|\, N(0, I))}{F = sum_{n,d} E_q(f_nd)[log p(y_nd | f_nd)] - sum_d KL(q(v_d) || N(0, I))}
#' with whitened inducing values \eqn{u_d = L_z v_d}{u_d = Lz v_d}
#' (\eqn{K_{zz} = L_z L_z^\top}{Kzz = Lz Lz'}) and, for each column, its own
#' \eqn{q(v_d) = N(m_d, L_d L_d^\top)}{q(v_d) = N(m_d, L_d L_d')} (one
#' covariance per column: unlike the Gaussian case the optimum differs
#' between columns).  The marginal of \eqn{f_{nd}}{f_nd} is Gaussian, and
#' the expectations are Gauss-Hermite quadrature with 20 points, except
#' for the Poisson likelihood, where \eqn{E[\log p] = y \mu - e^{\mu + v/2}
#' - \log y!}{E[log p] = y mu - exp(mu + v/2) - log y!} is exact.  Entries
#' that are `NA` are left out of the sum.  The negative binomial has one
#' size (dispersion) parameter per column, fitted on the log scale
#' (variance \eqn{\lambda + \lambda^2/r}{lambda + lambda^2 / r}).  `Y` is
#' neither centred nor scaled; `bernoulli` takes 0/1, logical or two-level
#' factor columns (the second level is 1), the count likelihoods
#' non-negative whole numbers.  Not available with `bayesian = TRUE` or
#' `approx` other than `"vfe"`.  `loglik` is the
#' bound; `predict(fit, newlatent = )` gives the mean of the data
#' (probabilities or rates) with intervals, and residuals are Pearson's.
#'
#' \eqn{F} is a sum over the rows plus the KL term, so it scales as the
#' sparse Gaussian bound does ([gplvm-scaling]).  With `batch_size`, each
#' step of minibatch training takes a batch of \eqn{B} rows and the
#' unbiased estimate \eqn{(N/B) \sum_{n \in \mathrm{batch}, d} E[\log p] -
#' \sum_d \mathrm{KL}_d}{(N / B) sum_{n in batch, d} E[log p] - sum_d KL_d};
#' since \eqn{q(v_d)}{q(v_d)} is optimised with the other parameters, all
#' of them (the means and Cholesky factors of \eqn{q(v)}, the sizes, the
#' inducing inputs, the kernel parameters) take Adam steps, with no
#' natural gradient step, and the latent rows of the batch their own; the
#' full-batch fit then continues from the best point, as in "Minibatch
#' training" of [gplvm-scaling].  With `cluster`, each worker evaluates
#' the expected log-likelihood of its rows and its gradient (\eqn{O(N_w D
#' M^2)}{O(N_w D M^2)} work, with its own factor of \eqn{K_{zz}}{Kzz}),
#' and returns the gradient in \eqn{q(v)}, the sizes, the inducing inputs
#' and the kernel (\eqn{O(D M^2)}{O(D M^2)} numbers); the master adds the
#' KL term once.
#' @rdname gplvm-models
#' @name gplvm-models
NULL

#' @param likelihood The distribution of the entries of `Y` given the
#'   latent function: `"gaussian"` (the default: every other argument as
#'   described), `"bernoulli"`, `"poisson"` or `"negbin"`; see "Binary and
#'   count data" in [gplvm-models].
#' @param link The link of a non-Gaussian likelihood: `"logit"` (default)
#'   or `"probit"` for `"bernoulli"`, `"log"` for the counts.
#' @rdname gplvm
#' @name gplvm
NULL

# Codes of src/gplvm.h (GPLVM_LIK_*).
.likelihood_codes <- c(gaussian = 0L, logit = 1L, probit = 2L,
                       poisson = 3L, negbin = 4L)

.likelihood_links <- list(gaussian = "identity", bernoulli = c("logit", "probit"),
                          poisson = "log", negbin = "log")

# Checks likelihood and link for gplvm(); returns list(likelihood, link).
.check_likelihood <- function(likelihood, link) {
  likelihood <- .check_choice(likelihood, names(.likelihood_links),
                              "likelihood")
  links <- .likelihood_links[[likelihood]]
  if (is.null(link)) link <- links[[1L]]
  if (!is.character(link) || length(link) != 1L || !link %in% links) {
    stop(sprintf("'link' must be %s for likelihood \"%s\"",
                 paste0("\"", links, "\"", collapse = " or "), likelihood),
         call. = FALSE)
  }
  list(likelihood = likelihood, link = link)
}

.likelihood_code <- function(likelihood, link) {
  .likelihood_codes[[if (likelihood == "bernoulli") link else likelihood]]
}

# Y for a non-Gaussian likelihood as a numeric matrix: 0/1, logical or
# two-level factor columns (bernoulli) or non-negative whole numbers
# (counts); anything else is refused, naming the column.
.nongaussian_data <- function(Y, likelihood) {
  if (likelihood == "gaussian") return(Y)
  cols <- if (is.data.frame(Y)) as.list(Y) else if (is.matrix(Y)) {
    lapply(seq_len(ncol(Y)), function(j) Y[, j])
  } else {
    stop("'Y' must be a matrix or a data frame", call. = FALSE)
  }
  nm <- if (is.data.frame(Y)) names(Y) else colnames(Y)
  nm <- if (is.null(nm)) as.character(seq_along(cols)) else sQuote(nm, FALSE)
  out <- vapply(seq_along(cols), function(j) {
    x <- cols[[j]]
    bad <- function(what) {
      stop(sprintf("'Y' column %s: %s", nm[j], what),
           call. = FALSE)
    }
    if (likelihood == "bernoulli") {
      if (is.factor(x)) {
        if (nlevels(x) != 2L) {
          bad(sprintf("a factor must have two levels for likelihood %s, not %d",
                      "\"bernoulli\"", nlevels(x)))
        }
        return(as.double(as.integer(x) - 1L))
      }
      if (is.logical(x)) return(as.double(x))
      if (!is.numeric(x) || any(!is.na(x) & x != 0 & x != 1)) {
        bad(paste("likelihood \"bernoulli\" needs 0/1, logical or",
                  "two-level factor values"))
      }
      return(as.double(x))
    }
    if (!is.numeric(x) || any(!is.na(x) & (!is.finite(x) | x < 0 |
                                             x != round(x)))) {
      bad(sprintf("likelihood \"%s\" needs non-negative whole numbers",
                  likelihood))
    }
    as.double(x)
  }, numeric(NROW(Y)))
  out <- matrix(out, NROW(Y), length(cols))
  dimnames(out) <- list(if (is.data.frame(Y)) attr(Y, "row.names") %||% NULL
                        else rownames(Y), colnames(Y))
  if (is.data.frame(Y) && is.integer(attr(Y, "row.names"))) {
    rownames(out) <- NULL
  }
  out
}

# Gauss-Hermite rule of the standard normal (Golub-Welsch): c(nodes,
# weights), the weights summing to 1.
.gh_rule <- function(k = 20L) {
  J <- matrix(0, k, k)
  i <- seq_len(k - 1L)
  J[cbind(i, i + 1L)] <- J[cbind(i + 1L, i)] <- sqrt(i)
  e <- eigen(J, symmetric = TRUE)
  c(e$values, e$vectors[1L, ]^2)
}
.gh20 <- local({
  rule <- NULL
  function() {
    if (is.null(rule)) rule <<- .gh_rule(20L)
    rule
  }
})

# The engine (src/nongaussian.c): Y (NA skipped), X, Z, the kernel, the
# likelihood's code, q(v): mean (m x d), chol (m x m x d); disp the d
# sizes, noise the Gaussian's variance.  Returns the raw list or stops.
# A chunk of rows costs about chunk D M^2 flops: at most 256 rows and
# about 4e6 D M^2 units, so that interrupts are seen every few ms.
# With check = FALSE a failure is left in res$status (a cluster worker
# returns it, R/cluster.R); `threads` as .gplvm_threads().
.loglik_nongaussian_c <- function(Y, X, Z, kernel, code, mean, chol, disp,
                                  noise = 1, gradient = FALSE,
                                  chunk = max(1L, min(256L, floor(
                                    4e6 / (ncol(Y) * nrow(Z)^2)))),
                                  check = TRUE, threads = .gplvm_threads()) {
  spec <- .kernel_spec(kernel, ncol(X))
  storage.mode(Y) <- "double"
  res <- .Call(C_gplvm_nongaussian_call, Y, X, Z, spec$type, spec$npar,
               spec$par, as.integer(code), as.double(mean), as.double(chol),
               as.double(disp), as.double(noise), .gh20(), gradient,
               as.integer(chunk), threads)
  if (check) .stop_on_status(res$status)
  res
}

# ---- the data term ----

# `likelihood`, `link`, m inducing inputs, d output columns.
.data_nongaussian <- function(likelihood, link, m, d) {
  .new_data_term("nongaussian", list(likelihood = likelihood, link = link,
                                     m = as.integer(m), d = as.integer(d)))
}

# print()'s and summary()'s labels (R/data_term.R): the bound is a lower
# bound, as for the sparse variational term.
.data_describe.gplvm_data_nongaussian <- function(term) {
  list(model = sprintf("Sparse: variational bound with %d inducing inputs",
                       term$m),
       value = "Log-likelihood bound:", likelihood = FALSE)
}

# Sizes of the term's slice: Z (m q), the means (m d), the Cholesky
# factors' lower triangles (d m (m + 1) / 2, the diagonal on the log
# scale) and the log sizes (d, negative binomial only).
.ng_sizes <- function(term, q) {
  m <- term$m
  d <- term$d
  c(z = m * q, mean = m * d, chol = d * m * (m + 1L) / 2L,
    disp = if (term$likelihood == "negbin") d else 0L)
}

# Positions of the lower triangles in an m x m x d array, and which of
# them are diagonal.
.ng_lower <- function(m, d) {
  li <- which(lower.tri(diag(m), diag = TRUE))
  list(idx = as.vector(outer(li, (seq_len(d) - 1L) * m * m, `+`)),
       diag = rep(li %in% ((seq_len(m) - 1L) * (m + 1L) + 1L), d))
}

.data_npar.gplvm_data_nongaussian <- function(term, n, q) {
  sum(.ng_sizes(term, q))
}

.data_names.gplvm_data_nongaussian <- function(term, n, q) {
  s <- .ng_sizes(term, q)
  m <- term$m
  d <- term$d
  low <- which(lower.tri(diag(m), diag = TRUE), arr.ind = TRUE)
  c(NextMethod(),
    sprintf("mean[%d,%d]", rep(seq_len(m), d), rep(seq_len(d), each = m)),
    sprintf("chol[%d,%d,%d]", rep(low[, 1L], d), rep(low[, 2L], d),
            rep(seq_len(d), each = nrow(low))),
    if (s[["disp"]] > 0L) sprintf("log_size[%d]", seq_len(d)))
}

# The slice p as the engine's Z: the inducing inputs, with q(v) and the
# sizes in attribute "q_v" (list(mean, chol, disp)).
.data_unpack.gplvm_data_nongaussian <- function(term, p, q) {
  s <- .ng_sizes(term, q)
  m <- term$m
  d <- term$d
  at <- cumsum(c(0, s))
  lw <- .ng_lower(m, d)
  lt <- p[at[[3L]] + seq_len(s[["chol"]])]
  lt[lw$diag] <- exp(lt[lw$diag])
  chol <- numeric(m * m * d)
  chol[lw$idx] <- lt
  structure(matrix(p[seq_len(s[["z"]])], m, q),
            q_v = list(mean = matrix(p[at[[2L]] + seq_len(s[["mean"]])], m,
                                     d),
                       chol = array(chol, c(m, m, d)),
                       disp = if (s[["disp"]] > 0L) {
                         exp(p[at[[4L]] + seq_len(d)])
                       } else rep(1, d)))
}

# The starting slice from inducing inputs Z0: q(v) and the sizes Z0
# carries (attribute "q_v", list(mean, chol, disp), as .data_unpack()
# makes it at the end of another stage, e.g. a minibatch stage of
# R/minibatch.R, and .data_fitted_inducing() for a continued fit);
# otherwise sizes 1 and for each column the q(v) that a Gaussian
# approximation of the likelihood at a guess f0 of f gives (one Newton
# step from f0: targets f0 + g / w with weights w, g and w the
# likelihood's first and minus second derivative there), which puts q(v)
# near its optimum for the starting X.
.data_par_start.gplvm_data_nongaussian <- function(term, Z0, Y, X0, kernel) {
  s <- .ng_sizes(term, ncol(Z0))
  lw <- .ng_lower(term$m, term$d)
  qv <- attr(Z0, "q_v")
  Z0 <- matrix(Z0, nrow(Z0))
  disp <- qv$disp %||% rep(1, term$d)
  if (is.null(qv) || !identical(dim(qv$mean), c(term$m, term$d))) {
    qv <- .ng_qv_start(term, Y, X0, Z0, kernel)
  }
  lt <- qv$chol[lw$idx]
  lt[lw$diag] <- log(lt[lw$diag])
  c(Z0, qv$mean, lt, if (s[["disp"]] > 0L) log(disp))
}

# A continued fit starts from its q(v) and sizes, attached as
# .data_unpack() attaches them.
.data_fitted_inducing.gplvm_data_nongaussian <- function(term, fit) {
  structure(fit$inducing,
            q_v = c(fit$q_v[c("mean", "chol")],
                    list(disp = fit$size %||% rep(1, term$d))))
}

.ng_qv_start <- function(term, Y, X, Z, kernel) {
  m <- term$m
  Lz <- .ng_kzz_factor(kernel, Z)
  A <- t(forwardsolve(Lz, t(kern_matrix(kernel, X, Z))))
  mean <- matrix(0, m, term$d)
  chol <- array(0, c(m, m, term$d))
  for (j in seq_len(term$d)) {
    y <- Y[, j]
    ok <- !is.na(y)
    y <- y[ok]
    if (term$likelihood == "bernoulli") {
      # at f0 = 0: logit g = y - 1/2, w = 1/4; probit g = s dnorm(0) /
      # pnorm(0), w = g^2
      g <- if (term$link == "logit") y - 0.5 else (2 * y - 1) * 2 * stats::dnorm(0)
      w <- if (term$link == "logit") rep(0.25, length(y)) else g^2
      z <- g / w
    } else {
      # at f0 = log(y + 1/2): w = e^f0 (Poisson; the size-1 negative
      # binomial's e^f0 / (1 + e^f0) is close for small counts)
      mu0 <- y + 0.5
      w <- if (term$likelihood == "poisson") mu0 else mu0 / (1 + mu0)
      z <- log(mu0) + (y - mu0) / mu0
    }
    Aj <- A[ok, , drop = FALSE]
    R <- chol(diag(m) + crossprod(Aj * sqrt(w)))  # Lambda = R'R
    mean[, j] <- backsolve(R, backsolve(R, crossprod(Aj, w * z),
                                        transpose = TRUE))
    chol[, , j] <- t(chol(chol2inv(R)))  # S = Lambda^-1
  }
  list(mean = mean, chol = chol)
}

# The engine's gradient as the slice's.
.ng_pack_grad <- function(term, r, qv) {
  m <- term$m
  d <- term$d
  lw <- .ng_lower(m, d)
  gl <- r$chol[lw$idx]
  gl[lw$diag] <- gl[lw$diag] * as.vector(qv$chol)[lw$idx][lw$diag]
  c(r$inducing, r$mean, gl,
    if (term$likelihood == "negbin") r$dispersion * qv$disp)
}

.data_check_kernel.gplvm_data_nongaussian <- function(term, kernel, q) {
  parts <- .check_kernel(kernel, q)
  if (any(vapply(parts, `[[`, "", "type") == "white")) {
    stop(paste("'kernel' must have no kern_white() part with a non-Gaussian",
               "likelihood (the likelihood is the noise)"), call. = FALSE)
  }
  parts
}

# (noise: a placeholder that gplvm() holds fixed and the engine ignores;
# the fit keeps none, .data_has_noise())
.data_defaults.gplvm_data_nongaussian <- function(term, Y, q, vbar) {
  list(kernel = kern_rbf(variance = 1, lengthscale = 1),
       fixed = "lengthscale", noise = 1, prior = NULL, warm = 0L,
       prune = FALSE, reltol = 1e-6, precondition = "none")
}

# The PCA start on the data's natural scale: 2 y - 1 for binary data,
# log1p of counts, centred.  Y is complete: gplvm() imputed missing
# entries by a rank-q SVD, which may leave them outside the data's range.
.data_start.gplvm_data_nongaussian <- function(term, init, Y, q, init_sd) {
  Yt <- if (term$likelihood == "bernoulli") 2 * pmin(pmax(Y, 0), 1) - 1
        else log1p(pmax(Y, 0))
  list(X = .init_latent(init, sweep(Yt, 2L, colMeans(Yt)), q, init_sd),
       warm = FALSE)
}

.data_engine.gplvm_data_nongaussian <- function(term, Y, ndim, X, S, Z,
                                                kernel, noise, gradient,
                                                ws = NULL) {
  .ng_engine(term, Y, X, Z, kernel, gradient)
}

# The bound on the rows Y (F: their expected log-likelihood minus the KL
# term) as .data_engine() gives it, with `status` (0 unless check = FALSE
# let a failure through; the rest is then NULL).
.ng_engine <- function(term, Y, X, Z, kernel, gradient, check = TRUE,
                       threads = .gplvm_threads()) {
  qv <- attr(Z, "q_v")
  r <- .loglik_nongaussian_c(Y, X, matrix(Z, nrow(Z)), kernel,
                             .likelihood_code(term$likelihood, term$link),
                             qv$mean, qv$chol, qv$disp, 1, gradient,
                             check = check, threads = threads)
  if (r$status != 0L) return(list(status = r$status))
  list(value = r$value, X = r$X,
       Z = if (gradient) .ng_pack_grad(term, r, qv),
       kernel = r$kernel, noise = 0, jitter = r$jitter,
       jittered = r$retries > 0L, status = 0L)
}

# -sum_d KL(q(v_d) || N(0, I)) = -1/2 sum_d (|L_d|_F^2 + |m_d|^2 - m -
# 2 sum_i log L_d,ii) and its gradient in the term's slice (list(value,
# Z); the inducing inputs' and sizes' parts are 0): -m_d in the means,
# diag(1 / L_d,ii) - L_d in the factors, packed as .ng_pack_grad() packs
# the engine's.  The engine's bound holds it once; a part of the rows
# (a minibatch, a worker's rows) needs it apart (.ng_rows_bound()).
.ng_neg_kl <- function(term, Z) {
  qv <- attr(Z, "q_v")
  m <- term$m
  d <- term$d
  L <- qv$chol
  ii <- cbind(seq_len(m), seq_len(m), rep(seq_len(d), each = m))
  g <- -L
  g[ii] <- g[ii] + 1 / L[ii]
  list(value = -0.5 * (sum(L^2) + sum(qv$mean^2) - m * d -
                         2 * sum(log(L[ii]))),
       Z = .ng_pack_grad(term, list(inducing = numeric(length(Z)),
                                    mean = -qv$mean, chol = g,
                                    dispersion = numeric(d)), qv))
}

# The bound's terms on the rows Y (X their latent rows) weighted:
#   scale * sum_{rows, observed} E[log p(y_nd | f_nd)] - kl * sum_d KL_d,
# with gradients (X, Z: the term's slice, kernel).  scale = N / B, kl = 1:
# a minibatch's unbiased estimate of the bound; scale = 1, kl = 0: a
# worker's share of it (the KL is added once, .cluster_global()).  From
# the engine's bound on the rows (their expected log-likelihood minus the
# KL) and the KL apart.  check, threads: as .ng_engine().
.ng_rows_bound <- function(term, Y, X, Z, kernel, gradient, scale = 1,
                           kl = 1, check = TRUE,
                           threads = .gplvm_threads()) {
  r <- .ng_engine(term, Y, X, Z, kernel, gradient, check, threads)
  if (r$status != 0L) return(r)
  k <- .ng_neg_kl(term, Z)
  r$value <- scale * (r$value - k$value) + kl * k$value
  if (gradient) {
    r$X <- scale * r$X
    r$Z <- scale * (r$Z - k$Z) + kl * k$Z
    r$kernel <- scale * r$kernel
  }
  r
}

# The fitted posterior's fields: alpha = Lz^-T m (M x D) gives the mean
# of f at x* as k(x*, Z) alpha, Cfac = Lz^-T (Cfac Cfac' = Kzz^-1: the
# variance of q(v) is in q_v); the fit keeps q(v), the sizes and the
# likelihood.
.data_posterior.gplvm_data_nongaussian <- function(term, Y, X, S, Z, kernel,
                                                   noise, jitter, ws = NULL) {
  qv <- attr(Z, "q_v")
  Lz <- .ng_kzz_factor(kernel, matrix(Z, nrow(Z)))
  list(alpha = backsolve(t(Lz), qv$mean), chol = NULL,
       Cfac = backsolve(t(Lz), diag(nrow(Lz))),
       fields = list(q_v = list(mean = qv$mean, chol = qv$chol),
                     size = if (term$likelihood == "negbin") qv$disp,
                     likelihood = term$likelihood, link = term$link))
}

# The lower factor of k(Z, Z) with the engines' relative jitter.
.ng_kzz_factor <- function(kernel, Z) {
  K <- kern_matrix(kernel, Z)
  t(chol(K + diag(1e-8 * mean(diag(K)), nrow(K))))
}

.data_fit_class.gplvm_data_nongaussian <- function(term) "ngplvm"

# The likelihood is the noise: the fit holds no noise variance.
.data_has_noise.gplvm_data_nongaussian <- function(term) FALSE

# ---- minibatch training (the hook of R/minibatch.R) ----
#
# q(v) and the sizes are part of the optimised vector, so a step is the
# one of .minibatch_step() without its natural gradient step: Adam on the
# batch's estimate of the bound (.ng_rows_bound(), scale N / B, the KL
# once) for the batch's latent rows (or a map's weights) and for the
# global vector (the term's slice, the log free kernel parameters).  The
# exact objective after an epoch is the full-batch one (no local
# parameter is set to an optimum).

# The state's glob (R/minibatch.R: c(a map's weights, "Z", log free
# kernel parameters)) with the term's slice as its "Z" is the tail of the
# full-batch vector (R/fit.R: c(latent, term's slice, log free kernel
# parameters); the noise is fixed and the prior has no parameters here).
.minibatch_term.gplvm_data_nongaussian <- function(term, model, full,
                                                   batch_size) {
  nz <- .data_npar(term, nrow(model$Y), model$q)
  par_of <- function(s) unname(c(if (is.null(s$map)) s$X, s$glob))
  list(state = function(par) {
         u <- full$unpack(par)
         nx <- if (is.null(model$latent)) length(u$X) else model$latent$npar
         s <- .minibatch_state(model, u$X, matrix(par[nx + seq_len(nz)]),
                               list(), NULL,
                               if (!is.null(model$latent)) u$w, u$kernel,
                               u$noise)
         stopifnot(length(par_of(s)) == length(par))
         s
       },
       par = par_of,
       step = function(s, rows) .minibatch_step(s, rows, .ng_batch_bound),
       bound = function(s) {
         u <- full$unpack(par_of(s))
         r <- .data_eval(full$prep, u$X, NULL, u$Z, u$kernel, u$noise,
                         FALSE)
         px <- if (model$prior) .log_prior_latent(u$X)$value else 0
         list(objective = r$value + px, loglik = r$value,
              jittered = r$jittered)
       })
}

# The batch's estimate at the state s, shaped as .minibatch_bound()'s.
.ng_batch_bound <- function(s, Yb, Xb, scale) {
  term <- s$model$data
  r <- .ng_rows_bound(term, Yb, Xb, .data_unpack(term, s$Z, ncol(Xb)),
                      s$kernel, TRUE, scale)
  list(value = r$value, X = r$X, inducing = r$Z, kernel = r$kernel,
       noise = 0, retries = as.integer(r$jittered))
}

# ---- across a cluster (the steps of R/cluster.R) ----
#
# The bound is a sum over rows plus the KL term: each worker evaluates
# the engine on its rows (their expected log-likelihood, its gradient in
# the rows' X, kept for pass 2, and their share of the gradient in the
# term's slice and the kernel), the master adds the shares and the KL
# once.  One exchange does it all; pass 2 only returns the rows' gradient.
# Each worker factorises k(Z, Z) itself (O(M^3), against O(N_w D M^2)).

.cluster_point.gplvm_data_nongaussian <- function(term, Z, kernel, noise, q,
                                                  chunk) {
  # the jitter the engines find (src/sparse.c), for the fit's record
  fac <- .kzz_factor(.kernel_spec(kernel, q), matrix(Z, nrow(Z)))
  list(Z = Z, kernel = kernel, jitter = fac$jitter, retries = fac$retries)
}

.cluster_pass1.gplvm_data_nongaussian <- function(term, Y, lat, at,
                                                  gradient) {
  r <- .ng_rows_bound(term, Y, lat$X, at$Z, at$kernel, gradient, 1, 0,
                      check = FALSE, threads = .gplvm_threads(1L))
  list(value = r$value, Z = r$Z, kernel = r$kernel, status = r$status,
       keep = r$X)
}

.cluster_global.gplvm_data_nongaussian <- function(term, sums, ndim, at,
                                                   gradient) {
  k <- .ng_neg_kl(term, at$Z)
  list(value = sums$value + k$value, jitter = at$jitter,
       jittered = at$retries > 0L,
       grad = if (gradient) list(Z = sums$Z + k$Z, kernel = sums$kernel,
                                 noise = 0),
       pass2 = NULL)
}

.cluster_pass2.gplvm_data_nongaussian <- function(term, Y, lat, at, keep,
                                                  msg) {
  list(X = keep, status = 0L)
}
