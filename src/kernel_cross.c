/* Passes over the kernel table, second half: the diagonal k(x, x), the
 * gradient contractions of a cross covariance k(X, Z) and of that diagonal
 * (the sparse model, projection of new data), and the derivatives of the
 * cross covariance in its first argument and across both arguments.
 * Same conventions as src/kernel_matrix.c. */
#include "kernel_impl.h"

void gplvm_kernel_diag(const gplvm_kernel *k, const double *X, int n, int q,
                       double *d)
{
    gplvm_part *pt = gplvm_prepare_parts(k, X, n, X, n, q);
    for (int i = 0; i < n; i++) d[i] = 0.0;
    for (int p = 0; p < k->nparts; p++) {
        const gplvm_part *a = pt + p;
        if (a->def->family == GPLVM_PAIR) {
            for (int i = 0; i < n; i++) {
                const double *x = a->xs + (size_t) i * q;
                d[i] += a->def->pair_value(a->par, a->np, q, x, x);
            }
        } else {   /* radial (f(0) = 1), constant, white: the variance */
            for (int i = 0; i < n; i++) d[i] += a->par[0];
        }
    }
}

/* gt (q x n, transposed) added to gX (n x q). */
static void add_transposed(const double *gt, int n, int q, double *gX)
{
    for (int c = 0; c < q; c++)
        for (int i = 0; i < n; i++)
            gX[i + (size_t) c * n] += gt[c + (size_t) i * q];
}

static double *zeros(size_t len)
{
    double *x = (double *) R_alloc(len, sizeof(double));
    memset(x, 0, len * sizeof(double));
    return x;
}

void gplvm_kernel_grad_diag(const gplvm_kernel *k, const double *X, int n,
                            int q, const double *g, double *gX, double *gpar)
{
    gplvm_part *pt = gplvm_prepare_parts(k, X, n, X, n, q);
    double gsum = 0.0;
    for (int i = 0; i < n; i++) gsum += g[i];
    for (int p = 0; p < k->nparts; p++) {
        const gplvm_part *a = pt + p;
        if (a->def->family == GPLVM_PAIR) {
            double *gt = zeros((size_t) n * q);
            for (int i = 0; i < n; i++) {
                const double *x = a->xs + (size_t) i * q;
                double *gi = gt + (size_t) i * q;
                a->def->pair_grad(a->par, a->np, q, x, x, g[i], gi, gi,
                                  gpar);
            }
            add_transposed(gt, n, q, gX);
        } else {   /* only the variance: k(x, x) = v */
            gpar[0] += gsum;
        }
        gpar += a->np;
    }
}

/* Radial part of the cross contraction, column by column of W; cache:
 * NULL, or what the part's value() cached for the same X and Z (n x m). */
static void cross_radial(const gplvm_part *a, const double *X, int n,
                         const double *Z, int m, int q, const double *W,
                         const double *cache, double *gX, double *gZ,
                         double *gpar)
{
    double v = a->par[0];
    const double *Xs = a->xs, *Zs = a->x2s;
    double *gXs = zeros((size_t) n * q), *gZs = zeros((size_t) m * q);
    double *acc = zeros((size_t) 1 + a->nextra), *glen = zeros(q);
    double *r2 = (double *) R_alloc(n, sizeof(double));
    double *w = (double *) R_alloc(n, sizeof(double));
    (void) X;
    (void) Z;
    int need_r2 = !cache || a->def->grad_uses_r2;
    for (int j = 0; j < m; j++) {
        if (need_r2) {
            for (int i = 0; i < n; i++) r2[i] = 0.0;
            for (int c = 0; c < q; c++) {
                const double *xc = Xs + (size_t) c * n;
                double zj = Zs[j + (size_t) c * m];
                for (int i = 0; i < n; i++) {
                    double d = xc[i] - zj;
                    r2[i] += d * d;
                }
            }
        }
        a->def->radial_grad(a->extra, n, need_r2 ? r2 : NULL,
                            cache ? cache + (size_t) j * n : NULL,
                            W + (size_t) j * n, w, acc);
        for (int c = 0; c < q; c++) {
            const double *xc = Xs + (size_t) c * n;
            double *gxc = gXs + (size_t) c * n;
            double zj = Zs[j + (size_t) c * m], sz = 0.0, sl = 0.0;
            for (int i = 0; i < n; i++) {
                double d = xc[i] - zj, t = w[i] * d;
                gxc[i] += t;
                sz += t;
                sl += t * d;
            }
            gZs[j + (size_t) c * m] += sz;
            glen[c] += sl;
        }
        if ((j & 15) == 15) R_CheckUserInterrupt();
    }
    gpar[0] += acc[0];
    for (int e = 0; e < a->nextra; e++) gpar[1 + a->nl + e] += v * acc[1 + e];
    for (int c = 0; c < q; c++) {
        double s = gplvm_inv_len(a, c);
        for (int i = 0; i < n; i++)
            gX[i + (size_t) c * n] -= v * s * gXs[i + (size_t) c * n];
        if (gZ)
            for (int j = 0; j < m; j++)
                gZ[j + (size_t) c * m] += v * s * gZs[j + (size_t) c * m];
        gpar[a->nl == 1 ? 1 : 1 + c] += v * s * glen[c];
    }
}

void gplvm_kernel_grad_cross(const gplvm_kernel *k, const double *X, int n,
                             const double *Z, int m, int q, const double *W,
                             double *gX, double *gZ, double *gpar)
{
    gplvm_kernel_grad_cross_cached(k, X, n, Z, m, q, W, NULL, gX, gZ, gpar);
}

