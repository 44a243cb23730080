# The Bayesian GP-LVM (Titsias and Lawrence 2010): latent positions are
# distributions q(x_n) = N(mu_n, diag S_n), integrated out of a variational
# lower bound computed in C from the psi-statistics of the kernel (formulas
# in src/bayes.c and src/psi.c).

# The Bayesian model needs psi-statistics for every part, and a part other
# than white (white acts as noise, as in the sparse model).
.check_psi_kernel <- function(kernel, q) {
  parts <- .check_sparse_kernel(kernel, q)
  types <- vapply(parts, `[[`, "", "type")
  tab <- .kernel_table()
  bad <- setdiff(types, tab$name[tab$psi])
  if (length(bad)) {
    stop(sprintf(paste("'kernel' has a %s part, which has no closed-form",
                       "psi-statistics; the Bayesian GP-LVM ('X_var',",
                       "'bayesian = TRUE') takes sums of %s"),
                 .kernel_def(bad[1L])$label,
                 paste0("kern_", tab$name[tab$psi], "()", collapse = ", ")),
         call. = FALSE)
  }
  parts
}

# Checks X_var against the shape of X: positive and finite.
.check_x_var <- function(X_var, X) {
  S <- .as_numeric_matrix(X_var, "X_var")
  if (!identical(dim(S), dim(X))) {
    stop(sprintf("'X_var' must be a %d x %d matrix, like 'X', not %d x %d",
                 nrow(X), ncol(X), nrow(S), ncol(S)), call. = FALSE)
  }
  if (any(S <= 0)) {
    stop("'X_var' must be positive: variances of q(X)", call. = FALSE)
  }
  S
}

# One evaluation of the bound in C; callers have checked.  Returns the raw
# list (bound, X, X_var, inducing, kernel, noise, jitter, retries) or stops.
.loglik_bayes_c <- function(Y, X, S, Z, kernel, noise, gradient,
                            ndim = ncol(Y)) {
  spec <- .kernel_spec(kernel, ncol(X))
  res <- .Call(C_gplvm_bayes_call, Y, X, S, Z, spec$type, spec$npar,
               spec$par, noise, as.double(ndim), gradient, .gplvm_threads(),
               .psi_cache)
  .stop_on_bayes_status(res$status)
  res
}

# Whether an evaluation keeps the Psi2 values of its first pass for the
# gradient's (src/bayes.c; the same numbers, computed once); FALSE only to
# test and time the other way.
.psi_cache <- TRUE

# .loglik_bayes_c() on the latent dimensions the kernel still uses
# (.bayes_dims_on()), the gradients of the others 0: a switched-off
# dimension's factors in the Psi statistics are 1 to about 1e-12 of
# themselves, and computing them took as long as a dimension in use (the
# RBF Psi2 loops are 77% of an evaluation, bench/bayes_cost.md).
.loglik_bayes_on <- function(Y, X, S, Z, kernel, noise, gradient, ndim) {
  p <- .relevance_param(kernel)
  th <- kern_params(kernel)
  on <- .bayes_dims_on(kernel, ncol(X), p, th)
  if (is.null(on)) {
    return(.loglik_bayes_c(Y, X, S, Z, kernel, noise, gradient, ndim = ndim))
  }
  keep <- setdiff(seq_along(th), p$at[-on])   # the kernel's parameters used
  parts <- .kernel_parts(kernel)
  i <- match("rbf", vapply(parts, `[[`, "", "type"))
  parts[[i]]$params$lengthscale <- parts[[i]]$params$lengthscale[on]
  k_on <- if (identical(kernel$type, "sum")) `[[<-`(kernel, "parts", parts)
          else parts[[1L]]
  r <- .loglik_bayes_c(Y, X[, on, drop = FALSE], S[, on, drop = FALSE],
                       Z[, on, drop = FALSE], k_on, noise, gradient,
                       ndim = ndim)
  if (gradient) {
    widen <- function(G, n) {
      out <- matrix(0, n, ncol(X))
      out[, on] <- G
      out
    }
    r$X <- widen(r$X, nrow(X))
    r$X_var <- widen(r$X_var, nrow(X))
    r$inducing <- widen(r$inducing, nrow(Z))
    g <- stats::setNames(numeric(length(th)), names(th))
    g[keep] <- r$kernel
    r$kernel <- g
  }
  r
}

