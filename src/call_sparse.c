/* .Call wrappers of the sparse model: one evaluation in one process
 * (gplvm_sparse_call), the three steps of the VFE and DTC bounds and of
 * FITC's apart for the workers of a cluster (R/cluster.R), and the
 * benchmark entry with phase timings. */
#include "calls.h"
#include <string.h>

typedef struct {
    int n, d, q, m, npar;
    gplvm_kernel k;
} sparse_args;

/* Y (n x d), X (n x q), Z (m x q) and the kernel, checked. */
static void sparse_args_check(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                              SEXP par, sparse_args *a)
{
    int nx, qz;
    gplvm_matrix_dims(Y, "Y", &a->n, &a->d);
    gplvm_matrix_dims(X, "X", &nx, &a->q);
    gplvm_matrix_dims(Z, "inducing", &a->m, &qz);
    if (nx != a->n) error("'X' and 'Y' must have the same number of rows");
    if (qz != a->q) error("'inducing' must have as many columns as 'X'");
    gplvm_kernel_from_sexp(type, npar, par, a->q, &a->k);
    a->npar = LENGTH(par);
    int has_nonwhite = 0;
    for (int p = 0; p < a->k.nparts; p++)
        if (gplvm_part_def(&a->k, p)->family != GPLVM_WHITE) has_nonwhite = 1;
    if (!has_nonwhite) error("'kernel' must have a part other than white");
}

/* vfe_dtc: FITC has steps of its own (gplvm_fitc_*_call). */
static int approx_arg(SEXP approx, int vfe_dtc)
{
    if (TYPEOF(approx) != INTSXP || LENGTH(approx) != 1 ||
        INTEGER(approx)[0] < GPLVM_VFE || INTEGER(approx)[0] > GPLVM_DTC)
        error("'approx' must be one integer code");
    if (vfe_dtc && INTEGER(approx)[0] == GPLVM_FITC)
        error("'approx' must be \"vfe\" or \"dtc\" here: FITC's steps "
              "weight each row (gplvm_fitc_global_call)");
    return INTEGER(approx)[0];
}

/* A double matrix of the given size. */
static const double *matrix_arg(SEXP x, const char *what, int nr, int nc)
{
    int r, c;
    gplvm_matrix_dims(x, what, &r, &c);
    if (r != nr || c != nc) error("'%s' must be %d x %d", what, nr, nc);
    return REAL(x);
}

/* The kernel without white parts, its map and white variance. */
typedef struct {
    gplvm_kernel kf;
    int *map, nf;
    double white;
} stripped;

static void strip(const sparse_args *a, stripped *s)
{
    s->map = (int *) R_alloc(a->npar, sizeof(int));
    s->nf = gplvm_strip_white(&a->k, a->npar, &s->kf, s->map, &s->white);
}

static double *zeroed(size_t len)
{
    double *x = (double *) R_alloc(len > 0 ? len : 1, sizeof(double));
    memset(x, 0, (len > 0 ? len : 1) * sizeof(double));
    return x;
}