void gplvm_kernel_grad_cross_cached(const gplvm_kernel *k, const double *X,
                                    int n, const double *Z, int m, int q,
                                    const double *W, const double *cache,
                                    double *gX, double *gZ, double *gpar)
{
    gplvm_part *pt = gplvm_prepare_parts(k, X, n, Z, m, q);
    for (int p = 0; p < k->nparts; p++) {
        const gplvm_part *a = pt + p;
        switch (a->def->family) {
        case GPLVM_RADIAL:
            cross_radial(a, X, n, Z, m, q, W, cache, gX, gZ, gpar);
            cache = NULL;   /* the cache is the first radial part's */
            break;
        case GPLVM_PAIR: {
            double *gxt = zeros((size_t) n * q), *gzt = zeros((size_t) m * q);
            for (int j = 0; j < m; j++) {
                for (int i = 0; i < n; i++)
                    a->def->pair_grad(a->par, a->np, q,
                                      a->xs + (size_t) i * q,
                                      a->x2s + (size_t) j * q,
                                      W[i + (size_t) j * n],
                                      gxt + (size_t) i * q,
                                      gZ ? gzt + (size_t) j * q : NULL,
                                      gpar);
                if ((j & 255) == 255) R_CheckUserInterrupt();
            }
            add_transposed(gxt, n, q, gX);
            if (gZ) add_transposed(gzt, m, q, gZ);
            break;
        }
        case GPLVM_CONSTANT: {
            double s = 0.0;
            for (size_t i = 0; i < (size_t) n * m; i++) s += W[i];
            gpar[0] += s;
            break;
        }
        default:   /* white: no cross covariance */
            break;
        }
        gpar += a->np;
    }
}

void gplvm_kernel_cross_dx(const gplvm_kernel *k, const double *Xs, int m,
                           const double *X, int n, int q, double *D)
{
    gplvm_part *pt = gplvm_prepare_parts(k, Xs, m, X, n, q);
    size_t nq = (size_t) n * q;
    double *one = (double *) R_alloc(n, sizeof(double));
    double *r2 = (double *) R_alloc(n, sizeof(double));
    double *w = (double *) R_alloc(n, sizeof(double));
    double *ga = (double *) R_alloc(q, sizeof(double));
    for (int j = 0; j < n; j++) one[j] = 1.0;
    memset(D, 0, nq * m * sizeof(double));
    for (int p = 0; p < k->nparts; p++) {
        const gplvm_part *a = pt + p;
        double v = a->par[0];
        for (int i = 0; i < m; i++) {
            double *Di = D + nq * i;
            if (a->def->family == GPLVM_RADIAL) {
                double *acc = zeros((size_t) 1 + a->nextra);
                for (int j = 0; j < n; j++) {
                    r2[j] = 0.0;
                    for (int c = 0; c < q; c++) {
                        double d = a->xs[i + (size_t) c * m] -
                            a->x2s[j + (size_t) c * n];
                        r2[j] += d * d;
                    }
                }
                a->def->radial_grad(a->extra, n, r2, NULL, one, w, acc);
                for (int c = 0; c < q; c++) {
                    double s = gplvm_inv_len(a, c);
                    for (int j = 0; j < n; j++)
                        Di[j + (size_t) c * n] -= v * s * w[j] *
                            (a->xs[i + (size_t) c * m] -
                             a->x2s[j + (size_t) c * n]);
                }
            } else if (a->def->family == GPLVM_PAIR) {
                for (int j = 0; j < n; j++) {
                    memset(ga, 0, (size_t) q * sizeof(double));
                    a->def->pair_grad(a->par, a->np, q,
                                      a->xs + (size_t) i * q,
                                      a->x2s + (size_t) j * q, 1.0, ga,
                                      NULL, NULL);
                    for (int c = 0; c < q; c++) Di[j + (size_t) c * n] += ga[c];
                }
            }   /* constant, white: no dependence on the inputs */
        }
        R_CheckUserInterrupt();
    }
}

void gplvm_kernel_d2(const gplvm_kernel *k, const double *X, int m, int q,
                     double *H)
{
    gplvm_part *pt = gplvm_prepare_parts(k, X, m, X, m, q);
    size_t qq = (size_t) q * q;
    double *Hp = (double *) R_alloc(qq, sizeof(double));
    memset(H, 0, qq * m * sizeof(double));
    for (int p = 0; p < k->nparts; p++) {
        const gplvm_part *a = pt + p;
        if (a->def->family == GPLVM_RADIAL) {
            /* k = v f(r^2): d^2 k / da_c db_d at a = b is -2 v f'(0) / l_c^2
             * on the diagonal */
            double zero = 0.0, one = 1.0, w0, acc[64];
            double *ac = a->nextra < 63 ? acc :
                (double *) R_alloc(1 + a->nextra, sizeof(double));
            memset(ac, 0, (size_t) (1 + a->nextra) * sizeof(double));
            a->def->radial_grad(a->extra, 1, &zero, NULL, &one, &w0, ac);
            for (int i = 0; i < m; i++)
                for (int c = 0; c < q; c++) {
                    double s = gplvm_inv_len(a, c);
                    H[c + (size_t) c * q + qq * i] += a->par[0] * w0 * s * s;
                }
        } else if (a->def->family == GPLVM_PAIR) {
            for (int i = 0; i < m; i++) {
                a->def->pair_d2(a->par, a->np, q, a->xs + (size_t) i * q, Hp);
                for (size_t t = 0; t < qq; t++) H[t + qq * i] += Hp[t];
            }
        }
    }
}
