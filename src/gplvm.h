/* gplvm: shared declarations of the pure-C core.
 *
 * The engines below take plain pointers and sizes and never see a SEXP;
 * the .Call wrappers that check R's arguments and allocate R objects are
 * in src/call_*.c and declared in src/calls.h.  All matrices are
 * column-major, as in R.  Workspace comes from R_alloc (freed by R even
 * when an error jumps out).
 */
#ifndef GPLVM_H
#define GPLVM_H

#define USE_FC_LEN_T
#include <R.h>
#include <R_ext/BLAS.h>
#include <R_ext/Lapack.h>
#ifndef FCONE
#define FCONE
#endif

/* The floor of the covariance every engine factorises, relative to the
 * mean of its diagonal: the sparse and Bayesian models add it to k(Z, Z);
 * the exact model's effective noise is (noise^4 + floor^4)^(1/4), its
 * noise including the white parts' variances.  Always
 * present and smooth in the parameters, so the objective stays continuous
 * where points coincide or the noise vanishes. */
#define GPLVM_REL_FLOOR 1e-8

/* Sparse approximations; must match .sparse_codes in R/sparse.R. */
enum { GPLVM_VFE = 1, GPLVM_FITC = 2, GPLVM_DTC = 3 };

/* Status codes returned by the engines; R/likelihood.R turns them into
 * messages. */
enum {
    GPLVM_OK = 0,
    GPLVM_NOT_PD = 1,     /* Cholesky (sparse: of Kzz) failed even with jitter */
    GPLVM_NONFINITE = 2,  /* kernel matrix or result not finite */
    GPLVM_LAPACK = 3,     /* LAPACK reported an illegal argument */
    GPLVM_FITC_LAMBDA = 4, /* sparse FITC: noise + diag(Kxx - Q) not > 0 */
    GPLVM_SPARSE_INNER = 5 /* sparse: I + V' Lambda^-1 V not factorised */
};

/* ---- src/linalg.c: the BLAS/LAPACK helpers every engine shares ---- */

/* C (m x n, leading dimension m) = alpha op(A) op(B) + beta C, op(A) m x k
 * with leading dimension lda, op(B) k x n with ldb ('N' or 'T' each);
 * nothing for an empty C, C = beta C when k = 0. */
void gplvm_gemm(char ta, char tb, int m, int n, int k, double alpha,
                const double *A, int lda, const double *B, int ldb,
                double beta, double *C);
/* B (rows x cols, leading dimension rows) <- alpha op(L)^-1 B (side 'L')
 * or alpha B op(L)^-1 (side 'R'), L lower-triangular with leading
 * dimension ldl, op 'N' or 'T'. */
void gplvm_trsolve(char side, char trans, int rows, int cols,
                   const double *L, int ldl, double alpha, double *B);
/* Whether all len values are finite. */
int gplvm_all_finite(const double *x, size_t len);
/* S (m x m) <- (S + S') / 2. */
void gplvm_symmetrise(double *S, int m);
/* Zeros the strict upper triangle of A (m x m). */
void gplvm_zero_upper(double *A, int m);

/* ---- The kernel table (src/kernel_table.c; one file per kernel) ----
 *
 * Every kernel type is one gplvm_kernel_def.  Its family says how the
 * generic passes (src/kernel_matrix.c, src/kernel_cross.c) use it:
 *
 *   GPLVM_RADIAL    k(a, b) = v f(r^2), r^2 = sum_c (a_c - b_c)^2 / l_c^2,
 *                   f(0) = 1.  Parameters: variance v, lengthscale l (1 or
 *                   q values), then `nextra` further scalars.  The kernel
 *                   gives f and its derivatives as functions of r^2, on
 *                   vectors (the hot loops).
 *   GPLVM_PAIR      any other covariance: the kernel gives k(a, b), its
 *                   derivatives in a, b and its parameters, and
 *                   d^2 k / da db' at b = a, one pair of points at a time.
 *   GPLVM_CONSTANT  k(a, b) = v.
 *   GPLVM_WHITE     v on the diagonal of k(X, X), 0 elsewhere and in every
 *                   cross covariance; noise for the sparse model.
 */
