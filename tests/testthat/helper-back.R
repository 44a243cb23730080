# Data and plain-R twins of the back-constraint maps (R/back.R), shared by
# test-back.R and test-bayes-back.R.

back_data <- function(n = 12, d = 4) {
  Y <- matrix(rnorm(n * d), n, d)
  sweep(Y, 2L, colMeans(Y))
}

# X = K A with K = exp(-|yi - yj|^2 / (2 width^2)), written out
kernel_map_r <- function(Y, width, A) {
  exp(-as.matrix(dist(Y))^2 / (2 * width^2)) %*% A
}

mlp_map_r <- function(Y, w, h, q) {
  d <- ncol(Y)
  W1 <- matrix(w[1:(d * h)], d, h)
  b1 <- w[d * h + 1:h]
  W2 <- matrix(w[d * h + h + 1:(h * q)], h, q)
  b2 <- w[d * h + h + h * q + 1:q]
  H <- tanh(Y %*% W1 + matrix(b1, nrow(Y), h, byrow = TRUE))
  H %*% W2 + matrix(b2, nrow(Y), q, byrow = TRUE)
}
