/* Passes over the kernel table, first half: covariance matrices and the
 * gradient contraction of a symmetric one (the exact engine's hot loops).
 *
 * Radial parts work on scaled inputs X / l, so that r^2 is a plain squared
 * distance, column by column on vectors: with w = -2 g f'(r^2),
 *   dk/da_c = -v w (a_c - b_c) / l_c^2,  dk/dl_c = v w (a_c - b_c)^2 / l_c^3.
 * Pair parts are called one pair of points at a time; constant and white
 * parts are handled here.
 */
#include "kernel_impl.h"

/* r2[i] = |xs_{i0+i} - x2s_j|^2 for i < len. */
INLINE void sq_dist(const double *xs, int n, const double *x2s, int m, int q,
                    int i0, int j, int len, double *r2)
{
    for (int i = 0; i < len; i++) r2[i] = 0.0;
    for (int c = 0; c < q; c++) {
        const double *xc = xs + i0 + (size_t) c * n;
        double xj = x2s[j + (size_t) c * m];
        SIMD
        for (int i = 0; i < len; i++) {
            double d = xc[i] - xj;
            r2[i] += d * d;
        }
    }
}

/* Column j of k(X, X2), rows i0 .. n-1, into out[0 .. n-i0-1].  sym: X2 is
 * X and i0 = j (out[0] is the diagonal).  If ecache is not NULL, the first
 * radial part's cache for rows i0+1 .. n-1 goes to ecache[0 ..].  r2, f,
 * c: n doubles of scratch each. */
static HOT void kernel_column(const gplvm_part *pt, int nparts, int n, int m,
                              int q, int j, int i0, int sym, double *out,
                              double *ecache, double *r2, double *f,
                              double *c)
{
    int len = n - i0;
    for (int i = 0; i < len; i++) out[i] = 0.0;
    for (int p = 0; p < nparts; p++) {
        const gplvm_part *a = pt + p;
        double v = a->par[0];
        switch (a->def->family) {
        case GPLVM_RADIAL: {
            /* the diagonal of a symmetric column is v exactly */
            int off = sym ? 1 : 0;
            double *cc = ecache ? ecache - 1 : c;
            double *ff = a->def->value_is_cache ? cc : f;
            sq_dist(a->xs, n, a->x2s, m, q, i0, j, len, r2);
            a->def->radial_value(a->extra, len - off, r2 + off, ff + off,
                                 cc + off);
            if (off) out[0] += v;
            SIMD
            for (int i = off; i < len; i++) out[i] += v * ff[i];
            ecache = NULL;
            break;
        }
        case GPLVM_PAIR: {
            const double *b = a->x2s + (size_t) j * q;
            for (int i = 0; i < len; i++)
                out[i] += a->def->pair_value(a->par, a->np, q,
                                             a->xs + (size_t) (i0 + i) * q,
                                             b);
            break;
        }
        case GPLVM_CONSTANT:
            for (int i = 0; i < len; i++) out[i] += v;
            break;
        default:   /* white */
            if (sym) out[0] += v;
        }
    }
}

/* Fills K (n x m) = k(X, X2) column by column; sym: X2 == X and only the
 * lower triangle; cache: also the cache (see gplvm.h), in K's strict upper
 * triangle (sym) or, for a cross covariance, in xcache (n x m). */
static void fill_kernel(const gplvm_kernel *k, const double *X, int n,
                        const double *X2, int m, int q, int sym, int cache,
                        double *K, double *xcache, int nthreads)
{
    gplvm_part *pt = gplvm_prepare_parts(k, X, n, X2, m, q);
    /* per-thread scratch, 3 columns each */
    size_t ld = ((size_t) n + 7) & ~(size_t) 7;
    double *scr = (double *) R_alloc(3 * ld * nthreads, sizeof(double));
    (void) nthreads;
    /* chunks of 256 columns, with a check for interrupts after each */
    for (int j0 = 0; j0 < m; j0 += 256) {
        int j1 = m - j0 > 256 ? j0 + 256 : m;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nthreads) schedule(dynamic, 8)
#endif
        for (int j = j0; j < j1; j++) {
            int i0 = sym ? j : 0;
            /* kernel_column writes the cache of row i0 + i to ecache[i - 1] */
            double *ecache = !cache ? NULL :
                !sym ? xcache + (size_t) j * n + 1 :
                j < n - 1 ? K + (size_t) (n - 1 - j) * n : NULL;
            double *s = scr + 3 * ld * THREAD_ID;
            kernel_column(pt, k->nparts, n, m, q, j, i0, sym,
                          K + i0 + (size_t) j * n, ecache, s, s + ld,
                          s + 2 * ld);
        }
        R_CheckUserInterrupt();
    }
}

