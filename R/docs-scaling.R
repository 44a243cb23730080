#' Fitting large data sets
#'
#' One evaluation of the exact GP-LVM's objective costs a Cholesky
#' factorisation and an inverse of the N by N covariance, about
#' \eqn{N^3}{N^3} flops, and a fit takes hundreds to thousands of
#' evaluations: minutes at N = 1000 on R's reference BLAS.  For larger data,
#' in order of preference:
#' \itemize{
#'   \item a fast BLAS (OpenBLAS): every fit is faster, nothing changes in
#'     the call (the package's README gives measurements);
#'   \item the loops in C of the Bayesian and non-Gaussian models run on
#'     half the processors by default, the O(N^2 q) ones of the exact
#'     model on one (`options(gplvm.threads = k)` for k): on 2
#'     threads of an idle machine the Bayesian bound's evaluation took 0.71
#'     to 0.75 times as long as on one at N = 1000, M = 50, q = 5, the
#'     exact one (whose time is the BLAS's) 0.97 to 0.98 times; on a busy
#'     machine 1.6 to 2.2 and 1.2 to 1.8 times (`bench/threads.R` in the
#'     sources), so ask for more threads only where processors are free;
#'   \item a sparse fit, `gplvm(Y, inducing = M)`: O(N M^2) per
#'     evaluation instead of O(N^3) (see "Sparse fits" in [gplvm-models]);
#'     the default `inducing = "auto"` chooses it, with M = 80 (64 from
#'     10000 rows, sqrt(N) / 2 from 16900), for more than 500 rows
#'     (`options(gplvm.exact_max = )`), and says so: on three data sets of
#'     546 to 1000 rows it took 0.04 to 0.1 of the exact fit's time for
#'     as few nearest-neighbour errors (`bench/levers.md` in the
#'     sources).  In such a fit the
#'     optimiser sees the log-hyperparameters divided by the square root
#'     of their curvature at the start (a change of variables: the
#'     objective, its optimum and the convergence rule stay as they are),
#'     since their gradients sum N times as many terms as a latent
#'     coordinate's; without it the kernel variance ran away at 5000 and
#'     20000 rows;
#'   \item a sparse fit whose bound is evaluated across the workers of a
#'     \pkg{parallel} cluster (`cluster`, below);
#'   \item minibatch training (`batch_size`, below), which never forms an
#'     N by M matrix.
#' }
#'
#' @section The cost of a fit:
#' The optimised vector holds every latent coordinate and the logarithm of
#' every free hyperparameter and of the noise variance.  The objective and
#' its gradient come from one C evaluation per parameter vector (the last
#' one is cached, so `optim()`'s separate calls to `fn` and `gr` never
#' factorise the same covariance twice).  CG evaluates its trial points
#' for the value alone (a Cholesky factorisation and a solve, about a third
#' of the cost of value and gradient at N = 1000), and the gradient only
#' where it needs it; SCG does so while fewer than 2/3 of its recent steps
#' succeed (when most succeed, the gradient at the trial point is needed
#' anyway).  When `ncol(Y) > nrow(Y)` a square
#' factor \eqn{C} with \eqn{C C^\top = Y Y^\top}{C C' = Y Y'} is computed once
#' and used instead of `Y`, so no evaluation costs more than
#' \eqn{O(N^3)}{O(N^3)}.
#' @seealso [gplvm()] for the call, [gplvm-models] for the models.
#' @name gplvm-scaling
NULL
