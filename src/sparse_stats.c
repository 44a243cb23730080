/* The VFE and DTC bounds of the sparse GP-LVM from sums over data points,
 * chunk by chunk (the model is in src/sparse.c).  With Kzz = Lz Lz'
 * (gplvm_sparse_factor) and lambda = s2 for every point, the bound depends
 * on the data only through the sums over rows
 *   psi0 = sum_n k(x_n, x_n),  Phi = V'V (M x M),  c = V'Y (M x D),
 *   yy = sum(Y^2) and N,   with V = Kxz Lz^-T,
 * so one evaluation is
 *   pass 1 (gplvm_sparse_stats): each chunk of rows adds its share;
 *   global (gplvm_sparse_global): the bound and its derivatives in the
 *     statistics, in Kzz and in s2, O(M^3 + M^2 D);
 *   pass 2 (gplvm_sparse_grad): each chunk's
 *     dL/dKxz_c = (Y_c Gc' + 2 V_c GP) Lz^-1 = Y_c C' + 2 V_c B,
 *     contracted into its rows' dL/dX and its share of dL/dZ and dL/dtheta.
 * Both passes work on the whitened V_c = Kxz_c Lz^-T rather than on Kxz:
 * forming Kxz'Kxz and whitening that, or multiplying Kxz by
 * Lz^-T GP Lz^-1, would lose digits in proportion to the condition number
 * of Kzz (1e-4 relative in dL/dZ with 100 inducing inputs in 2-D), the
 * whitened form to its square root.  V is kept with Kxz between the
 * passes when `store` allows.
 * The chunks live in one process (gplvm_sparse_chunked) or on the workers
 * of a cluster (R/cluster.R).
 *
 * Global step, with A = I + Phi / s2 = La La', E = A^-1 c:
 *   L = -N D/2 log(2 pi) - D/2 (N log s2 + log|A|) - yy / (2 s2)
 *       + tr(c' E) / (2 s2^2) [- D / (2 s2) (psi0 - tr Phi)]   ([.]: VFE)
 *   dL/dPhi = GP = -D / (2 s2) A^-1 - E E' / (2 s2^3) [+ D / (2 s2) I],
 *   dL/dc = Gc = E / s2^2,  B = GP Lz^-1,  C = Lz^-T Gc,
 *   dL/dKzz = -1/2 Lz^-T sym(2 Phi GP + c Gc') Lz^-1 (Phi and c move with
 *     Lz^-1; the bound depends on Kzz, not on the choice of its root),
 *   dL/ds2 = -N D / (2 s2) + D tr(A^-1 Phi) / (2 s2^2) + yy / (2 s2^2)
 *       - tr(c' E) / s2^3 + tr(E' Phi E) / (2 s2^4)
 *       [+ D (psi0 - tr Phi) / (2 s2^2)],
 *   dL/dpsi0 = g0 = -D / (2 s2) (VFE) or 0 (DTC).
 *
 * FITC: lambda_i = s2 + kd_i - |v_i|^2 (v_i: row i of V) needs only row
 * i and Lz, so the same passes serve with row i weighted by
 * beta_i = 1 / lambda_i:
 *   Phi = V' diag(beta) V,  c = V' diag(beta) Y,  yy = sum beta_i |y_i|^2,
 *   loglam = sum log lambda_i,
 * and the global step is DTC's with s2 = 1 and loglam for N log s2
 * (gplvm_fitc_global).  In pass 2 beta_i moves with v_i and kd_i:
 *   dL/dbeta_i = v_i' GP v_i + v_i' Gc y_i + D lambda_i / 2 - |y_i|^2 / 2,
 *   h_i = dL/dlambda_i = -beta_i^2 dL/dbeta_i (= dL/dkd_i; dL/ds2 = sum h),
 *   dL/dKxz_c = diag(beta) (Y_c C' + 2 V_c B) - 2 diag(h) V_c Lz^-1,
 * where v_i' GP v_i and v_i' Gc y_i are the row sums of Kxz_c .* V_c B
 * and Kxz_c .* Y_c C'; and dL/dKzz gains Lz^-T (V' diag(h) V) Lz^-1 (plus
 * its jitter part), which pass 2 adds from its rows' sum.
 */
