#' Predictions from a fitted GP-LVM
#'
#' In one direction, `newdata` gives latent positions for new rows of data
#' (like [stats::predict.prcomp()] gives scores).  For a back-constrained
#' fit (`back` in [gplvm()]) they are the fitted mapping applied to the new
#' rows, \eqn{x_* = g(y_*)}{x* = g(y*)}, with no optimisation: one kernel
#' row or one pass through the network per point.  With `refine = TRUE`, or
#' for any other fit, each new point's latent
#' position is optimised under the fitted GP, maximising
#' \eqn{\log N(y_* \mid \mu(x_*), s^2(x_*) I)}{log N(y* | mu(x*), s2(x*) I)}
#' (plus the unit Gaussian log prior on \eqn{x_*}{x*} when the model was
#' fitted with one), starting from the mapping's value for a
#' back-constrained fit and otherwise from the fitted latent position of its
#' nearest training point in data space.  All new points are optimised together
#' (their objectives are independent) with L-BFGS-B.  The result is a point
#' estimate: `se.fit` and `interval` do not apply to it.
#'
#' `newdata`'s columns are matched to the training data's by name when both
#' have column names (extra columns are ignored, missing ones are an
#' error); otherwise they are taken in order and their number must equal
#' the training data's.
#'
#' In the other direction, from latent positions to data, `newlatent` gives
#' the posterior mean of the data at new latent points, on the original
#' scale.  Following
#' [stats::predict.lm()], `se.fit = TRUE` adds the standard error of that
#' mean: the posterior standard deviation of the latent function,
#' \eqn{\sqrt{k(x, x) - k(x, X) K^{-1} k(X, x)}}{sqrt(k(x, x) - k(x, X)
#' K^-1 k(X, x))}, without the noise, times each column's scale; and
#' `residual.scale`, the noise standard deviation of each column.  A new
#' observation at \eqn{x}{x} has standard deviation
#' `sqrt(se.fit^2 + residual.scale^2)`.  `interval = "confidence"` gives
#' normal limits for the mean, `interval = "prediction"` for a new
#' observation (noise included), at level `level`.
#'
#' For a sparse fit (see [gplvm()]) both directions use the sparse
#' posterior, whose mean and variance are computed from the M inducing
#' inputs in \eqn{O(M^2)}{O(M^2)} per point.
#'
#' For a fit to data with missing entries (see [gplvm()]) the mean and
#' variance of each column come from the training rows where it is
#' observed, so `se.fit` and the projection's variances differ by column;
#' entries missing in `newdata` are left out of its objective (a nearest
#' training point is then found with them at their column means).
#'
#' @param object A fitted model from [gplvm()].
#' @param newdata Numeric matrix or data frame of new data rows, with the
#'   training data's columns (matched by name when both sides have names);
#'   `NA` entries are allowed (each row is projected from its observed
#'   columns, and needs at least one).
#' @param newlatent Latent positions: a numeric matrix with `q` columns, or
#'   a vector (one point when `q > 1`, one point per element when `q = 1`).
#' @param se.fit With `newlatent`: also return the standard errors of the
#'   predicted means and the noise standard deviations (see Details).
#' @param interval With `newlatent`: `"none"` (the default),
#'   `"confidence"` (limits for the mean) or `"prediction"` (limits for a new
#'   observation, noise included).
#' @param level Coverage of the limits, between 0 and 1.
#' @param maxit With `newdata`: maximum number of L-BFGS-B iterations.
#' @param refine With `newdata` and a back-constrained fit: if `TRUE`,
#'   optimise the latent positions, starting from the mapping's values;
#'   `FALSE` (the default) returns the mapping's values (for a Bayesian
#'   fit, as the means, with their variances optimised: see
#'   [bgplvm-methods]).  Fits without a back-constraint have no mapping
#'   and always optimise.
#' @param ... Not used: any further argument is an error (it catches
#'   misspellings such as `new.data`).
#' @return With neither `newdata` nor `newlatent`: the fitted latent
#'   positions.  With `newdata`: a matrix of latent positions, one row per
#'   row of `newdata`.  With `newlatent`: a matrix of predicted data, one row
#'   per latent point; or, with `se.fit = TRUE` or an `interval`, a list
#'   with `fit` (that matrix), `se.fit` (a matrix of the same shape) and
#'   `residual.scale` (a vector, one per column) when `se.fit = TRUE`, and
#'   `lwr` and `upr` (matrices of the same shape) with an `interval`.
#' @examples
#' set.seed(1)
#' fit <- gplvm(iris[seq(1, 150, 3), 1:4])
#' X_new <- predict(fit, newdata = iris[c(2, 80, 140), 1:4])
#' X_new
#' p <- predict(fit, newlatent = X_new, se.fit = TRUE)
#' p$se.fit                                   # uncertainty of the mean
#' # a new observation's standard deviation
#' sqrt(p$se.fit^2 + rep(p$residual.scale^2, each = nrow(p$se.fit)))
#' predict(fit, newlatent = X_new[1, ], interval = "prediction")
#' # forecasting with GP dynamics: a noisy loop in 5 dimensions
#' set.seed(2)
#' t <- seq(0, 4 * pi, length.out = 40)
#' Y <- cbind(cos(t), sin(t), cos(t)^2, sin(2 * t), cos(t) * sin(t)) +
#'   matrix(rnorm(200, sd = 0.05), 40)
#' dyn <- gplvm(Y[1:32, ], q = 2, dynamics = TRUE)
#' dyn
#' fc <- predict(dyn, ahead = 8)
#' round(fc$data[1:3, ], 2)
#' round(Y[33:35, ], 2)   # what followed
#' plot(dyn, main = "latent trajectory")   # drawn as a line
#' lines(rbind(dyn$X[32, ], fc$latent), lty = 2)   # the forecast
#' @export
predict.gplvm <- function(object, newdata = NULL, newlatent = NULL,
                          se.fit = FALSE,
                          interval = c("none", "confidence", "prediction"),
                          level = 0.95, maxit = 1000, refine = FALSE,
                          ahead = NULL, from = NULL, ...) {
  .check_gplvm(object)
  .check_no_dots(...)
  if (!is.null(ahead)) {  # a forecast with GP dynamics: R/gpdm.R
    if (!is.null(newdata) || !is.null(newlatent)) {
      stop("give only one of 'newdata', 'newlatent' and 'ahead'",
           call. = FALSE)
    }
    return(.forecast(object, ahead, from))
  }
  if (!is.null(from)) {
    stop("'from' applies only with 'ahead'", call. = FALSE)
  }
  se.fit <- .check_flag(se.fit, "se.fit")
  interval <- .check_choice(interval,
                            c("none", "confidence", "prediction"), "interval")
  if (!is.null(newdata) && !is.null(newlatent)) {
    stop("give only one of 'newdata' and 'newlatent'", call. = FALSE)
  }
  if (is.null(newlatent) && (se.fit || interval != "none")) {
    stop(paste("'se.fit' and 'interval' apply to 'newlatent' only: latent",
               "positions (with or without 'newdata') are point estimates"),
         call. = FALSE)
  }
  if (!is.null(newlatent)) {
    Xs <- .as_latent_matrix(newlatent, ncol(object$X))
    mean <- .predict_mean(object, Xs)
    if (!se.fit && interval == "none") return(mean)
    return(.predict_spread(object, Xs, mean, se.fit, interval, level))
  }
  if (is.null(newdata)) return(object$X)
  Ys <- .match_columns(newdata, object$center)
  .check_missing_rows(is.na(Ys), rownames(Ys), "newdata")  # R/missing.R
  maxit <- .check_count(maxit, "maxit")
  refine <- .check_flag(refine, "refine")
  Ys <- sweep(Ys, 2L, object$center)
  if (!is.null(object$scale)) Ys <- sweep(Ys, 2L, object$scale, `/`)
  .check_new_scale(Ys, object, "newdata")  # R/checks.R
  X0 <- .back_project(object, Ys, rownames(newdata))  # R/back.R
  # the latent positions (or q(x*)) of the new rows: R/data_term.R
  .data_project(.fit_data_term(object), object, Ys, maxit, rownames(newdata),
                X0, refine)
}

