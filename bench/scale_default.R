# Should gplvm() scale the columns of Y by default?  Fits the default model
# (RBF, lengthscale 1, q = 2) to data sets R ships with scale = FALSE and
# scale = TRUE and prints, for each: the ratio of the largest to the smallest
# column standard deviation, convergence code, evaluations, kernel variance,
# noise, and for iris the leave-one-out 1-nearest-neighbour errors of the
# species in latent space and whether setosa splits: its latent points cut
# into two groups (average linkage), the size of the smaller group (two
# clusters: tens of points; one cluster with stragglers: a few).
#   Rscript bench/scale_default.R > bench/scale_default.out
library(gplvm)
loo_1nn <- function(X, y) {
  D <- as.matrix(dist(X)); diag(D) <- Inf
  sum(y[apply(D, 1, which.min)] != y)
}
setosa_smaller <- function(X, y) {
  g <- cutree(hclust(dist(X[y == "setosa", ]), "average"), k = 2)
  min(table(g))
}
sets <- list(iris = iris[, 1:4], state.x77 = state.x77, faithful = faithful,
             mtcars = mtcars, swiss = swiss)
rows <- list()
for (nm in names(sets)) {
  Y <- as.matrix(sets[[nm]])
  sds <- apply(Y, 2, sd)
  for (sc in c(FALSE, TRUE)) {
    # (given explicitly, scale draws no warning; the check is reported
    # separately below)
    set.seed(1)
    t0 <- proc.time()[["elapsed"]]
    fit <- withCallingHandlers(gplvm(Y, q = 2, scale = sc),
                               warning = function(w) {
                                 message(nm, " scale=", sc, ": ",
                                         conditionMessage(w))
                                 invokeRestart("muffleWarning")
                               })
    r <- data.frame(data = nm, sd_ratio = signif(max(sds) / min(sds), 3),
                    scale = sc, convergence = fit$optim$convergence,
                    evaluations = fit$optim$evaluations,
                    variance = signif(coef(fit)[["variance"]], 3),
                    noise = signif(fit$noise, 3),
                    seconds = round(proc.time()[["elapsed"]] - t0, 1))
    if (nm == "iris") {
      r$loo_1nn <- loo_1nn(fit$X, iris$Species)
      r$setosa_smaller <- setosa_smaller(fit$X, iris$Species)
    } else {
      r$loo_1nn <- NA
      r$setosa_smaller <- NA
    }
    rows[[length(rows) + 1L]] <- r
    print(r, row.names = FALSE)
  }
}
cat("\nSummary (sd_ratio: largest over smallest column sd)\n")
print(do.call(rbind, rows), row.names = FALSE)

# which of them gplvm() warns about when 'scale' is not given
cat("\nWarned about by default (column sds more than 100 times apart):\n")
for (nm in names(sets)) {
  w <- tryCatch({gplvm:::.warn_column_scales(as.matrix(sets[[nm]])); "no"},
                warning = function(w) "yes")
  cat(sprintf("  %-10s %s\n", nm, w))
}
