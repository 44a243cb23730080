#' Fit a Gaussian process latent variable model
#'
#' Finds latent positions `X` (N by `q`) for the rows of `Y` together with
#' the kernel hyperparameters and the noise variance by maximising the
#' Gaussian process marginal likelihood of `Y` given `X` (Lawrence 2005)
#' with [stats::optim()] (or scaled conjugate gradients) and the analytic
#' gradient computed in C (see [gplvm_loglik()]).  The same call fits the
#' sparse model (`inducing`), the Bayesian GP-LVM (`bayesian = TRUE`),
#' back-constrained (`back`) and dynamical (`dynamics`) models, and data
#' with missing entries: [gplvm-models] explains each of them and the
#' objective they maximise, and [gplvm-scaling] how to fit large data sets
#' (the cost of a fit, a cluster of processes, minibatch training).
#'
#' @section The default model:
#' The columns of `Y` are centred, and with `scale = TRUE` scaled to unit
#' variance: give it for data in mixed units (`gplvm()` warns when the
#' columns' standard deviations are more than 100 times apart and `scale`
#' is not given).  The kernel is an RBF whose one lengthscale is **fixed
#' at 1**, so that latent distances are measured in lengthscales; the
#' kernel variance and the noise are fitted, the noise under a weak
#' inverse-gamma prior (`noise_prior`), and `X` has no prior.  `X` starts
#' from the first `q` principal component scores, each scaled to standard
#' deviation `init_sd`.  Why these choices, and the exact objective: "The
#' objective" and "Starting values" in [gplvm-models].
#'
#' @section Convergence:
#' The optimiser runs until its own tolerance `reltol` is met; it is then
#' started afresh from its end point, without its memory of the curvature,
#' and the fit has converged (`optim$convergence == 0`) when such a fresh
#' start improves the objective by at most `10 * reltol` relative.  All the
#' runs share the budget of `maxit` iterations.  A fit that is not
#' converged (code 1: `maxit` reached; code 99: the optimiser stopped with
#' an error, and the fit holds the best point found) ends with a warning;
#' continue it with `gplvm(Y, init = fit)`.  `optim$max_gradient` is the
#' largest absolute component of the objective's gradient with respect to
#' the optimised vector (latent coordinates and log-parameters) at the end.
#'
#' A parameter vector at which the model cannot be evaluated (a covariance
#' that is not positive definite even with jitter, or an overflow) counts
#' as a failed evaluation: the optimiser backs off from it (L-BFGS-B sees a
#' value far above the best so far, BFGS, CG and SCG an infinite one) and
#' the count is `optim$failed`.  Jitter that the C core has to add to the
#' covariance diagonal during the fit is counted and reported in a single
#' warning at the end.
#'
#' In an interactive session a fit that runs for more than two seconds
#' shows one line, updated in place, with the number of evaluations, the
#' objective and the elapsed time; `options(gplvm.progress = FALSE)` turns
#' it off, `TRUE` turns it on elsewhere.  It never appears inside knitr or
#' with `trace > 0`.
#'
#'
#' @param Y Numeric matrix or data frame of numeric columns, N by D (N >= 2),
#'   possibly with missing (`NA`) entries (see Missing values in [gplvm-models]).
#'   Row names carry through to the latent matrix.
#' @param q Latent dimension, an integer between 1 and `min(dim(Y))`.
#' @param kernel A kernel (see [kernels]) whose parameters are the starting
#'   values; `NULL` gives the default described in "The default model".
#' @param init `"pca"`, `"random"` (normal with standard deviation
#'   `init_sd`), a numeric N by `q` matrix of starting latent positions
#'   (used as given), or a fit of the same data by `gplvm()`, which is
#'   continued: its latent positions, kernel, noise and (for a sparse fit)
#'   inducing inputs are the starting values, and its `q`, `scale`,
#'   `prior`, `noise_prior`, `fixed` and `approx` are used unless given.
#' @param noise Starting (or, when fixed, the) noise variance; `NULL` gives
#'   0.1 times the mean column variance of the centred data.
#' @param scale If `TRUE`, divide each column of `Y` by its standard
#'   deviation after centring.  Predictions and fitted values are returned
#'   on the original scale either way.  Left out, it is `FALSE` (as in
#'   [prcomp()]), with a warning when the columns' standard deviations are
#'   more than 100 times apart.
#' @param prior If `TRUE`, add the unit Gaussian prior on `X` to the
#'   objective (see "The objective" in [gplvm-models]).
#' @param fixed Character vector naming the parameters to hold at their
#'   starting values: names as given by [kern_params()] of the kernel
#'   (for the default kernel `"variance"` and `"lengthscale"`), and
#'   `"noise"`.  `NULL` (the default) fixes `"lengthscale"` of the default
#'   kernel (with `bayesian = TRUE`, `"rbf.variance"` of its default
#'   kernel) and nothing of a kernel given in `kernel`.
#' @param method The optimiser: an [stats::optim()] method with gradients
#'   (`"L-BFGS-B"`, `"BFGS"` or `"CG"`), or `"SCG"`, the scaled conjugate
#'   gradients of Moller (1993) that Lawrence's toolbox uses (implemented in
#'   R in this package).
#' @param maxit Maximum number of iterations, shared by the optimiser's runs
#'   (see "Convergence").
#' @param reltol Relative convergence tolerance on the objective (passed as
#'   `factr = reltol / .Machine$double.eps` to L-BFGS-B and as `reltol` to
#'   BFGS and CG; SCG stops, as Netlab's `scg.m` does, when an accepted step
#'   both changes the objective by less than `reltol` times its size and
#'   moves no parameter by more than `sqrt(reltol)`).
#' @param trace `0` for silence; a positive integer `k` prints the
#'   evaluation count, the log-likelihood, the gradient norm and the elapsed
#'   time every `k` evaluations.
#' @param init_sd Standard deviation of each starting latent dimension for
#'   `init = "pca"` and `"random"`, in the units of `X` (lengthscales, with
#'   the default kernel).
#' @param inducing `NULL` for the exact model; a number M (between 1 and N)
#'   of inducing inputs, or an M by `q` matrix of their starting values, for
#'   the sparse model.
#' @param approx The sparse approximation, `"vfe"` (default), `"fitc"` or
#'   `"dtc"`; see [gplvm_loglik()].  Ignored without `inducing`.
#' @param noise_prior The scale of the inverse-gamma prior on the noise
#'   variance, relative to the mean column variance of the centred data
#'   (see "The objective" in [gplvm-models]); `0` switches the prior off.
#' @param restarts Number of starts: the first from `init`, the others from
#'   random latent positions (`init = "random"`); the fit with the highest
#'   objective is returned, and `restarts` in the fit holds every start's
#'   objective.
#' @param bayesian If `TRUE`, fit the Bayesian GP-LVM instead (see
#'   [gplvm-models]); `inducing` then defaults to `min(N, 50)`.
#' @param prune With `bayesian = TRUE`: if `TRUE`, after convergence try
#'   switching off, one at a time from the least relevant, the latent
#'   dimensions in use other than the most relevant, continuing the fit
#'   after each and keeping it while the bound rises (see
#'   [gplvm-models]).  Ignored otherwise.
#' @param back Back-constraint: `"none"` (free latent positions),
#'   `"kernel"` or `"mlp"`: the latent positions (with `bayesian = TRUE`
#'   the means of \eqn{q(X)}{q(X)}) are a mapping of the data whose
#'   weights are fitted (see Back-constraints in [gplvm-models]).
#' @param back_control Settings of the mapping, a named list: for
#'   `"kernel"`, `width` (the RBF kernel's width on the data; default the
#'   median distance between rows); for `"mlp"`, `hidden` (the number of
#'   tanh hidden units, default 5).
#' @return An object of class `"gplvm"` (for `bayesian = TRUE`,
#'   `c("bgplvm", "gplvm")`): a list whose fields are
#'   \describe{
#'     \item{`X`}{the fitted latent positions, N by `q` (the means of
#'       \eqn{q(X)}{q(X)} for a Bayesian fit, whose variances are in
#'       `X_var`).  `fit$x` gives the same matrix, as `prcomp()`'s `x`
#'       does.}
#'     \item{`kernel`, `noise`}{the fitted kernel (see [kern_params()])
#'       and noise variance.}
#'     \item{`loglik`, `logprior`, `logprior_noise`, `objective`}{the
#'       log-likelihood \eqn{\log p(Y \mid X, \theta)}{log p(Y | X,
#'       theta)} without the priors (for a sparse or Bayesian fit the bound
#'       or approximation maximised), the log prior of `X` (0 without
#'       prior; with `dynamics` the dynamics term), the log prior of the
#'       noise (0 without), and their sum, the maximised value;
#'       `loglik_init` is `loglik` at the start.}
#'     \item{`optim`}{the optimiser's report: `method`, `convergence` (0:
#'       converged; see "Convergence"), `message`, `counts`, `evaluations`,
#'       `runs`, `failed`, `max_gradient`, `jitter_count`; and the field
#'       `time`, the wall time in seconds.}
#'     \item{`center`, `scale`, `Y`}{the column means and (with
#'       `scale = TRUE`) standard deviations, and the centred, scaled data
#'       the model sees.}
#'     \item{`alpha`, `chol`}{\eqn{K^{-1} Y}{K^-1 Y} and the Cholesky
#'       factor of \eqn{K}{K}, which `predict()` uses.}
#'     \item{`prior`, `noise_prior`, `fixed`, `restarts`, `X_init`,
#'       `latent`, `latent_prior`, `call`}{the settings: `latent` says how
#'       `X` is parameterised (`kind` `"none"`, `"kernel"` or `"mlp"`, with
#'       the mapping's weights `par`; see Back-constraints in
#'       [gplvm-models]), `latent_prior` the latent term (none, the unit
#'       Gaussian prior or GP dynamics with its fitted kernel);
#'       `restarts` holds every start's objective.}
#'     \item{`df`, `nobs`}{the number of free parameters and of rows, for
#'       [logLik.gplvm()].}
#'     \item{`inducing`, `inducing_init`, `approx`, `Cfac`}{for a sparse
#'       fit: the fitted and starting inducing inputs, the approximation,
#'       and `Cfac` (M by M, `tcrossprod(Cfac)` equal to
#'       \eqn{K_{zz}^{-1} - B^{-1}}{Kzz^-1 - B^-1}), which replaces
#'       `chol`; `alpha` is then M by D.}
#'     \item{`missing`}{for data with missing entries: `mask` (`TRUE`
#'       where `Y` is missing) and the jitter each pattern's covariance
#'       needed; `Y` keeps its `NA` entries, `alpha` holds each column's
#'       \eqn{K_{OO}^{-1} y_O}{K_OO^-1 y_O} from its observed rows (0 in
#'       the others) and `chol` is that of the covariance of all rows.}
#'   }
#'   A Bayesian fit adds `X_var`, `X_var_init` and `pruning` (see
#'   [gplvm-models]), a minibatch fit `minibatch` (see [gplvm-scaling]).
#'   Any other name, like a list's, gives `NULL`.
#' @references Lawrence, N. D. (2005). Probabilistic non-linear principal
#'   component analysis with Gaussian process latent variable models.
#'   Journal of Machine Learning Research 6, 1783--1816.
#'
#'   Moller, M. F. (1993). A scaled conjugate gradient algorithm for fast
#'   supervised learning.  Neural Networks 6, 525--533.
#' @seealso [gplvm-models] for the objective and the kinds of model,
#'   [gplvm-scaling] for large data; [plot.gplvm()], [predict.gplvm()],
#'   [summary.gplvm()] and the other [gplvm-methods]; [gplvm_loglik()],
#'   [gplvm_impute()].
#' @examples
#' set.seed(1)
#' Y <- iris[seq(1, 150, 5), 1:4]
#' fit <- gplvm(Y, q = 2, scale = TRUE)
#' fit$optim$convergence   # 0: converged
#' fit
#' head(fit$X)             # the latent positions (fit$x, as for prcomp())
#' plot(fit, labels = iris$Species[seq(1, 150, 5)])
#' # continue a fit (here: already converged, so it stops at once)
#' again <- gplvm(Y, init = fit)
#' again$objective - fit$objective
#' # other kinds of model: see ?"gplvm-models"
#' sparse <- gplvm(iris[seq(1, 150, 3), 1:4], q = 2, inducing = 10)
#' sparse$optim$convergence
#' bayes <- gplvm(iris[seq(1, 150, 3), 1:4], q = 3, bayesian = TRUE,
#'                inducing = 10, maxit = 3000, reltol = 1e-8)
#' bayes
#' @export
gplvm <- function(Y, q = 2, kernel = NULL, init = "pca", noise = NULL,
                  scale = FALSE, prior = FALSE, fixed = NULL,
                  method = c("L-BFGS-B", "BFGS", "CG", "SCG"), maxit = 10000,
                  reltol = 1e-8, trace = 0, init_sd = 1, inducing = NULL,
                  approx = c("vfe", "fitc", "dtc"), noise_prior = 0.1,
                  restarts = 1, bayesian = FALSE, prune = TRUE,
                  back = c("none", "kernel", "mlp"), back_control = list(),
                  dynamics = NULL, sequence = NULL, cluster = NULL,
                  batch_size = NULL, epochs = NULL) {
  call <- match.call()
  .check_full_names(sys.call(), gplvm, "gplvm")  # R/checks.R
  Y <- .as_numeric_matrix(Y, "Y", allow_data_frame = TRUE, min_rows = 2L,
                          allow_na = TRUE)
  miss <- .missing_patterns(Y)  # NULL without NA entries; R/missing.R
  prev <- NULL
  if (inherits(init, "gplvm")) {
    # continue a fit: its settings unless given here
    prev <- .check_gplvm(init, "init")
    if (!identical(dim(prev$Y), dim(Y))) {
      stop(sprintf("'init' is a fit of %d x %d data, but 'Y' is %d x %d",
                   nrow(prev$Y), ncol(prev$Y), nrow(Y), ncol(Y)),
           call. = FALSE)
    }
    if (missing(q)) q <- ncol(prev$X)
    if (missing(scale)) scale <- !is.null(prev$scale)
    if (missing(prior)) prior <- prev$prior
    if (missing(fixed)) fixed <- prev$fixed
    if (missing(noise_prior)) noise_prior <- prev$noise_prior %||% 0
    if (missing(bayesian)) bayesian <- inherits(prev, "bgplvm")
    if (missing(approx) && !is.null(prev$approx)) approx <- prev$approx
    if (is.null(kernel)) kernel <- prev$kernel
    if (is.null(noise)) noise <- prev$noise
    if (is.null(inducing)) inducing <- prev$inducing
    if (missing(back)) back <- .back_kind(prev)
    if (missing(back_control) && identical(back, .back_kind(prev))) {
      back_control <- prev$latent$control %||% list()
    }
    dyn <- .fit_dynamics(prev)  # R/gpdm.R
    if (missing(dynamics) && !is.null(dyn)) {
      dynamics <- dyn$kernel(dyn$par)
      if (missing(sequence)) sequence <- dyn$sequence
    }
  }
  q <- .check_count(q, "q", hi = min(dim(Y)))
  if (!is.null(prev) && q != ncol(prev$X)) {
    stop(sprintf("'q' must be %d, the latent dimension of 'init'",
                 ncol(prev$X)), call. = FALSE)
  }
  if (missing(scale)) .warn_column_scales(Y)  # R/column_scales.R
  scale <- .check_flag(scale, "scale")
  prior <- .check_flag(prior, "prior")
  method <- .check_choice(method, eval(formals(gplvm)$method), "method",
                         "optimisers that use the gradient")
  maxit <- .check_count(maxit, "maxit")
  reltol <- .check_positive(reltol, "reltol")
  trace <- .check_count(trace, "trace", lo = 0L)
  init_sd <- .check_positive(init_sd, "init_sd")
  approx <- .check_approx(approx)
  restarts <- .check_count(restarts, "restarts")
  bayesian <- .check_flag(bayesian, "bayesian")
  prune <- .check_flag(prune, "prune")
  back <- .check_back(back, back_control)  # R/back.R
  if (back$kind != "none" && !is.null(miss)) {
    stop(sprintf(paste("'back' = \"%s\" needs complete data: 'Y' has",
                       "missing entries"), back$kind), call. = FALSE)
  }
  # TRUE, FALSE or the GP dynamics prior: R/gpdm.R
  prior <- .dynamics_prior(dynamics, sequence, prior, bayesian, nrow(Y), q)
  noise_prior <- .check_noise_prior(noise_prior)

  cluster <- .check_cluster(cluster, inducing, approx, miss, bayesian)
  mb <- .check_minibatch(batch_size, epochs, nrow(Y), inducing, bayesian,
                         miss, approx, restarts, back$kind,
                         !is.logical(prior), !is.null(cluster))
  .check_fit_setup(nrow(Y), inducing)  # R/checks.R
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
  .check_data_scale(Y, vbar, sds, bayesian)
  if (bayesian) {
    if (!is.null(miss)) {
      stop("'Y' must not contain NA with 'bayesian = TRUE': the Bayesian ",
           "GP-LVM does not take missing values yet", call. = FALSE)
    }
    return(.gplvm_bayes(Y, Yc, q, kernel, init, noise, fixed, method, maxit,
                        reltol, trace, inducing, vbar, restarts, prune, prev,
                        list(center = center, sds = sds, scale = scale,
                             call = call), back))
  }
  default_kernel <- is.null(kernel)
  if (default_kernel) {
    kernel <- kern_rbf(variance = vbar, lengthscale = 1)
  }
  if (is.null(inducing)) .check_kernel(kernel, q)
  else .check_sparse_kernel(kernel, q)
  noise <- if (is.null(noise)) 0.1 * vbar else .check_positive(noise, "noise")
  theta <- kern_params(kernel)
  if (is.null(fixed)) fixed <- if (default_kernel) "lengthscale"
  fixed <- .check_fixed(fixed, c(names(theta), "noise"))
  if (noise_prior == 0 && !"noise" %in% fixed) .stop_duplicates(Yc)
  # a continued fit starts where it ended, whatever its values
  start <- if (is.null(prev)) .start_hyper(kernel, noise, fixed, vbar)
           else list(kernel = kernel, noise = noise)

  model <- list(Y = Yc, kernel = start$kernel, noise = start$noise,
                fixed = fixed, prior = prior, q = q, trace = trace,
                approx = approx, noise_prior = noise_prior * vbar,
                method = method, maxit = maxit, reltol = reltol,
                missing = miss,
                latent = .back_map(back$kind, Yc, q, back$control),
                cluster = cluster)
  # the PCA start of data with gaps: after rank-q SVD imputation
  Yinit <- if (is.null(miss)) Yc else .svd_impute(Yc, q)
  if (!is.null(miss)) .warn_patterns(miss, sparse = !is.null(inducing))
  fits <- vector("list", restarts)
  for (r in seq_len(restarts)) {
    w0 <- NULL
    if (r == 1L && !is.null(prev)) {
      X0 <- unname(prev$X)
      # the same mapping continues from its fitted weights
      if (identical(model$latent$control, prev$latent$control) &&
          back$kind == .back_kind(prev)) w0 <- prev$latent$par
    } else {
      X0 <- .init_latent(if (r == 1L) init else "random", Yinit, q,
                         init_sd)
      .check_latent_start(X0, model$kernel, init, init_sd)
    }
    rownames(X0) <- rownames(Y)
    Z0 <- .init_inducing(inducing, X0)
    fits[[r]] <- if (is.null(mb)) .fit_once(model, X0, Z0, w0)
                 else .fit_minibatch(model, X0, Z0, mb$batch_size, mb$epochs)
  }
  out <- .best_fit(fits)
  out$center <- center
  out$scale <- if (scale) sds
  out$noise_prior <- noise_prior
  out$call <- call
  out
}

