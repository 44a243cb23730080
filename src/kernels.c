/* Kernel library: covariance matrices and the gradient contraction.
 *
 * Stationary kernels are written in the scaled distance r = |(a - b) / l|:
 *   RBF        k = v exp(-r^2 / 2)
 *   Matern 3/2 k = v (1 + sqrt(3) r) exp(-sqrt(3) r)
 *   Matern 5/2 k = v (1 + sqrt(5) r + 5 r^2 / 3) exp(-sqrt(5) r)
 * and their gradients through psi(r) = -(dk/dr) / r, which is finite at
 * r = 0, so that dk/da_q = -psi (a_q - b_q) / l_q^2 for all three.
 */
#include "gplvm.h"
#include <math.h>
#ifdef _OPENMP
#include <omp.h>
#define THREAD_ID omp_get_thread_num()
#define PRAGMA(x) _Pragma(#x)
#define SIMD PRAGMA(omp simd)
#define SIMD_SUM(...) PRAGMA(omp simd reduction(+:__VA_ARGS__))
#else
#define THREAD_ID 0
#define SIMD
#define SIMD_SUM(...)
#endif
#include <stdint.h>
#include <string.h>

/* The O(n^2) loops are also compiled for AVX2 with FMA, chosen at load time
 * on x86-64 Linux with GCC (function multiversioning); elsewhere, and on
 * older processors, the generic build runs.  Results differ between the two
 * in the last bits only. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    defined(__linux__) && __GNUC__ >= 6
#define HOT __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define HOT
#endif
/* Helpers of the hot loops, inlined so that each clone gets its own copy. */
#ifdef __GNUC__
#define INLINE static inline __attribute__((always_inline))
#else
#define INLINE static inline
#endif

#define SQRT3 1.7320508075688772
#define SQRT5 2.23606797749979

static int is_stationary(int type)
{
    return type == GPLVM_RBF || type == GPLVM_MATERN32 ||
        type == GPLVM_MATERN52;
}

int gplvm_kernel_check(const gplvm_kernel *k, int q)
{
    int total = 0;
    if (k->nparts < 1 || q < 1) return -1;
    for (int p = 0; p < k->nparts; p++) {
        int t = k->type[p], np = k->npar[p];
        if (is_stationary(t)) {
            if (np != 2 && np != 1 + q) return -1;
        } else if (t == GPLVM_LINEAR) {
            if (np != 1 && np != q) return -1;
        } else if (t == GPLVM_BIAS || t == GPLVM_WHITE) {
            if (np != 1) return -1;
        } else {
            return -1;
        }
        total += np;
    }
    return total;
}

/* exp(x) for x >= -708 to within two units in the last place, without
 * branches or calls so that loops over it vectorise: x = k log 2 + r with
 * |r| <= log(2) / 2 (k from the 1.5 * 2^52 rounding trick, log 2 split in
 * two parts), exp(r) by its Taylor polynomial of degree 13 (truncation
 * below 1e-17), times 2^k built in the exponent bits.  For x < -708 the
 * result is meaningless: callers use exp_fix() afterwards. */