# The latent dimensions that `kernel` (on q of them) still uses when
# pruning has switched some off (relevance below .off_relevance,
# .switch_off_kernel()), or NULL when all are used or leaving some out
# would not be exact but for their 1e-12 share: the relevance part (an
# RBF part with a lengthscale per dimension) must be the only part that
# reads the latent positions, the others bias or white.  (A linear part's
# switched-off variance keeps a gradient of order 1, which only its log,
# the optimised parameter, makes negligible.)  `p` and `th`: the kernel's
# .relevance_param() and kern_params(), when the caller has them.
.bayes_dims_on <- function(kernel, q, p = .relevance_param(kernel),
                           th = kern_params(kernel)) {
  if (is.null(p) || p$type != "rbf" || length(p$at) != q || q < 2L) {
    return(NULL)
  }
  types <- vapply(.kernel_parts(kernel), `[[`, "", "type")
  if (sum(types %in% c("rbf", "linear")) != 1L ||
      !all(types %in% c("rbf", "linear", "bias", "white"))) {
    return(NULL)
  }
  w <- 1 / unname(th[p$at])^2
  on <- which(w / max(w) >= .off_relevance)
  if (length(on) == q) NULL else on
}

# The condition for a status code of the Bayesian engine's steps.
.stop_on_bayes_status <- function(status) {
  if (status == 1L) {
    .stop_numerical(paste(
      "the covariance of the inducing inputs, or the matrix of the bound,",
      "is not positive definite even with added jitter; move the inducing",
      "inputs apart or change the kernel parameters"))
  }
  .stop_on_status(status, sparse = FALSE)
}

# psi-statistics of `kernel` (white parts removed) in C: list(psi0, psi1,
# psi2).
.psi_stats <- function(kernel, X, S, Z) {
  spec <- .kernel_spec(.split_white(kernel, 1)$kernel, ncol(X))
  .Call(C_gplvm_psi_call, X, S, Z, spec$type, spec$npar, spec$par,
        .gplvm_threads())
}

# gplvm_loglik() with X_var: checks and the bound with its gradient
# attribute.
.gplvm_loglik_bayes <- function(Y, X, kernel, noise, gradient, inducing,
                                approx, X_var, miss = NULL) {
  if (is.null(inducing)) {
    stop("'inducing' must be given with 'X_var': the Bayesian GP-LVM ",
         "bound needs inducing inputs", call. = FALSE)
  }
  S <- .check_x_var(X_var, X)
  Z <- .check_inducing(inducing, ncol(X))
  if (.check_approx(approx) != "vfe") {
    stop("'approx' must be \"vfe\" with 'X_var': the Bayesian bound is ",
         "variational", call. = FALSE)
  }
  .check_psi_kernel(kernel, ncol(X))
  # with missing entries, the bound per pattern of observed rows (R/data_term.R)
  res <- .data_eval(.data_prepare(.data_bayes(nrow(Z)), Y, miss), X, S, Z,
                    kernel, noise, gradient)
  .warn_inducing_jitter(res)
  kl <- .kl_unit(X, S)
  out <- res$value - kl$value
  if (gradient) {
    res$X <- res$X - kl$X
    res$X_var <- res$S - kl$S
    res$inducing <- res$Z
    named <- function(g, like) {
      dimnames(g) <- dimnames(like)
      g
    }
    attr(out, "gradient") <- list(
      X = named(res$X, X),
      kernel = stats::setNames(res$kernel, names(kern_params(kernel))),
      noise = res$noise, inducing = named(res$inducing, Z),
      X_var = named(res$X_var, S))
  }
  out
}

# ---- switching latent dimensions off during the fit ----

