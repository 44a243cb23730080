/* Kernel library, second half: the diagonal k(x, x) and the gradient
 * contractions of a cross covariance k(X, Z) and of that diagonal, used by
 * the sparse (inducing-point) model.  Same parameterisation and the same
 * psi(r) = -(dk/dr) / r as src/kernels.c:
 *   stationary  dk/dx_c = -psi (x_c - z_c) / l_c^2 = -dk/dz_c,
 *               dk/dl_c = psi (x_c - z_c)^2 / l_c^3,  dk/dv = k / v;
 *   linear      k = sum_c v_c x_c z_c;  bias k = v;  white: 0 off the
 *               diagonal, v on it.
 */
#include "gplvm.h"
#include <math.h>

#define SQRT3 1.7320508075688772
#define SQRT5 2.23606797749979

static int stationary(int type)
{
    return type == GPLVM_RBF || type == GPLVM_MATERN32 ||
        type == GPLVM_MATERN52;
}

/* k(r^2) and psi(r^2) of a stationary part with variance v, together. */
static double stat_k_psi(int type, double v, double r2, double *psi)
{
    double r, e;
    switch (type) {
    case GPLVM_RBF:
        e = v * exp(-0.5 * r2);
        *psi = e;
        return e;
    case GPLVM_MATERN32:
        r = SQRT3 * sqrt(r2);
        e = v * exp(-r);
        *psi = 3.0 * e;
        return (1.0 + r) * e;
    default:
        r = SQRT5 * sqrt(r2);
        e = v * exp(-r);
        *psi = (5.0 / 3.0) * (1.0 + r) * e;
        return (1.0 + r + r * r / 3.0) * e;
    }
}

/* Per-dimension lengthscale (stationary) or variance (linear) of a part. */
static double per_dim(const double *p, int np, int shared, int c)
{
    return np == shared ? p[0] : p[c];
}

void gplvm_kernel_diag(const gplvm_kernel *k, const double *X, int n, int q,
                       double *d)
{
    const double *par = k->par;
    for (int i = 0; i < n; i++) d[i] = 0.0;
    for (int p = 0; p < k->nparts; p++) {
        int t = k->type[p], np = k->npar[p];
        if (t == GPLVM_LINEAR) {
            for (int c = 0; c < q; c++) {
                double vc = per_dim(par, np, 1, c);
                const double *x = X + (size_t) c * n;
                for (int i = 0; i < n; i++) d[i] += vc * x[i] * x[i];
            }
        } else {   /* stationary, bias and white: the variance */
            for (int i = 0; i < n; i++) d[i] += par[0];
        }
        par += np;
    }
}

void gplvm_kernel_grad_diag(const gplvm_kernel *k, const double *X, int n,
                            int q, const double *g, double *gX, double *gpar)
{
    const double *par = k->par;
    double gsum = 0.0;
    for (int i = 0; i < n; i++) gsum += g[i];
    for (int p = 0; p < k->nparts; p++) {
        int t = k->type[p], np = k->npar[p];
        if (t == GPLVM_LINEAR) {
            for (int c = 0; c < q; c++) {
                double vc = per_dim(par, np, 1, c), s = 0.0;
                const double *x = X + (size_t) c * n;
                double *gx = gX + (size_t) c * n;
                for (int i = 0; i < n; i++) {
                    gx[i] += 2.0 * vc * g[i] * x[i];
                    s += g[i] * x[i] * x[i];
                }
                gpar[np == 1 ? 0 : c] += s;
            }
        } else {   /* only the variance: lengthscales cancel at r = 0 */
            gpar[0] += gsum;
        }
        par += np;
        gpar += np;
    }
}

/* Stationary part of the cross contraction: one pass over the n x m pairs
 * with w = W_ij psi(r_ij) in the scaled inputs x / l. */
