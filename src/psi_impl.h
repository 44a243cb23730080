/* Internal to the psi-statistics (src/psi.c and src/psi_<kernel>.c): the
 * operations a kernel's table entry points at, the prepared parts, and the
 * shared helpers.
 *
 * HOW TO GIVE A KERNEL PSI-STATISTICS: write a `const gplvm_psi_ops
 * gplvm_psi_<name>` in src/psi_<name>.c (copy src/psi_linear.c or
 * src/psi_rbf.c), point the `.psi` field of its entry in src/kern_<name>.c
 * at it, and add its plain-R twin to the tests (helper-bayes.R).  R reads
 * from the table which kernels have psi-statistics.
 *
 * Under q(x_n) = N(mu_n, diag S_n) (mu, S n x q) and inducing inputs Z
 * (m x q) a part k_a contributes psi0_a = sum_n <k_a(x_n, x_n)>, its
 * Psi1_a[n, j] = <k_a(x_n, z_j)>, and to Psi2 its own term and, for each
 * other part b, the cross term C_ab + C_ab', C_ab[j, l] = sum_n
 * <k_a(z_j, x_n) k_b(x_n, z_l)>.  src/psi.c forms the cross terms by three
 * rules, in this order:
 *   - a constant part (family GPLVM_CONSTANT, value v) with any part b:
 *     C = v colSums(Psi1_b) 1';
 *   - a linear part (`linear` set: k(x, z) = x' diag(w) z) with any part b
 *     that has `moment`: C = T_b diag(w) Z', T_b[j, ] = sum_n
 *     <k_b(z_j, x_n) x_n> (also the linear part's own term);
 *   - two parts with the same `pair` operation (the own term too).
 * Any other pair has no psi-statistics: gplvm_psi_unsupported() says so.
 */
#ifndef GPLVM_PSI_IMPL_H
#define GPLVM_PSI_IMPL_H

#include "gplvm.h"
#include <math.h>
#include <string.h>

#ifdef _OPENMP
#define PSI_SIMD _Pragma("omp simd")
#else
#define PSI_SIMD
#endif

/* One part of the kernel, ready for the psi-statistics. */
typedef struct {
    const gplvm_psi_ops *ops;
    int off;      /* offset of its parameters in the kernel's */
    int ard;      /* one parameter per latent dimension */
    double v;     /* its variance (RBF, bias) */
    double *w;    /* q values: RBF 1 / l^2, linear variances */
} gplvm_psi_part;

/* Where the gradient contractions add: d/dmu, d/dS (n x q), d/dZ (m x q),
 * d/dparameters (natural scale, the kernel's order), and d/dCm (q x q),
 * Cm = Mu' Mu + diag(colSums S), which src/psi.c passes on to mu and S. */
typedef struct {
    double *gmu, *gS, *gZ, *gpar, *gC;
} gplvm_psi_grad_out;

/* The inputs every operation sees; Cm as above.  cache: NULL, or room
 * for the values of an own RBF term per row (gplvm_psi_stats() fills it,
 * gplvm_psi_grad() reads it instead of computing them again). */
typedef struct {
    const double *mu, *S, *Z, *Cm;
    int n, m, q, nthreads;
    double *cache;
} gplvm_psi_in;

struct gplvm_psi_ops {
    /* v, w and ard of a part from its np parameters par */
    void (*prepare)(const double *par, int np, int q, gplvm_psi_part *a);
    /* Psi1 (n x m); returns psi0 */
    double (*psi1)(const gplvm_psi_part *a, const gplvm_psi_in *in,
                   double *Psi1);
    /* adds the gradient of g0 psi0 + sum(G1 .* Psi1) (Psi1 as computed) */
    void (*psi1_grad)(const gplvm_psi_part *a, const gplvm_psi_in *in,
                      double g0, const double *G1, const double *Psi1,
                      gplvm_psi_grad_out *out);
    /* k(x, z) = x' diag(w) z */
    int linear;
    /* T (m x q) = sum_n <k(z_j, x_n) x_n>, given Psi1; NULL: none */
    void (*moment)(const gplvm_psi_part *a, const gplvm_psi_in *in,
                   const double *Psi1, double *T);
    /* adds the gradient of sum(dT .* T): to G1 (the weights of this
     * part's Psi1, contracted later by psi1_grad) and to out */
    void (*moment_grad)(const gplvm_psi_part *a, const gplvm_psi_in *in,
                        const double *Psi1, const double *dT, double *G1,
                        gplvm_psi_grad_out *out);
    /* C (m x m) = sum_n <k_a(z_j, x_n) k_b(x_n, z_l)> for two parts of
     * this kernel (a == b: the own term, symmetric); NULL: none */
    void (*pair)(const gplvm_psi_part *a, const gplvm_psi_part *b,
                 const gplvm_psi_in *in, double *C);
    /* adds the gradient of sum(W .* C) (a == b) or sum(W .* (C + C'))
     * (W symmetric) */
    void (*pair_grad)(const gplvm_psi_part *a, const gplvm_psi_part *b,
                      const gplvm_psi_in *in, const double *W,
                      gplvm_psi_grad_out *out);
};

/* Runs f(ctx, i0, i1, acc, scratch) over blocks of rows i0..i1-1 of n;
 * each block sums into its own zeroed acc (acclen doubles), added to out
 * in block order, so that results do not depend on nthreads; scrlen
 * doubles of scratch per block.  Interruptible. */
typedef void (*gplvm_psi_rows_fn)(const void *ctx, int i0, int i1,
                                  double *acc, double *scratch);
void gplvm_psi_over_rows(int n, int nthreads, size_t acclen, size_t scrlen,
                         double *out, gplvm_psi_rows_fn f, const void *ctx);

/* Z diag(w), m x q, R_alloc'd. */
double *gplvm_psi_scale_cols(const double *Z, int m, int q, const double *w);

#endif
