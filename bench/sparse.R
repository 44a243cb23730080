# Sparse GP-LVM: time per evaluation (value + full gradient) against N, and
# peak memory of one evaluation at the largest N in a fresh process.
# D = 12, Q = 2, M = 100 inducing inputs, RBF (ARD) + white kernel, VFE.
# Run from the package root after installing:  Rscript bench/sparse.R
#
# One run (2026-11-22, reference BLAS, 2 shared cores), seconds per
# evaluation: N = 1e3 0.021, 3e3 0.064, 1e4 0.224, 3e4 0.870, 1e5 2.965
# (ratio to N = 1e3: 1, 3.0, 10.7, 41.4, 141; log-log slope 1.11 for
# N >= 3e3); exact model at N = 1e3: 0.346 s (16.5 times the sparse one).
# Peak resident memory at N = 1e5: 104 MB after making the data, 267 MB
# after one evaluation (one N x N matrix would need 76,294 MB).
library(gplvm)

args <- commandArgs(trailingOnly = TRUE)
d <- 12L
q <- 2L
m <- 100L
kernel <- kern_rbf(1, c(1, 1.5)) + kern_white(0.01)

make <- function(n) {
  set.seed(n)
  X <- matrix(rnorm(n * q), n, q)
  Y <- cbind(sin(X), cos(X), X^2, X[, 1] * X[, 2], matrix(0, n, d - 7)) +
    matrix(rnorm(n * d, sd = 0.1), n, d)
  list(Y = Y, X = X, Z = X[sample(n, m), ])
}

vmhwm_mb <- function() {
  s <- readLines("/proc/self/status")
  as.numeric(gsub("[^0-9]", "", grep("^VmHWM", s, value = TRUE))) / 1024
}

# Child mode: one evaluation at N, print peak memory before and after.
if (length(args) == 2L && args[1L] == "--memory") {
  dat <- make(as.integer(args[2L]))
  before <- vmhwm_mb()
  ll <- gplvm_loglik(dat$Y, dat$X, kernel, 0.1, gradient = TRUE,
                     inducing = dat$Z)
  cat(sprintf("%.1f %.1f\n", before, vmhwm_mb()))
  quit(save = "no")
}

time_eval <- function(dat, reps, inducing = dat$Z) {
  t <- vapply(seq_len(reps), function(i) system.time(
    gplvm_loglik(dat$Y, dat$X, kernel, 0.1, gradient = TRUE,
                 inducing = inducing))[["elapsed"]], 0)
  median(t)
}

ns <- c(1000L, 3000L, 10000L, 30000L, 100000L)
reps <- c(9L, 7L, 5L, 3L, 3L)
res <- data.frame(N = ns, seconds = NA_real_)
for (i in seq_along(ns)) res$seconds[i] <- time_eval(make(ns[i]), reps[i])
res$per_1000_points_ms <- 1000 * res$seconds / (res$N / 1000)
res$ratio_to_N1000 <- res$seconds / res$seconds[1]
cat(sprintf("Sparse VFE, M = %d, D = %d, Q = %d: median seconds per evaluation (value + gradient)\n",
            m, d, q))
print(res, digits = 3, row.names = FALSE)
fit <- lm(log(seconds) ~ log(N), data = res[res$N >= 3000, ])
cat(sprintf("log-log slope of time against N (N >= 3000): %.2f (1 = linear)\n",
            coef(fit)[[2]]))

dat <- make(1000L)
exact <- median(vapply(1:3, function(i) system.time(
  gplvm_loglik(dat$Y, dat$X, kernel, 0.1, gradient = TRUE))[["elapsed"]], 0))
cat(sprintf("N = 1000: exact %.3f s, sparse %.3f s per evaluation (ratio %.1f)\n",
            exact, res$seconds[1], exact / res$seconds[1]))

rscript <- file.path(R.home("bin"), "Rscript")
script <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE),
                                   value = TRUE))
mem <- scan(text = system2(rscript, c(script, "--memory", "100000"),
                           stdout = TRUE), quiet = TRUE)
cat(sprintf(paste("N = 100000, fresh process: peak resident memory %.0f MB",
                  "after making the data, %.0f MB after one evaluation",
                  "(an N x N matrix would need %.0f MB)\n"),
            mem[1], mem[2], 1e5^2 * 8 / 2^20))
