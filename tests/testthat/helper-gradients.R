# Central finite differences, shared by the gradient tests: those of
# gplvm_check_gradient(), with h_i = eps^(1/5) max(|x_i|, 1) (and h_i / 10,
# h_i / 100), which test-check-gradient.R checks against hand-written ones.
fd_gradient <- function(f, x) {
  .numeric_gradient(f, x, .gradient_steps(x, 1))
}

rel_err <- function(a, b) {
  max(abs(a - b)) / max(abs(b), 1e-300)
}

# Every kernel type (isotropic and ARD) and sums, for q = 3.
test_kernels <- function(q = 3) {
  list(
    rbf = kern_rbf(1.3, 0.8),
    rbf_ard = kern_rbf(1.1, c(0.7, 1.2, 2)[seq_len(q)]),
    matern32 = kern_matern32(0.9, 1.4),
    matern32_ard = kern_matern32(0.9, c(0.5, 1, 2)[seq_len(q)]),
    matern52 = kern_matern52(1.2, 1.5),
    matern52_ard = kern_matern52(0.8, c(2, 0.9, 1.3)[seq_len(q)]),
    linear = kern_linear(0.7),
    linear_ard = kern_linear(c(0.5, 1, 2)[seq_len(q)]),
    bias_white_rbf = kern_bias(0.5) + kern_white(0.1) + kern_rbf(),
    two_rbf_linear = kern_rbf() + kern_rbf(2, c(1, 2, 3)[seq_len(q)]) +
      kern_linear(),
    matern_bias = kern_matern52(1, 0.6) + kern_matern32(0.5, 2) +
      kern_bias(0.2),
    mlp = kern_mlp(1.2, 0.8, 0.5),
    mlp_ard = kern_mlp(0.9, c(0.5, 1, 2)[seq_len(q)], 0.3),
    rq = kern_rq(1.1, 0.9, 0.7),
    rq_ard = kern_rq(0.8, c(1, 2, 0.5)[seq_len(q)], 2),
    periodic = kern_periodic(1.2, 0.8, 2.5),
    periodic_ard = kern_periodic(1, c(1, 0.5, 2)[seq_len(q)], 3),
    mixed_new = kern_mlp(0.5, 1, 1) + kern_periodic(0.7, 1, 4) +
      kern_rq(0.6, 1.5, 1) + kern_white(0.05)
  )
}

# The kernels of test_kernels() and a linear kernel with a white part, for
# the sparse model.
sparse_kernels <- function(q = 3) {
  c(test_kernels(q), list(linear_white = kern_linear(0.8) + kern_white(0.05)))
}

# Data Y (n x d), latent X (n x q) and inducing inputs Z (m x q), all
# standard normal.
sparse_data <- function(n = 15, d = 3, q = 3, m = 5) {
  list(Y = matrix(rnorm(n * d), n, d), X = matrix(rnorm(n * q), n, q),
       Z = matrix(rnorm(m * q), m, q))
}
