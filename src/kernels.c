/* Kernel library: covariance matrices and the gradient contraction.
 *
 * Stationary kernels are written in the scaled distance r = |(a - b) / l|:
 *   RBF        k = v exp(-r^2 / 2)
 *   Matern 3/2 k = v (1 + sqrt(3) r) exp(-sqrt(3) r)
 *   Matern 5/2 k = v (1 + sqrt(5) r + 5 r^2 / 3) exp(-sqrt(5) r)
 * and their gradients through psi(r) = -(dk/dr) / r, which is finite at
 * r = 0, so that dk/da_q = -psi (a_q - b_q) / l_q^2 for all three.
 */
#include "gplvm.h"
#include <math.h>

#define SQRT3 1.7320508075688772
#define SQRT5 2.23606797749979

static int is_stationary(int type)
{
    return type == GPLVM_RBF || type == GPLVM_MATERN32 ||
        type == GPLVM_MATERN52;
}

int gplvm_kernel_check(const gplvm_kernel *k, int q)
{
    int total = 0;
    if (k->nparts < 1 || q < 1) return -1;
    for (int p = 0; p < k->nparts; p++) {
        int t = k->type[p], np = k->npar[p];
        if (is_stationary(t)) {
            if (np != 2 && np != 1 + q) return -1;
        } else if (t == GPLVM_LINEAR) {
            if (np != 1 && np != q) return -1;
        } else if (t == GPLVM_BIAS || t == GPLVM_WHITE) {
            if (np != 1) return -1;
        } else {
            return -1;
        }
        total += np;
    }
    return total;
}

/* k(r) and psi(r) for a stationary part with variance v. */
static double stat_value(int type, double v, double r2)
{
    double r;
    switch (type) {
    case GPLVM_RBF:
        return v * exp(-0.5 * r2);
    case GPLVM_MATERN32:
        r = SQRT3 * sqrt(r2);
        return v * (1.0 + r) * exp(-r);
    default:
        r = SQRT5 * sqrt(r2);
        return v * (1.0 + r + r * r / 3.0) * exp(-r);
    }
}

static double stat_psi(int type, double v, double r2, double kval)
{
    double r;
    switch (type) {
    case GPLVM_RBF:
        return kval;
    case GPLVM_MATERN32:
        return 3.0 * v * exp(-SQRT3 * sqrt(r2));
    default:
        r = SQRT5 * sqrt(r2);
        return (5.0 / 3.0) * v * (1.0 + r) * exp(-r);
    }
}

/* Inverse lengthscale of latent dimension j for a stationary part. */
static double inv_len(const double *par, int np, int j)
{
    return 1.0 / (np == 2 ? par[1] : par[1 + j]);
}

/* Linear variance of latent dimension j. */
static double lin_var(const double *par, int np, int j)
{
    return np == 1 ? par[0] : par[j];
}

/* Scaled copy Xs = X / l (n x q), so that r^2 is a plain squared distance. */
static void scale_inputs(const double *X, int n, int q, const double *par,
                         int np, double *Xs)
{
    for (int j = 0; j < q; j++) {
        double s = inv_len(par, np, j);
        for (int i = 0; i < n; i++) Xs[i + (size_t) j * n] = X[i + (size_t) j * n] * s;
    }
}

/* Adds part p of k(X, X2) into K.  sym: X2 == X and only i >= j is filled. */
static void add_part(int type, const double *par, int np, const double *X,
                     int n, const double *X2, int m, int q, int sym,
                     double *K)
{
    if (is_stationary(type)) {
        double *Xs = (double *) R_alloc((size_t) n * q, sizeof(double));
        double *X2s = Xs;
        scale_inputs(X, n, q, par, np, Xs);
        if (!sym) {
            X2s = (double *) R_alloc((size_t) m * q, sizeof(double));
            scale_inputs(X2, m, q, par, np, X2s);
        }
        for (int j = 0; j < m; j++) {
            for (int i = sym ? j : 0; i < n; i++) {
                double r2 = 0.0;
                for (int c = 0; c < q; c++) {
                    double d = Xs[i + (size_t) c * n] - X2s[j + (size_t) c * m];
                    r2 += d * d;
                }
                K[i + (size_t) j * n] += stat_value(type, par[0], r2);
            }
            if (j % 256 == 255) R_CheckUserInterrupt();
        }
    } else if (type == GPLVM_LINEAR) {
        for (int j = 0; j < m; j++)
            for (int i = sym ? j : 0; i < n; i++) {
                double s = 0.0;
                for (int c = 0; c < q; c++)
                    s += lin_var(par, np, c) * X[i + (size_t) c * n] *
                        X2[j + (size_t) c * m];
                K[i + (size_t) j * n] += s;
            }
    } else if (type == GPLVM_BIAS) {
        for (int j = 0; j < m; j++)
            for (int i = sym ? j : 0; i < n; i++) K[i + (size_t) j * n] += par[0];
    } else if (type == GPLVM_WHITE && sym) {
        for (int i = 0; i < n; i++) K[i + (size_t) i * n] += par[0];
    }
}