# A dimension the data need little can stay half-used at a local optimum:
# its lengthscale finite and q(x_n) narrow along it, with a barrier of
# data fit and KL between it and the switched-off state (lengthscale
# infinite, q(x_n) the prior there).  On the oil flow data five such
# dimensions (relevance 2e-4 to 1e-3) kept KL divergences of 1200 to 4500
# nats each and the optimiser crept along them for thousands of
# evaluations (bench/bayes.md).  Continuation trials after convergence
# (switch one off, refit, keep it if the bound rose) cost 3 to 8 times the
# fit itself.  So the rule is applied during the optimisation instead:
# every `every` evaluations, and whenever the optimiser has converged,
# dimensions whose relevance has fallen below `cutoff` (the cut print()
# uses to count the dimensions in use) are switched off (.prune_next():
# mean 0 and variance 1 as the prior, inducing inputs 0, the lengthscale
# 1e6 times the smallest, where the bound no longer depends on it, to
# 1e-12 of its terms) and the optimiser restarted from there with
# everything else kept.  A switch is undone if the fit then converges
# below the bound it had at the switch, which the fit without the switch
# would only have raised: the loop goes back to that fit and never
# switches those dimensions off again (on oil, seed 9 of
# bench/bayes_seeds.R lost its first dimension at relevance 0.0075 and
# ended at 7439 instead of 7697, with 4 1-NN errors against 1).  A fit
# ends when a run of the optimiser has converged (the fresh start test of
# .optimise()) with no dimension left to switch off, or at `maxit`
# evaluations in all.  The most relevant dimension (relevance 1) is never
# switched off.  `start` is a start of .fit_once() (R/fit.R), which
# `fit_once` is (the tests give another); a minibatch fit is pruned so in
# its full-batch stage (R/minibatch.R).  Returns list(fit, warnings) of
# the last run, the fit with the start, the evaluations and the time of
# the whole fit and `pruning` (dimension, evaluation: the evaluations
# before the switch, relevance and bound at it, undone).
.bayes_prune <- function(model, start, cutoff = .relevance_cutoff,
                         fit_once = .fit_once, every = .prune_every) {
  pruning <- data.frame(dimension = integer(), evaluation = integer(),
                        relevance = numeric(), bound = numeric(),
                        undone = logical())
  spent <- list(evaluations = 0L, failed = 0L, runs = 0L, time = 0)
  first <- NULL
  pending <- NULL  # the fit before the last switch, until it is beaten
  kept <- integer()  # dimensions whose switch was undone
  s <- start
  repeat {
    m <- model
    m$maxit <- max(1L, min(every, model$maxit - spent$evaluations))
    res <- fit_once(m, s)
    fit <- res$fit
    first <- first %||% fit
    for (k in c("evaluations", "failed", "runs")) {
      spent[[k]] <- spent[[k]] + fit$optim[[k]]
    }
    spent$time <- spent$time + fit$time
    conv <- fit$optim$convergence
    if (!is.null(pending) && fit$loglik >= pending$fit$loglik) pending <- NULL
    if (!is.null(pending) && conv == 0L &&
        spent$evaluations < model$maxit) {
      # converged below the bound the fit had before the switch, which
      # that fit would only have raised: undo the switch
      kept <- c(kept, pending$dims)
      pruning$undone[pruning$dimension %in% pending$dims] <- TRUE
      fit <- pending$fit
      pending <- NULL
      s <- .switch_off(fit, integer())
      model$kernel <- fit$kernel
      model$noise <- fit$noise
      next
    }
    rel <- .ard_relevance(fit)
    j <- if (is.null(pending)) {
      .prune_next(fit, rel, cutoff, kept, first = !nrow(pruning))
    }
    if (conv == 99L || spent$evaluations >= model$maxit ||
        (conv == 0L && !length(j))) {
      break
    }
    for (k in j) {
      pruning[nrow(pruning) + 1L, ] <- list(k, spent$evaluations, rel[[k]],
                                            fit$loglik, FALSE)
    }
    if (length(j)) pending <- list(fit = fit, dims = j)
    s <- .switch_off(fit, j)
    model$kernel <- s$kernel
    model$noise <- fit$noise
  }
  out <- fit
  # the start and the counts are those of the whole fit
  for (k in c("X_init", "X_var_init", "inducing_init", "loglik_init")) {
    out[k] <- list(first[[k]])
  }
  for (k in c("evaluations", "failed", "runs")) out$optim[[k]] <- spent[[k]]
  out$time <- spent$time
  out$pruning <- pruning
  res$fit <- out
  res
}

