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
#' and the fit has converged (`optim$convergence == 0`) when two such fresh
#' starts in a row each improve the objective by at most `10 * reltol`
#' relative (one is not enough: a fresh start can stop after a few short
#' steps).  All the
#' runs share the budget of `maxit` iterations (large sparse fits: see
#' [gplvm-scaling]).  A fit that is not converged (code 1: `maxit` reached; code 99: the optimiser stopped with
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
#' A fit longer than two seconds shows a progress line (evaluations,
#' objective, elapsed time, time left until `maxit` at most), updated in
#' place in an interactive session and written to standard error every
#' 120 seconds elsewhere (`options(gplvm.progress.every = )`);
#' `options(gplvm.progress = FALSE)` turns it off, `TRUE` gives the line
#' outside interactive sessions; it never appears with `trace > 0`.
#'
#'
#' @param Y Numeric matrix or data frame of numeric columns, N by D (N >= 2),
#'   possibly with missing (`NA`) entries (see Missing values in [gplvm-models]).
#'   Row names carry through to the latent matrix.
#' @param q Latent dimension, an integer between 1 and `min(dim(Y))`.
#' @param kernel A kernel (see [kernels]) whose parameters are the starting
#'   values; `NULL` gives the default described in "The default model".
#' @param init `"pca"`, `"spectral"` (Laplacian eigenmaps of the
#'   15-nearest-neighbour graph of the rows, scaled to standard deviation
#'   `init_sd`), `"random"` (normal with standard deviation
#'   `init_sd`), a numeric N by `q` matrix of starting latent positions
#'   (used as given), or a fit of the same data by `gplvm()`, which is
#'   continued: its latent positions, kernel, noise and (for a sparse fit)
#'   inducing inputs are the starting values, and its `q`, `scale`,
#'   `prior`, `noise_prior`, `fixed`, `approx`, `kernel`, `noise` and
#'   `inducing` are used unless given; arguments given win (`inducing =
#'   NULL` continues a sparse fit as an exact one).  A fit of other data,
#'   or `bayesian` other than the fit's kind, is refused: give `init =
#'   fit$X` to start another model from its latent positions.
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
#' @param reltol Relative convergence tolerance on the objective; `NULL`
#'   gives 1e-5 (1e-6 with a non-Gaussian `likelihood` or
#'   `bayesian = TRUE`): the picture has settled, the objective may be a few
#'   percent short of its maximum; give 1e-8 to compare fits by likelihood.
#'   L-BFGS-B gets `factr = reltol / .Machine$double.eps`; SCG stops, as
#'   Netlab's `scg.m`, when a step changes the objective by less than
#'   `reltol` times its size and no parameter by more than `sqrt(reltol)`.
#' @param trace `0` for silence; a positive integer `k` prints the
#'   evaluation count, the log-likelihood, the gradient norm and the elapsed
#'   time every `k` evaluations.
#' @param init_sd Standard deviation of each starting latent dimension for
#'   `init = "pca"` and `"random"`, in the units of `X` (lengthscales, with
#'   the default kernel).
#' @param inducing `"auto"` (the default) chooses by the number of rows N:
#'   the exact model up to 500 rows (`options(gplvm.exact_max = )` moves
#'   the threshold), above that the sparse model (`approx`, VFE by default)
#'   with M = 80 inducing inputs (64 from 10000 rows, sqrt(N) / 2 past
#'   16900), with a message saying so; for `bayesian = TRUE`, M = min(N,
#'   50).  `NULL` fits the exact model at any N; a number M (1 to N) of
#'   inducing inputs, or an M by `q` matrix of them, the sparse model.
#' @param approx The sparse approximation, `"vfe"` (default), `"fitc"` or
#'   `"dtc"`; see [gplvm_loglik()].  Ignored without `inducing`.
#' @param noise_prior The scale of the inverse-gamma prior on the noise
#'   variance, relative to the mean column variance of the centred data
#'   (see "The objective" in [gplvm-models]), for every model (with
#'   `bayesian = TRUE` it is added to the bound), at most \eqn{10^6}; `0`
#'   switches the prior off.
#' @param restarts Number of starts: the first from `init`, the second
#'   from the spectral start (`init = "spectral"`), the others from the
#'   PCA start with each column weighted by a random factor
#'   \eqn{e^{z}}{exp(z)}, \eqn{z \sim N(0, 0.5^2)}{z ~ N(0, 0.5^2)}, plus
#'   a small jitter; with `bayesian = TRUE` every start is `init`'s (PCA
#'   after `init = fit`) with new k-means inducing inputs, and without
#'   `restarts` or `init = fit` a second start follows if a dimension in
#'   use ends below twice the `prune` cut unswitched.  The best objective
#'   wins; `restarts` holds every start's.
#' @param bayesian If `TRUE`, fit the Bayesian GP-LVM instead (see
#'   [gplvm-models]); `inducing` then defaults to `min(N, 50)`.  With a
#'   generous `q` it finds how many latent dimensions the data need, with
#'   the uncertainty of each point; for a two-dimensional picture fit
#'   `q = 2` (see "Which fit to draw" in [gplvm-models]).
#' @param prune With `bayesian = TRUE`: `TRUE` (relevance cutoff 0.01,
#'   the one [print.bgplvm()] counts used dimensions by), a cutoff between
#'   0 and 1, or `FALSE`.  During the optimisation, latent dimensions
#'   whose ARD relevance falls below the cutoff are switched off, unless
#'   the bound then ends lower (see "Bayesian GP-LVM" in [gplvm-models]);
#'   `fit$pruning` lists the switches.  Ignored otherwise.
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
#'       and noise variance (`NULL` with a non-Gaussian `likelihood`,
#'       which has none).}
#'     \item{`loglik`, `logprior`, `logprior_noise`, `objective`}{the
#'       log-likelihood \eqn{\log p(Y \mid X, \theta)}{log p(Y | X,
#'       theta)} without the priors (for a sparse or Bayesian fit the bound
#'       or approximation maximised), the log prior of `X` (0 without
#'       prior; with `dynamics` the dynamics term), the log prior of the
#'       noise (0 without), and their sum, the maximised value;
#'       `loglik_init` is `loglik` at the start.}
#'     \item{`optim`}{the optimiser's report: `method`, `reltol`,
#'       `convergence` (0: converged; see "Convergence"), `message`,
#'       `counts`, `evaluations`, `runs`, `failed`, `max_gradient`,
#'       `jitter_count`; and the field `time`, the wall time in seconds.}
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
                  reltol = NULL, trace = 0, init_sd = 1, inducing = "auto",
                  approx = c("vfe", "fitc", "dtc"), noise_prior = 0.1,
                  restarts = 1, bayesian = FALSE, prune = TRUE,
                  back = c("none", "kernel", "mlp"), back_control = list(),
                  dynamics = NULL, sequence = NULL, cluster = NULL,
                  batch_size = NULL, epochs = NULL,
                  likelihood = c("gaussian", "bernoulli", "poisson",
                                 "negbin"), link = NULL) {
  call <- match.call()
  .check_full_names(sys.call(), gplvm, "gplvm")  # R/checks.R
  if (missing(likelihood) && inherits(init, "ngplvm")) {
    likelihood <- init$likelihood  # a continued fit keeps its likelihood
    if (missing(link)) link <- init$link
  }
  lik <- .check_likelihood(likelihood, link)  # R/nongaussian.R
  gaussian <- lik$likelihood == "gaussian"
  Y <- .nongaussian_data(Y, lik$likelihood)
  Y <- .as_numeric_matrix(Y, "Y", allow_data_frame = TRUE, min_rows = 2L,
                          allow_na = TRUE)
  miss <- .missing_patterns(Y)  # NULL without NA entries; R/missing.R
  prev <- NULL
  if (inherits(init, "gplvm")) {
    # continue a fit: its settings unless given here (given ones win)
    prev <- .check_gplvm(init, "init")
    .check_same_data(prev, Y)
    # the arguments that give its data term and latent term back
    # (R/data_term.R, R/gpdm.R)
    was <- .data_fit_args(.fit_data_term(prev))
    was_bayes <- was$bayesian
    if (missing(bayesian)) bayesian <- was_bayes
    if (!identical(bayesian, was_bayes)) {
      stop(sprintf(paste("'bayesian' is %s, but 'init' is %s Bayesian fit;",
                         "to start a %sBayesian fit from its latent",
                         "positions give 'init = fit$X'"), bayesian,
                   if (was_bayes) "a" else "not a",
                   if (was_bayes) "non-" else ""), call. = FALSE)
    }
    if (missing(q)) q <- ncol(prev$X)
    if (missing(scale)) scale <- !is.null(prev$scale)
    if (missing(prior)) prior <- prev$prior
    if (missing(fixed)) fixed <- prev$fixed
    if (missing(noise_prior)) noise_prior <- prev$noise_prior %||% 0
    if (missing(approx)) approx <- was$approx %||% approx
    if (missing(kernel)) kernel <- prev$kernel
    if (missing(noise)) noise <- prev$noise
    if (missing(inducing)) inducing <- prev$inducing
    if (missing(back)) back <- .back_kind(prev)
    if (missing(back_control) && identical(back, .back_kind(prev))) {
      back_control <- prev$latent$control %||% list()
    }
    lat <- .latent_fit_args(.fit_latent_term(prev), prev)
    if (missing(dynamics)) {
      dynamics <- lat$dynamics
      if (missing(sequence)) sequence <- lat$sequence
    }
  }
  q <- .check_count(q, "q", hi = min(dim(Y)))
  bayesian <- .check_flag(bayesian, "bayesian")
  # "auto": the sparse model past .exact_max() rows (R/sparse.R); a
  # non-Gaussian likelihood is always sparse, with 20 by default
  inducing <- .resolve_inducing(inducing, nrow(Y), bayesian,
                                always = if (!gaussian) 20L)
  if (!is.null(prev) && q != ncol(prev$X)) {
    stop(sprintf("'q' must be %d, the latent dimension of 'init'",
                 ncol(prev$X)), call. = FALSE)
  }
  if (!gaussian && !isFALSE(scale)) {
    stop(sprintf("'scale' must be FALSE with likelihood \"%s\"",
                 lik$likelihood), call. = FALSE)
  }
  if (missing(scale) && gaussian) .warn_column_scales(Y)
  scale <- .check_flag(scale, "scale")
  prior <- .check_flag(prior, "prior")
  method <- .check_choice(method, eval(formals(gplvm)$method), "method",
                         "optimisers that use the gradient")
  maxit <- .check_count(maxit, "maxit")
  # NULL: the data term's default (.data_defaults(), R/data_term.R)
  if (!is.null(reltol)) reltol <- .check_positive(reltol, "reltol")
  trace <- .check_count(trace, "trace", lo = 0L)
  init_sd <- .check_positive(init_sd, "init_sd")
  approx <- .check_approx(approx)
  # not given: a second start when the dimensions are in doubt (below)
  restarts_given <- !missing(restarts)
  restarts <- .check_count(restarts, "restarts")
  prune <- .check_prune(prune)  # R/bayes.R
  back <- .check_back(back, back_control)  # R/back.R
  # the one check of which parts combine: R/compat.R
  .check_combination(.parts_used(inducing, approx, bayesian, back$kind,
                                 dynamics, miss, batch_size, cluster,
                                 lik$likelihood))
  # TRUE, FALSE or the GP dynamics prior: R/gpdm.R
  prior <- .dynamics_prior(dynamics, sequence, prior, nrow(Y), q)
  noise_prior <- .check_noise_prior(noise_prior)

  cluster <- .check_cluster(cluster)
  mb <- .check_minibatch(batch_size, epochs, nrow(Y))
  if (.no_variation(Y)) {
    stop("'Y' has no variation: every column is constant", call. = FALSE)
  }
  # a non-Gaussian likelihood sees Y as given
  center <- if (gaussian) colMeans(Y, na.rm = TRUE)
            else stats::setNames(numeric(ncol(Y)), colnames(Y))
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
  # the PCA start of data with gaps: after rank-q SVD imputation
  Yinit <- .svd_impute(Yc, q)  # R/missing.R: Yc itself when complete
  # the data term and what it gives by default (R/data_term.R)
  term <- .data_term_of(inducing, approx, bayesian, nrow(Y), lik, ncol(Y))
  inducing <- inducing %||% term$m
  .check_fit_setup(nrow(Y), inducing)  # R/checks.R
  def <- .data_defaults(term, Yinit, q, vbar)
  reltol <- reltol %||% def$reltol
  if (is.null(kernel)) {
    kernel <- def$kernel
    if (is.null(fixed)) fixed <- def$fixed
  }
  .data_check_kernel(term, kernel, q)
  noise <- .check_positive(noise %||% def$noise, "noise")
  fixed <- .check_fixed(fixed, c(names(kern_params(kernel)), "noise"))
  if (!gaussian) fixed <- union(fixed, "noise")  # the model has none
  if (!gaussian) noise_prior <- 0
  if (noise_prior == 0 && !"noise" %in% fixed) .stop_duplicates(Yc)
  # a continued fit starts where it ended, whatever its values
  start <- if (is.null(prev)) .start_hyper(kernel, noise, fixed, vbar)
           else list(kernel = kernel, noise = noise)

  model <- list(Y = Yc, kernel = start$kernel, noise = start$noise,
                fixed = fixed, prior = def$prior %||% prior,
                q = q, trace = trace, data = term,
                noise_prior = noise_prior * vbar,
                method = method, maxit = maxit, reltol = reltol,
                missing = if (!.data_capabilities(term)$skips_na) miss,
                # with missing values the map reads the imputed data
                latent = .back_map(back$kind, Yinit, q, back$control),
                cluster = cluster,
                # a first phase on the latent positions alone (the
                # Bayesian model's warm-up)
                warm = def$warm,
                # the term's (R/precondition.R, .data_defaults())
                precondition = def$precondition)
  .data_warn_patterns(term, model$missing)  # R/data_term.R
  # a full-batch fit from a start, pruned during the optimisation where
  # the term asks for it (R/bayes.R); minibatch training is its warm start
  pruned <- def$prune && prune > 0
  fit_full <- function(m, st) {
    if (pruned) .bayes_prune(m, st, prune) else .fit_once(m, st)
  }
  fit_from <- function(m, st) {
    if (is.null(mb)) return(fit_full(m, st))
    .fit_minibatch(m, st$X, st$Z, mb$batch_size, mb$epochs, st[["w"]], st$S,
                   fit_full)
  }
  # `restarts` not given: a pruned fit whose number of dimensions is in
  # doubt gets a second start (R/bayes.R); a continued fit continues only
  doubt <- pruned && !restarts_given && is.null(prev)
  fits <- list()
  r <- 0L
  while (r < restarts) {
    r <- r + 1L
    if (r == 1L && !is.null(prev)) {
      # the same mapping continues from its fitted weights
      same <- identical(model$latent$control, prev$latent$control) &&
        back$kind == .back_kind(prev)
      s <- list(X = unname(prev$X), S = unname(prev$X_var),
                w = if (same) prev$latent$par, warm = FALSE)
      # the fit's inducing inputs with the term's own fitted values
      # beyond them (R/data_term.R), unless others (or none) are given
      s$Z <- if (identical(inducing, prev$inducing)) {
        .data_fitted_inducing(term, prev)
      } else .init_inducing(inducing, s$X)
    } else {
      s <- .data_start(term, if (r == 1L) init
                             else .data_restart(term, r, init, prev, Yinit,
                                                q, init_sd),
                       Yinit, q, init_sd)  # R/start.R
      .check_latent_start(s$X, model$kernel, init, init_sd)
      s$Z <- .init_inducing(inducing, s$X)
    }
    s$X <- unname(s$X)
    dimnames(s$X) <- list(rownames(Y), paste0("X", seq_len(q)))
    fits[[r]] <- fit_from(model, s)
    if (doubt && r == 1L && .dims_in_doubt(fits[[1L]]$fit, prune)) {
      restarts <- 2L
    }
  }
  out <- .best_fit(fits)
  out$center <- center
  out$scale <- if (scale) sds
  out$noise_prior <- noise_prior
  out$call <- call
  out
}

