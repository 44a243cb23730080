#' Predictions from a fitted GP-LVM
#'
#' In one direction, `newdata` gives latent positions for new rows of data
#' (like [stats::predict.prcomp()] gives scores): each new point's latent
#' position is optimised under the fitted GP, maximising
#' \eqn{\log N(y_* \mid \mu(x_*), s^2(x_*) I)}{log N(y* | mu(x*), s2(x*) I)}
#' (plus the unit Gaussian log prior on \eqn{x_*}{x*} when the model was
#' fitted with one), starting from the fitted latent position of its nearest
#' training point in data space.  All new points are optimised together
#' (their objectives are independent) with L-BFGS-B.
#'
#' For a sparse fit (see [gplvm()]) both directions use the sparse
#' posterior, whose mean and variance are computed from the M inducing
#' inputs in \eqn{O(M^2)}{O(M^2)} per point.
#'
#' In the other direction, `newlatent` gives the posterior mean of the data
#' at new latent points on the original scale and, with `se.fit = TRUE`,
#' the predictive standard deviation of a new observation there (the GP's
#' posterior variance plus the noise variance, times each column's scale).
#'
#' @param object A fitted model from [gplvm()].
#' @param newdata Numeric matrix or data frame with the columns of the
#'   training data.
#' @param newlatent Numeric matrix with `q` columns of latent positions.
#' @param se.fit With `newlatent`: also return the predictive standard
#'   deviations.
#' @param maxit With `newdata`: maximum number of L-BFGS-B iterations.
#' @param ... Ignored.
#' @return With neither `newdata` nor `newlatent`: the fitted latent
#'   positions.  With `newdata`: a matrix of latent positions, one row per
#'   row of `newdata`.  With `newlatent`: a matrix of predicted data, one row
#'   per latent point, or with `se.fit = TRUE` a list with `fit` and
#'   `se.fit`, two such matrices.
#' @examples
#' set.seed(1)
#' fit <- gplvm(iris[seq(1, 150, 3), 1:4])
#' predict(fit, newdata = iris[c(2, 80, 140), 1:4])
#' predict(fit, newlatent = fit$X[1:3, ], se.fit = TRUE)
#' @export
predict.gplvm <- function(object, newdata = NULL, newlatent = NULL,
                          se.fit = FALSE, maxit = 200, ...) {
  .check_gplvm(object)
  se.fit <- .check_flag(se.fit, "se.fit")
  if (!is.null(newdata) && !is.null(newlatent)) {
    stop("give only one of 'newdata' and 'newlatent'", call. = FALSE)
  }
  if (!is.null(newlatent)) {
    Xs <- .as_numeric_matrix(newlatent, "newlatent")
    if (ncol(Xs) != ncol(object$X)) {
      stop(sprintf("'newlatent' must have %d columns, not %d",
                   ncol(object$X), ncol(Xs)), call. = FALSE)
    }
    mean <- .predict_mean(object, Xs)
    if (!se.fit) return(mean)
    sd <- sqrt(.predict_var(object, Xs) + object$noise)
    se <- outer(sd, if (is.null(object$scale)) rep(1, ncol(mean))
                    else object$scale)
    dimnames(se) <- dimnames(mean)
    return(list(fit = mean, se.fit = se))
  }
  if (is.null(newdata)) return(object$X)
  Ys <- .as_numeric_matrix(newdata, "newdata", allow_data_frame = TRUE)
  if (ncol(Ys) != ncol(object$Y)) {
    stop(sprintf("'newdata' must have %d columns, like the training data, %s",
                 ncol(object$Y), paste("not", ncol(Ys))), call. = FALSE)
  }
  maxit <- .check_count(maxit, "maxit")
  Ys <- sweep(Ys, 2L, object$center)
  if (!is.null(object$scale)) Ys <- sweep(Ys, 2L, object$scale, `/`)
  .project(object, Ys, maxit, rownames(newdata))
}

# Posterior mean at latent points Xs, on the original scale.
.predict_mean <- function(object, Xs) {
  Ks <- kern_matrix(object$kernel, Xs, .support(object))
  M <- Ks %*% object$alpha
  rownames(M) <- rownames(Xs)
  .unscale(object, M)
}

# Posterior variance of the latent function at Xs (noise excluded), in the
# model's centred, scaled units.
.predict_var <- function(object, Xs) {
  Ks <- kern_matrix(object$kernel, Xs, .support(object))
  pmax(.kern_diag(object$kernel, Xs) - .explained(object, Ks), 0)
}

