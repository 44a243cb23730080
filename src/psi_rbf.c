/* Psi-statistics of the RBF kernel k = v exp(-sum_c p_c (a_c - b_c)^2 / 2),
 * p_c = 1 / l_c^2 (u = z - mu, per dimension c and point n):
 *   psi0 = n v,
 *   Psi1 = v prod_c (1 + p S)^-1/2 exp(-p u^2 / (2 (1 + p S)));
 *   RBF x RBF' (own term: the same part twice), with P = 1 + (p + p') S,
 *           log C[j, l] = log v v' - 1/2 sum_c [log P + a u_j^2 + b u_l^2
 *                         + t (z_j - z_l)^2],
 *           a = p / P, b = p' / P, t = S p p' / P (every term >= 0: no
 *           cancellation when S >> l^2, where a, b, t are each large);
 *   moment  T[j, c] = sum_n Psi1[n, j] m_njc, the mean of x_nc under q
 *           tilted by the RBF factor of z_j, m = (mu + p S z) / (1 + p S)
 *           (for the cross term with a linear part).
 * The O(n m^2 q) loops (RBF x RBF) and the O(n m q) Psi1 loops run over
 * blocks of rows (gplvm_psi_over_rows); no n x m x m array is formed. */
#include "psi_impl.h"

static void rbf_prepare(const double *par, int np, int q, gplvm_psi_part *a)
{
    a->v = par[0];
    a->ard = np > 2;
    for (int c = 0; c < q; c++) {
        double l = par[a->ard ? 1 + c : 1];
        a->w[c] = 1.0 / (l * l);
    }
}

typedef struct {
    const gplvm_psi_part *a, *b;  /* parts (b: second part of a pair) */
    const double *mu, *S, *Z, *W;
    int n, m, q, own;
    double *Psi1, *gmu, *gS;      /* per-row outputs */
    double *cache;                /* own term's values per row, or NULL */
} rbf_ctx;

/* ---- Psi1 ---- */

/* Rows i0..i1-1 of Psi1.  scratch: m doubles. */
static void rbf_psi1_rows(const void *vctx, int i0, int i1, double *acc,
                          double *e)
{
    const rbf_ctx *x = (const rbf_ctx *) vctx;
    int n = x->n, m = x->m, q = x->q;
    const double *w = x->a->w;
    (void) acc;
    for (int i = i0; i < i1; i++) {
        double logc = log(x->a->v);
        for (int j = 0; j < m; j++) e[j] = 0.0;
        for (int c = 0; c < q; c++) {
            double s = x->S[i + (size_t) c * n], mu = x->mu[i + (size_t) c * n];
            double f = w[c] / (1.0 + w[c] * s);
            const double *z = x->Z + (size_t) c * m;
            logc -= 0.5 * log1p(w[c] * s);
            for (int j = 0; j < m; j++) {
                double u = z[j] - mu;
                e[j] += f * u * u;
            }
        }
        for (int j = 0; j < m; j++)
            x->Psi1[i + (size_t) j * n] = exp(logc - 0.5 * e[j]);
    }
}

static double rbf_psi1(const gplvm_psi_part *a, const gplvm_psi_in *in,
                       double *Psi1)
{
    rbf_ctx x = {a, a, in->mu, in->S, in->Z, NULL, in->n, in->m, in->q, 1,
                 Psi1, NULL, NULL, NULL};
    gplvm_psi_over_rows(in->n, in->nthreads, 0, in->m, NULL, rbf_psi1_rows,
                        &x);
    return in->n * a->v;
}

/* Gradient of sum W .* Psi1 (Psi1 given).  acc: gZ (m x q), then d/dp
 * (q), then d/dv.  scratch: m doubles. */
