# The test oracle: a plain-R twin of every kernel and of the C core,
# written straight from the formulas with dense matrices, independent of
# the C kernel table.  The tests compare every C pass against it.

# Per-dimension lengthscales or variances, recycled to q.
per_dim <- function(x, q) if (length(x) == 1L) rep(x, q) else x

# Derivatives of a shared (length 1) or per-dimension parameter: a list of
# q matrices d_c, summed when shared.
group_deriv <- function(d, x) if (length(x) == 1L) list(Reduce(`+`, d)) else d

# One part p on inputs X (n x q) and X2 (m x q): list(K, dA, dP) with
# K = k(X, X2), dA[[c]] = dk(x_i, z_j) / dx_ic and dP[[t]] = dk / dtheta_t
# for every parameter in kern_params() order.  same: X2 is X (white
# parts are v on the diagonal then).
.part_oracle <- function(p, X, X2, same = FALSE) {
  q <- ncol(X)
  n <- nrow(X)
  m <- nrow(X2)
  pr <- p$params
  v <- pr$variance
  zero <- matrix(0, n, m)
  D <- lapply(seq_len(q), function(c) outer(X[, c], X2[, c], "-"))
  radial <- function(f, df, extra = list()) {
    # k = v f(r2), df = df/dr2; extra: derivatives of f in extra params
    l <- per_dim(pr$lengthscale, q)
    r2 <- Reduce(`+`, Map(function(d, lc) d^2 / lc^2, D, l))
    fr <- f(r2)
    dfr <- df(r2)
    list(K = v * fr,
         dA = lapply(seq_len(q), function(c) v * dfr * 2 * D[[c]] / l[c]^2),
         dP = c(list(fr),
                group_deriv(lapply(seq_len(q), function(c)
                  -v * dfr * 2 * D[[c]]^2 / l[c]^3), pr$lengthscale),
                lapply(extra, function(g) v * g(r2))))
  }
  switch(p$type,
    rbf = radial(function(r2) exp(-r2 / 2), function(r2) -exp(-r2 / 2) / 2),
    matern32 = radial(
      function(r2) (1 + sqrt(3 * r2)) * exp(-sqrt(3 * r2)),
      function(r2) -1.5 * exp(-sqrt(3 * r2))),
    matern52 = radial(
      function(r2) (1 + sqrt(5 * r2) + 5 * r2 / 3) * exp(-sqrt(5 * r2)),
      function(r2) -5 / 6 * (1 + sqrt(5 * r2)) * exp(-sqrt(5 * r2))),
    rq = {
      al <- pr$alpha
      radial(function(r2) (1 + r2 / (2 * al))^-al,
             function(r2) -0.5 * (1 + r2 / (2 * al))^(-al - 1),
             list(function(r2) {
               u <- 1 + r2 / (2 * al)
               u^-al * ((u - 1) / u - log(u))
             }))
    },
    linear = {
      vq <- per_dim(v, q)
      list(K = X %*% (vq * t(X2)),
           dA = lapply(seq_len(q), function(c)
             matrix(vq[c] * X2[, c], n, m, byrow = TRUE)),
           dP = group_deriv(lapply(seq_len(q), function(c)
             outer(X[, c], X2[, c])), v))
    },
    bias = list(K = matrix(v, n, m), dA = rep(list(zero), q),
                dP = list(matrix(1, n, m))),
    white = {
      I <- if (same) diag(1, n) else zero
      list(K = v * I, dA = rep(list(zero), q), dP = list(I))
    },
    periodic = {
      l <- per_dim(pr$lengthscale, q)
      per <- pr$period
      K <- v * exp(-2 * Reduce(`+`, Map(function(d, lc)
        sin(pi * d / per)^2 / lc^2, D, l)))
      list(K = K,
           dA = lapply(seq_len(q), function(c)
             -K * 2 * pi / (per * l[c]^2) * sin(2 * pi * D[[c]] / per)),
           dP = c(list(K / v),
                  group_deriv(lapply(seq_len(q), function(c)
                    4 * K * sin(pi * D[[c]] / per)^2 / l[c]^3),
                    pr$lengthscale),
                  list(K * Reduce(`+`, Map(function(d, lc)
                    2 * pi * d / (per^2 * lc^2) * sin(2 * pi * d / per),
                    D, l)))))
    },
    mlp = {
      w <- per_dim(pr$weight_variance, q)
      beta <- pr$bias_variance
      S <- X %*% (w * t(X2)) + beta
      A <- drop(X^2 %*% w) + beta + 1
      B <- drop(X2^2 %*% w) + beta + 1
      AB <- outer(A, B)
      u <- S / sqrt(AB)
      dku <- v * 2 / pi / sqrt(1 - u^2)
      # du/dA = -u / (2 A), du/dB = -u / (2 B)
      duA <- -u / (2 * A)
      duB <- -u / (2 * matrix(B, n, m, byrow = TRUE))
      list(K = v * 2 / pi * asin(u),
           dA = lapply(seq_len(q), function(c)
             dku * (matrix(w[c] * X2[, c], n, m, byrow = TRUE) / sqrt(AB) +
                      duA * 2 * w[c] * X[, c])),
           dP = c(list(2 / pi * asin(u)),
                  group_deriv(lapply(seq_len(q), function(c)
                    dku * (outer(X[, c], X2[, c]) / sqrt(AB) +
                             duA * X[, c]^2 +
                             duB * matrix(X2[, c]^2, n, m, byrow = TRUE))),
                    pr$weight_variance),
                  list(dku * (1 / sqrt(AB) + duA + duB))))
    },
    stop("no oracle for kernel type ", p$type))
}

