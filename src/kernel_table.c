/* The kernel table: every covariance function gplvm knows, one entry each.
 *
 * HOW TO ADD A KERNEL (four places, nothing else):
 *
 * 1. src/kern_<name>.c: one `const gplvm_kernel_def gplvm_kern_<name>`
 *    (struct in src/gplvm.h) with the formulas in a comment at the top.
 *    Pick the family:
 *    - a stationary kernel of the scaled distance r^2 = |(a - b) / l|^2
 *      with f(0) = 1: GPLVM_RADIAL.  Groups "variance", "lengthscale"
 *      (ard = 1), then any extra scalar parameters.  Write radial_value
 *      (f and a cache) and radial_grad (-2 f' g, sum g f, sum g df/dt) on
 *      vectors; the passes do the rest, including the fast engine path.
 *      Copy src/kern_rq.c.
 *    - anything else: GPLVM_PAIR.  Write pair_value, pair_grad and
 *      pair_d2 for one pair of points.  Copy src/kern_periodic.c (a
 *      function of a - b) or src/kern_mlp.c (of inner products).
 *    All parameters must be positive (gplvm optimises their logarithms).
 * 2. Below: declare it and append it to gplvm_kernel_defs (the position is
 *    its type code; R reads names, labels and parameter groups from here).
 * 3. R/kernels.R: a constructor kern_<name>(<groups> = defaults) that calls
 *    .kernel("<name>", ...) with the groups in order, its formula in the
 *    roxygen block of ?kernels, and `Rscript -e 'roxygen2::roxygenise()'`.
 * 4. tests/testthat: the plain-R oracle of its value and first derivatives
 *    in helper-reference.R (.part_oracle) and an entry in test_kernels()
 *    (helper-gradients.R); every pass is then tested against the oracle
 *    and finite differences, in exact and sparse fits, predict and plot.
 *
 * Psi-statistics for the Bayesian GP-LVM plug in through the entry's
 * `psi` pointer: how to write them is in src/psi_impl.h.  A kernel whose
 * entry has none is refused by the Bayesian model with an error.
 */
#include "kernel_impl.h"

extern const gplvm_kernel_def gplvm_kern_rbf, gplvm_kern_matern32,
    gplvm_kern_matern52, gplvm_kern_linear, gplvm_kern_bias,
    gplvm_kern_white, gplvm_kern_mlp, gplvm_kern_rq, gplvm_kern_periodic;

const gplvm_kernel_def *const gplvm_kernel_defs[] = {
    &gplvm_kern_rbf, &gplvm_kern_matern32, &gplvm_kern_matern52,
    &gplvm_kern_linear, &gplvm_kern_bias, &gplvm_kern_white,
    &gplvm_kern_mlp, &gplvm_kern_rq, &gplvm_kern_periodic
};

const int gplvm_nkernel_defs =
    (int) (sizeof gplvm_kernel_defs / sizeof gplvm_kernel_defs[0]);

const gplvm_kernel_def *gplvm_part_def(const gplvm_kernel *k, int p)
{
    return gplvm_kernel_defs[k->type[p] - 1];
}

int gplvm_kernel_check(const gplvm_kernel *k, int q)
{
    int total = 0;
    if (k->nparts < 1 || q < 1) return -1;
    for (int p = 0; p < k->nparts; p++) {
        int t = k->type[p], np = k->npar[p];
        if (t < 1 || t > gplvm_nkernel_defs) return -1;
        const gplvm_kernel_def *def = gplvm_kernel_defs[t - 1];
        int ng = def->ngroups;
        if (np != ng && !(def->ard >= 0 && np == ng - 1 + q)) return -1;
        total += np;
    }
    return total;
}

double *gplvm_rows(const double *X, int n, int q)
{
    double *Xt = (double *) R_alloc((size_t) n * q, sizeof(double));
    for (int c = 0; c < q; c++)
        for (int i = 0; i < n; i++)
            Xt[c + (size_t) i * q] = X[i + (size_t) c * n];
    return Xt;
}

/* X / l column by column, so that r^2 is a plain squared distance. */
static double *scale_inputs(const gplvm_part *pt, const double *X, int n,
                            int q)
{
    double *Xs = (double *) R_alloc((size_t) n * q, sizeof(double));
    for (int c = 0; c < q; c++) {
        double s = gplvm_inv_len(pt, c);
        for (int i = 0; i < n; i++)
            Xs[i + (size_t) c * n] = X[i + (size_t) c * n] * s;
    }
    return Xs;
}

gplvm_part *gplvm_prepare_parts(const gplvm_kernel *k, const double *X,
                                int n, const double *X2, int m, int q)
{
    gplvm_part *pt = (gplvm_part *) R_alloc(k->nparts, sizeof(gplvm_part));
    const double *par = k->par;
    for (int p = 0; p < k->nparts; p++) {
        gplvm_part *a = pt + p;
        a->def = gplvm_part_def(k, p);
        a->np = k->npar[p];
        a->par = par;
        a->nl = a->np - (a->def->ngroups - 1);
        a->extra = par + 1 + a->nl;
        a->nextra = a->np - 1 - a->nl;
        a->xs = a->x2s = NULL;
        if (a->def->family == GPLVM_RADIAL) {
            a->xs = scale_inputs(a, X, n, q);
            a->x2s = X2 == X ? a->xs : scale_inputs(a, X2, m, q);
        } else if (a->def->family == GPLVM_PAIR) {
            a->xs = gplvm_rows(X, n, q);
            a->x2s = X2 == X ? a->xs : gplvm_rows(X2, m, q);
        }
        par += a->np;
    }
    return pt;
}