enum { GPLVM_RADIAL = 1, GPLVM_PAIR = 2, GPLVM_CONSTANT = 3,
       GPLVM_WHITE = 4 };

/* Radial kernels, for i < len:
 *   value: f[i] = f(r2[i]) and c[i] = whatever the gradient can reuse
 *          (RBF: its exponential), so that the engine can cache it; f and
 *          c are the same array when value_is_cache is set;
 *   grad:  with weights g[i], w[i] = -2 g[i] f'(r2[i]) (f' = df/dr^2),
 *          acc[0] += sum_i g[i] f(r2[i]), acc[1 + e] += sum_i g[i] df/dt_e
 *          for the extra parameters t_e.  c is NULL or holds what value()
 *          wrote for the same r2; r2 is NULL when c is given and the
 *          kernel's grad_uses_r2 is 0.
 * `extra` points at the extra parameters (after the lengthscales). */
typedef void (*gplvm_radial_value_fn)(const double *extra, int len,
                                      const double *r2, double *f,
                                      double *c);
typedef void (*gplvm_radial_grad_fn)(const double *extra, int len,
                                     const double *r2, const double *c,
                                     const double *g, double *w,
                                     double *acc);

/* Pair kernels: a and b are points (q contiguous values), par the part's
 * np parameters.
 *   value: k(a, b);
 *   grad:  adds s dk/da to ga, s dk/db to gb and s dk/dpar to gpar, each
 *          skipped when NULL (ga and gb may be the same vector);
 *   d2:    H (q x q) = d^2 k(a, b) / da db' at b = a. */
typedef double (*gplvm_pair_value_fn)(const double *par, int np, int q,
                                      const double *a, const double *b);
typedef void (*gplvm_pair_grad_fn)(const double *par, int np, int q,
                                   const double *a, const double *b,
                                   double s, double *ga, double *gb,
                                   double *gpar);
typedef void (*gplvm_pair_d2_fn)(const double *par, int np, int q,
                                 const double *a, double *H);

/* The psi-statistics of the Bayesian GP-LVM for one kernel: operations
 * defined in src/psi_impl.h, one set per kernel in src/psi_<name>.c.  An
 * entry whose `psi` is NULL has none: the Bayesian model refuses it. */
typedef struct gplvm_psi_ops gplvm_psi_ops;
extern const gplvm_psi_ops gplvm_psi_ops_rbf, gplvm_psi_ops_linear,
    gplvm_psi_ops_bias, gplvm_psi_ops_white;

typedef struct {
    const char *name;            /* R's type name, e.g. "rbf" */
    const char *label;           /* printed name, e.g. "RBF" */
    int family;                  /* GPLVM_RADIAL, ... */
    int ngroups;                 /* parameter groups, in order: */
    const char *const *groups;   /*   their names (R's argument names) */
    int ard;                     /* the group that may hold q values
                                  * (0-based), or -1 */
    gplvm_radial_value_fn radial_value;
    gplvm_radial_grad_fn radial_grad;
    int grad_uses_r2;            /* radial_grad needs r2 even with c */
    int value_is_cache;          /* radial: c is f itself (RBF), so that
                                  * the engine may pass f == c */
    gplvm_pair_value_fn pair_value;
    gplvm_pair_grad_fn pair_grad;
    gplvm_pair_d2_fn pair_d2;
    const gplvm_psi_ops *psi;    /* psi-statistics, or NULL: none */
} gplvm_kernel_def;

/* The table: gplvm_kernel_defs[t - 1] is the kernel with type code t. */
extern const gplvm_kernel_def *const gplvm_kernel_defs[];
extern const int gplvm_nkernel_defs;

