#' gplvm: Gaussian Process Latent Variable Models
#'
#' Fits the Gaussian process latent variable model (GP-LVM) of Lawrence
#' (2005): a low-dimensional latent matrix \eqn{X} is found for a data matrix
#' \eqn{Y} by maximising the Gaussian process marginal likelihood
#' \eqn{p(Y \mid X)}{p(Y | X)}, jointly over the latent positions, the kernel
#' hyperparameters and the noise variance.  With a linear kernel the model is
#' probabilistic PCA; with a non-linear kernel it is a non-linear,
#' probabilistic generalisation of PCA for visualising and compressing
#' high-dimensional data.
#'
#' The log-likelihood and its full gradient are computed in C from one
#' Cholesky factorisation, on the BLAS and LAPACK that R was built with; a
#' faster BLAS therefore speeds up every fit.
#'
#' @section Getting started:
#' `vignette("gplvm")` walks through a complete analysis of the iris data.
#' \itemize{
#'   \item [gplvm()] fits the model and returns an object of class
#'     `"gplvm"`; [gplvm-models] explains the kinds of model it fits
#'     (sparse, Bayesian, back-constrained, dynamical, with missing
#'     values) and [gplvm-scaling] how to fit large data sets.
#'   \item Its methods ([gplvm-methods]): `print`, `summary`, `coef`,
#'     `logLik` (so `AIC()` and `BIC()` work), `nobs`, `fitted`,
#'     `residuals` and `as.data.frame`; `screeplot` and `anova`
#'     ([gplvm-compare]).
#'   \item [predict.gplvm()] maps new data to latent positions
#'     (`newdata`), and latent positions to data with the standard errors
#'     of the means and prediction intervals (`newlatent`, `se.fit`,
#'     `interval`).
#'   \item [plot.gplvm()] draws the latent positions over an image of the
#'     log10 precision of the latent function, light where the model is
#'     confident; points and lines added afterwards land in latent
#'     coordinates.  With ggplot2, [autoplot()][gplvm-ggplot2] does the
#'     same.
#' }
#'
#' @section Kernels and the likelihood:
#' \itemize{
#'   \item [kernels]: RBF, Matern, rational quadratic, periodic, linear,
#'     MLP (arc-sine), bias and white kernels, and sums with `+`.
#'   \item [kern_params()] and `kern_params<-` read and set hyperparameters;
#'     [kern_matrix()] computes covariance matrices.
#'   \item [gplvm_loglik()]: the log-likelihood and its gradient with
#'     respect to the latent positions, every hyperparameter and the noise.
#'   \item [gplvm_check_gradient()]: that gradient against central
#'     differences, component by component.
#' }
#'
#' @references Lawrence, N. D. (2005). Probabilistic non-linear principal
#'   component analysis with Gaussian process latent variable models.
#'   \emph{Journal of Machine Learning Research} 6, 1783--1816.
#'   \url{https://jmlr.org/papers/v6/lawrence05a.html}
#'
#'   Use `citation("gplvm")` to cite the package.
#' @author Maintainer: gplvm developers \email{gplvm-maintainers@example.org}
#' @docType package
#' @name gplvm-package
#' @aliases gplvm-package
#' @useDynLib gplvm, .registration = TRUE, .fixes = "C_"
NULL
