/* Psi-statistics of the Bayesian GP-LVM and their gradient contractions.
 *
 * Under q(x_n) = N(mu_n, diag S_n) and inducing inputs Z (m x q):
 *   psi0 = sum_n <k(x_n, x_n)>,  Psi1[n, j] = <k(x_n, z_j)>,
 *   Psi2 = sum_n <k(Z, x_n) k(x_n, Z)>.
 * For a sum of parts k = sum_a k_a, Psi2 = sum_a sum_b <k_a k_b>: each
 * part's own term and, for each pair a < b, C_ab + C_ab' with
 * C_ab[j, l] = sum_n <k_a(z_j, x_n) k_b(x_n, z_l)>.  Closed forms (p_c =
 * 1 / l_c^2 for RBF, a_c the linear variances, u = z - mu, all per
 * dimension c and point n):
 *   RBF     Psi1 = v prod_c (1 + p S)^-1/2 exp(-p u^2 / (2 (1 + p S)));
 *   RBF x RBF' (own term: the same part twice), with P = 1 + (p + p') S,
 *           log C[j, l] = log v v' - 1/2 sum_c [log P + a u_j^2 + b u_l^2
 *                         + t (z_j - z_l)^2],
 *           a = p / P, b = p' / P, t = S p p' / P (every term >= 0: no
 *           cancellation when S >> l^2, where a, b, t are each large);
 *   linear  Psi1 = Mu A Z', own Psi2 = Z A C A Z' with
 *           C = Mu' Mu + diag(colSums S), and Z A C B Z' for a pair;
 *   RBF x linear: C = T B Z' with T[j, c] = sum_n Psi1[n, j] m_njc, the
 *           mean of x_nc under q tilted by the RBF factor of z_j,
 *           m = (mu + p S z) / (1 + p S);
 *   bias x any part: v colSums(Psi1 of that part) 1';  bias alone: v^2.
 * White parts are not handled here (the bound treats them as noise).
 *
 * The O(n m^2 q) loops (the RBF x RBF terms) and the O(n m q) RBF Psi1
 * loops run over blocks of ROWS_PER_BLOCK data points, BLOCK_GROUP blocks
 * at a time spread over OpenMP threads; each block sums into its own
 * buffer and the buffers are added in block order, so the results do not
 * depend on the thread count.  No n x m x m array is formed.
 */
#include "gplvm.h"
#include <math.h>
#include <string.h>

#ifdef _OPENMP
#define SIMD _Pragma("omp simd")
#else
#define SIMD
#endif

#define ROWS_PER_BLOCK 64
#define BLOCK_GROUP 16

/* What the psi-statistics see of a part. */
enum { PSI_NONE = 0, PSI_RBF, PSI_LINEAR, PSI_BIAS, PSI_WHITE };

/* The kind of part p of k (checked), from its kernel table entry: the one
 * place that reads kernel types. */
static int psi_kind(const gplvm_kernel *k, int p)
{
    const gplvm_kernel_def *def = gplvm_part_def(k, p);
    if (def->family == GPLVM_WHITE) return PSI_WHITE;
    if (def->family == GPLVM_CONSTANT) return PSI_BIAS;
    if (strcmp(def->name, "rbf") == 0) return PSI_RBF;
    if (strcmp(def->name, "linear") == 0) return PSI_LINEAR;
    return PSI_NONE;
}

int gplvm_psi_white(const gplvm_kernel *k, int p)
{
    return psi_kind(k, p) == PSI_WHITE;
}

typedef struct {
    int type, ard, off;   /* PSI_* kind, one parameter per dimension, offset */
    double v;             /* RBF or bias variance */
    double *w;            /* q values: RBF 1 / l^2, linear variances */
} psi_part;

int gplvm_psi_unsupported(const gplvm_kernel *k)
{
    for (int p = 0; p < k->nparts; p++)
        if (psi_kind(k, p) == PSI_NONE) return p;
    return -1;
}