# The dimensions to switch off now (below `cutoff`, less those switched
# back on, `kept`): all of them at the `first` switch, which clears the
# dimensions the start gave little weight, then only the least relevant,
# as two dimensions that share a direction can both fall below the cut,
# and switching both off loses it (seed 2 of bench/bayes_seeds.R).
.prune_next <- function(fit, rel, cutoff, kept, first) {
  j <- setdiff(.prune_dims(fit, cutoff), kept)
  if (length(j) > 1L && !first) j[which.min(rel[j])] else j
}

# Whether fit's number of dimensions is in doubt: a dimension in use with
# relevance below twice the cut, which the loop never switched off and so
# never tested.  The bound can have optima with different numbers of
# dimensions close by; on the oil flow data (bench/bayes_cost.md) the
# fits whose fourth dimension stayed at 0.013 and 0.018 ended at the
# lowest bounds (7101 and 6985) with 4 dimensions, where a second start
# with new inducing inputs reached 7829 and 7602 with 2 and 3, whereas
# switching that dimension off at convergence reached only 7383 and 7461
# and worse pictures.  gplvm() then makes that second start when
# `restarts` is not given, and keeps the higher bound.
.dims_in_doubt <- function(fit, cutoff) {
  if (!.prunable(fit, cutoff)) return(FALSE)
  rel <- .ard_relevance(fit)
  any(.dims_used(rel, fit$pruning) & rel < 2 * cutoff &
        !seq_along(rel) %in% fit$pruning$dimension)
}

# Evaluations between checks of the pruning rule: each check that
# switches nothing off costs one restart of the optimiser (L-BFGS-B keeps
# only 5 steps of curvature, and .fit_once() about two evaluations).
.prune_every <- 250L

# A dimension whose relevance is below this is switched off already.
.off_relevance <- 1e-9

# The dimensions to switch off: those in use (relevance above
# .off_relevance) with relevance below `cutoff`; none when the kernel's
# relevance parameters are not one per dimension or are held by `fixed`.
.prune_dims <- function(fit, cutoff) {
  if (!.prunable(fit, cutoff)) return(integer())
  rel <- .ard_relevance(fit)
  unname(which(rel < cutoff & rel > .off_relevance))
}

# Whether the rule can switch dimensions of `fit` off: a cut above 0 and
# the kernel's relevance parameters one per dimension, not held by
# `fixed`.
.prunable <- function(fit, cutoff) {
  p <- .relevance_param(fit$kernel)
  cutoff > 0 && !is.null(p) && length(p$at) == ncol(fit$X) &&
    !any(p$names %in% fit$fixed)
}

# A start of .fit_once() at the end of `fit` with dimensions j switched
# off: means (or a mapping's outputs: R/back.R) and inducing inputs 0,
# variances 1 there, and the kernel with them switched off.
.switch_off <- function(fit, j) {
  X <- fit$X
  S <- fit$X_var
  Z <- fit$inducing
  X[, j] <- 0
  S[, j] <- 1
  Z[, j] <- 0
  w <- fit$latent$par
  kernel <- fit$kernel
  for (k in j) {
    if (.back_kind(fit) != "none") w <- .zero_dim(fit$latent, w, k)
    kernel <- .switch_off_kernel(kernel, k)
  }
  list(X = X, S = S, Z = Z, w = w, kernel = kernel, warm = FALSE)
}

# `prune` as gplvm() takes it: the relevance below which a dimension is
# switched off (TRUE: .relevance_cutoff; FALSE: 0, never).
.check_prune <- function(prune) {
  if (isTRUE(prune)) return(.relevance_cutoff)
  if (isFALSE(prune)) return(0)
  if (!is.numeric(prune) || length(prune) != 1L || !is.finite(prune) ||
      prune < 0 || prune >= 1) {
    stop(paste("'prune' must be TRUE, FALSE or a relevance between 0 and",
               "1 below which a latent dimension is switched off"),
         call. = FALSE)
  }
  as.double(prune)
}