/* A kernel is a sum of `nparts` parts.  Part p has type code type[p]
 * (1-based index into the table) and npar[p] consecutive parameters in
 * `par`, starting at offset sum(npar[0..p-1]), in the order of its
 * definition's groups (the ARD group with 1 or q values, the others 1). */
typedef struct {
    int nparts;
    const int *type;
    const int *npar;
    const double *par;
} gplvm_kernel;

/* Checks codes and parameter counts against latent dimension q; returns the
 * total parameter count, or -1 when the description is inconsistent. */
int gplvm_kernel_check(const gplvm_kernel *k, int q);

/* The definition of part p (k has been checked). */
const gplvm_kernel_def *gplvm_part_def(const gplvm_kernel *k, int p);

/* ---- Passes over the table: src/kernel_matrix.c ---- */

/* Cross covariance: K (n x m, leading dimension n) = k(X, X2), X n x q,
 * X2 m x q.  White parts contribute nothing here. */
void gplvm_kernel_cross(const gplvm_kernel *k, const double *X, int n,
                        const double *X2, int m, int q, double *K);

/* The same, and in cache (n x m; NULL: none) what the first radial part's
 * value() caches (RBF: exp(-r^2/2)), for gplvm_kernel_grad_cross_cached. */
void gplvm_kernel_cross_cached(const gplvm_kernel *k, const double *X, int n,
                               const double *X2, int m, int q, double *K,
                               double *cache);

/* Symmetric covariance k(X, X): fills the lower triangle and the diagonal of
 * K (n x n, leading dimension n); the strict upper triangle is not touched.
 * White parts add their variance to the diagonal. */
void gplvm_kernel_sym(const gplvm_kernel *k, const double *X, int n, int q,
                      double *K);

/* The engine's kernel pass.  Fills the lower triangle and the diagonal of
 * K (n x n) with k(X, X) like gplvm_kernel_sym, and caches in the strict
 * upper triangle, which dpotrf/dpotri with uplo = 'L' never reference, what
 * the first radial part's value() put in c (RBF: exp(-r^2/2)) for the
 * gradient pass: pair i > j is stored at K[(i - j - 1) + (n - 1 - j) n], so
 * that both the lower column j and its cache are contiguous.  Columns are
 * spread over nthreads OpenMP threads; the result does not depend on
 * nthreads. */
void gplvm_kernel_sym_cached(const gplvm_kernel *k, const double *X, int n,
                             int q, double *K, int nthreads);

/* Gradient contraction.  G (n x n) holds dL/dK in its lower triangle and
 * diagonal; if `cached`, its strict upper triangle holds the cache written
 * by gplvm_kernel_sym_cached for the same X and kernel.  Adds dL/dX (n x q)
 * to gX and dL/dtheta (natural scale, order of par) to gpar, and stores
 * trace(G) in *trace.  Radial parts use nthreads OpenMP threads over a
 * fixed partition of the columns (a function of n only), with partial sums
 * combined in a fixed order: the result is identical for every nthreads. */
void gplvm_kernel_grad(const gplvm_kernel *k, const double *X, int n, int q,
                       const double *G, int cached, double *gX, double *gpar,
                       double *trace, int nthreads);

/* ---- Passes over the table: src/kernel_cross.c ---- */

/* Diagonal d[i] = k(x_i, x_i) (n values); white parts add their variance. */
void gplvm_kernel_diag(const gplvm_kernel *k, const double *X, int n, int q,
                       double *d);

/* Diagonal gradient contraction: adds sum_i g[i] dk(x_i, x_i)/d(X, theta)
 * (the total derivative in x_i) to gX (n x q) and gpar. */
void gplvm_kernel_grad_diag(const gplvm_kernel *k, const double *X, int n,
                            int q, const double *g, double *gX, double *gpar);

