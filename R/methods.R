#' Methods for fitted GP-LVMs
#'
#' `print` shows a compact description of a fit: its size, kernel, noise,
#' log-likelihood and convergence.
#'
#' @param x,object A fitted model from [gplvm()].
#' @param digits Significant digits to print.
#' @param ... Ignored.
#' @return `print` returns `x` invisibly.
#' @examples
#' set.seed(1)
#' fit <- gplvm(iris[1:60, 1:4], maxit = 100)
#' print(fit)
#' @name gplvm-methods
NULL

#' @rdname gplvm-methods
#' @export
print.gplvm <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat(sprintf("GP-LVM: %d points, %d data dimensions, %d latent dimensions\n",
              nrow(x$X), ncol(x$Y), ncol(x$X)))
  cat("Kernel:", format(x$kernel), "\n")
  cat("Noise variance:", format(x$noise, digits = digits), "\n")
  cat("Log-likelihood:", format(x$loglik, digits = digits),
      if (x$prior) sprintf("(log prior on X %s)",
                           format(x$logprior, digits = digits)), "\n")
  cat(sprintf("Optimiser: %s, %d evaluations, %s\n", x$optim$method,
              x$optim$evaluations,
              if (x$optim$convergence == 0L) "converged"
              else sprintf("NOT converged (code %d)", x$optim$convergence)))
  invisible(x)
}
