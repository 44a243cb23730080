# Methods of fits with a non-Gaussian likelihood (class c("ngplvm",
# "gplvm"), R/nongaussian.R): predictions on the data's own scale,
# Pearson residuals, the bound as logLik, projection of new rows under the
# same likelihood.  What they share with every fit (print, coef, plot,
# as.data.frame) comes from the "gplvm" methods through the posterior
# below.

# The posterior on the inducing inputs: factor = list(Lz, chol) with
# Kzz = Lz Lz' and q(v_d) = N(m_d, chol_d chol_d'); its variance of f is
# the mean over the columns (what plot() shades).
.data_fit_posterior.gplvm_data_nongaussian <- function(term, object) {
  Lz <- .ng_kzz_factor(object$kernel, object$inducing)
  .new_posterior("nongaussian", object$inducing, object$alpha,
                 list(Lz = Lz, chol = object$q_v$chol), object$kernel)
}

# Per-column marginals of f at latent points Xs: list(mean, var), Xs rows
# by D columns.
.ng_marginals <- function(object, Xs) {
  post <- .posterior(object)
  A <- t(forwardsolve(post$factor$Lz,
                      t(kern_matrix(object$kernel, Xs, post$support))))
  base <- .kern_diag(object$kernel, Xs) - rowSums(A^2)
  ch <- post$factor$chol
  V <- vapply(seq_len(dim(ch)[3L]), function(j) {
    base + rowSums((A %*% ch[, , j])^2)
  }, numeric(nrow(Xs)))
  list(mean = A %*% object$q_v$mean, var = pmax(matrix(V, nrow(Xs)), 0))
}

.post_explained.gplvm_posterior_nongaussian <- function(post, Ks) {
  A <- t(forwardsolve(post$factor$Lz, t(Ks)))
  ch <- post$factor$chol
  rowSums(A^2) - rowMeans(vapply(seq_len(dim(ch)[3L]), function(j) {
    rowSums((A %*% ch[, , j])^2)
  }, numeric(nrow(Ks))))
}

# The inverse link on f's quantiles (intervals) and the mean of the data
# E[y] = E[g^-1(f)] under f ~ N(mu, v).
.ng_inverse_link <- function(object, f) {
  switch(object$likelihood, bernoulli = if (object$link == "logit") {
    stats::plogis(f)
  } else stats::pnorm(f), exp(f))
}
.ng_data_mean <- function(object, mu, v) {
  if (object$likelihood != "bernoulli") return(exp(mu + v / 2))
  if (object$link == "probit") return(stats::pnorm(mu / sqrt(1 + v)))
  rule <- .gh20()
  k <- length(rule) / 2L
  Reduce(`+`, lapply(seq_len(k), function(i) {
    rule[[k + i]] * stats::plogis(mu + sqrt(v) * rule[[i]])
  }))
}

