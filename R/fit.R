#' Fit a Gaussian process latent variable model
#'
#' Finds latent positions `X` (N by `q`) for the rows of `Y` together with
#' the kernel hyperparameters and the noise variance by maximising the GP-LVM
#' log-likelihood of Lawrence (2005), plus the log of a unit Gaussian prior on
#' `X` when `prior = TRUE`, with [stats::optim()] and the analytic gradient
#' computed in C (see [gplvm_loglik()]).
#'
#' The optimised vector holds every latent coordinate and the logarithm of
#' every free hyperparameter and of the noise variance.  The objective and
#' its gradient come from one C evaluation per parameter vector (the last
#' one is cached, so `optim()`'s separate calls to `fn` and `gr` never
#' factorise the same covariance twice).  When `ncol(Y) > nrow(Y)` a square
#' factor \eqn{C} with \eqn{C C^\top = Y Y^\top}{C C' = Y Y'} is computed once
#' and used instead of `Y`, so no evaluation costs more than
#' \eqn{O(N^3)}{O(N^3)}.
#'
#' Defaults follow Lawrence's practice: the columns of `Y` are centred (and
#' scaled to unit variance when `scale = TRUE`); `X` starts from the first
#' `q` principal component scores, each rescaled to standard deviation
#' `init_sd`; the kernel is an RBF with one lengthscale per latent dimension
#' (ARD) plus a bias, started at variance equal to the mean column variance
#' of the (centred, scaled) data, lengthscales 1, bias 0.1 of that variance;
#' the noise variance starts at 0.1 of the mean column variance.  The small
#' starting spread (`init_sd = 0.1`, a tenth of the starting lengthscale
#' of the kernel) was chosen by measurement: on the oil flow data a start at
#' standard deviation 1 reached a higher likelihood but a nearly
#' one-dimensional latent space with four times as many nearest-neighbour
#' class errors.
#'
#' With `inducing` the sparse GP-LVM is fitted instead: M inducing inputs
#' \eqn{Z} (M by `q`) are optimised with everything else, and the objective
#' is the sparse approximation `approx` of [gplvm_loglik()] (by default the
#' variational lower bound of Titsias, 2009), which costs
#' \eqn{O(N M^2)}{O(N M^2)} per evaluation instead of \eqn{O(N^3)}{O(N^3)}.
#' A number M starts \eqn{Z} at the centres of [stats::kmeans()] clusters
#' of the starting latent positions (at the starting positions themselves
#' when M = N, at a random subset of them if k-means fails); a matrix is used
#' as given.  Predictions, fitted values and the plot of a sparse fit use the
#' sparse posterior (for `"vfe"` and `"dtc"` the same); `loglik` is then the
#' bound (VFE) or the approximate log-likelihood (FITC, DTC).
#'
#' @section Missing values:
#' `Y` may have missing entries (`NA` or `NaN`).  The log-likelihood is then
#' a sum over columns, each column's marginal likelihood on the rows where
#' it is observed, \eqn{\sum_d \log N(y_{O_d, d} \mid 0, K_{O_d O_d})}{sum_d
#' log N(y[O_d, d] | 0, K[O_d, O_d])}.  Columns observed on the same rows
#' (one missingness pattern) share a covariance, so each evaluation
#' factorises it once per distinct pattern: the exact model costs the
#' number of patterns times \eqn{O(N^3)}{O(N^3)} (a warning suggests the
#' sparse model when there are more than 10 patterns), the sparse model the
#' number of patterns times \eqn{O(N M^2)}{O(N M^2)}.  Centring and scaling
#' use the observed entries of each column; `X` starts from the principal
#' components of the data after iterative rank-`q` SVD imputation.  A row
#' with every entry missing, or a column with fewer than two observed
#' entries, is refused.  [fitted.gplvm()] fills every entry with its
#' posterior mean, [gplvm_impute()] returns the imputed entries with their
#' predictive standard deviations, and `predict(fit, newdata =)` accepts
#' new rows with `NA` entries.  Without missing entries none of this
#' changes the computation.
#'
#' Jitter that the C core has to add to the covariance diagonal during the
#' fit is counted and reported in a single warning at the end.
#'
#' @param Y Numeric matrix or data frame of numeric columns, N by D (N >= 2),
#'   possibly with missing (`NA`) entries (see Missing values).
#'   Row names carry through to the latent matrix.
#' @param q Latent dimension, an integer between 1 and `min(dim(Y))`.
#' @param kernel A kernel (see [kernels]) whose parameters are the starting
#'   values; `NULL` gives the default described in Details.
#' @param init `"pca"`, `"random"` (normal with standard deviation
#'   `init_sd`), or a numeric N by `q` matrix of starting latent positions
#'   (used as given).
#' @param noise Starting (or, when fixed, the) noise variance; `NULL` gives
#'   0.1 times the mean column variance of the centred data.
#' @param scale If `TRUE`, divide each column of `Y` by its standard
#'   deviation after centring.  Predictions and fitted values are returned
#'   on the original scale either way.
#' @param prior If `TRUE`, add the log of a unit Gaussian prior on `X`,
#'   \eqn{-NQ/2 \log 2\pi - \|X\|_F^2/2}{-N q/2 log(2 pi) - |X|^2/2}, to the
#'   objective.
#' @param fixed Character vector naming the parameters to hold at their
#'   starting values: names as given by [kern_params()] of the kernel
#'   (for the default kernel `"rbf.variance"`, `"rbf.lengthscale1"`, ...,
#'   `"bias.variance"`), and `"noise"`.
#' @param method The optimiser: an [stats::optim()] method with gradients
#'   (`"L-BFGS-B"`, `"BFGS"` or `"CG"`), or `"SCG"`, the scaled conjugate
#'   gradients of Moller (1993) that Lawrence's toolbox uses (implemented in
#'   R in this package).
#' @param maxit Maximum number of iterations.
#' @param reltol Relative convergence tolerance on the objective (passed as
#'   `factr = reltol / .Machine$double.eps` to L-BFGS-B and as `reltol` to
#'   BFGS and CG; SCG stops when an accepted step changes the objective by
#'   less than `reltol` times its size).
#' @param trace `0` for silence; a positive integer `k` prints the
#'   evaluation count, the log-likelihood, the gradient norm and the elapsed
#'   time every `k` evaluations.
#' @param init_sd Standard deviation of each starting latent dimension for
#'   `init = "pca"` and `"random"`.
#' @param inducing `NULL` for the exact model; a number M (between 1 and N)
#'   of inducing inputs, or an M by `q` matrix of their starting values, for
#'   the sparse model.
#' @param approx The sparse approximation, `"vfe"` (default), `"fitc"` or
#'   `"dtc"`; see [gplvm_loglik()].  Ignored without `inducing`.
#' @param bayesian If `TRUE`, fit the Bayesian GP-LVM instead (see the
#'   section below); `inducing` then defaults to `min(N, 50)`.
#' @return An object of class `"gplvm"`: a list with `X` (the fitted latent
#'   positions), `kernel`, `noise`, `loglik` (the log-likelihood
#'   \eqn{\log p(Y \mid X, \theta)}{log p(Y | X, theta)} without the prior),
#'   `logprior` (the log prior of `X`, 0 without prior), `X_init`,
#'   `loglik_init`, `center`, `scale`, `Y` (the centred, scaled data),
#'   `alpha` (\eqn{K^{-1} Y}{K^-1 Y}, used by `predict`), `prior`, `fixed`,
#'   `df` (number of free parameters), `nobs`, `optim` (a list with
#'   `method`, `convergence`, `message`, `counts`, `jitter_count`) and
#'   `time` (wall seconds), and `call`.  A sparse fit also has `inducing`
#'   (the fitted \eqn{Z}), `inducing_init` and `approx`; its `alpha` is
#'   M by D and `Cfac` (M by M, with `tcrossprod(Cfac)` equal to
#'   \eqn{K_{zz}^{-1} - B^{-1}}{Kzz^-1 - B^-1}, see [gplvm_loglik()])
#'   replaces `chol`.  A fit to data with missing entries has `Y` with its
#'   `NA` entries, `missing` (a list: `mask`, `TRUE` where `Y` is missing,
#'   and the jitter each pattern's covariance needed), and `alpha` holds
#'   each column's \eqn{K_{OO}^{-1} y_O}{K_OO^-1 y_O} from its observed rows
#'   (0 in the others); `chol` is still that of the covariance of all rows.
#' @section Bayesian GP-LVM:
#' With `bayesian = TRUE` the latent positions are integrated out under
#' \eqn{q(X) = \prod_n N(\mu_n, \mathrm{diag}(S_n))}{q(X) = prod_n N(mu_n, diag(S_n))}
#' and the variational lower bound \eqn{F} of Titsias and Lawrence (2010)
#' on \eqn{\log p(Y)}{log p(Y)} (see [gplvm_loglik()]; it contains the KL
#' divergence of \eqn{q(X)} from the unit Gaussian prior, so `prior` is
#' ignored) is maximised over the means \eqn{\mu}{mu}, the variances
#' \eqn{S}{S} (on the log scale), the M inducing inputs, the kernel
#' parameters and the noise.  The default kernel is an RBF with one
#' lengthscale per latent dimension (ARD) plus a bias; the lengthscales of
#' the dimensions the data do not need grow, which switches them off, so
#' `q` can be chosen generously.  Start: the means are the first `q`
#' principal component scores, each scaled to standard deviation 1, the
#' variances 0.1 (`init_sd` is ignored), the inducing inputs k-means
#' centres of the means, the ARD lengthscales \eqn{1/\sqrt{f_q}}{1/sqrt(f_q)}
#' where \eqn{f_q}{f_q} is the variance of the q-th principal component
#' relative to the first's, the RBF variance the mean column variance
#' \eqn{\bar v}{vbar}, the bias \eqn{0.1 \bar v}{0.1 vbar} and the noise
#' \eqn{0.01 \bar v}{0.01 vbar}.  The first 100 evaluations optimise
#' \eqn{q(X)}{q(X)} and the inducing inputs alone, with the kernel and the
#' noise held at these values (as the vargplvm toolbox initialises the
#' variational distribution); then everything is optimised.  The result has
#' class
#' `c("bgplvm", "gplvm")` with the means in `X` and the variances in
#' `X_var`; see [bgplvm-methods] for what its methods do.  When the bound
#' cannot be evaluated at a trial point of the optimiser (an overflow far
#' from the optimum), the optimiser restarts from the best point so far
#' (at most 20 times); `optim$failed_evaluations` counts such points.
#' @references Lawrence, N. D. (2005). Probabilistic non-linear principal
#'   component analysis with Gaussian process latent variable models.
#'   Journal of Machine Learning Research 6, 1783--1816.
#'
#'   Titsias, M. and Lawrence, N. D. (2010). Bayesian Gaussian process
#'   latent variable model.  Proceedings of AISTATS, PMLR 9, 844--851.
#' @seealso [predict.gplvm()], [plot.gplvm()], [summary.gplvm()],
#'   [gplvm_loglik()], [gplvm_impute()].
#' @examples
#' set.seed(1)
#' fit <- gplvm(iris[1:60, 1:4], q = 2, maxit = 100)
#' fit
#' head(fit$X)
#' sparse <- gplvm(iris[, 1:4], q = 2, inducing = 20, maxit = 100)
#' sparse
#' bayes <- gplvm(iris[seq(1, 150, 3), 1:4], q = 3, bayesian = TRUE,
#'                inducing = 10, maxit = 3000, reltol = 1e-8)
#' bayes
#' @export
gplvm <- function(Y, q = 2, kernel = NULL, init = "pca", noise = NULL,
                  scale = FALSE, prior = TRUE, fixed = character(),
                  method = c("L-BFGS-B", "BFGS", "CG", "SCG"), maxit = 1000,
                  reltol = 1e-10, trace = 0, init_sd = 0.1, inducing = NULL,
                  approx = c("vfe", "fitc", "dtc"), bayesian = FALSE) {
  call <- match.call()
  Y <- .as_numeric_matrix(Y, "Y", allow_data_frame = TRUE, min_rows = 2L,
                          allow_na = TRUE)
  miss <- .missing_patterns(Y)  # NULL without NA entries; R/missing.R
  q <- .check_count(q, "q", hi = min(dim(Y)))
  scale <- .check_flag(scale, "scale")
  prior <- .check_flag(prior, "prior")
  method <- match.arg(method)
  maxit <- .check_count(maxit, "maxit")
  reltol <- .check_positive(reltol, "reltol")
  trace <- .check_count(trace, "trace", lo = 0L)
  init_sd <- .check_positive(init_sd, "init_sd")
  approx <- .check_approx(approx)
  bayesian <- .check_flag(bayesian, "bayesian")

  if (.no_variation(Y)) {
    stop("'Y' has no variation: every column is constant", call. = FALSE)
  }
  center <- colMeans(Y, na.rm = TRUE)
  Yc <- sweep(Y, 2L, center)
  sds <- rep(1, ncol(Y))
  if (scale) {
    sds <- sqrt(colSums(Yc^2, na.rm = TRUE) / (colSums(!is.na(Yc)) - 1))
    sds[sds == 0] <- 1
    Yc <- sweep(Yc, 2L, sds, `/`)
  }
  names(sds) <- colnames(Y)
  vbar <- sum(Yc^2, na.rm = TRUE) / sum(!is.na(Yc))
  # beyond these the variances under- or overflow during the fit
  if (!(vbar >= 1e-150 && vbar <= 1e150) || !all(is.finite(sds))) {
    stop(sprintf(paste("'Y' (largest absolute value %.3g) is on a scale",
                       "too far from 1 to fit; multiply it by a constant"),
                 max(abs(Y))), call. = FALSE)
  }
  if (bayesian) {
    if (!is.null(miss)) {
      stop("'Y' must not contain NA with 'bayesian = TRUE': the Bayesian ",
           "GP-LVM does not take missing values yet", call. = FALSE)
    }
    return(.gplvm_bayes(Y, Yc, q, kernel, init, noise, fixed, method, maxit,
                        reltol, trace, inducing, vbar,
                        list(center = center, sds = sds, scale = scale,
                             call = call)))
  }
  if (is.null(kernel)) {
    kernel <- kern_rbf(variance = vbar, lengthscale = rep(1, q)) +
      kern_bias(variance = 0.1 * vbar)
  }
  if (is.null(inducing)) .check_kernel(kernel, q)
  else .check_sparse_kernel(kernel, q)
  noise <- if (is.null(noise)) 0.1 * vbar else .check_positive(noise, "noise")
  X0 <- .init_latent(init, if (is.null(miss)) Yc else .svd_impute(Yc, q),
                     q, init_sd)
  rownames(X0) <- rownames(Y)
  Z0 <- .init_inducing(inducing, X0)
  theta <- kern_params(kernel)
  fixed <- .check_fixed(fixed, c(names(theta), "noise"))

  if (!is.null(miss)) .warn_patterns(miss, sparse = !is.null(inducing))
  obj <- .gplvm_objective(Yc, kernel, noise, fixed, prior, q, trace, Z0,
                          approx, miss)
  par0 <- unname(c(X0, Z0, log(theta[obj$free]),
                   if (!"noise" %in% fixed) log(noise)))
  ll0 <- obj$eval(par0)$loglik
  run <- .run_optimiser(par0, obj, method, maxit, reltol)
  best <- obj$eval(run$opt$par)
  out <- .new_gplvm(obj, best, run$opt, Y = Yc, X0 = X0, ll0 = ll0,
                    center = center, sds = sds, scale = scale, prior = prior,
                    fixed = fixed, method = method, time = run$time,
                    call = call, Z0 = Z0, approx = approx, missing = miss)
  .finish_fit(out, obj, run$opt)
}