SEXP gplvm_sparse_call(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                       SEXP par, SEXP noise, SEXP ndim, SEXP approx,
                       SEXP gradient, SEXP chunk, SEXP store, SEXP ws)
{
    sparse_args a;
    sparse_args_check(Y, X, Z, type, npar, par, &a);
    int n = a.n, m = a.m, q = a.q;
    double s2 = gplvm_scalar_arg(noise, "noise");
    double D = gplvm_scalar_arg(ndim, "ndim");
    if (s2 <= 0.0) error("'noise' must be positive");
    if (D <= 0.0) error("'ndim' must be positive");
    int ap = approx_arg(approx, 0);
    int want_grad = gplvm_flag_arg(gradient, "gradient");
    int nc = gplvm_positive_int_arg(chunk, "chunk");
    int keep = gplvm_flag_arg(store, "store");
    /* memory kept between a fit's evaluations (gplvm_workspace_call) */
    double *work = isNull(ws) || !want_grad ? NULL :
        gplvm_workspace_get(ws, gplvm_sparse_work_len(n, m, nc, keep));

    const char *names[] = {"loglik", "X", "inducing", "kernel", "noise",
                           "jitter", "retries", "status", ""};
    SEXP ll = PROTECT(ScalarReal(NA_REAL));
    SEXP gX = PROTECT(allocMatrix(REALSXP, want_grad ? n : 0,
                                  want_grad ? q : 0));
    SEXP gZ = PROTECT(allocMatrix(REALSXP, want_grad ? m : 0,
                                  want_grad ? q : 0));
    SEXP gpar = PROTECT(allocVector(REALSXP, want_grad ? a.npar : 0));
    SEXP gnoise = PROTECT(ScalarReal(NA_REAL));
    SEXP jitter = PROTECT(ScalarReal(NA_REAL));
    SEXP retries = PROTECT(ScalarInteger(0));
    double *gXbuf = want_grad ? REAL(gX) : zeroed((size_t) n * q);
    double *gZbuf = want_grad ? REAL(gZ) : zeroed((size_t) m * q);
    double *gparbuf = want_grad ? REAL(gpar) : zeroed(a.npar);
    int status = gplvm_sparse_chunked(REAL(Y), n, a.d, D, REAL(X), REAL(Z),
                                      m, q, &a.k, s2, ap, want_grad, nc,
                                      keep, work, REAL(ll), gXbuf, gZbuf,
                                      gparbuf,
                                      REAL(gnoise), REAL(jitter),
                                      INTEGER(retries), NULL);
    SEXP st = PROTECT(ScalarInteger(status));
    const SEXP elts[] = {ll, gX, gZ, gpar, gnoise, jitter, retries, st};
    SEXP out = gplvm_named_list(names, 8, elts);
    UNPROTECT(8);
    return out;
}

SEXP gplvm_sparse_factor_call(SEXP Z, SEXP type, SEXP npar, SEXP par)
{
    sparse_args a;
    stripped s;
    /* no data here: Z stands for Y and X */
    sparse_args_check(Z, Z, Z, type, npar, par, &a);
    strip(&a, &s);
    const char *names[] = {"Lz", "jitter", "rel", "retries", "status", ""};
    SEXP Lz = PROTECT(allocMatrix(REALSXP, a.m, a.m));
    SEXP jitter = PROTECT(ScalarReal(NA_REAL));
    SEXP rel = PROTECT(ScalarReal(NA_REAL));
    SEXP retries = PROTECT(ScalarInteger(0));
    int status = gplvm_sparse_factor(&s.kf, REAL(Z), a.m, a.q, REAL(Lz),
                                     REAL(jitter), REAL(rel),
                                     INTEGER(retries));
    SEXP code = PROTECT(ScalarInteger(status));
    const SEXP elts[] = {Lz, jitter, rel, retries, code};
    SEXP out = gplvm_named_list(names, 5, elts);
    UNPROTECT(5);
    return out;
}

/* The arguments every step of the chunked bound takes: the data, latent
 * and inducing matrices and the kernel (checked, then stripped of its white
 * parts), and the factor Lz of Kzz, lower-triangular m x m with a positive
 * diagonal, which is returned. */
static const double *step_args(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                               SEXP par, SEXP Lz, sparse_args *a,
                               stripped *s)
{
    sparse_args_check(Y, X, Z, type, npar, par, a);
    strip(a, s);
    int m = a->m;
    const double *L = matrix_arg(Lz, "Lz", m, m);
    for (int i = 0; i < m; i++)
        if (!(L[i + (size_t) i * m] > 0.0) || !R_FINITE(L[i + (size_t) i * m]))
            error("'Lz' must have a positive finite diagonal");
    return L;
}

/* FITC's row part for the steps: noise (with the white variances),
 * ndim and rel checked; NULL for VFE and DTC (noise R_NilValue). */
static gplvm_fitc_rows *fitc_arg(SEXP noise, SEXP ndim, SEXP rel,
                                 const stripped *s)
{
    if (isNull(noise)) return NULL;
    gplvm_fitc_rows *f = (gplvm_fitc_rows *) R_alloc(1, sizeof(*f));
    f->s2 = gplvm_scalar_arg(noise, "noise") + s->white;
    f->ndim = isNull(ndim) ? 1.0 : gplvm_scalar_arg(ndim, "ndim");
    f->rel = isNull(rel) ? 0.0 : gplvm_scalar_arg(rel, "rel");
    f->loglam = f->gnoise = 0.0;
    if (f->s2 <= 0.0) error("'noise' must be positive");
    if (f->ndim <= 0.0 || f->rel < 0.0)
        error("'ndim' must be positive and 'rel' not negative");
    return f;
}

