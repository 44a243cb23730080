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

/* The engine's kernel pass.  Fills the lower triangle and the diagonal of
 * K (n x n) with k(X, X) like gplvm_kernel_sym, and caches in the strict
 * upper triangle, which dpotrf/dpotri with uplo = 'L' never reference, the
 * exponential factor e_ij of the first stationary part (RBF exp(-r^2/2),
 * Matern exp(-sqrt(3) r) or exp(-sqrt(5) r)) for the gradient pass: pair
 * i > j is stored at K[(i - j - 1) + (n - 1 - j) n], so that both the lower
 * column j and its cache are contiguous.  Columns are spread over nthreads
 * OpenMP threads; the result does not depend on nthreads. */
void gplvm_kernel_sym_cached(const gplvm_kernel *k, const double *X, int n,
                             int q, double *K, int nthreads);

/* Gradient contraction.  G (n x n) holds dL/dK in its lower triangle and
 * diagonal; if `cached`, its strict upper triangle holds the cache written
 * by gplvm_kernel_sym_cached for the same X and kernel.  Adds dL/dX (n x q)
 * to gX and dL/dtheta (natural scale, order of par) to gpar, and stores
 * trace(G) in *trace.  Uses nthreads OpenMP threads over a fixed partition
 * of the columns (a function of n only), with partial sums combined in a
 * fixed order: the result is identical for every nthreads. */
void gplvm_kernel_grad(const gplvm_kernel *k, const double *X, int n, int q,
                       const double *G, int cached, double *gX, double *gpar,
                       double *trace, int nthreads);

/* Phases timed by the engine when its `phase` argument is not NULL (used by
 * the benchmark entry only); wall seconds are added to phase[GPLVM_PH_*]. */
enum {
    GPLVM_PH_KERNEL = 0,  /* kernel matrix and cache */
    GPLVM_PH_POTRF,       /* Cholesky factorisation */
    GPLVM_PH_POTRI,       /* K^-1 from the factor (gradient only) */
    GPLVM_PH_SOLVE,       /* A = K^-1 Y and the quadratic term */
    GPLVM_PH_SYRK,        /* G = A A' / 2 - D K^-1 / 2 */
    GPLVM_PH_GRAD,        /* gradient contraction */
    GPLVM_NPHASE
};

/* Wall-clock seconds from an arbitrary origin. */
double gplvm_wtime(void);

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
 * A is n x d workspace.  On return *loglik holds L; if want_grad, gX
 * (n x q), gpar and *gnoise hold the gradient (they are overwritten).
 * *jitter is what had to be added to the diagonal (0 when the first
 * Cholesky succeeded).  nthreads (>= 1) OpenMP threads run the O(n^2 q)
 * loops; the results do not depend on it.  phase: NULL, or GPLVM_NPHASE
 * doubles to which phase timings are added.  Returns a status code.
 *
 * Cost: the O(n^3) dpotrf and dpotri, 2 n^2 d for A = K^-1 Y (dpotrs for
 * the value alone, dsymm from K^-1 with the gradient) and n^2 d for A A' (so O(n^3) and no n^2 D term when a factor with n columns is passed
 * for D > n), and O(n^2 q) for the kernel and the gradient, each one pass
 * over the lower triangle. */
int gplvm_loglik_engine(const double *Y, int n, int d, double ndim,
                        const double *X, int q, const gplvm_kernel *k,
                        double noise, int want_grad, int nthreads,
                        double *K, double *A,
                        double *loglik, double *gX, double *gpar,
                        double *gnoise, double *jitter, double *phase);

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

/* Used by the sparse and Bayesian engines (src/sparse.c): the kernel
 * without its white parts (kf, allocated with R_alloc), the map from kf's
 * parameters to the full vector (total entries) and the white variance;
 * and the Cholesky factor of Kzz + jitter I, the jitter starting at *rel
 * (0: the default) times the mean diagonal (see src/sparse.c). */
void gplvm_strip_white(const gplvm_kernel *k, int total, gplvm_kernel *kf,
                       int *map, double *white);
int gplvm_factor_kzz(const double *Kzz, int m, double *Lz, double *jitter,
                     double *rel, int *retries);

/* ---- src/psi.c: psi-statistics of the Bayesian GP-LVM ---- */

/* Index of the first part of k without psi-statistics (anything but RBF,
 * linear, bias and white), or -1. */
int gplvm_psi_unsupported(const gplvm_kernel *k);
/* Whether part p of k is white noise. */
int gplvm_psi_white(const gplvm_kernel *k, int p);

/* psi0 (scalar), Psi1 (n x m) and Psi2 (m x m, full) of k under
 * q(x_n) = N(mu_n, diag S_n) (mu, S n x q) and inducing inputs Z (m x q).
 * k must have no white parts.  Results do not depend on nthreads. */
void gplvm_psi_stats(const gplvm_kernel *k, const double *mu,
                     const double *S, int n, const double *Z, int m, int q,
                     double *psi0, double *Psi1, double *Psi2, int nthreads);

/* Adds the gradient of g0 psi0 + sum(W1 .* Psi1) + sum(W2 .* Psi2) (W2
 * symmetric) with respect to mu, S (n x q), Z (m x q) and the parameters
 * of k (natural scale, order of par) to gmu, gS, gZ, gpar. */
void gplvm_psi_grad(const gplvm_kernel *k, const double *mu, const double *S,
                    int n, const double *Z, int m, int q, double g0,
                    const double *W1, const double *W2, double *gmu,
                    double *gS, double *gZ, double *gpar, int nthreads);

/* Bayesian GP-LVM bound (src/bayes.c, formulas there): Y n x d, latent
 * means mu and variances S (n x q, S > 0), Z m x q.  Writes *bound and, if
 * want_grad, gmu, gS (n x q), gZ (m x q), gpar (natural scale) and *gnoise;
 * *jitter and *retries as in the sparse engine.  Returns a status code. */
int gplvm_bayes_engine(const double *Y, int n, int d, double ndim,
                       const double *mu, const double *S, const double *Z,
                       int m, int q, const gplvm_kernel *k, double noise,
                       int want_grad, int nthreads, double *bound,
                       double *gmu, double *gS, double *gZ, double *gpar,
                       double *gnoise, double *jitter, int *retries);
SEXP gplvm_bayes_call(SEXP Y, SEXP mu, SEXP S, SEXP Z, SEXP type, SEXP npar,
                      SEXP par, SEXP noise, SEXP ndim, SEXP gradient,
                      SEXP threads);
SEXP gplvm_psi_call(SEXP mu, SEXP S, SEXP Z, SEXP type, SEXP npar, SEXP par,
                    SEXP threads);

SEXP gplvm_sparse_call(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                       SEXP par, SEXP noise, SEXP ndim, SEXP approx,
                       SEXP gradient);
/* ws: NULL, or a workspace from gplvm_workspace_call() whose K and A
 * buffers are then reused from call to call. */
SEXP gplvm_loglik_call(SEXP Y, SEXP X, SEXP type, SEXP npar, SEXP par,
                       SEXP noise, SEXP ndim, SEXP gradient, SEXP threads,
                       SEXP ws);
/* Benchmark entry (bench/eval.R): one engine evaluation with phase timings
 * and total, then dpotrf + dpotri of the same K timed alone (the floor). */
SEXP gplvm_bench_call(SEXP Y, SEXP X, SEXP type, SEXP npar, SEXP par,
                      SEXP noise, SEXP threads, SEXP ws);
/* A new, empty workspace (external pointer, freed by its finalizer). */
SEXP gplvm_workspace_call(void);
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
