# Results across compilers and flags: the same computations in gplvm
# builds installed in different libraries, compared with the first.
#
#   Rscript bench/builds.R LIB1 LIB2 ...     (labels: the library names)
#
# Each library is loaded in a fresh Rscript process (this script with
# --run=LIB) that evaluates, for every kernel of the test suite's
# test_kernels() plus sums, the exact log-likelihood and gradient (N = 300,
# so that several column blocks and the vectorised loops run), the sparse
# bound and gradient (FITC, M = 20; M = q = 3 for linear kernels), kern_matrix, the diagonal, the cross
# and diagonal gradient contractions, dk(x*, x)/dx* and d2k/dx dx'; then
# prints the largest relative difference of each build from the first:
# max |a - b| / max |b| per quantity, the largest over quantities.

args <- commandArgs(trailingOnly = TRUE)
script <- normalizePath(sub("^--file=", "",
                            grep("^--file=", commandArgs(), value = TRUE)))
root <- dirname(dirname(script))

run <- grep("^--run=", args, value = TRUE)
if (length(run)) {
  lib <- sub("^--run=", "", run)
  library(gplvm, lib.loc = lib)
  ns <- asNamespace("gplvm")
  env <- new.env(parent = ns)
  sys.source(file.path(root, "tests", "testthat", "helper-gradients.R"), env)
  set.seed(1)
  n <- 300
  Y <- matrix(rnorm(n * 4), n, 4)
  X <- matrix(rnorm(n * 3), n, 3)
  Z <- X[sample(n, 20), ] + 0.01
  W <- matrix(rnorm(n * 20), n, 20)
  ks <- c(env$test_kernels(3),
          list(rbf_matern_bias = kern_rbf(1, 0.9) + kern_matern32(0.5, 2) +
                 kern_bias(0.1)))
  out <- Map(function(k, nm) {
    # a linear kernel has rank q: more inducing inputs than q would make
    # k(Z, Z) singular up to the jitter, and the comparison one of LAPACK
    Zs <- if (startsWith(nm, "linear")) Z[1:3, ] else Z
    list(exact = ns$.loglik_c(Y, X, k, 0.2, TRUE)[1:4],
         sparse = ns$.loglik_sparse_c(Y, X, Zs, k, 0.2, "fitc", TRUE)[1:5],
         K = kern_matrix(k, X[1:50, ], Z), diag = ns$.kern_diag(k, X),
         cross = ns$.kern_grad(k, X, W, Z), gdiag = ns$.kern_grad(k, X, Y[, 1]),
         dx = ns$.kern_dx(k, Z[1:3, ], X), d2 = ns$.kern_d2(k, Z))
  }, ks, names(ks))
  saveRDS(out, sub("^--out=", "", grep("^--out=", args, value = TRUE)))
  quit(save = "no")
}

rscript <- file.path(R.home("bin"), "Rscript")
res <- lapply(args, function(lib) {
  f <- tempfile(fileext = ".rds")
  system2(rscript, c(shQuote(script), paste0("--run=", lib),
                     paste0("--out=", f)))
  readRDS(f)
})
flat <- function(x) {
  if (is.list(x)) unlist(lapply(x, flat), recursive = FALSE) else list(x)
}
ref <- flat(res[[1]])
keep <- lengths(ref) > 0
# quantity names are kernel.what[.part]: group by what[.part]
what <- sub("^[^.]*\\.", "", names(ref))[keep]
tab <- sapply(seq_along(args)[-1], function(i) {
  cur <- flat(res[[i]])
  d <- mapply(function(a, b) max(abs(a - b)) / max(abs(b), 1e-300),
              cur[keep], ref[keep])
  tapply(d, factor(what, unique(what)), max)
})
tab <- matrix(tab, ncol = length(args) - 1,
              dimnames = list(unique(what), basename(args[-1])))
cat("Largest relative difference from", basename(args[1]),
    "(max |a - b| / max |b| per quantity, largest over the kernels)\n")
print(signif(tab, 2))