# Stop on any argument that reached `...`.
.check_no_dots <- function(...) {
  n <- ...length()
  if (n == 0L) return(invisible())
  nm <- names(substitute(list(...)))[-1L]
  if (is.null(nm)) nm <- rep("", n)
  nm[!nzchar(nm)] <- "(unnamed)"
  stop(sprintf("unknown argument%s: %s", if (n > 1L) "s" else "",
               paste0("'", nm, "'", collapse = ", ")), call. = FALSE)
}

# newlatent as a matrix with q columns; a vector is one point (q > 1) or
# one point per element (q = 1).
.as_latent_matrix <- function(newlatent, q) {
  if (is.null(dim(newlatent)) && is.numeric(newlatent)) {
    if (q == 1L) {
      newlatent <- matrix(newlatent, ncol = 1L,
                          dimnames = list(names(newlatent), NULL))
    } else if (length(newlatent) == q) {
      newlatent <- matrix(newlatent, nrow = 1L)
    } else {
      stop(sprintf(paste("'newlatent' given as a vector must have %d",
                         "elements, one latent point, not %d"),
                   q, length(newlatent)), call. = FALSE)
    }
  }
  Xs <- .as_numeric_matrix(newlatent, "newlatent")
  if (ncol(Xs) != q) {
    stop(sprintf("'newlatent' must have %d columns, not %d", q, ncol(Xs)),
         call. = FALSE)
  }
  Xs
}

