/* .Call wrappers of the Bayesian GP-LVM: argument checks and outputs around
 * the pure-C engines of src/bayes.c and src/psi.c. */
#include "calls.h"
#include <string.h>

/* The kernel of a Bayesian evaluation: every part must have
 * psi-statistics. */
static void psi_kernel(SEXP type, SEXP npar, SEXP par, int q,
                       gplvm_kernel *k)
{
    gplvm_kernel_from_sexp(type, npar, par, q, k);
    if (gplvm_psi_unsupported(k) >= 0)
        error("'kernel' part %d has no psi-statistics",
              gplvm_psi_unsupported(k) + 1);
}

/* mu and S: n x q double matrices, S positive; Z: m x q. */
static void latent_args(SEXP mu, SEXP S, SEXP Z, int *n, int *q, int *m)
{
    int ns, qs, qz;
    gplvm_matrix_dims(mu, "X", n, q);
    gplvm_matrix_dims(S, "X_var", &ns, &qs);
    gplvm_matrix_dims(Z, "inducing", m, &qz);
    if (ns != *n || qs != *q) error("'X_var' must have the shape of 'X'");
    if (qz != *q) error("'inducing' must have as many columns as 'X'");
    const double *s = REAL(S);
    for (R_xlen_t i = 0; i < XLENGTH(S); i++)
        if (!(s[i] > 0.0) || !R_FINITE(s[i]))
            error("'X_var' must be positive and finite");
}

SEXP gplvm_psi_call(SEXP mu, SEXP S, SEXP Z, SEXP type, SEXP npar, SEXP par,
                    SEXP threads)
{
    int n, q, m;
    gplvm_kernel k;
    latent_args(mu, S, Z, &n, &q, &m);
    psi_kernel(type, npar, par, q, &k);
    int nthreads = gplvm_threads_arg(threads);
    const char *names[] = {"psi0", "psi1", "psi2", ""};
    SEXP out = PROTECT(mkNamed(VECSXP, names));
    SEXP p0 = PROTECT(ScalarReal(0.0));
    SEXP p1 = PROTECT(allocMatrix(REALSXP, n, m));
    SEXP p2 = PROTECT(allocMatrix(REALSXP, m, m));
    gplvm_psi_stats(&k, REAL(mu), REAL(S), n, REAL(Z), m, q, REAL(p0),
                    REAL(p1), REAL(p2), nthreads, NULL);
    SET_VECTOR_ELT(out, 0, p0);
    SET_VECTOR_ELT(out, 1, p1);
    SET_VECTOR_ELT(out, 2, p2);
    UNPROTECT(4);
    return out;
}

/* A gradient output: an nr x nc matrix (a vector of length nr if nc < 0)
 * whose storage *buf receives, or, without want, an empty one and
 * scratch storage of that size. */
static SEXP grad_out(int want, int nr, int nc, double **buf)
{
    size_t len = (size_t) nr * (nc < 0 ? 1 : nc);
    SEXP x = nc < 0 ? allocVector(REALSXP, want ? nr : 0) :
        allocMatrix(REALSXP, want ? nr : 0, want ? nc : 0);
    if (want) *buf = REAL(x);
    else {
        PROTECT(x);
        *buf = (double *) R_alloc(len + 1, sizeof(double));
        UNPROTECT(1);
    }
    return x;
}