`%||%` <- function(a, b) if (is.null(a)) b else a

# One fit from latent start X0 (and inducing start Z0): the objective, the
# check of the start, the optimiser, the fitted object.  Returns
# list(fit, warnings) so that restarts warn only about the fit they keep.
.fit_once <- function(model, X0, Z0, w0 = NULL) {
  m <- model
  progress <- .progress_line(.progress_enabled(m$trace))
  on.exit(progress$done())
  cluster <- if (!is.null(m$cluster)) .cluster_evaluator(m$cluster, m$Y)
  if (!is.null(cluster)) on.exit(cluster$close(), add = TRUE)
  obj <- .gplvm_objective(m$Y, m$kernel, m$noise, m$fixed, m$prior, m$q,
                          m$trace, Z0, m$approx, m$noise_prior, m$method,
                          progress$update, m$missing, m$latent, cluster)
  theta <- kern_params(m$kernel)
  par0 <- unname(c(w0 %||% obj$latent$start(X0), Z0, log(theta[obj$free]),
                   if (!"noise" %in% m$fixed) log(m$noise),
                   obj$prior$start()))
  first <- tryCatch(obj$eval(par0), error = function(e) e)
  if (inherits(first, "error")) {
    stop(sprintf(paste("the model cannot be evaluated at the starting",
                       "values (%s); change 'kernel', 'noise' or 'init'"),
                 conditionMessage(first)), call. = FALSE)
  }
  start <- proc.time()[["elapsed"]]
  opt <- .optimise(obj, par0, m$method, m$maxit, m$reltol)
  time <- proc.time()[["elapsed"]] - start
  best <- obj$eval(opt$par)
  opt$max_gradient <- max(abs(best$grad))
  opt$failed <- obj$n_failed()
  fit <- .new_gplvm(obj, best, opt, Y = m$Y, X0 = X0,
                    ll0 = first$loglik, fixed = m$fixed,
                    method = m$method, time = time, Z0 = Z0,
                    approx = m$approx, missing = m$missing)
  list(fit = fit, warnings = .fit_warnings(obj, opt,
                                                 if (best$jittered) best$jitter
                                                 else 0))
}