static void fill_kernel(const gplvm_kernel *k, const double *X, int n,
                        const double *X2, int m, int q, int sym, double *K)
{
    const double *par = k->par;
    for (int j = 0; j < m; j++)
        for (int i = sym ? j : 0; i < n; i++) K[i + (size_t) j * n] = 0.0;
    for (int p = 0; p < k->nparts; p++) {
        add_part(k->type[p], par, k->npar[p], X, n, X2, m, q, sym, K);
        par += k->npar[p];
    }
}

void gplvm_kernel_cross(const gplvm_kernel *k, const double *X, int n,
                        const double *X2, int m, int q, double *K)
{
    fill_kernel(k, X, n, X2, m, q, 0, K);
}

void gplvm_kernel_sym(const gplvm_kernel *k, const double *X, int n, int q,
                      double *K)
{
    fill_kernel(k, X, n, X, n, q, 1, K);
}

/* Gradient of a stationary part: one pass over the pairs i > j with the
 * weight w = G_ij psi(r_ij).  gpar[0] gets dL/dv, gpar[1..] dL/dl. */
static void grad_stationary(int type, const double *par, int np,
                            const double *X, int n, int q, const double *G,
                            double *gX, double *gpar, double *work)
{
    double v = par[0], sumGK = 0.0;
    double *glen = (double *) R_alloc(q, sizeof(double));
    double *Xs = (double *) R_alloc((size_t) n * q, sizeof(double));
    double *gXs = work;   /* sum_m w_nm (xs_n - xs_m), n x q */
    scale_inputs(X, n, q, par, np, Xs);
    for (size_t i = 0; i < (size_t) n * q; i++) gXs[i] = 0.0;
    for (int c = 0; c < q; c++) glen[c] = 0.0;

    for (int j = 0; j < n; j++) {
        sumGK += 0.5 * G[j + (size_t) j * n] * v;   /* diagonal, k(0) = v */
        for (int i = j + 1; i < n; i++) {
            double g = G[i + (size_t) j * n], r2 = 0.0;
            for (int c = 0; c < q; c++) {
                double d = Xs[i + (size_t) c * n] - Xs[j + (size_t) c * n];
                r2 += d * d;
            }
            double kval = stat_value(type, v, r2);
            double w = g * stat_psi(type, v, r2, kval);
            sumGK += g * kval;
            for (int c = 0; c < q; c++) {
                double d = Xs[i + (size_t) c * n] - Xs[j + (size_t) c * n];
                double t = w * d;
                gXs[i + (size_t) c * n] += t;
                gXs[j + (size_t) c * n] -= t;
                glen[c] += t * d;
            }
        }
        if (j % 256 == 255) R_CheckUserInterrupt();
    }
    /* sums over i > j count each off-diagonal pair once; G is symmetric */
    gpar[0] += 2.0 * sumGK / v;
    for (int c = 0; c < q; c++) {
        double s = inv_len(par, np, c);
        for (int i = 0; i < n; i++)
            gX[i + (size_t) c * n] -= 2.0 * s * gXs[i + (size_t) c * n];
        gpar[np == 2 ? 1 : 1 + c] += 2.0 * s * glen[c];
    }
}

