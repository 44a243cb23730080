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
               spec$par, noise, as.double(ndim), gradient, .gplvm_threads())
  if (res$status == 1L) {
    stop("the covariance of the inducing inputs, or the matrix of the ",
         "bound, is not positive definite even with added jitter; move ",
         "the inducing inputs apart or change the kernel parameters",
         call. = FALSE)
  }
  if (res$status != 0L) stop(.status_message(res$status), call. = FALSE)
  res
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
                                approx, X_var) {
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
  res <- .loglik_bayes_c(Y, X, S, Z, kernel, noise, gradient)
  .warn_inducing_jitter(res)
  out <- res$bound
  if (gradient) {
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

# ---- the fit: gplvm(bayesian = TRUE) ----

# Fits the Bayesian GP-LVM to the centred (scaled) data Yc; Y is the data
# as given (for row names), `prev` a Bayesian fit to continue (or NULL),
# `pre` carries center, sds, scale and call, `back` the checked
# back-constraint (list(kind, control); R/back.R): with one, the means of
# q(X) are the mapping of the data and its weights are optimised instead.
# Like the other fits it takes `restarts` starts (the first from `init` or
# `prev`, the others from random means) and keeps the one with the
# highest bound.
.gplvm_bayes <- function(Y, Yc, q, kernel, init, noise, fixed, method,
                         maxit, reltol, trace, inducing, vbar, restarts,
                         prune, prev, pre, back = list(kind = "none")) {
  if (!is.null(prev) && !inherits(prev, "bgplvm")) {
    stop("'init' must be a Bayesian fit (class \"bgplvm\") to continue ",
         "with 'bayesian = TRUE'; to start from the latent positions of ",
         "another fit give 'init = fit$X'", call. = FALSE)
  }
  if (is.null(kernel)) {
    kernel <- .bayes_default_kernel(Yc, q, vbar)
    # Held at vbar: free, on the oil flow data it grew to 400 to 1400 times
    # vbar, where the bound is computed only to about 1 unit (rounding in
    # Psi2 amplified by the conditioning of Kzz + Psi2 / s2) and the
    # optimiser stalls there (bench/bayes.md).
    if (is.null(fixed)) fixed <- "rbf.variance"
  }
  .check_psi_kernel(kernel, q)
  noise <- if (is.null(noise)) .bayes_noise_start * vbar
           else .check_positive(noise, "noise")
  fixed <- .check_fixed(fixed, c(names(kern_params(kernel)), "noise"))
  model <- list(Y = Yc, kernel = kernel, noise = noise, fixed = fixed,
                q = q, method = method, maxit = maxit, reltol = reltol,
                trace = trace,
                latent = .back_map(back$kind, Yc, q, back$control))
  m <- if (!is.null(prev)) nrow(prev$inducing)
       else if (is.null(inducing)) min(nrow(Yc), 50L) else inducing
  fits <- vector("list", restarts)
  for (r in seq_len(restarts)) {
    start <- if (r == 1L && !is.null(prev)) {
      # the same mapping continues from its fitted weights
      same <- back$kind != "none" && back$kind == .back_kind(prev) &&
        identical(model$latent$control, prev$latent$control)
      list(X = unname(prev$X), S = unname(prev$X_var), Z = prev$inducing,
           w = if (same) prev$latent$par, warm = FALSE)
    } else {
      .bayes_start(if (r == 1L) init else "random", Yc, q, m)
    }
    # a continued fit's means too (unname() dropped their column names)
    dimnames(start$X) <- list(rownames(Y), paste0("X", seq_len(q)))
    fits[[r]] <- .bayes_fit_once(model, start, pre)
    if (prune && fits[[r]]$fit$optim$convergence == 0L) {
      fits[[r]] <- .bayes_prune(model, fits[[r]], pre)
    }
  }
  .best_fit(fits)
}

# ---- switching latent dimensions off ----

# A dimension the data need little can stay half-used at a local optimum:
# its lengthscale finite and q(x_n) narrow along it, with a barrier of
# data fit and KL between it and the switched-off state (lengthscale
# infinite, q(x_n) the prior there).  On the oil flow data one such
# dimension (relevance 0.014) held the bound at 7492; switched off and
# continued, the fit reached 8302 with one dimension fewer
# (bench/bayes.md).  So, after the fit converges, the least relevant
# dimension in use other than the most relevant is switched off and the
# fit continued, and the result is kept if its bound is higher; then the
# next, until a switch does not raise the bound.  `res` is list(fit,
# warnings) of .bayes_fit_once(), which `fit_once` is (the tests give
# another); returns the same, the fit with `pruning` (the trials:
# dimension, bound, kept) and the evaluations and time of every trial
# counted.
.bayes_prune <- function(model, res, pre, fit_once = .bayes_fit_once) {
  first <- res$fit
  trials <- data.frame(dimension = integer(), bound = numeric(),
                       kept = logical())
  spent <- list(evaluations = 0L, failed = 0L, runs = 0L, time = 0)
  repeat {
    fit <- res$fit
    j <- .prune_candidate(fit)
    if (is.null(j)) break
    m <- model
    m$kernel <- .switch_off_kernel(fit$kernel, j)
    m$noise <- fit$noise
    X <- fit$X
    S <- fit$X_var
    Z <- fit$inducing
    X[, j] <- 0
    S[, j] <- 1
    Z[, j] <- 0
    # a mapping's weights with its output j set to 0 (R/back.R)
    w <- if (is.function(fit$latent$zero_dim)) {
      fit$latent$zero_dim(fit$latent$par, j)
    }
    trial <- fit_once(m, list(X = X, S = S, Z = Z, w = w, warm = FALSE), pre)
    kept <- trial$fit$loglik > fit$loglik
    trials[nrow(trials) + 1L, ] <- list(j, trial$fit$loglik, kept)
    for (k in c("evaluations", "failed", "runs")) {
      spent[[k]] <- spent[[k]] + trial$fit$optim[[k]]
    }
    spent$time <- spent$time + trial$fit$time
    if (!kept) break
    res <- trial
  }
  out <- res$fit
  # the start and the counts are those of the whole fit
  for (k in c("X_init", "X_var_init", "inducing_init", "loglik_init")) {
    out[[k]] <- first[[k]]
  }
  for (k in c("evaluations", "failed", "runs")) {
    out$optim[[k]] <- first$optim[[k]] + spent[[k]]
  }
  out$time <- first$time + spent$time
  out$pruning <- trials
  res$fit <- out
  res
}

# The dimension to try switching off next: the least relevant of those in
# use (relevance at least .relevance_cutoff) other than the most relevant,
# or NULL when there is none or the kernel's relevance parameters are not
# one per dimension or are held by `fixed`.
.prune_candidate <- function(fit) {
  p <- .relevance_param(fit$kernel)
  if (is.null(p) || length(p$at) != ncol(fit$X) ||
      any(p$names %in% fit$fixed)) {
    return(NULL)
  }
  rel <- .ard_relevance(fit)
  use <- which(rel >= .relevance_cutoff & rel < 1)
  if (!length(use)) return(NULL)
  use[which.min(rel[use])]
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
# .bayes_var_start, inducing inputs k-means centres of the means (m a
# count) or as given.
.bayes_start <- function(init, Yc, q, m) {
  X <- .init_latent(init, Yc, q, 1)
  if (identical(init, "pca")) X <- scale(X, center = FALSE)
  X <- matrix(X, nrow(Yc), q, dimnames = list(NULL, paste0("X", seq_len(q))))
  list(X = X, S = matrix(.bayes_var_start, nrow(Yc), q),
       Z = .init_inducing(m, X), warm = TRUE)
}

# One fit from `start` (X, S, Z, warm, and optionally w, the weights of
# model$latent; else fitted to X by its start()): a fresh start first
# optimises q(X) and the inducing inputs alone, the kernel and the noise
# held (.bayes_warm_iters evaluations, as the vargplvm toolbox initialises
# the variational distribution: a poor start then does not drive the
# hyperparameters), then everything that is not in `fixed`, by the shared
# driver .optimise().  Returns list(fit, warnings).
.bayes_fit_once <- function(model, start, pre) {
  m <- model
  progress <- .progress_line(.progress_enabled(m$trace))
  on.exit(progress$done())
  kernel <- m$kernel
  noise <- m$noise
  map <- m$latent %||% .latent_free(nrow(m$Y), m$q)  # R/latent.R
  w <- start[["w"]] %||% map$start(start$X)  # not start$w: that is $warm
  S <- start$S
  Z <- start$Z
  theta <- kern_params(kernel)
  fixed0 <- c(names(theta), "noise")
  used <- 0L
  warm <- NULL
  time <- proc.time()[["elapsed"]]
  if (start$warm) {
    warm <- .bayes_objective(m$Y, kernel, noise, fixed0, m$q, nrow(Z),
                             m$method, m$trace, progress$update, latent = map)
    par0 <- .bayes_par(w, S, Z, theta, noise, warm)
    ll0 <- warm$eval(par0)$loglik
    opt0 <- .optimise(warm, par0, m$method, min(.bayes_warm_iters, m$maxit),
                      m$reltol)
    used <- warm$n_eval()
    u <- warm$eval(opt0$par)
    w <- u$w
    S <- u$S
    Z <- u$Z
    kernel <- u$kernel
  }
  obj <- .bayes_objective(m$Y, kernel, noise, m$fixed, m$q, nrow(Z),
                          m$method, m$trace, progress$update, used, map)
  par1 <- .bayes_par(w, S, Z, kern_params(kernel), noise, obj)
  if (is.null(warm)) ll0 <- obj$eval(par1)$loglik
  opt <- .optimise(obj, par1, m$method, max(m$maxit - used, 1L), m$reltol)
  time <- proc.time()[["elapsed"]] - time
  best <- obj$eval(opt$par)
  opt$max_gradient <- max(abs(best$grad))
  fit <- .new_bgplvm(obj, warm, best, opt, start, ll0, m, time, pre)
  list(fit = fit, warnings = .fit_warnings(obj, opt, if (best$jittered)
    best$jitter else 0))
}

# The optimised vector c(w, log S, Z, log theta[free], log noise), w the
# weights of the objective's latent map (the means themselves without a
# back-constraint).
.bayes_par <- function(w, S, Z, theta, noise, obj) {
  unname(c(w, log(S), Z, log(theta[obj$free]),
           if (obj$fit_noise) log(noise)))
}

# The negative bound and its gradient over the vector of .bayes_par(),
# from one cached C evaluation per vector, for .optimise(): a vector at
# which the bound cannot be evaluated (an overflow far from the optimum)
# counts as failed, and the optimiser sees a value it backs off from (Inf,
# or for L-BFGS-B, which needs finite values, one far above the best so
# far) and the best point's gradient.  `counted` evaluations came before
# (the warm-up), for the trace.  `latent` maps the weights w to the means
# (R/latent.R; NULL: w is the means), and dF/dw is its pullback of dF/dmu:
# the bound and its KL term are those of the means it gives.
.bayes_objective <- function(Y, kernel, noise, fixed, q, m,
                             method = "L-BFGS-B", trace = 0L,
                             progress = NULL, counted = 0L, latent = NULL) {
  n <- nrow(Y)
  theta <- kern_params(kernel)
  free <- !names(theta) %in% fixed
  fit_noise <- !"noise" %in% fixed
  map <- latent %||% .latent_free(n, q)
  nw <- map$npar
  nx <- n * q
  nz <- m * q
  cache <- .objective_cache()  # R/optimise.R
  unpack <- function(par) {
    th <- theta
    th[free] <- exp(par[nw + nx + nz + seq_len(sum(free))])
    s2 <- if (fit_noise) exp(par[[length(par)]]) else noise
    S <- matrix(exp(par[nw + seq_len(nx)]), n, q)
    if (!all(is.finite(c(th, s2, S)) & c(th, s2, S) > 0)) {
      stop("a kernel parameter, the noise or a latent variance under- or ",
           "overflowed", call. = FALSE)
    }
    k <- kernel
    kern_params(k) <- th
    w <- par[seq_len(nw)]
    list(X = map$X(w), w = w, S = S,
         Z = matrix(par[nw + nx + seq_len(nz)], m, q), kernel = k,
         noise = s2, theta = th)
  }
  eval <- function(par) {
    if (identical(par, cache$par)) return(cache$res)
    u <- unpack(par)
    r <- .loglik_bayes_c(Y, u$X, u$S, u$Z, u$kernel, u$noise, TRUE)
    g <- unname(c(map$pullback(u$w, r$X), r$X_var * u$S, r$inducing,
                  (r$kernel * u$theta)[free], if (fit_noise) r$noise * u$noise))
    cache$n_eval <- cache$n_eval + 1L
    jittered <- r$retries > 0L
    if (jittered) {
      cache$jitter_n <- cache$jitter_n + 1L
      cache$jitter_max <- max(cache$jitter_max, r$jitter)
    }
    .trace_eval(trace, counted + cache$n_eval, "bound", r$bound, g,
                cache$start, progress)
    cache$par <- par
    cache$res <- c(u, list(loglik = r$bound, grad = g, jitter = r$jitter,
                           jittered = jittered))
    if (-r$bound < cache$best$value) {
      cache$best <- list(par = par, value = -r$bound, grad = -g)
    }
    cache$res
  }
  failed <- function(e) {
    .stop_unless_numerical(e)
    cache$n_failed <- cache$n_failed + 1L
    NULL
  }
  fn <- function(par) {
    f <- tryCatch(-eval(par)$loglik, error = failed)
    if (!is.null(f) && is.finite(f)) return(f)
    if (method != "L-BFGS-B") Inf
    else cache$best$value + 1e3 * (1 + abs(cache$best$value))
  }
  gr <- function(par) {
    r <- tryCatch(eval(par), error = failed)
    if (is.null(r)) cache$best$grad else -r$grad
  }
  list(eval = eval, free = free, fit_noise = fit_noise, latent = map,
       fn = fn, fn_value = fn, gr = gr,
       best = function() cache$best[c("par", "value")],
       n_eval = function() cache$n_eval,
       n_failed = function() cache$n_failed,
       jitter_count = function() cache$jitter_n,
       jitter_max = function() cache$jitter_max)
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

# The one constructor of "bgplvm" objects: `obj` the objective of the
# final optimisation, `warm` that of the warm-up (or NULL), `best` the
# evaluation at the end, `opt` the result of .optimise().
.new_bgplvm <- function(obj, warm, best, opt, start, ll0, model, time, pre) {
  X <- best$X
  S <- best$S
  dimnames(X) <- dimnames(S) <- dimnames(start$X)
  Z <- best$Z
  colnames(Z) <- colnames(X)
  post <- .bayes_posterior(model$Y, X, S, Z, best$kernel, best$noise,
                           best$jitter)
  warm_count <- function(f) if (is.null(warm)) 0L else f(warm)
  structure(list(
    X = X, X_var = S, kernel = best$kernel, noise = best$noise,
    loglik = best$loglik, logprior = 0, objective = best$loglik,
    X_init = start$X, X_var_init = start$S,
    loglik_init = ll0, center = pre$center,
    scale = if (pre$scale) pre$sds else NULL, Y = model$Y,
    alpha = post$alpha, chol = NULL, inducing = Z,
    inducing_init = start$Z, approx = "vfe", Cfac = post$Cfac,
    prior = FALSE, fixed = model$fixed,
    latent = .fitted_latent(obj$latent, best$w),  # R/latent.R
    df = length(opt$par),
    nobs = nrow(X),
    optim = list(method = model$method, convergence = opt$convergence,
                 message = opt$message, counts = opt$counts,
                 evaluations = obj$n_eval() + warm_count(function(w)
                   w$n_eval()),
                 runs = opt$runs,
                 failed = obj$n_failed() + warm_count(function(w)
                   w$n_failed()),
                 max_gradient = opt$max_gradient,
                 jitter_count = obj$jitter_count()),
    time = time, call = pre$call), class = c("bgplvm", "gplvm"))
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

.cat_relevance <- function(rel, pruning = NULL) {
  cat("ARD relevance of each latent dimension (1 = most relevant):\n")
  print(signif(rel, 3L))
  cat(sprintf("Dimensions used (relevance >= %g): %d of %d\n",
              .relevance_cutoff, sum(rel >= .relevance_cutoff),
              length(rel)))
  for (i in seq_len(NROW(pruning))) {
    cat(sprintf("Switching %s off after convergence: bound %s, %s\n",
                names(rel)[pruning$dimension[i]],
                format(pruning$bound[i], digits = 6L),
                if (pruning$kept[i]) "kept" else "not kept (lower)"))
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
#' relevance at least 0.01.  `logLik` returns the variational lower bound
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
  d2 <- outer(rowSums(Ys^2), rowSums(object$Y^2), `+`) -
    2 * tcrossprod(Ys, object$Y)
  near <- max.col(-d2, ties.method = "first")
  mu0 <- if (is.null(X0)) object$X[near, , drop = FALSE] else unname(X0)
  free_mu <- is.null(X0) || refine
  nm <- if (free_mu) ns * q else 0L
  means <- function(par) if (free_mu) matrix(par[seq_len(nm)], ns, q) else mu0
  last <- NULL
  eval <- function(par) {
    if (!is.null(last) && identical(par, last$par)) return(last)
    S <- exp(matrix(par[nm + seq_len(ns * q)], ns, q))
    r <- .loglik_bayes_c(Yall, rbind(object$X, means(par)),
                         rbind(object$X_var, S), object$inducing,
                         object$kernel, object$noise, TRUE)
    last <<- list(par = par, value = -r$bound,
                  grad = -c(if (free_mu) r$X[new, ], r$X_var[new, ] * S))
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