# The warnings a fit ends with: jitter in the fitted covariance, failed evaluations that stopped the
# optimiser, no convergence.
.fit_warnings <- function(obj, opt, final_jitter) {
  w <- character()
  # jitter at trial points the optimiser left behind does not matter
  if (final_jitter > 0) {
    w <- c(w, sprintf(paste("the fitted covariance matrix needed jitter %.3g",
                            "on its diagonal (jitter was added in %d of %d",
                            "evaluations)"), final_jitter,
                      obj$jitter_count(), obj$n_eval()))
  }
  if (opt$convergence == 99L) {
    w <- c(w, sprintf(paste("the optimiser stopped with an error (%s) after",
                            "%d failed evaluations; the fit is the best",
                            "point found, not converged: continue it with",
                            "gplvm(Y, init = fit) or try another 'method'"),
                      opt$message, obj$n_failed()))
  } else if (opt$convergence != 0L) {
    w <- c(w, sprintf(paste("the optimiser did not converge (code %d: %s);",
                            "continue the fit with gplvm(Y, init = fit) or",
                            "give a larger 'maxit'"),
                      opt$convergence, opt$message))
  }
  w
}

# Starting hyperparameters the optimiser can move from: a free variance
# (of a stationary, bias or white part) or noise more than 1e6 times away
# from the data's mean column variance vbar is moved to that bound, with a
# message; a fixed noise that small, with no white part, is refused.
# Returns list(kernel, noise).
.start_hyper <- function(kernel, noise, fixed, vbar) {
  theta <- kern_params(kernel)
  parts <- .kernel_parts(kernel)
  type <- rep(vapply(parts, `[[`, "", "type"),
              vapply(parts, function(p) length(unlist(p$params)), 1L))
  value <- c(theta, noise = noise)
  scaled <- c(grepl("variance", names(theta)) & type != "linear", TRUE)
  lo <- 1e-6 * vbar
  hi <- 1e6 * vbar
  if ("noise" %in% fixed && noise < lo && !"white" %in% type) {
    stop(sprintf(paste("'noise' is fixed at %.3g, more than 1e6 times below",
                       "the mean column variance of 'Y' (%.3g): the",
                       "covariance matrix is then numerically singular; fix",
                       "a larger noise, add kern_white(), or let the noise",
                       "be fitted"), noise, vbar), call. = FALSE)
  }
  bad <- scaled & !names(value) %in% fixed & (value < lo | value > hi)
  if (any(bad)) {
    new <- pmin(pmax(value[bad], lo), hi)
    message(sprintf(paste("starting %s %s more than 1e6 times %s the mean",
                          "column variance of 'Y' (%.3g): the optimiser",
                          "could not move %s; starting at %s instead (name",
                          "%s in 'fixed' to keep %s)"),
                    paste(names(value)[bad], collapse = ", "),
                    if (sum(bad) > 1L) "are" else "is",
                    if (all(value[bad] < lo)) "below"
                    else if (all(value[bad] > hi)) "above" else "away from",
                    vbar, if (sum(bad) > 1L) "them" else "it",
                    paste(format(new, digits = 3), collapse = ", "),
                    if (sum(bad) > 1L) "them" else "it",
                    if (sum(bad) > 1L) "them" else "it"))
    value[bad] <- new
  }
  kern_params(kernel) <- value[seq_along(theta)]
  list(kernel = kernel, noise = value[["noise"]])
}

