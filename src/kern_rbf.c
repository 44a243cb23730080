/* RBF (squared exponential): k = v exp(-r^2 / 2), r^2 = |(a - b) / l|^2.
 * f = exp(-r^2 / 2), -2 f' = f: the cached exponential is all the gradient
 * needs. */
#include "kernel_impl.h"

static HOT void rbf_value(const double *extra, int len, const double *r2,
                          double *f, double *c)
{
    (void) extra;
    exp_scaled(r2, len, 0.5, 0, f);
    if (c != f) memcpy(c, f, (size_t) len * sizeof(double));
}

static HOT void rbf_grad(const double *extra, int len, const double *r2,
                         const double *c, const double *g, double *w,
                         double *acc)
{
    double s = 0.0;
    (void) extra;
    if (!c) {
        exp_scaled(r2, len, 0.5, 0, w);
        c = w;
    }
    SIMD_SUM(s)
    for (int i = 0; i < len; i++) {
        w[i] = g[i] * c[i];
        s += w[i];
    }
    acc[0] += s;
}

static const char *const rbf_groups[] = {"variance", "lengthscale"};

const gplvm_kernel_def gplvm_kern_rbf = {
    .name = "rbf", .label = "RBF", .family = GPLVM_RADIAL,
    .ngroups = 2, .groups = rbf_groups, .ard = 1,
    .radial_value = rbf_value, .radial_grad = rbf_grad, .grad_uses_r2 = 0,
    .value_is_cache = 1,
    .psi = &gplvm_psi_ops_rbf
};