/* Cross gradient contraction.  W (n x m) holds dL/dK for K = k(X, Z) (each
 * entry a free variable; no symmetry).  Adds sum_ij W_ij dK_ij/d(.) to
 * gX (n x q), gZ (m x q; skipped when NULL) and gpar.  White parts
 * contribute nothing. */
void gplvm_kernel_grad_cross(const gplvm_kernel *k, const double *X, int n,
                             const double *Z, int m, int q, const double *W,
                             double *gX, double *gZ, double *gpar);

/* The same with the cache written by gplvm_kernel_cross_cached for the same
 * X, Z and kernel (NULL: recomputed), which saves the exponentials. */
void gplvm_kernel_grad_cross_cached(const gplvm_kernel *k, const double *X,
                                    int n, const double *Z, int m, int q,
                                    const double *W, const double *cache,
                                    double *gX, double *gZ, double *gpar);

/* Derivatives of the cross covariance in its first argument:
 * D[j + c n + i n q] = dk(xs_i, x_j) / dxs_ic for new points Xs (m x q)
 * and points X (n x q): for each new point an n x q block. */
void gplvm_kernel_cross_dx(const gplvm_kernel *k, const double *Xs, int m,
                           const double *X, int n, int q, double *D);

/* Second derivative across the arguments at coincident points:
 * H[c + d q + i q q] = d^2 k(a, b) / da_c db_d at a = b = x_i, for the m
 * points X (m x q): a q x q block per point (white parts: 0). */
void gplvm_kernel_d2(const gplvm_kernel *k, const double *X, int m, int q,
                     double *H);

/* ---- Engines ---- */

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

/* ---- src/threads.c ---- */

/* The OpenMP threads to use for a request of `requested` (>= 1): at most
 * the processors available and OMP_THREAD_LIMIT, and 1 in a process forked
 * after another one started a thread pool (1 without OpenMP). */
int gplvm_threads(int requested);

/* Log-likelihood engine (src/likelihood.c).  Y is n x d (used as given:
 * any factor C with C C' = Y Y' gives the same result), `ndim` is the data
 * dimension D of the formula (equal to d unless a factor is passed).  K is
 * n x n workspace, A is n x d workspace.  On return *loglik holds L; if
 * want_grad, gX (n x q), gpar and *gnoise hold the gradient (they are
 * overwritten), and so does gY (n x d, the gradient in the outputs,
 * dL/dY = -K^-1 Y) unless it is NULL.  K = Kf + s I with the effective
 * noise s = gplvm_effective_noise(k, noise + jitter, sum(diag Kf), n),
 * which keeps the value continuous where latent points coincide or the
 * noise vanishes.  *jitter is 0 unless the Cholesky factorisation failed
 * even so; it is then rel times mean(diag Kf).  The gradient includes the
 * dependence of s on the parameters, so that it is the gradient of the
 * value returned.  nthreads
 * (>= 1) OpenMP threads run the O(n^2 q) loops; the results do not depend
 * on it.  phase: NULL, or GPLVM_NPHASE doubles to which phase timings are
 * added.  Returns a status code.
 *
 * Cost: the O(n^3) dpotrf and dpotri, 2 n^2 d for A = K^-1 Y (dpotrs for
 * the value alone, dsymm from K^-1 with the gradient) and n^2 d for A A'
 * (so O(n^3) and no n^2 D term when a factor with n columns is passed for
 * D > n), and O(n^2 q) for the kernel and the gradient, each one pass over
 * the lower triangle. */
int gplvm_loglik_engine(const double *Y, int n, int d, double ndim,
                        const double *X, int q, const gplvm_kernel *k,
                        double noise, int want_grad, int nthreads,
                        double *K, double *A,
                        double *loglik, double *gX, double *gpar,
                        double *gnoise, double *gY, double *jitter,
                        double *phase);

