# Magnification factors: the expected metric of the GP map's Jacobian
# (Tosi, Hauberg, Vellido & Lawrence 2014), computed in C
# (src/magnification.c) from the kernel table's derivatives.

# E[J] (D x q x m) and G = E[J]'E[J] + D Cov[J] (q x q x m) at the rows of
# Xs, in the model's centred (and scaled) units: the posterior's metric
# (R/posterior.R).
.metric <- function(object, Xs) .post_metric(.posterior(object), Xs)

# log10 sqrt(det G[dims, dims]) at the rows of Xs (dims: one or two latent
# dimensions), floored so that it stays finite; in blocks of rows.
.log_magnification <- function(object, Xs, dims) {
  block <- 10000L
  starts <- seq(1L, nrow(Xs), by = block)
  det <- unlist(lapply(starts, function(s) {
    G <- .metric(object, Xs[s:min(nrow(Xs), s + block - 1L), ,
                            drop = FALSE])$G[dims, dims, , drop = FALSE]
    if (length(dims) == 1L) G[1L, 1L, ]
    else G[1L, 1L, ] * G[2L, 2L, ] - G[1L, 2L, ] * G[2L, 1L, ]
  }))
  floor <- max(det, 1e-300) * 1e-12
  0.5 * log10(pmax(det, floor))
}