# Refuses starting latent positions the optimiser cannot move from: not
# finite, or spread so far below or above the kernel's lengthscales that
# the kernel is constant or diagonal.
.check_latent_start <- function(X0, kernel, init, init_sd) {
  arg <- if (is.character(init)) {
    sprintf("'init_sd' = %.3g", init_sd)
  } else "'init'"
  if (!all(is.finite(X0)) || !is.finite(sum(X0^2))) {
    stop(sprintf(paste("%s makes the starting latent positions overflow;",
                       "use starting positions on the scale of the",
                       "kernel's lengthscale (1 for the default kernel)"),
                 arg), call. = FALSE)
  }
  stationary <- Filter(function(p) !is.null(p$params$lengthscale),
                       .kernel_parts(kernel))
  if (!length(stationary)) return(invisible())
  spread <- sqrt(colMeans(sweep(X0, 2L, colMeans(X0))^2))
  ls <- .per_dim(stationary[[1L]]$params$lengthscale, ncol(X0))
  ratio <- max(spread / ls)
  # the lengthscale further from 1 than the start's spread is to blame
  l <- ls[which.max(spread / ls)]
  if (!(ratio >= 1e-4 && ratio <= 1e3) &&
      abs(log(l)) > abs(log(max(spread)))) {
    stop(sprintf(paste("'kernel' has lengthscale %.3g, which puts the",
                       "starting latent positions (spread %.3g) at %.3g",
                       "lengthscales, where the optimiser cannot move",
                       "them; give it a lengthscale between %.3g and %.3g"),
                 l, max(spread), ratio, max(spread) / 1e3,
                 max(spread) * 1e4), call. = FALSE)
  }
  if (!(ratio >= 1e-4 && ratio <= 1e3)) {
    stop(sprintf(paste("%s starts the latent positions at %.3g times the",
                       "kernel's lengthscale, where the optimiser cannot",
                       "move them; start them between 1e-4 and 1e3",
                       "lengthscales (the default kernel's lengthscale",
                       "is 1)"), arg, ratio), call. = FALSE)
  }
  invisible()
}