`%||%` <- function(a, b) if (is.null(a)) b else a

# Refuses to continue fit `prev` on data Y other than its own: its data as
# given are its centred (scaled) data with the centring and scaling undone,
# the same entries missing.
.check_same_data <- function(prev, Y) {
  if (!identical(dim(prev$Y), dim(Y))) {
    stop(sprintf("'init' is a fit of %d x %d data, but 'Y' is %d x %d",
                 nrow(prev$Y), ncol(prev$Y), nrow(Y), ncol(Y)),
         call. = FALSE)
  }
  own <- .unscale(prev, prev$Y)  # R/methods.R
  same <- identical(unname(is.na(own)), unname(is.na(Y))) &&
    isTRUE(all.equal(unname(own[!is.na(own)]), unname(Y[!is.na(Y)]),
                     tolerance = 1e-10))
  if (!same) {
    stop(paste("'init' is a fit of other data than 'Y' (of the same shape);",
               "to start from its latent positions give 'init = fit$X'"),
         call. = FALSE)
  }
}

# One fit from `start` (X, and as the model needs S (variances of q(X)),
# Z (inducing inputs), w (the latent map's weights; else fitted to X by its
# start()), warm): the objective, the check of the start, the optimiser,
# the fitted object.  With `start$warm` and model$warm > 0 (the Bayesian
# model) a warm-up first optimises the latent and data-term parameters
# alone, the kernel and the noise held (model$warm evaluations, as the
# vargplvm toolbox initialises the variational distribution: a poor start
# then does not drive the hyperparameters); its evaluations count towards
# `maxit`.  Returns list(fit, warnings) so that restarts warn only about
# the fit they keep.
.fit_once <- function(model, start) {
  m <- model
  progress <- .progress_line(.progress_enabled(m$trace), limit = m$maxit)
  on.exit(progress$done())
  cluster <- if (!is.null(m$cluster)) {
    .cluster_evaluator(m$cluster, m$Y, miss = m$missing, term = m$data)
  }
  if (!is.null(cluster)) on.exit(cluster$close(), add = TRUE)
  objective <- function(kernel, fixed, counted = 0L) {
    .gplvm_objective(m$Y, kernel, m$noise, fixed, m$prior, m$q, m$trace,
                     noise_prior = m$noise_prior, method = m$method,
                     progress = progress$update, missing = m$missing,
                     latent = m$latent, cluster = cluster, data = m$data,
                     counted = counted)
  }
  kernel <- m$kernel
  w <- start[["w"]]  # not start$w: that would match start$warm
  S <- start$S
  Z <- start$Z
  used <- 0L
  failed <- 0L
  ll0 <- NULL
  time <- proc.time()[["elapsed"]]
  if (isTRUE(start$warm) && m$warm > 0L) {
    warm <- objective(kernel, c(names(kern_params(kernel)), "noise"))
    par0 <- warm$par(start$X, Z, kernel, m$noise, w, S)
    ll0 <- .start_eval(warm, par0)$loglik
    opt0 <- .optimise(warm, par0, m$method, min(m$warm, m$maxit), m$reltol)
    used <- warm$n_eval()
    failed <- warm$n_failed()
    u <- warm$eval(opt0$par)
    w <- u$w
    S <- u$S
    Z <- u$Z
  }
  obj <- objective(kernel, m$fixed, used)
  par1 <- obj$par(start$X, Z, kernel, m$noise, w, S)
  first <- .start_eval(obj, par1)
  ll0 <- ll0 %||% first$loglik
  # (a cluster that fails here fails again in .optimise(), which ends the
  # fit at its best point with a warning)
  sc <- if (identical(m$precondition, "hyper")) {
    tryCatch(.precondition_scales(obj, par1, obj$hyper),
             gplvm_cluster_error = function(e) NULL)
  }
  opt <- if (is.null(sc)) {
    .optimise(obj, par1, m$method, max(m$maxit - used, 1L), m$reltol)
  } else {
    o <- .optimise(.preconditioned(obj, sc), par1 / sc, m$method,
                   max(m$maxit - used, 1L), m$reltol)
    o$par <- o$par * sc
    o
  }
  time <- proc.time()[["elapsed"]] - time
  best <- obj$eval(opt$par)
  opt$max_gradient <- max(abs(best$grad))
  opt$evaluations <- used + obj$n_eval()
  opt$failed <- failed + obj$n_failed()
  fit <- .new_gplvm(obj, best, opt, m, start, ll0, time)
  list(fit = fit, warnings = .fit_warnings(obj, opt,
                                           if (best$jittered) best$jitter
                                           else 0))
}

