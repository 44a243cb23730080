# Data terms: how Y is explained given the latent inputs.
#
# HOW TO ADD A DATA TERM (for example another likelihood or bound):
#
# 1. src/<name>.c: one C engine returning the value and its gradient in
#    every input (X, [X_var], [inducing], kernel, noise) and its .Call
#    wrapper; declare the wrapper in src/calls.h and register it in the
#    CALLDEF table of src/init.c.
# 2. R/<name>.R: a call wrapper `.loglik_<name>_c()` that turns the
#    engine's status codes into conditions (.stop_on_status(): numerical
#    failures get class "gplvm_numerical_error"), the term's posterior
#    (what predict needs) and its gplvm_loglik() (checks of its arguments,
#    the value with its named gradient attribute).
# 3. Here: a constructor `.data_<name>(settings)` returning
#    .new_data_term("<name>", settings), the argument of gplvm() that asks
#    for it in .data_term_of() (and of gplvm_loglik() in .loglik_term()),
#    its case in .data_capabilities() and in .valid_data_term(), its rows
#    in R/compat.R where it does not combine, and methods for class
#    "gplvm_data_<name>" of
#      .data_engine(term, Y, ndim, X, S, Z, kernel, noise, gradient, ws)
#                                      value and gradient: list(value, X,
#                                      S, Z, kernel, noise, jitter,
#                                      jittered);
#      .data_posterior(term, Y, X, S, Z, kernel, noise, jitter, ws)
#                                      the fitted posterior's fields
#                                      (alpha, and chol or Cfac);
#      .data_describe(term)            print()'s and summary()'s labels:
#                                      list(model, value, likelihood);
#      .data_loglik(term, ...)         gplvm_loglik() for the term;
#      .data_loglik_args(term, fit)    the arguments of gplvm_loglik()
#                                      that give a fit's term back
#                                      (gplvm_check_gradient());
#    and, where the defaults for "gplvm_data" (a term with m inducing
#    inputs, a posterior on them, point latent positions) do not fit, of
#      .data_npar, .data_names         its own parameters (the inducing
#                                      inputs: m * q);
#      .data_defaults, .data_check_kernel, .data_start   gplvm()'s
#                                      defaults, kernel check and start;
#      .data_project                   predict(newdata =);
#      .data_fit_posterior             the fit's posterior as an object of
#                                      R/posterior.R: class "chol" (on the
#                                      latent positions) or "projected"
#                                      (on the inducing inputs), or a new
#                                      class with that file's methods
#                                      (.post_explained, .post_times_inverse,
#                                      .post_factor; .post_mean,
#                                      .post_variance and .post_metric then
#                                      work as they are);
#      .data_relevance, .data_cat_relevance   relevance of the latent
#                                      dimensions (summary, screeplot, plot);
#      .data_latent_var, .data_inducing   variances of q(X) and inducing
#                                      inputs the plots draw (NULL: none);
#      .data_check_fields              .check_gplvm()'s checks of the
#                                      fields holding its posterior;
#      .data_has_noise                 whether the fit holds a noise
#                                      variance (FALSE: a likelihood
#                                      without one);
#      .data_scale_limit, .data_check_size   the data it can fit;
#      .cluster_point, .cluster_pass1, .cluster_global, .cluster_pass2
#                                      evaluation across a cluster: the
#                                      steps of R/cluster.R's map-reduce;
#      .data_unpack, .data_par_start   a term that owns parameters
#                                      besides the inducing inputs (the
#                                      engine's Z is then what .data_unpack
#                                      makes of the term's slice, and its
#                                      gradient `Z` the slice's);
#      .data_fit_class                 a class for the fit, before "gplvm",
#                                      whose S3 methods then serve it;
#      .data_fit_fields                the fields the fit keeps besides
#                                      those every fit has (inducing
#                                      inputs, approx, Cfac);
#      .data_fit_args                  the gplvm() arguments that give the
#                                      term back when a fit is continued;
#      .data_fitted_inducing           a continued fit's start beyond its
#                                      inducing inputs;
#      .data_warn_patterns             a warning when many missingness
#                                      patterns make it slow.
#    A posterior may return `fields`, a list the fit keeps.
#    predict(), plot(), the magnification factors, imputation, print(),
#    summary(), anova() and the checks call only these: none of them tests
#    which term a fit uses.  Missing values wrap any term (.data_eval()
#    here, .missing_wrap() in R/missing.R for the posterior).
# 4. tests/testthat/test-<name>.R: the engine against a plain-R reference,
#    the composed objective's gradient (.gplvm_objective(..., data =
#    .data_<name>(...))$gr) against fd_gradient() of its fn
#    (helper-gradients.R), the posterior's mean and variance against a
#    plain-R reference, and a converged fit.
# That is six files: src/<name>.c, src/calls.h, src/init.c, R/<name>.R,
# this file and the test file; a seventh, R/compat.R, if some pair of
# parts does not combine with it; R/fit.R if gplvm() needs a new argument
# to ask for it (as `likelihood` does).

