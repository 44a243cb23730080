/* Psi-statistics of the Bayesian GP-LVM and their gradient contractions,
 * for a sum of kernel parts, each reached through its kernel table entry
 * (`psi`, operations in src/psi_<kernel>.c; what they are and the rules
 * for the cross terms of a sum in src/psi_impl.h).
 *
 * Under q(x_n) = N(mu_n, diag S_n) and inducing inputs Z (m x q):
 *   psi0 = sum_n <k(x_n, x_n)>,  Psi1[n, j] = <k(x_n, z_j)>,
 *   Psi2 = sum_n <k(Z, x_n) k(x_n, Z)>;
 * for k = sum_a k_a, Psi2 = sum_a sum_b <k_a k_b>: each part's own term
 * and, for each pair a < b, C_ab + C_ab'.  White parts are not handled
 * here (the bound treats them as noise).  Results do not depend on the
 * thread count: the row loops sum per block, in block order.
 */
#include "psi_impl.h"

#define ROWS_PER_BLOCK 64
#define BLOCK_GROUP 16

void gplvm_psi_over_rows(int n, int nthreads, size_t acclen, size_t scrlen,
                         double *out, gplvm_psi_rows_fn f, const void *ctx)
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

double *gplvm_psi_scale_cols(const double *Z, int m, int q, const double *w)
{
    double *out = (double *) R_alloc((size_t) m * q, sizeof(double));
    for (int c = 0; c < q; c++)
        for (int j = 0; j < m; j++)
            out[j + (size_t) c * m] = Z[j + (size_t) c * m] * w[c];
    return out;
}

int gplvm_psi_white(const gplvm_kernel *k, int p)
{
    return gplvm_part_def(k, p)->family == GPLVM_WHITE;
}

static int is_constant(const gplvm_kernel *k, int p)
{
    return gplvm_part_def(k, p)->family == GPLVM_CONSTANT;
}

/* The rule for the Psi2 term of parts a <= b (src/psi_impl.h), or 0 when
 * none applies; *first and *second: the constant or linear part and the
 * other one. */
enum { RULE_NONE = 0, RULE_CONSTANT, RULE_LINEAR, RULE_PAIR };
static int psi2_rule(const gplvm_kernel *k, int a, int b, int *first,
                     int *second)
{
    const gplvm_psi_ops *A = gplvm_part_def(k, a)->psi,
        *B = gplvm_part_def(k, b)->psi;
    *first = a;
    *second = b;
    if (is_constant(k, a) || is_constant(k, b)) {
        if (!is_constant(k, a)) *first = b, *second = a;
        return RULE_CONSTANT;
    }
    if (A->linear || B->linear) {
        /* T of the other part times the linear part's weights */
        if (B->linear) *first = b, *second = a;
        if (gplvm_part_def(k, *second)->psi->moment) return RULE_LINEAR;
    }
    if (A->pair && A->pair == B->pair) return RULE_PAIR;
    return RULE_NONE;
}


static gplvm_psi_part *psi_parts(const gplvm_kernel *k, int q)
{
    gplvm_psi_part *pt = (gplvm_psi_part *) R_alloc(k->nparts,
                                                    sizeof(gplvm_psi_part));
    for (int p = 0, off = 0; p < k->nparts; off += k->npar[p++]) {
        gplvm_psi_part *a = pt + p;
        a->ops = gplvm_part_def(k, p)->psi;
        a->off = off;
        a->v = 0.0;
        a->ard = 0;
        a->w = (double *) R_alloc(q, sizeof(double));
        if (a->ops->prepare) a->ops->prepare(k->par + off, k->npar[p], q, a);
    }
    return pt;
}

