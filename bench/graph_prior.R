# An experiment, not a package feature (bench/levers.md, section 11): the
# default fit with a scale-free neighbour-graph term added to its
# objective, -(c D / 2) N tr(X' L X) / tr(X' C X), where L is the
# Laplacian of the symmetrised k-nearest-neighbour graph of the rows of Y
# and C the centring matrix: it rewards latent neighbourhoods that keep
# the data's, relative to the spread of X, so it cannot shrink X (an
# unnormalised tr(X' L X) shrank it to sd 0.09 on segmentation).  The
# term goes in through the latent-prior protocol of R/latent.R, set here
# by replacing .as_latent_prior() in this process.  Per set and c:
# time, evaluations, convergence, 1-NN errors, trustworthiness at k = 10,
# held-out RMSE and the sd of X.  Run from the package root:
#   Rscript bench/graph_prior.R segmentation 0,0.1,0.3,1 [k=10] [seeds=1]
# (k and seeds positional: the neighbours per row, and the seeds of the
# k-means start of the inducing inputs, an R expression such as 1:3).
suppressPackageStartupMessages(library(gplvm))
source("bench/common.R")
args <- commandArgs(trailingOnly = TRUE)
sets <- strsplit(args[1L], ",")[[1L]]
cs <- as.numeric(strsplit(args[2L], ",")[[1L]])
k <- if (length(args) > 2L) as.integer(args[3L]) else 10L
seeds <- if (length(args) > 3L) eval(parse(text = args[4L])) else 1L
ns <- asNamespace("gplvm")
G <- new.env()  # the graph's directed edges i -> j and the weight
graph_prior <- function() {
  i <- G$i
  j <- G$j
  lam <- G$lam
  list(kind = "graph", npar = 0L, start = function() numeric(),
       logp = function(X, eta, S = NULL) {
         n <- nrow(X)
         d <- X[i, , drop = FALSE] - X[j, , drop = FALSE]
         a <- sum(d^2) / 2  # each edge twice
         Xc <- sweep(X, 2L, colMeans(X))
         b <- sum(Xc^2)
         ga <- 2 * rowsum(d, i, reorder = FALSE)  # i is sorted: rows 1..n
         list(value = -lam / 2 * n * a / b,
              X = unname(-lam / 2 * n * (ga * b - a * 2 * Xc) / b^2),
              eta = numeric())
       })
}
assignInNamespace(".as_latent_prior", function(prior) {
  if (G$lam > 0) return(graph_prior())
  if (isTRUE(prior)) ns$.prior_gaussian() else ns$.prior_none()
}, "gplvm")
for (name in sets) {
  s <- split_set(name)
  Y <- scale(s$Ztr, scale = FALSE)
  nn <- ns$.knn(Y, Y, k, self = TRUE)
  A <- cbind(rep(seq_len(nrow(Y)), k), as.vector(nn$index))
  A <- unique(rbind(A, A[, 2:1]))
  A <- A[order(A[, 1L]), ]
  G$i <- A[, 1L]
  G$j <- A[, 2L]
  for (cc in cs) for (seed in seeds) {
    G$lam <- cc * ncol(Y)
    set.seed(seed)
    t0 <- proc.time()[["elapsed"]]
    f <- suppressMessages(gplvm(s$Ztr))
    tm <- proc.time()[["elapsed"]] - t0
    sc <- neighbourhood_scores(f$X, s$Ztr, s$class)
    cat(sprintf(paste("%s c=%g k=%d seed %d: %.1f s, %d evals, conv %d,",
                      "errors %d, trust %.3f, rmse %.3f, sdX %.2f\n"),
                name, cc, k, seed, tm, f$optim$evaluations,
                f$optim$convergence, sc$errors, sc$trust, gplvm_rmse(f, s$Zte), sd(f$X)))
  }
}