# A term is a small classed list of settings (no functions, no data), so
# a fit stores it and a saved fit reloads in a new session.  At fit time
# .data_prepare() joins it with the data (and a workspace); missing values
# are a wrapper (.data_eval() evaluates a term once per missingness
# pattern on the rows observed there), not a branch in the objective.
#
# Parameters a term owns enter the optimised vector after the latent
# map's: c(w, <term's>, log free kernel parameters, [log noise], eta).
# The variances of q(X) of the Bayesian model belong to its latent
# parameterisation (.latent_variational in R/latent.R), so that the same
# term serves every parameterisation; S is NULL for the others.

.new_data_term <- function(kind, settings = list()) {
  structure(c(list(kind = kind), settings),
            class = c(paste0("gplvm_data_", kind), "gplvm_data"))
}

# The exact GP likelihood (DESIGN.md).
.data_exact <- function() .new_data_term("exact")

# A sparse approximation with m inducing inputs: approx "vfe", "fitc" or
# "dtc" (R/sparse.R).
.data_sparse <- function(approx, m) {
  .new_data_term("sparse", list(approx = approx, m = as.integer(m)))
}

# The Bayesian GP-LVM's psi-statistics bound with m inducing inputs
# (R/bayes.R), without its KL term, which is a latent term
# (.prior_kl in R/latent.R): the C engine's bound plus KL.
.data_bayes <- function(m) .new_data_term("bayes", list(m = as.integer(m)))

# The term that the arguments of gplvm() ask for: a non-Gaussian
# likelihood with `lik` (list(likelihood, link), R/nongaussian.R; d
# columns), the Bayesian bound with `bayesian` (min(n, 50) inducing
# inputs unless given), a sparse approximation with `inducing` (a count or
# a matrix), else the exact likelihood.
.data_term_of <- function(inducing, approx, bayesian, n, lik = NULL,
                          d = NULL) {
  if (!is.null(lik) && lik$likelihood != "gaussian") {
    return(.data_nongaussian(lik$likelihood, lik$link,
                             .inducing_count(inducing, n), d))
  }
  if (bayesian) {
    return(.data_bayes(.inducing_count(inducing %||% min(n, 50L), n)))
  }
  if (is.null(inducing)) .data_exact()
  else .data_sparse(approx, .inducing_count(inducing, n))  # R/sparse.R
}

