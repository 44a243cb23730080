/* .Call wrappers of the sparse model: one evaluation in one process
 * (gplvm_sparse_call), the three steps of the VFE and DTC bounds apart for
 * the workers of a cluster (R/cluster.R), and the benchmark entry with
 * phase timings. */
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

static int approx_arg(SEXP approx, int chunked)
{
    if (TYPEOF(approx) != INTSXP || LENGTH(approx) != 1 ||
        INTEGER(approx)[0] < GPLVM_VFE || INTEGER(approx)[0] > GPLVM_DTC)
        error("'approx' must be one integer code");
    if (chunked && INTEGER(approx)[0] == GPLVM_FITC)
        error("'approx' must be \"vfe\" or \"dtc\" here: FITC is not a sum "
              "over data points");
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
                       SEXP gradient, SEXP chunk, SEXP store)
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
    int status = ap == GPLVM_FITC ?
        gplvm_fitc_engine(REAL(Y), n, a.d, D, REAL(X), REAL(Z), m, q, &a.k,
                          s2, want_grad, REAL(ll), gXbuf, gZbuf, gparbuf,
                          REAL(gnoise), REAL(jitter), INTEGER(retries)) :
        gplvm_sparse_chunked(REAL(Y), n, a.d, D, REAL(X), REAL(Z), m, q,
                             &a.k, s2, ap, want_grad, nc, keep, REAL(ll),
                             gXbuf, gZbuf, gparbuf, REAL(gnoise),
                             REAL(jitter), INTEGER(retries), NULL);
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

SEXP gplvm_sparse_stats_call(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                             SEXP par, SEXP Lz, SEXP chunk, SEXP keep)
{
    sparse_args a;
    stripped s;
    const double *L = step_args(Y, X, Z, type, npar, par, Lz, &a, &s);
    int m = a.m;
    int nc = gplvm_positive_int_arg(chunk, "chunk");
    int want_store = gplvm_flag_arg(keep, "keep");
    const char *names[] = {"n", "psi0", "yy", "Phi", "c", "store", "status",
                           ""};
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
                                    want_store ? REAL(st) : NULL, REAL(psi0),
                                    REAL(yy), REAL(Phi), REAL(c), NULL);
    SEXP nobs = PROTECT(ScalarReal(a.n));
    SEXP code = PROTECT(ScalarInteger(status));
    const SEXP elts[] = {nobs, psi0, yy, Phi, c,
                         want_store ? st : R_NilValue, code};
    SEXP out = gplvm_named_list(names, 7, elts);
    UNPROTECT(7);
    return out;
}

SEXP gplvm_sparse_global_call(SEXP Z, SEXP type, SEXP npar, SEXP par,
                              SEXP noise, SEXP ndim, SEXP approx, SEXP Lz,
                              SEXP rel, SEXP nobs, SEXP psi0, SEXP yy,
                              SEXP Phi, SEXP c, SEXP gradient)
{
    sparse_args a;
    stripped s;
    /* no data here: c (m x d) stands for Y, Z for X */
    const double *L = step_args(c, Z, Z, type, npar, par, Lz, &a, &s);
    int m = a.m;
    const double *phi = matrix_arg(Phi, "Phi", m, m);
    double s2 = gplvm_scalar_arg(noise, "noise") + s.white;
    double D = gplvm_scalar_arg(ndim, "ndim");
    double r = gplvm_scalar_arg(rel, "rel");
    double N = gplvm_scalar_arg(nobs, "nobs");
    double ps = gplvm_scalar_arg(psi0, "psi0");
    double y2 = gplvm_scalar_arg(yy, "yy");
    if (s2 <= 0.0) error("'noise' must be positive");
    if (D <= 0.0) error("'ndim' must be positive");
    if (N < 1.0 || y2 < 0.0 || r < 0.0)
        error("'nobs', 'yy' and 'rel' must be positive");
    int ap = approx_arg(approx, 1);
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
    int status = gplvm_sparse_global(&s.kf, REAL(Z), m, a.q, a.d, D, s2, ap,
                                     L, r, N, ps, y2, phi, REAL(c),
                                     want_grad, REAL(ll), REAL(B), REAL(C),
                                     REAL(g0), REAL(gnoise), REAL(gZ), gf);
    gplvm_unstrip_grad(&a.k, s.nf, s.map, gf, REAL(gnoise)[0],
                       REAL(gpar));
    SEXP code = PROTECT(ScalarInteger(status));
    const SEXP elts[] = {ll, B, C, g0, gnoise, gZ, gpar, code};
    SEXP out = gplvm_named_list(names, 8, elts);
    UNPROTECT(8);
    return out;
}

SEXP gplvm_sparse_grad_call(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                            SEXP par, SEXP Lz, SEXP B, SEXP C, SEXP g0,
                            SEXP chunk, SEXP store)
{
    sparse_args a;
    stripped s;
    const double *L = step_args(Y, X, Z, type, npar, par, Lz, &a, &s);
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
    const char *names[] = {"X", "inducing", "kernel", "status", ""};
    SEXP gX = PROTECT(allocMatrix(REALSXP, a.n, a.q));
    SEXP gZ = PROTECT(allocMatrix(REALSXP, m, a.q));
    SEXP gpar = PROTECT(allocVector(REALSXP, a.npar));
    double *gf = zeroed(s.nf);
    memset(REAL(gZ), 0, (size_t) m * a.q * sizeof(double));
    int status = gplvm_sparse_grad(&s.kf, REAL(Y), a.n, a.d, REAL(X),
                                   REAL(Z), m, a.q, L, nc, b, c, gd, kstore,
                                   kstore != NULL, REAL(gX), REAL(gZ), gf,
                                   NULL);
    gplvm_unstrip_grad(&a.k, s.nf, s.map, gf, 0.0, REAL(gpar));
    SEXP code = PROTECT(ScalarInteger(status));
    const SEXP elts[] = {gX, gZ, gpar, code};
    SEXP out = gplvm_named_list(names, 4, elts);
    UNPROTECT(4);
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
                                      1, nc, keep, &ll, gX, gZ, gpar, &gnoise,
                                      &jitter, &retries, t);
    t[GPLVM_NSPHASE] = gplvm_wtime() - t0;
    if (status != GPLVM_OK) error("evaluation failed with status %d", status);
    UNPROTECT(1);
    return out;
}