#include "gplvm.h"
#include <math.h>
#include <string.h>

/* For a kernel of one radial part whose cache is f itself (RBF), Kxz =
 * v f is its own cache once dL/dKxz is divided by v: returns v, and 0 for
 * any other kernel, which keeps a separate cache (radial) or none. */
static double self_cache(const gplvm_kernel *kf)
{
    const gplvm_kernel_def *def = gplvm_part_def(kf, 0);
    return kf->nparts == 1 && def->family == GPLVM_RADIAL &&
        def->value_is_cache ? kf->par[0] : 0.0;
}

/* Whether kf needs a cache apart from Kxz. */
static int has_cache(const gplvm_kernel *kf)
{
    if (self_cache(kf) != 0.0) return 0;
    for (int p = 0; p < kf->nparts; p++)
        if (gplvm_part_def(kf, p)->family == GPLVM_RADIAL) return 1;
    return 0;
}

size_t gplvm_sparse_store_len(const gplvm_kernel *kf, int n, int m)
{
    return (size_t) n * m * (2 + has_cache(kf));
}

/* Rows i0 .. i0+nc-1 of X (ld n) as an nc x q matrix. */
static double *chunk_rows(const double *X, int n, int q, int i0, int nc)
{
    double *Xc = (double *) R_alloc((size_t) nc * q, sizeof(double));
    for (int c = 0; c < q; c++)
        memcpy(Xc + (size_t) c * nc, X + i0 + (size_t) c * n,
               (size_t) nc * sizeof(double));
    return Xc;
}

/* Kxz (nc x m) of one chunk, V = Kxz Lz^-T and Kxz's cache, at their
 * place in `store` (chunk after chunk: Kxz_c at i0 m, V_c at n m + i0 m,
 * the cache at 2 n m + i0 m) or in fresh workspace when store is NULL.
 * compute: fill K and its cache (else they are in the store already). */
static int chunk_kernel(const gplvm_kernel *kf, const double *Xc, int nc,
                        int n, int i0, const double *Z, int m, int q,
                        double *store, int compute, double **K, double **V,
                        double **cache)
{
    int cached = has_cache(kf);
    double v = self_cache(kf);
    size_t nm = (size_t) n * m, at = (size_t) i0 * m;
    if (store) {
        *K = store + at;
        *V = store + nm + at;
        *cache = cached ? store + 2 * nm + at : NULL;
    } else {
        *K = (double *) R_alloc((size_t) nc * m, sizeof(double));
        *V = (double *) R_alloc((size_t) nc * m, sizeof(double));
        *cache = cached ? (double *) R_alloc((size_t) nc * m, sizeof(double))
            : NULL;
    }
    if (v != 0.0) *cache = *K;
    if (!compute) return GPLVM_OK;
    gplvm_kernel_cross_cached(kf, Xc, nc, Z, m, q, *K, v != 0.0 ? NULL :
                              *cache);
    return gplvm_all_finite(*K, (size_t) nc * m) ? GPLVM_OK : GPLVM_NONFINITE;
}

/* FITC's beta_i = 1 / lambda_i of a chunk (nc rows) from kd_i and V_c;
 * adds sum log lambda_i to *loglam unless NULL. */
static int fitc_beta(const gplvm_fitc_rows *fitc, const double *kd,
                     const double *V, int nc, int m, double *beta,
                     double *loglam)
{
    for (int i = 0; i < nc; i++) beta[i] = 0.0;
    for (int j = 0; j < m; j++)
        for (int i = 0; i < nc; i++)
            beta[i] += V[i + (size_t) j * nc] * V[i + (size_t) j * nc];
    for (int i = 0; i < nc; i++) {
        double lam = fitc->s2 + (kd[i] - beta[i]);
        if (!R_FINITE(lam)) return GPLVM_NONFINITE;
        if (lam <= 0.0) return GPLVM_FITC_LAMBDA;
        beta[i] = 1.0 / lam;
        if (loglam) *loglam += log(lam);
    }
    return GPLVM_OK;
}