void gplvm_kernel_cross(const gplvm_kernel *k, const double *X, int n,
                        const double *X2, int m, int q, double *K)
{
    fill_kernel(k, X, n, X2, m, q, 0, 0, K, NULL, 1);
}

void gplvm_kernel_cross_cached(const gplvm_kernel *k, const double *X, int n,
                               const double *X2, int m, int q, double *K,
                               double *cache)
{
    fill_kernel(k, X, n, X2, m, q, 0, cache != NULL, K, cache, 1);
}

void gplvm_kernel_sym(const gplvm_kernel *k, const double *X, int n, int q,
                      double *K)
{
    fill_kernel(k, X, n, X, n, q, 1, 0, K, NULL, 1);
}

void gplvm_kernel_sym_cached(const gplvm_kernel *k, const double *X, int n,
                             int q, double *K, int nthreads)
{
    fill_kernel(k, X, n, X, n, q, 1, 1, K, NULL, nthreads);
}

/* Fixed partition of the columns of an n x n lower triangle into nb blocks
 * of about equal area, start[0] = 0 < ... < start[nb] = n.  It depends on
 * n only, never on the thread count. */
static int column_blocks(int n, int **start)
{
    int nb = n / 64;
    if (nb < 1) nb = 1;
    if (nb > 32) nb = 32;
    int *s = (int *) R_alloc(nb + 1, sizeof(int));
    s[0] = 0;
    for (int b = 1; b < nb; b++) {
        s[b] = n - (int) floor(n * sqrt(1.0 - (double) b / nb) + 0.5);
        if (s[b] <= s[b - 1]) s[b] = s[b - 1] + 1;
    }
    s[nb] = n;
    *start = s;
    return nb;
}

/* Columns j0 .. j1-1 of the gradient pass of grad_radial(): adds the
 * symmetric contributions to sc (n x q, zeroed here), writes the gathered
 * ones to gath, and bs[0] = trace, bs[1] = sum G over the pairs,
 * bs[2 .. q+1] = the lengthscale sums, bs[q+2 ..] = sum G f and the sums
 * of the extra parameters (unit variance).  w, r2: n doubles of scratch. */
static HOT void grad_block(const gplvm_part *a, int n, int q, const double *G,
                           int cached, int j0, int j1, double *sc,
                           double *bs, double *gath, double *w, double *r2)
{
    const double *xs = a->xs;
    int need_r2 = !cached || a->def->grad_uses_r2;
    double tr = 0.0, sG = 0.0, *acc = bs + q + 2;
    memset(sc, 0, (size_t) n * q * sizeof(double));
    memset(bs + 2, 0, (size_t) (q + 1 + a->nextra) * sizeof(double));
    for (int j = j0; j < j1; j++) {
        const double *g = G + j + (size_t) j * n + 1;
        const double *e = G + (size_t) (n - 1 - j) * n;
        int len = n - 1 - j;
        tr += g[-1];
        if (need_r2) sq_dist(xs, n, xs, n, q, j + 1, j, len, r2);
        a->def->radial_grad(a->extra, len, need_r2 ? r2 : NULL,
                            cached ? e : NULL, g, w, acc);
        SIMD_SUM(sG)
        for (int i = 0; i < len; i++) sG += g[i];
        for (int c = 0; c < q; c++) {
            const double *xc = xs + (size_t) c * n + j + 1;
            double *scc = sc + (size_t) c * n + j + 1;
            double xj = xs[j + (size_t) c * n], sum = 0.0, gl = 0.0;
            SIMD_SUM(sum, gl)
            for (int i = 0; i < len; i++) {
                double d = xc[i] - xj, t = w[i] * d;
                scc[i] += t;
                sum += t;
                gl += t * d;
            }
            gath[j + (size_t) c * n] = -sum;
            bs[2 + c] += gl;
        }
    }
    bs[0] = tr;
    bs[1] = sG;
}

/* Gradient of radial part `a` with weights w_ij = -2 G_ij f'(r_ij), one
 * pass over the pairs i > j, column blocks spread over threads.  Column j
 * gathers -sum_i w_ij (xs_i - xs_j) directly; the symmetric contributions to
 * rows i > j go to a per-block buffer, combined afterwards in block order.
 * gpar gets dL/dv, dL/dl, dL/dextra.  If sums is not NULL, also
 * sums[0] = trace(G) and sums[1] = sum over i > j of G_ij.  cached: the
 * strict upper triangle of G holds this part's cache. */