SEXP gplvm_bayes_call(SEXP Y, SEXP mu, SEXP S, SEXP Z, SEXP type, SEXP npar,
                      SEXP par, SEXP noise, SEXP ndim, SEXP gradient,
                      SEXP threads, SEXP cache)
{
    int n, d, nx, q, m;
    gplvm_kernel k;
    gplvm_matrix_dims(Y, "Y", &n, &d);
    latent_args(mu, S, Z, &nx, &q, &m);
    if (nx != n) error("'X' and 'Y' must have the same number of rows");
    psi_kernel(type, npar, par, q, &k);
    double s2 = gplvm_scalar_arg(noise, "noise");
    double D = gplvm_scalar_arg(ndim, "ndim");
    if (s2 <= 0.0) error("'noise' must be positive");
    if (D <= 0.0) error("'ndim' must be positive");
    int has_nonwhite = 0;
    for (int p = 0; p < k.nparts; p++)
        if (!gplvm_psi_white(&k, p)) has_nonwhite = 1;
    if (!has_nonwhite) error("'kernel' must have a part other than white");
    int want_grad = gplvm_flag_arg(gradient, "gradient");
    int nthreads = gplvm_threads_arg(threads);
    int use_cache = gplvm_flag_arg(cache, "cache");

    const char *names[] = {"bound", "X", "X_var", "inducing", "kernel",
                           "noise", "jitter", "retries", "status", ""};
    SEXP out = PROTECT(mkNamed(VECSXP, names));
    SEXP val = PROTECT(ScalarReal(NA_REAL));
    double *bmu, *bS, *bZ, *bpar;
    SEXP gmu = PROTECT(grad_out(want_grad, n, q, &bmu));
    SEXP gS = PROTECT(grad_out(want_grad, n, q, &bS));
    SEXP gZ = PROTECT(grad_out(want_grad, m, q, &bZ));
    SEXP gpar = PROTECT(grad_out(want_grad, LENGTH(par), -1, &bpar));
    SEXP gnoise = PROTECT(ScalarReal(NA_REAL));
    SEXP jitter = PROTECT(ScalarReal(NA_REAL));
    SEXP retries = PROTECT(ScalarInteger(0));
    int status = gplvm_bayes_engine(REAL(Y), n, d, D, REAL(mu), REAL(S),
                                    REAL(Z), m, q, &k, s2, want_grad,
                                    use_cache, nthreads, REAL(val), bmu, bS,
                                    bZ, bpar,
                                    REAL(gnoise), REAL(jitter),
                                    INTEGER(retries));
    SEXP parts[] = {val, gmu, gS, gZ, gpar, gnoise, jitter, retries};
    for (int i = 0; i < 8; i++) SET_VECTOR_ELT(out, i, parts[i]);
    SET_VECTOR_ELT(out, 8, ScalarInteger(status));
    UNPROTECT(9);
    return out;
}

/* ---- the three steps apart, for the workers of a cluster (R/cluster.R) */

/* The kernel of a step without its white parts: kf, its map, nf, and the
 * white variance. */
typedef struct {
    gplvm_kernel k, kf;
    int npar, nf, *map;
    double white;
} step_kernel;

static void step_kernel_args(SEXP type, SEXP npar, SEXP par, int q,
                             step_kernel *s)
{
    psi_kernel(type, npar, par, q, &s->k);
    s->npar = LENGTH(par);
    s->map = (int *) R_alloc(s->npar > 0 ? s->npar : 1, sizeof(int));
    s->nf = gplvm_strip_white(&s->k, s->npar, &s->kf, s->map, &s->white);
    if (s->kf.nparts < 1) error("'kernel' must have a part other than white");
}

/* A double matrix of the given size. */
static const double *sized_matrix(SEXP x, const char *what, int nr, int nc)
{
    int r, c;
    gplvm_matrix_dims(x, what, &r, &c);
    if (r != nr || c != nc) error("'%s' must be %d x %d", what, nr, nc);
    return REAL(x);
}

/* Y (n x d) with mu and S (n x q), Z (m x q). */
static void rows_args(SEXP Y, SEXP mu, SEXP S, SEXP Z, int *n, int *d,
                      int *q, int *m)
{
    int nx;
    gplvm_matrix_dims(Y, "Y", n, d);
    latent_args(mu, S, Z, &nx, q, m);
    if (nx != *n) error("'X' and 'Y' must have the same number of rows");
}

