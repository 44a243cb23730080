/* gplvm: shared declarations of the C core.
 *
 * Two layers: .Call wrappers (gplvm_*_call) check the SEXPs they receive and
 * allocate outputs; pure-C engines below take plain pointers and sizes and
 * never allocate R objects.  All matrices are column-major, as in R.
 */
#ifndef GPLVM_H
#define GPLVM_H

#define USE_FC_LEN_T
#include <R.h>
#include <Rinternals.h>
#include <R_ext/BLAS.h>
#include <R_ext/Lapack.h>
#ifndef FCONE
#define FCONE
#endif

/* Kernel part codes; must match .kernel_codes in R/kernels.R. */
enum {
    GPLVM_RBF = 1, GPLVM_MATERN32 = 2, GPLVM_MATERN52 = 3,
    GPLVM_LINEAR = 4, GPLVM_BIAS = 5, GPLVM_WHITE = 6
};

/* Status codes returned by the engines; R/likelihood.R turns them into
 * messages. */
enum {
    GPLVM_OK = 0,
    GPLVM_NOT_PD = 1,     /* Cholesky failed even after adding jitter */
    GPLVM_NONFINITE = 2,  /* kernel matrix or result not finite */
    GPLVM_LAPACK = 3      /* LAPACK reported an illegal argument */
};

/* A kernel is a sum of `nparts` parts.  Part p has code type[p] and npar[p]
 * consecutive parameters in `par`, starting at offset sum(npar[0..p-1]):
 *   stationary (RBF, Matern): variance, then 1 (isotropic) or q (ARD)
 *                             lengthscales;
 *   linear: 1 (shared) or q (ARD) variances;  bias, white: variance. */
typedef struct {
    int nparts;
    const int *type;
    const int *npar;
    const double *par;
} gplvm_kernel;

/* Checks codes and parameter counts against latent dimension q; returns the
 * total parameter count, or -1 when the description is inconsistent. */
int gplvm_kernel_check(const gplvm_kernel *k, int q);

/* Cross covariance: K (n x m, leading dimension n) = k(X, X2), X n x q,
 * X2 m x q.  White parts contribute nothing here (they are not a function of
 * the inputs). */
void gplvm_kernel_cross(const gplvm_kernel *k, const double *X, int n,
                        const double *X2, int m, int q, double *K);

/* Symmetric covariance k(X, X): fills the lower triangle and the diagonal of
 * K (n x n, leading dimension n); the strict upper triangle is not touched.
 * White parts add their variance to the diagonal. */
void gplvm_kernel_sym(const gplvm_kernel *k, const double *X, int n, int q,
                      double *K);

/* Gradient contraction.  G (n x n) holds dL/dK in its lower triangle and
 * diagonal.  Adds dL/dX (n x q) to gX and dL/dtheta (natural scale, order of
 * par) to gpar.  work needs n * q doubles. */
void gplvm_kernel_grad(const gplvm_kernel *k, const double *X, int n, int q,
                       const double *G, double *gX, double *gpar,
                       double *work);

/* Log-likelihood engine.  Y is n x d (used as given: any factor C with
 * C C' = Y Y' gives the same result), `ndim` is the data dimension D of the
 * formula (equal to d unless a factor is passed).  K is n x n workspace,
 * A is n x d workspace, work is n * q workspace.  On return *loglik holds
 * L; if want_grad, gX (n x q), gpar and *gnoise hold the gradient (they are
 * overwritten).  *jitter is what had to be added to the diagonal (0 when the
 * first Cholesky succeeded).  Returns a status code. */
int gplvm_loglik_engine(const double *Y, int n, int d, double ndim,
                        const double *X, int q, const gplvm_kernel *k,
                        double noise, int want_grad,
                        double *K, double *A, double *work,
                        double *loglik, double *gX, double *gpar,
                        double *gnoise, double *jitter);

SEXP gplvm_loglik_call(SEXP Y, SEXP X, SEXP type, SEXP npar, SEXP par,
                       SEXP noise, SEXP ndim, SEXP gradient);
SEXP gplvm_kern_matrix_call(SEXP X, SEXP X2, SEXP type, SEXP npar, SEXP par);

/* Shared by the wrappers: checks a kernel description received from R and
 * fills *k; errors (in R) when it is malformed. */
void gplvm_kernel_from_sexp(SEXP type, SEXP npar, SEXP par, int q,
                            gplvm_kernel *k);
/* Checks that x is a double matrix and returns its dimensions. */
void gplvm_matrix_dims(SEXP x, const char *what, int *nrow, int *ncol);

#endif