INLINE double exp_fast(double x)
{
    const double shift = 6755399441055744.0;   /* 1.5 * 2^52 */
    double t = x * 1.4426950408889634 + shift;
    double k = t - shift;
    double r = (x - k * 6.93147180369123816490e-01) -
        k * 1.90821492927058770002e-10;
    double p = 1.0 / 6227020800.0;
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    uint64_t bits;
    double scale;
    memcpy(&bits, &t, sizeof bits);
    /* low bits of t hold k + 2^51; rebuild 2^k as (k + 1023) << 52 */
    bits = (bits - UINT64_C(0x4338000000000000) + 1023) << 52;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

/* e[i] = exp(x[i]) for i < len, flushing to 0 below -708 (exp < 3e-308). */
INLINE void exp_vec(const double *x, int len, double *e)
{
    SIMD
    for (int i = 0; i < len; i++) e[i] = exp_fast(x[i]);
    for (int i = 0; i < len; i++)
        if (x[i] < -708.0) e[i] = 0.0;
}

/* Exponential factor of a stationary kernel at squared scaled distance r2,
 * then k and psi from it (r2 is needed only by the Matern kernels). */
static double stat_exp(int type, double r2)
{
    double x;
    switch (type) {
    case GPLVM_RBF: x = -0.5 * r2; break;
    case GPLVM_MATERN32: x = -SQRT3 * sqrt(r2); break;
    default: x = -SQRT5 * sqrt(r2);
    }
    return x < -708.0 ? 0.0 : exp_fast(x);
}

static double stat_k(int type, double v, double r2, double e)
{
    double r;
    switch (type) {
    case GPLVM_RBF:
        return v * e;
    case GPLVM_MATERN32:
        r = SQRT3 * sqrt(r2);
        return v * (1.0 + r) * e;
    default:
        r = SQRT5 * sqrt(r2);
        return v * (1.0 + r + r * r / 3.0) * e;
    }
}

static double stat_psi(int type, double v, double r2, double e)
{
    switch (type) {
    case GPLVM_RBF: return v * e;
    case GPLVM_MATERN32: return 3.0 * v * e;
    default: return (5.0 / 3.0) * v * (1.0 + SQRT5 * sqrt(r2)) * e;
    }
}

/* Inverse lengthscale of latent dimension j for a stationary part. */
static double inv_len(const double *par, int np, int j)
{
    return 1.0 / (np == 2 ? par[1] : par[1 + j]);
}

/* Linear variance of latent dimension j. */
static double lin_var(const double *par, int np, int j)
{
    return np == 1 ? par[0] : par[j];
}

/* Scaled copy X / l (n x q), so that r^2 is a plain squared distance. */
static double *scale_inputs(const double *X, int n, int q, const double *par,
                            int np)
{
    double *Xs = (double *) R_alloc((size_t) n * q, sizeof(double));
    for (int j = 0; j < q; j++) {
        double s = inv_len(par, np, j);
        for (int i = 0; i < n; i++)
            Xs[i + (size_t) j * n] = X[i + (size_t) j * n] * s;
    }
    return Xs;
}

/* One part of a kernel ready for the column loops: stationary parts carry
 * their scaled inputs (xs for X, x2s for X2). */
typedef struct {
    int type, np;
    const double *par, *xs, *x2s;
} part_t;

static part_t *prepare_parts(const gplvm_kernel *k, const double *X, int n,
                             const double *X2, int m, int q)
{
    part_t *pt = (part_t *) R_alloc(k->nparts, sizeof(part_t));
    const double *par = k->par;
    for (int p = 0; p < k->nparts; p++) {
        pt[p].type = k->type[p];
        pt[p].np = k->npar[p];
        pt[p].par = par;
        pt[p].xs = pt[p].x2s = NULL;
        if (is_stationary(pt[p].type)) {
            pt[p].xs = scale_inputs(X, n, q, par, pt[p].np);
            pt[p].x2s = X2 == X ? pt[p].xs :
                scale_inputs(X2, m, q, par, pt[p].np);
        }
        par += k->npar[p];
    }
    return pt;
}

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
 * X and i0 = j (out[0] is the diagonal).  If ecache is not NULL, the
 * exponential factors of the first stationary part for rows i0+1 .. n-1 go
 * to ecache[0 ..].  r2, tmp: n doubles of scratch each. */
static HOT void kernel_column(const part_t *pt, int nparts,
                              const double *X, int n, const double *X2,
                              int m, int q, int j, int i0, int sym,
                              double *out, double *ecache, double *r2,
                              double *tmp)
{
    int len = n - i0;
    for (int i = 0; i < len; i++) out[i] = 0.0;
    for (int p = 0; p < nparts; p++) {
        int type = pt[p].type;
        const double *par = pt[p].par;
        if (type == GPLVM_RBF) {
            /* rows after the diagonal of a symmetric column go through the
             * cache (when asked for) so that e is written once */
            int off = sym && ecache ? 1 : 0;
            double v = par[0], *e = off ? ecache - 1 : tmp;
            sq_dist(pt[p].xs, n, pt[p].x2s, m, q, i0, j, len, r2);
            SIMD
            for (int i = 0; i < len; i++) r2[i] *= -0.5;
            exp_vec(r2 + off, len - off, e + off);
            if (off) out[0] += v;
            SIMD
            for (int i = off; i < len; i++) out[i] += v * e[i];
            ecache = NULL;
        } else if (is_stationary(type)) {
            double v = par[0];
            sq_dist(pt[p].xs, n, pt[p].x2s, m, q, i0, j, len, r2);
            for (int i = 0; i < len; i++) {
                double e = stat_exp(type, r2[i]);
                out[i] += stat_k(type, v, r2[i], e);
                if (ecache && i > 0) ecache[i - 1] = e;
            }
            ecache = NULL;
        } else if (type == GPLVM_LINEAR) {
            for (int c = 0; c < q; c++) {
                const double *xc = X + i0 + (size_t) c * n;
                double s = lin_var(par, pt[p].np, c) * X2[j + (size_t) c * m];
                for (int i = 0; i < len; i++) out[i] += s * xc[i];
            }
        } else if (type == GPLVM_BIAS) {
            for (int i = 0; i < len; i++) out[i] += par[0];
        } else if (type == GPLVM_WHITE && sym) {
            out[0] += par[0];
        }
    }
}

/* Fills K (n x m) = k(X, X2) column by column; sym: X2 == X and only the
 * lower triangle; cache: also the exponential cache (see gplvm.h). */
static void fill_kernel(const gplvm_kernel *k, const double *X, int n,
                        const double *X2, int m, int q, int sym, int cache,
                        double *K, int nthreads)
{
    part_t *pt = prepare_parts(k, X, n, X2, m, q);
    /* per-thread scratch, 2 columns each */
    size_t ld = ((size_t) n + 7) & ~(size_t) 7;
    double *r2 = (double *) R_alloc(2 * ld * nthreads, sizeof(double));
    /* chunks of 256 columns, with a check for interrupts after each */
    for (int j0 = 0; j0 < m; j0 += 256) {
        int j1 = m - j0 > 256 ? j0 + 256 : m;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nthreads) schedule(dynamic, 8)
#endif
        for (int j = j0; j < j1; j++) {
            int i0 = sym ? j : 0;
            double *ecache = cache && j < n - 1 ?
                K + (size_t) (n - 1 - j) * n : NULL;
            double *scratch = r2 + 2 * ld * THREAD_ID;
            kernel_column(pt, k->nparts, X, n, X2, m, q, j, i0, sym,
                          K + i0 + (size_t) j * n, ecache, scratch,
                          scratch + ld);
        }
        R_CheckUserInterrupt();
    }
}

