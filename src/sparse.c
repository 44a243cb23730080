/* The sparse GP-LVM: M inducing inputs Z, three approximations.  This file
 * holds what they share (the kernel without its white parts, the factor of
 * Kzz) and the FITC engine; VFE and DTC, which are sums over data points,
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
 * FITC in whitened form, Kzz = Lz Lz', V = Kxz Lz^-T (n x m),
 * A = I + V' diag(1/lambda) V = La La':
 *   log|S| = sum log lambda + 2 sum log diag La,
 *   tr(S^-1 Y Y') = sum(Y^2 / lambda) - |La^-1 V' diag(1/lambda) Y|^2.
 * Gradient: with G = dL/dS = 1/2 (a a' - D S^-1), a = S^-1 Y (never formed
 * as n x n), P' = V Lz^-1 and c_i = dL/dQ_ii = -G_ii (through lambda_i),
 *   dL/dKxz = 2 (G + diag(c)) P',  dL/dKzz = -P (G + diag(c)) P',
 * using S^-1 V = diag(1/lambda) V A^-1, so that everything costs
 * O(N M^2 + M^3) time and O(N M) memory.
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

int gplvm_fitc_engine(const double *Y, int n, int d, double ndim,
                      const double *X, const double *Z, int m, int q,
                      const gplvm_kernel *k, double noise, int want_grad,
                      double *loglik, double *gX, double *gZ, double *gpar,
                      double *gnoise, double *jitter, int *retries)
{
    const char uplo = 'L', trans = 'T';
    int npar = gplvm_kernel_check(k, q), info, status;
    if (npar < 0) return GPLVM_LAPACK;
    int *map = (int *) R_alloc(npar > 0 ? npar : 1, sizeof(int));
    double s2, rel, one = 1.0, zero = 0.0;
    gplvm_kernel kf;
    int nf = gplvm_strip_white(k, npar, &kf, map, &s2);
    s2 += noise;
    if (kf.nparts < 1 || s2 <= 0.0) return GPLVM_LAPACK;

    /* the factor Lz of Kzz, and V = Kxz Lz^-T */
    double *Lz = (double *) R_alloc((size_t) m * m, sizeof(double));
    status = gplvm_sparse_factor(&kf, Z, m, q, Lz, jitter, &rel, retries);
    if (status != GPLVM_OK) return status;

    double *V = (double *) R_alloc((size_t) n * m, sizeof(double));
    gplvm_kernel_cross(&kf, X, n, Z, m, q, V);
    if (!gplvm_all_finite(V, (size_t) n * m)) return GPLVM_NONFINITE;
    gplvm_trsolve('R', 'T', n, m, Lz, m, 1.0, V);

    /* kd, Q_ii, lambda */
    double *kd = (double *) R_alloc(n, sizeof(double));
    double *qd = (double *) R_alloc(n, sizeof(double));
    double *beta = (double *) R_alloc(n, sizeof(double));
    double logdet = 0.0;
    gplvm_kernel_diag(&kf, X, n, q, kd);
    for (int i = 0; i < n; i++) qd[i] = 0.0;
    for (int j = 0; j < m; j++)
        for (int i = 0; i < n; i++)
            qd[i] += V[i + (size_t) j * n] * V[i + (size_t) j * n];
    for (int i = 0; i < n; i++) {
        double lam = s2 + (kd[i] - qd[i]);
        if (!R_FINITE(lam)) return GPLVM_NONFINITE;
        if (lam <= 0.0) return GPLVM_FITC_LAMBDA;
        beta[i] = 1.0 / lam;
        logdet += log(lam);
    }

    /* A = I + V' diag(beta) V = La La' */
    double *U = (double *) R_alloc((size_t) n * m, sizeof(double));
    double *La = (double *) R_alloc((size_t) m * m, sizeof(double));
    for (int j = 0; j < m; j++)
        for (int i = 0; i < n; i++)
            U[i + (size_t) j * n] = V[i + (size_t) j * n] * sqrt(beta[i]);
    F77_CALL(dsyrk)(&uplo, &trans, &m, &n, &one, U, &n, &zero, La, &m
                    FCONE FCONE);
    for (int i = 0; i < m; i++) La[i + (size_t) i * m] += 1.0;
    F77_CALL(dpotrf)(&uplo, &m, La, &m, &info FCONE);
    if (info > 0) return GPLVM_SPARSE_INNER;
    if (info < 0) return GPLVM_LAPACK;
    for (int i = 0; i < m; i++) logdet += 2.0 * log(La[i + (size_t) i * m]);

    /* e = La^-1 V' diag(beta) Y;  quad = sum(beta Y^2) - |e|^2 */
    double *Yb = (double *) R_alloc((size_t) n * d, sizeof(double));
    double *e = (double *) R_alloc((size_t) m * d, sizeof(double));
    double quad = 0.0;
    for (int c = 0; c < d; c++)
        for (int i = 0; i < n; i++) {
            size_t ic = i + (size_t) c * n;
            Yb[ic] = beta[i] * Y[ic];
            quad += Yb[ic] * Y[ic];
        }
    gplvm_gemm('T', 'N', m, d, n, 1.0, V, n, Yb, n, 0.0, e);
    gplvm_trsolve('L', 'N', m, d, La, m, 1.0, e);
    for (size_t i = 0; i < (size_t) m * d; i++) quad -= e[i] * e[i];

    *loglik = -0.5 * n * ndim * log(2.0 * M_PI) - 0.5 * ndim * logdet -
        0.5 * quad;
    if (!R_FINITE(*loglik)) return GPLVM_NONFINITE;
    if (!want_grad) return GPLVM_OK;

    /* a = S^-1 Y = diag(beta) (Y - V A^-1 V' diag(beta) Y) */
    double *a = (double *) R_alloc((size_t) n * d, sizeof(double));
    gplvm_trsolve('L', 'T', m, d, La, m, 1.0, e);
    gplvm_gemm('N', 'N', n, d, m, 1.0, V, n, e, m, 0.0, a);
    for (int c = 0; c < d; c++)
        for (int i = 0; i < n; i++) {
            size_t ic = i + (size_t) c * n;
            a[ic] = beta[i] * (Y[ic] - a[ic]);
        }

    /* G_ii = 1/2 (|a_i|^2 - D (S^-1)_ii), (S^-1)_ii = beta_i - beta_i^2 |U_i|^2
     * with U = V La^-T; then U <- V A^-1. */
    double *Gd = (double *) R_alloc(n, sizeof(double));
    double *u2 = qd;   /* Q_ii is no longer needed */
    for (size_t i = 0; i < (size_t) n * m; i++) U[i] = V[i];
    gplvm_trsolve('R', 'T', n, m, La, m, 1.0, U);
    for (int i = 0; i < n; i++) u2[i] = 0.0;
    for (int j = 0; j < m; j++)
        for (int i = 0; i < n; i++)
            u2[i] += U[i + (size_t) j * n] * U[i + (size_t) j * n];
    *gnoise = 0.0;
    for (int i = 0; i < n; i++) {
        double aa = 0.0;
        for (int c = 0; c < d; c++) {
            double t = a[i + (size_t) c * n];
            aa += t * t;
        }
        Gd[i] = 0.5 * (aa - ndim * (beta[i] - beta[i] * beta[i] * u2[i]));
        *gnoise += Gd[i];
    }
    gplvm_trsolve('R', 'N', n, m, La, m, 1.0, U);

    /* H = G V + diag(c) V
     *   = -D/2 diag(beta) V A^-1 + 1/2 a (V' a)' + diag(c) V */
    double *Va = (double *) R_alloc((size_t) m * d, sizeof(double));
    double *gd = kd;   /* dL/dkd, overwrites kd (no longer needed) */
    gplvm_gemm('T', 'N', m, d, n, 1.0, V, n, a, n, 0.0, Va);
    for (int i = 0; i < n; i++) {
        double c = -Gd[i];
        double sb = -0.5 * ndim * beta[i];
        for (int j = 0; j < m; j++) {
            size_t ij = i + (size_t) j * n;
            U[ij] = sb * U[ij] + c * V[ij];
        }
        gd[i] = Gd[i];
    }
    gplvm_gemm('N', 'T', n, m, d, 0.5, a, n, Va, m, 1.0, U);

    /* dL/dKzz = -Lz^-T sym(V' H) Lz^-1, plus the jitter's dependence on the
     * mean diagonal; dL/dKxz = 2 H Lz^-1 (in U) */
    double *Wz = La;   /* La is no longer needed */
    gplvm_gemm('T', 'N', m, m, n, 1.0, V, n, U, n, 0.0, Wz);
    gplvm_symmetrise(Wz, m);
    gplvm_trsolve('L', 'T', m, m, Lz, m, -1.0, Wz);
    gplvm_trsolve('R', 'N', m, m, Lz, m, 1.0, Wz);
    double trW = 0.0;
    for (int i = 0; i < m; i++) trW += Wz[i + (size_t) i * m];
    for (int i = 0; i < m; i++) Wz[i + (size_t) i * m] += rel * trW / m;
    gplvm_trsolve('R', 'N', n, m, Lz, m, 2.0, U);

    /* contractions against the kernel derivatives */
    double *gf = (double *) R_alloc(nf > 0 ? nf : 1, sizeof(double));
    for (int i = 0; i < nf; i++) gf[i] = 0.0;
    for (size_t i = 0; i < (size_t) n * q; i++) gX[i] = 0.0;
    for (size_t i = 0; i < (size_t) m * q; i++) gZ[i] = 0.0;
    gplvm_kernel_grad_cross(&kf, X, n, Z, m, q, U, gX, gZ, gf);
    double trace_z;
    gplvm_kernel_grad(&kf, Z, m, q, Wz, 0, gZ, gf, &trace_z, 1);
    gplvm_kernel_grad_diag(&kf, X, n, q, gd, gX, gf);
    gplvm_unstrip_grad(k, nf, map, gf, *gnoise, gpar);

    if (!gplvm_all_finite(gX, (size_t) n * q) ||
        !gplvm_all_finite(gZ, (size_t) m * q) ||
        !gplvm_all_finite(gpar, npar) || !R_FINITE(*gnoise))
        return GPLVM_NONFINITE;
    return GPLVM_OK;
}
