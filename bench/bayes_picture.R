# Why a Bayesian fit with a generous q can draw a worse 2-D picture than
# the plain 2-D fit (issue 23): on data sets that R ships, the leave-one-
# out 1-nearest-neighbour errors of the plain fit gplvm(Y, q = 2), of the
# Bayesian fit with q = ncol(Y) in its two most relevant dimensions and in
# all the dimensions it uses, in the two along which the means spread over
# the most lengthscales (sd(mu_j) / l_j), and of the Bayesian fit with
# q = 2, with the
# dimensions used (ARD relevance >= 0.01), bounds and evaluations.
#
# Run from the package root after installing the package:
#   Rscript bench/bayes_picture.R
# Output: bench/bayes_cost.md, section "The 2-D picture".
library(gplvm)

nn_errors <- function(X, labels) {
  D <- as.matrix(dist(X))
  diag(D) <- Inf
  sum(labels[apply(D, 1L, which.min)] != labels)
}
sets <- list(
  crabs = list(Y = log(MASS::crabs[, 4:8]),
               labels = interaction(MASS::crabs$sp, MASS::crabs$sex)),
  iris = list(Y = iris[, 1:4], labels = iris$Species))
cat("| data | N x D | plain q = 2 | Bayesian q = D: dims used | errors, 2 most relevant | errors, dims used | errors, 2 widest spread | Bayesian q = 2 | evaluations (plain, q = D, q = 2) |\n")
cat("|---|---|---|---|---|---|---|---|---|\n")
for (name in names(sets)) {
  Y <- scale(as.matrix(sets[[name]]$Y))
  lab <- sets[[name]]$labels
  Y <- Y[!duplicated(Y), ]
  lab <- lab[!duplicated(scale(as.matrix(sets[[name]]$Y)))]
  set.seed(1)
  plain <- gplvm(Y, q = 2)
  set.seed(1)
  big <- gplvm(Y, q = ncol(Y), bayesian = TRUE, inducing = 30)
  set.seed(1)
  two <- gplvm(Y, q = 2, bayesian = TRUE, inducing = 30)
  rel <- gplvm:::.ard_relevance(big)
  used <- which(rel >= 0.01)
  top <- order(-rel)[1:2]
  wide <- order(-apply(big$X, 2L, sd) * sqrt(rel))[1:2]
  conv <- c(plain$optim$convergence, big$optim$convergence,
            two$optim$convergence)
  cat(sprintf("| %s | %d x %d | %d | %d (%s) | %d | %d | %d | %d | %d, %d, %d%s |\n",
              name, nrow(Y), ncol(Y), nn_errors(plain$X, lab), length(used),
              paste(signif(rel[used], 2), collapse = ", "),
              nn_errors(big$X[, top], lab), nn_errors(big$X[, used], lab),
              nn_errors(big$X[, wide], lab),
              nn_errors(two$X, lab), plain$optim$evaluations,
              big$optim$evaluations, two$optim$evaluations,
              if (any(conv != 0L)) " (not all converged)" else ""))
}
