/* Internal to the kernel files and the passes over the kernel table:
 * vectorisation macros, the fast exponential, and the prepared parts. */
#ifndef GPLVM_KERNEL_IMPL_H
#define GPLVM_KERNEL_IMPL_H

#include "gplvm.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#define THREAD_ID omp_get_thread_num()
#define GPLVM_PRAGMA(x) _Pragma(#x)
#define SIMD GPLVM_PRAGMA(omp simd)
#define SIMD_SUM(...) GPLVM_PRAGMA(omp simd reduction(+:__VA_ARGS__))
#else
#define THREAD_ID 0
#define SIMD
#define SIMD_SUM(...)
#endif

/* The O(n^2) loops are also compiled for AVX2 with FMA and chosen at load
 * time (function multiversioning, which needs GCC >= 11 for the
 * "arch=x86-64-v3" name and glibc's ifunc on x86-64 Linux); elsewhere, with
 * clang and on older processors, the generic build runs.  Results differ
 * between the two in the last bits only. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11 && \
    defined(__x86_64__) && defined(__linux__) && defined(__GLIBC__) && \
    !defined(GPLVM_NO_CLONES)
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

/* exp(x) for x >= -708 to within two units in the last place, without
 * branches or calls so that loops over it vectorise: x = k log 2 + r with
 * |r| <= log(2) / 2 (k from the 1.5 * 2^52 rounding trick, log 2 split in
 * two parts), exp(r) by its Taylor polynomial of degree 13 (truncation
 * below 1e-17), times 2^k built in the exponent bits.  The rounding trick
 * needs IEEE evaluation in the written order: under -ffast-math (or with
 * GPLVM_LIBM_EXP defined) libm's exp is used instead. */
#if defined(__FAST_MATH__) || defined(GPLVM_LIBM_EXP)
INLINE double exp_fast(double x)
{
    return exp(x);
}
#else
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
#endif

/* e[i] = exp(-a r2[i]) (root = 0: RBF-like) or exp(-a sqrt(r2[i]))
 * (root = 1: Matern-like) for i < len, flushed to 0 where the argument is
 * below -708 (exp < 3e-308, where exp_fast is not valid); e must not be
 * r2.  The exponentials come first in a loop without branches, which
 * vectorises; the flush is a second pass over r2. */
INLINE void exp_scaled(const double *r2, int len, double a, int root,
                       double *e)
{
    double lim = 708.0 / a;
    if (root) {
        SIMD
        for (int i = 0; i < len; i++) e[i] = exp_fast(-a * sqrt(r2[i]));
        lim *= lim;
    } else {
        SIMD
        for (int i = 0; i < len; i++) e[i] = exp_fast(-a * r2[i]);
    }
    for (int i = 0; i < len; i++)
        if (r2[i] > lim) e[i] = 0.0;
}

/* One part of a kernel, ready for the passes. */
typedef struct {
    const gplvm_kernel_def *def;
    int np;                 /* its parameter count */
    const double *par;      /* its parameters */
    int nl;                 /* radial: lengthscales (1 or q) */
    const double *extra;    /* radial: the parameters after them */
    int nextra;
    const double *xs, *x2s; /* radial: X / l (n x q), X2 / l (m x q);
                             * pair: rows of X (q x n), of X2 (q x m) */
} gplvm_part;

/* Prepares the parts of k for inputs X (n x q) and X2 (m x q; may be X):
 * radial parts get scaled copies, pair parts transposed ones (R_alloc). */
gplvm_part *gplvm_prepare_parts(const gplvm_kernel *k, const double *X,
                                int n, const double *X2, int m, int q);

/* Inverse lengthscale of latent dimension c of a radial part. */
static inline double gplvm_inv_len(const gplvm_part *pt, int c)
{
    return 1.0 / pt->par[pt->nl == 1 ? 1 : 1 + c];
}

/* Transposed copy (q x n) of X (n x q), R_alloc'd. */
double *gplvm_rows(const double *X, int n, int q);

#endif