# What a term gives a fit of centred data Y (with missing entries imputed)
# by default: the kernel when none is given and the parameters `fixed`
# then holds, the starting noise (from vbar, the mean column variance),
# the latent term it brings (NULL: gplvm()'s `prior`), the evaluations of
# the warm-up of .fit_once() (0: none), whether pruning applies and the
# optimiser's relative tolerance `reltol`: 1e-5 took 0.38 to 0.84 of
# 1e-6's evaluations (which took 0.35 to 0.75 of 1e-8's) with about as
# many 1-NN errors and held-out reconstruction errors, for a median
# objective 3.6% lower to 2.1% higher (bench/levers.md, section 7); the
# Bayesian fits 1e-6: on the oil data 0.59 to 0.70 of 1e-8's evaluations,
# with the same switches and dimensions and a bound 0.1 to 0.3% lower
# (bench/bayes_cost.md).  And
# `precondition`, how .fit_once() scales the parameters (R/precondition.R).
.data_defaults <- function(term, Y, q, vbar) UseMethod(".data_defaults")
.data_defaults.gplvm_data <- function(term, Y, q, vbar) {
  list(kernel = kern_rbf(variance = vbar, lengthscale = 1),
       fixed = "lengthscale", noise = 0.1 * vbar, prior = NULL, warm = 0L,
       prune = FALSE, reltol = 1e-5, precondition = "none")
}
.data_defaults.gplvm_data_sparse <- function(term, Y, q, vbar) {
  # past .exact_max() rows, the log-hyperparameters scaled by their
  # curvature: on 2000 diamonds rows 0.41 of the evaluations, and the
  # variance no longer runs away at 5000 and 20000 (bench/levers.md); no
  # gain on small exact fits, where the curvatures differ less
  def <- NextMethod()
  if (nrow(Y) > .exact_max()) def$precondition <- "hyper"
  def
}
.data_defaults.gplvm_data_bayes <- function(term, Y, q, vbar) {
  # the RBF variance is held at vbar: free, on the oil flow data it grew
  # to 400 to 1400 times vbar, where the bound is computed only to about 1
  # unit and the optimiser stalls there (bench/bayes.md)
  list(kernel = .bayes_default_kernel(Y, q, vbar), fixed = "rbf.variance",
       noise = .bayes_noise_start * vbar, prior = .prior_kl(),
       warm = .bayes_warm_iters, prune = TRUE, reltol = 1e-6,
       precondition = "none")  # R/bayes.R
}

# Checks that `kernel` works with the term (q latent dimensions).
.data_check_kernel <- function(term, kernel, q) {
  UseMethod(".data_check_kernel")
}
.data_check_kernel.gplvm_data_exact <- function(term, kernel, q) {
  .check_kernel(kernel, q)
}
.data_check_kernel.gplvm_data_sparse <- function(term, kernel, q) {
  .check_sparse_kernel(kernel, q)
}
.data_check_kernel.gplvm_data_bayes <- function(term, kernel, q) {
  .check_psi_kernel(kernel, q)
}

# A fresh start of a fit: list(X, [S], warm) from `init` ("pca", "random"
# or a matrix) on the data Y.
.data_start <- function(term, init, Y, q, init_sd) UseMethod(".data_start")
.data_start.gplvm_data <- function(term, init, Y, q, init_sd) {
  list(X = .init_latent(init, Y, q, init_sd), warm = FALSE)  # R/fit.R
}
.data_start.gplvm_data_bayes <- function(term, init, Y, q, init_sd) {
  .bayes_start(init, Y, q)  # R/bayes.R
}

# The start of restart r >= 2 of gplvm(restarts =) (its `init` argument;
# `prev` the fit it continues, or NULL): for most terms .restart_start()
# (R/start.R).  A Bayesian fit starts again from `init`, only the k-means
# draw of its inducing inputs new: on the oil data the spectral and
# reweighted PCA starts ended at bounds of 5437 to 7016, far below the
# PCA start's 6985 to 7714 over nine draws of the inducing inputs, whose
# bound ranks their pictures (bench/bayes_cost.md, sessions 8 and 9).
.data_restart <- function(term, r, init, prev, Y, q, init_sd) {
  UseMethod(".data_restart")
}
.data_restart.gplvm_data <- function(term, r, init, prev, Y, q, init_sd) {
  .restart_start(r, Y, q, init_sd)
}
.data_restart.gplvm_data_bayes <- function(term, r, init, prev, Y, q,
                                           init_sd) {
  if (is.null(prev)) init else "pca"
}

# The term a fit uses: from the fields every fit has.
.fit_data_term <- function(fit) {
  if (!is.null(fit$data_term)) return(fit$data_term)
  if (is.null(fit$inducing)) return(.data_exact())
  if (inherits(fit, "bgplvm")) return(.data_bayes(nrow(fit$inducing)))
  .data_sparse(fit$approx, nrow(fit$inducing))
}

# The arguments of gplvm() that give the term back when a fit is
# continued: `bayesian`, and `approx` (NULL: the argument's default).
.data_fit_args <- function(term) UseMethod(".data_fit_args")
.data_fit_args.gplvm_data <- function(term) list(bayesian = FALSE)
.data_fit_args.gplvm_data_sparse <- function(term) {
  list(bayesian = FALSE, approx = term$approx)
}
.data_fit_args.gplvm_data_bayes <- function(term) list(bayesian = TRUE)

