# The complete-data path is unchanged by the missing-value code (issue 14):
# fits (exact, sparse, D > N), log-likelihood and gradient, projections and
# predictive standard deviations from two installed builds of gplvm, one
# before the change and one after, must be identical bit for bit.
#
#   R CMD INSTALL -l <lib_before> <checkout before>
#   R CMD INSTALL -l <lib_after> <checkout after>
#   Rscript bench/missing_nona.R <lib_before> <lib_after>
# Recorded output: bench/missing.md.
libs <- commandArgs(trailingOnly = TRUE)
stopifnot(length(libs) == 2L)

run <- function(lib) {
  library(gplvm, lib.loc = lib)
  on.exit(detach("package:gplvm", unload = TRUE))
  set.seed(3)
  Y <- as.matrix(iris[seq(1, 150, 3), 1:4])
  quiet <- function(expr) withCallingHandlers(expr, warning = function(w) {
    invokeRestart("muffleWarning")   # non-convergence at small maxit
  })
  out <- list(
    exact = quiet(gplvm(Y, q = 2, maxit = 200, scale = TRUE)),
    sparse = quiet(gplvm(Y, q = 2, maxit = 200, inducing = 10)),
    wide = quiet(gplvm(matrix(rnorm(20 * 30), 20, 30), q = 2, maxit = 50)))
  out$loglik <- gplvm_loglik(Y, out$exact$X, out$exact$kernel,
                             out$exact$noise, gradient = TRUE)
  out$project <- predict(out$exact, newdata = Y[1:5, ] + 0.1)
  out$project_sparse <- predict(out$sparse, newdata = Y[1:5, ] + 0.1)
  out$se <- predict(out$exact, newlatent = out$exact$X[1:4, ], se.fit = TRUE)
  for (nm in c("exact", "sparse", "wide")) {
    out[[nm]]$time <- NULL           # wall time differs from run to run
  }
  out
}
before <- run(libs[1L])
after <- run(libs[2L])
for (nm in names(before)) {
  cat(sprintf("%-15s identical: %s\n", nm, identical(before[[nm]], after[[nm]])))
}
