/* Matern 3/2: k = v (1 + s) exp(-s), s = sqrt(3) r, r = |(a - b) / l|.
 * With f' = df/dr^2: -2 f' = 3 exp(-s), finite at r = 0. */
#include "kernel_impl.h"

#define SQRT3 1.7320508075688772

static HOT void matern32_value(const double *extra, int len,
                               const double *r2, double *f, double *c)
{
    (void) extra;
    exp_scaled(r2, len, SQRT3, 1, c);
    SIMD
    for (int i = 0; i < len; i++) f[i] = (1.0 + SQRT3 * sqrt(r2[i])) * c[i];
}

static HOT void matern32_grad(const double *extra, int len, const double *r2,
                              const double *c, const double *g, double *w,
                              double *acc)
{
    double s = 0.0;
    (void) extra;
    if (!c) {
        exp_scaled(r2, len, SQRT3, 1, w);
        c = w;
    }
    SIMD_SUM(s)
    for (int i = 0; i < len; i++) {
        double e = c[i];
        s += g[i] * (1.0 + SQRT3 * sqrt(r2[i])) * e;
        w[i] = 3.0 * g[i] * e;
    }
    acc[0] += s;
}

static const char *const matern32_groups[] = {"variance", "lengthscale"};

const gplvm_kernel_def gplvm_kern_matern32 = {
    .name = "matern32", .label = "Matern 3/2", .family = GPLVM_RADIAL,
    .ngroups = 2, .groups = matern32_groups, .ard = 1,
    .radial_value = matern32_value, .radial_grad = matern32_grad,
    .grad_uses_r2 = 1
};