# newdata as a numeric matrix with the training columns: by name when both
# sides have names, else by position with the same count.
.match_columns <- function(newdata, center) {
  train <- names(center)
  have <- colnames(newdata)
  if (!is.null(train) && !is.null(have) && (is.data.frame(newdata) ||
                                            is.matrix(newdata))) {
    miss <- setdiff(train, have)
    if (length(miss)) {
      stop(sprintf("'newdata' lacks the training column%s %s",
                   if (length(miss) > 1L) "s" else "",
                   paste0("'", miss, "'", collapse = ", ")), call. = FALSE)
    }
    newdata <- newdata[, train, drop = FALSE]
  }
  Ys <- .as_numeric_matrix(newdata, "newdata", allow_data_frame = TRUE,
                           allow_na = TRUE)
  if (ncol(Ys) != length(center)) {
    stop(sprintf("'newdata' must have %d columns, like the training data, %s",
                 length(center), paste("not", ncol(Ys))), call. = FALSE)
  }
  Ys
}

# se.fit, residual.scale and normal limits for predictions at Xs.
.predict_spread <- function(object, Xs, mean, se.fit, interval, level) {
  scale <- if (is.null(object$scale)) rep(1, ncol(mean)) else object$scale
  # each column's variance (from its observed rows, for missing data)
  v <- .checked_var(.post_column_variance(.posterior(object), Xs))
  se <- sqrt(v) * rep(scale, each = nrow(v))
  dimnames(se) <- dimnames(mean)
  resid <- stats::setNames(sqrt(object$noise) * scale, colnames(mean))
  out <- list(fit = mean)
  if (se.fit) {
    out$se.fit <- se
    out$residual.scale <- resid
  }
  if (interval != "none") {
    if (!is.numeric(level) || length(level) != 1L || !is.finite(level) ||
        level <= 0 || level >= 1) {
      stop("'level' must be a single number between 0 and 1", call. = FALSE)
    }
    sd <- if (interval == "prediction") {
      sqrt(se^2 + rep(resid^2, each = nrow(se)))
    } else {
      se
    }
    z <- stats::qnorm((1 + level) / 2)
    out$lwr <- mean - z * sd
    out$upr <- mean + z * sd
  }
  out
}

# Posterior mean at latent points Xs, on the original scale.
.predict_mean <- function(object, Xs) {
  M <- .post_mean(.posterior(object), Xs)  # R/posterior.R
  rownames(M) <- rownames(Xs)
  .unscale(object, M)
}

# Posterior variance of the latent function at Xs (noise excluded), in the
# model's centred, scaled units.
.predict_var <- function(object, Xs) {
  .checked_var(.post_variance(.posterior(object), Xs))  # R/posterior.R
}

# Variances v floored at 0; the validator checks the factor's shape and
# diagonal only (O(N)): damage elsewhere shows here, and must not come
# back as NaN.
.checked_var <- function(v) {
  if (!all(is.finite(v))) {
    stop("the fit is damaged: its factor ('chol' or 'Cfac') gives ",
         "non-finite predictive variances", call. = FALSE)
  }
  pmax(v, 0)
}

