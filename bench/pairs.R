# Every pair of model kinds that ?gplvm-combinations does not refuse
# (issue 22): the largest relative error of the composed objective's
# gradient against central differences, at the point where the fit's
# optimiser starts, and the evaluations and convergence code of a fit of
# 60 rows of iris (columns centred; for the Poisson likelihood,
# round(exp()) of them as counts).  The objective is the one the fit
# optimises, taken from gplvm()'s own first full-batch call of .optimise()
# with all the parameters.  Run from the package root:
#   Rscript bench/pairs.R | grep '^|' > bench/results/pairs.txt
suppressPackageStartupMessages(library(gplvm))
ns <- asNamespace("gplvm")
kinds <- list(
  vfe = list(inducing = 8),
  fitc = list(inducing = 8, approx = "fitc"),
  bayesian = list(bayesian = TRUE, inducing = 8),
  back_kernel = list(back = "kernel"),
  back_mlp = list(back = "mlp", back_control = list(hidden = 3L)),
  dynamics = list(dynamics = TRUE),
  missing = list(),
  minibatch = list(batch_size = 20, inducing = 8),
  cluster = list(cluster = "cl", inducing = 8),  # rows are summed: sparse
  poisson = list(likelihood = "poisson", inducing = 8))
Y0 <- scale(as.matrix(iris[seq(1, 150, 2.5), 1:4]), scale = FALSE)
Yna <- Y0
Yna[c(4, 20, 33, 61, 90, 111, 150, 170)] <- NA
counts <- function(Y) round(exp(Y))  # the poisson kind's data
cl <- parallel::makePSOCKcluster(2L)
on.exit(parallel::stopCluster(cl))
invisible(parallel::clusterCall(cl, base::eval,
                                call(".libPaths", .libPaths())))
`%||%` <- function(a, b) if (is.null(a)) b else a
caught <- new.env()  # the last gradient error the tracer found
# the largest relative error against the numeric gradient of
# ?gplvm_check_gradient (five-point differences, per component the best of
# three steps), as the package's gradient tests compute it
check_now <- function(obj, par) {
  # the first start of the full objective: a Bayesian warm-up holds the
  # hyperparameters (fewer parameters), and later starts (after pruning,
  # at an optimum) have gradients near zero, where a relative error says
  # nothing
  if (length(par) <= (caught$npar %||% 0L)) return(invisible())
  caught$npar <- length(par)
  num <- ns$.numeric_gradient(obj$fn, par, ns$.gradient_steps(par, 1))
  caught$err <- max(abs(obj$gr(par) - num)) / max(abs(num), 1e-300)
}
# one data term and one latent map per fit
alternatives <- list(`data terms` = c("vfe", "fitc", "bayesian"),
                     `latent maps` = c("back_kernel", "back_mlp"))
pair_row <- function(a, b) {
  for (alt in names(alternatives)) {
    if (all(c(a, b) %in% alternatives[[alt]])) {
      return(sprintf("| %s | %s | alternative %s | | | |", a, b, alt))
    }
  }
  args <- c(kinds[[a]], kinds[[b]])
  args <- args[!duplicated(names(args))]
  if (identical(args$cluster, "cl")) args$cluster <- cl
  Y <- if ("missing" %in% c(a, b)) Yna else Y0
  if ("poisson" %in% c(a, b)) Y <- counts(Y)
  fit_once <- function() {
    set.seed(1)
    tryCatch(do.call(gplvm, c(list(Y, 2), args)),
             error = function(e) conditionMessage(e))
  }
  t0 <- proc.time()[["elapsed"]]
  fit <- fit_once()
  tm <- proc.time()[["elapsed"]] - t0
  if (is.character(fit)) {
    return(sprintf("| %s | %s | refused or failed: %s | | | |", a, b, fit))
  }
  # the gradient, in a second fit (its evaluations would count in the
  # first's): checked while a cluster's workers still hold their rows
  rm(list = ls(caught), envir = caught)
  suppressMessages(trace(".optimise", where = ns, print = FALSE,
                         tracer = quote(if (!identical(method, "minibatch")) {
                           get("check_now", envir = globalenv())(obj, par0)
                         })))
  on.exit(suppressMessages(untrace(".optimise", where = ns)))
  fit_once()
  err <- if (is.null(caught$err)) NA else caught$err
  sprintf("| %s | %s | %.1e | %d | %d | %.1f |", a, b, err,
          fit$optim$evaluations, fit$optim$convergence, tm)
}
cat("| kind | with | gradient error | evaluations | convergence | time (s) |\n")
cat("|---|---|---|---|---|---|\n")
nm <- names(kinds)
for (i in seq_along(nm)) {
  for (j in seq_along(nm)) {
    if (j <= i) next
    cat(pair_row(nm[i], nm[j]), "\n", sep = "")
    flush(stdout())
  }
}