# Runs the chosen optimiser on obj$fn and obj$gr from par0: list(opt, time).
# step: optim()'s parscale (the first step of L-BFGS-B has length 1 in
# units of it); SCG ignores it.
.run_optimiser <- function(par0, obj, method, maxit, reltol, step = 1) {
  control <- list(maxit = maxit)
  if (step != 1) control$parscale <- rep(step, length(par0))
  if (method == "L-BFGS-B") {
    control$factr <- reltol / .Machine$double.eps
  } else {
    control$reltol <- reltol
  }
  start <- proc.time()[["elapsed"]]
  opt <- if (method == "SCG") {
    .scg(par0, obj$fn, obj$gr, maxit = maxit, reltol = reltol)
  } else {
    stats::optim(par0, obj$fn, obj$gr, method = method, control = control)
  }
  list(opt = opt, time = proc.time()[["elapsed"]] - start)
}

# Warnings about the jitter and about convergence; returns the fit with the
# optimiser's message completed.
.finish_fit <- function(out, obj, opt) {
  if (obj$jitter_count() > 0L) {
    warning(sprintf(paste("jitter was added to the covariance diagonal in %d",
                          "of %d evaluations (largest %.3g)"),
                    obj$jitter_count(), obj$n_eval(), obj$jitter_max()),
            call. = FALSE)
  }
  if (opt$convergence == 1L) {
    opt$message <- "iteration limit 'maxit' reached"
    out$optim$message <- opt$message
  }
  if (opt$convergence != 0L) {
    warning(sprintf(paste("the optimiser did not converge (code %d%s);",
                          "try a larger 'maxit'"), opt$convergence,
                    if (is.null(opt$message)) "" else
                      paste0(": ", opt$message)), call. = FALSE)
  }
  out
}

