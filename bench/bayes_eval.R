# Cost of one evaluation of the Bayesian GP-LVM bound with its full
# gradient: the C engine (gplvm_loglik(..., X_var =)) against the
# vectorised plain-R implementation of bench/bayes_eval_r.R, at N = 1000
# and 10000 (D = 12, Q = 10, M = 50, RBF-ARD + bias, as on the oil data),
# and the growth of the C time in N.  The C engine's own loops run on
# GPLVM_THREADS threads (default 1; option gplvm.threads); the BLAS runs
# as configured (OpenBLAS: OPENBLAS_NUM_THREADS, default all cores).  Wall
# and CPU seconds, medians over repeats, measured in one run.
#
# Run from the package root, after installing the package:
#   Rscript bench/bayes_eval.R                      # all single-threaded
#   GPLVM_THREADS=2 Rscript bench/bayes_eval.R      # C on 2 threads
# and for OpenBLAS in this process only (both sides single-threaded, then
# both on 2 threads):
#   OB=/usr/lib/x86_64-linux-gnu/openblas-pthread:/usr/lib/R/lib:/usr/lib/x86_64-linux-gnu
#   OPENBLAS_NUM_THREADS=1 R_LD_LIBRARY_PATH=$OB Rscript bench/bayes_eval.R
#   GPLVM_THREADS=2 OPENBLAS_NUM_THREADS=2 R_LD_LIBRARY_PATH=$OB Rscript bench/bayes_eval.R
library(gplvm)
source("bench/bayes_eval_r.R")
threads <- as.integer(Sys.getenv("GPLVM_THREADS", "1"))
options(gplvm.threads = threads)
d <- 12L; q <- 10L; m <- 50L
par <- list(v = 1.2, l = seq(0.8, 3, length.out = q), vb = 0.1, noise = 0.05)
kernel <- kern_rbf(par$v, par$l) + kern_bias(par$vb)

make <- function(n) {
  set.seed(n)
  list(Y = matrix(rnorm(n * d), n), mu = matrix(rnorm(n * q), n),
       S = matrix(runif(n * q, 0.05, 0.5), n), Z = matrix(rnorm(m * q), m))
}
run_c <- function(x) gplvm_loglik(x$Y, x$mu, kernel, par$noise, gradient = TRUE,
                                  inducing = x$Z, X_var = x$S)
run_r <- function(x) bayes_bound_vec(x$Y, x$mu, x$S, x$Z, par)
timing <- function(f, x, reps) {
  t <- vapply(seq_len(reps), function(i) {
    s <- system.time(f(x))
    c(s[["elapsed"]], s[["user.self"]] + s[["sys.self"]])
  }, numeric(2))
  apply(t, 1, median)
}

cat(sprintf("BLAS/LAPACK: %s (OPENBLAS_NUM_THREADS %s); C threads %d; D = %d, Q = %d, M = %d\n",
            basename(La_library()), Sys.getenv("OPENBLAS_NUM_THREADS", "unset"),
            threads, d, q, m))
x <- make(200L)
chk_c <- run_c(x)
chk_r <- run_r(x)
g <- attr(chk_c, "gradient")
cat(sprintf("check at N = 200: relative differences C vs R: bound %.1e, mu %.1e, S %.1e, Z %.1e, kernel %.1e\n",
            abs(chk_r$bound - c(chk_c)) / abs(c(chk_c)),
            max(abs(chk_r$mu - g$X)) / max(abs(g$X)),
            max(abs(chk_r$S - g$X_var)) / max(abs(g$X_var)),
            max(abs(chk_r$Z - g$inducing)) / max(abs(g$inducing)),
            max(abs(c(chk_r$v, chk_r$l, chk_r$vb) - g$kernel) / abs(g$kernel))))

res <- NULL
for (n in c(1000L, 10000L)) {
  x <- make(n)
  reps <- if (n > 5000L) 3L else 7L
  tc <- timing(run_c, x, reps)
  tr <- timing(run_r, x, reps)
  res <- rbind(res, data.frame(N = n, C_wall = tc[1], R_wall = tr[1],
                               ratio_wall = tr[1] / tc[1], C_cpu = tc[2],
                               R_cpu = tr[2], ratio_cpu = tr[2] / tc[2]))
}
cat("\nseconds per evaluation (bound + gradient), medians:\n")
print(res, digits = 3, row.names = FALSE)

grow <- NULL
for (n in c(1000L, 3000L, 10000L, 30000L)) {
  tc <- timing(run_c, make(n), if (n > 5000L) 3L else 5L)
  grow <- rbind(grow, data.frame(N = n, C_wall = tc[1], C_cpu = tc[2]))
}
grow$cpu_ratio_to_N1000 <- grow$C_cpu / grow$C_cpu[1]
cat("\ngrowth of the C evaluation in N:\n")
print(grow, digits = 3, row.names = FALSE)
fit <- lm(log(C_cpu) ~ log(N), data = grow)
cat(sprintf("log-log slope of CPU time against N: %.2f (1 = linear)\n",
            coef(fit)[[2]]))