#' Predictions and residuals of non-Gaussian fits
#'
#' Methods for fits of [gplvm()] with `likelihood = "bernoulli"`,
#' `"poisson"` or `"negbin"` (see "Binary and count data" in
#' [gplvm-models]).
#'
#' `predict(object, newlatent = )` returns the mean of the data at the
#' latent points, \eqn{E[y] = E_{q(f)}[g^{-1}(f)]}{E(y) = E_q(f) g^-1(f)}
#' (probabilities for binary data, rates for counts), per column; with
#' `interval = "confidence"` also the interval that the inverse link maps
#' from the central `level` interval of \eqn{q(f)}{q(f)} (for the
#' probability or rate, not for a new count).  `type = "link"` gives
#' \eqn{f} itself (its mean, and its standard deviation with `se.fit`).
#' `predict(object, newdata = )` finds the latent position of each new row
#' by maximising the expected log-likelihood of its entries under the
#' fitted \eqn{q(u)}{q(u)}, from the fitted position of the training row
#' nearest in the data (a back-constrained fit applies its map, and with
#' `refine = TRUE` starts there).  Without either it returns the latent
#' positions, as [predict.gplvm()] does; `fitted` gives the fitted means.
#'
#' `residuals` are Pearson residuals, \eqn{(y - \hat\mu) /
#' \sqrt{V(\hat\mu)}}{(y - mu) / sqrt(V(mu))} with \eqn{V(\mu) = \mu(1 -
#' \mu)}{V(mu) = mu (1 - mu)} (Bernoulli), \eqn{\mu}{mu} (Poisson),
#' \eqn{\mu + \mu^2 / r}{mu + mu^2 / r} (negative binomial of size
#' \eqn{r}), or with `type = "response"` the data minus the fitted values.
#' `logLik` is the variational lower bound (attribute `bound = TRUE`), not
#' a log-likelihood.
#' @param object A fit of [gplvm()] with a non-Gaussian likelihood.
#' @param newdata,newlatent,se.fit,level,maxit,refine As in
#'   [predict.gplvm()].
#' @param interval `"none"` or `"confidence"`.
#' @param type For `predict`: `"response"` (the data's scale) or
#'   `"link"`; for `residuals`: `"pearson"` or `"response"`.
#' @param ... Not used.
#' @return `predict`: a matrix, or with `se.fit` or an interval a list
#'   with `fit` and `se.fit` or `lwr` and `upr`; `newdata` gives a latent
#'   matrix.
#' @examples
#' set.seed(1)
#' t <- seq(-2, 2, length.out = 40)
#' P <- plogis(outer(t, seq(-2, 2, length.out = 12), function(a, b)
#'   3 * exp(-(a - b)^2) - 1.5))
#' Y <- matrix(rbinom(length(P), 1, P), nrow(P))
#' fit <- gplvm(Y, q = 1, likelihood = "bernoulli", inducing = 6)
#' fit$optim$convergence
#' head(predict(fit, newlatent = fit$X[1:3, , drop = FALSE],
#'              interval = "confidence")$fit)
#' logLik(fit)
#' @name ngplvm-methods
#' @export
predict.ngplvm <- function(object, newdata = NULL, newlatent = NULL,
                           se.fit = FALSE, interval = c("none", "confidence"),
                           level = 0.95, type = c("response", "link"),
                           maxit = 1000, refine = FALSE, ...) {
  .check_gplvm(object)
  .check_no_dots(...)  # R/predict.R
  if (is.null(newlatent)) {  # latent positions: as for every fit
    if (!is.null(newdata)) {
      newdata <- .nongaussian_data(newdata, object$likelihood)
    }
    return(predict.gplvm(object, newdata = newdata, maxit = maxit,
                         refine = refine))
  }
  interval <- .check_choice(interval, c("none", "confidence"), "interval")
  type <- .check_choice(type, c("response", "link"), "type")
  se.fit <- .check_flag(se.fit, "se.fit")
  if (!is.null(newdata)) {
    stop("give only one of 'newdata' and 'newlatent'", call. = FALSE)
  }
  Xs <- .as_latent_matrix(newlatent, ncol(object$X))
  f <- .ng_marginals(object, Xs)
  fit <- if (type == "link") f$mean else .ng_data_mean(object, f$mean, f$var)
  dimnames(fit) <- list(rownames(Xs), colnames(object$Y))
  if (!se.fit && interval == "none") return(fit)
  out <- list(fit = fit)
  if (se.fit) out$se.fit <- sqrt(f$var)
  if (interval == "confidence") {
    z <- stats::qnorm(1 - (1 - .check_level(level)) / 2)
    g <- if (type == "link") identity
         else function(x) .ng_inverse_link(object, x)
    out$lwr <- g(f$mean - z * sqrt(f$var))
    out$upr <- g(f$mean + z * sqrt(f$var))
    dimnames(out$lwr) <- dimnames(out$upr) <- dimnames(fit)
  }
  out
}

.check_level <- function(level) {
  if (!is.numeric(level) || length(level) != 1L || !(level > 0 && level < 1)) {
    stop("'level' must be a number between 0 and 1", call. = FALSE)
  }
  level
}

