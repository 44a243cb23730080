#' gplvm: Gaussian Process Latent Variable Models
#'
#' Fits the GP-LVM of Lawrence (2005): a low-dimensional latent matrix is
#' found for the data by maximising the Gaussian process marginal
#' likelihood, jointly over the latent positions and the kernel
#' hyperparameters.  The likelihood and its gradient are computed in C.
#'
#' @references Lawrence, N. D. (2005). Probabilistic non-linear principal
#'   component analysis with Gaussian process latent variable models.
#'   Journal of Machine Learning Research 6, 1783--1816.
#' @keywords internal
#' @docType package
#' @name gplvm-package
#' @aliases gplvm-package
#' @useDynLib gplvm, .registration = TRUE, .fixes = "C_"
NULL