/* Pass 1's FITC weights: Vb = diag(beta)^1/2 V_c and Yb = diag(beta)^1/2
 * Y_c (Y_c with leading dimension ldy), adding sum beta_i |y_i|^2 to *yy
 * and sum log lambda_i to fitc->loglam; beta is nc workspace. */
static int fitc_weigh(gplvm_fitc_rows *fitc, const double *kd,
                      const double *V, const double *Yc, int ldy, int nc,
                      int m, int d, double *beta, double *Vb, double *Yb,
                      double *yy)
{
    int status = fitc_beta(fitc, kd, V, nc, m, beta, &fitc->loglam);
    if (status != GPLVM_OK) return status;
    for (int i = 0; i < nc; i++) beta[i] = sqrt(beta[i]);
    for (int j = 0; j < m; j++)
        for (int i = 0; i < nc; i++)
            Vb[i + (size_t) j * nc] = beta[i] * V[i + (size_t) j * nc];
    for (int j = 0; j < d; j++)
        for (int i = 0; i < nc; i++) {
            double y = beta[i] * Yc[i + (size_t) j * ldy];
            Yb[i + (size_t) j * nc] = y;
            *yy += y * y;
        }
    return GPLVM_OK;
}

/* Sum over columns of A .* B (nc x m each) for each row, times s. */
static void row_dots(const double *A, const double *B, int nc, int m,
                     double s, double *out)
{
    for (int i = 0; i < nc; i++) out[i] = 0.0;
    for (int j = 0; j < m; j++)
        for (int i = 0; i < nc; i++)
            out[i] += A[i + (size_t) j * nc] * B[i + (size_t) j * nc];
    for (int i = 0; i < nc; i++) out[i] *= s;
}

/* V = K Lz^-T (nc x m). */
static void whiten(const double *K, int nc, int m, const double *Lz,
                   double *V)
{
    memcpy(V, K, (size_t) nc * m * sizeof(double));
    gplvm_trsolve('R', 'T', nc, m, Lz, m, 1.0, V);
}

int gplvm_sparse_factor(const gplvm_kernel *kf, const double *Z, int m,
                        int q, double *Lz, double *jitter, double *rel,
                        int *retries)
{
    double *Kzz = (double *) R_alloc((size_t) m * m, sizeof(double));
    gplvm_kernel_sym(kf, Z, m, q, Kzz);
    gplvm_zero_upper(Kzz, m);
    if (!gplvm_all_finite(Kzz, (size_t) m * m)) return GPLVM_NONFINITE;
    *rel = 0.0;
    int status = gplvm_factor_kzz(Kzz, m, Lz, jitter, rel, retries);
    gplvm_zero_upper(Lz, m);
    return status;
}