static void rbf_psi1_grad_rows(const void *vctx, int i0, int i1, double *acc,
                               double *g)
{
    const rbf_ctx *x = (const rbf_ctx *) vctx;
    int n = x->n, m = x->m, q = x->q;
    const double *w = x->a->w;
    double *gZ = acc, *gp = acc + (size_t) m * q, *gv = gp + q;
    for (int i = i0; i < i1; i++) {
        double r = 0.0;
        for (int j = 0; j < m; j++) {
            size_t ij = i + (size_t) j * n;
            g[j] = x->W[ij] * x->Psi1[ij];
            r += g[j];
        }
        *gv += r / x->a->v;
        for (int c = 0; c < q; c++) {
            size_t ic = i + (size_t) c * n;
            double s = x->S[ic], mu = x->mu[ic], d = 1.0 + w[c] * s;
            double f = w[c] / d, gz = 0.0, gz2 = 0.0;
            const double *z = x->Z + (size_t) c * m;
            double *gzc = gZ + (size_t) c * m;
            for (int j = 0; j < m; j++) {
                double u = z[j] - mu;
                gz += g[j] * u;
                gz2 += g[j] * u * u;
                gzc[j] -= f * g[j] * u;
            }
            x->gmu[ic] += f * gz;
            x->gS[ic] += 0.5 * f * (f * gz2 - r);
            gp[c] -= 0.5 * (s * r / d + gz2 / (d * d));
        }
    }
}

/* Adds d/d(lengthscale) from d/dp (p = 1 / l^2) to gpar. */
static void rbf_len_grad(const gplvm_psi_part *a, int q, const double *gp,
                         double *gpar)
{
    for (int c = 0; c < q; c++) {
        double p = a->w[c];
        gpar[a->off + (a->ard ? 1 + c : 1)] += -2.0 * p * sqrt(p) * gp[c];
    }
}

static void rbf_psi1_grad(const gplvm_psi_part *a, const gplvm_psi_in *in,
                          double g0, const double *G1, const double *Psi1,
                          gplvm_psi_grad_out *out)
{
    int m = in->m, q = in->q;
    size_t mq = (size_t) m * q, alen = mq + q + 1;
    double *acc = (double *) R_alloc(alen, sizeof(double));
    memset(acc, 0, alen * sizeof(double));
    rbf_ctx x = {a, a, in->mu, in->S, in->Z, G1, in->n, m, q, 1,
                 (double *) Psi1, out->gmu, out->gS, NULL};
    gplvm_psi_over_rows(in->n, in->nthreads, alen, m, acc,
                        rbf_psi1_grad_rows, &x);
    for (size_t i = 0; i < mq; i++) out->gZ[i] += acc[i];
    rbf_len_grad(a, q, acc + mq, out->gpar);
    out->gpar[a->off] += acc[mq + q] + g0 * in->n;
}

/* ---- the tilted first moment (cross term with a linear part) ---- */

/* Mt = mu / (1 + p S), Qm = p S / (1 + p S) (n x q each, R_alloc'd). */
static void tilt(const gplvm_psi_part *r, const gplvm_psi_in *in,
                 double **Mt, double **Qm)
{
    int n = in->n, q = in->q;
    *Mt = (double *) R_alloc((size_t) n * q, sizeof(double));
    *Qm = (double *) R_alloc((size_t) n * q, sizeof(double));
    for (int c = 0; c < q; c++)
        for (int i = 0; i < n; i++) {
            size_t ic = i + (size_t) c * n;
            double d = 1.0 + r->w[c] * in->S[ic];
            (*Mt)[ic] = in->mu[ic] / d;
            (*Qm)[ic] = r->w[c] * in->S[ic] / d;
        }
}

/* T = Psi1' Mt + Z .* (Psi1' Qm), m x q. */
static void rbf_moment(const gplvm_psi_part *a, const gplvm_psi_in *in,
                       const double *Psi1, double *T)
{
    int n = in->n, m = in->m, q = in->q;
    double *Mt, *Qm;
    double *T2 = (double *) R_alloc((size_t) m * q, sizeof(double));
    tilt(a, in, &Mt, &Qm);
    gplvm_gemm('T', 'N', m, q, n, 1.0, Psi1, n, Mt, n, 0.0, T);
    gplvm_gemm('T', 'N', m, q, n, 1.0, Psi1, n, Qm, n, 0.0, T2);
    for (size_t i = 0; i < (size_t) m * q; i++) T[i] += in->Z[i] * T2[i];
}

/* Gradient of sum dT .* T: through Psi1 (G1 += Mt dT' + Qm (Z .* dT)'),
 * through Z in Z .* (Psi1' Qm), and through Mt and Qm in mu, S and p. */
