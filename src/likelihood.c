/* The GP-LVM log-likelihood and its full gradient from one Cholesky factor.
 *
 *   L = -N D/2 log(2 pi) - D/2 log|K| - 1/2 tr(K^-1 Y Y'),
 *   K = Kn + h I,  h = ((s2 + w)^4 + f^4)^(1/4),  f = GPLVM_REL_FLOOR
 *   mean(diag Kf)
 *   G = dL/dK = 1/2 (A A' - D K^-1),  A = K^-1 Y,  dL/dY = -A
 *
 * where Kf = Kn + w I is the kernel matrix, w the variances of its white
 * parts (noise too) and Kn the rest.  The effective noise h is part of the
 * model, always.  It is the noise s2 + w itself, to the last bit, wherever
 * that exceeds 1e4 f (relative difference (f / (s2 + w))^4 / 4), and tends
 * to the floor f as s2 + w tends to 0, so that K stays positive definite
 * where latent points coincide and L is smooth in every parameter: jitter
 * switched on by a failed Cholesky would make L jump.  f is relative to
 * the kernel's scale, so rescaling the data rescales it.  Only if K fails
 * even so is jitter j added to s2 (as if s2 + j were the noise), growing
 * tenfold, and reported.
 *
 * One n x n buffer holds K, then its Cholesky factor, then K^-1, then G
 * (lower triangles throughout), while its strict upper triangle caches the
 * kernel's exponential factors for the gradient pass.
 */
#include "gplvm.h"
#include <math.h>
#include <string.h>
#include <limits.h>

#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define MAX_JITTER_TRIES 5
#define DIAG_NOT_FINITE INT_MIN

double gplvm_wtime(void)
{
#ifdef _OPENMP
    return omp_get_wtime();
#elif defined(CLOCK_MONOTONIC)
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
#else
    return (double) clock() / CLOCKS_PER_SEC;
#endif
}

/* Adds the time since *t0 to phase[ph] and restarts the clock. */
static void tick(double *phase, int ph, double *t0)
{
    if (!phase) return;
    double t1 = gplvm_wtime();
    phase[ph] += t1 - *t0;
    *t0 = t1;
}

/* The variances of k's white parts, summed. */
static double white_variance(const gplvm_kernel *k)
{
    double w = 0.0;
    for (int p = 0, pos = 0; p < k->nparts; pos += k->npar[p++])
        if (gplvm_part_def(k, p)->family == GPLVM_WHITE) w += k->par[pos];
    return w;
}

/* (a^4 + f^4)^(1/4) for a, f >= 0, without overflow. */
static double soft_max4(double a, double f)
{
    double hi = a > f ? a : f, lo = a > f ? f : a;
    if (hi == 0.0) return 0.0;
    double r = lo / hi;
    return hi * pow(1.0 + r * r * r * r, 0.25);
}

double gplvm_effective_noise(const gplvm_kernel *k, double noise,
                             double kf_diag_sum, int n)
{
    double w = white_variance(k);
    return soft_max4(noise + w, GPLVM_REL_FLOOR * kf_diag_sum / n) - w;
}

/* Builds K = Kf + s I, s = gplvm_effective_noise(k, noise + jrel
 * mean(diag Kf), .), in the lower triangle (with the cache in the strict upper one)
 * and factorises it; *mean_diag is mean(diag Kf) and *s the effective
 * noise.  Returns the LAPACK info, or DIAG_NOT_FINITE.  Checking the
 * diagonal is enough: for a sum of positive semi-definite kernels
 * |K_ij| <= sqrt(K_ii K_jj). */
static int build_and_factor(const gplvm_kernel *k, const double *X, int n,
                            int q, double noise, double jrel, double *K,
                            int nthreads, double *mean_diag, double *s,
                            double *phase, double *t0)
{
    const char uplo = 'L';
    int info;
    double sum = 0.0;
    gplvm_kernel_sym_cached(k, X, n, q, K, nthreads);
    for (int i = 0; i < n; i++) sum += K[i + (size_t) i * n];
    *mean_diag = sum / n;
    *s = gplvm_effective_noise(k, noise + jrel * *mean_diag, sum, n);
    for (int i = 0; i < n; i++) K[i + (size_t) i * n] += *s;
    tick(phase, GPLVM_PH_KERNEL, t0);
    if (!R_FINITE(sum) || !R_FINITE(*s)) return DIAG_NOT_FINITE;
    F77_CALL(dpotrf)(&uplo, &n, K, &n, &info FCONE);
    tick(phase, GPLVM_PH_POTRF, t0);
    return info;
}

