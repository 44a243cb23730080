# How accurate are the central differences of gplvm_check_gradient(), and
# so which default tolerance is safe?  Checks the gradient at the start and
# at the end of fits (where the hyperparameter gradients are near zero and
# the covariances are at their worst conditioned; the start is the point
# after one iteration, whose "did not converge" warning is expected and
# hidden): iris (150 x 4) exact and
# sparse, and the oil flow data (a 300-point subset exact, all 1000 points
# sparse with M = 50).  Prints, per point, the number of components checked,
# the largest rel_error (as defined in ?gplvm_check_gradient), the largest
# plain relative error |a - n| / max(|a|, |n|) without the floor, the
# largest rel_error of two one-step schemes for comparison (a plain
# two-point central difference with step eps^(1/3) max(|x|, s), and the
# five-point difference with step eps^(1/5) max(|x|, s) alone), and the
# time of the check (with max_latent = 100).
#
# Run from the package root, after installing the package:
#   Rscript bench/check_gradient.R
# The data directory defaults to ../shared/data/oil (GPLVM_OIL_DIR).
#
# One run (2026-12-01, 2 shared cores under load from other sessions;
# maxit 2000, none of the fits converged, all stopped at the limit;
# max_latent = 100, so 100 latent coordinates and 100 inducing coordinates
# at most):
#   point                            rows  rel_error   no floor    2-point    5-point      time
#   iris exact, start                 105    1.1e-08    9.7e-08    7.7e-08    8.6e-10    11.3 s
#   iris exact, fit (conv. 1)         105    3.9e-08    0.00015    2.8e-07    3.8e-09    45.7 s
#   iris VFE M = 15, start            135    5.5e-07    8.4e-05    6.7e-05    5.5e-07    45.7 s
#   iris VFE M = 15, fit (conv. 1)    135    1.5e-07    0.00098    2.8e-06    1.3e-08     8.0 s
#   iris FITC M = 15, start           135    1.7e-06    1.6e-05    1.9e-05    2.5e-07     9.7 s
#   iris FITC M = 15, fit (conv. 1)   135    1.5e-05          1    1.7e-05    0.00081     8.6 s
#   oil 300 exact, start              105    1.7e-08    2.3e-06    1.8e-07    1.6e-09    76.2 s
#   oil 300 exact, fit (conv. 1)      105    2.7e-08    6.2e-05    1.8e-07    8.2e-07    73.3 s
#   oil 1000 VFE M = 50, start        205    3.2e-08      0.066    5.1e-07    5.7e-09    75.9 s
#   oil 1000 VFE M = 50, fit (conv. 1)  205    7e-07     0.0021    7.3e-07    1.1e-05    35.6 s
# So: without the floor near-zero components reach 1; a single step fails
# somewhere (two-point: 6.7e-5 at the VFE start, five-point: 8.1e-4 at the
# FITC fit, whose noise variance is 5e-5), the three-step choice stays at
# or below 1.5e-5 everywhere, which the default tolerance 1e-4 clears.
# (Times are wall times under load; twelve evaluations per component.)
library(gplvm)

dir <- Sys.getenv("GPLVM_OIL_DIR", "../shared/data/oil")
oil <- as.matrix(read.table(file.path(dir, "DataTrn.txt")))

# One check: the largest rel_error over its components, the largest plain
# relative error (no floor), and the largest rel_error that two one-step
# schemes would give: the plain two-point central difference with step
# eps^(1/3) max(|x|, s), and the five-point difference at the first step
# eps^(1/5) max(|x|, s) alone.
report <- function(label, Y, X, kernel, noise, inducing = NULL, ...) {
  set.seed(1)
  time <- system.time(chk <- gplvm_check_gradient(Y, X, kernel, noise,
                                                  inducing = inducing, ...,
                                                  max_latent = 100))
  a <- chk$analytic
  n <- chk$numeric
  plain <- abs(a - n) / pmax(abs(a), abs(n))
  set.seed(1)
  prob <- gplvm:::.gradient_problem(list(Y = Y, X = X, kernel = kernel,
                                         noise = noise, inducing = inducing,
                                         ...), 100)
  size <- pmax(abs(prob$par), prob$scale)
  floor <- 0.01 * max(abs(prob$value), 1) / size
  err <- function(num) max(abs(a - num) / pmax(abs(a), abs(num), floor))
  h <- .Machine$double.eps^(1 / 3) * size
  two <- vapply(seq_along(prob$par), function(i) {
    at <- function(t) prob$f(replace(prob$par, i, prob$par[i] + t * h[i]))
    (at(1) - at(-1)) / (2 * h[i])
  }, 0)
  five <- gplvm:::.central_differences(prob$f, prob$par,
                                       .Machine$double.eps^(1 / 5) * size)
  cat(sprintf("%-32s %4d  %9.2g  %9.2g  %9.2g  %9.2g  %6.1f s\n", label,
              nrow(chk), max(chk$rel_error), max(plain), err(two), err(five),
              time[["elapsed"]]))
}

check_fit <- function(label, Y, ...) {
  set.seed(1)
  fit <- gplvm(Y, q = 2, maxit = 2000, ...)
  start <- suppressWarnings(gplvm(Y, q = 2, maxit = 1, ...))
  args <- function(f) list(Y = f$Y, X = f$X, kernel = f$kernel,
                           noise = f$noise, inducing = f$inducing)
  for (what in c("start", "fit")) {
    f <- if (what == "start") start else fit
    lab <- sprintf("%s, %s%s", label, what,
                   if (what == "fit") sprintf(" (conv. %d)",
                                              f$optim$convergence) else "")
    if (is.null(f$inducing)) {
      report(lab, f$Y, f$X, f$kernel, f$noise)
    } else {
      report(lab, f$Y, f$X, f$kernel, f$noise, inducing = f$inducing,
             approx = f$approx)
    }
  }
}

cat(sprintf("%-32s %4s  %9s  %9s  %9s  %9s  %8s\n", "point", "rows",
            "rel_error", "no floor", "2-point", "5-point", "time"))
check_fit("iris exact", iris[, 1:4])
check_fit("iris VFE M = 15", iris[, 1:4], inducing = 15)
check_fit("iris FITC M = 15", iris[, 1:4], inducing = 15, approx = "fitc")
set.seed(2)
sub <- oil[sort(sample(nrow(oil), 300)), ]
check_fit("oil 300 exact", sub)
check_fit("oil 1000 VFE M = 50", oil, inducing = 50)
