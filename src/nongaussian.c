/* The uncollapsed sparse bound for non-Gaussian likelihoods (issue 25).
 *
 * Inducing inputs Z (m x q), Kzz = Lz Lz' (with the jitter of
 * gplvm_sparse_factor), and for each output column d a whitened
 * q(v_d) = N(mu_d, S_d), S_d = L_d L_d' (L_d lower-triangular m x m, one per
 * column: the optimum differs by column when the likelihood is not
 * Gaussian), u_d = Lz v_d.  With a_n = Lz^-1 k(Z, x_n) the marginal of
 * f_nd is N(mu_nd, v_nd):
 *   mu_nd = a_n' mu_d,   v_nd = k(x_n, x_n) - a_n'a_n + |L_d' a_n|^2,
 * and the bound is
 *   F = sum_{n,d observed} E[log p(y_nd | f_nd)] - sum_d KL_d,
 *   KL_d = 1/2 (|L_d|_F^2 + |mu_d|^2 - m - 2 sum_i log|L_d,ii|).
 * E[.] is Gauss-Hermite quadrature (nodes z_i, weights w_i of the standard
 * normal, sum w_i = 1): E = sum_i w_i l(mu + sqrt(v) z_i), whose exact
 * derivatives are dE/dmu = sum_i w_i l'(f_i), dE/dv = sum_i w_i l'(f_i)
 * z_i / (2 sqrt(v)); the Poisson and Gaussian cases are closed forms.
 *
 * Gradients, per row n and column d with g = dE/dmu, h = dE/dv:
 *   dF/dmu_d += g a_n,  dF/dL_d += 2 h lower(a_n (L_d' a_n)'),
 *   dF/da_n  += g mu_d + 2 h (L_d L_d' a_n - a_n),  dF/dk_nn += h;
 * then with A = Kxz Lz^-T: dF/dKxz = (dF/dA) Lz^-1 and
 * dF/dLz = -lower(Lz^-T (dF/dA)' A), taken to Kzz by the backward pass of
 * the Cholesky factorisation (Murray 2016): with P = Phi(Lz' dF/dLz)
 * (lower triangle, diagonal halved), dF/dKzz = sym(Lz^-T P Lz^-1).
 *
 * Rows go in chunks (memory O(chunk m) beyond the parameters, O(N M + D M^2)
 * in all); within a chunk the columns are split into a fixed number of
 * blocks (independent of the thread count) run by OpenMP threads, each
 * with its own partial sums, combined in block order: the result does not
 * depend on the number of threads. */
#include "gplvm.h"
#include <Rmath.h>
#include <math.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define NG_BLOCKS 8

/* log(exp(a) + exp(b)) */
static double logaddexp(double a, double b)
{
    double hi = a > b ? a : b, lo = a > b ? b : a;
    return hi + log1p(exp(lo - hi));
}

/* The part of log p(y | f) that depends on f, its d/df, and for the
 * negative binomial (size r: log p = lgamma(y + r) - lgamma(r) -
 * lgamma(y + 1) + r log r + y f - (r + y) log(r + e^f)) the d/dr of that
 * part in *dr. */
static double loglik1(int lik, double y, double f, double r, double *df,
                      double *dr)
{
    switch (lik) {
    case GPLVM_LIK_LOGIT: {
        double s = 2.0 * y - 1.0, x = s * f;
        *df = s / (1.0 + exp(x));
        return x < 0.0 ? x - log1p(exp(x)) : -log1p(exp(-x));
    }
    case GPLVM_LIK_PROBIT: {
        double s = 2.0 * y - 1.0, x = s * f;
        double lp = pnorm(x, 0.0, 1.0, 1, 1);
        *df = s * exp(dnorm(x, 0.0, 1.0, 1) - lp);
        return lp;
    }
    default: { /* negative binomial, log link, size r */
        double lr = log(r), lse = logaddexp(lr, f);
        double ef = exp(f - lse);            /* e^f / (r + e^f) */
        *df = y - (r + y) * ef;
        *dr = -lse - (r + y) * exp(-lse);
        return y * f - (r + y) * lse;
    }
    }
}