int gplvm_sparse_stats(const gplvm_kernel *kf, const double *Y, int n, int d,
                       const double *X, const double *Z, int m, int q,
                       const double *Lz, int chunk, double *store,
                       gplvm_fitc_rows *fitc, double *psi0, double *yy,
                       double *Phi, double *c, double *phase)
{
    const char uplo = 'L', trans = 'T';
    double one = 1.0;
    if (chunk < 1) chunk = 1;
    int len = chunk < n ? chunk : n;
    double *kd = (double *) R_alloc(len, sizeof(double));
    double *beta = NULL, *Vb = NULL, *Yb = NULL;
    if (fitc) {
        beta = (double *) R_alloc(len, sizeof(double));
        Vb = (double *) R_alloc((size_t) len * m, sizeof(double));
        Yb = (double *) R_alloc((size_t) len * d, sizeof(double));
    } else {
        for (size_t i = 0; i < (size_t) n * d; i++) *yy += Y[i] * Y[i];
    }
    for (int i0 = 0; i0 < n; i0 += chunk) {
        int nc = n - i0 < chunk ? n - i0 : chunk;
        const void *vmax = vmaxget();
        double t0 = phase ? gplvm_wtime() : 0.0, *K, *V, *cache;
        double *Xc = chunk_rows(X, n, q, i0, nc);
        int status = chunk_kernel(kf, Xc, nc, n, i0, Z, m, q, store, 1, &K,
                                  &V, &cache);
        if (status != GPLVM_OK) return status;
        gplvm_kernel_diag(kf, Xc, nc, q, kd);
        for (int i = 0; i < nc; i++) *psi0 += kd[i];
        double t1 = phase ? gplvm_wtime() : 0.0;
        whiten(K, nc, m, Lz, V);
        const double *Vw = V, *Yw = Y + i0;
        int ldy = n;
        if (fitc) {
            status = fitc_weigh(fitc, kd, V, Y + i0, n, nc, m, d, beta, Vb,
                                Yb, yy);
            if (status != GPLVM_OK) return status;
            Vw = Vb;
            Yw = Yb;
            ldy = nc;
        }
        F77_CALL(dsyrk)(&uplo, &trans, &m, &nc, &one, Vw, &nc, &one, Phi, &m
                        FCONE FCONE);
        gplvm_gemm('T', 'N', m, d, nc, 1.0, Vw, nc, Yw, ldy, 1.0, c);
        if (phase) {
            phase[GPLVM_SPH_KERNEL] += t1 - t0;
            phase[GPLVM_SPH_STATS] += gplvm_wtime() - t1;
        }
        vmaxset(vmax);
        R_CheckUserInterrupt();
    }
    /* dsyrk filled the lower triangle */
    for (int j = 0; j < m; j++)
        for (int i = 0; i < j; i++)
            Phi[i + (size_t) j * m] = Phi[j + (size_t) i * m];
    return GPLVM_OK;
}