# Starting latent positions.
.init_latent <- function(init, Y, q, sd) {
  n <- nrow(Y)
  if (is.numeric(init) && is.matrix(init)) {
    X <- .as_numeric_matrix(init, "init")
    if (nrow(X) != n || ncol(X) != q) {
      stop(sprintf("'init' must be a %d x %d matrix, not %d x %d", n, q,
                   nrow(X), ncol(X)), call. = FALSE)
    }
    return(unname(X))
  }
  if (!is.character(init) || length(init) != 1L ||
      !init %in% c("pca", "random")) {
    stop("'init' must be \"pca\", \"random\" or a numeric matrix",
         call. = FALSE)
  }
  if (init == "random") return(matrix(stats::rnorm(n * q, sd = sd), n, q))
  s <- svd(Y, nu = q, nv = 0L)
  X <- s$u[, seq_len(q), drop = FALSE]
  # Columns of u have unit norm: sqrt(n - 1) makes their sd 1.  Directions
  # with no variance get a tiny random spread so that they can move.
  zero <- s$d[seq_len(q)] <= max(s$d) * 1e-10
  X[, zero] <- stats::rnorm(n * sum(zero), sd = 1e-3 / sqrt(n - 1))
  X * sqrt(n - 1) * sd
}

.check_fixed <- function(fixed, allowed) {
  if (is.null(fixed)) return(character())
  if (!is.character(fixed) || anyNA(fixed) || !all(fixed %in% allowed)) {
    stop(sprintf("'fixed' must name parameters among: %s",
                 paste(allowed, collapse = ", ")), call. = FALSE)
  }
  unique(fixed)
}