# The first evaluation of a fit.  Only a numerical failure of the model
# (a "gplvm_numerical_error") is the starting values' fault; any other
# error (a size or memory limit, a bad option, a failed cluster) is
# signalled as it is.
.start_eval <- function(obj, par) {
  tryCatch(obj$eval(par), gplvm_numerical_error = function(e) {
    stop(sprintf(paste("the model cannot be evaluated at the starting",
                       "values (%s); change 'kernel', 'noise' or 'init'"),
                 conditionMessage(e)), call. = FALSE)
  })
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
  type <- .param_types(kernel)  # R/gpdm.R
  value <- c(theta, noise = noise)
  scaled <- c(.scale_params(kernel), TRUE)  # R/kernels.R
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
      !init %in% c("pca", "spectral", "random")) {
    stop(paste("'init' must be \"pca\", \"spectral\", \"random\", a numeric",
               "matrix or a fit by gplvm()"), call. = FALSE)
  }
  if (init == "random") return(matrix(stats::rnorm(n * q, sd = sd), n, q))
  if (init == "spectral") return(.spectral_start(Y, q) * sd)  # R/start.R
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
# closures sharing one cached evaluation.  It joins the parts' slices of
# par = c(w, data term's own (the inducing inputs), log free kernel
# parameters, [log noise], eta):
#   the latent map `latent` (R/latent.R; NULL: free positions) gives X
#     from w, and for a variational data term also the variances S of
#     q(X) (it is then wrapped in .latent_variational());
#   the data term `data` (R/data_term.R; NULL: exact, or sparse with
#     approx when inducing inputs Z0 are given) gives its value and
#     gradient, per missingness pattern when `missing` is given, across a
#     cluster when `cluster` is an evaluator of .cluster_evaluator();
#   the latent term `prior` (TRUE, FALSE or a prior object of
#     R/latent.R) its log density in X (and S) and its parameters eta;
#   the hyperparameter prior (the noise prior of absolute scale
#     noise_prior, 0: none) its log density in the noise.
# eval(par) returns list(loglik, logprior, logprior_noise, objective,
# grad, kernel, noise, X, S, Z, w, eta, jitter, jitters, jittered) with
# grad the gradient of the objective (to be maximised) in par; loglik
# includes a latent term that is part of the bound (the KL term).  fn
# evaluates the value alone for CG, whose trial points mostly need no
# gradient, and fn_value always (SCG chooses between them); a vector at
# which the model cannot be evaluated (a "gplvm_numerical_error") gives fn
# a value that the optimiser backs off from (Inf, or for L-BFGS-B, which
# needs finite values, one far above the best so far) and gr the best
# point's gradient.  `counted` evaluations came before (a warm-up), for
# the trace.
.gplvm_objective <- function(Y, kernel, noise, fixed, prior, q, trace = 0L,
                             Z0 = NULL, approx = "vfe", noise_prior = 0,
                             method = "L-BFGS-B", progress = NULL,
                             missing = NULL, latent = NULL, cluster = NULL,
                             data = NULL, counted = 0L) {
  n <- nrow(Y)
  d <- ncol(Y)
  term <- data %||% .data_term_of(Z0, approx, FALSE, n)
  prep <- .data_prepare(term, Y, missing, cluster)  # R/data_term.R
  theta <- kern_params(kernel)
  set_params <- .kernel_setter(kernel)  # R/kernels.R
  free <- !names(theta) %in% fixed
  fit_noise <- !"noise" %in% fixed
  map <- latent %||% .latent_free(n, q)  # R/latent.R
  variational <- .data_capabilities(term)$variational
  if (variational) map <- .latent_variational(map)
  xprior <- .as_latent_prior(prior)
  nx <- map$npar
  nz <- .data_npar(term, n, q)
  m <- nz / q
  value_only <- method == "CG"   # SCG chooses per step (see .scg())
  cache <- .objective_cache()  # R/optimise.R
  label <- if (isTRUE(xprior$bound)) "bound" else "loglik"

  nhyper <- sum(free) + fit_noise
  unpack <- function(par) {
    w <- par[seq_len(nx)]
    wmap <- if (variational) w[seq_len(map$inner$npar)] else w
    th <- theta
    Z <- if (nz > 0L) .data_unpack(term, par[nx + seq_len(nz)], q)
    th[free] <- exp(par[nx + nz + seq_len(sum(free))])
    s2 <- if (fit_noise) exp(par[[nx + nz + nhyper]]) else noise
    eta <- par[nx + nz + nhyper + seq_len(xprior$npar)]
    X <- map$X(w)
    S <- if (variational) map$S(w)
    if (!all(is.finite(c(th, s2)) & c(th, s2) > 0) ||
        !all(is.finite(X)) || (variational && !all(is.finite(S) & S > 0))) {
      .stop_numerical(paste("a kernel parameter, the noise or a latent",
                            "position or variance under- or overflowed"))
    }
    list(X = X, S = S, Z = Z, kernel = set_params(th), noise = s2,
         theta = th, w = wmap, eta = eta)
  }
  # the latent term and the hyperparameter prior (the noise prior)
  priors <- function(u) {
    px <- if (variational) xprior$logp(u$X, u$eta, u$S)
          else xprior$logp(u$X, u$eta)
    pn <- if (noise_prior > 0) .log_prior_noise(u$noise, noise_prior)
          else list(value = 0, grad = 0)
    list(x = px, noise = pn)
  }
  evaluate <- function(u, gradient) {
    r <- .data_eval(prep, u$X, u$S, u$Z, u$kernel, u$noise, gradient)
    p <- priors(u)
    bound <- isTRUE(xprior$bound)
    r$loglik <- r$value + if (bound) p$x$value else 0
    r$logprior <- if (bound) 0 else p$x$value
    r$objective <- r$value + p$x$value + p$noise$value
    r$priors <- p
    r
  }
  count <- function(r) {
    cache$n_eval <- cache$n_eval + 1L
    if (r$jittered) {
      cache$jitter_n <- cache$jitter_n + 1L
      cache$jitter_max <- max(cache$jitter_max, r$jitter)
    }
  }
  eval <- function(par) {
    if (identical(par, cache$par)) return(cache$res)
    u <- unpack(par)
    r <- evaluate(u, TRUE)
    p <- r$priors
    gX <- r$X + p$x$X
    w <- par[seq_len(nx)]
    g <- unname(c(if (variational) map$pullback(w, gX, r$S + p$x$S)
                  else map$pullback(w, gX),
                  r$Z, (r$kernel * u$theta)[free],
                  if (fit_noise) (r$noise + p$noise$grad) * u$noise,
                  p$x$eta))
    count(r)
    .trace_eval(trace, counted + cache$n_eval, label, r$loglik, g,
                cache$start, progress)
    res <- c(u, list(loglik = r$loglik, logprior = r$logprior,
                     logprior_noise = p$noise$value, objective = r$objective,
                     grad = g, jitter = r$jitter, jitters = r$jitters,
                     jittered = r$jittered))
    cache$par <- par
    cache$res <- res
    if (-r$objective < cache$best$value) {
      cache$best <- list(par = par, value = -r$objective, grad = -g)
    }
    res
  }
  value <- function(par) {
    if (identical(par, cache$par)) return(-cache$res$objective)
    if (identical(par, cache$value_par)) return(cache$value)
    r <- evaluate(unpack(par), FALSE)
    count(r)
    if (!is.null(progress)) progress(counted + cache$n_eval, r$objective)
    cache$value_par <- par
    cache$value <- -r$objective
    if (-r$objective < cache$best$value) {
      cache$best <- list(par = par, value = -r$objective, grad = NULL)
    }
    -r$objective
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
  list(eval = eval, unpack = unpack, free = free, fit_noise = fit_noise,
       term = term,
       prep = prep, workspace = prep$workspace, latent = map,
       prior = xprior,
       # where the hyperparameters sit in the vector (R/precondition.R)
       hyper = nx + nz + seq_len(nhyper),
       # the optimised vector at a start (S0: variances of q(X))
       par = function(X0, Z0 = NULL, kernel, noise, w0 = NULL, S0 = NULL) {
         w <- if (variational) c(w0 %||% map$inner$start(X0), log(S0))
              else w0 %||% map$start(X0)
         unname(c(w, .data_par_start(term, Z0, Y, X0, kernel),
                  log(kern_params(kernel)[free]),
                  if (fit_noise) log(noise), xprior$start()))
       },
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

# The one constructor of fitted objects (gplvm() adds center, scale,
# noise_prior, restarts and call): `obj` the objective of the final
# optimisation, `best` its evaluation at the end, `opt` the result of
# .optimise() with evaluations and failed counted over the whole fit,
# `model` the model list of gplvm(), `start` the start of .fit_once().  The
# fit holds descriptors (the data term, the latent map's kind, settings
# and weights) and fitted values, no functions.  A variational data term
# gives class c("bgplvm", "gplvm"), with the variances of q(X) in X_var.
.new_gplvm <- function(obj, best, opt, model, start, ll0, time) {
  term <- obj$term
  q <- ncol(best$X)
  names <- list(rownames(start$X), paste0("X", seq_len(q)))
  X <- best$X
  dimnames(X) <- names
  # the variances of q(X) of a variational term
  variational <- .data_capabilities(term)$variational
  S <- if (variational) `dimnames<-`(best$S, names)
  Y <- model$Y
  post <- .data_posterior(term, Y, X, S, best$Z, best$kernel, best$noise,
                          best$jitter, obj$workspace)  # R/data_term.R
  # the term's own fields (inducing inputs, approx, Cfac; none: exact)
  own <- .data_fit_fields(term, best, start, post)  # R/data_term.R
  # with missing values each column from its observed rows (R/missing.R)
  mf <- .missing_fit(model$missing, best, term, Y, X, S, own$inducing,
                     post$alpha)
  alpha <- mf$alpha
  missing <- mf$missing
  structure(c(list(
    X = X, X_var = S, kernel = best$kernel,
    noise = if (.data_has_noise(term)) best$noise,  # R/data_term.R
    loglik = best$loglik, logprior = best$logprior,
    logprior_noise = best$logprior_noise, objective = best$objective,
    X_init = start$X, X_var_init = start$S, loglik_init = ll0,
    center = NULL, scale = NULL,
    Y = Y, alpha = alpha, chol = post$chol,
    data_term = term,
    prior = obj$prior$kind == "gaussian", fixed = model$fixed,
    latent = .fitted_latent(obj$latent, best$w),  # R/latent.R
    latent_prior = .fitted_prior(obj$prior, best$eta),  # R/latent.R
    df = length(opt$par), nobs = nrow(X),
    optim = list(method = model$method, reltol = model$reltol,
                 convergence = opt$convergence,
                 message = opt$message, counts = opt$counts,
                 evaluations = opt$evaluations, runs = opt$runs,
                 failed = opt$failed, max_gradient = opt$max_gradient,
                 jitter_count = obj$jitter_count()),
    time = time, call = NULL),
    own, list(missing = missing), post$fields),
    class = c(if (variational) "bgplvm", .data_fit_class(term), "gplvm"))
}