static void rbf_moment_grad(const gplvm_psi_part *a, const gplvm_psi_in *in,
                            const double *Psi1, const double *dT, double *G1,
                            gplvm_psi_grad_out *out)
{
    int n = in->n, m = in->m, q = in->q;
    size_t nq = (size_t) n * q, mq = (size_t) m * q;
    double *Mt, *Qm;
    tilt(a, in, &Mt, &Qm);
    double *VZ = (double *) R_alloc(mq, sizeof(double));
    for (size_t i = 0; i < mq; i++) VZ[i] = dT[i] * in->Z[i];
    gplvm_gemm('N', 'T', n, m, q, 1.0, Mt, n, dT, m, 1.0, G1);
    gplvm_gemm('N', 'T', n, m, q, 1.0, Qm, n, VZ, m, 1.0, G1);
    double *PV = (double *) R_alloc(nq, sizeof(double));
    double *PVZ = (double *) R_alloc(nq, sizeof(double));
    gplvm_gemm('N', 'N', n, q, m, 1.0, Psi1, n, dT, m, 0.0, PV);
    gplvm_gemm('N', 'N', n, q, m, 1.0, Psi1, n, VZ, m, 0.0, PVZ);
    double *gp = (double *) R_alloc(q, sizeof(double));
    for (int c = 0; c < q; c++) {
        double p = a->w[c];
        gp[c] = 0.0;
        for (int i = 0; i < n; i++) {
            size_t ic = i + (size_t) c * n;
            double d = 1.0 + p * in->S[ic];
            double t = PVZ[ic] - in->mu[ic] * PV[ic];
            out->gmu[ic] += PV[ic] / d;
            out->gS[ic] += p * t / (d * d);
            gp[c] += in->S[ic] * t / (d * d);
        }
    }
    rbf_len_grad(a, q, gp, out->gpar);
    double *PQ = (double *) R_alloc(mq, sizeof(double));
    gplvm_gemm('T', 'N', m, q, n, 1.0, Psi1, n, Qm, n, 0.0, PQ);
    for (size_t i = 0; i < mq; i++) out->gZ[i] += dT[i] * PQ[i];
}

/* ---- RBF x RBF terms of Psi2 ---- */

/* Per-dimension coefficients of the RBF x RBF term at row i: P, a, b, t
 * (4 q doubles in cf) and log of the constant factor. */
static double rbf2_coef(const rbf_ctx *x, int i, double *cf)
{
    int q = x->q;
    double logc = log(x->a->v) + log(x->b->v);
    for (int c = 0; c < q; c++) {
        double s = x->S[i + (size_t) c * x->n];
        double p = x->a->w[c], pp = x->b->w[c], P = 1.0 + (p + pp) * s;
        cf[c] = P;
        cf[q + c] = p / P;
        cf[2 * q + c] = pp / P;
        cf[3 * q + c] = s * p * pp / P;
        logc -= 0.5 * log(P);
    }
    return logc;
}

/* U (m x q) = z - mu_i. */
static void rbf2_diffs(const rbf_ctx *x, int i, double *U)
{
    int m = x->m;
    for (int c = 0; c < x->q; c++) {
        double mu = x->mu[i + (size_t) c * x->n];
        for (int j = 0; j < m; j++)
            U[j + (size_t) c * m] = x->Z[j + (size_t) c * m] - mu;
    }
}

/* C (m x m) of the RBF x RBF term at row i; own term: lower triangle
 * only.  U (m x q) receives z - mu_i, ea and eb m doubles of scratch. */
static void rbf2_point(const rbf_ctx *x, int i, const double *cf,
                       double logc, double *U, double *ea, double *eb,
                       double *C)
{
    int m = x->m, q = x->q;
    rbf2_diffs(x, i, U);
    for (int j = 0; j < m; j++) ea[j] = eb[j] = 0.0;
    for (int c = 0; c < q; c++) {
        for (int j = 0; j < m; j++) {
            double u = U[j + (size_t) c * m];
            ea[j] -= 0.5 * cf[q + c] * u * u;
            eb[j] -= 0.5 * cf[2 * q + c] * u * u;
        }
    }
    for (int l = 0; l < m; l++) {
        int j0 = x->own ? l : 0;
        double *Cl = C + (size_t) l * m;
        for (int j = j0; j < m; j++) Cl[j] = logc + ea[j] + eb[l];
        for (int c = 0; c < q; c++) {
            const double *Zc = x->Z + (size_t) c * m;
            double ht = 0.5 * cf[3 * q + c], zl = Zc[l];
            PSI_SIMD
            for (int j = j0; j < m; j++) {
                double dz = Zc[j] - zl;
                Cl[j] -= ht * dz * dz;
            }
        }
        for (int j = j0; j < m; j++) Cl[j] = exp(Cl[j]);
    }
}