# k(x, S) C^-1 k(S, x) for each row of Ks = k(Xs, S), as a sum of squares:
# S and C are the training inputs and K of an exact fit, the inducing
# inputs and (Kzz^-1 - B^-1)^-1 = (Cfac Cfac')^-1 of a sparse one.
.explained <- function(object, Ks) {
  if (is.null(object$inducing)) {
    colSums(forwardsolve(t(object$chol), t(Ks))^2)
  } else {
    rowSums((Ks %*% object$Cfac)^2)
  }
}

# The inputs the posterior is expressed on: the latent positions of an
# exact fit, the inducing inputs of a sparse one.
.support <- function(object) {
  if (is.null(object$inducing)) object$X else object$inducing
}

# Diagonal of k(X, X) for new points (white parts included: a new point is
# its own neighbour).
.kern_diag <- function(kernel, X) {
  Reduce(`+`, lapply(.kernel_parts(kernel), function(p) {
    v <- p$params$variance
    if (p$type == "linear") {
      drop(X^2 %*% .per_dim(v, ncol(X)))
    } else {
      rep(v, nrow(X))
    }
  }))
}

# Derivatives of the cross covariance k(x_i, X) (m x N) with respect to
# x_iq, one m x N matrix per latent dimension, and of k(x_i, x_i) (m x q).
.kern_cross_grad <- function(kernel, Xs, X) {
  q <- ncol(X)
  dK <- replicate(q, matrix(0, nrow(Xs), nrow(X)), simplify = FALSE)
  dd <- matrix(0, nrow(Xs), q)
  for (p in .kernel_parts(kernel)) {
    v <- p$params$variance
    if (p$type == "linear") {
      vq <- .per_dim(v, q)
      for (j in seq_len(q)) {
        dK[[j]] <- dK[[j]] + matrix(vq[j] * X[, j], nrow(Xs), nrow(X),
                                    byrow = TRUE)
        dd[, j] <- dd[, j] + 2 * vq[j] * Xs[, j]
      }
    } else if (p$type %in% c("rbf", "matern32", "matern52")) {
      l <- .per_dim(p$params$lengthscale, q)
      diffs <- lapply(seq_len(q), function(j) outer(Xs[, j], X[, j], "-"))
      r2 <- Reduce(`+`, Map(function(d, lj) d^2 / lj^2, diffs, l))
      psi <- .stationary_r(p$type, v, r2)$psi
      for (j in seq_len(q)) {
        dK[[j]] <- dK[[j]] - psi * diffs[[j]] / l[j]^2
      }
    }
  }
  list(K = dK, diag = dd)
}

# Latent positions for new centred, scaled data rows Ys.
.project <- function(object, Ys, maxit, rn) {
  X <- object$X
  q <- ncol(X)
  m <- nrow(Ys)
  d <- ncol(Ys)
  # nearest training row in data space
  d2 <- outer(rowSums(Ys^2), rowSums(object$Y^2), `+`) -
    2 * tcrossprod(Ys, object$Y)
  X0 <- X[max.col(-d2, ties.method = "first"), , drop = FALSE]
  Kinv <- if (is.null(object$inducing)) chol2inv(object$chol)
          else tcrossprod(object$Cfac)
  obj <- .project_objective(object, Ys, Kinv)
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

# Negative log predictive density of the rows of Ys (plus the prior) as a
# function of their latent positions; fn and gr share one evaluation.
.project_objective <- function(object, Ys, Kinv) {
  m <- nrow(Ys)
  q <- ncol(object$X)
  d <- ncol(Ys)
  last <- NULL
  eval <- function(par) {
    if (!is.null(last) && identical(par, last$par)) return(last)
    Xs <- matrix(par, m, q)
    Ks <- kern_matrix(object$kernel, Xs, .support(object))
    B <- Ks %*% Kinv
    mu <- Ks %*% object$alpha
    s2 <- object$noise +
      pmax(.kern_diag(object$kernel, Xs) - .explained(object, Ks), 0)
    res <- Ys - mu
    rss <- rowSums(res^2)
    val <- sum(d / 2 * log(2 * pi * s2) + rss / (2 * s2))
    dm <- -res / s2                      # d value / d mu
    ds <- d / (2 * s2) - rss / (2 * s2^2)  # d value / d s2
    dk <- .kern_cross_grad(object$kernel, Xs, .support(object))
    g <- vapply(seq_len(q), function(j) {
      rowSums(dm * (dk$K[[j]] %*% object$alpha)) +
        ds * (dk$diag[, j] - 2 * rowSums(B * dk$K[[j]]))
    }, numeric(m))
    g <- matrix(g, m, q)
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
