/* .Call wrappers of the Bayesian GP-LVM: argument checks and outputs around
 * the pure-C engines of src/bayes.c and src/psi.c. */
#include "calls.h"

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
                    REAL(p1), REAL(p2), nthreads);
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
                      SEXP threads)
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
                                    nthreads, REAL(val), bmu, bS, bZ, bpar,
                                    REAL(gnoise), REAL(jitter),
                                    INTEGER(retries));
    SEXP parts[] = {val, gmu, gS, gZ, gpar, gnoise, jitter, retries};
    for (int i = 0; i < 8; i++) SET_VECTOR_ELT(out, i, parts[i]);
    SET_VECTOR_ELT(out, 8, ScalarInteger(status));
    UNPROTECT(9);
    return out;
}