/* The exact model's effective noise ((noise + w)^4 + f^4)^(1/4) - w, w the
 * variances of k's white parts, with the floor f = GPLVM_REL_FLOOR
 * mean(diag Kf), from the sum of the diagonal of Kf = k(X, X) (white
 * parts included) over its n entries. */
double gplvm_effective_noise(const gplvm_kernel *k, double noise,
                             double kf_diag_sum, int n);

/* The VFE, DTC and FITC bounds from sums over chunks of rows
 * (src/sparse_stats.c, formulas there; the model in src/sparse.c).  kf is
 * a kernel without white parts (gplvm_strip_white); gf holds gradients in
 * kf's parameter order.  Sparse phases timed when
 * `phase` is not NULL: */
enum {
    GPLVM_SPH_KERNEL = 0, /* Kxz (and its cache) chunk by chunk */
    GPLVM_SPH_STATS,      /* pass 1: V_c = Kxz_c Lz^-T, Phi += V_c' V_c,
                           * c += V_c' Y_c */
    GPLVM_SPH_GLOBAL,     /* the M x M work: factor and global step */
    GPLVM_SPH_DLDK,       /* pass 2: W = Y_c C' + 2 Kxz_c B */
    GPLVM_SPH_CONTRACT,   /* pass 2: W against the kernel's derivatives */
    GPLVM_NSPHASE
};
/* Doubles that keeping Kxz, V = Kxz Lz^-T and Kxz's cache for all n rows
 * takes. */
size_t gplvm_sparse_store_len(const gplvm_kernel *kf, int n, int m);
/* FITC's per-row part of the passes (NULL in them for VFE and DTC):
 * lambda_i = s2 + k(x_i, x_i) - Q_ii weights row i by 1 / lambda_i.  s2
 * is the noise with the white variances; pass 2 also needs ndim (D) and
 * rel (gplvm_sparse_factor's).  Pass 1 adds sum log lambda_i to loglam,
 * pass 2 adds dL/ds2 = sum dL/dlambda_i to gnoise. */
typedef struct {
    double s2, ndim, rel, loglam, gnoise;
} gplvm_fitc_rows;
/* Lz (m x m, lower, zeros above) with Lz Lz' = k(Z, Z) + jitter I, the
 * jitter as in gplvm_factor_kzz (*rel: its factor of the mean diagonal). */
int gplvm_sparse_factor(const gplvm_kernel *kf, const double *Z, int m,
                        int q, double *Lz, double *jitter, double *rel,
                        int *retries);
/* Pass 1 over the n rows of Y (n x d) and X (n x q), `chunk` rows at a
 * time, with V = Kxz Lz^-T: adds sum k(x_i, x_i) to *psi0, sum(Y^2) to
 * *yy, V'V to Phi (m x m, returned full) and V'Y to c (m x d); with fitc,
 * each row weighted by 1 / lambda_i (yy, Phi and c; psi0 unweighted).
 * store: NULL, or gplvm_sparse_store_len() doubles that keep Kxz and V for
 * pass 2. */
int gplvm_sparse_stats(const gplvm_kernel *kf, const double *Y, int n, int d,
                       const double *X, const double *Z, int m, int q,
                       const double *Lz, int chunk, double *store,
                       gplvm_fitc_rows *fitc, double *psi0, double *yy,
                       double *Phi, double *c, double *phase);
/* The global step from the summed statistics of nobs rows: *loglik and,
 * if want_grad, B = dL/dPhi Lz^-1 (m x m), C = Lz^-T dL/dc (m x d),
 * *g0 = dL/dpsi0, *gnoise = dL/ds2, and adds the Kzz part to gZ (m x q)
 * and gf.  Lz and rel from gplvm_sparse_factor. */
int gplvm_sparse_global(const gplvm_kernel *kf, const double *Z, int m,
                        int q, int d, double ndim, double s2, int approx,
                        const double *Lz, double rel, double nobs,
                        double psi0, double yy, const double *Phi,
                        const double *c, int want_grad, double *loglik,
                        double *B, double *C, double *g0, double *gnoise,
                        double *gZ, double *gf);
