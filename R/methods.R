#' Methods for fitted GP-LVMs
#'
#' `print` shows a compact description of a fit: its size, kernel, noise,
#' log-likelihood and convergence, the back-constraint when the fit has
#' one (see `back` in [gplvm()]) and every start's objective when it had
#' several (see `restarts` in [gplvm()]).
#'
#' @param x,object A fitted model from [gplvm()].
#' @param digits Significant digits to print.
#' @param ... Ignored.
#' @param type For `residuals`: `"response"`, the only kind (another is
#'   refused).
#' @return `print` returns `x` invisibly.
#' @examples
#' set.seed(1)
#' fit <- gplvm(iris[seq(1, 150, 3), 1:4])
#' print(fit)
#' summary(fit)
#' coef(fit)
#' AIC(fit)
#' head(residuals(fit))
#' @name gplvm-methods
#' @importFrom stats coef fitted logLik nobs predict residuals
#' @importFrom graphics plot
NULL

#' @rdname gplvm-methods
#' @export
print.gplvm <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  .check_gplvm(x, "x")
  cat(sprintf("GP-LVM: %s\n", .describe_size(nrow(x$X), ncol(x$Y),
                                             ncol(x$X))))
  cat("Kernel:", format(x$kernel), "\n")
  term <- .data_describe(.fit_data_term(x))  # R/data_term.R
  .cat_model(term, x)
  .cat_back(.describe_back(x))  # R/back.R
  .cat_missing(x)  # R/missing.R
  # a non-Gaussian likelihood has none
  if (!is.null(x$noise)) {
    cat("Noise variance:", format(x$noise, digits = digits), "\n")
  }
  cat(term$value, format(x$loglik, digits = digits),
      if (x$prior) sprintf("(log prior on X %s)",
                           format(x$logprior, digits = digits)), "\n")
  .latent_cat(.fit_latent_term(x), x$logprior, digits)  # R/gpdm.R
  cat(sprintf("Optimiser: %s, %d evaluations, %s\n", x$optim$method,
              x$optim$evaluations,
              if (x$optim$convergence == 0L) "converged"
              else sprintf("NOT converged (code %d)", x$optim$convergence)))
  .cat_starts(x$restarts, digits)
  invisible(x)
}

# A fit of several starts (`restarts`, or the Bayesian fit's second start
# when its dimensions were in doubt): their objectives, and that the
# counts printed are the best start's.
.cat_starts <- function(objectives, digits) {
  if (length(objectives) < 2L) return(invisible())
  cat(sprintf(paste("Best of %d starts (objectives %s); the evaluations",
                    "and time are its own\n"), length(objectives),
              paste(format(objectives, digits = digits, trim = TRUE),
                    collapse = ", ")))
}

# "150 points, 4 data dimensions, 1 latent dimension"
.describe_size <- function(n, d, q) {
  count <- function(k, what) {
    sprintf("%d %s%s", k, what, if (k == 1L) "" else "s")
  }
  paste(count(n, "point"), count(d, "data dimension"),
        count(q, "latent dimension"), sep = ", ")
}

# Relevance of each latent dimension, as the fit's data term measures it
# (R/data_term.R).
.relevance <- function(x) .data_relevance(.fit_data_term(x), x)$value

# Relevance of each latent dimension by its spread in units of the
# kernel's length (sd(X_q) / l_q for the first part with lengthscales,
# sd(X_q) sqrt(v_q) for a linear one; see .kernel_dim_weights()), divided
# by the largest; 0 for every dimension when none has any spread (nothing
# to divide by).
.spread_relevance <- function(x) {
  w <- .kernel_dim_weights(x$kernel, ncol(x$X))
  r <- apply(x$X, 2L, stats::sd) * w
  r <- if (max(r) > 0) r / max(r) else rep(0, length(r))
  stats::setNames(r, colnames(x$X))
}

# The line that names the data term (`term`, its .data_describe()), if
# it has one, and the minibatch training of fit (or summary) x.
.cat_model <- function(term, x) {
  cat(term$model, if (length(term$model)) "\n", sep = "")
  .cat_minibatch(x)  # R/minibatch.R
}