double gplvm_expect_loglik(int lik, double y, double mu, double v, double r,
                           double noise, const double *z, const double *w,
                           int nq, double *gmu, double *gv, double *gr,
                           double *gnoise)
{
    *gr = 0.0;
    *gnoise = 0.0;
    if (lik == GPLVM_LIK_GAUSSIAN) {
        double e = y - mu;
        *gmu = e / noise;
        *gv = -0.5 / noise;
        *gnoise = -0.5 / noise + 0.5 * (e * e + v) / (noise * noise);
        return -0.5 * log(2.0 * M_PI * noise) - 0.5 * (e * e + v) / noise;
    }
    if (lik == GPLVM_LIK_POISSON) {
        double rate = exp(mu + 0.5 * v);
        *gmu = y - rate;
        *gv = -0.5 * rate;
        return y * mu - rate - lgammafn(y + 1.0);
    }
    double sd = sqrt(v), val = 0.0, gm = 0.0, gs = 0.0, grr = 0.0;
    for (int i = 0; i < nq; i++) {
        double df = 0.0, dr = 0.0;
        val += w[i] * loglik1(lik, y, mu + sd * z[i], r, &df, &dr);
        gm += w[i] * df;
        gs += w[i] * df * z[i];
        grr += w[i] * dr;
    }
    *gmu = gm;
    *gv = gs / (2.0 * sd);
    if (lik == GPLVM_LIK_NEGBIN) {
        double c = lgammafn(y + r) - lgammafn(r) - lgammafn(y + 1.0) +
            r * log(r);
        val += c;
        *gr = grr + digamma(y + r) - digamma(r) + log(r) + 1.0;
    }
    return val;
}

/* One column d over the chunk's nc rows: adds the value to *val and, with
 * gradients, to gmu (m), gL (m x m), gr, gnoise (this column's) and to the
 * block's GA (nc x m) and gk (nc). */
typedef struct {
    int lik, nq, m, nc, want_grad;
    const double *A, *kd, *z, *w;
    double noise;
} ng_chunk;

static int ng_column(const ng_chunk *c, const double *y, const double *mu,
                     const double *L, double r, double *b, double *Lb,
                     double *val, double *gmu, double *gL, double *gr,
                     double *gnoise, double *GA, double *gk)
{
    int m = c->m, nc = c->nc;
    for (int n = 0; n < nc; n++) {
        double yn = y[n];
        if (ISNAN(yn)) continue;
        double mun = 0.0, aa = 0.0, bb = 0.0;
        for (int j = 0; j < m; j++) {
            double aj = c->A[n + (size_t) j * nc];
            mun += aj * mu[j];
            aa += aj * aj;
            double s = 0.0;  /* (L' a)_j = sum_{i >= j} L_ij a_i */
            for (int i = j; i < m; i++) s += L[i + (size_t) j * m] *
                                              c->A[n + (size_t) i * nc];
            b[j] = s;
            bb += s * s;
        }
        double v = c->kd[n] - aa + bb;
        if (!(v > 0.0)) return GPLVM_NONFINITE;
        double g, h, gri, gni;
        *val += gplvm_expect_loglik(c->lik, yn, mun, v, r, c->noise, c->z,
                                    c->w, c->nq, &g, &h, &gri, &gni);
        if (!c->want_grad) continue;
        *gr += gri;
        *gnoise += gni;
        gk[n] += h;
        for (int i = 0; i < m; i++) {  /* (L b)_i */
            double s = 0.0;
            for (int j = 0; j <= i; j++) s += L[i + (size_t) j * m] * b[j];
            Lb[i] = s;
        }
        for (int j = 0; j < m; j++) {
            double aj = c->A[n + (size_t) j * nc];
            gmu[j] += g * aj;
            GA[n + (size_t) j * nc] += g * mu[j] + 2.0 * h * (Lb[j] - aj);
            double hb = 2.0 * h * b[j];
            for (int i = j; i < m; i++)
                gL[i + (size_t) j * m] += hb * c->A[n + (size_t) i * nc];
        }
    }
    return GPLVM_OK;
}

