# Magnification factors of the GP-LVM on the oil flow training data
# (1000 x 12, three classes): a default fit (q = 2, default kernel and
# settings, continued if it stopped at its iteration limit), then
# plot(fit, background = "magnification") saved to
# bench/oil_magnification.png, with the time the background takes and the
# range of log10 sqrt(det G) over the grid and at the data.
#
# Run from the package root, after installing the package, with OpenBLAS in
# this process only:
#   OPENBLAS_NUM_THREADS=1 \
#   R_LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread:/usr/lib/R/lib:/usr/lib/x86_64-linux-gnu \
#     Rscript bench/oil_magnification.R
# The data directory defaults to ../shared/data/oil (GPLVM_OIL_DIR).
#
# Recorded (bench/oil_magnification.out; OpenBLAS, one thread, 2 shared
# cores under a load of about 8): the default fit (one-lengthscale RBF,
# main after the 'converge' merge) converged (code 0) after 1842
# evaluations in 108.5 s, loglik 16823; log10 sqrt(det G) at the data:
# median 0.77, range -0.34 to 1.13; the 150 x 150 background took 4.4 s.
# (Before that merge the default ARD RBF + bias fit stopped at maxit twice,
# 3072 evaluations, not converged.)  Far from the data G tends to D times
# the prior d2k (12 v / l^2 per dimension for the RBF), so the shading is
# dark there and light along the data, where the posterior's Cov(J) is
# small.
library(gplvm)

cat("BLAS:", La_library(), "\n")
dir <- Sys.getenv("GPLVM_OIL_DIR", "../shared/data/oil")
Y <- as.matrix(read.table(file.path(dir, "DataTrn.txt")))
labels <- max.col(as.matrix(read.table(file.path(dir, "DataTrnLbls.txt"))))
colnames(Y) <- paste0("y", seq_len(ncol(Y)))
classes <- factor(labels, labels = c("homogeneous", "annular", "stratified"))

set.seed(1)
start <- proc.time()[["elapsed"]]
fit <- gplvm(Y, q = 2)
wall <- proc.time()[["elapsed"]] - start
print(fit)
cat(sprintf("fit: convergence %d (%s), %d evaluations, %.1f s\n",
            fit$optim$convergence, fit$optim$message,
            fit$optim$evaluations, wall))
# The default stops at maxit = 1000 evaluations on these data; continue
# from where it stopped (latent positions, kernel and noise) for at most
# 2000 more, and say whether that converged.
if (fit$optim$convergence != 0L) {
  start <- proc.time()[["elapsed"]]
  fit <- gplvm(Y, q = 2, init = fit$X, kernel = fit$kernel,
               noise = fit$noise, maxit = 2000)
  wall <- proc.time()[["elapsed"]] - start
  print(fit)
  cat(sprintf("continued: convergence %d (%s), %d evaluations, %.1f s\n",
              fit$optim$convergence, fit$optim$message,
              fit$optim$evaluations, wall))
}

# the magnification at the data and over the plotted grid
at_data <- gplvm:::.log_magnification(fit, fit$X, 1:2)
cat(sprintf("log10 sqrt(det G) at the data: median %.2f, range %.2f to %.2f\n",
            median(at_data), min(at_data), max(at_data)))

png("bench/oil_magnification.png", width = 640, height = 520)
start <- proc.time()[["elapsed"]]
plot(fit, labels = classes, background = "magnification", resolution = 150,
     main = "Oil flow data, GP-LVM: log10 magnification factor")
shade <- proc.time()[["elapsed"]] - start
invisible(dev.off())
cat(sprintf("plot with a 150 x 150 magnification grid: %.2f s\n", shade))
cat("plot saved to bench/oil_magnification.png\n")