# For .check_gplvm(): the fit's data term (absent in fits made before
# terms existed) is one of the terms, and agrees with the fit's fields.
.valid_data_term <- function(fit) {
  term <- fit$data_term
  if (is.null(term)) return(TRUE)
  if (!inherits(term, "gplvm_data") || !is.list(term) ||
      !identical(class(term)[1L], paste0("gplvm_data_", term$kind))) {
    return(FALSE)
  }
  Z <- fit$inducing
  switch(term$kind,
         exact = is.null(Z) && !inherits(fit, "bgplvm"),
         sparse = identical(term$m, NROW(Z)) && !inherits(fit, "bgplvm") &&
           identical(term$approx, fit$approx),
         bayes = identical(term$m, NROW(Z)) && inherits(fit, "bgplvm"),
         nongaussian = identical(term$m, NROW(Z)) && inherits(fit, "ngplvm"),
         FALSE)
}

# What each term is: `variational` when it integrates over q(X) (its
# latent parameters are means and variances, R/latent.R); `skips_na` when
# its engine leaves NA entries out itself (no blocks per missingness
# pattern).  Which other parts a term combines with is R/compat.R's table
# alone, not a second list here.
.data_capabilities <- function(term) {
  list(variational = identical(term$kind, "bayes"),
       skips_na = identical(term$kind, "nongaussian"))
}

# The engine's Z from the term's slice p of the optimised vector (q
# latent dimensions), and the slice at a start from inducing inputs Z0
# (for data Y, latent positions X0 and the kernel).
.data_unpack <- function(term, p, q) UseMethod(".data_unpack")
.data_unpack.gplvm_data <- function(term, p, q) matrix(p, length(p) / q, q)
.data_par_start <- function(term, Z0, Y, X0, kernel) {
  UseMethod(".data_par_start")
}
.data_par_start.gplvm_data <- function(term, Z0, Y, X0, kernel) Z0
.data_par_start.gplvm_data_exact <- function(term, Z0, Y, X0, kernel) NULL

# The fields a fit of the term holds besides those every fit has, from
# the end `best` and the start of .fit_once() and the term's posterior
# `post`: a term with inducing inputs keeps them (fitted and at the
# start), its approximation and the posterior's factor Cfac.
.data_fit_fields <- function(term, best, start, post) {
  UseMethod(".data_fit_fields")
}
.data_fit_fields.gplvm_data_exact <- function(term, best, start, post) {
  list()
}
.data_fit_fields.gplvm_data <- function(term, best, start, post) {
  Z <- best$Z
  list(inducing = matrix(Z, nrow(Z),
                         dimnames = list(NULL, paste0("X", seq_len(ncol(Z))))),
       inducing_init = matrix(start$Z, nrow(start$Z)),
       approx = term$approx %||% "vfe", Cfac = post$Cfac)
}

# The inducing inputs of `fit` as the start of its continuation, with
# (as attributes) any fitted values of the term beyond them.
.data_fitted_inducing <- function(term, fit) {
  UseMethod(".data_fitted_inducing")
}
.data_fitted_inducing.gplvm_data <- function(term, fit) fit$inducing

# The warning of a term that is slow with many missingness patterns
# (`miss`: those of gplvm()'s model, NULL without any).
.data_warn_patterns <- function(term, miss) UseMethod(".data_warn_patterns")
.data_warn_patterns.gplvm_data <- function(term, miss) invisible()
.data_warn_patterns.gplvm_data_exact <- function(term, miss) {
  .warn_patterns(miss, sparse = FALSE)  # R/missing.R
}

# A class the fit gets before "gplvm" (NULL: none).
.data_fit_class <- function(term) UseMethod(".data_fit_class")
.data_fit_class.gplvm_data <- function(term) NULL

# ---- generics ----

.data_npar <- function(term, n, q) UseMethod(".data_npar")
.data_names <- function(term, n, q) UseMethod(".data_names")
.data_engine <- function(term, Y, ndim, X, S, Z, kernel, noise, gradient,
                         ws = NULL) {
  UseMethod(".data_engine")
}
.data_posterior <- function(term, Y, X, S, Z, kernel, noise, jitter,
                            ws = NULL) {
  UseMethod(".data_posterior")
}

