/* Matern 5/2: k = v (1 + s + s^2 / 3) exp(-s), s = sqrt(5) r,
 * r = |(a - b) / l|.  With f' = df/dr^2: -2 f' = (5 / 3) (1 + s) exp(-s). */
#include "kernel_impl.h"

#define SQRT5 2.23606797749979

static HOT void matern52_value(const double *extra, int len,
                               const double *r2, double *f, double *c)
{
    (void) extra;
    exp_scaled(r2, len, SQRT5, 1, c);
    SIMD
    for (int i = 0; i < len; i++) {
        double s = SQRT5 * sqrt(r2[i]);
        f[i] = (1.0 + s + s * s / 3.0) * c[i];
    }
}

static HOT void matern52_grad(const double *extra, int len, const double *r2,
                              const double *c, const double *g, double *w,
                              double *acc)
{
    double sum = 0.0;
    (void) extra;
    if (!c) {
        exp_scaled(r2, len, SQRT5, 1, w);
        c = w;
    }
    SIMD_SUM(sum)
    for (int i = 0; i < len; i++) {
        double s = SQRT5 * sqrt(r2[i]), e = c[i];
        sum += g[i] * (1.0 + s + s * s / 3.0) * e;
        w[i] = (5.0 / 3.0) * g[i] * (1.0 + s) * e;
    }
    acc[0] += sum;
}

static const char *const matern52_groups[] = {"variance", "lengthscale"};

const gplvm_kernel_def gplvm_kern_matern52 = {
    .name = "matern52", .label = "Matern 5/2", .family = GPLVM_RADIAL,
    .ngroups = 2, .groups = matern52_groups, .ard = 1,
    .radial_value = matern52_value, .radial_grad = matern52_grad,
    .grad_uses_r2 = 1
};