static void grad_radial(const gplvm_part *a, int n, int q, const double *G,
                        int cached, double *gX, double *gpar, double *sums,
                        int nthreads)
{
    int *start, nb = column_blocks(n, &start), nbs = q + 3 + a->nextra;
    double v = a->par[0];
    size_t nq = (size_t) n * q;
    /* per block: scatter buffer (n x q), then nbs scalars */
    double *scat = (double *) R_alloc(nq * nb, sizeof(double));
    double *bsum = (double *) R_alloc((size_t) nbs * nb, sizeof(double));
    double *gath = (double *) R_alloc(nq, sizeof(double));
    /* per-thread scratch at the same alignment for every thread, so that
     * vectorised sums add in the same order whatever the thread count */
    size_t ld = ((size_t) n + 7) & ~(size_t) 7;
    double *wbuf = (double *) R_alloc(2 * ld * nthreads, sizeof(double));
    (void) nthreads;

#ifdef _OPENMP
#pragma omp parallel for num_threads(nthreads) schedule(dynamic, 1)
#endif
    for (int b = 0; b < nb; b++) {
        double *w = wbuf + 2 * ld * THREAD_ID;
        grad_block(a, n, q, G, cached, start[b], start[b + 1],
                   scat + nq * b, bsum + (size_t) nbs * b, gath, w, w + ld);
    }

    /* combine the blocks in a fixed order; off-diagonal pairs were counted
     * once (G is symmetric), and f(0) = 1 on the diagonal */
    double tot[64], *t = nbs <= 64 ? tot :
        (double *) R_alloc(nbs, sizeof(double));
    for (int i = 0; i < nbs; i++) t[i] = 0.0;
    for (int b = 0; b < nb; b++)
        for (int i = 0; i < nbs; i++) t[i] += bsum[(size_t) nbs * b + i];
    gpar[0] += 2.0 * t[q + 2] + t[0];
    for (int e = 0; e < a->nextra; e++)
        gpar[1 + a->nl + e] += 2.0 * v * t[q + 3 + e];
    for (int c = 0; c < q; c++) {
        double s = gplvm_inv_len(a, c);
        gpar[a->nl == 1 ? 1 : 1 + c] += 2.0 * v * s * t[2 + c];
        for (int i = 0; i < n; i++) {
            size_t ic = i + (size_t) c * n;
            double u = gath[ic];
            for (int b = 0; b < nb; b++) u += scat[nq * b + ic];
            gX[ic] -= 2.0 * v * s * u;
        }
    }
    if (sums) {
        sums[0] = t[0];
        sums[1] = t[1];
    }
}

/* Gradient of a pair part: every pair i >= j once, G_ij counted twice off
 * the diagonal, on the rows of X (q x n) and a transposed gradient. */
static void grad_pair(const gplvm_part *a, int n, int q, const double *G,
                      double *gX, double *gpar)
{
    double *gt = (double *) R_alloc((size_t) n * q, sizeof(double));
    memset(gt, 0, (size_t) n * q * sizeof(double));
    for (int j = 0; j < n; j++) {
        const double *b = a->xs + (size_t) j * q;
        for (int i = j; i < n; i++) {
            double s = (i == j ? 1.0 : 2.0) * G[i + (size_t) j * n];
            a->def->pair_grad(a->par, a->np, q, a->xs + (size_t) i * q, b,
                              s, gt + (size_t) i * q, gt + (size_t) j * q,
                              gpar);
        }
        if ((j & 255) == 255) R_CheckUserInterrupt();
    }
    for (int c = 0; c < q; c++)
        for (int i = 0; i < n; i++)
            gX[i + (size_t) c * n] += gt[c + (size_t) i * q];
}

void gplvm_kernel_grad(const gplvm_kernel *k, const double *X, int n, int q,
                       const double *G, int cached, double *gX, double *gpar,
                       double *trace, int nthreads)
{
    gplvm_part *pt = gplvm_prepare_parts(k, X, n, X, n, q);
    double sums[2] = {0.0, 0.0};   /* trace(G), sum_{i > j} G_ij */
    int have_sums = 0, off = 0;

    for (int p = 0; p < k->nparts; off += pt[p].np, p++) {
        if (pt[p].def->family != GPLVM_RADIAL) continue;
        grad_radial(pt + p, n, q, G, cached && !have_sums, gX, gpar + off,
                    have_sums ? NULL : sums, nthreads);
        have_sums = 1;
        R_CheckUserInterrupt();
    }
    if (!have_sums) {
        for (int j = 0; j < n; j++) {
            sums[0] += G[j + (size_t) j * n];
            for (int i = j + 1; i < n; i++) sums[1] += G[i + (size_t) j * n];
        }
    }
    off = 0;
    for (int p = 0; p < k->nparts; off += pt[p].np, p++) {
        switch (pt[p].def->family) {
        case GPLVM_PAIR:
            grad_pair(pt + p, n, q, G, gX, gpar + off);
            break;
        case GPLVM_CONSTANT:
            gpar[off] += 2.0 * sums[1] + sums[0];
            break;
        case GPLVM_WHITE:
            gpar[off] += sums[0];
            break;
        default:
            break;
        }
    }
    *trace = sums[0];
}