.data_npar.gplvm_data_exact <- function(term, n, q) 0L
.data_npar.gplvm_data <- function(term, n, q) term$m * q
.data_names.gplvm_data_exact <- function(term, n, q) character()
.data_names.gplvm_data <- function(term, n, q) {
  sprintf("Z[%d,%d]", rep(seq_len(term$m), q), rep(seq_len(q), each = term$m))
}

.data_engine.gplvm_data_exact <- function(term, Y, ndim, X, S, Z, kernel,
                                          noise, gradient, ws = NULL) {
  r <- .loglik_c(Y, X, kernel, noise, gradient, ndim = ndim, workspace = ws)
  # Y: the gradient in the data (R/likelihood.R reports it)
  list(value = r$loglik, X = r$X, Z = NULL, kernel = r$kernel,
       noise = r$noise, jitter = r$jitter, jittered = r$jitter > 0, Y = r$Y)
}

.data_engine.gplvm_data_sparse <- function(term, Y, ndim, X, S, Z, kernel,
                                           noise, gradient, ws = NULL) {
  r <- .loglik_sparse_c(Y, X, Z, kernel, noise, term$approx, gradient,
                        ndim = ndim, workspace = ws)
  # the jitter on k(Z, Z) is part of the model; only retries count
  list(value = r$loglik, X = r$X, Z = r$inducing, kernel = r$kernel,
       noise = r$noise, jitter = r$jitter, jittered = r$retries > 0L)
}

.data_engine.gplvm_data_bayes <- function(term, Y, ndim, X, S, Z, kernel,
                                          noise, gradient, ws = NULL) {
  # the dimensions pruning has switched off are left out (R/bayes.R)
  r <- .loglik_bayes_on(Y, X, S, Z, kernel, noise, gradient, ndim)
  .bayes_add_kl(list(value = r$bound, X = r$X, S = r$X_var, Z = r$inducing,
                     kernel = r$kernel, noise = r$noise, jitter = r$jitter,
                     jittered = r$retries > 0L), X, S, gradient)
}

# The engine's bound (and gradient in X and S) with KL(q(X) || N(0, I))
# added back: the KL term is a latent term (.prior_kl, R/latent.R).
.bayes_add_kl <- function(r, X, S, gradient) {
  kl <- .kl_unit(X, S)
  r$value <- r$value + kl$value
  if (gradient) {
    r$X <- r$X + kl$X
    r$S <- r$S + kl$S
  }
  r
}

# KL(q(X) || N(0, I)) = 1/2 sum(mu^2 + S - log S - 1) and its gradient.
.kl_unit <- function(X, S) {
  list(value = 0.5 * sum(X^2 + S - log(S) - 1), X = X, S = 0.5 * (1 - 1 / S))
}

.data_posterior.gplvm_data_exact <- function(term, Y, X, S, Z, kernel, noise,
                                             jitter, ws = NULL) {
  .exact_posterior(Y, X, kernel, noise, jitter, ws)
}
.data_posterior.gplvm_data_sparse <- function(term, Y, X, S, Z, kernel,
                                              noise, jitter, ws = NULL) {
  if (!is.null(ws)) .workspace_free(ws)  # the fit's evaluations are done
  c(.sparse_posterior(Y, X, Z, kernel, noise, term$approx, jitter),
    list(chol = NULL))
}
.data_posterior.gplvm_data_bayes <- function(term, Y, X, S, Z, kernel, noise,
                                             jitter, ws = NULL) {
  c(.bayes_posterior(Y, X, S, Z, kernel, noise, jitter), list(chol = NULL))
}

# The posterior of a fitted model (R/posterior.R) from its fields: on the
# latent positions with the Cholesky factor of an exact fit, on the
# inducing inputs with Cfac otherwise.
.data_fit_posterior <- function(term, object) {
  UseMethod(".data_fit_posterior")
}
.data_fit_posterior.gplvm_data_exact <- function(term, object) {
  .new_posterior("chol", object$X, object$alpha, object$chol, object$kernel)
}
.data_fit_posterior.gplvm_data <- function(term, object) {
  .new_posterior("projected", object$inducing, object$alpha, object$Cfac,
                 object$kernel)
}