/* FITC's global step from pass 1's weighted sums (loglam = sum log
 * lambda_i): the same outputs, with *gnoise 0 (the noise enters through
 * lambda_i: pass 2 has its gradient). */
int gplvm_fitc_global(const gplvm_kernel *kf, const double *Z, int m, int q,
                      int d, double ndim, const double *Lz, double rel,
                      double nobs, double loglam, double yy,
                      const double *Phi, const double *c, int want_grad,
                      double *loglik, double *B, double *C, double *gnoise,
                      double *gZ, double *gf);
/* Pass 2: writes the rows' dL/dX to gX (n x q) and adds their share of
 * dL/dZ and dL/dtheta to gZ and gf (with fitc, also their share of dL/ds2
 * to fitc->gnoise and of the part of dL/dKzz that goes through lambda);
 * store as for pass 1, `stored` when it holds pass 1's Kxz for the same X,
 * Z and kernel; wbuf NULL or min(chunk, n) m doubles for dL/dKxz_c. */
int gplvm_sparse_grad(const gplvm_kernel *kf, const double *Y, int n, int d,
                      const double *X, const double *Z, int m, int q,
                      const double *Lz, int chunk, const double *B,
                      const double *C, double g0, gplvm_fitc_rows *fitc,
                      double *store, int stored, double *wbuf, double *gX,
                      double *gZ, double *gf, double *phase);
/* Doubles that `work` of gplvm_sparse_chunked() must hold for n rows, m
 * inducing inputs, chunks of `chunk` rows and `store` as given to it. */
size_t gplvm_sparse_work_len(int n, int m, int chunk, int store);
/* The three in one process, approx GPLVM_VFE, GPLVM_FITC or GPLVM_DTC.
 * Y n x d, X n x q, inducing inputs Z m x q; white parts of k act as
 * noise.  Writes *loglik and, if want_grad, gX (n x q), gZ (m x q), gpar
 * and *gnoise; *jitter is what was added to the diagonal of k(Z, Z) and
 * *retries how often it had to grow.  Returns a status code.
 * store: keep Kxz and V between the passes (O(n m) memory) rather than
 * compute them twice; otherwise O(chunk m + m^2 + m d) workspace.  work:
 * NULL, or gplvm_sparse_work_len() doubles that hold the store and pass
 * 2's dL/dKxz (memory kept between the evaluations of a fit, which spares
 * the page faults of fresh memory).  phase: NULL or GPLVM_NSPHASE
 * doubles. */
int gplvm_sparse_chunked(const double *Y, int n, int d, double ndim,
                         const double *X, const double *Z, int m, int q,
                         const gplvm_kernel *k, double noise, int approx,
                         int want_grad, int chunk, int store, double *work,
                         double *loglik, double *gX, double *gZ,
                         double *gpar, double *gnoise, double *jitter,
                         int *retries, double *phase);

/* Expected metric of the GP map's Jacobian (src/magnification.c) at the
 * m points Xs (m x q), for a posterior with mean k(x, S) alpha and
 * variance k(x, x) - k(x, S) F F' k(S, x): S n x q, alpha n x d, F n x r,
 * ndim the data dimension D.  Writes J (d x q x m), E[J] = alpha' dk(x,
 * S)/dx at each point, and G (q x q x m), E[J]'E[J] + D Cov[J] with
 * Cov[J] = d2k(x, x')/dx dx' - dk(x, S)/dx' F F' dk(S, x)/dx. */
void gplvm_metric(const gplvm_kernel *k, const double *Xs, int m,
                  const double *S, int n, int q, const double *alpha, int d,
                  const double *F, int r, double ndim, double *G, double *J);