#' @rdname gplvm-methods
#' @details `summary` adds the relevance of each latent dimension (the
#'   standard deviation of its latent coordinates divided by the kernel's
#'   lengthscale in that dimension, for the first part with lengthscales,
#'   or multiplied by the square root of the linear variance (MLP: weight
#'   variance), whichever part with one value per dimension comes first;
#'   then divided by
#'   the largest, so the most relevant dimension has relevance 1; 0 for
#'   every dimension if none has any spread), the
#'   hyperparameters, the log-likelihood at the start and the end, and the
#'   optimiser's details.
#' @return `summary` returns an object of class `"summary.gplvm"`, printed
#'   by its own method.
#' @export
summary.gplvm <- function(object, ...) {
  .check_gplvm(object)
  term <- .fit_data_term(object)  # R/data_term.R
  latent <- .fit_latent_term(object)  # R/gpdm.R
  structure(list(
    call = object$call, n = nrow(object$X), d = ncol(object$Y),
    q = ncol(object$X), kernel = object$kernel, coefficients = coef(object),
    fixed = c(object$fixed, .latent_coef(latent, fixed = TRUE)),
    relevance = .relevance(object), loglik = object$loglik,
    loglik_init = object$loglik_init, logprior = object$logprior,
    prior = object$prior, df = object$df, optim = object$optim,
    time = object$time, approx = object$approx,
    inducing = object$inducing, back = .describe_back(object),
    data_term = term, latent_term = latent, minibatch = object$minibatch,
    pruning = object$pruning, restarts = object$restarts),
    # "summary.bgplvm" for a Bayesian fit
    class = paste0("summary.", class(object)))
}

#' @rdname gplvm-methods
#' @export
print.summary.gplvm <- function(x, digits = max(3L, getOption("digits") - 3L),
                                ...) {
  cat("Call:\n", paste(deparse(x$call), collapse = "\n"), "\n\n", sep = "")
  cat(sprintf("GP-LVM: %s\n", .describe_size(x$n, x$d, x$q)))
  cat("Kernel:", format(x$kernel), "\n")
  term <- .data_describe(x$data_term)  # R/data_term.R
  .cat_model(term, x)
  .cat_back(x$back)
  cat("\n")
  .data_cat_relevance(x$data_term, x$relevance, x$pruning)
  cat("\nHyperparameters", if (length(x$fixed)) paste0(" (fixed: ",
      paste(x$fixed, collapse = ", "), ")"), ":\n", sep = "")
  print(x$coefficients, digits = digits)
  cat(sprintf("\n%s %s (start %s), %d free parameters\n",
              term$value, format(x$loglik, digits = digits),
              format(x$loglik_init, digits = digits), x$df))
  if (x$prior) {
    cat("Log prior on X:", format(x$logprior, digits = digits), "\n")
  }
  .latent_cat(x$latent_term, x$logprior, digits)  # R/gpdm.R
  o <- x$optim
  cat(sprintf("Optimiser: %s, %d evaluations, %.2f s; %s\n", o$method,
              o$evaluations, x$time,
              if (o$convergence == 0L) "converged"
              else sprintf("NOT converged (code %d)", o$convergence)))
  .cat_starts(x$restarts, digits)
  if (!is.null(o$message) && nzchar(o$message)) {
    cat("Message:", o$message, "\n")
  }
  if (o$jitter_count > 0L) {
    cat("Jitter added in", o$jitter_count, "evaluations\n")
  }
  invisible(x)
}

#' @rdname gplvm-methods
#' @details `coef` returns the kernel hyperparameters (named as by
#'   [kern_params()]) and the noise variance (`noise`), and for a fit with
#'   GP dynamics the parameters of the dynamics kernel (named
#'   `"dynamics."` followed by their [kern_params()] name).
#' @export
coef.gplvm <- function(object, ...) {
  .check_gplvm(object)
  c(kern_params(object$kernel), noise = object$noise,
    .latent_coef(.fit_latent_term(object)))  # R/gpdm.R
}

#' @rdname gplvm-methods
#' @details `logLik` returns \eqn{\log p(Y \mid X, \theta)}{log p(Y | X,
#'   theta)} at the fitted latent positions and hyperparameters, without the
#'   prior on `X`, for the centred (and scaled) data.  Its `df` attribute
#'   counts every optimised quantity: the `N * q` latent coordinates (for
#'   a back-constrained fit instead the mapping's weights) plus the
#'   free hyperparameters and the noise (unless fixed), the free parameters
#'   of the dynamics kernel of a fit with GP dynamics, and for a sparse
#'   fit the `M * q` inducing coordinates; its value is then the bound or
#'   approximation that was maximised.  Its `nobs`
#'   attribute is N, the number of rows of `Y`, so `AIC()` and `BIC()` work.
#' @export
logLik.gplvm <- function(object, ...) {
  .check_gplvm(object)
  structure(object$loglik, df = object$df, nobs = object$nobs,
            class = "logLik")
}

#' @rdname gplvm-methods
#' @export
nobs.gplvm <- function(object, ...) .check_gplvm(object)$nobs