# The objective of the fit: closures sharing one cached C evaluation.
# eval(par) returns list(loglik, logprior, grad, kernel, noise, X, Z,
# jitter).  With inducing inputs Z0 (else NULL) the sparse objective.
.gplvm_objective <- function(Y, kernel, noise, fixed, prior, q, trace,
                             Z0 = NULL, approx = "vfe", missing = NULL) {
  n <- nrow(Y)
  d <- ncol(Y)
  # A factor C with C C' = Y Y', computed once: makes each evaluation
  # O(N^3) instead of O(N^2 D) when D > N.
  Yf <- if (d > n && is.null(missing)) .gram_factor(Y) else Y
  pats <- if (!is.null(missing)) .pattern_data(Y, missing)  # R/missing.R
  theta <- kern_params(kernel)
  free <- !names(theta) %in% fixed
  fit_noise <- !"noise" %in% fixed
  nx <- n * q
  m <- if (is.null(Z0)) 0L else nrow(Z0)
  nz <- m * q
  cache <- new.env(parent = emptyenv())
  cache$par <- NULL
  cache$n_eval <- 0L
  cache$jitter_n <- 0L
  cache$jitter_max <- 0
  cache$start <- proc.time()[["elapsed"]]

  unpack <- function(par) {
    X <- matrix(par[seq_len(nx)], n, q)
    th <- theta
    Z <- if (m > 0L) matrix(par[nx + seq_len(nz)], m, q)
    th[free] <- exp(par[nx + nz + seq_len(sum(free))])
    s2 <- if (fit_noise) exp(par[[length(par)]]) else noise
    if (!all(is.finite(c(th, s2)) & c(th, s2) > 0)) {
      stop(paste("the optimiser drove a kernel parameter or the noise to 0",
                 "or infinity; start from a kernel and noise on the scale",
                 "of 'Y' (or leave them NULL), or fix some of them"),
           call. = FALSE)
    }
    k <- kernel
    kern_params(k) <- th
    list(X = X, Z = Z, kernel = k, noise = s2, theta = th)
  }
  # one N x N buffer for the whole fit, not a fresh one per evaluation
  workspace <- if (m == 0L) .loglik_workspace()
  eval <- function(par) {
    if (identical(par, cache$par)) return(cache$res)
    u <- unpack(par)
    r <- if (!is.null(pats)) {
      .loglik_missing(pats, u$X, u$kernel, u$noise, TRUE, u$Z, approx,
                      workspace)
    } else if (m > 0L) {
      .loglik_sparse_c(Yf, u$X, u$Z, u$kernel, u$noise, approx, TRUE,
                       ndim = d)
    } else {
      .loglik_c(Yf, u$X, u$kernel, u$noise, TRUE, ndim = d,
                workspace = workspace)
    }
    lp <- if (prior) -nx / 2 * log(2 * pi) - sum(u$X^2) / 2 else 0
    gX <- if (prior) r$X - u$X else r$X
    g <- unname(c(gX, r$inducing, (r$kernel * u$theta)[free],
                  if (fit_noise) r$noise * u$noise))
    .count_eval(cache, trace, "loglik", r$loglik, g,
                if (m > 0L) r$retries > 0L else r$jitter > 0, r$jitter)
    res <- c(u, list(loglik = r$loglik, logprior = lp, grad = g,
                     jitter = r$jitter, jitters = r$jitters))
    cache$par <- par
    cache$res <- res
    res
  }
  list(eval = eval, free = free, workspace = workspace,
       fn = function(par) -(eval(par)$loglik + eval(par)$logprior),
       gr = function(par) -eval(par)$grad,
       n_eval = function() cache$n_eval,
       jitter_count = function() cache$jitter_n,
       jitter_max = function() cache$jitter_max)
}

