# Back-constraints (Lawrence and Quinonero-Candela 2006): the latent
# positions are a smooth function of the data, X = g(Y; w), and the fit
# optimises w instead of X.  Each mapping is a latent map (R/latent.R) with
# more fields: `control` (its settings, defaults filled in),
# `map(w, Ynew)`, the mapping applied to new rows (centred and scaled as the
# model's data), which predict() uses, and `zero_dim(w, j)`, the weights
# with latent dimension j set to 0 and the others unchanged (its output
# layer's column j), with which a Bayesian fit switches a dimension off
# (.switch_off in R/bayes.R).

.back_kinds <- c("none", "kernel", "mlp")

# The settings each mapping takes in `back_control`.
.back_settings <- list(none = character(), kernel = "width", mlp = "hidden")

# `back` and `back_control` as gplvm() takes them, checked: returns
# list(kind, control).
.check_back <- function(back, back_control) {
  kind <- .check_choice(back, .back_kinds, "back")
  if (!is.list(back_control) || is.data.frame(back_control) ||
      (length(back_control) &&
       (is.null(names(back_control)) || !all(nzchar(names(back_control))) ||
        anyDuplicated(names(back_control))))) {
    stop("'back_control' must be a list whose entries are all named, once",
         call. = FALSE)
  }
  allowed <- .back_settings[[kind]]
  bad <- setdiff(names(back_control), allowed)
  if (length(bad)) {
    stop(sprintf("'back_control' has %s for back = \"%s\", which takes %s",
                 paste0("'", bad, "'", collapse = ", "), kind,
                 if (length(allowed)) paste0("'", allowed, "'",
                                             collapse = ", ")
                 else "no settings"), call. = FALSE)
  }
  if (!is.null(back_control$width)) {
    back_control$width <- .check_positive(back_control$width,
                                          "back_control$width")
  }
  if (!is.null(back_control$hidden)) {
    back_control$hidden <- .check_count(back_control$hidden,
                                        "back_control$hidden", hi = 1000L)
  }
  list(kind = kind, control = back_control)
}

# The latent map of back-constraint `kind` on the model's data Y (centred,
# and scaled when the model is), q latent dimensions; NULL for "none" (the
# objective's free positions).
.back_map <- function(kind, Y, q, control) {
  switch(kind, none = NULL,
         kernel = .back_kernel(Y, q, control$width),
         mlp = .back_mlp(Y, q, control$hidden %||% 5L))
}

# The median rule: the median distance between distinct rows of Y (1 if
# all rows coincide).
.median_distance <- function(Y) {
  d <- stats::dist(Y)
  d <- d[d > 0]
  if (length(d)) stats::median(d) else 1
}

# X = K A with K the RBF kernel matrix exp(-|y_i - y_j|^2 / (2 width^2)) of
# the rows of Y (width NULL: the median distance).  K is positive definite,
# so with A free any X is K A and the constraint would rest only on how
# slowly the optimiser moves A along K's small eigenvectors (optimising A
# itself did not converge in 10000 iterations on iris).  Instead A =
# U S^-1/2 B with K = U S U' restricted to the r eigenvalues above
# 1e-6 times the largest, and w = B (r x q): X = U S^1/2 B lies in the span
# of K's leading eigenvectors (the functions of Y smooth at this width),
# the gradient is S^1/2 U' dL/dX, and |B|^2 = tr(A' K A) is the mapping's
# norm in the kernel's function space.  start(X0) is the least-squares
# B = S^-1/2 U' X0, which reproduces a PCA start up to its part outside
# that span.
.back_kernel <- function(Y, q, width = NULL) {
  if (is.null(width)) width <- .median_distance(Y)
  rbf <- kern_rbf(1, width)
  e <- eigen(kern_matrix(rbf, Y), symmetric = TRUE)
  keep <- e$values > 1e-6 * e$values[1L]
  r <- sum(keep)
  U <- e$vectors[, keep, drop = FALSE]
  s <- e$values[keep]
  rm(e)  # the closures below would keep all N^2 eigenvector entries
  F <- U * rep(sqrt(s), each = nrow(U))   # X = F B
  to_A <- U * rep(1 / sqrt(s), each = nrow(U))  # A = to_A B
  B <- function(w) matrix(w, r, q)
  list(kind = "kernel", npar = r * q, nrow = nrow(Y), q = q,
       control = list(width = width),
       rank = r,
       start = function(X0) as.vector(crossprod(U, X0) / sqrt(s)),
       X = function(w, rows = NULL) {
         (if (is.null(rows)) F else F[rows, , drop = FALSE]) %*% B(w)
       },
       pullback = function(w, gX, rows = NULL) {
         as.vector(crossprod(if (is.null(rows)) F
                             else F[rows, , drop = FALSE], gX))
       },
       coef = function(w) to_A %*% B(w),
       map = function(w, Ynew) kern_matrix(rbf, Ynew, Y) %*% (to_A %*% B(w)))
}