/* Pass 1 (fitc: noise, else R_NilValue); FITC's list adds loglam. */
static SEXP stats_step(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                       SEXP par, SEXP Lz, SEXP chunk, SEXP keep, SEXP noise)
{
    sparse_args a;
    stripped s;
    const double *L = step_args(Y, X, Z, type, npar, par, Lz, &a, &s);
    gplvm_fitc_rows *fitc = fitc_arg(noise, R_NilValue, R_NilValue, &s);
    int m = a.m;
    int nc = gplvm_positive_int_arg(chunk, "chunk");
    int want_store = gplvm_flag_arg(keep, "keep");
    const char *names[] = {"n", "psi0", "yy", "Phi", "c", "store", "status",
                           fitc ? "loglam" : "", ""};
    SEXP Phi = PROTECT(allocMatrix(REALSXP, m, m));
    SEXP c = PROTECT(allocMatrix(REALSXP, m, a.d));
    SEXP psi0 = PROTECT(ScalarReal(0.0));
    SEXP yy = PROTECT(ScalarReal(0.0));
    SEXP st = PROTECT(allocVector(REALSXP, want_store ?
                                  (R_xlen_t) gplvm_sparse_store_len(
                                      &s.kf, a.n, m) : 0));
    memset(REAL(Phi), 0, (size_t) m * m * sizeof(double));
    memset(REAL(c), 0, (size_t) m * a.d * sizeof(double));
    int status = gplvm_sparse_stats(&s.kf, REAL(Y), a.n, a.d, REAL(X),
                                    REAL(Z), m, a.q, L, nc,
                                    want_store ? REAL(st) : NULL, fitc,
                                    REAL(psi0), REAL(yy), REAL(Phi), REAL(c),
                                    NULL);
    SEXP nobs = PROTECT(ScalarReal(a.n));
    SEXP code = PROTECT(ScalarInteger(status));
    SEXP loglam = PROTECT(ScalarReal(fitc ? fitc->loglam : NA_REAL));
    const SEXP elts[] = {nobs, psi0, yy, Phi, c,
                         want_store ? st : R_NilValue, code, loglam};
    SEXP out = gplvm_named_list(names, fitc ? 8 : 7, elts);
    UNPROTECT(8);
    return out;
}

SEXP gplvm_sparse_stats_call(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                             SEXP par, SEXP Lz, SEXP chunk, SEXP keep)
{
    return stats_step(Y, X, Z, type, npar, par, Lz, chunk, keep, R_NilValue);
}

SEXP gplvm_fitc_stats_call(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                           SEXP par, SEXP Lz, SEXP noise, SEXP chunk,
                           SEXP keep)
{
    if (isNull(noise)) error("'noise' must be one finite number");
    return stats_step(Y, X, Z, type, npar, par, Lz, chunk, keep, noise);
}

/* The global step: FITC's when ap is GPLVM_FITC (stat: sum log lambda;
 * noise unused), else VFE's or DTC's (stat: psi0). */