# With no noise prior and a free noise, exact duplicate rows of Y make the
# likelihood unbounded (their latent positions meet and the noise tends to
# 0): stop, naming the rows.
.stop_duplicates <- function(Y) {
  dup <- which(duplicated(Y))
  if (!length(dup)) return(invisible())
  first <- match(data.frame(t(Y[dup, , drop = FALSE])), data.frame(t(Y)))
  pairs <- sprintf("%d = %d", first, dup)
  stop(sprintf(paste("'Y' has duplicated rows (%s%s): with 'noise_prior' = 0",
                     "and a free noise the likelihood has no maximum; set",
                     "'noise_prior' > 0, fix the noise, or remove them"),
               paste(pairs[seq_len(min(10L, length(pairs)))], collapse = ", "),
               if (length(pairs) > 10L) ", ..." else ""), call. = FALSE)
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
    stop(paste("'init' must be \"pca\", \"random\", a numeric matrix or a",
               "fit by gplvm()"), call. = FALSE)
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

# The objective of the fit (see ?gplvm, "The objective"), to be minimised:
# closures sharing one cached C evaluation.  eval(par) returns list(loglik,
# logprior, logprior_noise, objective, grad, kernel, noise, X, Z, jitter)
# with grad the gradient of the objective (to be maximised) in par.  With
# inducing inputs Z0 (else NULL) the sparse objective, evaluated across a
# cluster when `cluster` is an evaluator from .cluster_evaluator().
# noise_prior is the
# absolute scale b of the noise prior (0: none).  par is c(w, Z, log free
# kernel parameters, [log noise], eta): `latent` maps w to X (NULL: w is X)
# and `prior` (TRUE, FALSE or a prior object) has its own parameters eta;
# see R/latent.R.  fn evaluates the value
# alone for CG, whose trial points mostly need no gradient, and fn_value
# always (SCG chooses between them); a
# vector at which the model cannot be evaluated gives fn a value that the
# optimiser backs off from (Inf, or for L-BFGS-B, which needs finite
# values, one far above the best so far) and gr the best point's gradient.
.gplvm_objective <- function(Y, kernel, noise, fixed, prior, q, trace,
                             Z0 = NULL, approx = "vfe", noise_prior = 0,
                             method = "L-BFGS-B", progress = NULL,
                             missing = NULL, latent = NULL, cluster = NULL) {
  n <- nrow(Y)
  d <- ncol(Y)
  # A factor C with C C' = Y Y', computed once: makes each evaluation
  # O(N^3) instead of O(N^2 D) when D > N.
  Yf <- if (d > n && is.null(missing)) .gram_factor(Y) else Y
  pats <- if (!is.null(missing)) .pattern_data(Y, missing)  # R/missing.R
  theta <- kern_params(kernel)
  free <- !names(theta) %in% fixed
  fit_noise <- !"noise" %in% fixed
  map <- if (is.null(latent)) .latent_free(n, q) else latent  # R/latent.R
  xprior <- .as_latent_prior(prior)
  nx <- map$npar
  m <- if (is.null(Z0)) 0L else nrow(Z0)
  nz <- m * q
  value_only <- method == "CG"   # SCG chooses per step (see .scg())
  cache <- .objective_cache()  # R/optimise.R

  nhyper <- sum(free) + fit_noise
  unpack <- function(par) {
    w <- par[seq_len(nx)]
    th <- theta
    Z <- if (m > 0L) matrix(par[nx + seq_len(nz)], m, q)
    th[free] <- exp(par[nx + nz + seq_len(sum(free))])
    s2 <- if (fit_noise) exp(par[[nx + nz + nhyper]]) else noise
    eta <- par[nx + nz + nhyper + seq_len(xprior$npar)]
    if (!all(is.finite(c(th, s2)) & c(th, s2) > 0)) {
      stop("a kernel parameter or the noise under- or overflowed",
           call. = FALSE)
    }
    k <- kernel
    kern_params(k) <- th
    list(X = map$X(w), Z = Z, kernel = k, noise = s2, theta = th, w = w,
         eta = eta)
  }
  # the priors' log densities and their gradients in X and in s2
  priors <- function(u) {
    px <- xprior$logp(u$X, u$eta)
    pn <- if (noise_prior > 0) .log_prior_noise(u$noise, noise_prior)
          else list(value = 0, grad = 0)
    list(x = px, noise = pn)
  }
  # one N x N buffer for the whole fit, not a fresh one per evaluation
  workspace <- if (m == 0L) .loglik_workspace()
  loglik <- function(u, gradient) {
    if (!is.null(pats)) {
      .loglik_missing(pats, u$X, u$kernel, u$noise, gradient, u$Z, approx,
                      workspace)
    } else if (!is.null(cluster)) {  # R/cluster.R
      cluster$loglik(u$X, u$Z, u$kernel, u$noise, approx, gradient, d)
    } else if (m > 0L) {
      .loglik_sparse_c(Yf, u$X, u$Z, u$kernel, u$noise, approx, gradient,
                       ndim = d)
    } else {
      .loglik_c(Yf, u$X, u$kernel, u$noise, gradient, ndim = d,
                workspace = workspace)
    }
  }
  # jitter beyond what the model itself adds (the sparse model's is part
  # of its objective)
  jittered <- function(r) if (m > 0L) r$retries > 0L else r$jitter > 0
  count <- function(r, value) {
    cache$n_eval <- cache$n_eval + 1L
    if (jittered(r)) {
      cache$jitter_n <- cache$jitter_n + 1L
      cache$jitter_max <- max(cache$jitter_max, r$jitter)
    }
    if (!is.null(progress)) progress(cache$n_eval, value)
  }
  eval <- function(par) {
    if (identical(par, cache$par)) return(cache$res)
    u <- unpack(par)
    r <- loglik(u, TRUE)
    p <- priors(u)
    obj <- r$loglik + p$x$value + p$noise$value
    gX <- r$X + p$x$X
    g <- unname(c(map$pullback(u$w, gX), r$inducing,
                  (r$kernel * u$theta)[free],
                  if (fit_noise) (r$noise + p$noise$grad) * u$noise,
                  p$x$eta))
    count(r, obj)
    .trace_eval(trace, cache$n_eval, "loglik", r$loglik, g, cache$start,
                NULL)
    res <- c(u, list(loglik = r$loglik, logprior = p$x$value,
                     logprior_noise = p$noise$value, objective = obj,
                     grad = g, jitter = r$jitter, jitters = r$jitters,
                     jittered = jittered(r)))
    cache$par <- par
    cache$res <- res
    if (-obj < cache$best$value) cache$best <- list(par = par, value = -obj,
                                                    grad = -g)
    res
  }
  value <- function(par) {
    if (identical(par, cache$par)) return(-cache$res$objective)
    if (identical(par, cache$value_par)) return(cache$value)
    u <- unpack(par)
    r <- loglik(u, FALSE)
    p <- priors(u)
    obj <- r$loglik + p$x$value + p$noise$value
    count(r, obj)
    cache$value_par <- par
    cache$value <- -obj
    if (-obj < cache$best$value) cache$best <- list(par = par, value = -obj,
                                                    grad = NULL)
    -obj
  }
  failed <- function(e) {
    .stop_unless_numerical(e)
    cache$n_failed <- cache$n_failed + 1L
    NULL
  }
  fn_of <- function(value_only) function(par) {
    f <- tryCatch(if (value_only) value(par) else -eval(par)$objective,
                  error = failed)
    if (is.null(f) || !is.finite(f)) {
      if (method != "L-BFGS-B") return(Inf)
      b <- cache$best$value
      return(b + 1e3 * (1 + abs(b)))
    }
    f
  }
  gr <- function(par) {
    r <- tryCatch(eval(par), error = failed)
    if (!is.null(r)) return(-r$grad)
    b <- cache$best
    if (is.null(b$grad)) b$grad <- -eval(b$par)$grad
    b$grad
  }
  list(eval = eval, free = free, workspace = workspace, latent = map,
       prior = xprior,
       fn = fn_of(value_only),
       fn_value = fn_of(TRUE), gr = gr,
       best = function() cache$best[c("par", "value")],
       n_eval = function() cache$n_eval,
       n_failed = function() cache$n_failed,
       jitter_count = function() cache$jitter_n,
       jitter_max = function() cache$jitter_max)
}

# Square factor C (N x N) with C C' = Y Y', from the QR decomposition of Y'.
.gram_factor <- function(Y) {
  qrY <- qr(t(Y))
  C <- matrix(0, nrow(Y), nrow(Y))
  C[qrY$pivot, ] <- t(qr.R(qrY))[, seq_len(nrow(Y)), drop = FALSE]
  C
}

# The one constructor of "gplvm" objects (gplvm() adds center, scale,
# noise_prior, restarts and call).
.new_gplvm <- function(obj, best, opt, Y, X0, ll0, fixed, method,
                       time, Z0 = NULL, approx = NULL, missing = NULL) {
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
    logprior_noise = best$logprior_noise, objective = best$objective,
    X_init = X0, loglik_init = ll0,
    center = NULL, scale = NULL,
    Y = Y, alpha = alpha, chol = R,
    prior = obj$prior$kind == "gaussian", fixed = fixed,
    latent = .fitted_latent(obj$latent, best$w),  # R/latent.R
    latent_prior = c(obj$prior, list(par = best$eta)),
    df = length(opt$par), nobs = nrow(X),
    optim = list(method = method, convergence = opt$convergence,
                 message = opt$message, counts = opt$counts,
                 evaluations = obj$n_eval(), runs = opt$runs,
                 failed = obj$n_failed(), max_gradient = opt$max_gradient,
                 jitter_count = obj$jitter_count()),
    time = time, call = NULL), sparse), class = "gplvm")
}