# Where the relevance of the latent dimensions lives in the kernel: the
# positions in kern_params() of the lengthscales of its first RBF part or
# the variances of its first linear part (one per dimension with ARD, else
# one for all), with that part's type; NULL if it has neither part.
.relevance_param <- function(kernel) {
  pos <- 0L
  for (p in .kernel_parts(kernel)) {
    if (p$type %in% c("rbf", "linear")) {
      field <- if (p$type == "rbf") "lengthscale" else "variance"
      before <- names(p$params)[seq_len(match(field, names(p$params)) - 1L)]
      at <- pos + sum(lengths(p$params[before])) +
        seq_along(p$params[[field]])
      return(list(type = p$type, at = at,
                  names = names(kern_params(kernel))[at]))
    }
    pos <- pos + length(unlist(p$params))
  }
  NULL
}

# The kernel with latent dimension j switched off: its relevance 1e-12
# of the largest (a lengthscale 1e6 times the smallest, or a variance
# 1e-12 times the largest), where the gradient in it vanishes.
.switch_off_kernel <- function(kernel, j) {
  p <- .relevance_param(kernel)
  th <- kern_params(kernel)
  v <- th[p$at]
  th[p$at[j]] <- if (p$type == "rbf") 1e6 * min(v) else 1e-12 * max(v)
  kern_params(kernel) <- th
  kernel
}

# The default kernel: RBF with ARD plus bias, the lengthscale of latent
# dimension c at 1 / sqrt(f_c), f_c the variance of the c-th principal
# component relative to the first's (so that the start weighs the means
# as PCA does), the RBF variance the data's mean column variance vbar.
.bayes_default_kernel <- function(Yc, q, vbar) {
  d <- svd(Yc, nu = 0L, nv = 0L)$d
  frac <- pmax(d[seq_len(q)]^2 / d[1L]^2, 1e-8)
  kern_rbf(variance = vbar, lengthscale = 1 / sqrt(frac)) +
    kern_bias(variance = 0.1 * vbar)
}

# Starting noise, relative to vbar: a signal-to-noise ratio of 100, the
# vargplvm toolbox's and GPy's start.
.bayes_noise_start <- 0.01

# Starting variances of q(X).
.bayes_var_start <- 0.1

# Evaluations of the warm-up phase (see .bayes_fit_once).
.bayes_warm_iters <- 100L

# A fresh start: means from `init` ("pca": principal component scores
# scaled to sd 1; "random": standard normal; or a matrix), variances
# .bayes_var_start, with the warm-up of .fit_once().
.bayes_start <- function(init, Yc, q) {
  X <- .init_latent(init, Yc, q, 1)
  if (identical(init, "pca")) X <- scale(X, center = FALSE)
  X <- matrix(X, nrow(Yc), q)
  list(X = X, S = matrix(.bayes_var_start, nrow(Yc), q), warm = TRUE)
}

# The variational posterior over the inducing outputs, as the sparse fits
# store it (alpha, Cfac; see .sparse_posterior): with Kzz = R'R and the
# whitened B = I + beta R^-T Psi2 R^-1, predictions at x* have mean
# k(x*, Z) alpha, alpha = beta A^-1 Psi1' Y (A = Kzz + beta Psi2), and the
# latent function's variance k(x*, x*) - |k(x*, Z) Cfac|^2 with
# Cfac Cfac' = Kzz^-1 - A^-1.
.bayes_posterior <- function(Y, X, S, Z, kernel, noise, jitter) {
  sw <- .split_white(kernel, noise)
  ps <- .psi_stats(kernel, X, S, Z)
  m <- nrow(Z)
  Ri <- backsolve(chol(kern_matrix(sw$kernel, Z) + diag(jitter, m)), diag(m))
  beta <- 1 / sw$noise
  .whitened_posterior(Ri, diag(m) + beta * crossprod(Ri, ps$psi2 %*% Ri),
                      beta * crossprod(Ri, crossprod(ps$psi1, Y)))
}

