# GP dynamics (GPDM, issue 13 section 2): the issue's test over several
# data sets, the choice of the fixed innovation (white) variance, and a
# figure.
#
# For each seed: a closed 2-D curve traversed about three times (86 rows,
# 25.3 per loop), mapped by sin(z W + b) into 20 dimensions, noise sd 0.2
# (loop_data() of tests/testthat/helper-dynamics.R).  Rows 1..76 are fitted
# with gplvm(Y, 2) and gplvm(Y, 2, dynamics = TRUE); reported: convergence
# codes, evaluations, seconds, the roughness of the latent path (sum of
# squared successive differences / total variance) of both fits, and the
# RMSE of the 10-step forecast (predict(fit, ahead = 10)$data) against the
# held-out rows 77..86 (noisy, and noiseless) next to the last-value
# forecast (row 76 repeated).
#
# Then, for one data set, the fitted objective as the fixed white variance
# s falls (the reason it is fixed: a free s would run to 0), and a fit
# continued at a 1e4 times tighter tolerance (the scale of X and the
# dynamics parameters stay put: a maximiser, not a drift).
#
# Run from the package root after installing the package:
#   Rscript bench/dynamics.R [seeds=10]
# Writes bench/dynamics.png; results: bench/dynamics.md.
library(gplvm)
source("tests/testthat/helper-dynamics.R")

args <- commandArgs(trailingOnly = TRUE)
nseed <- as.integer(sub("^seeds=", "", grep("^seeds=", args, value = TRUE)))
if (!length(nseed)) nseed <- 10L
cat(La_library(), "\n", format(Sys.time()), "\n\n")

train <- 1:76
ahead <- 10L
one <- function(seed) {
  set.seed(seed)
  dat <- loop_data(n = 86, sd = 0.2)
  Y <- dat$Y[train, ]
  t0 <- proc.time()[["elapsed"]]
  plain <- gplvm(Y, 2)
  t1 <- proc.time()[["elapsed"]]
  dyn <- gplvm(Y, 2, dynamics = TRUE)
  t2 <- proc.time()[["elapsed"]]
  fc <- predict(dyn, ahead = ahead)$data
  last <- matrix(Y[76, ], ahead, ncol(Y), byrow = TRUE)
  rmse <- function(P, Q) sqrt(mean((P - Q)^2))
  fut <- dat$Y[76 + seq_len(ahead), ]
  futF <- dat$F[76 + seq_len(ahead), ]
  list(row = data.frame(
    seed = seed, conv_plain = plain$optim$convergence,
    conv_gpdm = dyn$optim$convergence,
    evals_plain = plain$optim$evaluations, evals_gpdm = dyn$optim$evaluations,
    s_plain = t1 - t0, s_gpdm = t2 - t1,
    rough_plain = path_roughness(plain$X), rough_gpdm = path_roughness(dyn$X),
    rmse_gpdm = rmse(fc, fut), rmse_last = rmse(last, fut),
    rmseF_gpdm = rmse(fc, futF), rmseF_last = rmse(last, futF)),
    plain = plain, dyn = dyn, dat = dat)
}
runs <- lapply(seq_len(nseed), one)
tab <- do.call(rbind, lapply(runs, `[[`, "row"))
print(format(tab, digits = 3), row.names = FALSE)
cat("\nmedians:\n")
print(vapply(tab[-1], stats::median, 0), digits = 3)
cat(sprintf(paste("\nGPDM smoother in %d of %d; forecast better than last",
                  "value in %d of %d (noisy), %d of %d (noiseless)\n"),
            sum(tab$rough_gpdm < tab$rough_plain), nseed,
            sum(tab$rmse_gpdm < tab$rmse_last), nseed,
            sum(tab$rmseF_gpdm < tab$rmseF_last), nseed))

# the objective as the fixed white variance s falls (data set 1)
set.seed(1)
dat <- loop_data(n = 86, sd = 0.2)
Y <- dat$Y[train, ]
cat("\nfixed white variance s: objective, log p(X), roughness, forecast\n")
for (s in 10^(-1:-5)) {
  f <- gplvm(Y, 2, dynamics = kern_rbf(1, 1) + kern_linear(1) +
               kern_white(s), maxit = 20000)
  fc <- predict(f, ahead = ahead)$data
  cat(sprintf(paste("s = %.0e  conv %d  evals %5d  objective %8.1f  log",
                    "p(X) %8.1f  sd(X) %.3f  roughness %.4f  RMSE %.3f\n"),
              s, f$optim$convergence, f$optim$evaluations, f$objective,
              f$logprior, mean(apply(f$X, 2, stats::sd)),
              path_roughness(f$X),
              sqrt(mean((fc - dat$Y[76 + seq_len(ahead), ])^2))))
}