SEXP gplvm_bayes_stats_call(SEXP Y, SEXP mu, SEXP S, SEXP Z, SEXP type,
                            SEXP npar, SEXP par, SEXP threads)
{
    int n, d, q, m;
    step_kernel s;
    rows_args(Y, mu, S, Z, &n, &d, &q, &m);
    step_kernel_args(type, npar, par, q, &s);
    int nthreads = gplvm_threads_arg(threads);
    const char *names[] = {"n", "psi0", "Psi2", "PY", "yy", "kl", "status",
                           ""};
    SEXP out = PROTECT(mkNamed(VECSXP, names));
    SEXP psi0 = PROTECT(ScalarReal(NA_REAL));
    SEXP Psi2 = PROTECT(allocMatrix(REALSXP, m, m));
    SEXP PY = PROTECT(allocMatrix(REALSXP, m, d));
    SEXP yy = PROTECT(ScalarReal(NA_REAL));
    SEXP kl = PROTECT(ScalarReal(NA_REAL));
    double *Psi1 = (double *) R_alloc((size_t) n * m + 1, sizeof(double));
    int status = gplvm_bayes_stats(&s.kf, REAL(Y), n, d, REAL(mu), REAL(S),
                                   REAL(Z), m, q, nthreads, Psi1, REAL(psi0),
                                   REAL(Psi2), REAL(PY), REAL(yy), REAL(kl),
                                   NULL);
    SET_VECTOR_ELT(out, 0, ScalarReal(n));
    SEXP parts[] = {psi0, Psi2, PY, yy, kl};
    for (int i = 0; i < 5; i++) SET_VECTOR_ELT(out, i + 1, parts[i]);
    SET_VECTOR_ELT(out, 6, ScalarInteger(status));
    UNPROTECT(6);
    return out;
}

SEXP gplvm_bayes_global_call(SEXP Z, SEXP type, SEXP npar, SEXP par,
                             SEXP noise, SEXP ndim, SEXP n, SEXP psi0,
                             SEXP Psi2, SEXP PY, SEXP yy, SEXP kl,
                             SEXP gradient)
{
    int m, q, d, r;
    step_kernel s;
    gplvm_matrix_dims(Z, "inducing", &m, &q);
    step_kernel_args(type, npar, par, q, &s);
    double s2 = gplvm_scalar_arg(noise, "noise");
    double D = gplvm_scalar_arg(ndim, "ndim");
    double N = gplvm_scalar_arg(n, "n");
    if (s2 <= 0.0) error("'noise' must be positive");
    if (D <= 0.0) error("'ndim' must be positive");
    if (N < 1.0) error("'n' must be at least 1");
    const double *p2 = sized_matrix(Psi2, "Psi2", m, m);
    gplvm_matrix_dims(PY, "PY", &r, &d);
    if (r != m) error("'PY' must have %d rows", m);
    int want_grad = gplvm_flag_arg(gradient, "gradient");
    const char *names[] = {"bound", "beta", "g0", "L", "E", "W2",
                           "inducing", "kernel", "noise", "jitter",
                           "retries", "status", ""};
    SEXP out = PROTECT(mkNamed(VECSXP, names));
    SEXP val = PROTECT(ScalarReal(NA_REAL));
    SEXP L = PROTECT(allocMatrix(REALSXP, m, m));
    SEXP E = PROTECT(allocMatrix(REALSXP, m, d));
    SEXP W2 = PROTECT(allocMatrix(REALSXP, m, m));
    SEXP gZ = PROTECT(allocMatrix(REALSXP, m, q));
    SEXP gpar = PROTECT(allocVector(REALSXP, s.npar));
    SEXP gnoise = PROTECT(ScalarReal(NA_REAL));
    SEXP jitter = PROTECT(ScalarReal(NA_REAL));
    SEXP retries = PROTECT(ScalarInteger(0));
    gplvm_bayes_weights w = {NA_REAL, NA_REAL, REAL(L), REAL(E), REAL(W2),
                             NULL};
    w.WK = (double *) R_alloc((size_t) m * m, sizeof(double));
    double *gf = (double *) R_alloc(s.nf > 0 ? s.nf : 1, sizeof(double));
    for (int i = 0; i < s.nf; i++) gf[i] = 0.0;
    memset(REAL(gZ), 0, (size_t) m * q * sizeof(double));
    memset(REAL(gpar), 0, (size_t) s.npar * sizeof(double));
    int status = gplvm_bayes_global(&s.kf, REAL(Z), m, q, s.white + s2, D,
                                    N, d, gplvm_scalar_arg(psi0, "psi0"),
                                    p2, REAL(PY), gplvm_scalar_arg(yy, "yy"),
                                    gplvm_scalar_arg(kl, "kl"), want_grad,
                                    REAL(val), &w, REAL(gnoise),
                                    REAL(jitter), INTEGER(retries));
    if (status == GPLVM_OK && want_grad) {
        double trace_z;
        gplvm_kernel_grad(&s.kf, REAL(Z), m, q, w.WK, 0, REAL(gZ), gf,
                          &trace_z, 1);
        gplvm_unstrip_grad(&s.k, s.nf, s.map, gf, REAL(gnoise)[0],
                           REAL(gpar));
    }
    SET_VECTOR_ELT(out, 1, ScalarReal(w.beta));
    SET_VECTOR_ELT(out, 2, ScalarReal(w.g0));
    SEXP parts[] = {val, NULL, NULL, L, E, W2, gZ, gpar, gnoise, jitter,
                    retries};
    for (int i = 0; i < 11; i++)
        if (parts[i] != NULL) SET_VECTOR_ELT(out, i, parts[i]);
    SET_VECTOR_ELT(out, 11, ScalarInteger(status));
    UNPROTECT(10);
    return out;
}