# Latent positions of new centred, scaled rows Ys for predict(newdata =):
# the mapping's values X0 of a back-constrained fit unless `refine`, else
# optimised (R/predict.R); q(x*) for the Bayesian model (R/bayes.R).
.data_project <- function(term, object, Ys, maxit, rn, X0, refine) {
  UseMethod(".data_project")
}
.data_project.gplvm_data <- function(term, object, Ys, maxit, rn, X0,
                                     refine) {
  if (!is.null(X0) && !refine) return(X0)
  .project(object, Ys, maxit, rn, X0)
}
.data_project.gplvm_data_bayes <- function(term, object, Ys, maxit, rn, X0,
                                           refine) {
  p <- .infer_latent(object, Ys, maxit, rn, X0, refine)  # R/bayes.R
  structure(p$X, X_var = p$X_var)  # a matrix, for points()
}

# ---- evaluation with the data ----

# The term joined with the model's data Y (centred, scaled; NA where
# missing) for a fit: each missingness pattern's block (`miss` from
# .missing_patterns(), NULL for complete data) and, for the exact term on
# complete data with D > N, a square factor C with C C' = Y Y', computed
# once (each evaluation is then O(N^3), not O(N^2 D)), unless `gram` is
# FALSE (the engine's gradient in the data is then that in Y); a workspace
# for the exact and sparse terms (their N x N or N x M matrices).
# `cluster`: an evaluator of R/cluster.R, which then evaluates the term.
# Returns list(term, blocks, workspace, cluster).
.data_prepare <- function(term, Y, miss = NULL, cluster = NULL, gram = TRUE) {
  # the size limit names Y's rows, not a pattern's (R/likelihood.R)
  if (inherits(term, "gplvm_data_exact")) .check_exact_size(nrow(Y))
  blocks <- if (is.null(miss) || .data_capabilities(term)$skips_na) {
    Yf <- if (gram && inherits(term, "gplvm_data_exact") &&
              ncol(Y) > nrow(Y)) {
      .gram_factor(Y)
    } else Y
    list(list(rows = NULL, Y = Yf, ndim = ncol(Y)))
  } else {
    .pattern_data(Y, miss)  # R/missing.R
  }
  list(term = term, blocks = blocks, cluster = cluster,
       workspace = if (inherits(term, c("gplvm_data_exact",
                                        "gplvm_data_sparse"))) {
         .loglik_workspace()  # R/likelihood.R
       })
}

# One evaluation of a prepared term: the value and gradient summed over
# its blocks (one per missingness pattern; each sees its observed rows of
# X and S), the latent gradients added back into the rows they came
# from.  `jitter` is the largest a block needed, `jitters` one per block.
.data_eval <- function(prep, X, S, Z, kernel, noise, gradient) {
  term <- prep$term
  if (!is.null(prep$cluster)) {  # R/cluster.R
    return(prep$cluster$eval(term, X, S, Z, kernel, noise, gradient))
  }
  blocks <- prep$blocks
  if (length(blocks) == 1L && is.null(blocks[[1L]]$rows)) {
    b <- blocks[[1L]]
    r <- .data_engine(term, b$Y, b$ndim, X, S, Z, kernel, noise, gradient,
                      prep$workspace)
    r$jitters <- r$jitter
    return(r)
  }
  out <- list(value = 0, X = if (gradient) matrix(0, nrow(X), ncol(X)),
              S = if (gradient && !is.null(S)) matrix(0, nrow(X), ncol(X)),
              Z = if (gradient && !is.null(Z)) 0, kernel = 0, noise = 0,
              jitters = numeric(length(blocks)), jittered = FALSE)
  for (i in seq_along(blocks)) {
    b <- blocks[[i]]
    rows <- b$rows
    r <- .data_engine(term, b$Y, b$ndim, X[rows, , drop = FALSE],
                      if (!is.null(S)) S[rows, , drop = FALSE], Z, kernel,
                      noise, gradient, prep$workspace)
    out$value <- out$value + r$value
    out$jitters[i] <- r$jitter
    out$jittered <- out$jittered || r$jittered
    if (gradient) {
      out$X[rows, ] <- out$X[rows, , drop = FALSE] + r$X
      if (!is.null(S)) out$S[rows, ] <- out$S[rows, , drop = FALSE] + r$S
      if (!is.null(Z)) out$Z <- out$Z + r$Z
      out$kernel <- out$kernel + r$kernel
      out$noise <- out$noise + r$noise
    }
  }
  out$jitter <- max(out$jitters)
  out
}

