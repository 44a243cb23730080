# Evaluation counts and objectives of default fits, to compare two builds
# of the package (issue 22, "nothing is slower": the composed objective must
# take the same path as the code before it).  Run from the package root
# with the build to measure first on the library path:
#   R_LIBS=<lib> Rscript bench/composed.R [oil [n]]
# "oil" adds the default 2-D fit of the oil flow training data (1000 x 12;
# ../shared/data/oil, or GPLVM_OIL_DIR), or of its first n rows.  Prints one line per fit:
# kind, convergence code, evaluations, objective, seconds, seconds per
# evaluation.
library(gplvm)
cat(sprintf("gplvm %s from %s\n", utils::packageVersion("gplvm"),
            dirname(system.file(package = "gplvm"))))
show <- function(kind, fit) {
  o <- fit$optim
  cat(sprintf("%-14s conv %d  evals %5d  objective %.10g  %6.2f s  %.4f s/eval\n",
              kind, o$convergence, o$evaluations, fit$objective, fit$time,
              fit$time / o$evaluations))
}
i5 <- iris[seq(1, 150, 5), 1:4]
i3 <- iris[seq(1, 150, 3), 1:4]
set.seed(1); show("iris exact", gplvm(i5, 2))
set.seed(1); show("iris full", gplvm(iris[, 1:4], 2))
set.seed(1); show("iris sparse", gplvm(i3, 2, inducing = 10))
set.seed(1); show("iris fitc", gplvm(i3, 2, inducing = 10, approx = "fitc"))
set.seed(1); show("iris kernel", gplvm(i5, 2, back = "kernel"))
set.seed(1); show("iris bayes", gplvm(i3, 3, bayesian = TRUE, inducing = 10,
                                      maxit = 3000, noise_prior = 0))
args <- commandArgs(trailingOnly = TRUE)
if ("oil" %in% args) {
  dir <- Sys.getenv("GPLVM_OIL_DIR", "../shared/data/oil")
  Y <- as.matrix(read.table(file.path(dir, "DataTrn.txt")))
  n <- if (length(args) > 1L) as.integer(args[2L]) else nrow(Y)
  Y <- Y[seq_len(n), ]
  set.seed(1); show(sprintf("oil exact %d", n), gplvm(Y, 2))
  set.seed(1); show(sprintf("oil vfe %d", n), gplvm(Y, 2, inducing = 30))
  set.seed(1); show(sprintf("oil bayes %d", n),
                    gplvm(Y, 3, bayesian = TRUE, inducing = 30,
                          noise_prior = 0))
}