int gplvm_sparse_global(const gplvm_kernel *kf, const double *Z, int m,
                        int q, int d, double ndim, double s2, int approx,
                        const double *Lz, double rel, double nobs,
                        double psi0, double yy, const double *Phi,
                        const double *c, int want_grad, double *loglik,
                        double *B, double *C, double *g0, double *gnoise,
                        double *gZ, double *gf)
{
    const char uplo = 'L';
    int info, vfe = approx == GPLVM_VFE;
    size_t mm = (size_t) m * m, md = (size_t) m * d;
    double *La = (double *) R_alloc(mm, sizeof(double));
    double trPhi = 0.0;
    for (int i = 0; i < m; i++) trPhi += Phi[i + (size_t) i * m];
    for (size_t i = 0; i < mm; i++) La[i] = Phi[i] / s2;
    for (int i = 0; i < m; i++) La[i + (size_t) i * m] += 1.0;
    F77_CALL(dpotrf)(&uplo, &m, La, &m, &info FCONE);
    if (info > 0) return GPLVM_SPARSE_INNER;
    if (info < 0) return GPLVM_LAPACK;

    /* E = A^-1 c, through e = La^-1 c */
    double *E = (double *) R_alloc(md, sizeof(double));
    double logdetA = 0.0, cE = 0.0;
    for (int i = 0; i < m; i++) logdetA += 2.0 * log(La[i + (size_t) i * m]);
    memcpy(E, c, md * sizeof(double));
    gplvm_trsolve('L', 'N', m, d, La, m, 1.0, E);
    for (size_t i = 0; i < md; i++) cE += E[i] * E[i];
    double trace = psi0 - trPhi;
    *loglik = -0.5 * nobs * ndim * log(2.0 * M_PI) -
        0.5 * ndim * (nobs * log(s2) + logdetA) - 0.5 * yy / s2 +
        0.5 * cE / (s2 * s2);
    if (vfe) *loglik -= 0.5 * ndim * trace / s2;
    if (!R_FINITE(*loglik)) return GPLVM_NONFINITE;
    if (!want_grad) return GPLVM_OK;
    gplvm_trsolve('L', 'T', m, d, La, m, 1.0, E);

    /* GP in B, Gc in C; A^-1 from La */
    double *Ai = La;
    F77_CALL(dpotri)(&uplo, &m, Ai, &m, &info FCONE);
    if (info != 0) return info > 0 ? GPLVM_SPARSE_INNER : GPLVM_LAPACK;
    for (int j = 0; j < m; j++)
        for (int i = 0; i < j; i++)
            Ai[i + (size_t) j * m] = Ai[j + (size_t) i * m];
    double s3 = s2 * s2 * s2, trAiPhi = 0.0, tEPhiE = 0.0;
    for (size_t i = 0; i < mm; i++) trAiPhi += Ai[i] * Phi[i];
    for (size_t i = 0; i < mm; i++) B[i] = -0.5 * ndim / s2 * Ai[i];
    gplvm_gemm('N', 'T', m, m, d, -0.5 / s3, E, m, E, m, 1.0, B);
    if (vfe)
        for (int i = 0; i < m; i++) B[i + (size_t) i * m] += 0.5 * ndim / s2;
    for (size_t i = 0; i < md; i++) C[i] = E[i] / (s2 * s2);
    double *PE = (double *) R_alloc(md, sizeof(double));
    gplvm_gemm('N', 'N', m, d, m, 1.0, Phi, m, E, m, 0.0, PE);
    for (size_t i = 0; i < md; i++) tEPhiE += E[i] * PE[i];
    double tcE = 0.0;
    for (size_t i = 0; i < md; i++) tcE += c[i] * E[i];
    *gnoise = -0.5 * nobs * ndim / s2 + 0.5 * ndim * trAiPhi / (s2 * s2) +
        0.5 * yy / (s2 * s2) - tcE / s3 + 0.5 * tEPhiE / (s3 * s2);
    if (vfe) *gnoise += 0.5 * ndim * trace / (s2 * s2);
    *g0 = vfe ? -0.5 * ndim / s2 : 0.0;

    /* dL/dKzz = -1/2 Lz^-T sym(2 Phi GP + c Gc') Lz^-1, plus the jitter's
     * dependence on the mean diagonal */
    double *Wz = (double *) R_alloc(mm, sizeof(double));
    gplvm_gemm('N', 'N', m, m, m, 2.0, Phi, m, B, m, 0.0, Wz);
    gplvm_gemm('N', 'T', m, m, d, 1.0, c, m, C, m, 1.0, Wz);
    gplvm_symmetrise(Wz, m);
    gplvm_trsolve('L', 'T', m, m, Lz, m, -0.5, Wz);
    gplvm_trsolve('R', 'N', m, m, Lz, m, 1.0, Wz);
    gplvm_symmetrise(Wz, m);
    double trW = 0.0;
    for (int i = 0; i < m; i++) trW += Wz[i + (size_t) i * m];
    for (int i = 0; i < m; i++) Wz[i + (size_t) i * m] += rel * trW / m;

    /* B = GP Lz^-1, C = Lz^-T Gc */
    gplvm_trsolve('R', 'N', m, m, Lz, m, 1.0, B);
    gplvm_trsolve('L', 'T', m, d, Lz, m, 1.0, C);

    double trace_z;
    gplvm_kernel_grad(kf, Z, m, q, Wz, 0, gZ, gf, &trace_z, 1);
    if (!R_FINITE(*gnoise) || !gplvm_all_finite(B, mm) ||
        !gplvm_all_finite(C, md))
        return GPLVM_NONFINITE;
    return GPLVM_OK;
}

int gplvm_fitc_global(const gplvm_kernel *kf, const double *Z, int m, int q,
                      int d, double ndim, const double *Lz, double rel,
                      double nobs, double loglam, double yy,
                      const double *Phi, const double *c, int want_grad,
                      double *loglik, double *B, double *C, double *gnoise,
                      double *gZ, double *gf)
{
    double g0, gs2;
    int status = gplvm_sparse_global(kf, Z, m, q, d, ndim, 1.0, GPLVM_DTC,
                                     Lz, rel, nobs, 0.0, yy, Phi, c,
                                     want_grad, loglik, B, C, &g0, &gs2, gZ,
                                     gf);
    *gnoise = 0.0;
    if (status != GPLVM_OK) return status;
    *loglik -= 0.5 * ndim * loglam;
    return R_FINITE(*loglik) ? GPLVM_OK : GPLVM_NONFINITE;
}

