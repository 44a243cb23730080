/* The Bayesian GP-LVM bound (Titsias and Lawrence 2010) and its gradient.
 *
 * q(X) = prod_n N(mu_n, diag S_n), inducing inputs Z (m x q),
 * Kzz = k(Z, Z) + j I (jitter as in src/sparse.c), beta = 1 / s2 where s2
 * is the noise plus the variances of the white parts (white acts as
 * noise, as in the sparse model), and the psi-statistics of src/psi.c:
 *   F = -N D/2 log 2 pi + N D/2 log beta - D/2 log|A| + D/2 log|Kzz|
 *       - beta/2 tr(Y Y') + beta^2/2 tr(Y' Psi1 A^-1 Psi1' Y)
 *       - D beta/2 psi0 + D beta/2 tr(Kzz^-1 Psi2) - KL(q(X) || N(0, I)),
 *   A = Kzz + beta Psi2,  KL = 1/2 sum (mu^2 + S - log S - 1).
 * In whitened form, Kzz = L L', P2 = L^-1 Psi2 L^-T, B = I + beta P2 =
 * Lb Lb', c = Lb^-1 L^-1 Psi1' Y:
 *   F = ... - D sum log diag Lb + beta^2/2 |c|^2 + D beta/2 tr(P2) - ...
 * Gradient, with E = Lb^-T c (m x D):
 *   dF/dpsi0 = -D beta / 2,  dF/dPsi1 = beta^2 Y E' L^-1,
 *   dF/dPsi2 = L^-T (D beta/2 (I - B^-1) - beta^3/2 E E') L^-1,
 *   dF/dKzz  = L^-T (D I - D/2 (B + B^-1) - beta^2/2 E E') L^-1,
 * then the psi-statistics' and the kernel's contractions.  Time
 * O(N M^2 Q + N M D + M^3), memory O(N M + N D + M^2).
 *
 * The data enter only through sums over rows, so the evaluation is three
 * steps, which the workers of a cluster (R/cluster.R) and the master take
 * apart and gplvm_bayes_engine takes in turn: (1) per rows, psi0, Psi2,
 * Psi1'Y, tr(Y Y') and KL; (2) global, the bound and the weights of the
 * gradient (beta, g0 = dF/dpsi0, L, E, W2 = dF/dPsi2, WK = dF/dKzz);
 * (3) per rows, the gradient in mu, S and (their share of) Z and the
 * kernel through dF/dPsi1 = beta^2 Y E' L^-1.
 */
#include "gplvm.h"
#include <math.h>
#include <string.h>

#define MAX_B_TRIES 6
/* 10 MB at n = 1000, m = 50; a pass computes the values again above */
#define PSI_CACHE_BYTES ((size_t) 128 << 20)

/* L^-T X L^-1 in place (X m x m). */
static void unwhiten(const double *L, int m, double *X)
{
    gplvm_trsolve('L', 'T', m, m, L, m, 1.0, X);
    gplvm_trsolve('R', 'N', m, m, L, m, 1.0, X);
}

int gplvm_bayes_stats(const gplvm_kernel *kf, const double *Y, int n, int d,
                      const double *mu, const double *S, const double *Z,
                      int m, int q, int nthreads, double *Psi1, double *psi0,
                      double *Psi2, double *PY, double *yy, double *kl,
                      double *cache)
{
    size_t nm = (size_t) n * m;
    gplvm_psi_stats(kf, mu, S, n, Z, m, q, psi0, Psi1, Psi2, nthreads,
                    cache);
    if (!R_FINITE(*psi0) || !gplvm_all_finite(Psi1, nm) ||
        !gplvm_all_finite(Psi2, (size_t) m * m))
        return GPLVM_NONFINITE;
    gplvm_gemm('T', 'N', m, d, n, 1.0, Psi1, n, Y, n, 0.0, PY);
    *yy = 0.0;
    *kl = 0.0;
    for (size_t i = 0; i < (size_t) n * d; i++) *yy += Y[i] * Y[i];
    for (size_t i = 0; i < (size_t) n * q; i++)
        *kl += 0.5 * (mu[i] * mu[i] + S[i] - log(S[i]) - 1.0);
    return GPLVM_OK;
}

