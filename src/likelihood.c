/* The GP-LVM log-likelihood and its full gradient from one Cholesky factor.
 *
 *   L = -N D/2 log(2 pi) - D/2 log|K| - 1/2 tr(K^-1 Y Y'),  K = Kf + s2 I
 *   G = dL/dK = 1/2 (A A' - D K^-1),  A = K^-1 Y
 *
 * One n x n buffer holds K, then its Cholesky factor, then K^-1, then G
 * (lower triangles throughout), while its strict upper triangle caches the
 * kernel's exponential factors for the gradient pass.
 */
#include "gplvm.h"
#include <math.h>
#include <string.h>
#include <stdlib.h>
#include <limits.h>

#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define MAX_JITTER_TRIES 5
#define DIAG_NOT_FINITE INT_MIN

double gplvm_wtime(void)
{
#ifdef _OPENMP
    return omp_get_wtime();
#elif defined(CLOCK_MONOTONIC)
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
#else
    return (double) clock() / CLOCKS_PER_SEC;
#endif
}

/* Adds the time since *t0 to phase[ph] and restarts the clock. */
static void tick(double *phase, int ph, double *t0)
{
    if (!phase) return;
    double t1 = gplvm_wtime();
    phase[ph] += t1 - *t0;
    *t0 = t1;
}

/* Builds K = Kf + diag_add I in the lower triangle (with the cache in the
 * strict upper one) and factorises it.  Returns the LAPACK info, or
 * DIAG_NOT_FINITE.  Checking the diagonal is enough: for a sum of positive
 * semi-definite kernels |K_ij| <= sqrt(K_ii K_jj). */
static int build_and_factor(const gplvm_kernel *k, const double *X, int n,
                            int q, double diag_add, double *K, int nthreads,
                            double *mean_diag, double *phase, double *t0)
{
    const char uplo = 'L';
    int info;
    double sum = 0.0;
    gplvm_kernel_sym_cached(k, X, n, q, K, nthreads);
    for (int i = 0; i < n; i++) {
        K[i + (size_t) i * n] += diag_add;
        sum += K[i + (size_t) i * n];
    }
    *mean_diag = sum / n;
    tick(phase, GPLVM_PH_KERNEL, t0);
    if (!R_FINITE(sum)) return DIAG_NOT_FINITE;
    F77_CALL(dpotrf)(&uplo, &n, K, &n, &info FCONE);
    tick(phase, GPLVM_PH_POTRF, t0);
    return info;
}