static psi_part *psi_parts(const gplvm_kernel *k, int q)
{
    psi_part *pt = (psi_part *) R_alloc(k->nparts, sizeof(psi_part));
    int off = 0;
    for (int p = 0; p < k->nparts; p++) {
        const double *par = k->par + off;
        int np = k->npar[p];
        psi_part *a = pt + p;
        a->type = psi_kind(k, p);
        a->off = off;
        a->w = (double *) R_alloc(q, sizeof(double));
        a->v = par[0];
        a->ard = a->type == PSI_RBF ? np > 2 : np > 1;
        for (int c = 0; c < q; c++) {
            if (a->type == PSI_RBF) {
                double l = par[a->ard ? 1 + c : 1];
                a->w[c] = 1.0 / (l * l);
            } else {
                a->w[c] = par[a->ard ? c : 0];
            }
        }
        off += np;
    }
    return pt;
}

/* ---- blocks of data points ---- */

typedef void (*rows_fn)(const void *ctx, int i0, int i1, double *acc,
                        double *scratch);

/* Runs f over row blocks; block b sums into its own zeroed acc (acclen
 * doubles), added to out in block order.  scrlen doubles of scratch per
 * block.  Checks for interrupts between groups of blocks. */
static void over_rows(int n, int nthreads, size_t acclen, size_t scrlen,
                      double *out, rows_fn f, const void *ctx)
{
    int nb = (n + ROWS_PER_BLOCK - 1) / ROWS_PER_BLOCK;
    double *acc = (double *) R_alloc(acclen * BLOCK_GROUP + 1,
                                     sizeof(double));
    double *scr = (double *) R_alloc(scrlen * BLOCK_GROUP + 1,
                                     sizeof(double));
    (void) nthreads;
    for (int b0 = 0; b0 < nb; b0 += BLOCK_GROUP) {
        int b1 = b0 + BLOCK_GROUP < nb ? b0 + BLOCK_GROUP : nb;
        memset(acc, 0, acclen * BLOCK_GROUP * sizeof(double));
#ifdef _OPENMP
#pragma omp parallel for num_threads(nthreads) schedule(dynamic, 1)
#endif
        for (int b = b0; b < b1; b++) {
            int i0 = b * ROWS_PER_BLOCK;
            int i1 = i0 + ROWS_PER_BLOCK < n ? i0 + ROWS_PER_BLOCK : n;
            f(ctx, i0, i1, acc + acclen * (b - b0), scr + scrlen * (b - b0));
        }
        for (int b = b0; b < b1; b++)
            for (size_t i = 0; i < acclen; i++)
                out[i] += acc[acclen * (b - b0) + i];
        R_CheckUserInterrupt();
    }
}

typedef struct {
    const psi_part *a, *b;    /* parts (b: second RBF part of a pair) */
    const double *mu, *S, *Z, *W;
    int n, m, q, own;
    double *Psi1, *gmu, *gS;  /* per-row outputs */
} rbf_ctx;

/* ---- RBF Psi1 ---- */

/* Rows i0..i1-1 of Psi1 of an RBF part.  scratch: m doubles. */
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

/* Gradient of sum W .* Psi1 for an RBF part (Psi1 given).  acc: gZ (m x q),
 * then d/dp (q), then d/dv.  scratch: m doubles. */
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

/* C (m x m) of the RBF x RBF term at row i; own term: lower triangle
 * only.  U (m x q) receives z - mu_i, ea and eb m doubles of scratch. */