# ---- across a cluster (the steps of R/cluster.R) ----
#
# The bound depends on the data only through sums over rows: psi0, Psi2,
# Psi1'Y, tr(Y Y') (and the KL divergence, which the C engine subtracts
# and this term leaves to the latent term .prior_kl: its global step gets
# KL 0, and the workers add its gradient back to their rows, as
# .bayes_add_kl() does).

.cluster_point.gplvm_data_bayes <- function(term, Z, kernel, noise, q,
                                            chunk) {
  list(Z = Z, spec = .kernel_spec(kernel, q), noise = noise)
}

.cluster_pass1.gplvm_data_bayes <- function(term, Y, lat, at, gradient) {
  s <- at$spec
  .Call(C_gplvm_bayes_stats_call, Y, lat$X, lat$S, at$Z, s$type, s$npar,
        s$par, .gplvm_threads(1L))  # a worker: one thread unless set
}

.cluster_global.gplvm_data_bayes <- function(term, sums, ndim, at,
                                             gradient) {
  s <- at$spec
  r <- .Call(C_gplvm_bayes_global_call, at$Z, s$type, s$npar, s$par,
             at$noise, as.double(ndim), sums$n, sums$psi0, sums$Psi2,
             sums$PY, sums$yy, 0, gradient)
  .stop_on_bayes_status(r$status)
  list(value = r$bound, jitter = r$jitter, jittered = r$retries > 0L,
       grad = list(Z = r$inducing, kernel = r$kernel, noise = r$noise),
       pass2 = r[c("beta", "g0", "L", "E", "W2")])
}

.cluster_pass2.gplvm_data_bayes <- function(term, Y, lat, at, keep, msg) {
  s <- at$spec
  r <- .Call(C_gplvm_bayes_grad_call, Y, lat$X, lat$S, at$Z, s$type,
             s$npar, s$par, msg$beta, msg$g0, msg$L, msg$E, msg$W2,
             .gplvm_threads(1L))
  kl <- .kl_unit(lat$X, lat$S)
  list(X = r$X + kl$X, S = r$X_var + kl$S, Z = r$inducing,
       kernel = r$kernel, status = r$status)
}

# ---- methods ----

# A latent dimension counts as used when its ARD relevance is at least this
# fraction of the largest.
.relevance_cutoff <- 0.01

# ARD relevance of each latent dimension: 1 / l_q^2 of the first RBF part
# (the weight of dimension q in the kernel's squared distance), or the
# variance a_q of the first linear part, divided by the largest.
.ard_relevance <- function(x) {
  q <- ncol(x$X)
  p <- .relevance_param(x$kernel)
  w <- if (is.null(p)) rep(1, q)
       else .per_dim(unname(kern_params(x$kernel)[p$at]), q)
  if (identical(p$type, "rbf")) w <- 1 / w^2
  stats::setNames(w / max(w), colnames(x$X))
}

# Which latent dimensions a fit uses: relevance at least .relevance_cutoff,
# or switched back on by the pruning loop because the bound fell without
# them (`pruning$undone`), whatever their relevance.
.dims_used <- function(rel, pruning = NULL) {
  back_on <- pruning$dimension[pruning$undone %||% logical()]
  rel >= .relevance_cutoff |
    (seq_along(rel) %in% back_on & rel > .off_relevance)
}

.cat_relevance <- function(rel, pruning = NULL) {
  cat("ARD relevance of each latent dimension (1 = most relevant):\n")
  print(signif(rel, 3L))
  used <- .dims_used(rel, pruning)
  low <- names(rel)[used & rel < .relevance_cutoff]
  cat(sprintf("Dimensions used (relevance >= %g%s): %d of %d\n",
              .relevance_cutoff,
              if (length(low)) paste0(", and ", paste(low, collapse = ", "))
              else "", sum(used), length(rel)))
  for (i in seq_len(NROW(pruning))) {
    cat(sprintf("%s switched off after %d evaluations (relevance %s)%s\n",
                names(rel)[pruning$dimension[i]], pruning$evaluation[i],
                format(pruning$relevance[i], digits = 3L),
                if (isTRUE(pruning$undone[i])) {
                  ", back on: the bound fell without it"
                } else ""))
  }
}