static SEXP global_step(SEXP Z, SEXP type, SEXP npar, SEXP par, SEXP noise,
                        SEXP ndim, int ap, SEXP Lz, SEXP rel, SEXP nobs,
                        SEXP stat, SEXP yy, SEXP Phi, SEXP c, SEXP gradient)
{
    sparse_args a;
    stripped s;
    /* no data here: c (m x d) stands for Y, Z for X */
    const double *L = step_args(c, Z, Z, type, npar, par, Lz, &a, &s);
    int m = a.m, fitc = ap == GPLVM_FITC;
    const double *phi = matrix_arg(Phi, "Phi", m, m);
    double s2 = fitc ? 1.0 : gplvm_scalar_arg(noise, "noise") + s.white;
    double D = gplvm_scalar_arg(ndim, "ndim");
    double r = gplvm_scalar_arg(rel, "rel");
    double N = gplvm_scalar_arg(nobs, "nobs");
    double ps = gplvm_scalar_arg(stat, fitc ? "loglam" : "psi0");
    double y2 = gplvm_scalar_arg(yy, "yy");
    if (s2 <= 0.0) error("'noise' must be positive");
    if (D <= 0.0) error("'ndim' must be positive");
    if (N < 1.0 || y2 < 0.0 || r < 0.0)
        error("'nobs', 'yy' and 'rel' must be positive");
    int want_grad = gplvm_flag_arg(gradient, "gradient");

    const char *names[] = {"loglik", "B", "C", "g0", "noise", "inducing",
                           "kernel", "status", ""};
    SEXP ll = PROTECT(ScalarReal(NA_REAL));
    SEXP B = PROTECT(allocMatrix(REALSXP, m, m));
    SEXP C = PROTECT(allocMatrix(REALSXP, m, a.d));
    SEXP g0 = PROTECT(ScalarReal(0.0));
    SEXP gnoise = PROTECT(ScalarReal(NA_REAL));
    SEXP gZ = PROTECT(allocMatrix(REALSXP, m, a.q));
    SEXP gpar = PROTECT(allocVector(REALSXP, a.npar));
    double *gf = zeroed(s.nf);
    memset(REAL(gZ), 0, (size_t) m * a.q * sizeof(double));
    int status = fitc ?
        gplvm_fitc_global(&s.kf, REAL(Z), m, a.q, a.d, D, L, r, N, ps, y2,
                          phi, REAL(c), want_grad, REAL(ll), REAL(B),
                          REAL(C), REAL(gnoise), REAL(gZ), gf) :
        gplvm_sparse_global(&s.kf, REAL(Z), m, a.q, a.d, D, s2, ap, L, r, N,
                            ps, y2, phi, REAL(c), want_grad, REAL(ll),
                            REAL(B), REAL(C), REAL(g0), REAL(gnoise),
                            REAL(gZ), gf);
    gplvm_unstrip_grad(&a.k, s.nf, s.map, gf, REAL(gnoise)[0],
                       REAL(gpar));
    SEXP code = PROTECT(ScalarInteger(status));
    const SEXP elts[] = {ll, B, C, g0, gnoise, gZ, gpar, code};
    SEXP out = gplvm_named_list(names, 8, elts);
    UNPROTECT(8);
    return out;
}

SEXP gplvm_sparse_global_call(SEXP Z, SEXP type, SEXP npar, SEXP par,
                              SEXP noise, SEXP ndim, SEXP approx, SEXP Lz,
                              SEXP rel, SEXP nobs, SEXP psi0, SEXP yy,
                              SEXP Phi, SEXP c, SEXP gradient)
{
    return global_step(Z, type, npar, par, noise, ndim, approx_arg(approx, 1),
                       Lz, rel, nobs, psi0, yy, Phi, c, gradient);
}

SEXP gplvm_fitc_global_call(SEXP Z, SEXP type, SEXP npar, SEXP par,
                            SEXP ndim, SEXP Lz, SEXP rel, SEXP nobs,
                            SEXP loglam, SEXP yy, SEXP Phi, SEXP c,
                            SEXP gradient)
{
    return global_step(Z, type, npar, par, R_NilValue, ndim, GPLVM_FITC, Lz,
                       rel, nobs, loglam, yy, Phi, c, gradient);
}

/* Pass 2 (fitc: noise, ndim and rel; else R_NilValue); list(X, inducing,
 * kernel, noise, status), noise 0 but for FITC. */
