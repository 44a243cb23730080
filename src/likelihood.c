/* The GP-LVM log-likelihood and its full gradient from one Cholesky factor.
 *
 *   L = -N D/2 log(2 pi) - D/2 log|K| - 1/2 tr(K^-1 Y Y'),  K = Kf + s2 I
 *   G = dL/dK = 1/2 (A A' - D K^-1),  A = K^-1 Y
 *
 * One n x n buffer holds K, then its Cholesky factor, then K^-1, then G
 * (lower triangles throughout).
 */
#include "gplvm.h"
#include <math.h>

#define MAX_JITTER_TRIES 5

/* Builds K = Kf + (noise + jitter) I in the lower triangle and factorises it.
 * Returns the LAPACK info. */
static int build_and_factor(const gplvm_kernel *k, const double *X, int n,
                            int q, double diag_add, double *K)
{
    const char uplo = 'L';
    int info;
    gplvm_kernel_sym(k, X, n, q, K);
    for (int i = 0; i < n; i++) K[i + (size_t) i * n] += diag_add;
    F77_CALL(dpotrf)(&uplo, &n, K, &n, &info FCONE);
    return info;
}

static int lower_finite(const double *K, int n)
{
    for (int j = 0; j < n; j++)
        for (int i = j; i < n; i++)
            if (!R_FINITE(K[i + (size_t) j * n])) return 0;
    return 1;
}

int gplvm_loglik_engine(const double *Y, int n, int d, double ndim,
                        const double *X, int q, const gplvm_kernel *k,
                        double noise, int want_grad,
                        double *K, double *A, double *work,
                        double *loglik, double *gX, double *gpar,
                        double *gnoise, double *jitter)
{
    const char uplo = 'L', trans = 'N';
    int info, npar = gplvm_kernel_check(k, q);
    double mean_diag = 0.0;

    *jitter = 0.0;
    gplvm_kernel_sym(k, X, n, q, K);
    for (int i = 0; i < n; i++) {
        K[i + (size_t) i * n] += noise;
        mean_diag += K[i + (size_t) i * n] / n;
    }
    if (!lower_finite(K, n)) return GPLVM_NONFINITE;
    F77_CALL(dpotrf)(&uplo, &n, K, &n, &info FCONE);
    /* Not positive definite: retry with jitter growing tenfold. */
    for (int t = 0; info > 0 && t < MAX_JITTER_TRIES; t++) {
        *jitter = mean_diag * 1e-6 * pow(10.0, t);
        info = build_and_factor(k, X, n, q, noise + *jitter, K);
    }
    if (info > 0) return GPLVM_NOT_PD;
    if (info < 0) return GPLVM_LAPACK;

    double logdet = 0.0;
    for (int i = 0; i < n; i++) logdet += log(K[i + (size_t) i * n]);
    logdet *= 2.0;

    /* A = K^-1 Y by two triangular solves */
    for (size_t i = 0; i < (size_t) n * d; i++) A[i] = Y[i];
    F77_CALL(dpotrs)(&uplo, &n, &d, K, &n, A, &n, &info FCONE);
    if (info != 0) return GPLVM_LAPACK;
    double quad = 0.0;
    for (size_t i = 0; i < (size_t) n * d; i++) quad += A[i] * Y[i];

    *loglik = -0.5 * n * ndim * log(2.0 * M_PI) - 0.5 * ndim * logdet -
        0.5 * quad;
    if (!R_FINITE(*loglik)) return GPLVM_NONFINITE;
    if (!want_grad) return GPLVM_OK;

    /* K^-1 from the factor, then G = 1/2 A A' - D/2 K^-1 in place */
    F77_CALL(dpotri)(&uplo, &n, K, &n, &info FCONE);
    if (info != 0) return GPLVM_LAPACK;
    double alpha = 0.5, beta = -0.5 * ndim;
    F77_CALL(dsyrk)(&uplo, &trans, &n, &d, &alpha, A, &n, &beta, K, &n
                    FCONE FCONE);

    for (size_t i = 0; i < (size_t) n * q; i++) gX[i] = 0.0;
    for (int i = 0; i < npar; i++) gpar[i] = 0.0;
    *gnoise = 0.0;
    for (int i = 0; i < n; i++) *gnoise += K[i + (size_t) i * n];
    gplvm_kernel_grad(k, X, n, q, K, gX, gpar, work);

    for (size_t i = 0; i < (size_t) n * q; i++)
        if (!R_FINITE(gX[i])) return GPLVM_NONFINITE;
    for (int i = 0; i < npar; i++)
        if (!R_FINITE(gpar[i])) return GPLVM_NONFINITE;
    if (!R_FINITE(*gnoise)) return GPLVM_NONFINITE;
    return GPLVM_OK;
}

SEXP gplvm_loglik_call(SEXP Y, SEXP X, SEXP type, SEXP npar, SEXP par,
                       SEXP noise, SEXP ndim, SEXP gradient)
{
    int n, d, nx, q;
    gplvm_kernel k;
    gplvm_matrix_dims(Y, "Y", &n, &d);
    gplvm_matrix_dims(X, "X", &nx, &q);
    if (nx != n) error("'X' and 'Y' must have the same number of rows");
    gplvm_kernel_from_sexp(type, npar, par, q, &k);
    double s2 = gplvm_scalar_arg(noise, "noise");
    double D = gplvm_scalar_arg(ndim, "ndim");
    if (s2 < 0.0) error("'noise' must be non-negative");
    if (D <= 0.0) error("'ndim' must be positive");
    if (TYPEOF(gradient) != LGLSXP || LENGTH(gradient) != 1 ||
        LOGICAL(gradient)[0] == NA_LOGICAL)
        error("'gradient' must be TRUE or FALSE");
    int want_grad = LOGICAL(gradient)[0];

    double *K = (double *) R_alloc((size_t) n * n, sizeof(double));
    double *A = (double *) R_alloc((size_t) n * d, sizeof(double));
    double *work = (double *) R_alloc((size_t) n * q, sizeof(double));

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
    int status = gplvm_loglik_engine(REAL(Y), n, d, D, REAL(X), q, &k, s2,
                                     want_grad, K, A, work, REAL(ll), gXbuf,
                                     gparbuf, REAL(gnoise), REAL(jitter));
    SET_VECTOR_ELT(out, 0, ll);
    SET_VECTOR_ELT(out, 1, gX);
    SET_VECTOR_ELT(out, 2, gpar);
    SET_VECTOR_ELT(out, 3, gnoise);
    SET_VECTOR_ELT(out, 4, jitter);
    SET_VECTOR_ELT(out, 5, ScalarInteger(status));
    UNPROTECT(6);
    return out;
}