void gplvm_kernel_cross(const gplvm_kernel *k, const double *X, int n,
                        const double *X2, int m, int q, double *K)
{
    fill_kernel(k, X, n, X2, m, q, 0, 0, K, 1);
}

void gplvm_kernel_sym(const gplvm_kernel *k, const double *X, int n, int q,
                      double *K)
{
    fill_kernel(k, X, n, X, n, q, 1, 0, K, 1);
}

void gplvm_kernel_sym_cached(const gplvm_kernel *k, const double *X, int n,
                             int q, double *K, int nthreads)
{
    fill_kernel(k, X, n, X, n, q, 1, 1, K, nthreads);
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

/* Columns j0 .. j1-1 of the gradient pass of grad_stationary(): adds the
 * symmetric contributions to sc (n x q, zeroed here), writes the gathered
 * ones to gath, and bs[0..2] = sum G K over the pairs, trace, sum G over the
 * pairs, bs[3..] = the lengthscale sums.  w: n doubles of scratch. */
static HOT void grad_block(const part_t *pt, int n, int q, const double *G,
                           int cached, int j0, int j1, double *sc,
                           double *bs, double *gath, double *w)
{
    int type = pt->type;
    double v = pt->par[0], sGK = 0.0, tr = 0.0, sG = 0.0;
    const double *xs = pt->xs;
    memset(sc, 0, (size_t) n * q * sizeof(double));
    for (int c = 0; c < q; c++) bs[3 + c] = 0.0;
    for (int j = j0; j < j1; j++) {
        const double *g = G + j + (size_t) j * n + 1;
        const double *e = G + (size_t) (n - 1 - j) * n;
        int len = n - 1 - j;
        tr += g[-1];
        if (cached && type == GPLVM_RBF) {
            SIMD_SUM(sGK, sG)
            for (int i = 0; i < len; i++) {
                w[i] = g[i] * (v * e[i]);
                sGK += w[i];
                sG += g[i];
            }
        } else {
            sq_dist(xs, n, xs, n, q, j + 1, j, len, w);
            for (int i = 0; i < len; i++) {
                double r2 = w[i];
                double ee = cached ? e[i] : stat_exp(type, r2);
                sGK += g[i] * stat_k(type, v, r2, ee);
                sG += g[i];
                w[i] = g[i] * stat_psi(type, v, r2, ee);
            }
        }
        for (int c = 0; c < q; c++) {
            const double *xc = xs + (size_t) c * n + j + 1;
            double *scc = sc + (size_t) c * n + j + 1;
            double xj = xs[j + (size_t) c * n], acc = 0.0, gl = 0.0;
            SIMD_SUM(acc, gl)
            for (int i = 0; i < len; i++) {
                double d = xc[i] - xj, t = w[i] * d;
                scc[i] += t;
                acc += t;
                gl += t * d;
            }
            gath[j + (size_t) c * n] = -acc;
            bs[3 + c] += gl;
        }
    }
    bs[0] = sGK;
    bs[1] = tr;
    bs[2] = sG;
}

/* Gradient of stationary part `pt` with weights w_ij = G_ij psi(r_ij), one
 * pass over the pairs i > j, column blocks spread over threads.  Column j
 * gathers -sum_i w_ij (xs_i - xs_j) directly; the symmetric contributions to
 * rows i > j go to a per-block buffer, combined afterwards in block order.
 * gpar[0] gets dL/dv, gpar[1..] dL/dl.  If sums is not NULL, also
 * sums[0] = trace(G) and sums[1] = sum over i > j of G_ij.  cached: the
 * strict upper triangle of G holds the exponential factors of this part. */
static void grad_stationary(const part_t *pt, int n, int q, const double *G,
                            int cached, double *gX, double *gpar,
                            double *sums, int nthreads)
{
    int np = pt->np, *start;
    double v = pt->par[0];
    int nb = column_blocks(n, &start);
    size_t nq = (size_t) n * q;
    /* per block: scatter buffer (n x q), then q + 3 scalars */
    double *scat = (double *) R_alloc(nq * nb, sizeof(double));
    double *bsum = (double *) R_alloc((size_t) (q + 3) * nb, sizeof(double));
    double *gath = (double *) R_alloc(nq, sizeof(double));
    /* per-thread scratch at the same alignment for every thread, so that
     * vectorised sums add in the same order whatever the thread count */
    size_t ld = ((size_t) n + 7) & ~(size_t) 7;
    double *wbuf = (double *) R_alloc(ld * nthreads, sizeof(double));

#ifdef _OPENMP
#pragma omp parallel for num_threads(nthreads) schedule(dynamic, 1)
#endif
    for (int b = 0; b < nb; b++)
        grad_block(pt, n, q, G, cached, start[b], start[b + 1],
                   scat + nq * b, bsum + (size_t) (q + 3) * b, gath,
                   wbuf + ld * THREAD_ID);

    /* combine the blocks in a fixed order */
    double sGK = 0.0, tr = 0.0, sG = 0.0;
    for (int b = 0; b < nb; b++) {
        const double *bs = bsum + (size_t) (q + 3) * b;
        sGK += bs[0];
        tr += bs[1];
        sG += bs[2];
    }
    /* off-diagonal pairs were counted once; G is symmetric */
    gpar[0] += 2.0 * sGK / v + tr;
    for (int c = 0; c < q; c++) {
        double s = inv_len(pt->par, np, c), gl = 0.0;
        for (int b = 0; b < nb; b++) gl += bsum[(size_t) (q + 3) * b + 3 + c];
        gpar[np == 2 ? 1 : 1 + c] += 2.0 * s * gl;
        for (int i = 0; i < n; i++) {
            size_t ic = i + (size_t) c * n;
            double t = gath[ic];
            for (int b = 0; b < nb; b++) t += scat[nq * b + ic];
            gX[ic] -= 2.0 * s * t;
        }
    }
    if (sums) {
        sums[0] = tr;
        sums[1] = sG;
    }
}

/* Gradient of a linear part through GX = G X (one dsymm). */
static void grad_linear(const part_t *pt, const double *X, int n, int q,
                        const double *G, double *gX, double *gpar)
{
    const char side = 'L', uplo = 'L';
    const double one = 1.0, zero = 0.0;
    double *GX = (double *) R_alloc((size_t) n * q, sizeof(double));
    F77_CALL(dsymm)(&side, &uplo, &n, &q, &one, G, &n, X, &n, &zero, GX, &n
                    FCONE FCONE);
    for (int c = 0; c < q; c++) {
        double vc = lin_var(pt->par, pt->np, c), s = 0.0;
        for (int i = 0; i < n; i++) {
            size_t ic = i + (size_t) c * n;
            gX[ic] += 2.0 * vc * GX[ic];
            s += X[ic] * GX[ic];
        }
        gpar[pt->np == 1 ? 0 : c] += s;
    }
}

void gplvm_kernel_grad(const gplvm_kernel *k, const double *X, int n, int q,
                       const double *G, int cached, double *gX, double *gpar,
                       double *trace, int nthreads)
{
    part_t *pt = prepare_parts(k, X, n, X, n, q);
    double sums[2] = {0.0, 0.0};   /* trace(G), sum_{i > j} G_ij */
    int have_sums = 0, off = 0;

    for (int p = 0; p < k->nparts; off += pt[p].np, p++) {
        if (!is_stationary(pt[p].type)) continue;
        grad_stationary(pt + p, n, q, G, cached && !have_sums, gX,
                        gpar + off, have_sums ? NULL : sums, nthreads);
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
        if (pt[p].type == GPLVM_LINEAR)
            grad_linear(pt + p, X, n, q, G, gX, gpar + off);
        else if (pt[p].type == GPLVM_BIAS)
            gpar[off] += 2.0 * sums[1] + sums[0];
        else if (pt[p].type == GPLVM_WHITE)
            gpar[off] += sums[0];
    }
    *trace = sums[0];
}

/* ---- .Call wrappers shared helpers ---- */

void gplvm_matrix_dims(SEXP x, const char *what, int *nrow, int *ncol)
{
    SEXP dim = getAttrib(x, R_DimSymbol);
    if (TYPEOF(x) != REALSXP || TYPEOF(dim) != INTSXP || LENGTH(dim) != 2)
        error("'%s' must be a double matrix", what);
    *nrow = INTEGER(dim)[0];
    *ncol = INTEGER(dim)[1];
    if (*nrow < 1 || *ncol < 1) error("'%s' must not be empty", what);
}

void gplvm_kernel_from_sexp(SEXP type, SEXP npar, SEXP par, int q,
                            gplvm_kernel *k)
{
    if (TYPEOF(type) != INTSXP || TYPEOF(npar) != INTSXP ||
        TYPEOF(par) != REALSXP || LENGTH(type) != LENGTH(npar))
        error("malformed kernel description");
    k->nparts = LENGTH(type);
    k->type = INTEGER(type);
    k->npar = INTEGER(npar);
    k->par = REAL(par);
    if (gplvm_kernel_check(k, q) != LENGTH(par))
        error("kernel parameters do not match the latent dimension %d", q);
    for (R_xlen_t i = 0; i < XLENGTH(par); i++)
        if (!R_FINITE(k->par[i]) || k->par[i] <= 0.0)
            error("kernel parameters must be positive and finite");
}

SEXP gplvm_kern_matrix_call(SEXP X, SEXP X2, SEXP type, SEXP npar, SEXP par)
{
    int n, q, m, q2;
    gplvm_kernel k;
    gplvm_matrix_dims(X, "X", &n, &q);
    gplvm_kernel_from_sexp(type, npar, par, q, &k);
    SEXP K;
    if (isNull(X2)) {
        K = PROTECT(allocMatrix(REALSXP, n, n));
        double *Kp = REAL(K);
        gplvm_kernel_sym(&k, REAL(X), n, q, Kp);
        for (int j = 0; j < n; j++)
            for (int i = j + 1; i < n; i++)
                Kp[j + (size_t) i * n] = Kp[i + (size_t) j * n];
    } else {
        gplvm_matrix_dims(X2, "X2", &m, &q2);
        if (q2 != q) error("'X2' must have as many columns as 'X'");
        K = PROTECT(allocMatrix(REALSXP, n, m));
        gplvm_kernel_cross(&k, REAL(X), n, REAL(X2), m, q, REAL(K));
    }
    UNPROTECT(1);
    return K;
}
