/* .Call wrappers of the engines: the exact log-likelihood (with the
 * workspace a fit keeps between evaluations), the sparse model, and the
 * benchmark entry. */
#include "calls.h"
#include <stdlib.h>
#include <string.h>

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
    gplvm_kernel_from_sexp(type, npar, par, a->q, &a->k);
    a->noise = gplvm_scalar_arg(noise, "noise");
    if (a->noise < 0.0) error("'noise' must be non-negative");
    if (TYPEOF(threads) != INTSXP || LENGTH(threads) != 1 ||
        INTEGER(threads)[0] < 1)
        error("'threads' must be one positive integer");
    a->nthreads = INTEGER(threads)[0];
#ifndef _OPENMP
    a->nthreads = 1;
#endif
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

    double *K = workspace_get(ws, (size_t) n * (n + a.d)), *A = K + (size_t) n * n;

    const char *names[] = {"loglik", "X", "kernel", "noise", "jitter",
                           "status", ""};
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
    SEXP st = PROTECT(ScalarInteger(status));
    const SEXP elts[] = {ll, gX, gpar, gnoise, jitter, st};
    SEXP out = gplvm_named_list(names, 6, elts);
    UNPROTECT(6);
    return out;
}

SEXP gplvm_internal_bench_call(SEXP Y, SEXP X, SEXP type, SEXP npar,
                               SEXP par, SEXP noise, SEXP threads, SEXP ws)
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

SEXP gplvm_sparse_call(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                       SEXP par, SEXP noise, SEXP ndim, SEXP approx,
                       SEXP gradient)
{
    int n, d, nx, q, m, qz;
    gplvm_kernel k;
    gplvm_matrix_dims(Y, "Y", &n, &d);
    gplvm_matrix_dims(X, "X", &nx, &q);
    gplvm_matrix_dims(Z, "inducing", &m, &qz);
    if (nx != n) error("'X' and 'Y' must have the same number of rows");
    if (qz != q) error("'inducing' must have as many columns as 'X'");
    gplvm_kernel_from_sexp(type, npar, par, q, &k);
    double s2 = gplvm_scalar_arg(noise, "noise");
    double D = gplvm_scalar_arg(ndim, "ndim");
    if (s2 <= 0.0) error("'noise' must be positive");
    if (D <= 0.0) error("'ndim' must be positive");
    if (TYPEOF(approx) != INTSXP || LENGTH(approx) != 1 ||
        INTEGER(approx)[0] < GPLVM_VFE || INTEGER(approx)[0] > GPLVM_DTC)
        error("'approx' must be one integer code");
    int has_nonwhite = 0;
    for (int p = 0; p < k.nparts; p++)
        if (gplvm_part_def(&k, p)->family != GPLVM_WHITE) has_nonwhite = 1;
    if (!has_nonwhite) error("'kernel' must have a part other than white");
    int want_grad = gplvm_flag_arg(gradient, "gradient");

    const char *names[] = {"loglik", "X", "inducing", "kernel", "noise",
                           "jitter", "retries", "status", ""};
    SEXP ll = PROTECT(ScalarReal(NA_REAL));
    SEXP gX = PROTECT(allocMatrix(REALSXP, want_grad ? n : 0,
                                  want_grad ? q : 0));
    SEXP gZ = PROTECT(allocMatrix(REALSXP, want_grad ? m : 0,
                                  want_grad ? q : 0));
    SEXP gpar = PROTECT(allocVector(REALSXP, want_grad ? LENGTH(par) : 0));
    SEXP gnoise = PROTECT(ScalarReal(NA_REAL));
    SEXP jitter = PROTECT(ScalarReal(NA_REAL));
    SEXP retries = PROTECT(ScalarInteger(0));
    double *gXbuf = want_grad ? REAL(gX) :
        (double *) R_alloc((size_t) n * q, sizeof(double));
    double *gZbuf = want_grad ? REAL(gZ) :
        (double *) R_alloc((size_t) m * q, sizeof(double));
    double *gparbuf = want_grad ? REAL(gpar) :
        (double *) R_alloc(LENGTH(par), sizeof(double));
    int status = gplvm_sparse_engine(REAL(Y), n, d, D, REAL(X), REAL(Z), m,
                                     q, &k, s2, INTEGER(approx)[0],
                                     want_grad, REAL(ll), gXbuf, gZbuf,
                                     gparbuf, REAL(gnoise), REAL(jitter),
                                     INTEGER(retries));
    SEXP st = PROTECT(ScalarInteger(status));
    const SEXP elts[] = {ll, gX, gZ, gpar, gnoise, jitter, retries, st};
    SEXP out = gplvm_named_list(names, 8, elts);
    UNPROTECT(8);
    return out;
}
