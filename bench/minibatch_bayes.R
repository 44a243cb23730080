# Minibatch training of the Bayesian GP-LVM (gplvm(..., bayesian = TRUE,
# batch_size, epochs)) against the full-batch Bayesian fit on a small set:
# iris, columns scaled, q latent dimensions, M = 20 inducing inputs.
#
#   Rscript bench/minibatch_bayes.R [q] [batch_size] [epochs] [repeats]
#     (defaults 2, 30, "1500", 3): the full-batch fit (evaluations,
#     convergence, bound, time) and minibatch fits with each budget of
#     epochs (convergence code, epochs used, steps, the collapsed bound at
#     the best point, time), each `repeats` times with seeds 1, 2, ...:
#     medians of the times and their ratio to the full-batch fit's,
#     measured in this one process.  Then the minibatch fit of the
#     largest budget continued by full-batch fitting (gplvm(Y, init =
#     fit)).
#   Rscript bench/minibatch_bayes.R big [N] [batch_size] [M]
#     (defaults 20000, 500, 30): generated data, N x 10, q = 2: the time
#     of one full-batch evaluation of the Bayesian bound with its gradient
#     (gplvm_loglik() with X_var) against that of one minibatch step and
#     one epoch, medians over 3 repeats, in one process.
#   Also: the largest relative gradient error of the batch bound against
#     central differences over the kernels of the tests, and the relative
#     gap between the full-data bound at the optimal q(u) and the
#     collapsed bound, at random points.
# Run from the package root with the package installed (R_LIBS).
library(gplvm)
ns <- asNamespace("gplvm")

args <- commandArgs(trailingOnly = TRUE)
if (length(args) && args[[1L]] == "big") {
  num <- function(i, default) {
    if (length(args) >= i) as.numeric(args[[i]]) else default
  }
  n <- num(2L, 20000)
  b <- num(3L, 500)
  m <- num(4L, 30)
  cat(sprintf("%s; BLAS: %s; %s\n", R.version.string,
              extSoftVersion()[["BLAS"]],
              format(Sys.time(), tz = "UTC", usetz = TRUE)))
  cat("load average at start:", readLines("/proc/loadavg"), "\n")
  set.seed(1)
  t <- matrix(runif(2 * n, -1.2, 1.2), n, 2)
  Y <- cbind(sin(2 * t[, 1]), cos(2 * t[, 1]), sin(2 * t[, 2]),
             cos(2 * t[, 2]), t[, 1] * t[, 2]) %*% matrix(rnorm(50), 5, 10) +
    matrix(rnorm(10 * n, sd = 0.1), n, 10)
  Y <- scale(Y, scale = FALSE)
  X <- scale(prcomp(Y, rank. = 2)$x)
  S <- matrix(0.1, n, 2)
  Z <- X[sample.int(n, m), ]
  k <- kern_rbf(1, c(1, 1.5)) + kern_bias(0.1)
  med <- function(f) stats::median(replicate(3, system.time(f())[["elapsed"]]))
  t_full <- med(function() gplvm_loglik(Y, X, k, 0.05, inducing = Z,
                                         X_var = S, gradient = TRUE))
  ns <- asNamespace("gplvm")
  model <- list(Y = Y, kernel = k, noise = 0.05, fixed = character(),
                prior = ns$.prior_kl(), noise_prior = 0, latent = NULL)
  qv <- ns$.minibatch_bayes_collapsed(Y, X, S, Z, k, 0.05, b)
  st <- ns$.minibatch_bayes_state(model, X, S, Z, qv, 0.1)
  t_step <- med(function() ns$.minibatch_bayes_step(st, sample.int(n, b)))
  cat(sprintf(paste("N = %d, D = 10, q = 2, M = %d: one full-batch",
                    "evaluation with gradient %.3f s; one step of %d rows",
                    "%.4f s (%.4f of it); one epoch (%d steps) %.2f of it\n"),
              n, m, t_full, b, t_step, t_step / t_full, ceiling(n / b),
              ceiling(n / b) * t_step / t_full))
  quit(save = "no")
}
arg <- function(i, default) if (length(args) >= i) args[[i]] else default
q <- as.integer(arg(1L, 2))
batch <- as.integer(arg(2L, 30))
epochs <- as.integer(strsplit(arg(3L, "1500"), ",")[[1L]])
repeats <- as.integer(arg(4L, 3))
cat(sprintf("%s; BLAS: %s; %s\n", R.version.string, extSoftVersion()[["BLAS"]],
            format(Sys.time(), tz = "UTC", usetz = TRUE)))
cat("load average at start:", readLines("/proc/loadavg"), "\n")

