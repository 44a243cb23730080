# Convergence of default fits (issue 10, item 2): for each data set the
# default fit's convergence code, evaluations, wall time, objective, largest
# absolute gradient component, the change of the objective when the fit is
# continued (gplvm(Y, init = fit)), and the latent scale (mean column sd of
# X) from init_sd = 1 (the default) and init_sd = 0.1; for the oil data
# also the leave-one-out 1-NN errors in the 2-D latent space.
#
# Run from the package root after installing the package, on OpenBLAS:
#   R_LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread:/usr/lib/R/lib:/usr/lib/x86_64-linux-gnu \
#     Rscript bench/converge.R [set ...] [method=L-BFGS-B]
# sets: iris1 iris2 iris3 crabs crabs_log oil (default: all).  The oil data
# are read from ../shared/data/oil (or GPLVM_OIL_DIR).  Results: see
# bench/converge.md.
library(gplvm)

args <- commandArgs(trailingOnly = TRUE)
method <- sub("^method=", "", grep("^method=", args, value = TRUE))
if (!length(method)) method <- "L-BFGS-B"
sets <- grep("^method=", args, value = TRUE, invert = TRUE)
if (!length(sets)) sets <- c("iris1", "iris2", "iris3", "crabs", "crabs_log",
                             "oil")
cat(La_library(), "\n")
cat(sprintf("method %s, %s\n", method, format(Sys.time())))

oil <- function() {
  dir <- Sys.getenv("GPLVM_OIL_DIR", "../shared/data/oil")
  list(Y = as.matrix(read.table(file.path(dir, "DataTrn.txt"))),
       labels = max.col(as.matrix(read.table(file.path(dir,
                                                       "DataTrnLbls.txt")))))
}
data_set <- function(name) {
  switch(name,
    iris1 = list(Y = iris[, 1:4], q = 1, labels = iris$Species),
    iris2 = list(Y = iris[, 1:4], q = 2, labels = iris$Species),
    iris3 = list(Y = iris[, 1:4], q = 3, labels = iris$Species),
    crabs = list(Y = MASS::crabs[, 4:8], q = 2,
                 labels = interaction(MASS::crabs$sp, MASS::crabs$sex)),
    crabs_log = list(Y = log(MASS::crabs[, 4:8]), q = 2,
                     labels = interaction(MASS::crabs$sp, MASS::crabs$sex)),
    oil = c(oil(), q = 2))
}

# Leave-one-out 1-nearest-neighbour errors in a latent space.
nn_errors <- function(X, labels) {
  D <- as.matrix(dist(X))
  diag(D) <- Inf
  sum(labels[apply(D, 1L, which.min)] != labels)
}

# A fit with its warnings collected, and its wall time.
timed_fit <- function(...) {
  warnings <- character()
  t0 <- proc.time()[["elapsed"]]
  fit <- withCallingHandlers(gplvm(...), warning = function(w) {
    warnings <<- c(warnings, conditionMessage(w))
    invokeRestart("muffleWarning")
  })
  list(fit = fit, time = proc.time()[["elapsed"]] - t0, warnings = warnings)
}

scale_of <- function(fit) mean(apply(fit$X, 2L, stats::sd))

rows <- list()
for (s in sets) {
  d <- data_set(s)
  set.seed(1)
  a <- timed_fit(d$Y, q = d$q, method = method)
  f <- a$fit
  b <- timed_fit(d$Y, init = f, method = method)
  set.seed(1)
  c01 <- timed_fit(d$Y, q = d$q, method = method, init_sd = 0.1)
  row <- data.frame(
    data = s, N = nrow(d$Y), q = d$q, conv = f$optim$convergence,
    evals = f$optim$evaluations, runs = f$optim$runs,
    time_s = round(a$time, 1), objective = round(f$objective, 3),
    max_grad = signif(f$optim$max_gradient, 2),
    warnings = length(a$warnings),
    cont_change = signif((b$fit$objective - f$objective) / abs(f$objective), 2),
    cont_evals = b$fit$optim$evaluations, cont_conv = b$fit$optim$convergence,
    scale_sd1 = round(scale_of(f), 3),
    scale_sd01 = round(scale_of(c01$fit), 3),
    obj_sd01 = round(c01$fit$objective, 3), conv_sd01 = c01$fit$optim$convergence,
    nn_errors = nn_errors(f$X, d$labels),
    nn_errors_sd01 = nn_errors(c01$fit$X, d$labels),
    noise = signif(f$noise, 3))
  print(row, row.names = FALSE)
  if (length(c(a$warnings, b$warnings, c01$warnings))) {
    cat("warnings:", c(a$warnings, b$warnings, c01$warnings), sep = "\n  ")
  }
  if (s == "oil") {
    cat(sprintf("oil: PCA leaves %d 1-NN errors\n",
                nn_errors(prcomp(d$Y)$x[, 1:2], d$labels)))
    png("bench/oil_fit.png", width = 560, height = 420)
    plot(f, labels = factor(d$labels, labels = c("homogeneous", "annular",
                                                 "stratified")),
         resolution = 50, main = sprintf("Oil flow data, GP-LVM: %d 1-NN errors",
                                         row$nn_errors))
    invisible(dev.off())
  }
  rows[[s]] <- row
  flush(stdout())
}
cat("\n")
print(do.call(rbind, rows), row.names = FALSE)