/* Pass 2's FITC part for one chunk (formulas at the top).  On entry W
 * holds a (Y_c C' + 2 V_c B) and r the row sums of Kxz_c .* a Y_c C';
 * turns W into a dL/dKxz_c and r into dL/dkd, and adds the chunk's
 * dL/ds2 to fitc->gnoise and V_c' diag(h) V_c to Psi.  kd, beta: nc
 * and U: nc x m workspace. */
static int fitc_grad_rows(gplvm_fitc_rows *fitc, const gplvm_kernel *kf,
                          const double *Xc, const double *K, const double *V,
                          const double *Yc, int ldy, int nc, int m, int d,
                          int q, const double *Lz, double a, double *W,
                          double *r, double *kd, double *beta, double *U,
                          double *Psi)
{
    gplvm_kernel_diag(kf, Xc, nc, q, kd);
    int status = fitc_beta(fitc, kd, V, nc, m, beta, NULL);
    if (status != GPLVM_OK) return status;
    row_dots(K, W, nc, m, 1.0, kd);  /* kd is no longer needed */
    for (int i = 0; i < nc; i++) {
        double yy = 0.0;
        for (int j = 0; j < d; j++)
            yy += Yc[i + (size_t) j * ldy] * Yc[i + (size_t) j * ldy];
        double db = 0.5 * (kd[i] + r[i]) / a + 0.5 * fitc->ndim / beta[i] -
            0.5 * yy;
        r[i] = -beta[i] * beta[i] * db;
        fitc->gnoise += r[i];
    }
    /* W = diag(beta) W - 2 a diag(h) V_c Lz^-1 */
    memcpy(U, V, (size_t) nc * m * sizeof(double));
    gplvm_trsolve('R', 'N', nc, m, Lz, m, 1.0, U);
    for (int j = 0; j < m; j++)
        for (int i = 0; i < nc; i++) {
            size_t ij = i + (size_t) j * nc;
            W[ij] = beta[i] * W[ij] - 2.0 * a * r[i] * U[ij];
            U[ij] = r[i] * V[ij];
        }
    gplvm_gemm('T', 'N', m, m, nc, 1.0, V, nc, U, nc, 1.0, Psi);
    return GPLVM_OK;
}

/* The part of dL/dKzz that goes through lambda, Lz^-T Psi Lz^-1 with
 * Psi = V' diag(h) V summed over pass 2's rows, and its jitter part,
 * contracted into gZ and gf; Psi is overwritten. */
static void fitc_kzz_grad(const gplvm_kernel *kf, const double *Z, int m,
                          int q, const double *Lz, double rel, double *Psi,
                          double *gZ, double *gf)
{
    gplvm_trsolve('L', 'T', m, m, Lz, m, 1.0, Psi);
    gplvm_trsolve('R', 'N', m, m, Lz, m, 1.0, Psi);
    gplvm_symmetrise(Psi, m);
    double trW = 0.0, trace_z;
    for (int i = 0; i < m; i++) trW += Psi[i + (size_t) i * m];
    for (int i = 0; i < m; i++) Psi[i + (size_t) i * m] += rel * trW / m;
    gplvm_kernel_grad(kf, Z, m, q, Psi, 0, gZ, gf, &trace_z, 1);
}