int gplvm_nongaussian_engine(const double *Y, int n, int d, const double *X,
                             const double *Z, int m, int q,
                             const gplvm_kernel *kf, int lik,
                             const double *Mu, const double *L,
                             const double *disp, double noise,
                             const double *z, const double *w, int nq,
                             int want_grad, int chunk, int nthreads,
                             double *value, double *gX, double *gZ,
                             double *gpar, double *gMu, double *gL,
                             double *gdisp, double *gnoise, double *jitter,
                             int *retries)
{
    size_t mm = (size_t) m * m;
    int npar = gplvm_kernel_check(kf, q);
    if (npar < 0 || chunk < 1) return GPLVM_LAPACK;
    double rel;
    double *Lz = (double *) R_alloc(mm, sizeof(double));
    int status = gplvm_sparse_factor(kf, Z, m, q, Lz, jitter, &rel, retries);
    if (status != GPLVM_OK) return status;

    int nc_max = chunk < n ? chunk : n;
    int nb = d < NG_BLOCKS ? d : NG_BLOCKS;
    size_t cm = (size_t) nc_max * m;
    double *Xc = (double *) R_alloc((size_t) nc_max * q, sizeof(double));
    double *K = (double *) R_alloc(cm, sizeof(double));
    double *cache = (double *) R_alloc(cm, sizeof(double));
    double *A = (double *) R_alloc(cm, sizeof(double));
    double *kd = (double *) R_alloc(nc_max, sizeof(double));
    double *Yc = (double *) R_alloc((size_t) nc_max * d, sizeof(double));
    double *GA = (double *) R_alloc(cm * nb, sizeof(double));
    double *gk = (double *) R_alloc((size_t) nc_max * nb, sizeof(double));
    double *scratch = (double *) R_alloc((size_t) 2 * m * nb, sizeof(double));
    double *bval = (double *) R_alloc(nb, sizeof(double));
    int *bstat = (int *) R_alloc(nb, sizeof(int));
    double *gnd = (double *) R_alloc(d, sizeof(double));
    double *P = (double *) R_alloc(mm, sizeof(double));
    double *gXc = (double *) R_alloc((size_t) nc_max * q, sizeof(double));
    memset(P, 0, mm * sizeof(double));
    memset(gnd, 0, d * sizeof(double));
    if (want_grad) {
        memset(gX, 0, (size_t) n * q * sizeof(double));
        memset(gZ, 0, (size_t) m * q * sizeof(double));
        memset(gpar, 0, (size_t) npar * sizeof(double));
        memset(gMu, 0, (size_t) m * d * sizeof(double));
        memset(gL, 0, mm * d * sizeof(double));
        memset(gdisp, 0, d * sizeof(double));
    }
    double total = 0.0;

    for (int r0 = 0; r0 < n; r0 += nc_max) {
        int nc = n - r0 < nc_max ? n - r0 : nc_max;
        for (int c = 0; c < q; c++)
            memcpy(Xc + (size_t) c * nc, X + r0 + (size_t) c * n,
                   nc * sizeof(double));
        for (int j = 0; j < d; j++)
            memcpy(Yc + (size_t) j * nc, Y + r0 + (size_t) j * n,
                   nc * sizeof(double));
        gplvm_kernel_cross_cached(kf, Xc, nc, Z, m, q, K, cache);
        gplvm_kernel_diag(kf, Xc, nc, q, kd);
        memcpy(A, K, (size_t) nc * m * sizeof(double));
        gplvm_trsolve('R', 'T', nc, m, Lz, m, 1.0, A);
        if (!gplvm_all_finite(A, (size_t) nc * m) ||
            !gplvm_all_finite(kd, nc))
            return GPLVM_NONFINITE;
        if (want_grad) {
            memset(GA, 0, cm * nb * sizeof(double));
            memset(gk, 0, (size_t) nc_max * nb * sizeof(double));
        }
        ng_chunk ch = {lik, nq, m, nc, want_grad, A, kd, z, w, noise};
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(nthreads)
#endif
        for (int bl = 0; bl < nb; bl++) {
            int j0 = (int) ((long long) bl * d / nb);
            int j1 = (int) ((long long) (bl + 1) * d / nb);
            double v = 0.0;
            double *b = scratch + (size_t) 2 * m * bl, *Lb = b + m;
            double *GAb = GA + cm * bl, *gkb = gk + (size_t) nc_max * bl;
            int st = GPLVM_OK;
            for (int j = j0; j < j1 && st == GPLVM_OK; j++) {
                double gdummy[1] = {0.0};
                st = ng_column(&ch, Yc + (size_t) j * nc, Mu + (size_t) j * m,
                               L + mm * j, disp[j], b, Lb, &v,
                               want_grad ? gMu + (size_t) j * m : gdummy,
                               want_grad ? gL + mm * j : gdummy,
                               want_grad ? gdisp + j : gdummy, gnd + j,
                               GAb, gkb);
            }
            bval[bl] = v;
            bstat[bl] = st;
        }
        for (int bl = 0; bl < nb; bl++) {
            if (bstat[bl] != GPLVM_OK) return bstat[bl];
            total += bval[bl];
        }
        if (want_grad) {
            for (int bl = 1; bl < nb; bl++) {
                for (size_t i = 0; i < (size_t) nc * m; i++)
                    GA[i] += GA[cm * bl + i];
                for (int i = 0; i < nc; i++) gk[i] += gk[(size_t) nc_max * bl + i];
            }
            /* the rows' share through Lz: P += GA' A */
            gplvm_gemm('T', 'N', m, m, nc, 1.0, GA, nc, A, nc, 1.0, P);
            /* dF/dKxz = GA Lz^-1, and the diagonal's weights gk */
            gplvm_trsolve('R', 'N', nc, m, Lz, m, 1.0, GA);
            memset(gXc, 0, (size_t) nc * q * sizeof(double));
            gplvm_kernel_grad_cross_cached(kf, Xc, nc, Z, m, q, GA, cache,
                                           gXc, gZ, gpar);
            gplvm_kernel_grad_diag(kf, Xc, nc, q, gk, gXc, gpar);
            for (int c = 0; c < q; c++)
                memcpy(gX + r0 + (size_t) c * n, gXc + (size_t) c * nc,
                       nc * sizeof(double));
        }
        R_CheckUserInterrupt();
    }

    /* KL(q(v_d) || N(0, I)) */
    for (int j = 0; j < d; j++) {
        const double *mu = Mu + (size_t) j * m, *Lj = L + mm * j;
        double kl = -m;
        for (int i = 0; i < m; i++) {
            kl += mu[i] * mu[i];
            double lii = Lj[i + (size_t) i * m];
            if (!(fabs(lii) > 0.0)) return GPLVM_NONFINITE;
            kl -= 2.0 * log(fabs(lii));
            for (int k = i; k < m; k++) kl += Lj[k + (size_t) i * m] *
                                              Lj[k + (size_t) i * m];
        }
        total -= 0.5 * kl;
        if (!want_grad) continue;
        double *gm = gMu + (size_t) j * m, *gLj = gL + mm * j;
        for (int i = 0; i < m; i++) {
            gm[i] -= mu[i];
            gLj[i + (size_t) i * m] += 1.0 / Lj[i + (size_t) i * m];
            for (int k = i; k < m; k++) gLj[k + (size_t) i * m] -=
                                            Lj[k + (size_t) i * m];
        }
    }
    *value = total;
    *gnoise = 0.0;
    for (int j = 0; j < d; j++) *gnoise += gnd[j];
    if (!R_FINITE(total)) return GPLVM_NONFINITE;
    if (!want_grad) return GPLVM_OK;

    /* dF/dLz = -lower(Lz^-T P), then Kzz by the Cholesky backward pass */
    gplvm_trsolve('L', 'T', m, m, Lz, m, -1.0, P);
    gplvm_zero_upper(P, m);
    double *T = (double *) R_alloc(mm, sizeof(double));
    gplvm_gemm('T', 'N', m, m, m, 1.0, Lz, m, P, m, 0.0, T);
    gplvm_zero_upper(T, m);
    for (int i = 0; i < m; i++) T[i + (size_t) i * m] *= 0.5;
    gplvm_trsolve('L', 'T', m, m, Lz, m, 1.0, T);
    gplvm_trsolve('R', 'N', m, m, Lz, m, 1.0, T);
    gplvm_symmetrise(T, m);
    double trT = 0.0;  /* the jitter moves with the mean diagonal */
    for (int i = 0; i < m; i++) trT += T[i + (size_t) i * m];
    for (int i = 0; i < m; i++) T[i + (size_t) i * m] += rel * trT / m;
    double trace_z;
    gplvm_kernel_grad(kf, Z, m, q, T, 0, gZ, gpar, &trace_z, 1);
    if (!gplvm_all_finite(gX, (size_t) n * q) ||
        !gplvm_all_finite(gZ, (size_t) m * q) ||
        !gplvm_all_finite(gpar, npar) ||
        !gplvm_all_finite(gMu, (size_t) m * d) ||
        !gplvm_all_finite(gL, mm * d) || !gplvm_all_finite(gdisp, d))
        return GPLVM_NONFINITE;
    return GPLVM_OK;
}
