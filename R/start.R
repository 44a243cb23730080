# Spectral start: Laplacian eigenmaps (Belkin and Niyogi 2003) on the
# k-nearest-neighbour graph of the rows of Y.  PCA starts a non-linear
# fit from a linear projection that folds curved structure over itself;
# the graph keeps each row beside its neighbours, which is what the
# GP-LVM is asked to recover.  Pure R and base eigen(): neighbours are
# found block by block (memory O(block * N), not O(N^2)).  Above `n_dense`
# rows the eigenvectors are those of `n_dense` landmark rows, and every
# row gets the kernel-weighted mean of its nearest landmarks' (a Nystrom
# extension): O(N n_dense D) instead of an N x N eigenproblem, whose
# iterative solution converges slowly on neighbour graphs (their leading
# eigenvalues are close together).

# The k nearest rows of B to each row of A: list(index, dist2), each
# nrow(A) by k, nearest first; ties go to the lower row number.  With
# `self = TRUE` (B is A) a row is not its own neighbour.
.knn <- function(A, B, k, self = FALSE, block = 512L) {
  n <- nrow(A)
  sq <- rowSums(B^2)
  index <- matrix(0L, n, k)
  dist2 <- matrix(0, n, k)
  for (from in seq(1L, n, by = block)) {
    rows <- from:min(n, from + block - 1L)
    D <- outer(rowSums(A[rows, , drop = FALSE]^2), sq, `+`) -
      2 * tcrossprod(A[rows, , drop = FALSE], B)
    if (self) D[cbind(seq_along(rows), rows)] <- Inf
    for (j in seq_len(k)) {
      nearest <- max.col(-D, ties.method = "first")
      at <- cbind(seq_along(rows), nearest)
      index[rows, j] <- nearest
      dist2[rows, j] <- pmax(D[at], 0)
      D[at] <- Inf
    }
  }
  list(index = index, dist2 = dist2)
}

# Starting latent positions from the graph Laplacian's eigenvectors.
# Y: N x D numeric matrix (as the model sees it); q: latent dimension;
# k: neighbours per row.  The graph is symmetrised (an edge where either
# row is among the other's k nearest) with heat-kernel weights
# exp(-d^2 / sigma^2), sigma^2 the median squared neighbour distance, and
# pieces joined by weak edges.  Returns N x q with centred columns of sd 1, signs fixed so
# that each column's largest entry in absolute value is positive, and the
# same numbers on every call (no random numbers).
.spectral_start <- function(Y, q, k = 15L, n_dense = 2000L) {
  Y <- .as_numeric_matrix(Y, "Y", min_rows = 3L)
  n <- nrow(Y)
  q <- .check_count(q, "q", hi = n - 2L)
  k <- .check_count(k, "k", hi = n - 1L)
  n_dense <- .check_count(n_dense, "n_dense", lo = q + k + 2L)
  if (n <= n_dense) return(.standardise_start(.eigenmap(Y, q, k)))
  landmarks <- unique(round(seq(1, n, length.out = n_dense)))
  L <- Y[landmarks, , drop = FALSE]
  XL <- .eigenmap(L, q, k)
  nn <- .knn(Y, L, k)
  # weights relative to the nearest landmark (1), so none underflows; the
  # width from all k distances, as rows equal to a landmark give 0
  sigma2 <- stats::median(nn$dist2)
  if (!(sigma2 > 0)) sigma2 <- max(mean(nn$dist2), .Machine$double.xmin)
  w <- exp(-(nn$dist2 - nn$dist2[, 1L]) / sigma2)
  X <- matrix(0, n, q)
  for (j in seq_len(k)) X <- X + w[, j] * XL[nn$index[, j], , drop = FALSE]
  .standardise_start(X / rowSums(w))
}

# The q non-trivial leading eigenvectors of the normalised neighbour graph
# of the rows of Y, as random-walk eigenvectors D^-1/2 u (piecewise
# constant on pieces that are nearly apart, where u is not).
.eigenmap <- function(Y, q, k) {
  n <- nrow(Y)
  nn <- .knn(Y, Y, k, self = TRUE)
  sigma2 <- stats::median(nn$dist2)
  if (!(sigma2 > 0)) sigma2 <- mean(nn$dist2)
  if (!(sigma2 > 0)) {
    stop("'Y' has fewer than k + 1 distinct rows near every row: no graph",
         call. = FALSE)
  }
  W <- matrix(0, n, n)
  W[cbind(rep(seq_len(n), k), as.vector(nn$index))] <-
    pmax(exp(-as.vector(nn$dist2) / sigma2), .Machine$double.xmin)
  W <- .join_pieces(pmax(W, t(W)), Y)
  d <- 1 / sqrt(rowSums(W))
  # S = D^-1/2 W D^-1/2; its leading eigenvector, D^1/2 1, is trivial
  U <- eigen(W * outer(d, d), symmetric = TRUE)$vectors[, seq_len(q + 1L)]
  U[, -1L, drop = FALSE] * d
}

# A graph in several pieces has one eigenvalue 1 per piece and says
# nothing of where the pieces lie: join each piece to the nearest row
# outside it by an edge as weak as the weakest in the graph.
.join_pieces <- function(W, Y) {
  n <- nrow(W)
  piece <- integer(n)
  A <- W > 0
  for (i in seq_len(n)) {
    if (piece[i] > 0L) next
    reached <- frontier <- i
    repeat {  # breadth-first: the rows next to the last ones reached
      more <- setdiff(which(colSums(A[frontier, , drop = FALSE]) > 0),
                      reached)
      if (!length(more)) break
      reached <- c(reached, more)
      frontier <- more
    }
    piece[reached] <- max(piece) + 1L
  }
  weakest <- min(W[A])
  for (p in seq_len(max(piece))[-1L]) {
    inside <- which(piece == p)
    outside <- which(piece != p)
    nn <- .knn(Y[inside, , drop = FALSE], Y[outside, , drop = FALSE], 1L)
    at <- which.min(nn$dist2)
    pair <- cbind(inside[at], outside[nn$index[at, 1L]])
    W[pair] <- weakest
    W[pair[, 2:1, drop = FALSE]] <- weakest
  }
  W
}

# Centred columns of sd 1, each with its largest entry in absolute value
# positive.
.standardise_start <- function(X) {
  X <- sweep(X, 2L, colMeans(X))
  X <- sweep(X, 2L, apply(X, 2L, stats::sd), `/`)
  big <- apply(abs(X), 2L, which.max)
  sweep(X, 2L, sign(X[cbind(big, seq_len(ncol(X)))]), `*`)
}

# The starting latent positions of restart r >= 2 of gplvm(restarts =):
# diverse but good.  Random starts end far below the PCA start (iris,
# q = 2: objectives 215 and 230 against 430, issue 23), since a random
# layout must first be untangled.  So restart 2 starts from the spectral
# start (when the rows allow 15 neighbours), and each later one from the
# PCA start of the data with every column weighted by a random factor
# exp(N(0, 0.5^2)) (another informative linear view of the same data)
# plus a jitter of 0.1 standard deviations.  Y: the centred data the
# model sees; columns of the result have standard deviation `sd`.
.restart_start <- function(r, Y, q, sd) {
  n <- nrow(Y)
  if (r == 2L && n >= q + 17L) return(.spectral_start(Y, q) * sd)
  w <- exp(stats::rnorm(ncol(Y), sd = 0.5))
  X <- .init_latent("pca", sweep(Y, 2L, w, `*`), q, 1)
  X <- X + stats::rnorm(length(X), sd = 0.1)
  .standardise_start(X) * sd
}