#' Methods for Bayesian GP-LVM fits
#'
#' A fit of `gplvm(Y, q, bayesian = TRUE)` has class `c("bgplvm", "gplvm")`:
#' every method of [gplvm-methods] works, with these differences.
#'
#' `print` and `summary` add the ARD relevance of each latent dimension:
#' \eqn{1/l_q^2}{1 / l_q^2} for the lengthscales \eqn{l_q} of the first
#' RBF part (the weight of dimension \eqn{q} in the kernel's squared
#' distance; the latent means have the unit Gaussian prior, so the weights
#' are comparable), or the variances of the first linear part, divided by
#' the largest; and the number of dimensions the fit uses, those with
#' relevance at least 0.01 and those that pruning switched back on (see
#' "Bayesian GP-LVM" in [gplvm-models]).  `logLik` returns the variational
#' lower bound
#' \eqn{F \le \log p(Y)}{F <= log p(Y)} that was maximised (its class
#' `"logLik_bound"` prints it as a bound); its `df` counts the means,
#' variances and inducing inputs with the free hyperparameters and the
#' noise.  `fitted` returns the posterior mean of the data averaged over
#' each point's \eqn{q(x_n)}{q(x_n)}, \eqn{\Psi_1 \alpha}{Psi1 alpha} on
#' the original scale, and `residuals` the data minus it.
#' `predict(newlatent = )` gives the mean (and with `se.fit` the
#' predictive standard deviation) of the variational posterior at given
#' latent points; `predict(newdata = )` infers \eqn{q(x_*)}{q(x*)} for new
#' rows by maximising the bound of the training and new data together over
#' the new means and variances (everything else held at its fitted value),
#' starting from the nearest training point in data space.
#'
#' For a back-constrained fit (`back` in [gplvm()]) `print` and `summary`
#' name the mapping, `df` counts its weights instead of the means, and
#' `predict(newdata = )` returns as means the mapping of the new rows,
#' \eqn{\mu_* = g(y_*)}{mu* = g(y*)}, with no optimisation of them; their
#' variances are found by maximising the same bound over the new log
#' variances alone, the means held at the mapped values (starting from the
#' variances of the nearest training point).  With `refine = TRUE` the
#' means are optimised too, starting from the mapped values.
#'
#' @param x,object A fit from `gplvm(..., bayesian = TRUE)`.
#' @param digits Significant digits to print.
#' @param ... Passed to the `"gplvm"` method.
#' @return `print`: `x`, invisibly.  `logLik`: the bound, of class
#'   `c("logLik_bound", "logLik")`.  `fitted`, `residuals`: N by D
#'   matrices.  `predict` with `newdata`: the means of
#'   \eqn{q(x_*)}{q(x*)}, a matrix with one row per new row (so that
#'   `points(predict(fit, newdata = Ynew))` draws them on the plot), with
#'   their variances, a matrix of the same shape, as attribute `"X_var"`;
#'   otherwise as [predict.gplvm()].
#' @examples
#' set.seed(1)
#' i <- seq(1, 150, 3)
#' fit <- gplvm(iris[i, 1:4], q = 3, bayesian = TRUE, inducing = 10,
#'              maxit = 3000, reltol = 1e-8)
#' fit
#' logLik(fit)
#' head(fitted(fit))
#' predict(fit, newdata = iris[c(2, 60, 140), 1:4])
#' plot(fit, labels = iris$Species[i], uncertainty = TRUE)
#' # the means given by a kernel mapping of the data
#' back <- gplvm(iris[i, 1:4], q = 2, bayesian = TRUE, inducing = 10,
#'               back = "kernel")
#' back$optim$convergence
#' predict(back, newdata = iris[c(2, 60, 140), 1:4])  # mapped means
#' @name bgplvm-methods
NULL

#' @rdname bgplvm-methods
#' @export
print.bgplvm <- function(x, digits = max(3L, getOption("digits") - 3L),
                         ...) {
  NextMethod()
  .cat_relevance(.ard_relevance(x), x$pruning)
  invisible(x)
}