# The inputs the posterior is expressed on (R/posterior.R).
.support <- function(object) .posterior(object)$support

# Latent positions for new centred, scaled data rows Ys, optimised from X0
# (NULL: from the fitted position of the nearest training row).
.project <- function(object, Ys, maxit, rn, X0 = NULL) {
  X <- object$X
  q <- ncol(X)
  m <- nrow(Ys)
  d <- ncol(Ys)
  if (is.null(X0)) {
    # nearest training row in data space (missing entries at their column
    # mean, missing training entries at their posterior mean)
    Y0 <- replace(Ys, is.na(Ys), 0)
    Yt <- .completed_Y(object)
    d2 <- outer(rowSums(Y0^2), rowSums(Yt^2), `+`) - 2 * tcrossprod(Y0, Yt)
    X0 <- X[max.col(-d2, ties.method = "first"), , drop = FALSE]
  }
  obj <- .project_objective(object, Ys)
  opt <- tryCatch(
    stats::optim(c(X0), obj$fn, obj$gr, method = "L-BFGS-B",
                 control = list(maxit = maxit)),
    error = function(e) {
      stop(sprintf(paste("the latent positions of 'newdata' could not be",
                         "optimised (%s); is it on the scale of the",
                         "training data?"), conditionMessage(e)),
           call. = FALSE)
    })
  if (opt$convergence != 0L) {
    warning(sprintf(paste("the latent positions did not converge (code %d);",
                          "try a larger 'maxit'"), opt$convergence),
            call. = FALSE)
  }
  matrix(opt$par, m, q, dimnames = list(rn, colnames(X)))
}

# Negative log predictive density of the observed entries of the rows of
# Ys (plus the prior) as a function of their latent positions; fn and gr
# share one evaluation.  The columns sharing one predictive variance come
# from the posterior's groups (R/posterior.R): one for complete training
# data, one per missingness pattern otherwise.
.project_objective <- function(object, Ys) {
  post <- .posterior(object)
  groups <- .post_groups(post)
  m <- nrow(Ys)
  q <- ncol(object$X)
  obs <- !is.na(Ys)
  last <- NULL
  eval <- function(par) {
    if (!is.null(last) && identical(par, last$par)) return(last)
    Xs <- matrix(par, m, q)
    Ks <- kern_matrix(object$kernel, Xs, post$support)
    mu <- Ks %*% post$alpha
    kd <- .kern_diag(object$kernel, Xs)
    res <- replace(Ys - mu, !obs, 0)
    val <- 0
    dm <- res                              # d value / d mu
    ds_all <- 0                            # d value / d k(x, x)
    dB <- matrix(0, m, ncol(Ks))           # d value / d Ks via the variances
    for (grp in groups) {
      cols <- grp$cols
      sub <- grp$sub
      Kg <- Ks[, sub, drop = FALSE]
      s2 <- object$noise + pmax(kd - .post_explained(grp$post, Kg), 0)
      d <- rowSums(obs[, cols, drop = FALSE])
      rss <- rowSums(res[, cols, drop = FALSE]^2)
      val <- val + sum(d / 2 * log(2 * pi * s2) + rss / (2 * s2))
      dm[, cols] <- -res[, cols, drop = FALSE] / s2
      ds <- d / (2 * s2) - rss / (2 * s2^2)  # d value / d s2
      dB[, sub] <- dB[, sub] - 2 * ds * .post_times_inverse(grp$post, Kg)
      ds_all <- ds_all + ds
    }
    # d value / d Ks and d value / d k(x, x), contracted in C with the
    # kernel's derivatives in the new points
    W <- tcrossprod(dm, post$alpha) + dB
    g <- .kern_grad(object$kernel, Xs, W, post$support)$X +
      .kern_grad(object$kernel, Xs, ds_all)$X
    if (object$prior) {
      val <- val + sum(Xs^2) / 2
      g <- g + Xs
    }
    last <<- list(par = par, value = val, grad = c(g))
    last
  }
  list(fn = function(par) eval(par)$value,
       gr = function(par) eval(par)$grad)
}