int gplvm_loglik_engine(const double *Y, int n, int d, double ndim,
                        const double *X, int q, const gplvm_kernel *k,
                        double noise, int want_grad, int nthreads,
                        double *K, double *A,
                        double *loglik, double *gX, double *gpar,
                        double *gnoise, double *jitter, double *phase)
{
    const char uplo = 'L', trans = 'N';
    int info, npar = gplvm_kernel_check(k, q);
    double mean_diag, t0 = phase ? gplvm_wtime() : 0.0;

    double rel = 0.0;   /* jitter / mean_diag */
    *jitter = 0.0;
    info = build_and_factor(k, X, n, q, noise, K, nthreads, &mean_diag,
                            phase, &t0);
    if (info == DIAG_NOT_FINITE) return GPLVM_NONFINITE;
    /* Not positive definite: retry with jitter growing tenfold. */
    for (int t = 0; info > 0 && t < MAX_JITTER_TRIES; t++) {
        double md;
        rel = 1e-6 * pow(10.0, t);
        *jitter = mean_diag * rel;
        info = build_and_factor(k, X, n, q, noise + *jitter, K, nthreads,
                                &md, phase, &t0);
    }
    if (info > 0) return GPLVM_NOT_PD;
    if (info < 0) return GPLVM_LAPACK;
    R_CheckUserInterrupt();

    double logdet = 0.0;
    for (int i = 0; i < n; i++) logdet += log(K[i + (size_t) i * n]);
    logdet *= 2.0;

    /* A = K^-1 Y: by two triangular solves for the value alone; with the
     * gradient, K^-1 is needed anyway and one dsymm costs less */
    if (want_grad) {
        const char side = 'L';
        const double one = 1.0, zero = 0.0;
        F77_CALL(dpotri)(&uplo, &n, K, &n, &info FCONE);
        if (info != 0) return GPLVM_LAPACK;
        tick(phase, GPLVM_PH_POTRI, &t0);
        F77_CALL(dsymm)(&side, &uplo, &n, &d, &one, K, &n, Y, &n, &zero, A,
                        &n FCONE FCONE);
    } else {
        memcpy(A, Y, (size_t) n * d * sizeof(double));
        F77_CALL(dpotrs)(&uplo, &n, &d, K, &n, A, &n, &info FCONE);
        if (info != 0) return GPLVM_LAPACK;
    }
    double quad = 0.0;
    for (size_t i = 0; i < (size_t) n * d; i++) quad += A[i] * Y[i];
    tick(phase, GPLVM_PH_SOLVE, &t0);

    *loglik = -0.5 * n * ndim * log(2.0 * M_PI) - 0.5 * ndim * logdet -
        0.5 * quad;
    if (!R_FINITE(*loglik)) return GPLVM_NONFINITE;
    if (!want_grad) return GPLVM_OK;
    R_CheckUserInterrupt();

    /* G = 1/2 A A' - D/2 K^-1 in place */
    double alpha = 0.5, beta = -0.5 * ndim;
    F77_CALL(dsyrk)(&uplo, &trans, &n, &d, &alpha, A, &n, &beta, K, &n
                    FCONE FCONE);
    tick(phase, GPLVM_PH_SYRK, &t0);
    R_CheckUserInterrupt();

    /* The jitter rel * mean(diag(Kf) + noise) depends on the parameters
     * through the diagonal: dL/dtheta gains trace(G) rel / n times
     * sum_i dK_ii/dtheta, which is G_ii += rel trace(G) / n (as in the
     * sparse model), so that the gradient is that of the value returned. */
    if (rel > 0.0) {
        double trG = 0.0;
        for (int i = 0; i < n; i++) trG += K[i + (size_t) i * n];
        for (int i = 0; i < n; i++) K[i + (size_t) i * n] += rel * trG / n;
    }

    memset(gX, 0, (size_t) n * q * sizeof(double));
    memset(gpar, 0, (size_t) npar * sizeof(double));
    gplvm_kernel_grad(k, X, n, q, K, 1, gX, gpar, gnoise, nthreads);
    tick(phase, GPLVM_PH_GRAD, &t0);

    for (size_t i = 0; i < (size_t) n * q; i++)
        if (!R_FINITE(gX[i])) return GPLVM_NONFINITE;
    for (int i = 0; i < npar; i++)
        if (!R_FINITE(gpar[i])) return GPLVM_NONFINITE;
    if (!R_FINITE(*gnoise)) return GPLVM_NONFINITE;
    return GPLVM_OK;
}

/* Workspace kept between the evaluations of a fit: an external pointer to
 * a malloc'd block, grown on demand and freed by its finalizer.  Reusing
 * it saves the page faults of fresh N x N memory on every call. */
typedef struct {
    double *buf;
    size_t len;
} workspace;

static void workspace_free(SEXP ptr)
{
    workspace *w = (workspace *) R_ExternalPtrAddr(ptr);
    if (!w) return;
    free(w->buf);
    free(w);
    R_ClearExternalPtr(ptr);
}

SEXP gplvm_workspace_call(void)
{
    workspace *w = (workspace *) calloc(1, sizeof(workspace));
    if (!w) error("cannot allocate a workspace");
    SEXP ptr = PROTECT(R_MakeExternalPtr(w, install("gplvm_workspace"),
                                         R_NilValue));
    R_RegisterCFinalizerEx(ptr, workspace_free, TRUE);
    UNPROTECT(1);
    return ptr;
}

/* len doubles: from the workspace `ws`, or from R_alloc when it is NULL. */
static double *workspace_get(SEXP ws, size_t len)
{
    if (isNull(ws)) return (double *) R_alloc(len, sizeof(double));
    if (TYPEOF(ws) != EXTPTRSXP ||
        R_ExternalPtrTag(ws) != install("gplvm_workspace") ||
        !R_ExternalPtrAddr(ws))
        error("'workspace' must be NULL or a gplvm workspace");
    workspace *w = (workspace *) R_ExternalPtrAddr(ws);
    if (w->len < len) {
        free(w->buf);
        w->buf = (double *) malloc(len * sizeof(double));
        w->len = w->buf ? len : 0;
        if (!w->buf)
            error("cannot allocate %.0f MB of workspace",
                  len * sizeof(double) / 1048576.0);
    }
    return w->buf;
}