SEXP gplvm_bayes_grad_call(SEXP Y, SEXP mu, SEXP S, SEXP Z, SEXP type,
                           SEXP npar, SEXP par, SEXP beta, SEXP g0, SEXP L,
                           SEXP E, SEXP W2, SEXP threads)
{
    int n, d, q, m;
    step_kernel s;
    rows_args(Y, mu, S, Z, &n, &d, &q, &m);
    step_kernel_args(type, npar, par, q, &s);
    gplvm_bayes_weights w;
    w.beta = gplvm_scalar_arg(beta, "beta");
    w.g0 = gplvm_scalar_arg(g0, "g0");
    w.L = (double *) sized_matrix(L, "L", m, m);
    w.E = (double *) sized_matrix(E, "E", m, d);
    w.W2 = (double *) sized_matrix(W2, "W2", m, m);
    w.WK = NULL;
    int nthreads = gplvm_threads_arg(threads);
    const char *names[] = {"X", "X_var", "inducing", "kernel", "status", ""};
    SEXP out = PROTECT(mkNamed(VECSXP, names));
    SEXP gmu = PROTECT(allocMatrix(REALSXP, n, q));
    SEXP gS = PROTECT(allocMatrix(REALSXP, n, q));
    SEXP gZ = PROTECT(allocMatrix(REALSXP, m, q));
    SEXP gpar = PROTECT(allocVector(REALSXP, s.npar));
    double *gf = (double *) R_alloc(s.nf > 0 ? s.nf : 1, sizeof(double));
    double *W1 = (double *) R_alloc((size_t) n * m + 1, sizeof(double));
    int status = gplvm_bayes_rows_grad(&s.kf, REAL(Y), n, d, REAL(mu),
                                       REAL(S), REAL(Z), m, q, &w, nthreads,
                                       W1, REAL(gmu), REAL(gS), REAL(gZ), gf,
                                       s.nf, NULL);
    gplvm_unstrip_grad(&s.k, s.nf, s.map, gf, 0.0, REAL(gpar));
    SEXP parts[] = {gmu, gS, gZ, gpar};
    for (int i = 0; i < 4; i++) SET_VECTOR_ELT(out, i, parts[i]);
    SET_VECTOR_ELT(out, 4, ScalarInteger(status));
    UNPROTECT(5);
    return out;
}