#' @rdname gplvm-methods
#' @details `fitted` returns the posterior mean of the data at the fitted
#'   latent positions on the original scale (centring and scaling undone);
#'   it equals `predict(object, newlatent = object$X)`.  For data with
#'   missing entries it fills every entry, missing ones included (each
#'   column's posterior from its observed rows; see [gplvm_impute()] for
#'   the imputed values with their standard deviations).  `residuals`
#'   returns the data minus `fitted` (`NA` where the data are missing).
#' @export
fitted.gplvm <- function(object, ...) {
  .check_gplvm(object)
  .predict_mean(object, object$X)
}

#' @rdname gplvm-methods
#' @export
residuals.gplvm <- function(object, type = "response", ...) {
  .check_gplvm(object)
  .check_choice(type, "response", "type",
                "the data minus the fitted values, the only kind there is")
  .unscale(object, object$Y) - fitted(object)
}

# From the model's centred, scaled data space back to the original one.
.unscale <- function(object, Y) {
  if (!is.null(object$scale)) Y <- sweep(Y, 2L, object$scale, `*`)
  Y <- sweep(Y, 2L, object$center, `+`)
  dimnames(Y) <- list(rownames(Y), names(object$center))
  Y
}

#' @rdname gplvm-methods
#' @param row.names,optional As in [base::as.data.frame()]: `NULL` keeps
#'   the data's row names; `optional` is ignored (the columns are always
#'   named).
#' @details `as.data.frame` returns the latent coordinates as a data frame,
#'   one row per data row (with the data's row names) and one column per
#'   latent dimension (`X1`, `X2`, ...), followed, for fits that have them,
#'   by the variances of the latent positions (`X1.var`, ...).
#' @export
as.data.frame.gplvm <- function(x, row.names = NULL, optional = FALSE, ...) {
  .check_gplvm(x, "x")
  out <- as.data.frame(x$X)
  V <- .data_latent_var(.fit_data_term(x), x)  # R/data_term.R
  if (length(V)) out[paste0(colnames(x$X), ".var")] <- as.data.frame(V)
  if (!is.null(row.names)) {
    if (length(row.names) != nrow(out)) {
      stop(sprintf("'row.names' must have length %d", nrow(out)),
           call. = FALSE)
    }
    row.names(out) <- row.names
  }
  out
}

#' @rdname gplvm-methods
#' @param name A field of the fit (see Value in [gplvm()]).
#' @details `fit$x` is the latent matrix `fit$X`, as `prcomp()`'s scores
#'   are `x`; every other name works as for a list (a name the fit does not
#'   have gives `NULL`, as for `lm` fits).
#' @export
`$.gplvm` <- function(x, name) {
  if (identical(name, "x")) return(.subset2(x, "X"))
  NextMethod()
}

#' Relevance, comparison and the methods a GP-LVM does not have
#'
#' `screeplot()` draws the relevance of each latent dimension (see
#' [summary.gplvm()]; for a Bayesian fit the ARD relevance of
#' [bgplvm-methods]), as `screeplot()` of a [prcomp()] fit draws its
#' variances: it shows how many dimensions the fit uses.
#'
#' `anova()` compares fits of the same data by their log-likelihood: for
#' each fit after the first (ordered by `df`) the likelihood-ratio
#' statistic \eqn{2 (\ell_2 - \ell_1)}{2 (l2 - l1)}, the difference in
#' `df` and, for exact fits, the chi-squared tail probability.  The fits
#' must be nested (say, the same kernel with a parameter fixed, or `q` and
#' `q + 1`): `anova()` cannot check that.  Take the probability as a rough
#' guide: `df` counts the latent coordinates, whose number grows with N,
#' so the chi-squared approximation of the likelihood-ratio test does not
#' strictly hold.  For a sparse fit (VFE, FITC, DTC) or a Bayesian fit the
#' value compared is a bound or an approximation, not a likelihood, and
#' no probability is given: for Bayesian fits the difference of bounds is
#' a lower-bound estimate of the log Bayes factor only as far as the
#' bounds are tight.
#'
#' `confint()` and `biplot()` stop with an error that says why: the
#' hyperparameters are point estimates without a covariance, and the map
#' from latent space to data is not linear, so there are no loadings to
#' draw.
#'
#' @param x,object A fitted model from [gplvm()].
#' @param npcs Number of latent dimensions to show.
#' @param type `"barplot"` or `"lines"`, as for [stats::screeplot()].
#' @param main Title.
#' @param ... For `screeplot()`, graphical parameters for
#'   [graphics::barplot()] or [graphics::plot()]; for `anova()`, further
#'   fits to compare with `object`; otherwise not used.
#' @return `screeplot()`: the relevances shown, invisibly.  `anova()`: a
#'   data frame of class `c("anova", "data.frame")` with one row per fit:
#'   `df`, `logLik`, `Chisq` (the likelihood-ratio statistic against the
#'   row before), `Df` and `Pr(>Chisq)`.
#' @examples
#' set.seed(1)
#' Y <- iris[seq(1, 150, 5), 1:4]
#' fit1 <- gplvm(Y, q = 1, scale = TRUE)
#' fit2 <- gplvm(Y, q = 2, scale = TRUE)
#' c(fit1$optim$convergence, fit2$optim$convergence)
#' screeplot(fit2)
#' anova(fit1, fit2)
#' try(confint(fit2))
#' @name gplvm-compare
NULL