# Latent positions of new rows Ys for predict(newdata = ) (R/predict.R):
# the map's values X0 of a back-constrained fit unless `refine`, else each
# row's expected log-likelihood under the fitted q(u) maximised from X0 or
# from the fitted position of the training row nearest in the data.
.data_project.gplvm_data_nongaussian <- function(term, object, Ys, maxit, rn,
                                                 X0, refine) {
  if (!is.null(X0) && !refine) return(X0)
  code <- .likelihood_code(term$likelihood, term$link)
  q <- ncol(object$X)
  size <- object$size %||% rep(1, ncol(Ys))
  tr <- if (term$likelihood == "bernoulli") identity else log1p
  X <- vapply(seq_len(nrow(Ys)), function(i) {
    y <- Ys[i, , drop = FALSE]
    x0 <- if (!is.null(X0)) X0[i, ] else {
      ok <- !is.na(y)
      dist <- colSums((t(tr(object$Y[, ok, drop = FALSE])) - tr(y[ok]))^2,
                      na.rm = TRUE)
      object$X[which.min(dist), ]
    }
    eval <- function(x, gradient) {
      .loglik_nongaussian_c(y, matrix(x, 1L), object$inducing,
                            object$kernel, code, object$q_v$mean,
                            object$q_v$chol, size, 1, gradient)
    }
    stats::optim(x0, function(x) -eval(x, FALSE)$value,
                 function(x) -as.vector(eval(x, TRUE)$X), method = "BFGS",
                 control = list(maxit = maxit))$par
  }, numeric(q))
  X <- matrix(X, nrow(Ys), q, byrow = TRUE)
  dimnames(X) <- list(rn, colnames(object$X))
  X
}

#' @rdname ngplvm-methods
#' @export
fitted.ngplvm <- function(object, ...) {
  predict.ngplvm(object, newlatent = object$X)
}

#' @rdname ngplvm-methods
#' @export
residuals.ngplvm <- function(object, type = c("pearson", "response"), ...) {
  type <- .check_choice(type, c("pearson", "response"), "type")
  mu <- fitted(object)
  r <- object$Y - mu
  if (type == "response") return(r)
  v <- switch(object$likelihood, bernoulli = mu * (1 - mu), poisson = mu,
              negbin = mu + sweep(mu^2, 2L, object$size, `/`))
  r / sqrt(v)
}

#' @rdname ngplvm-methods
#' @export
logLik.ngplvm <- function(object, ...) {
  structure(NextMethod(), bound = TRUE)
}

#' @rdname ngplvm-methods
#' @param x A fit (for `print`).
#' @param digits Digits to print.
#' @export
print.ngplvm <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  NextMethod()
  cat(sprintf("Likelihood: %s (%s link); the log-likelihood is a lower bound\n",
              x$likelihood, x$link))
  invisible(x)
}

#' @rdname ngplvm-methods
#' @details `coef` returns the kernel's parameters (the model has no
#'   noise variance; the negative binomial's sizes are in `object$size`).
#' @export
coef.ngplvm <- function(object, ...) {
  .check_gplvm(object)
  kern_params(object$kernel)
}

#' @rdname ngplvm-methods
#' @export
summary.ngplvm <- function(object, ...) {
  s <- NextMethod()
  s$likelihood <- object$likelihood
  s$link <- object$link
  s$size <- object$size
  class(s) <- c("summary.ngplvm", class(s))
  s
}

#' @rdname ngplvm-methods
#' @export
print.summary.ngplvm <- function(x, digits = max(3L, getOption("digits") -
                                                   3L), ...) {
  NextMethod()
  cat(sprintf("Likelihood: %s (%s link); the log-likelihood is a lower bound\n",
              x$likelihood, x$link))
  if (!is.null(x$size)) {
    cat("Negative binomial sizes (per column):\n")
    print(summary(x$size), digits = digits)
  }
  invisible(x)
}