int gplvm_bayes_global(const gplvm_kernel *kf, const double *Z, int m,
                       int q, double s2, double ndim, double n, int d,
                       double psi0, const double *Psi2, const double *PY,
                       double yy, double kl, int want_grad, double *bound,
                       gplvm_bayes_weights *w, double *gnoise,
                       double *jitter, int *retries)
{
    const char uplo = 'L';
    int info, status;
    if (!(s2 > 0.0)) return GPLVM_LAPACK;
    double beta = 1.0 / s2, rel;
    size_t mm = (size_t) m * m, md = (size_t) m * d;
    w->beta = beta;
    w->g0 = -0.5 * ndim * beta;

    /* Kzz = L L'; Psi2 whitened, P2 = L^-1 Psi2 L^-T; B = I + beta P2 =
     * Lb Lb'.  Lb comes from the factor of A = Kzz + beta Psi2 = La La' as
     * Lb = L^-1 La: forming B first would lose definiteness to rounding
     * when Kzz is ill-conditioned and beta large.  Should A fail, the
     * jitter on Kzz grows tenfold (it is part of the bound, so the
     * gradient stays exact). */
    double *Kzz = (double *) R_alloc(mm, sizeof(double));
    double *L = w->L;
    gplvm_kernel_sym(kf, Z, m, q, Kzz);
    gplvm_zero_upper(Kzz, m);
    if (!gplvm_all_finite(Kzz, mm)) return GPLVM_NONFINITE;
    double *P2 = (double *) R_alloc(mm, sizeof(double));
    double *Lb = (double *) R_alloc(mm, sizeof(double));
    rel = 0.0;
    *retries = 0;
    for (int tries = 0;; tries++) {
        int kretries;
        status = gplvm_factor_kzz(Kzz, m, L, jitter, &rel, &kretries);
        *retries += kretries;
        if (status != GPLVM_OK) return status;
        for (size_t i = 0; i < mm; i++) Lb[i] = Kzz[i] + beta * Psi2[i];
        for (int i = 0; i < m; i++) Lb[i + (size_t) i * m] += *jitter;
        F77_CALL(dpotrf)(&uplo, &m, Lb, &m, &info FCONE);
        if (info < 0) return GPLVM_LAPACK;
        if (info == 0) {
            gplvm_zero_upper(Lb, m);
            gplvm_trsolve('L', 'N', m, m, L, m, 1.0, Lb);
            memcpy(P2, Psi2, mm * sizeof(double));
            gplvm_trsolve('L', 'N', m, m, L, m, 1.0, P2);
            gplvm_trsolve('R', 'T', m, m, L, m, 1.0, P2);
            break;
        }
        if (tries >= MAX_B_TRIES) return GPLVM_NOT_PD;
        rel *= 10.0;
        (*retries)++;
    }
    double trP2 = 0.0;
    for (int i = 0; i < m; i++) trP2 += P2[i + (size_t) i * m];
    double *c = w->E;
    memcpy(c, PY, md * sizeof(double));
    gplvm_trsolve('L', 'N', m, d, L, m, 1.0, c);
    gplvm_trsolve('L', 'N', m, d, Lb, m, 1.0, c);

    double logdet = 0.0, cc = 0.0;
    for (int i = 0; i < m; i++) logdet += log(Lb[i + (size_t) i * m]);
    for (size_t i = 0; i < md; i++) cc += c[i] * c[i];
    *bound = -0.5 * n * ndim * log(2.0 * M_PI) + 0.5 * n * ndim * log(beta)
        - ndim * logdet - 0.5 * beta * yy + 0.5 * beta * beta * cc
        - 0.5 * ndim * beta * psi0 + 0.5 * ndim * beta * trP2 - kl;
    if (!R_FINITE(*bound)) return GPLVM_NONFINITE;
    if (!want_grad) return GPLVM_OK;

    /* E = Lb^-T c;  Binv = B^-1 */
    gplvm_trsolve('L', 'T', m, d, Lb, m, 1.0, c);
    double *E = c;
    double *Binv = (double *) R_alloc(mm, sizeof(double));
    memcpy(Binv, Lb, mm * sizeof(double));
    F77_CALL(dpotri)(&uplo, &m, Binv, &m, &info FCONE);
    if (info != 0) return info > 0 ? GPLVM_NOT_PD : GPLVM_LAPACK;
    for (int j = 0; j < m; j++)
        for (int i = 0; i < j; i++)
            Binv[i + (size_t) j * m] = Binv[j + (size_t) i * m];

    double *EE = (double *) R_alloc(mm, sizeof(double));
    gplvm_gemm('N', 'T', m, m, d, 1.0, E, m, E, m, 0.0, EE);
    /* dF/dbeta */
    double trBP = 0.0, tEPE = 0.0;
    for (size_t i = 0; i < mm; i++) {
        trBP += Binv[i] * P2[i];
        tEPE += EE[i] * P2[i];
    }
    double gbeta = 0.5 * n * ndim / beta - 0.5 * ndim * trBP - 0.5 * yy +
        beta * cc - 0.5 * beta * beta * tEPE - 0.5 * ndim * psi0 +
        0.5 * ndim * trP2;
    *gnoise = -beta * beta * gbeta;
    if (!R_FINITE(*gnoise)) return GPLVM_NONFINITE;

    double *W2 = w->W2, *WK = w->WK;
    for (size_t i = 0; i < mm; i++) {
        double b = beta * P2[i];   /* B - I */
        W2[i] = -0.5 * ndim * beta * Binv[i] - 0.5 * beta * beta * beta * EE[i];
        WK[i] = -0.5 * ndim * (Binv[i] + b) - 0.5 * beta * beta * EE[i];
    }
    for (int i = 0; i < m; i++) {
        W2[i + (size_t) i * m] += 0.5 * ndim * beta;
        WK[i + (size_t) i * m] += 0.5 * ndim;   /* D I - D/2 I from B */
    }
    unwhiten(L, m, W2);
    unwhiten(L, m, WK);
    /* Kzz: symmetric weights, plus the jitter's dependence on the mean
     * diagonal */
    double trW = 0.0;
    gplvm_symmetrise(WK, m);
    for (int i = 0; i < m; i++) trW += WK[i + (size_t) i * m];
    for (int i = 0; i < m; i++) WK[i + (size_t) i * m] += rel * trW / m;
    return GPLVM_OK;
}