/* Cm = Mu' Mu + diag(colSums S), q x q. */
static double *second_moment(const double *mu, const double *S, int n, int q)
{
    double *C = (double *) R_alloc((size_t) q * q, sizeof(double));
    gplvm_gemm('T', 'N', q, q, n, 1.0, mu, n, mu, n, 0.0, C);
    for (int c = 0; c < q; c++) {
        double s = 0.0;
        for (int i = 0; i < n; i++) s += S[i + (size_t) c * n];
        C[c + (size_t) c * q] += s;
    }
    return C;
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

static void add_term(double *Psi2, const double *C, int m, int own)
{
    for (int l = 0; l < m; l++)
        for (int j = 0; j < m; j++)
            Psi2[j + (size_t) l * m] += own ? C[j + (size_t) l * m] :
                C[j + (size_t) l * m] + C[l + (size_t) j * m];
}

/* The terms of Psi2: each pair of parts a <= b other than white, with its
 * rule and the parts in the rule's order (f: the constant or linear
 * part). */
typedef struct {
    int a, b, f, s, own, rule;
} psi2_term;

static psi2_term *psi2_terms(const gplvm_kernel *k, int *nt)
{
    psi2_term *t = (psi2_term *) R_alloc((size_t) k->nparts *
                                         (k->nparts + 1) / 2 + 1,
                                         sizeof(psi2_term));
    *nt = 0;
    for (int a = 0; a < k->nparts; a++)
        for (int b = a; b < k->nparts; b++) {
            psi2_term *e = t + *nt;
            if (gplvm_psi_white(k, a) || gplvm_psi_white(k, b)) continue;
            e->a = a;
            e->b = b;
            e->own = a == b;
            e->rule = psi2_rule(k, a, b, &e->f, &e->s);
            (*nt)++;
        }
    return t;
}

int gplvm_psi_unsupported(const gplvm_kernel *k)
{
    int nt;
    for (int p = 0; p < k->nparts; p++)
        if (!gplvm_part_def(k, p)->psi) return p;
    psi2_term *terms = psi2_terms(k, &nt);
    for (int e = 0; e < nt; e++)
        if (terms[e].rule == RULE_NONE) return terms[e].b;
    return -1;
}

/* Psi1 of every part other than white (NULL for white), R_alloc'd. */
static double **part_psi1(const gplvm_kernel *k, const gplvm_psi_part *pt,
                          const gplvm_psi_in *in, double *psi0)
{
    double **P1 = (double **) R_alloc(k->nparts, sizeof(double *));
    *psi0 = 0.0;
    for (int a = 0; a < k->nparts; a++) {
        P1[a] = NULL;
        if (gplvm_psi_white(k, a)) continue;
        P1[a] = (double *) R_alloc((size_t) in->n * in->m, sizeof(double));
        *psi0 += pt[a].ops->psi1(pt + a, in, P1[a]);
    }
    return P1;
}

size_t gplvm_psi_cache_len(int n, int m)
{
    return (size_t) n * ((size_t) m * (m + 1) / 2);
}

/* The cache goes to the first own term of an RBF part alone, the same
 * one in gplvm_psi_stats() and gplvm_psi_grad(). */
static double *term_cache(const gplvm_psi_part *pt, const psi2_term *t,
                          double *cache, int *given)
{
    if (!cache || *given || !t->own || pt[t->a].ops != &gplvm_psi_ops_rbf)
        return NULL;
    *given = 1;
    return cache;
}

void gplvm_psi_stats(const gplvm_kernel *k, const double *mu,
                     const double *S, int n, const double *Z, int m, int q,
                     double *psi0, double *Psi1, double *Psi2, int nthreads,
                     double *cache)
{
    gplvm_psi_part *pt = psi_parts(k, q);
    gplvm_psi_in in = {mu, S, Z, second_moment(mu, S, n, q), n, m, q,
                       nthreads, NULL};
    int given = 0;
    size_t nm = (size_t) n * m, mm = (size_t) m * m;
    int nt;
    double **P1 = part_psi1(k, pt, &in, psi0);
    double *C = (double *) R_alloc(mm, sizeof(double));
    double *T = (double *) R_alloc((size_t) m * q, sizeof(double));
    memset(Psi1, 0, nm * sizeof(double));
    memset(Psi2, 0, mm * sizeof(double));
    for (int a = 0; a < k->nparts; a++)
        if (P1[a]) for (size_t i = 0; i < nm; i++) Psi1[i] += P1[a][i];
    const psi2_term *t = psi2_terms(k, &nt);
    for (; nt > 0; nt--, t++) {
        int f = t->f, s = t->s, own = t->own;
        switch (t->rule) {
        case RULE_CONSTANT: {
            /* v colSums(Psi1 of the other part) 1' */
            double *cs = col_sums(P1[s], n, m), h = own ? 0.5 : 1.0;
            for (int l = 0; l < m; l++)
                for (int j = 0; j < m; j++)
                    Psi2[j + (size_t) l * m] += h * pt[f].v *
                        (cs[j] + cs[l]);
            break;
        }
        case RULE_LINEAR: {
            /* T_s diag(w_f) Z' */
            double *ZW = gplvm_psi_scale_cols(Z, m, q, pt[f].w);
            pt[s].ops->moment(pt + s, &in, P1[s], T);
            gplvm_gemm('N', 'T', m, m, q, 1.0, T, m, ZW, m, 0.0, C);
            add_term(Psi2, C, m, own);
            break;
        }
        case RULE_PAIR:
            in.cache = term_cache(pt, t, cache, &given);
            pt[t->a].ops->pair(pt + t->a, pt + t->b, &in, C);
            add_term(Psi2, C, m, own);
            break;
        default:
            break;   /* refused by gplvm_psi_unsupported() */
        }
    }
}

void gplvm_psi_grad(const gplvm_kernel *k, const double *mu, const double *S,
                    int n, const double *Z, int m, int q, double g0,
                    const double *W1, const double *W2, double *gmu,
                    double *gS, double *gZ, double *gpar, int nthreads,
                    double *cache)
{
    gplvm_psi_part *pt = psi_parts(k, q);
    gplvm_psi_in in = {mu, S, Z, second_moment(mu, S, n, q), n, m, q,
                       nthreads, NULL};
    int given = 0;
    size_t nm = (size_t) n * m, mq = (size_t) m * q;
    double *gC = (double *) R_alloc((size_t) q * q, sizeof(double));
    memset(gC, 0, (size_t) q * q * sizeof(double));
    gplvm_psi_grad_out out = {gmu, gS, gZ, gpar, gC};
    double psi0;
    double **P1 = part_psi1(k, pt, &in, &psi0);
    double **G1 = (double **) R_alloc(k->nparts, sizeof(double *));
    double *w2 = (double *) R_alloc(m, sizeof(double));   /* W2 1 */
    for (int j = 0; j < m; j++) {
        w2[j] = 0.0;
        for (int l = 0; l < m; l++) w2[j] += W2[j + (size_t) l * m];
    }
    double *WZ = (double *) R_alloc(mq, sizeof(double));
    gplvm_gemm('N', 'N', m, q, m, 1.0, W2, m, Z, m, 0.0, WZ);
    double *T = (double *) R_alloc(mq, sizeof(double));
    double *dT = (double *) R_alloc(mq, sizeof(double));

    /* each part's Psi1 weights: W1 plus what the Psi2 terms add */
    for (int a = 0; a < k->nparts; a++) {
        G1[a] = NULL;
        if (!P1[a]) continue;
        G1[a] = (double *) R_alloc(nm, sizeof(double));
        memcpy(G1[a], W1, nm * sizeof(double));
    }
    int nt;
    const psi2_term *t = psi2_terms(k, &nt);
    for (; nt > 0; nt--, t++) {
        int f = t->f, s = t->s, own = t->own;
        switch (t->rule) {
        case RULE_CONSTANT: {
            /* h v sum W2 .* (c 1' + 1 c'), c = colSums(Psi1_s) */
            double *cs = col_sums(P1[s], n, m), h = own ? 1.0 : 2.0,
                tw = 0.0, v = pt[f].v;
            for (int j = 0; j < m; j++) tw += w2[j] * cs[j];
            gpar[pt[f].off] += h * tw;
            for (int j = 0; j < m; j++)
                for (int i = 0; i < n; i++)
                    G1[s][i + (size_t) j * n] += h * v * w2[j];
            break;
        }
        case RULE_LINEAR: {
            /* h sum W2 .* (T diag(w) Z'): dT = h W2 Z diag(w),
             * dZ = h W2 T diag(w), dw_c = h (T' W2 Z)_cc */
            double h = own ? 1.0 : 2.0;
            const gplvm_psi_part *L = pt + f;
            pt[s].ops->moment(pt + s, &in, P1[s], T);
            for (int c = 0; c < q; c++) {
                double g = 0.0;
                for (int j = 0; j < m; j++) {
                    size_t jc = j + (size_t) c * m;
                    dT[jc] = h * WZ[jc] * L->w[c];
                    g += T[jc] * WZ[jc];
                }
                gpar[L->off + (L->ard ? c : 0)] += h * g;
            }
            double *TW = gplvm_psi_scale_cols(T, m, q, L->w);
            gplvm_gemm('N', 'N', m, q, m, h, W2, m, TW, m, 1.0, gZ);
            pt[s].ops->moment_grad(pt + s, &in, P1[s], dT, G1[s], &out);
            break;
        }
        case RULE_PAIR:
            in.cache = term_cache(pt, t, cache, &given);
            pt[t->a].ops->pair_grad(pt + t->a, pt + t->b, &in, W2,
                                     &out);
            break;
        default:
            break;
        }
    }
    /* psi0 and Psi1 of each part with its accumulated weights */
    for (int a = 0; a < k->nparts; a++)
        if (P1[a]) pt[a].ops->psi1_grad(pt + a, &in, g0, G1[a], P1[a], &out);
    /* through Cm = Mu' Mu + diag(colSums S): dMu += Mu (gC + gC'),
     * dS_ic += gC_cc */
    for (int c = 0; c < q; c++)
        for (int e = 0; e < q; e++) {
            double d = gC[c + (size_t) e * q] + gC[e + (size_t) c * q];
            if (d == 0.0) continue;
            for (int i = 0; i < n; i++)
                gmu[i + (size_t) c * n] += mu[i + (size_t) e * n] * d;
        }
    for (int c = 0; c < q; c++)
        for (int i = 0; i < n; i++)
            gS[i + (size_t) c * n] += gC[c + (size_t) c * q];
}