#' @rdname gplvm-compare
#' @importFrom stats screeplot
#' @export
screeplot.gplvm <- function(x, npcs = min(10L, ncol(x$X)),
                            type = c("barplot", "lines"),
                            main = deparse(substitute(x))[1L], ...) {
  .check_gplvm(x, "x")
  type <- .check_choice(type, c("barplot", "lines"), "type")
  npcs <- .check_count(npcs, "npcs", hi = ncol(x$X))
  relevance <- .data_relevance(.fit_data_term(x), x)  # R/data_term.R
  rel <- relevance$value[seq_len(npcs)]
  ylab <- relevance$label
  if (type == "barplot") {
    graphics::barplot(rel, main = main, ylab = ylab, ylim = c(0, 1), ...)
  } else {
    graphics::plot(seq_len(npcs), rel, type = "b", axes = FALSE,
                   main = main, xlab = "", ylab = ylab, ylim = c(0, 1), ...)
    graphics::axis(2L)
    graphics::axis(1L, at = seq_len(npcs), labels = names(rel))
    graphics::box()
  }
  invisible(rel)
}

#' @rdname gplvm-compare
#' @importFrom stats anova
#' @export
anova.gplvm <- function(object, ...) {
  fits <- c(list(object), list(...))
  if (length(fits) < 2L) {
    stop("anova() needs two or more fits of the same data to compare",
         call. = FALSE)
  }
  for (i in seq_along(fits)) .check_gplvm(fits[[i]], "...")
  same <- vapply(fits, function(f) identical(unname(f$Y),
                                              unname(object$Y)), NA)
  if (!all(same)) {
    stop("anova() compares fits of the same data (same rows, centring and ",
         "scaling): fit ", which(!same)[1L], " was fitted to other data",
         call. = FALSE)
  }
  ll <- lapply(fits, logLik)
  df <- vapply(ll, attr, 0, "df")
  value <- vapply(ll, c, 0)
  ord <- order(df)
  df <- df[ord]
  value <- value[ord]
  # the value is a likelihood (not a bound or an approximation)
  exact <- vapply(fits[ord], function(f) {
    .data_describe(.fit_data_term(f))$likelihood  # R/data_term.R
  }, NA)
  chisq <- c(NA, 2 * diff(value))
  ddf <- c(NA, diff(df))
  p <- ifelse(exact & c(FALSE, exact[-length(exact)]) & ddf > 0,
              stats::pchisq(chisq, ddf, lower.tail = FALSE), NA)
  calls <- vapply(fits[ord], function(f) {
    paste(deparse(f$call, width.cutoff = 500L), collapse = " ")
  }, "")
  tab <- data.frame(df = df, logLik = value, Chisq = chisq, Df = ddf,
                    `Pr(>Chisq)` = p, check.names = FALSE,
                    row.names = paste("Fit", seq_along(fits)))
  structure(tab, class = c("anova", "data.frame"),
            heading = c(paste0(if (all(exact)) "Likelihood-ratio comparison"
                               else paste("Comparison by the bound or",
                                          "approximation (no p-value)"),
                               " of GP-LVM fits\n"),
                        paste0("Fit ", seq_along(calls), ": ", calls,
                               collapse = "\n")))
}

#' @rdname gplvm-compare
#' @param parm,level Not used: `confint()` stops.
#' @importFrom stats confint
#' @export
confint.gplvm <- function(object, parm, level = 0.95, ...) {
  stop(paste("confint() is not available for GP-LVM fits: the",
             "hyperparameters are point estimates without a covariance;",
             "predict(fit, newlatent = , se.fit = TRUE) gives the",
             "uncertainty of predictions, and a Bayesian fit",
             "(bayesian = TRUE) that of the latent positions"),
       call. = FALSE)
}

#' @rdname gplvm-compare
#' @importFrom stats biplot
#' @export
biplot.gplvm <- function(x, ...) {
  stop(paste("biplot() needs linear loadings, which a GP-LVM does not",
             "have (its map from latent space to data is non-linear): use",
             "plot(fit) for the latent space, and",
             "plot(fit, background = \"magnification\") for where the map",
             "stretches it"), call. = FALSE)
}