# Oracle of every part of a kernel.
kernel_oracle <- function(kernel, X, X2 = NULL) {
  same <- is.null(X2)
  if (same) X2 <- X
  lapply(.kernel_parts(kernel), function(p) .part_oracle(p, X, X2, same))
}

.kern_matrix_r <- function(kernel, X, X2 = NULL) {
  Reduce(`+`, lapply(kernel_oracle(kernel, X, X2), `[[`, "K"))
}

# Contraction of W (n x m) with the derivatives of k(X, X2): list(X, X2,
# kernel), as the C pass gplvm_kernel_grad_cross.
kern_grad_cross_r <- function(kernel, X, X2, W) {
  fw <- kernel_oracle(kernel, X, X2)
  bw <- kernel_oracle(kernel, X2, X)
  q <- ncol(X)
  list(X = Reduce(`+`, lapply(fw, function(o)
         sapply(seq_len(q), function(c) rowSums(W * o$dA[[c]])))),
       X2 = Reduce(`+`, lapply(bw, function(o)
         sapply(seq_len(q), function(c) colSums(W * t(o$dA[[c]]))))),
       kernel = unlist(lapply(fw, function(o)
         vapply(o$dP, function(d) sum(W * d), 0))))
}

# Diagonal k(x_i, x_i) and its contraction with weights g (the total
# derivative in x_i is twice the first-argument one: k is symmetric).
kern_diag_r <- function(kernel, X) diag(.kern_matrix_r(kernel, X))
kern_grad_diag_r <- function(kernel, X, g) {
  o <- kernel_oracle(kernel, X)
  q <- ncol(X)
  list(X = Reduce(`+`, lapply(o, function(p)
         sapply(seq_len(q), function(c) 2 * g * diag(p$dA[[c]])))),
       kernel = unlist(lapply(o, function(p)
         vapply(p$dP, function(d) sum(g * diag(d)), 0))))
}

# dk(xs_i, x_j) / dxs_i as an n x q x m array, like gplvm_kernel_cross_dx.
kern_dx_r <- function(kernel, Xs, X) {
  o <- kernel_oracle(kernel, Xs, X)
  dA <- lapply(seq_len(ncol(X)), function(c)
    Reduce(`+`, lapply(o, function(p) p$dA[[c]])))
  aperm(array(unlist(lapply(dA, t)), c(nrow(X), nrow(Xs), ncol(X))),
        c(1, 3, 2))
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
  o <- kernel_oracle(kernel, X)
  gX <- Reduce(`+`, lapply(o, function(p)
    sapply(seq_len(ncol(X)), function(c) 2 * rowSums(G * p$dA[[c]]))))
  list(loglik = loglik, X = matrix(gX, n, ncol(X)),
       kernel = unlist(lapply(o, function(p)
         vapply(p$dP, function(dp) sum(G * dp), 0))),
       noise = sum(diag(G)), Y = -A)
}
# Plain-R twin, dense (N x N), written from the formulas; `jitter` is the
# relative jitter on k(Z, Z) (1e-8 in C unless it had to grow).
.loglik_sparse_r <- function(Y, X, Z, kernel, noise, approx,
                             jitter = 1e-8) {
  parts <- .kernel_parts(kernel)
  white <- vapply(parts, `[[`, "", "type") == "white"
  s2 <- noise + sum(vapply(parts[white], function(p) p$params$variance, 0))
  kf <- structure(list(type = "sum", parts = parts[!white]),
                  class = "gplvm_kernel")
  n <- nrow(Y)
  d <- ncol(Y)
  Kzz <- .kern_matrix_r(kf, Z)
  Kzz <- Kzz + diag(jitter * mean(diag(Kzz)), nrow(Z))
  Kxz <- .kern_matrix_r(kf, X, Z)
  Q <- Kxz %*% solve(Kzz, t(Kxz))
  kd <- diag(.kern_matrix_r(kf, X))
  lambda <- s2 + if (approx == "fitc") kd - diag(Q) else 0
  S <- Q + diag(lambda, n)
  R <- chol(S)
  A <- backsolve(R, forwardsolve(t(R), Y))
  loglik <- -n * d / 2 * log(2 * pi) - d * sum(log(diag(R))) -
    sum(A * Y) / 2
  if (approx == "vfe") loglik <- loglik - d / (2 * s2) * sum(kd - diag(Q))
  loglik
}