/* The exact model keeps N^2 below 2^31 (see .check_exact_size in R). */
static void check_exact_size(int n)
{
    if ((double) n * n > INT_MAX)
        error("the exact model takes at most 46340 rows, not %d; use the "
              "sparse model (inducing inputs)", n);
}

/* Arguments shared by the .Call entries, checked. */
typedef struct {
    int n, d, q, nthreads;
    double noise;
    gplvm_kernel k;
} eval_args;

static void check_args(SEXP Y, SEXP X, SEXP type, SEXP npar, SEXP par,
                       SEXP noise, SEXP threads, eval_args *a)
{
    int nx;
    gplvm_matrix_dims(Y, "Y", &a->n, &a->d);
    gplvm_matrix_dims(X, "X", &nx, &a->q);
    if (nx != a->n) error("'X' and 'Y' must have the same number of rows");
    check_exact_size(a->n);
    gplvm_kernel_from_sexp(type, npar, par, a->q, &a->k);
    a->noise = gplvm_scalar_arg(noise, "noise");
    if (a->noise < 0.0) error("'noise' must be non-negative");
    if (TYPEOF(threads) != INTSXP || LENGTH(threads) != 1 ||
        INTEGER(threads)[0] < 1)
        error("'threads' must be one positive integer");
    a->nthreads = gplvm_threads(INTEGER(threads)[0]);
}

SEXP gplvm_loglik_call(SEXP Y, SEXP X, SEXP type, SEXP npar, SEXP par,
                       SEXP noise, SEXP ndim, SEXP gradient, SEXP threads,
                       SEXP ws)
{
    eval_args a;
    check_args(Y, X, type, npar, par, noise, threads, &a);
    int n = a.n, q = a.q;
    double D = gplvm_scalar_arg(ndim, "ndim");
    if (D <= 0.0) error("'ndim' must be positive");
    if (TYPEOF(gradient) != LGLSXP || LENGTH(gradient) != 1 ||
        LOGICAL(gradient)[0] == NA_LOGICAL)
        error("'gradient' must be TRUE or FALSE");
    int want_grad = LOGICAL(gradient)[0];

    double *K = workspace_get(ws, (size_t) n * (n + a.d)), *A = K + (size_t) n * n;

    const char *names[] = {"loglik", "X", "kernel", "noise", "jitter",
                           "status", ""};
    SEXP out = PROTECT(mkNamed(VECSXP, names));
    SEXP ll = PROTECT(allocVector(REALSXP, 1));
    SEXP gX = PROTECT(allocMatrix(REALSXP, want_grad ? n : 0,
                                  want_grad ? q : 0));
    SEXP gpar = PROTECT(allocVector(REALSXP, want_grad ? LENGTH(par) : 0));
    SEXP gnoise = PROTECT(allocVector(REALSXP, 1));
    SEXP jitter = PROTECT(allocVector(REALSXP, 1));
    REAL(ll)[0] = NA_REAL;
    REAL(gnoise)[0] = NA_REAL;
    double *gXbuf = want_grad ? REAL(gX) :
        (double *) R_alloc((size_t) n * q, sizeof(double));
    double *gparbuf = want_grad ? REAL(gpar) :
        (double *) R_alloc(LENGTH(par) + 1, sizeof(double));
    int status = gplvm_loglik_engine(REAL(Y), n, a.d, D, REAL(X), q, &a.k,
                                     a.noise, want_grad, a.nthreads, K, A,
                                     REAL(ll), gXbuf, gparbuf, REAL(gnoise),
                                     REAL(jitter), NULL);
    SET_VECTOR_ELT(out, 0, ll);
    SET_VECTOR_ELT(out, 1, gX);
    SET_VECTOR_ELT(out, 2, gpar);
    SET_VECTOR_ELT(out, 3, gnoise);
    SET_VECTOR_ELT(out, 4, jitter);
    SET_VECTOR_ELT(out, 5, ScalarInteger(status));
    UNPROTECT(6);
    return out;
}