# continued at a tighter tolerance: does anything drift?
fit <- runs[[1]]$dyn
tight <- gplvm(Y, init = fit, reltol = 1e-12, maxit = 50000)
show <- function(f) {
  c(objective = f$objective, sd_X = mean(apply(f$X, 2, stats::sd)),
    coef(f)[grep("^dynamics", names(coef(f)))])
}
cat("\ncontinued with reltol 1e-12 (conv", tight$optim$convergence,
    ",", tight$optim$evaluations, "evaluations):\n")
print(rbind(default = show(fit), tight = show(tight)), digits = 5)
cat(sprintf("objective change %.3g\n", tight$objective - fit$objective))

# without the log-normal prior on the dynamics parameters (the prior
# object with that term taken out), from the same start: the RBF variance
# of these nearly linear dynamics runs towards 0; a continuation at a
# tighter tolerance takes it further
no_prior <- function(p) {
  logp <- p$logp
  p$logp <- function(X, eta) {
    r <- logp(X, eta)
    r$value <- r$value + length(eta) / 2 * log(2 * pi * 4) + sum(eta^2) / 8
    r$eta <- r$eta + eta / 4
    r
  }
  p
}
vb <- mean(fit$Y^2)
model <- list(Y = fit$Y, kernel = kern_rbf(vb, 1), noise = 0.1 * vb,
              fixed = "lengthscale", q = 2L, trace = 0L,
              data = gplvm:::.data_exact(), warm = 0L,
              noise_prior = 0.1 * vb, method = "L-BFGS-B", missing = NULL,
              prior = no_prior(gplvm:::.prior_dynamics(
                gplvm:::.dynamics_default(), factor(rep(1, 76)))))
X0 <- gplvm:::.init_latent("pca", fit$Y, 2L, 1)
for (tol in c(1e-8, 1e-10, 1e-12)) {
  model$reltol <- tol
  model$maxit <- 50000L
  f <- gplvm:::.fit_once(model, list(X = X0, warm = FALSE))$fit
  cat(sprintf(paste("no prior on the dynamics parameters, reltol %.0e:",
                    "conv %d, evals %d, RBF variance %.3g, objective",
                    "%.4f\n"), tol, f$optim$convergence,
              f$optim$evaluations, kern_params(f$latent_prior$kernel)[[1]],
              f$objective))
}

# the objective's gradient at the fitted point against central differences
# (gplvm_check_gradient()'s differences and relative error)
vbar <- mean(fit$Y^2)
obj <- gplvm:::.gplvm_objective(fit$Y, fit$kernel, fit$noise, fit$fixed,
                                gplvm:::.fit_dynamics(fit), 2L, 0L,
                                noise_prior = fit$noise_prior * vbar)
par <- c(fit$X, log(fit$kernel$params$variance), log(fit$noise),
         gplvm:::.fit_dynamics(fit)$par)
stopifnot(all.equal(obj$eval(par)$objective, fit$objective))
chk <- gplvm:::.check_gradient_core(function(p) obj$eval(p)$objective,
                                    obj$eval(par)$grad, par,
                                    scale = rep(c(1, 0), c(length(fit$X), 5)))
cat(sprintf(paste("\ngradient of the objective at the fit, %d components:",
                  "largest rel_error %.2g\n"), nrow(chk), max(chk$rel_error)))

# figure: data set 1, plain and GPDM latent paths, the forecast
grDevices::png("bench/dynamics.png", width = 900, height = 450, res = 96)
op <- graphics::par(mfrow = c(1, 2))
r1 <- runs[[1]]
plot(r1$plain, trajectory = TRUE, asp = 1, key = FALSE,
     main = sprintf("plain GP-LVM (roughness %.3f)", r1$row$rough_plain))
plot(r1$dyn, asp = 1, key = FALSE,
     main = sprintf("GPDM (roughness %.3f)", r1$row$rough_gpdm))
graphics::lines(rbind(r1$dyn$X[76, ], predict(r1$dyn, ahead = ahead)$latent),
                col = "#D55E00", lwd = 2, lty = 2)
graphics::legend("center", c("trajectory", "10-step forecast"),
                 col = c("grey30", "#D55E00"), lty = 1:2, lwd = c(1, 2),
                 bg = "white", cex = 0.8)
graphics::par(op)
invisible(grDevices::dev.off())
cat("\nwrote bench/dynamics.png\n")