int gplvm_loglik_engine(const double *Y, int n, int d, double ndim,
                        const double *X, int q, const gplvm_kernel *k,
                        double noise, int want_grad, int nthreads,
                        double *K, double *A,
                        double *loglik, double *gX, double *gpar,
                        double *gnoise, double *gY, double *jitter,
                        double *phase)
{
    const char uplo = 'L', trans = 'N';
    int info, npar = gplvm_kernel_check(k, q);
    double mean_diag, t0 = phase ? gplvm_wtime() : 0.0;

    /* jrel: the jitter over mean(diag Kf); s: the effective noise */
    double jrel = 0.0, s;
    *jitter = 0.0;
    info = build_and_factor(k, X, n, q, noise, jrel, K, nthreads, &mean_diag,
                            &s, phase, &t0);
    if (info == DIAG_NOT_FINITE) return GPLVM_NONFINITE;
    /* Not positive definite even so: jitter growing tenfold. */
    for (int t = 0; info > 0 && t < MAX_JITTER_TRIES; t++) {
        jrel = 1e-6 * pow(10.0, t);
        *jitter = jrel * mean_diag;
        info = build_and_factor(k, X, n, q, noise, jrel, K, nthreads,
                                &mean_diag, &s, phase, &t0);
    }
    if (info > 0) return GPLVM_NOT_PD;
    if (info < 0) return GPLVM_LAPACK;
    R_CheckUserInterrupt();

    double logdet = 0.0;
    for (int i = 0; i < n; i++) logdet += log(K[i + (size_t) i * n]);
    logdet *= 2.0;

    /* A = K^-1 Y: by two triangular solves for the value alone; with the
     * gradient, K^-1 is needed anyway and one dsymm costs less */
    if (want_grad) {
        const char side = 'L';
        const double one = 1.0, zero = 0.0;
        F77_CALL(dpotri)(&uplo, &n, K, &n, &info FCONE);
        if (info != 0) return GPLVM_LAPACK;
        tick(phase, GPLVM_PH_POTRI, &t0);
        F77_CALL(dsymm)(&side, &uplo, &n, &d, &one, K, &n, Y, &n, &zero, A,
                        &n FCONE FCONE);
    } else {
        memcpy(A, Y, (size_t) n * d * sizeof(double));
        F77_CALL(dpotrs)(&uplo, &n, &d, K, &n, A, &n, &info FCONE);
        if (info != 0) return GPLVM_LAPACK;
    }
    double quad = 0.0;
    for (size_t i = 0; i < (size_t) n * d; i++) quad += A[i] * Y[i];
    tick(phase, GPLVM_PH_SOLVE, &t0);

    *loglik = -0.5 * n * ndim * log(2.0 * M_PI) - 0.5 * ndim * logdet -
        0.5 * quad;
    if (!R_FINITE(*loglik)) return GPLVM_NONFINITE;
    if (!want_grad) return GPLVM_OK;
    R_CheckUserInterrupt();
    /* the outputs' gradient (the jitter does not depend on Y) */
    if (gY)
        for (size_t i = 0; i < (size_t) n * d; i++) gY[i] = -A[i];

    /* G = 1/2 A A' - D/2 K^-1 in place */
    double alpha = 0.5, beta = -0.5 * ndim;
    F77_CALL(dsyrk)(&uplo, &trans, &n, &d, &alpha, A, &n, &beta, K, &n
                    FCONE FCONE);
    tick(phase, GPLVM_PH_SYRK, &t0);
    R_CheckUserInterrupt();

    /* s = h - w, h = (a^4 + f^4)^(1/4), a = s2 + jrel mean(diag Kf) + w,
     * depends on the parameters through mean(diag Kf): dL/dtheta gains
     * trace(G) ds/dmean / n times sum_i dKf_ii/dtheta, which is G_ii +=
     * c trace(G) / n with c = ds/dmean (as in the sparse model), so that
     * the gradient is that of the value returned; and through s2 and w
     * directly: dL/ds2 = trace(G) dh/da, dh/da = (a / h)^3, and each white
     * variance gains trace(G) (dh/da - 1) beyond its own trace(G). */
    double w = white_variance(k), trG = 0.0, trace;
    double a = noise + *jitter + w, h = s + w;
    double ra = a / h, rf = GPLVM_REL_FLOOR * mean_diag / h;
    double dh = ra * ra * ra;
    double c = dh * jrel + rf * rf * rf * GPLVM_REL_FLOOR;
    for (int i = 0; i < n; i++) trG += K[i + (size_t) i * n];
    for (int i = 0; i < n; i++) K[i + (size_t) i * n] += c * trG / n;

    memset(gX, 0, (size_t) n * q * sizeof(double));
    memset(gpar, 0, (size_t) npar * sizeof(double));
    gplvm_kernel_grad(k, X, n, q, K, 1, gX, gpar, &trace, nthreads);
    *gnoise = trG * dh;
    for (int p = 0, pos = 0; p < k->nparts; pos += k->npar[p++])
        if (gplvm_part_def(k, p)->family == GPLVM_WHITE)
            gpar[pos] += trG * (dh - 1.0);
    tick(phase, GPLVM_PH_GRAD, &t0);

    if (!gplvm_all_finite(gX, (size_t) n * q) ||
        !gplvm_all_finite(gpar, npar) || !R_FINITE(*gnoise))
        return GPLVM_NONFINITE;
    return GPLVM_OK;
}