/* scratch layout of the RBF x RBF rows: cf 4q, U m q, ea m, eb m, C m^2,
 * then for the gradient HU, HtU (m q each), rH, cH (m each). */
static size_t rbf2_scratch(int m, int q)
{
    return (size_t) 4 * q + (size_t) 4 * m * q + (size_t) 4 * m +
        (size_t) m * m;
}

/* Row i's lower triangle of an own term's C to (store) or from the cache,
 * packed column by column. */
static void cache_row(const rbf_ctx *x, int i, double *C, int store)
{
    int m = x->m;
    double *p = x->cache + (size_t) i * ((size_t) m * (m + 1) / 2);
    for (int l = 0; l < m; l++) {
        double *Cl = C + (size_t) l * m + l;
        size_t len = (size_t) (m - l) * sizeof(double);
        if (store) memcpy(p, Cl, len);
        else memcpy(Cl, p, len);
        p += m - l;
    }
}

static void rbf2_stat_rows(const void *vctx, int i0, int i1, double *acc,
                           double *scr)
{
    const rbf_ctx *x = (const rbf_ctx *) vctx;
    int m = x->m, q = x->q;
    double *cf = scr, *U = cf + 4 * q, *ea = U + (size_t) m * q,
        *eb = ea + m, *C = eb + m;
    for (int i = i0; i < i1; i++) {
        double logc = rbf2_coef(x, i, cf);
        rbf2_point(x, i, cf, logc, U, ea, eb, C);
        for (int l = 0; l < m; l++)
            for (int j = x->own ? l : 0; j < m; j++)
                acc[j + (size_t) l * m] += C[j + (size_t) l * m];
        if (x->cache) cache_row(x, i, C, 1);
    }
}

static void rbf_pair(const gplvm_psi_part *a, const gplvm_psi_part *b,
                     const gplvm_psi_in *in, double *C)
{
    int m = in->m, own = a == b;
    rbf_ctx x = {a, b, in->mu, in->S, in->Z, NULL, in->n, m, in->q, own,
                 NULL, NULL, NULL, own ? in->cache : NULL};
    memset(C, 0, (size_t) m * m * sizeof(double));
    gplvm_psi_over_rows(in->n, in->nthreads, (size_t) m * m,
                        rbf2_scratch(m, in->q), C, rbf2_stat_rows, &x);
    if (own)
        for (int l = 0; l < m; l++)
            for (int j = l + 1; j < m; j++)
                C[l + (size_t) j * m] = C[j + (size_t) l * m];
}

/* Gradient of sum W .* (own ? C : C + C') over the rows.  acc: gZ (m x q),
 * d/dp of part a (q), of part b (q), d/dva, d/dvb. */