/* Used by the sparse and Bayesian engines (src/sparse.c).  The kernel
 * without its white parts: kf (allocated with R_alloc), the map from kf's
 * parameters to the full vector of `total` entries, and the white
 * variance; returns kf's parameter count nf. */
int gplvm_strip_white(const gplvm_kernel *k, int total, gplvm_kernel *kf,
                      int *map, double *white);
/* The way back: gpar (all of k's parameters) gets gf (kf's nf, through
 * map), white_grad for each white variance and 0 elsewhere. */
void gplvm_unstrip_grad(const gplvm_kernel *k, int nf, const int *map,
                        const double *gf, double white_grad, double *gpar);
/* The Cholesky factor of Kzz + jitter I, the jitter starting at *rel
 * (0: the default) times the mean diagonal (see src/sparse.c). */
int gplvm_factor_kzz(const double *Kzz, int m, double *Lz, double *jitter,
                     double *rel, int *retries);

/* ---- src/psi.c: psi-statistics of the Bayesian GP-LVM ---- */

/* Index of the first part of k without psi-statistics (its table entry
 * has none, or none for its pairing with an earlier part), or -1. */
int gplvm_psi_unsupported(const gplvm_kernel *k);
/* Whether part p of k is white noise. */
int gplvm_psi_white(const gplvm_kernel *k, int p);

/* psi0 (scalar), Psi1 (n x m) and Psi2 (m x m, full) of k under
 * q(x_n) = N(mu_n, diag S_n) (mu, S n x q) and inducing inputs Z (m x q).
 * k must have no white parts.  Results do not depend on nthreads.  cache:
 * NULL, or gplvm_psi_cache_len(n, m) doubles that keep the per-row values
 * of k's first RBF part's own term for gplvm_psi_grad() at the same
 * inputs (the exp per pair of inducing inputs and row is most of an
 * evaluation, bench/bayes_cost.md). */
size_t gplvm_psi_cache_len(int n, int m);
void gplvm_psi_stats(const gplvm_kernel *k, const double *mu,
                     const double *S, int n, const double *Z, int m, int q,
                     double *psi0, double *Psi1, double *Psi2, int nthreads,
                     double *cache);

/* Adds the gradient of g0 psi0 + sum(W1 .* Psi1) + sum(W2 .* Psi2) (W2
 * symmetric) with respect to mu, S (n x q), Z (m x q) and the parameters
 * of k (natural scale, order of par) to gmu, gS, gZ, gpar. */
void gplvm_psi_grad(const gplvm_kernel *k, const double *mu, const double *S,
                    int n, const double *Z, int m, int q, double g0,
                    const double *W1, const double *W2, double *gmu,
                    double *gS, double *gZ, double *gpar, int nthreads,
                    double *cache);

/* The Bayesian bound's three steps (src/bayes.c); kf has no white parts,
 * s2 is the noise plus the white variances.  The weights of the gradient,
 * from the global step: L (m x m), E (m x d), W2 and WK (m x m). */
typedef struct {
    double beta, g0;
    double *L, *E, *W2, *WK;
} gplvm_bayes_weights;
void gplvm_bayes_weights_alloc(gplvm_bayes_weights *w, int m, int d);
/* Step 1, rows' sums: psi0, Psi2 (m x m), PY = Psi1'Y (m x d), yy =
 * tr(Y Y'), kl = KL(q(X) || N(0, I)) of these rows; Psi1 (n x m) is
 * written too; cache as gplvm_psi_stats(). */
int gplvm_bayes_stats(const gplvm_kernel *kf, const double *Y, int n, int d,
                      const double *mu, const double *S, const double *Z,
                      int m, int q, int nthreads, double *Psi1, double *psi0,
                      double *Psi2, double *PY, double *yy, double *kl,
                      double *cache);
/* Step 2, from all rows' sums (n rows): *bound and, if want_grad, the
 * weights w and *gnoise (stripped of the white parts). */