# ---- what the rest of the package asks a term ----
#
# print(), summary(), plot(), predict(), gplvm_loglik() and the checks ask
# the fit's term (.fit_data_term()) through these, so that none of them
# tests which term a fit uses.

# Labels for print() and summary(): `model`, the line that names the term
# (NULL: none, the exact model), `value`, what the fitted value is, and
# `likelihood`: TRUE when it is the exact log-likelihood (anova() gives
# chi-squared probabilities for those alone).
.data_describe <- function(term) UseMethod(".data_describe")
.data_describe.gplvm_data_exact <- function(term) {
  list(model = NULL, value = "Log-likelihood:", likelihood = TRUE)
}
.data_describe.gplvm_data_sparse <- function(term) {
  list(model = sprintf("Sparse: %s with %d inducing inputs",
                       c(vfe = "variational bound (VFE)", fitc = "FITC",
                         dtc = "DTC")[[term$approx]], term$m),
       value = if (term$approx == "vfe") "Log-likelihood bound:"
               else "Approximate log-likelihood:",
       likelihood = FALSE)
}
.data_describe.gplvm_data_bayes <- function(term) {
  list(model = sprintf("Bayesian GP-LVM: q(X) with %d inducing inputs",
                       term$m),
       value = "Lower bound on log p(Y):", likelihood = FALSE)
}

# The relevance of each latent dimension of `fit` (1 = most relevant) as
# summary(), screeplot() and plot() show it: `value`, `label` (the axis
# title of screeplot()) and `used`, the dimensions in use (NULL: the term
# does not switch dimensions off; plot() then does not choose by it).
.data_relevance <- function(term, fit) UseMethod(".data_relevance")
.data_relevance.gplvm_data <- function(term, fit) {
  list(value = .spread_relevance(fit), label = "Relevance",  # R/methods.R
       used = NULL)
}
.data_relevance.gplvm_data_bayes <- function(term, fit) {
  rel <- .ard_relevance(fit)  # R/bayes.R
  list(value = rel, label = "ARD relevance",
       used = which(rel >= .relevance_cutoff))
}

# summary()'s lines on the relevance `rel`; `pruning` the fit's trials of
# switching dimensions off (R/bayes.R), if any.
.data_cat_relevance <- function(term, rel, pruning) {
  UseMethod(".data_cat_relevance")
}
.data_cat_relevance.gplvm_data <- function(term, rel, pruning) {
  cat("Latent dimension relevance (1 = most relevant):\n")
  print(round(rel, 4L))
}
.data_cat_relevance.gplvm_data_bayes <- function(term, rel, pruning) {
  .cat_relevance(rel, pruning)  # R/bayes.R
}

# The variances of q(X) of `fit` (NULL: its latent positions are points),
# for plot(uncertainty = TRUE) and as.data.frame(): by default those the
# fit holds (its latent parameterisation's, R/latent.R).
.data_latent_var <- function(term, fit) UseMethod(".data_latent_var")
.data_latent_var.gplvm_data <- function(term, fit) {
  V <- fit$X_var
  if (is.matrix(V) && identical(dim(V), dim(fit$X))) V
}

# The inducing inputs of `fit` (NULL: the term has none), for plot().
.data_inducing <- function(term, fit) UseMethod(".data_inducing")
.data_inducing.gplvm_data <- function(term, fit) fit$inducing
.data_inducing.gplvm_data_exact <- function(term, fit) NULL

# The term that gplvm_loglik()'s arguments ask for: the Bayesian bound
# with `X_var`, a sparse approximation with `inducing`, else the exact
# likelihood (unchecked: .data_loglik() checks them, naming them).
.loglik_term <- function(inducing, approx, X_var) {
  if (!is.null(X_var)) return(.new_data_term("bayes", list(m = NROW(inducing))))
  if (is.null(inducing)) .data_exact()
  else .new_data_term("sparse", list(approx = approx, m = NROW(inducing)))
}

