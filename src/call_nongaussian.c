/* .Call wrapper of the non-Gaussian bound (src/nongaussian.c). */
#include "calls.h"
#include <string.h>

/* A double array of exactly len values. */
static const double *vector_arg(SEXP x, const char *what, R_xlen_t len)
{
    if (TYPEOF(x) != REALSXP || XLENGTH(x) != len)
        error("'%s' must be a double vector of length %lld", what,
              (long long) len);
    return REAL(x);
}

SEXP gplvm_nongaussian_call(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                            SEXP par, SEXP lik, SEXP mean, SEXP chol,
                            SEXP disp, SEXP noise, SEXP rule, SEXP gradient,
                            SEXP chunk, SEXP threads)
{
    int n, d, nx, q, m, qz;
    gplvm_matrix_dims(Y, "Y", &n, &d);
    gplvm_matrix_dims(X, "X", &nx, &q);
    gplvm_matrix_dims(Z, "inducing", &m, &qz);
    if (nx != n) error("'X' and 'Y' must have the same number of rows");
    if (qz != q) error("'inducing' must have as many columns as 'X'");
    gplvm_kernel k;
    gplvm_kernel_from_sexp(type, npar, par, q, &k);
    for (int p = 0; p < k.nparts; p++)
        if (gplvm_part_def(&k, p)->family == GPLVM_WHITE)
            error("'kernel' must have no white part here");
    if (TYPEOF(lik) != INTSXP || LENGTH(lik) != 1 ||
        INTEGER(lik)[0] < GPLVM_LIK_GAUSSIAN ||
        INTEGER(lik)[0] > GPLVM_LIK_NEGBIN)
        error("'likelihood' must be one integer code");
    int code = INTEGER(lik)[0];
    const double *Mu = vector_arg(mean, "mean", (R_xlen_t) m * d);
    const double *L = vector_arg(chol, "chol", (R_xlen_t) m * m * d);
    const double *r = vector_arg(disp, "dispersion", d);
    for (int j = 0; j < d; j++)
        if (!R_FINITE(r[j]) || r[j] <= 0.0)
            error("'dispersion' must be positive and finite");
    double s2 = gplvm_scalar_arg(noise, "noise");
    if (s2 <= 0.0) error("'noise' must be positive");
    if (TYPEOF(rule) != REALSXP || LENGTH(rule) < 2 || LENGTH(rule) % 2)
        error("'rule' must hold nodes and weights");
    int nq = LENGTH(rule) / 2;
    for (R_xlen_t i = 0; i < XLENGTH(Y); i++) {
        double y = REAL(Y)[i];
        if (ISNAN(y)) continue;
        if (!R_FINITE(y) ||
            ((code == GPLVM_LIK_LOGIT || code == GPLVM_LIK_PROBIT) &&
             y != 0.0 && y != 1.0) ||
            (code >= GPLVM_LIK_POISSON && (y < 0.0 || y != floor(y))))
            error("'Y' has an entry the likelihood cannot take");
    }
    int want_grad = gplvm_flag_arg(gradient, "gradient");
    int nc = gplvm_positive_int_arg(chunk, "chunk");
    int nt = gplvm_threads_arg(threads);

    const char *names[] = {"value", "X", "inducing", "kernel", "mean",
                           "chol", "dispersion", "noise", "jitter",
                           "retries", "status", ""};
    int g = want_grad;
    SEXP val = PROTECT(ScalarReal(NA_REAL));
    SEXP gX = PROTECT(allocMatrix(REALSXP, g ? n : 0, g ? q : 0));
    SEXP gZ = PROTECT(allocMatrix(REALSXP, g ? m : 0, g ? q : 0));
    SEXP gpar = PROTECT(allocVector(REALSXP, g ? LENGTH(par) : 0));
    SEXP gMu = PROTECT(allocMatrix(REALSXP, g ? m : 0, g ? d : 0));
    SEXP gL = PROTECT(allocVector(REALSXP, g ? (R_xlen_t) m * m * d : 0));
    SEXP gr = PROTECT(allocVector(REALSXP, g ? d : 0));
    SEXP gnoise = PROTECT(ScalarReal(0.0));
    SEXP jitter = PROTECT(ScalarReal(NA_REAL));
    SEXP retries = PROTECT(ScalarInteger(0));
    int status = gplvm_nongaussian_engine(
        REAL(Y), n, d, REAL(X), REAL(Z), m, q, &k, code, Mu, L, r, s2,
        REAL(rule), REAL(rule) + nq, nq, g, nc, nt, REAL(val),
        g ? REAL(gX) : NULL, g ? REAL(gZ) : NULL, g ? REAL(gpar) : NULL,
        g ? REAL(gMu) : NULL, g ? REAL(gL) : NULL, g ? REAL(gr) : NULL,
        REAL(gnoise), REAL(jitter), INTEGER(retries));
    SEXP st = PROTECT(ScalarInteger(status));
    const SEXP elts[] = {val, gX, gZ, gpar, gMu, gL, gr, gnoise, jitter,
                         retries, st};
    SEXP out = gplvm_named_list(names, 11, elts);
    UNPROTECT(11);
    return out;
}