int gplvm_bayes_global(const gplvm_kernel *kf, const double *Z, int m,
                       int q, double s2, double ndim, double n, int d,
                       double psi0, const double *Psi2, const double *PY,
                       double yy, double kl, int want_grad, double *bound,
                       gplvm_bayes_weights *w, double *gnoise,
                       double *jitter, int *retries);
/* Step 3, rows' gradient: writes gmu, gS (n x q) and these rows' shares
 * gZ (m x q) and gf (kf's nf parameters) through Psi1 and Psi2 (W1, n x
 * m, is workspace); the share through Kzz is gplvm_kernel_grad() with
 * w->WK. */
int gplvm_bayes_rows_grad(const gplvm_kernel *kf, const double *Y, int n,
                          int d, const double *mu, const double *S,
                          const double *Z, int m, int q,
                          const gplvm_bayes_weights *w, int nthreads,
                          double *W1, double *gmu, double *gS, double *gZ,
                          double *gf, int nf, double *cache);
/* Bayesian GP-LVM bound (src/bayes.c, formulas there): Y n x d, latent
 * means mu and variances S (n x q, S > 0), Z m x q.  Writes *bound and, if
 * want_grad, gmu, gS (n x q), gZ (m x q), gpar (natural scale) and *gnoise;
 * *jitter and *retries as in the sparse engine; use_cache: keep Psi2's
 * values for the gradient (gplvm_psi_stats()).  Returns a status code. */
int gplvm_bayes_engine(const double *Y, int n, int d, double ndim,
                       const double *mu, const double *S, const double *Z,
                       int m, int q, const gplvm_kernel *k, double noise,
                       int want_grad, int use_cache, int nthreads,
                       double *bound,
                       double *gmu, double *gS, double *gZ, double *gpar,
                       double *gnoise, double *jitter, int *retries);

/* ---- src/nongaussian.c: the uncollapsed sparse bound of non-Gaussian
 * likelihoods (formulas there) ---- */

/* Likelihood codes; must match .likelihood_codes in R/nongaussian.R. */
enum { GPLVM_LIK_GAUSSIAN = 0, GPLVM_LIK_LOGIT = 1, GPLVM_LIK_PROBIT = 2,
       GPLVM_LIK_POISSON = 3, GPLVM_LIK_NEGBIN = 4 };
/* E[log p(y | f)] for f ~ N(mu, v), v > 0: r the negative binomial's size,
 * noise the Gaussian's variance, (z, w) the nq-point Gauss-Hermite rule of
 * the standard normal; writes the derivatives in mu, v, r and noise. */
double gplvm_expect_loglik(int lik, double y, double mu, double v, double r,
                           double noise, const double *z, const double *w,
                           int nq, double *gmu, double *gv, double *gr,
                           double *gnoise);
/* The bound: Y n x d (NaN entries skipped), X n x q, Z m x q, kf a kernel
 * without white parts, Mu m x d (the means of q(v_d)), L m x m x d (their
 * Cholesky factors, lower triangles read), disp d sizes (negative
 * binomial), noise (Gaussian).  Writes *value and, if want_grad, gX, gZ,
 * gpar (natural scale), gMu, gL (lower triangles), gdisp and *gnoise;
 * *jitter and *retries as in the sparse engine.  `chunk` rows at a time,
 * nthreads OpenMP threads (the result does not depend on it).  Returns a
 * status code. */
int gplvm_nongaussian_engine(const double *Y, int n, int d, const double *X,
                             const double *Z, int m, int q,
                             const gplvm_kernel *kf, int lik,
                             const double *Mu, const double *L,
                             const double *disp, double noise,
                             const double *z, const double *w, int nq,
                             int want_grad, int chunk, int nthreads,
                             double *value, double *gX, double *gZ,
                             double *gpar, double *gMu, double *gL,
                             double *gdisp, double *gnoise, double *jitter,
                             int *retries);
#endif