# gplvm_loglik() for the term: checks the term's arguments and returns
# the value with its gradient attribute (R/likelihood.R, R/sparse.R,
# R/bayes.R); miss: NULL, or Y's missingness (.missing_patterns).
.data_loglik <- function(term, Y, X, kernel, noise, gradient, inducing,
                         approx, X_var, miss) {
  UseMethod(".data_loglik")
}
.data_loglik.gplvm_data_exact <- function(term, Y, X, kernel, noise,
                                          gradient, inducing, approx, X_var,
                                          miss) {
  .gplvm_loglik_exact(Y, X, kernel, noise, gradient, miss)
}
.data_loglik.gplvm_data_sparse <- function(term, Y, X, kernel, noise,
                                           gradient, inducing, approx, X_var,
                                           miss) {
  .gplvm_loglik_sparse(Y, X, kernel, noise, gradient, inducing, approx, miss)
}
.data_loglik.gplvm_data_bayes <- function(term, Y, X, kernel, noise,
                                          gradient, inducing, approx, X_var,
                                          miss) {
  .gplvm_loglik_bayes(Y, X, kernel, noise, gradient, inducing, approx,
                      X_var, miss)
}

# The arguments of gplvm_loglik() beyond Y, X, kernel and noise that give
# `fit`'s term at its fitted values (gplvm_check_gradient()).
.data_loglik_args <- function(term, fit) UseMethod(".data_loglik_args")
.data_loglik_args.gplvm_data_exact <- function(term, fit) list()
.data_loglik_args.gplvm_data_sparse <- function(term, fit) {
  list(inducing = fit$inducing, approx = term$approx)
}
.data_loglik_args.gplvm_data_bayes <- function(term, fit) {
  list(inducing = fit$inducing, X_var = fit$X_var)
}

# For .check_gplvm(): whether the fields that hold the term's posterior
# and parameters are intact, a named logical vector (n rows, q latent and
# d data dimensions; `mat(m, nr, nc)` tests a finite double matrix).
.data_check_fields <- function(term, fit, n, q, d, mat) {
  UseMethod(".data_check_fields")
}
.data_check_fields.gplvm_data_exact <- function(term, fit, n, q, d, mat) {
  c(alpha = mat(fit$alpha, n, d), chol = .is_factor(fit$chol, n),
    inducing = is.null(fit$inducing))
}
.data_check_fields.gplvm_data <- function(term, fit, n, q, d, mat) {
  # the posterior on the M inducing inputs instead of a Cholesky factor of
  # the N x N covariance
  Z <- fit$inducing
  m <- NROW(Z)
  c(alpha = mat(fit$alpha, m, d), chol = is.null(fit$chol),
    inducing = mat(Z, m, q) && m >= 1L && mat(fit$Cfac, m, m) &&
      is.character(fit$approx) && length(fit$approx) == 1L &&
      fit$approx %in% names(.sparse_codes))
}
.data_check_fields.gplvm_data_bayes <- function(term, fit, n, q, d, mat) {
  c(NextMethod(), X_var = mat(fit$X_var, n, q) && all(fit$X_var > 0))
}

# For .new_gplvm() and .check_gplvm(): whether a fit of the term holds a
# noise variance, `noise` (a positive number), as a Gaussian likelihood
# has; without one the fit's `noise` is NULL.
.data_has_noise <- function(term) UseMethod(".data_has_noise")
.data_has_noise.gplvm_data <- function(term) TRUE

# The range of the data's mean column variance vbar the term fits:
# list(limit, what), vbar within [1 / limit, limit] (beyond, the variances
# under- or overflow during the fit); `what` says which model the limit is
# for in the message.  The Bayesian bound squares the kernel variance
# (data scaled by 1e+/-53, vbar 1e+/-106, overflowed it, 1e+/-50 did not).
.data_scale_limit <- function(term) UseMethod(".data_scale_limit")
.data_scale_limit.gplvm_data <- function(term) list(limit = 1e150, what = "")
.data_scale_limit.gplvm_data_bayes <- function(term) {
  list(limit = 1e100, what = " with 'bayesian = TRUE'")
}

# Stops when n rows of data are more than the term can hold (the exact
# model's N x N matrices: R/likelihood.R).
.data_check_size <- function(term, n) UseMethod(".data_check_size")
.data_check_size.gplvm_data <- function(term, n) invisible(n)
.data_check_size.gplvm_data_exact <- function(term, n) .check_exact_size(n)