# X = tanh(Y W1 + b1) W2 + b2 with `hidden` tanh units: w = c(W1 (d x h),
# b1 (h), W2 (h x q), b2 (q)).  start(X0) draws W1 from R's random number
# generator with standard deviation 1 / sqrt(d * mean(Y^2)) (each hidden
# unit's input then has variance about 1, in tanh's bend but not
# saturated), b1 = 0, fits W2 and b2 by least squares, and then minimises
# |X(w) - X0|^2 over all of w (L-BFGS-B, at most 500 iterations).
.back_mlp <- function(Y, q, hidden) {
  n <- nrow(Y)
  d <- ncol(Y)
  h <- hidden
  idx <- cumsum(c(d * h, h, h * q, q))
  unpack <- function(w) {
    list(W1 = matrix(w[seq_len(idx[1])], d, h),
         b1 = w[(idx[1] + 1):idx[2]],
         W2 = matrix(w[(idx[2] + 1):idx[3]], h, q),
         b2 = w[(idx[3] + 1):idx[4]])
  }
  hidden_units <- function(p, Yin) tanh(sweep(Yin %*% p$W1, 2L, p$b1, `+`))
  forward <- function(w, Yin) {
    p <- unpack(w)
    H <- hidden_units(p, Yin)
    sweep(H %*% p$W2, 2L, p$b2, `+`)
  }
  input <- function(rows) if (is.null(rows)) Y else Y[rows, , drop = FALSE]
  pullback <- function(w, gX, rows = NULL) {
    p <- unpack(w)
    Yr <- input(rows)
    H <- hidden_units(p, Yr)
    gZ <- tcrossprod(gX, p$W2) * (1 - H^2)
    c(crossprod(Yr, gZ), colSums(gZ), crossprod(H, gX), colSums(gX))
  }
  start <- function(X0) {
    W1 <- matrix(stats::rnorm(d * h, sd = 1 / sqrt(d * mean(Y^2))), d, h)
    H <- tanh(Y %*% W1)
    out <- qr.coef(qr(cbind(H, 1)), X0)
    out[is.na(out)] <- 0  # columns of H that are (nearly) collinear
    w <- c(W1, numeric(h), out[seq_len(h), ], out[h + 1L, ])
    opt <- stats::optim(w, function(w) sum((forward(w, Y) - X0)^2) / 2,
                        function(w) pullback(w, forward(w, Y) - X0),
                        method = "L-BFGS-B", control = list(maxit = 500L))
    opt$par
  }
  list(kind = "mlp", npar = idx[4], nrow = n, q = q, control = list(hidden = h),
       start = start, X = function(w, rows = NULL) forward(w, input(rows)),
       pullback = pullback,
       map = forward)
}

# The weights w of mapping `latent` (a map or a fit's descriptor of one)
# with latent dimension j set to 0 and the others unchanged: the output
# layer's column j (B's column for the kernel map; W2's column and b2's
# entry for the MLP, whose w ends with c(W2 (h x q), b2 (q))).
.zero_dim <- function(latent, w, j) {
  q <- latent$q
  n <- length(w)
  at <- if (latent$kind == "kernel") {
    (j - 1L) * (n / q) + seq_len(n / q)
  } else {
    h <- latent$control$hidden
    c(n - q - h * q + (j - 1L) * h + seq_len(h), n - q + j)
  }
  w[at] <- 0
  w
}

# One line for print() and summary(): the back-constraint of fit `x`, or
# NULL without one.
.describe_back <- function(x) {
  b <- x$latent
  switch(.back_kind(x), none = NULL,
         kernel = sprintf(paste("X = K(Y) A, RBF kernel of width %s on",
                                "the data (rank %d)"),
                          format(b$control$width, digits = 4L),
                          b$rank),
         mlp = sprintf("X = MLP(Y), %d tanh hidden unit%s",
                       b$control$hidden,
                       if (b$control$hidden == 1L) "" else "s"))
}

# The back-constraint of a fit: "none" for fits without one (and fits made
# before latent maps existed).
.back_kind <- function(x) {
  k <- if (is.list(x$latent)) x$latent$kind
  if (is.character(k) && length(k) == 1L && k %in% .back_kinds) k else "none"
}

# print() and summary(): the line of .describe_back(), if any.
.cat_back <- function(line) {
  if (!is.null(line)) cat("Back-constraint:", line, "\n")
}

# For .check_gplvm(): a back-constrained fit's map is intact (its functions,
# and fitted weights of the right length, finite).
.valid_back <- function(latent, Y = NULL) {
  kind <- .back_kind(list(latent = latent))
  if (kind == "none") return(TRUE)
  ok <- is.numeric(latent$par) && length(latent$par) == latent$npar &&
    all(is.finite(latent$par)) && is.list(latent$control)
  if (!ok) return(FALSE)
  if (kind == "kernel") {
    w <- latent$control$width
    is.numeric(w) && length(w) == 1L && is.finite(w) && w > 0 &&
      is.matrix(latent$coef) && all(is.finite(latent$coef)) &&
      (is.null(Y) || nrow(latent$coef) == nrow(Y))
  } else {
    h <- latent$control$hidden
    d <- NCOL(Y)
    is.numeric(h) && length(h) == 1L && h >= 1 && h == round(h) &&
      (is.null(Y) || latent$npar == d * h + h + h * latent$q + latent$q)
  }
}

# The data a fit's mapping reads: its data, after rank-q SVD imputation
# of the missing entries (R/missing.R; complete data come back as they are).
.back_input <- function(object) .svd_impute(object$Y, ncol(object$X))

# The mapping of a back-constrained fit applied to new centred, scaled rows
# Ys (complete: the mapping needs every column); NULL for other fits.
.back_project <- function(object, Ys, rn) {
  if (.back_kind(object) == "none") return(NULL)
  if (anyNA(Ys)) {
    stop(paste("'newdata' must not contain NA for a back-constrained fit:",
               "its mapping needs every column"), call. = FALSE)
  }
  b <- object$latent
  X <- if (b$kind == "kernel") {
    kern_matrix(kern_rbf(1, b$control$width), Ys, .back_input(object)) %*%
      b$coef
  } else {
    .back_mlp(object$Y, ncol(object$X), b$control$hidden)$map(b$par, Ys)
  }
  dimnames(X) <- list(rn, colnames(object$X))
  X
}