static void rbf2_point(const rbf_ctx *x, int i, const double *cf,
                       double logc, double *U, double *ea, double *eb,
                       double *C)
{
    int m = x->m, q = x->q;
    for (int j = 0; j < m; j++) ea[j] = eb[j] = 0.0;
    for (int c = 0; c < q; c++) {
        double mu = x->mu[i + (size_t) c * x->n];
        for (int j = 0; j < m; j++) {
            double u = x->Z[j + (size_t) c * m] - mu;
            U[j + (size_t) c * m] = u;
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
            SIMD
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
    }
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
        rbf2_point(x, i, cf, logc, U, ea, eb, H);
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
                SIMD
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

/* ---- small dense helpers ---- */

static void matmul(char ta, char tb, int m, int n, int k, double alpha,
                   const double *A, int lda, const double *B, int ldb,
                   double beta, double *C)
{
    if (m < 1 || n < 1) return;
    if (k < 1) {
        for (size_t i = 0; i < (size_t) m * n; i++) C[i] *= beta;
        return;
    }
    F77_CALL(dgemm)(&ta, &tb, &m, &n, &k, &alpha, A, &lda, B, &ldb, &beta,
                    C, &m FCONE FCONE);
}

/* Z diag(w): m x q. */
static double *scale_cols(const double *Z, int m, int q, const double *w)
{
    double *out = (double *) R_alloc((size_t) m * q, sizeof(double));
    for (int c = 0; c < q; c++)
        for (int j = 0; j < m; j++)
            out[j + (size_t) c * m] = Z[j + (size_t) c * m] * w[c];
    return out;
}

/* C = Mu' Mu + diag(colSums S), q x q. */
static double *second_moment(const double *mu, const double *S, int n, int q)
{
    double *C = (double *) R_alloc((size_t) q * q, sizeof(double));
    matmul('T', 'N', q, q, n, 1.0, mu, n, mu, n, 0.0, C);
    for (int c = 0; c < q; c++) {
        double s = 0.0;
        for (int i = 0; i < n; i++) s += S[i + (size_t) c * n];
        C[c + (size_t) c * q] += s;
    }
    return C;
}

/* Psi1 of a part into out (n x m); RBF over row blocks. */
static void part_psi1(const psi_part *a, const double *mu, const double *S,
                      int n, const double *Z, int m, int q, double *out,
                      int nthreads)
{
    if (a->type == PSI_RBF) {
        rbf_ctx x = {a, a, mu, S, Z, NULL, n, m, q, 1, out, NULL, NULL};
        over_rows(n, nthreads, 0, m, NULL, rbf_psi1_rows, &x);
    } else if (a->type == PSI_LINEAR) {
        double *ZA = scale_cols(Z, m, q, a->w);
        matmul('N', 'T', n, m, q, 1.0, mu, n, ZA, m, 0.0, out);
    } else {
        for (size_t i = 0; i < (size_t) n * m; i++) out[i] = a->v;
    }
}

/* Column sums of an n x m matrix. */
static double *col_sums(const double *A, int n, int m)
{
    double *s = (double *) R_alloc(m, sizeof(double));
    for (int j = 0; j < m; j++) {
        s[j] = 0.0;
        for (int i = 0; i < n; i++) s[j] += A[i + (size_t) j * n];
    }
    return s;
}

/* Per-row tilted quantities of an RBF part for the RBF x linear term:
 * Mt = mu / (1 + p S), Qm = p S / (1 + p S) (n x q each). */
static void tilt(const psi_part *r, const double *mu, const double *S, int n,
                 int q, double *Mt, double *Qm)
{
    for (int c = 0; c < q; c++)
        for (int i = 0; i < n; i++) {
            size_t ic = i + (size_t) c * n;
            double d = 1.0 + r->w[c] * S[ic];
            Mt[ic] = mu[ic] / d;
            Qm[ic] = r->w[c] * S[ic] / d;
        }
}

/* T = Psi1' Mt + Z .* (Psi1' Qm), m x q. */
static double *tilted_T(const double *Psi1, const double *Mt,
                        const double *Qm, const double *Z, int n, int m,
                        int q)
{
    double *T = (double *) R_alloc((size_t) m * q, sizeof(double));
    double *T2 = (double *) R_alloc((size_t) m * q, sizeof(double));
    matmul('T', 'N', m, q, n, 1.0, Psi1, n, Mt, n, 0.0, T);
    matmul('T', 'N', m, q, n, 1.0, Psi1, n, Qm, n, 0.0, T2);
    for (size_t i = 0; i < (size_t) m * q; i++) T[i] += Z[i] * T2[i];
    return T;
}

static void add_sym(double *Psi2, const double *C, int m, double f)
{
    for (int l = 0; l < m; l++)
        for (int j = 0; j < m; j++)
            Psi2[j + (size_t) l * m] += f * (C[j + (size_t) l * m] +
                                             C[l + (size_t) j * m]);
}

void gplvm_psi_stats(const gplvm_kernel *k, const double *mu,
                     const double *S, int n, const double *Z, int m, int q,
                     double *psi0, double *Psi1, double *Psi2, int nthreads)
{
    psi_part *pt = psi_parts(k, q);
    int np = k->nparts;
    size_t nm = (size_t) n * m, mm = (size_t) m * m;
    double **P1 = (double **) R_alloc(np, sizeof(double *));
    double *C = (double *) R_alloc(mm, sizeof(double));
    double *Cm = second_moment(mu, S, n, q);
    *psi0 = 0.0;
    memset(Psi1, 0, nm * sizeof(double));
    memset(Psi2, 0, mm * sizeof(double));
    for (int a = 0; a < np; a++) {
        P1[a] = NULL;
        if (pt[a].type == PSI_WHITE) continue;
        P1[a] = (double *) R_alloc(nm, sizeof(double));
        part_psi1(pt + a, mu, S, n, Z, m, q, P1[a], nthreads);
        for (size_t i = 0; i < nm; i++) Psi1[i] += P1[a][i];
        if (pt[a].type == PSI_LINEAR) {
            for (int c = 0; c < q; c++) *psi0 += pt[a].w[c] * Cm[c + c * q];
        } else {
            *psi0 += n * pt[a].v;
        }
    }
    for (int a = 0; a < np; a++) {
        for (int b = a; b < np; b++) {
            const psi_part *A = pt + a, *B = pt + b;
            int own = a == b;
            if (A->type == PSI_WHITE || B->type == PSI_WHITE) continue;
            if (A->type == PSI_BIAS || B->type == PSI_BIAS) {
                /* bias x part: v colSums(Psi1 of the other part) 1' */
                const psi_part *bias = A->type == PSI_BIAS ? A : B;
                const double *other = A->type == PSI_BIAS ? P1[b] : P1[a];
                double *s = col_sums(other, n, m);
                double f = own ? 0.5 : 1.0;
                for (int l = 0; l < m; l++)
                    for (int j = 0; j < m; j++)
                        Psi2[j + (size_t) l * m] += f * bias->v *
                            (s[j] + s[l]);
            } else if (A->type == PSI_RBF && B->type == PSI_RBF) {
                rbf_ctx x = {A, B, mu, S, Z, NULL, n, m, q, own, NULL,
                             NULL, NULL};
                memset(C, 0, mm * sizeof(double));
                over_rows(n, nthreads, mm, rbf2_scratch(m, q), C,
                          rbf2_stat_rows, &x);
                if (own) {
                    for (int l = 0; l < m; l++)
                        for (int j = l + 1; j < m; j++)
                            C[l + (size_t) j * m] = C[j + (size_t) l * m];
                    for (size_t i = 0; i < mm; i++) Psi2[i] += C[i];
                } else {
                    add_sym(Psi2, C, m, 1.0);
                }
            } else if (A->type == PSI_LINEAR && B->type == PSI_LINEAR) {
                /* Z A C B Z' */
                double *ZA = scale_cols(Z, m, q, A->w);
                double *ZB = scale_cols(Z, m, q, B->w);
                double *ZAC = (double *) R_alloc((size_t) m * q,
                                                 sizeof(double));
                matmul('N', 'N', m, q, q, 1.0, ZA, m, Cm, q, 0.0, ZAC);
                matmul('N', 'T', m, m, q, 1.0, ZAC, m, ZB, m, 0.0, C);
                if (own) for (size_t i = 0; i < mm; i++) Psi2[i] += C[i];
                else add_sym(Psi2, C, m, 1.0);
            } else {
                /* RBF x linear: T B Z' + its transpose */
                const psi_part *r = A->type == PSI_RBF ? A : B;
                const psi_part *lin = A->type == PSI_RBF ? B : A;
                const double *Pr = A->type == PSI_RBF ? P1[a] : P1[b];
                double *Mt = (double *) R_alloc((size_t) n * q,
                                                sizeof(double));
                double *Qm = (double *) R_alloc((size_t) n * q,
                                                sizeof(double));
                tilt(r, mu, S, n, q, Mt, Qm);
                double *T = tilted_T(Pr, Mt, Qm, Z, n, m, q);
                double *ZB = scale_cols(Z, m, q, lin->w);
                matmul('N', 'T', m, m, q, 1.0, T, m, ZB, m, 0.0, C);
                add_sym(Psi2, C, m, 1.0);
            }
        }
    }
}

/* Adds d/d(lengthscale) from d/dp (p = 1 / l^2) to gpar of an RBF part. */
static void rbf_len_grad(const psi_part *a, int q, const double *gp,
                         double *gpar)
{
    for (int c = 0; c < q; c++) {
        double p = a->w[c];
        gpar[a->off + (a->ard ? 1 + c : 1)] += -2.0 * p * sqrt(p) * gp[c];
    }
}

void gplvm_psi_grad(const gplvm_kernel *k, const double *mu, const double *S,
                    int n, const double *Z, int m, int q, double g0,
                    const double *W1, const double *W2, double *gmu,
                    double *gS, double *gZ, double *gpar, int nthreads)
{
    psi_part *pt = psi_parts(k, q);
    int np = k->nparts;
    size_t nm = (size_t) n * m, mq = (size_t) m * q, nq = (size_t) n * q;
    double **P1 = (double **) R_alloc(np, sizeof(double *));
    double **G1 = (double **) R_alloc(np, sizeof(double *));
    double *Cm = second_moment(mu, S, n, q);
    double *w2 = (double *) R_alloc(m, sizeof(double));   /* W2 1 */
    double sW2 = 0.0;
    for (int j = 0; j < m; j++) {
        w2[j] = 0.0;
        for (int l = 0; l < m; l++) w2[j] += W2[j + (size_t) l * m];
        sW2 += w2[j];
    }
    double *WZ = (double *) R_alloc(mq, sizeof(double));
    matmul('N', 'N', m, q, m, 1.0, W2, m, Z, m, 0.0, WZ);
    double *P = (double *) R_alloc((size_t) q * q, sizeof(double));
    matmul('T', 'N', q, q, m, 1.0, Z, m, WZ, m, 0.0, P);   /* Z' W2 Z */
    double *dC = (double *) R_alloc((size_t) q * q, sizeof(double));
    memset(dC, 0, (size_t) q * q * sizeof(double));        /* dF/dCm */

    /* per-part Psi1 and its weights, W1 plus what the cross terms add */
    for (int a = 0; a < np; a++) {
        P1[a] = G1[a] = NULL;
        if (pt[a].type == PSI_WHITE) continue;
        P1[a] = (double *) R_alloc(nm, sizeof(double));
        part_psi1(pt + a, mu, S, n, Z, m, q, P1[a], nthreads);
        G1[a] = (double *) R_alloc(nm, sizeof(double));
        memcpy(G1[a], W1, nm * sizeof(double));
    }

    for (int a = 0; a < np; a++) {
        for (int b = a; b < np; b++) {
            const psi_part *A = pt + a, *B = pt + b;
            int own = a == b;
            if (A->type == PSI_WHITE || B->type == PSI_WHITE) continue;
            if (A->type == PSI_BIAS && B->type == PSI_BIAS) {
                /* own: n v^2 11'; pair: 2 n v v' 11' */
                gpar[A->off] += 2.0 * n * B->v * sW2;
                if (!own) gpar[B->off] += 2.0 * n * A->v * sW2;
            } else if (A->type == PSI_BIAS || B->type == PSI_BIAS) {
                int ib = A->type == PSI_BIAS ? a : b;
                int io = A->type == PSI_BIAS ? b : a;
                double v = pt[ib].v, *s = col_sums(P1[io], n, m), t = 0.0;
                for (int j = 0; j < m; j++) t += w2[j] * s[j];
                gpar[pt[ib].off] += 2.0 * t;
                for (int j = 0; j < m; j++)
                    for (int i = 0; i < n; i++)
                        G1[io][i + (size_t) j * n] += 2.0 * v * w2[j];
            } else if (A->type == PSI_RBF && B->type == PSI_RBF) {
                size_t alen = mq + 2 * (size_t) q + 2;
                double *acc = (double *) R_alloc(alen, sizeof(double));
                memset(acc, 0, alen * sizeof(double));
                rbf_ctx x = {A, B, mu, S, Z, W2, n, m, q, own, NULL, gmu,
                             gS};
                over_rows(n, nthreads, alen, rbf2_scratch(m, q), acc,
                          rbf2_grad_rows, &x);
                for (size_t i = 0; i < mq; i++) gZ[i] += acc[i];
                rbf_len_grad(A, q, acc + mq, gpar);
                rbf_len_grad(B, q, acc + mq + q, gpar);
                gpar[A->off] += acc[mq + 2 * q];
                gpar[B->off] += acc[mq + 2 * q + 1];
            } else if (A->type == PSI_LINEAR && B->type == PSI_LINEAR) {
                /* f = s tr(P A C B), s = 1 (own) or 2 */
                double s = own ? 1.0 : 2.0;
                for (int c = 0; c < q; c++)
                    for (int e = 0; e < q; e++) {
                        double pce = P[c + (size_t) e * q];
                        dC[c + (size_t) e * q] += 0.5 * s * pce *
                            (A->w[c] * B->w[e] + B->w[c] * A->w[e]);
                    }
                /* d/da_c = s (C B P)_cc, d/db_c = s (P A C)_cc */
                for (int c = 0; c < q; c++) {
                    double ga = 0.0, gb = 0.0;
                    for (int e = 0; e < q; e++) {
                        double cp = Cm[c + (size_t) e * q] *
                            P[e + (size_t) c * q];
                        ga += cp * B->w[e];
                        gb += cp * A->w[e];
                    }
                    gpar[A->off + (A->ard ? c : 0)] += s * ga;
                    gpar[B->off + (B->ard ? c : 0)] += s * gb;
                }
                /* dZ = s W2 Z (A C B + B C A) */
                double *K = (double *) R_alloc((size_t) q * q,
                                               sizeof(double));
                for (int c = 0; c < q; c++)
                    for (int e = 0; e < q; e++)
                        K[c + (size_t) e * q] = Cm[c + (size_t) e * q] *
                            (A->w[c] * B->w[e] + B->w[c] * A->w[e]);
                matmul('N', 'N', m, q, q, s, WZ, m, K, q, 1.0, gZ);
            } else {
                /* RBF x linear, f = 2 sum Psi1 .* h, h = Mt V' + Qm (Z.V)',
                 * V = W2 Z B */
                int ir = A->type == PSI_RBF ? a : b;
                const psi_part *r = pt + ir;
                const psi_part *lin = A->type == PSI_RBF ? B : A;
                const double *Pr = P1[ir];
                double *Mt = (double *) R_alloc(nq, sizeof(double));
                double *Qm = (double *) R_alloc(nq, sizeof(double));
                double *V = scale_cols(WZ, m, q, lin->w);
                double *VZ = (double *) R_alloc(mq, sizeof(double));
                for (size_t i = 0; i < mq; i++) VZ[i] = V[i] * Z[i];
                tilt(r, mu, S, n, q, Mt, Qm);
                matmul('N', 'T', n, m, q, 2.0, Mt, n, V, m, 1.0, G1[ir]);
                matmul('N', 'T', n, m, q, 2.0, Qm, n, VZ, m, 1.0, G1[ir]);
                double *PV = (double *) R_alloc(nq, sizeof(double));
                double *PVZ = (double *) R_alloc(nq, sizeof(double));
                matmul('N', 'N', n, q, m, 1.0, Pr, n, V, m, 0.0, PV);
                matmul('N', 'N', n, q, m, 1.0, Pr, n, VZ, m, 0.0, PVZ);
                double *gp = (double *) R_alloc(q, sizeof(double));
                for (int c = 0; c < q; c++) {
                    double p = r->w[c];
                    gp[c] = 0.0;
                    for (int i = 0; i < n; i++) {
                        size_t ic = i + (size_t) c * n;
                        double d = 1.0 + p * S[ic];
                        double t = PVZ[ic] - mu[ic] * PV[ic];
                        gmu[ic] += 2.0 * PV[ic] / d;
                        gS[ic] += 2.0 * p * t / (d * d);
                        gp[c] += 2.0 * S[ic] * t / (d * d);
                    }
                }
                rbf_len_grad(r, q, gp, gpar);
                /* through Z in m: 2 V .* (Psi1' Qm) */
                double *PQ = (double *) R_alloc(mq, sizeof(double));
                matmul('T', 'N', m, q, n, 1.0, Pr, n, Qm, n, 0.0, PQ);
                for (size_t i = 0; i < mq; i++) gZ[i] += 2.0 * V[i] * PQ[i];
                /* through V = W2 Z B: dF/dV = 2 T */
                double *T = tilted_T(Pr, Mt, Qm, Z, n, m, q);
                double *TB = scale_cols(T, m, q, lin->w);
                matmul('N', 'N', m, q, m, 2.0, W2, m, TB, m, 1.0, gZ);
                for (int c = 0; c < q; c++) {
                    double g = 0.0;
                    for (int j = 0; j < m; j++)
                        g += T[j + (size_t) c * m] * WZ[j + (size_t) c * m];
                    gpar[lin->off + (lin->ard ? c : 0)] += 2.0 * g;
                }
            }
        }
    }

    /* psi0 and Psi1 of each part with its accumulated weights */
    for (int a = 0; a < np; a++) {
        const psi_part *A = pt + a;
        if (A->type == PSI_WHITE) continue;
        if (A->type == PSI_BIAS) {
            double s = 0.0;
            for (size_t i = 0; i < nm; i++) s += G1[a][i];
            gpar[A->off] += s + g0 * n;
        } else if (A->type == PSI_RBF) {
            size_t alen = mq + q + 1;
            double *acc = (double *) R_alloc(alen, sizeof(double));
            memset(acc, 0, alen * sizeof(double));
            rbf_ctx x = {A, A, mu, S, Z, G1[a], n, m, q, 1, P1[a], gmu, gS};
            over_rows(n, nthreads, alen, m, acc, rbf_psi1_grad_rows, &x);
            for (size_t i = 0; i < mq; i++) gZ[i] += acc[i];
            rbf_len_grad(A, q, acc + mq, gpar);
            gpar[A->off] += acc[mq + q] + g0 * n;
        } else {
            /* Psi1 = Mu A Z': dMu += G Z A, dZ += G' Mu A,
             * da_c += sum_i mu_ic (G Z)_ic; psi0 = sum_c a_c Cm_cc */
            double *GZ = (double *) R_alloc(nq, sizeof(double));
            double *GM = (double *) R_alloc(mq, sizeof(double));
            matmul('N', 'N', n, q, m, 1.0, G1[a], n, Z, m, 0.0, GZ);
            matmul('T', 'N', m, q, n, 1.0, G1[a], n, mu, n, 0.0, GM);
            for (int c = 0; c < q; c++) {
                double ac = A->w[c], s = 0.0;
                for (int i = 0; i < n; i++) {
                    size_t ic = i + (size_t) c * n;
                    gmu[ic] += ac * GZ[ic];
                    s += mu[ic] * GZ[ic];
                }
                for (int j = 0; j < m; j++)
                    gZ[j + (size_t) c * m] += ac * GM[j + (size_t) c * m];
                gpar[A->off + (A->ard ? c : 0)] += s + g0 * Cm[c + c * q];
                dC[c + (size_t) c * q] += g0 * ac;
            }
        }
    }
    /* through Cm = Mu' Mu + diag(colSums S): dMu += Mu (dC + dC'),
     * dS_ic += dC_cc */
    for (int c = 0; c < q; c++)
        for (int e = 0; e < q; e++) {
            double d = dC[c + (size_t) e * q] + dC[e + (size_t) c * q];
            if (d == 0.0) continue;
            for (int i = 0; i < n; i++)
                gmu[i + (size_t) c * n] += mu[i + (size_t) e * n] * d;
        }
    for (int c = 0; c < q; c++)
        for (int i = 0; i < n; i++)
            gS[i + (size_t) c * n] += dC[c + (size_t) c * q];
}