int gplvm_bayes_rows_grad(const gplvm_kernel *kf, const double *Y, int n,
                          int d, const double *mu, const double *S,
                          const double *Z, int m, int q,
                          const gplvm_bayes_weights *w, int nthreads,
                          double *W1, double *gmu, double *gS, double *gZ,
                          double *gf, int nf, double *cache)
{
    double beta = w->beta;
    /* W1 = beta^2 Y E' L^-1 */
    gplvm_gemm('N', 'T', n, m, d, beta * beta, Y, n, w->E, m, 0.0, W1);
    gplvm_trsolve('R', 'N', n, m, w->L, m, 1.0, W1);
    for (int i = 0; i < nf; i++) gf[i] = 0.0;
    for (size_t i = 0; i < (size_t) n * q; i++) {
        gmu[i] = -mu[i];
        gS[i] = -0.5 * (1.0 - 1.0 / S[i]);
    }
    for (size_t i = 0; i < (size_t) m * q; i++) gZ[i] = 0.0;
    gplvm_psi_grad(kf, mu, S, n, Z, m, q, w->g0, W1, w->W2, gmu, gS, gZ, gf,
                   nthreads, cache);
    if (!gplvm_all_finite(gmu, (size_t) n * q) ||
        !gplvm_all_finite(gS, (size_t) n * q))
        return GPLVM_NONFINITE;
    return GPLVM_OK;
}

