# Plain-R twin of the C core, written straight from the formulas with dense
# matrices.  Unexported: the tests compare the C routines against it.

.stationary_r <- function(type, v, r2) {
  r <- sqrt(r2)
  switch(type,
    rbf = list(k = v * exp(-r2 / 2), psi = v * exp(-r2 / 2)),
    matern32 = list(k = v * (1 + sqrt(3) * r) * exp(-sqrt(3) * r),
                    psi = 3 * v * exp(-sqrt(3) * r)),
    matern52 = list(k = v * (1 + sqrt(5) * r + 5 * r2 / 3) *
                      exp(-sqrt(5) * r),
                    psi = 5 / 3 * v * (1 + sqrt(5) * r) * exp(-sqrt(5) * r)))
}

# Per-dimension lengthscales or linear variances, recycled to q.
.per_dim <- function(x, q) if (length(x) == 1L) rep(x, q) else x

.part_matrix_r <- function(p, X, X2, same) {
  q <- ncol(X)
  v <- p$params$variance
  switch(p$type,
    linear = X %*% (.per_dim(v, q) * t(X2)),
    bias = matrix(v, nrow(X), nrow(X2)),
    white = if (same) diag(v, nrow(X)) else matrix(0, nrow(X), nrow(X2)),
    {
      l <- .per_dim(p$params$lengthscale, q)
      r2 <- Reduce(`+`, lapply(seq_len(q), function(j)
        outer(X[, j], X2[, j], "-")^2 / l[j]^2))
      .stationary_r(p$type, v, r2)$k
    })
}

.kern_matrix_r <- function(kernel, X, X2 = NULL) {
  same <- is.null(X2)
  if (same) X2 <- X
  Reduce(`+`, lapply(.kernel_parts(kernel), function(p)
    .part_matrix_r(p, X, X2, same)))
}

# Gradient of one part given G = dL/dK: list(X = dL/dX, par = dL/dtheta).
.part_grad_r <- function(p, X, G) {
  q <- ncol(X)
  v <- p$params$variance
  switch(p$type,
    linear = {
      vq <- .per_dim(v, q)
      GX <- G %*% X
      gv <- colSums(X * GX)
      list(X = 2 * sweep(GX, 2, vq, `*`),
           par = if (length(v) == 1L) sum(gv) else gv)
    },
    bias = list(X = 0, par = sum(G)),
    white = list(X = 0, par = sum(diag(G))),
    {
      l <- .per_dim(p$params$lengthscale, q)
      D2 <- lapply(seq_len(q), function(j) outer(X[, j], X[, j], "-")^2)
      r2 <- Reduce(`+`, Map(function(d, lj) d / lj^2, D2, l))
      ks <- .stationary_r(p$type, v, r2)
      W <- G * ks$psi
      gX <- sapply(seq_len(q), function(j)
        -(2 / l[j]^2) * (rowSums(W) * X[, j] - W %*% X[, j]))
      gl <- vapply(seq_len(q), function(j) sum(W * D2[[j]]) / l[j]^3, 0)
      list(X = matrix(gX, nrow(X)),
           par = c(sum(G * ks$k) / v,
                   if (length(p$params$lengthscale) == 1L) sum(gl) else gl))
    })
}

.loglik_r <- function(Y, X, kernel, noise) {
  n <- nrow(Y)
  d <- ncol(Y)
  K <- .kern_matrix_r(kernel, X) + diag(noise, n)
  R <- chol(K)
  A <- backsolve(R, forwardsolve(t(R), Y))
  loglik <- -n * d / 2 * log(2 * pi) - d * sum(log(diag(R))) -
    sum(A * Y) / 2
  G <- (tcrossprod(A) - d * chol2inv(R)) / 2
  grads <- lapply(.kernel_parts(kernel), function(p) .part_grad_r(p, X, G))
  gX <- Reduce(`+`, lapply(grads, `[[`, "X"), matrix(0, n, ncol(X)))
  list(loglik = loglik, X = gX,
       kernel = unlist(lapply(grads, `[[`, "par"), use.names = FALSE),
       noise = sum(diag(G)))
}