int gplvm_sparse_grad(const gplvm_kernel *kf, const double *Y, int n, int d,
                      const double *X, const double *Z, int m, int q,
                      const double *Lz, int chunk, const double *B,
                      const double *C, double g0, gplvm_fitc_rows *fitc,
                      double *store, int stored, double *wbuf, double *gX,
                      double *gZ, double *gf, double *phase)
{
    if (chunk < 1) chunk = 1;
    int len = chunk < n ? chunk : n;
    double v = self_cache(kf), a = v != 0.0 ? 1.0 / v : 1.0;
    double *W = wbuf ? wbuf :
        (double *) R_alloc((size_t) len * m, sizeof(double));
    double *gd = (double *) R_alloc(len, sizeof(double));
    double *gXc = (double *) R_alloc((size_t) len * q, sizeof(double));
    double *kd = NULL, *beta = NULL, *U = NULL, *Psi = NULL;
    if (fitc) {
        kd = (double *) R_alloc(len, sizeof(double));
        beta = (double *) R_alloc(len, sizeof(double));
        U = (double *) R_alloc((size_t) len * m, sizeof(double));
        Psi = (double *) R_alloc((size_t) m * m, sizeof(double));
        memset(Psi, 0, (size_t) m * m * sizeof(double));
    }
    for (int i = 0; i < len; i++) gd[i] = g0;
    for (int i0 = 0; i0 < n; i0 += chunk) {
        int nc = n - i0 < chunk ? n - i0 : chunk;
        const void *vmax = vmaxget();
        double t0 = phase ? gplvm_wtime() : 0.0, *K, *V, *cache;
        double *Xc = chunk_rows(X, n, q, i0, nc);
        int status = chunk_kernel(kf, Xc, nc, n, i0, Z, m, q, store, !stored,
                                  &K, &V, &cache);
        if (status != GPLVM_OK) return status;
        if (!stored) whiten(K, nc, m, Lz, V);
        double t1 = phase ? gplvm_wtime() : 0.0;
        /* W = dL/dKxz_c = (Y_c Gc' + 2 V_c GP) Lz^-1 = Y_c C' + 2 V_c B
         * (over v when Kxz is its own cache) */
        gplvm_gemm('N', 'T', nc, m, d, a, Y + i0, n, C, m, 0.0, W);
        if (fitc) row_dots(K, W, nc, m, 1.0, gd);
        gplvm_gemm('N', 'N', nc, m, m, 2.0 * a, V, nc, B, m, 1.0, W);
        if (fitc) {
            status = fitc_grad_rows(fitc, kf, Xc, K, V, Y + i0, n, nc, m, d,
                                    q, Lz, a, W, gd, kd, beta, U, Psi);
            if (status != GPLVM_OK) return status;
        }
        double t2 = phase ? gplvm_wtime() : 0.0;
        memset(gXc, 0, (size_t) nc * q * sizeof(double));
        gplvm_kernel_grad_cross_cached(kf, Xc, nc, Z, m, q, W, cache, gXc,
                                       gZ, gf);
        if (fitc || g0 != 0.0)
            gplvm_kernel_grad_diag(kf, Xc, nc, q, gd, gXc, gf);
        for (int c = 0; c < q; c++)
            memcpy(gX + i0 + (size_t) c * n, gXc + (size_t) c * nc,
                   (size_t) nc * sizeof(double));
        if (phase) {
            phase[GPLVM_SPH_KERNEL] += t1 - t0;
            phase[GPLVM_SPH_DLDK] += t2 - t1;
            phase[GPLVM_SPH_CONTRACT] += gplvm_wtime() - t2;
        }
        vmaxset(vmax);
        R_CheckUserInterrupt();
    }
    if (fitc) fitc_kzz_grad(kf, Z, m, q, Lz, fitc->rel, Psi, gZ, gf);
    if (!gplvm_all_finite(gX, (size_t) n * q) || (fitc &&
        !R_FINITE(fitc->gnoise)))
        return GPLVM_NONFINITE;
    return GPLVM_OK;
}

size_t gplvm_sparse_work_len(int n, int m, int chunk, int store)
{
    int len = chunk < 1 ? 1 : chunk < n ? chunk : n;
    return (store ? (size_t) n * m * 3 : 0) + (size_t) len * m;
}