# ---- gradient and gap ----
fd <- function(f, x) {
  h <- 1e-5 * pmax(abs(x), 1)
  vapply(seq_along(x), function(i) {
    e <- replace(numeric(length(x)), i, h[i])
    (f(x + e) - f(x - e)) / (2 * h[i])
  }, 0)
}
set.seed(7)
n <- 8; d <- 3; m <- 5; qq <- 2
Y <- matrix(rnorm(n * d), n, d)
X <- matrix(rnorm(n * qq), n, qq)
S <- matrix(runif(n * qq, 0.05, 0.6), n, qq)
Z <- matrix(rnorm(m * qq), m, qq)
kernels <- list(rbf = kern_rbf(1.3, 0.8),
                rbf_ard_bias = kern_rbf(0.9, c(1.2, 0.6)) + kern_bias(0.4),
                rbf_linear = kern_rbf(1, c(0.9, 1.3)) + kern_linear(c(0.3, 0.6)),
                two_rbf = kern_rbf(0.8, c(0.6, 1.5)) + kern_rbf(0.5, 2))
worst <- 0
for (k in kernels) {
  Lambda <- crossprod(matrix(rnorm(m * m), m)) / m + diag(m)
  eta <- matrix(rnorm(m * d), m, d)
  th <- kern_params(k)
  bound <- function(p, gradient) {
    kk <- k
    kern_params(kk) <- exp(p[2 * n * qq + m * qq + seq_along(th)])
    ns$.minibatch_bayes_bound(Y, matrix(p[seq_len(n * qq)], n),
                              matrix(exp(p[n * qq + seq_len(n * qq)]), n),
                              matrix(p[2 * n * qq + seq_len(m * qq)], m), kk,
                              exp(p[[length(p)]]), Lambda, eta, 2.5, gradient)
  }
  p0 <- c(X, log(S), Z, log(th), log(0.3))
  g <- bound(p0, TRUE)
  got <- c(g$X, g$S * S, g$inducing, g$kernel * th, g$noise * 0.3)
  want <- fd(function(p) bound(p, FALSE)$value, p0)
  worst <- max(worst, max(abs(got - want)) / max(abs(want)))
}
gap <- 0
for (k in kernels) {
  opt <- ns$.minibatch_bayes_collapsed(Y, X, S, Z, k, 0.3, 3L)
  un <- ns$.minibatch_bayes_bound(Y, X, S, Z, k, 0.3, opt$Lambda, opt$eta,
                                  gradient = FALSE)$value
  col <- c(gplvm_loglik(Y, X, k, 0.3, inducing = Z, X_var = S))
  gap <- max(gap, abs(un - col) / abs(col))
}
cat(sprintf(paste("batch bound: largest relative gradient error against",
                  "central differences %.2g; full-data bound at the optimal",
                  "q(u) against the collapsed bound: relative gap %.2g\n"),
            worst, gap))

# ---- fits ----
Yi <- scale(as.matrix(iris[, 1:4]))
timed <- function(expr) {
  t0 <- proc.time()[["elapsed"]]
  v <- expr
  list(value = v, time = proc.time()[["elapsed"]] - t0)
}
full <- lapply(seq_len(repeats), function(r) {
  set.seed(r)
  timed(gplvm(Yi, q = q, bayesian = TRUE, inducing = 20))
})
f1 <- full[[1L]]$value
tf <- stats::median(vapply(full, `[[`, 0, "time"))
cat(sprintf(paste("iris scaled, q = %d, M = 20: full batch %d evaluations,",
                  "convergence %d, bound %.2f; time median %.2f s\n"),
            q, f1$optim$evaluations, f1$optim$convergence, f1$loglik, tf))
last <- NULL
for (e in epochs) {
  mb <- lapply(seq_len(repeats), function(r) {
    set.seed(r)
    timed(gplvm(Yi, q = q, bayesian = TRUE, inducing = 20,
                batch_size = batch, epochs = e))
  })
  tm <- stats::median(vapply(mb, `[[`, 0, "time"))
  field <- function(f) vapply(mb, f, 0)
  cat(sprintf(paste("minibatch, budget %d epochs of %d rows (seeds 1..%d):",
                    "convergence %s; epochs of the kept fit %s; steps in all %s;",
                    "bound %s;",
                    "pruning trials (kept) %s;",
                    "time median %.2f s, %.2f of the full fit's\n"),
              e, batch, repeats,
              paste(field(function(x) x$value$optim$convergence),
                    collapse = ", "),
              paste(field(function(x) x$value$minibatch$epochs),
                    collapse = ", "),
              paste(field(function(x) x$value$optim$evaluations),
                    collapse = ", "),
              paste(sprintf("%.2f", field(function(x) x$value$loglik)),
                    collapse = ", "),
              paste(vapply(mb, function(x) {
                pr <- x$value$pruning
                sprintf("%d (%d)", NROW(pr), sum(pr$kept))
              }, ""), collapse = ", "), tm, tm / tf))
  last <- mb[[1L]]$value
}
again <- timed(gplvm(Yi, init = last))
cat(sprintf(paste("the %d-epoch fit (seed 1) continued by full-batch",
                  "fitting: %d evaluations, convergence %d, bound %.2f,",
                  "%.2f s\n"), max(epochs), again$value$optim$evaluations,
            again$value$optim$convergence, again$value$loglik, again$time))