# Counts one evaluation in `cache` (and the jitter it needed), printing a
# progress line every `trace` evaluations.
.count_eval <- function(cache, trace, label, value, g, jittered, jitter) {
  cache$n_eval <- cache$n_eval + 1L
  if (jittered) {
    cache$jitter_n <- cache$jitter_n + 1L
    cache$jitter_max <- max(cache$jitter_max, jitter)
  }
  if (trace > 0L && cache$n_eval %% trace == 0L) {
    cat(sprintf("eval %5d  %s %14.6g  |grad| %10.4g  %8.1f s\n",
                cache$n_eval, label, value, sqrt(sum(g^2)),
                proc.time()[["elapsed"]] - cache$start))
    flush(stdout())
  }
}

# Square factor C (N x N) with C C' = Y Y', from the QR decomposition of Y'.
.gram_factor <- function(Y) {
  qrY <- qr(t(Y))
  C <- matrix(0, nrow(Y), nrow(Y))
  C[qrY$pivot, ] <- t(qr.R(qrY))[, seq_len(nrow(Y)), drop = FALSE]
  C
}

# The one constructor of "gplvm" objects.
.new_gplvm <- function(obj, best, opt, Y, X0, ll0, center, sds, scale,
                       prior, fixed, method, time, call, Z0 = NULL,
                       approx = NULL, missing = NULL) {
  X <- best$X
  dimnames(X) <- list(rownames(X0), paste0("X", seq_len(ncol(X))))
  sparse <- NULL
  if (is.null(Z0)) {
    post <- .exact_posterior(Y, X, best$kernel, best$noise, best$jitter,
                             obj$workspace)
    R <- post$chol
    alpha <- post$alpha
  } else {
    Z <- best$Z
    colnames(Z) <- colnames(X)
    post <- .sparse_posterior(Y, X, Z, best$kernel, best$noise, approx,
                              best$jitter)
    R <- NULL
    alpha <- post$alpha
    sparse <- list(inducing = Z, inducing_init = Z0, approx = approx,
                   Cfac = post$Cfac)
  }
  if (!is.null(missing)) {  # each column from its observed rows: R/missing.R
    alpha <- .missing_alpha(.missing_posterior(
      Y, X, best$kernel, best$noise, list(jitter = best$jitters), best$Z,
      approx, best$jitter), nrow(alpha), ncol(Y))
    sparse$missing <- .missing_field(missing, best, !is.null(Z0))
  }
  structure(c(list(
    X = X, kernel = best$kernel, noise = best$noise,
    loglik = best$loglik, logprior = best$logprior,
    X_init = X0, loglik_init = ll0,
    center = center, scale = if (scale) sds else NULL,
    Y = Y, alpha = alpha, chol = R, prior = prior, fixed = fixed,
    df = length(opt$par), nobs = nrow(X),
    optim = list(method = method, convergence = opt$convergence,
                 message = opt$message, counts = opt$counts,
                 evaluations = obj$n_eval(),
                 jitter_count = obj$jitter_count()),
    time = time, call = call), sparse), class = "gplvm")
}