static void rbf2_grad_rows(const void *vctx, int i0, int i1, double *acc,
                           double *scr)
{
    const rbf_ctx *x = (const rbf_ctx *) vctx;
    int m = x->m, q = x->q, n = x->n;
    size_t mq = (size_t) m * q;
    double *cf = scr, *U = cf + 4 * q, *ea = U + mq, *eb = ea + m,
        *H = eb + m, *HU = H + (size_t) m * m, *HtU = HU + mq,
        *rH = HtU + mq, *cH = rH + m;
    double *gZ = acc, *gpa = acc + mq, *gpb = gpa + q, *gv = gpb + q;
    double wfac = x->own ? 1.0 : 2.0;
    for (int i = i0; i < i1; i++) {
        double logc = rbf2_coef(x, i, cf), E = 0.0;
        if (x->cache) {
            rbf2_diffs(x, i, U);
            cache_row(x, i, H, 0);
        } else {
            rbf2_point(x, i, cf, logc, U, ea, eb, H);
        }
        /* H = W .* C, full */
        for (int l = 0; l < m; l++)
            for (int j = x->own ? l : 0; j < m; j++) {
                size_t jl = j + (size_t) l * m;
                H[jl] *= wfac * x->W[jl];
                if (x->own) H[l + (size_t) j * m] = H[jl];
            }
        /* row sums rH = H 1 and column sums cH = H' 1 (the same for the
         * symmetric H of an own term) */
        for (int j = 0; j < m; j++) rH[j] = 0.0;
        for (int l = 0; l < m; l++) {
            const double *Hl = H + (size_t) l * m;
            double s = 0.0;
            for (int j = 0; j < m; j++) {
                rH[j] += Hl[j];
                s += Hl[j];
            }
            cH[l] = s;
        }
        for (int j = 0; j < m; j++) E += rH[j];
        gv[0] += E / x->a->v;
        gv[1] += E / x->b->v;
        for (int c = 0; c < q; c++) {
            const double *Uc = U + (size_t) c * m;
            double *hu = HU + (size_t) c * m, *htu = HtU + (size_t) c * m;
            /* hu = H U_c, htu = H' U_c (= hu for an own term) */
            for (int j = 0; j < m; j++) hu[j] = 0.0;
            for (int l = 0; l < m; l++) {
                const double *Hl = H + (size_t) l * m;
                double ul = Uc[l];
                PSI_SIMD
                for (int j = 0; j < m; j++) hu[j] += Hl[j] * ul;
            }
            if (x->own) {
                htu = hu;
            } else {
                for (int l = 0; l < m; l++) {
                    const double *Hl = H + (size_t) l * m;
                    double s = 0.0;
                    for (int j = 0; j < m; j++) s += Hl[j] * Uc[j];
                    htu[l] = s;
                }
            }
            size_t ic = i + (size_t) c * n;
            /* in u_j u_l form: e1 u_j^2 + e2 u_l^2 - 2 t u_j u_l */
            double s = x->S[ic], P = cf[c], t = cf[3 * q + c],
                e1 = cf[q + c] + t, e2 = cf[2 * q + c] + t;
            double p = x->a->w[c], pp = x->b->w[c];
            double A2 = 0.0, B2 = 0.0, X2 = 0.0, gm = 0.0;
            for (int j = 0; j < m; j++) {
                double u = Uc[j];
                double du = -e1 * u * rH[j] + t * hu[j] -
                    e2 * u * cH[j] + t * htu[j];
                gZ[j + (size_t) c * m] += du;
                gm += du;
                A2 += rH[j] * u * u;
                B2 += cH[j] * u * u;
                X2 += u * hu[j];
            }
            double P2 = P * P;
            x->gmu[ic] -= gm;
            x->gS[ic] += -0.5 * E * (p + pp) / P + 0.5 * A2 * p * p / P2 +
                0.5 * B2 * pp * pp / P2 + X2 * p * pp / P2;
            gpa[c] += -0.5 * E * s / P -
                0.5 * A2 * (1.0 + pp * s) * (1.0 + pp * s) / P2 -
                0.5 * B2 * pp * pp * s * s / P2 +
                X2 * s * pp * (1.0 + pp * s) / P2;
            gpb[c] += -0.5 * E * s / P - 0.5 * A2 * p * p * s * s / P2 -
                0.5 * B2 * (1.0 + p * s) * (1.0 + p * s) / P2 +
                X2 * s * p * (1.0 + p * s) / P2;
        }
    }
}

static void rbf_pair_grad(const gplvm_psi_part *a, const gplvm_psi_part *b,
                          const gplvm_psi_in *in, const double *W,
                          gplvm_psi_grad_out *out)
{
    int m = in->m, q = in->q;
    size_t mq = (size_t) m * q, alen = mq + 2 * (size_t) q + 2;
    double *acc = (double *) R_alloc(alen, sizeof(double));
    memset(acc, 0, alen * sizeof(double));
    rbf_ctx x = {a, b, in->mu, in->S, in->Z, W, in->n, m, q, a == b, NULL,
                 out->gmu, out->gS, a == b ? in->cache : NULL};
    gplvm_psi_over_rows(in->n, in->nthreads, alen, rbf2_scratch(m, q), acc,
                        rbf2_grad_rows, &x);
    for (size_t i = 0; i < mq; i++) out->gZ[i] += acc[i];
    rbf_len_grad(a, q, acc + mq, out->gpar);
    rbf_len_grad(b, q, acc + mq + q, out->gpar);
    out->gpar[a->off] += acc[mq + 2 * q];
    out->gpar[b->off] += acc[mq + 2 * q + 1];
}

const gplvm_psi_ops gplvm_psi_ops_rbf = {
    .prepare = rbf_prepare, .psi1 = rbf_psi1, .psi1_grad = rbf_psi1_grad,
    .linear = 0, .moment = rbf_moment, .moment_grad = rbf_moment_grad,
    .pair = rbf_pair, .pair_grad = rbf_pair_grad
};