SEXP gplvm_bench_call(SEXP Y, SEXP X, SEXP type, SEXP npar, SEXP par,
                      SEXP noise, SEXP threads, SEXP ws)
{
    eval_args a;
    check_args(Y, X, type, npar, par, noise, threads, &a);
    int n = a.n, q = a.q, info;
    const char uplo = 'L';
    double *K = workspace_get(ws, (size_t) n * (n + a.d)), *A = K + (size_t) n * n;
    double *gX = (double *) R_alloc((size_t) n * q, sizeof(double));
    double *gpar = (double *) R_alloc(LENGTH(par), sizeof(double));
    double ll, gnoise, jitter;

    const char *names[] = {"kernel", "potrf", "potri", "solve", "syrk",
                           "grad", "engine", "floor_potrf", "floor_potri",
                           ""};
    SEXP out = PROTECT(mkNamed(REALSXP, names));
    double *t = REAL(out);
    memset(t, 0, 9 * sizeof(double));
    double t0 = gplvm_wtime();
    int status = gplvm_loglik_engine(REAL(Y), n, a.d, a.d, REAL(X), q, &a.k,
                                     a.noise, 1, a.nthreads, K, A, &ll, gX,
                                     gpar, &gnoise, &jitter, t);
    t[6] = gplvm_wtime() - t0;
    if (status != GPLVM_OK) error("evaluation failed with status %d", status);

    /* the floor: dpotrf + dpotri of the same K */
    gplvm_kernel_sym(&a.k, REAL(X), n, q, K);
    for (int i = 0; i < n; i++) K[i + (size_t) i * n] += a.noise + jitter;
    t0 = gplvm_wtime();
    F77_CALL(dpotrf)(&uplo, &n, K, &n, &info FCONE);
    t[7] = gplvm_wtime() - t0;
    if (info != 0) error("dpotrf failed with info %d", info);
    t0 = gplvm_wtime();
    F77_CALL(dpotri)(&uplo, &n, K, &n, &info FCONE);
    t[8] = gplvm_wtime() - t0;
    if (info != 0) error("dpotri failed with info %d", info);
    UNPROTECT(1);
    return out;
}

/* The upper Cholesky factor R (R'R = K, zeros below the diagonal, as from
 * R's chol()) of K = k(X, X) + diag_add I, built in the one n x n matrix
 * that is returned: the end of a fit needs no other N x N copy. */
SEXP gplvm_chol_call(SEXP X, SEXP type, SEXP npar, SEXP par, SEXP diag_add)
{
    int n, q, info;
    const char uplo = 'L';
    gplvm_kernel k;
    gplvm_matrix_dims(X, "X", &n, &q);
    check_exact_size(n);
    gplvm_kernel_from_sexp(type, npar, par, q, &k);
    double add = gplvm_scalar_arg(diag_add, "diag_add");
    if (add < 0.0) error("'diag_add' must be non-negative");
    SEXP R = PROTECT(allocMatrix(REALSXP, n, n));
    double *K = REAL(R);
    gplvm_kernel_sym(&k, REAL(X), n, q, K);
    for (int i = 0; i < n; i++) K[i + (size_t) i * n] += add;
    for (int i = 0; i < n; i++)
        if (!R_FINITE(K[i + (size_t) i * n]))
            error("the covariance matrix is not finite");
    F77_CALL(dpotrf)(&uplo, &n, K, &n, &info FCONE);
    if (info != 0)
        error("the covariance matrix of the fit is not positive definite");
    /* lower factor L = R' to upper R, zeros below */
    for (int j = 0; j < n; j++)
        for (int i = j + 1; i < n; i++) {
            K[j + (size_t) i * n] = K[i + (size_t) j * n];
            K[i + (size_t) j * n] = 0.0;
        }
    UNPROTECT(1);
    return R;
}

/* Frees the buffer of a workspace (the pointer stays valid and grows again
 * if used): called when a fit ends.  Returns the number of doubles freed. */
SEXP gplvm_workspace_free_call(SEXP ws)
{
    if (TYPEOF(ws) != EXTPTRSXP ||
        R_ExternalPtrTag(ws) != install("gplvm_workspace"))
        error("'workspace' must be a gplvm workspace");
    workspace *w = (workspace *) R_ExternalPtrAddr(ws);
    double freed = 0.0;
    if (w) {
        freed = (double) w->len;
        free(w->buf);
        w->buf = NULL;
        w->len = 0;
    }
    return ScalarReal(freed);
}