/* Gradient of a linear part through GX = G X (one dsymm). */
static void grad_linear(const double *par, int np, const double *X, int n,
                        int q, const double *G, double *gX, double *gpar,
                        double *GX)
{
    const char side = 'L', uplo = 'L';
    const double one = 1.0, zero = 0.0;
    F77_CALL(dsymm)(&side, &uplo, &n, &q, &one, G, &n, X, &n, &zero, GX, &n
                    FCONE FCONE);
    for (int c = 0; c < q; c++) {
        double vc = lin_var(par, np, c), s = 0.0;
        for (int i = 0; i < n; i++) {
            size_t ic = i + (size_t) c * n;
            gX[ic] += 2.0 * vc * GX[ic];
            s += X[ic] * GX[ic];
        }
        gpar[np == 1 ? 0 : c] += s;
    }
}

void gplvm_kernel_grad(const gplvm_kernel *k, const double *X, int n, int q,
                       const double *G, double *gX, double *gpar,
                       double *work)
{
    const double *par = k->par;
    double trace = 0.0, total = 0.0;
    for (int j = 0; j < n; j++) {
        trace += G[j + (size_t) j * n];
        for (int i = j + 1; i < n; i++) total += G[i + (size_t) j * n];
    }
    total = 2.0 * total + trace;

    for (int p = 0; p < k->nparts; p++) {
        int t = k->type[p], np = k->npar[p];
        if (is_stationary(t))
            grad_stationary(t, par, np, X, n, q, G, gX, gpar, work);
        else if (t == GPLVM_LINEAR)
            grad_linear(par, np, X, n, q, G, gX, gpar, work);
        else if (t == GPLVM_BIAS)
            gpar[0] += total;
        else if (t == GPLVM_WHITE)
            gpar[0] += trace;
        par += np;
        gpar += np;
    }
}

/* ---- .Call wrappers shared helpers ---- */

void gplvm_matrix_dims(SEXP x, const char *what, int *nrow, int *ncol)
{
    SEXP dim = getAttrib(x, R_DimSymbol);
    if (TYPEOF(x) != REALSXP || TYPEOF(dim) != INTSXP || LENGTH(dim) != 2)
        error("'%s' must be a double matrix", what);
    *nrow = INTEGER(dim)[0];
    *ncol = INTEGER(dim)[1];
    if (*nrow < 1 || *ncol < 1) error("'%s' must not be empty", what);
}

void gplvm_kernel_from_sexp(SEXP type, SEXP npar, SEXP par, int q,
                            gplvm_kernel *k)
{
    if (TYPEOF(type) != INTSXP || TYPEOF(npar) != INTSXP ||
        TYPEOF(par) != REALSXP || LENGTH(type) != LENGTH(npar))
        error("malformed kernel description");
    k->nparts = LENGTH(type);
    k->type = INTEGER(type);
    k->npar = INTEGER(npar);
    k->par = REAL(par);
    if (gplvm_kernel_check(k, q) != LENGTH(par))
        error("kernel parameters do not match the latent dimension %d", q);
    for (R_xlen_t i = 0; i < XLENGTH(par); i++)
        if (!R_FINITE(k->par[i]) || k->par[i] <= 0.0)
            error("kernel parameters must be positive and finite");
}

SEXP gplvm_kern_matrix_call(SEXP X, SEXP X2, SEXP type, SEXP npar, SEXP par)
{
    int n, q, m, q2;
    gplvm_kernel k;
    gplvm_matrix_dims(X, "X", &n, &q);
    gplvm_kernel_from_sexp(type, npar, par, q, &k);
    SEXP K;
    if (isNull(X2)) {
        K = PROTECT(allocMatrix(REALSXP, n, n));
        double *Kp = REAL(K);
        gplvm_kernel_sym(&k, REAL(X), n, q, Kp);
        for (int j = 0; j < n; j++)
            for (int i = j + 1; i < n; i++)
                Kp[j + (size_t) i * n] = Kp[i + (size_t) j * n];
    } else {
        gplvm_matrix_dims(X2, "X2", &m, &q2);
        if (q2 != q) error("'X2' must have as many columns as 'X'");
        K = PROTECT(allocMatrix(REALSXP, n, m));
        gplvm_kernel_cross(&k, REAL(X), n, REAL(X2), m, q, REAL(K));
    }
    UNPROTECT(1);
    return K;
}