static SEXP grad_step(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                      SEXP par, SEXP Lz, SEXP B, SEXP C, SEXP g0, SEXP chunk,
                      SEXP store, SEXP noise, SEXP ndim, SEXP rel)
{
    sparse_args a;
    stripped s;
    const double *L = step_args(Y, X, Z, type, npar, par, Lz, &a, &s);
    gplvm_fitc_rows *fitc = fitc_arg(noise, ndim, rel, &s);
    int m = a.m;
    const double *b = matrix_arg(B, "B", m, m);
    const double *c = matrix_arg(C, "C", m, a.d);
    double gd = gplvm_scalar_arg(g0, "g0");
    int nc = gplvm_positive_int_arg(chunk, "chunk");
    double *kstore = NULL;
    if (!isNull(store)) {
        if (TYPEOF(store) != REALSXP ||
            (size_t) XLENGTH(store) != gplvm_sparse_store_len(&s.kf, a.n, m))
            error("'store' must be NULL or what the statistics kept");
        kstore = REAL(store);
    }
    const char *names[] = {"X", "inducing", "kernel", "noise", "status", ""};
    SEXP gX = PROTECT(allocMatrix(REALSXP, a.n, a.q));
    SEXP gZ = PROTECT(allocMatrix(REALSXP, m, a.q));
    SEXP gpar = PROTECT(allocVector(REALSXP, a.npar));
    double *gf = zeroed(s.nf);
    memset(REAL(gZ), 0, (size_t) m * a.q * sizeof(double));
    int status = gplvm_sparse_grad(&s.kf, REAL(Y), a.n, a.d, REAL(X),
                                   REAL(Z), m, a.q, L, nc, b, c, gd, fitc,
                                   kstore, kstore != NULL, NULL, REAL(gX),
                                   REAL(gZ), gf, NULL);
    double gs2 = fitc ? fitc->gnoise : 0.0;
    gplvm_unstrip_grad(&a.k, s.nf, s.map, gf, gs2, REAL(gpar));
    SEXP gnoise = PROTECT(ScalarReal(gs2));
    SEXP code = PROTECT(ScalarInteger(status));
    const SEXP elts[] = {gX, gZ, gpar, gnoise, code};
    SEXP out = gplvm_named_list(names, 5, elts);
    UNPROTECT(5);
    return out;
}

SEXP gplvm_sparse_grad_call(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                            SEXP par, SEXP Lz, SEXP B, SEXP C, SEXP g0,
                            SEXP chunk, SEXP store)
{
    return grad_step(Y, X, Z, type, npar, par, Lz, B, C, g0, chunk, store,
                     R_NilValue, R_NilValue, R_NilValue);
}

SEXP gplvm_fitc_grad_call(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                          SEXP par, SEXP Lz, SEXP noise, SEXP ndim, SEXP rel,
                          SEXP B, SEXP C, SEXP chunk, SEXP store)
{
    if (isNull(noise)) error("'noise' must be one finite number");
    SEXP g0 = PROTECT(ScalarReal(0.0));
    SEXP out = grad_step(Y, X, Z, type, npar, par, Lz, B, C, g0, chunk,
                         store, noise, ndim, rel);
    UNPROTECT(1);
    return out;
}

SEXP gplvm_internal_sparse_bench_call(SEXP Y, SEXP X, SEXP Z, SEXP type,
                                      SEXP npar, SEXP par, SEXP noise,
                                      SEXP chunk, SEXP store)
{
    sparse_args a;
    sparse_args_check(Y, X, Z, type, npar, par, &a);
    double s2 = gplvm_scalar_arg(noise, "noise");
    if (s2 <= 0.0) error("'noise' must be positive");
    int nc = gplvm_positive_int_arg(chunk, "chunk");
    int keep = gplvm_flag_arg(store, "store");
    double *gX = zeroed((size_t) a.n * a.q), *gZ = zeroed((size_t) a.m * a.q);
    double *gpar = zeroed(a.npar), ll, gnoise, jitter;
    int retries;
    const char *names[] = {"kernel", "stats", "global", "dLdK", "contract",
                           "engine", ""};
    SEXP out = PROTECT(mkNamed(REALSXP, names));
    double *t = REAL(out);
    memset(t, 0, (GPLVM_NSPHASE + 1) * sizeof(double));
    double t0 = gplvm_wtime();
    int status = gplvm_sparse_chunked(REAL(Y), a.n, a.d, a.d, REAL(X),
                                      REAL(Z), a.m, a.q, &a.k, s2, GPLVM_VFE,
                                      1, nc, keep, NULL, &ll, gX, gZ, gpar,
                                      &gnoise,
                                      &jitter, &retries, t);
    t[GPLVM_NSPHASE] = gplvm_wtime() - t0;
    if (status != GPLVM_OK) error("evaluation failed with status %d", status);
    UNPROTECT(1);
    return out;
}
