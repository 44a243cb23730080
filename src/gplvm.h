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

/* Sparse approximations; must match .sparse_codes in R/sparse.R. */
enum { GPLVM_VFE = 1, GPLVM_FITC = 2, GPLVM_DTC = 3 };

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

/* ---- src/kernels_cross.c: what the sparse model needs ---- */

/* Diagonal d[i] = k(x_i, x_i) (n values); white parts add their variance. */
void gplvm_kernel_diag(const gplvm_kernel *k, const double *X, int n, int q,
                       double *d);

/* Diagonal gradient contraction: adds sum_i g[i] dk(x_i, x_i)/d(X, theta)
 * to gX (n x q) and gpar (natural scale, order of par). */
void gplvm_kernel_grad_diag(const gplvm_kernel *k, const double *X, int n,
                            int q, const double *g, double *gX, double *gpar);

/* Cross gradient contraction.  W (n x m) holds dL/dK for K = k(X, Z) (each
 * entry a free variable; no symmetry).  Adds sum_ij W_ij dK_ij/d(.) to
 * gX (n x q), gZ (m x q) and gpar.  White parts contribute nothing.  work
 * needs 2 n q doubles. */
void gplvm_kernel_grad_cross(const gplvm_kernel *k, const double *X, int n,
                             const double *Z, int m, int q, const double *W,
                             double *gX, double *gZ, double *gpar,
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

/* Sparse engine (src/sparse.c, formulas there): Y n x d, X n x q, inducing
 * inputs Z m x q, approx one of GPLVM_VFE, GPLVM_FITC, GPLVM_DTC.  White
 * parts of k act as noise.  Writes *loglik and, if want_grad, gX (n x q),
 * gZ (m x q), gpar and *gnoise; *jitter is what was added to the diagonal
 * of k(Z, Z) and *retries how often it had to grow.  Workspace comes from
 * R_alloc: O(n m + n d + m^2) doubles.  Returns a status code. */
int gplvm_sparse_engine(const double *Y, int n, int d, double ndim,
                        const double *X, const double *Z, int m, int q,
                        const gplvm_kernel *k, double noise, int approx,
                        int want_grad, double *loglik, double *gX,
                        double *gZ, double *gpar, double *gnoise,
                        double *jitter, int *retries);

SEXP gplvm_sparse_call(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                       SEXP par, SEXP noise, SEXP ndim, SEXP approx,
                       SEXP gradient);
SEXP gplvm_loglik_call(SEXP Y, SEXP X, SEXP type, SEXP npar, SEXP par,
                       SEXP noise, SEXP ndim, SEXP gradient);
SEXP gplvm_kern_matrix_call(SEXP X, SEXP X2, SEXP type, SEXP npar, SEXP par);

/* Shared by the wrappers: checks a kernel description received from R and
 * fills *k; errors (in R) when it is malformed. */
void gplvm_kernel_from_sexp(SEXP type, SEXP npar, SEXP par, int q,
                            gplvm_kernel *k);
/* Checks that x is one finite double and returns it. */
double gplvm_scalar_arg(SEXP x, const char *what);
/* Checks that x is a double matrix and returns its dimensions. */
void gplvm_matrix_dims(SEXP x, const char *what, int *nrow, int *ncol);

#endif
