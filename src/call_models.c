/* .Call wrappers of the engines: the exact log-likelihood (with the
 * workspace a fit keeps between evaluations) and its benchmark entry; the
 * metric of a fitted posterior (magnification).  The sparse model's are in
 * src/call_sparse.c. */
#include "calls.h"
#include <stdlib.h>
#include <string.h>
#include <limits.h>

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
double *gplvm_workspace_get(SEXP ws, size_t len)
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

/* Adds the effective noise of `noise` to the diagonal of K = k(X, X)
 * (n x n), as the engine does. */
static void add_noise(double *K, int n, const gplvm_kernel *k, double noise)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++) sum += K[i + (size_t) i * n];
    double s = gplvm_effective_noise(k, noise, sum, n);
    for (int i = 0; i < n; i++) K[i + (size_t) i * n] += s;
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
    a->nthreads = gplvm_threads_arg(threads);
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
    int want_grad = gplvm_flag_arg(gradient, "gradient");

    double *K = gplvm_workspace_get(ws, (size_t) n * (n + a.d)), *A = K + (size_t) n * n;

    const char *names[] = {"loglik", "X", "kernel", "noise", "Y", "jitter",
                           "status", ""};
    SEXP ll = PROTECT(allocVector(REALSXP, 1));
    SEXP gX = PROTECT(allocMatrix(REALSXP, want_grad ? n : 0,
                                  want_grad ? q : 0));
    SEXP gpar = PROTECT(allocVector(REALSXP, want_grad ? LENGTH(par) : 0));
    SEXP gnoise = PROTECT(allocVector(REALSXP, 1));
    SEXP gY = PROTECT(allocMatrix(REALSXP, want_grad ? n : 0,
                                  want_grad ? a.d : 0));
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
                                     want_grad ? REAL(gY) : NULL,
                                     REAL(jitter), NULL);
    SEXP st = PROTECT(ScalarInteger(status));
    const SEXP elts[] = {ll, gX, gpar, gnoise, gY, jitter, st};
    SEXP out = gplvm_named_list(names, 7, elts);
    UNPROTECT(7);
    return out;
}

SEXP gplvm_internal_bench_call(SEXP Y, SEXP X, SEXP type, SEXP npar,
                               SEXP par, SEXP noise, SEXP threads, SEXP ws)
{
    eval_args a;
    check_args(Y, X, type, npar, par, noise, threads, &a);
    int n = a.n, q = a.q, info;
    const char uplo = 'L';
    double *K = gplvm_workspace_get(ws, (size_t) n * (n + a.d)), *A = K + (size_t) n * n;
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
                                     gpar, &gnoise, NULL, &jitter, t);
    t[6] = gplvm_wtime() - t0;
    if (status != GPLVM_OK) error("evaluation failed with status %d", status);

    /* the floor: dpotrf + dpotri of the same K */
    gplvm_kernel_sym(&a.k, REAL(X), n, q, K);
    add_noise(K, n, &a.k, a.noise + jitter);
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
 * R's chol()) of K = k(X, X) + s I, s the effective noise of diag_add
 * (noise plus jitter) as in the engine, built in the one n x n matrix
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
    add_noise(K, n, &k, add);
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

/* A matrix `what` with `nrow` rows, checked finite; returns its columns. */
static int posterior_matrix(SEXP x, const char *what, int nrow)
{
    int nr, nc;
    gplvm_matrix_dims(x, what, &nr, &nc);
    if (nr != nrow) error("'%s' must have %d rows", what, nrow);
    for (R_xlen_t i = 0; i < XLENGTH(x); i++)
        if (!R_FINITE(REAL(x)[i])) error("'%s' must be finite", what);
    return nc;
}

SEXP gplvm_metric_call(SEXP Xs, SEXP S, SEXP alpha, SEXP F, SEXP type,
                       SEXP npar, SEXP par, SEXP ndim)
{
    int m, q, n, qs;
    gplvm_kernel k;
    gplvm_matrix_dims(Xs, "Xs", &m, &q);
    gplvm_matrix_dims(S, "S", &n, &qs);
    if (qs != q) error("'S' must have %d columns", q);
    posterior_matrix(Xs, "Xs", m);
    posterior_matrix(S, "S", n);
    int d = posterior_matrix(alpha, "alpha", n);
    int r = posterior_matrix(F, "F", n);
    gplvm_kernel_from_sexp(type, npar, par, q, &k);
    double D = gplvm_scalar_arg(ndim, "ndim");
    if (D <= 0.0) error("'ndim' must be positive");
    SEXP dim = PROTECT(allocVector(INTSXP, 3));
    INTEGER(dim)[0] = q;
    INTEGER(dim)[1] = q;
    INTEGER(dim)[2] = m;
    SEXP G = PROTECT(allocArray(REALSXP, dim));
    INTEGER(dim)[0] = d;
    SEXP J = PROTECT(allocArray(REALSXP, dim));
    gplvm_metric(&k, REAL(Xs), m, REAL(S), n, q, REAL(alpha), d, REAL(F), r,
                 D, REAL(G), REAL(J));
    const char *names[] = {"G", "J", ""};
    const SEXP elts[] = {G, J};
    SEXP out = gplvm_named_list(names, 2, elts);
    UNPROTECT(3);
    return out;
}
