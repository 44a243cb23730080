/* The sparse GP-LVM: M inducing inputs Z, three approximations.  This file
 * holds what they share (the kernel without its white parts, the factor of
 * Kzz); the bounds, sums over data points (FITC's weighted row by row),
 * are computed chunk by chunk in src/sparse_stats.c.
 *
 * With Kzz = k(Z, Z) + j I (j: jitter, GPLVM_REL_FLOOR times the mean of
 * diag k(Z, Z)), Kxz = k(X, Z), Q = Kxz Kzz^-1 Kzx, kd_i = k(x_i, x_i) and
 * the covariance S = Q + diag(lambda):
 *   VFE (Titsias 2009)  lambda_i = s2,                 plus the trace term
 *                       -D / (2 s2) sum_i (kd_i - Q_ii);
 *   FITC                lambda_i = s2 + kd_i - Q_ii;
 *   DTC                 lambda_i = s2;
 *   L = -N D/2 log(2 pi) - D/2 log|S| - 1/2 tr(S^-1 Y Y') [+ trace term].
 * White parts of the kernel are noise here: their variances are added to s2
 * in every approximation, and they contribute nothing to Kxz, Kzz or kd.
 * With Z = X and no jitter, VFE and FITC give the exact log-likelihood.
 *
 * FITC's lambda_i needs only row i's k(x_i, Z), k(x_i, x_i) and Kzz, so
 * FITC is DTC with each row weighted by beta_i = 1 / lambda_i and s2 = 1
 * (src/sparse_stats.c has the formulas).
 */
#include "gplvm.h"
#include <math.h>

#define MAX_JITTER_TRIES 6

int gplvm_strip_white(const gplvm_kernel *k, int total, gplvm_kernel *kf,
                      int *map, double *white)
{
    int *type = (int *) R_alloc(k->nparts, sizeof(int));
    int *npar = (int *) R_alloc(k->nparts, sizeof(int));
    double *par = (double *) R_alloc(total, sizeof(double));
    int nf = 0, pos = 0, fpos = 0;
    *white = 0.0;
    for (int p = 0; p < k->nparts; p++) {
        int np = k->npar[p];
        if (gplvm_part_def(k, p)->family == GPLVM_WHITE) {
            *white += k->par[pos];
        } else {
            type[nf] = k->type[p];
            npar[nf++] = np;
            for (int i = 0; i < np; i++) {
                map[fpos] = pos + i;
                par[fpos++] = k->par[pos + i];
            }
        }
        pos += np;
    }
    kf->nparts = nf;
    kf->type = type;
    kf->npar = npar;
    kf->par = par;
    return fpos;
}

void gplvm_unstrip_grad(const gplvm_kernel *k, int nf, const int *map,
                        const double *gf, double white_grad, double *gpar)
{
    int total = 0;
    for (int p = 0; p < k->nparts; p++) total += k->npar[p];
    for (int i = 0; i < total; i++) gpar[i] = 0.0;
    for (int i = 0; i < nf; i++) gpar[map[i]] = gf[i];
    for (int p = 0, pos = 0; p < k->nparts; pos += k->npar[p++])
        if (gplvm_part_def(k, p)->family == GPLVM_WHITE)
            gpar[pos] = white_grad;
}

/* Cholesky factor of Kzz + jitter I in Lz (lower); Kzz is kept.  The jitter
 * starts at *rel (at least GPLVM_REL_FLOOR) times the mean diagonal and grows
 * tenfold while the factorisation fails; *rel returns the factor used. */
int gplvm_factor_kzz(const double *Kzz, int m, double *Lz, double *jitter,
                     double *rel, int *retries)
{
    const char uplo = 'L';
    int info = 1;
    double md = 0.0;
    for (int i = 0; i < m; i++) md += Kzz[i + (size_t) i * m] / m;
    if (!(*rel > GPLVM_REL_FLOOR)) *rel = GPLVM_REL_FLOOR;
    for (*retries = 0; *retries < MAX_JITTER_TRIES; (*retries)++) {
        *jitter = *rel * md;
        for (size_t i = 0; i < (size_t) m * m; i++) Lz[i] = Kzz[i];
        for (int i = 0; i < m; i++) Lz[i + (size_t) i * m] += *jitter;
        F77_CALL(dpotrf)(&uplo, &m, Lz, &m, &info FCONE);
        if (info <= 0) break;
        *rel *= 10.0;
    }
    if (info > 0) return GPLVM_NOT_PD;
    if (info < 0) return GPLVM_LAPACK;
    return GPLVM_OK;
}