#' @rdname bgplvm-methods
#' @export
logLik.bgplvm <- function(object, ...) {
  out <- NextMethod()
  class(out) <- c("logLik_bound", "logLik")
  out
}

#' @rdname bgplvm-methods
#' @export
print.logLik_bound <- function(x, digits = getOption("digits"), ...) {
  cat("Variational lower bound on 'log Lik.' ",
      format(c(x), digits = digits), " (df=", format(attr(x, "df")), ")\n",
      sep = "")
  invisible(x)
}

#' @rdname bgplvm-methods
#' @export
fitted.bgplvm <- function(object, ...) {
  .check_gplvm(object)
  ps <- .psi_stats(object$kernel, object$X, object$X_var, object$inducing)
  M <- ps$psi1 %*% object$alpha
  rownames(M) <- rownames(object$X)
  .unscale(object, M)
}

# q(x*) for new centred, scaled rows Ys: maximises the bound of the
# training and new rows over the new means and log variances, the means
# starting from the nearest training point in data space or from `X0` (the
# mapping of a back-constrained fit).  With `X0` and refine = FALSE the
# means are held at X0 and only the log variances are optimised.  The
# variances start at those of the nearest training point.
.infer_latent <- function(object, Ys, maxit, rn, X0 = NULL, refine = TRUE) {
  n <- nrow(object$Y)
  ns <- nrow(Ys)
  q <- ncol(object$X)
  Yall <- rbind(object$Y, Ys)
  new <- n + seq_len(ns)
  # nearest in data space, missing entries at their column mean (new rows)
  # or posterior mean (training rows; R/missing.R)
  Y0 <- .zero_na(Ys)
  Yt <- .completed_Y(object)
  d2 <- outer(rowSums(Y0^2), rowSums(Yt^2), `+`) - 2 * tcrossprod(Y0, Yt)
  near <- max.col(-d2, ties.method = "first")
  mu0 <- if (is.null(X0)) object$X[near, , drop = FALSE] else unname(X0)
  free_mu <- is.null(X0) || refine
  nm <- if (free_mu) ns * q else 0L
  means <- function(par) if (free_mu) matrix(par[seq_len(nm)], ns, q) else mu0
  # the bound of all rows, per pattern of missing entries (R/data_term.R)
  prep <- .data_prepare(.data_bayes(nrow(object$inducing)), Yall,
                        .missing_patterns(Yall))
  last <- NULL
  eval <- function(par) {
    if (!is.null(last) && identical(par, last$par)) return(last)
    S <- exp(matrix(par[nm + seq_len(ns * q)], ns, q))
    X <- rbind(object$X, means(par))
    Sall <- rbind(object$X_var, S)
    r <- .data_eval(prep, X, Sall, object$inducing, object$kernel,
                    object$noise, TRUE)
    kl <- .kl_unit(X, Sall)
    gX <- r$X - kl$X
    gS <- r$S - kl$S
    last <<- list(par = par, value = -(r$value - kl$value),
                  grad = -c(if (free_mu) gX[new, ], gS[new, ] * S))
    last
  }
  opt <- tryCatch(
    stats::optim(c(if (free_mu) mu0, log(object$X_var[near, ])),
                 function(p) eval(p)$value, function(p) eval(p)$grad,
                 method = "L-BFGS-B", control = list(maxit = maxit)),
    error = function(e) {
      stop(sprintf(paste("q(x) of 'newdata' could not be optimised (%s);",
                         "is it on the scale of the training data?"),
                   conditionMessage(e)), call. = FALSE)
    })
  # Code 52 (the line search found no decrease) is the precision limit
  # here: the bound of all N + N* rows is computed to about 1e-12 of its
  # terms, far coarser than the last changes of these few coordinates.
  if (opt$convergence == 1L) {
    warning(sprintf(paste("q(x) of 'newdata' did not converge (code %d);",
                          "try a larger 'maxit'"), opt$convergence),
            call. = FALSE)
  }
  dn <- list(rn, colnames(object$X))
  list(X = matrix(means(opt$par), ns, q, dimnames = dn),
       X_var = matrix(exp(opt$par[nm + seq_len(ns * q)]), ns, q,
                      dimnames = dn))
}