/* The three steps in one process. */
int gplvm_bayes_engine(const double *Y, int n, int d, double ndim,
                       const double *mu, const double *S, const double *Z,
                       int m, int q, const gplvm_kernel *k, double noise,
                       int want_grad, int use_cache, int nthreads,
                       double *bound,
                       double *gmu, double *gS, double *gZ, double *gpar,
                       double *gnoise, double *jitter, int *retries)
{
    int npar = gplvm_kernel_check(k, q), status;
    if (npar < 0 || gplvm_psi_unsupported(k) >= 0) return GPLVM_LAPACK;
    int *map = (int *) R_alloc(npar, sizeof(int));
    double s2;
    gplvm_kernel kf;
    int nf = gplvm_strip_white(k, npar, &kf, map, &s2);
    s2 += noise;
    if (kf.nparts < 1 || !(s2 > 0.0)) return GPLVM_LAPACK;
    size_t mm = (size_t) m * m, md = (size_t) m * d;
    double psi0, yy, kl;
    /* Psi1 (n x m), then the weights W1 of the same size */
    double *Psi1 = (double *) R_alloc((size_t) n * m, sizeof(double));
    double *Psi2 = (double *) R_alloc(mm, sizeof(double));
    double *PY = (double *) R_alloc(md, sizeof(double));
    /* the gradient step reads the Psi2 values of the stats step back when
     * they fit in PSI_CACHE_BYTES */
    size_t clen = gplvm_psi_cache_len(n, m);
    double *cache = want_grad && use_cache &&
        clen <= PSI_CACHE_BYTES / sizeof(double) ?
        (double *) R_alloc(clen, sizeof(double)) : NULL;
    status = gplvm_bayes_stats(&kf, Y, n, d, mu, S, Z, m, q, nthreads, Psi1,
                               &psi0, Psi2, PY, &yy, &kl, cache);
    if (status != GPLVM_OK) return status;
    gplvm_bayes_weights w;
    gplvm_bayes_weights_alloc(&w, m, d);
    status = gplvm_bayes_global(&kf, Z, m, q, s2, ndim, n, d, psi0, Psi2, PY,
                                yy, kl, want_grad, bound, &w, gnoise, jitter,
                                retries);
    if (status != GPLVM_OK || !want_grad) return status;
    double *gf = (double *) R_alloc(nf > 0 ? nf : 1, sizeof(double));
    status = gplvm_bayes_rows_grad(&kf, Y, n, d, mu, S, Z, m, q, &w,
                                   nthreads, Psi1, gmu, gS, gZ, gf, nf,
                                   cache);
    if (status != GPLVM_OK) return status;
    double trace_z;
    gplvm_kernel_grad(&kf, Z, m, q, w.WK, 0, gZ, gf, &trace_z, 1);
    gplvm_unstrip_grad(k, nf, map, gf, *gnoise, gpar);
    if (!gplvm_all_finite(gZ, (size_t) m * q) ||
        !gplvm_all_finite(gpar, npar))
        return GPLVM_NONFINITE;
    return GPLVM_OK;
}

void gplvm_bayes_weights_alloc(gplvm_bayes_weights *w, int m, int d)
{
    size_t mm = (size_t) m * m, md = (size_t) m * d;
    w->L = (double *) R_alloc(mm, sizeof(double));
    w->E = (double *) R_alloc(md > 0 ? md : 1, sizeof(double));
    w->W2 = (double *) R_alloc(mm, sizeof(double));
    w->WK = (double *) R_alloc(mm, sizeof(double));
}