int gplvm_sparse_chunked(const double *Y, int n, int d, double ndim,
                         const double *X, const double *Z, int m, int q,
                         const gplvm_kernel *k, double noise, int approx,
                         int want_grad, int chunk, int store, double *work,
                         double *loglik, double *gX, double *gZ,
                         double *gpar, double *gnoise, double *jitter,
                         int *retries, double *phase)
{
    int npar = gplvm_kernel_check(k, q), status;
    int *map = (int *) R_alloc(npar > 0 ? npar : 1, sizeof(int));
    double s2;
    gplvm_kernel kf;
    if (npar < 0) return GPLVM_LAPACK;
    int nf = gplvm_strip_white(k, npar, &kf, map, &s2);
    s2 += noise;
    if (kf.nparts < 1 || s2 <= 0.0) return GPLVM_LAPACK;

    size_t mm = (size_t) m * m, md = (size_t) m * d;
    double *Lz = (double *) R_alloc(mm, sizeof(double));
    double *Phi = (double *) R_alloc(mm, sizeof(double));
    double *c = (double *) R_alloc(md, sizeof(double));
    double *B = (double *) R_alloc(mm, sizeof(double));
    double *C = (double *) R_alloc(md, sizeof(double));
    double *gf = (double *) R_alloc(nf > 0 ? nf : 1, sizeof(double));
    double *kstore = NULL;
    double psi0 = 0.0, yy = 0.0, g0 = 0.0, rel;
    gplvm_fitc_rows rows = {s2, ndim, 0.0, 0.0, 0.0};
    gplvm_fitc_rows *fitc = approx == GPLVM_FITC ? &rows : NULL;
    memset(Phi, 0, mm * sizeof(double));
    memset(c, 0, md * sizeof(double));
    double t0 = phase ? gplvm_wtime() : 0.0;
    status = gplvm_sparse_factor(&kf, Z, m, q, Lz, jitter, &rel, retries);
    if (phase) phase[GPLVM_SPH_GLOBAL] += gplvm_wtime() - t0;
    if (status != GPLVM_OK) return status;
    rows.rel = rel;
    /* with store, the store fits the first 3 n m doubles of work and
     * dL/dKxz_c follows; without, work is dL/dKxz_c alone */
    if (want_grad && store)
        kstore = work ? work : (double *)
            R_alloc(gplvm_sparse_store_len(&kf, n, m), sizeof(double));
    status = gplvm_sparse_stats(&kf, Y, n, d, X, Z, m, q, Lz, chunk, kstore,
                                fitc, &psi0, &yy, Phi, c, phase);
    if (status != GPLVM_OK) return status;

    t0 = phase ? gplvm_wtime() : 0.0;
    memset(gf, 0, (size_t) (nf > 0 ? nf : 1) * sizeof(double));
    if (want_grad) memset(gZ, 0, (size_t) m * q * sizeof(double));
    status = fitc ?
        gplvm_fitc_global(&kf, Z, m, q, d, ndim, Lz, rel, n, rows.loglam,
                          yy, Phi, c, want_grad, loglik, B, C, gnoise, gZ,
                          gf) :
        gplvm_sparse_global(&kf, Z, m, q, d, ndim, s2, approx, Lz, rel, n,
                            psi0, yy, Phi, c, want_grad, loglik, B, C, &g0,
                            gnoise, gZ, gf);
    if (phase) phase[GPLVM_SPH_GLOBAL] += gplvm_wtime() - t0;
    if (status != GPLVM_OK || !want_grad) return status;

    status = gplvm_sparse_grad(&kf, Y, n, d, X, Z, m, q, Lz, chunk, B, C,
                               g0, fitc, kstore, kstore != NULL,
                               work ? work + (kstore ? (size_t) n * m * 3 : 0)
                               : NULL, gX,
                               gZ, gf, phase);
    if (status != GPLVM_OK) return status;
    if (fitc) *gnoise = rows.gnoise;
    gplvm_unstrip_grad(k, nf, map, gf, *gnoise, gpar);
    if (!gplvm_all_finite(gZ, (size_t) m * q) || !gplvm_all_finite(gpar, npar))
        return GPLVM_NONFINITE;
    return GPLVM_OK;
}