static void cross_stationary(int type, const double *par, int np,
                             const double *X, int n, const double *Z, int m,
                             int q, const double *W, double *gX, double *gZ,
                             double *gpar, double *work)
{
    double v = par[0], sumWK = 0.0;
    double *Xs = work, *gXs = work + (size_t) n * q;
    double *Zs = (double *) R_alloc((size_t) m * q, sizeof(double));
    double *gZs = (double *) R_alloc((size_t) m * q, sizeof(double));
    double *glen = (double *) R_alloc(q, sizeof(double));
    double *d = (double *) R_alloc(q, sizeof(double));
    for (int c = 0; c < q; c++) {
        double s = 1.0 / per_dim(par + 1, np - 1, 1, c);
        for (int i = 0; i < n; i++) {
            Xs[i + (size_t) c * n] = X[i + (size_t) c * n] * s;
            gXs[i + (size_t) c * n] = 0.0;
        }
        for (int j = 0; j < m; j++) {
            Zs[j + (size_t) c * m] = Z[j + (size_t) c * m] * s;
            gZs[j + (size_t) c * m] = 0.0;
        }
        glen[c] = 0.0;
    }
    for (int j = 0; j < m; j++) {
        const double *Wj = W + (size_t) j * n;
        for (int i = 0; i < n; i++) {
            double r2 = 0.0, psi;
            for (int c = 0; c < q; c++) {
                d[c] = Xs[i + (size_t) c * n] - Zs[j + (size_t) c * m];
                r2 += d[c] * d[c];
            }
            double kval = stat_k_psi(type, v, r2, &psi);
            double w = Wj[i] * psi;
            sumWK += Wj[i] * kval;
            for (int c = 0; c < q; c++) {
                double t = w * d[c];
                gXs[i + (size_t) c * n] += t;
                gZs[j + (size_t) c * m] += t;
                glen[c] += t * d[c];
            }
        }
        R_CheckUserInterrupt();
    }
    gpar[0] += sumWK / v;
    for (int c = 0; c < q; c++) {
        double s = 1.0 / per_dim(par + 1, np - 1, 1, c);
        for (int i = 0; i < n; i++)
            gX[i + (size_t) c * n] -= s * gXs[i + (size_t) c * n];
        for (int j = 0; j < m; j++)
            gZ[j + (size_t) c * m] += s * gZs[j + (size_t) c * m];
        gpar[np == 2 ? 1 : 1 + c] += s * glen[c];
    }
}

/* Linear part: dL/dX = (W Z) diag(v), dL/dZ = (W' X) diag(v),
 * dL/dv_c = sum_i X_ic (W Z)_ic. */
static void cross_linear(const double *par, int np, const double *X, int n,
                         const double *Z, int m, int q, const double *W,
                         double *gX, double *gZ, double *gpar, double *work)
{
    const char tn = 'N', tt = 'T';
    const double one = 1.0, zero = 0.0;
    double *WZ = work;
    double *WtX = (double *) R_alloc((size_t) m * q, sizeof(double));
    F77_CALL(dgemm)(&tn, &tn, &n, &q, &m, &one, W, &n, Z, &m, &zero, WZ, &n
                    FCONE FCONE);
    F77_CALL(dgemm)(&tt, &tn, &m, &q, &n, &one, W, &n, X, &n, &zero, WtX, &m
                    FCONE FCONE);
    for (int c = 0; c < q; c++) {
        double vc = per_dim(par, np, 1, c), s = 0.0;
        for (int i = 0; i < n; i++) {
            size_t ic = i + (size_t) c * n;
            gX[ic] += vc * WZ[ic];
            s += X[ic] * WZ[ic];
        }
        for (int j = 0; j < m; j++)
            gZ[j + (size_t) c * m] += vc * WtX[j + (size_t) c * m];
        gpar[np == 1 ? 0 : c] += s;
    }
}

void gplvm_kernel_grad_cross(const gplvm_kernel *k, const double *X, int n,
                             const double *Z, int m, int q, const double *W,
                             double *gX, double *gZ, double *gpar,
                             double *work)
{
    const double *par = k->par;
    for (int p = 0; p < k->nparts; p++) {
        int t = k->type[p], np = k->npar[p];
        if (stationary(t)) {
            cross_stationary(t, par, np, X, n, Z, m, q, W, gX, gZ, gpar,
                             work);
        } else if (t == GPLVM_LINEAR) {
            cross_linear(par, np, X, n, Z, m, q, W, gX, gZ, gpar, work);
        } else if (t == GPLVM_BIAS) {
            double s = 0.0;
            for (size_t i = 0; i < (size_t) n * m; i++) s += W[i];
            gpar[0] += s;
        }   /* white: no cross covariance */
        par += np;
        gpar += np;
    }
}

/* ---- .Call wrappers shared helper ---- */

double gplvm_scalar_arg(SEXP x, const char *what)
{
    if (TYPEOF(x) != REALSXP || LENGTH(x) != 1 || !R_FINITE(REAL(x)[0]))
        error("'%s' must be one finite double", what);
    return REAL(x)[0];
}
