/* Rational quadratic: k = v (1 + r^2 / (2 alpha))^(-alpha),
 * r^2 = |(a - b) / l|^2; a scale mixture of RBF kernels, the RBF in the
 * limit alpha -> Inf.  With u = 1 + r^2 / (2 alpha) and f' = df/dr^2:
 *   -2 f' = u^(-alpha - 1),  df/dalpha = f ((u - 1) / u - log u). */
#include "kernel_impl.h"

static void rq_value(const double *extra, int len, const double *r2,
                     double *f, double *c)
{
    double alpha = extra[0];
    for (int i = 0; i < len; i++)
        c[i] = f[i] = exp(-alpha * log1p(r2[i] / (2.0 * alpha)));
}

static void rq_grad(const double *extra, int len, const double *r2,
                    const double *c, const double *g, double *w, double *acc)
{
    double alpha = extra[0], sf = 0.0, sa = 0.0;
    for (int i = 0; i < len; i++) {
        double lu = log1p(r2[i] / (2.0 * alpha)), u = 1.0 + r2[i] / (2.0 * alpha);
        double f = c ? c[i] : exp(-alpha * lu);
        sf += g[i] * f;
        sa += g[i] * f * ((u - 1.0) / u - lu);
        w[i] = g[i] * f / u;
    }
    acc[0] += sf;
    acc[1] += sa;
}

static const char *const rq_groups[] = {"variance", "lengthscale", "alpha"};

const gplvm_kernel_def gplvm_kern_rq = {
    .name = "rq", .label = "rational quadratic", .family = GPLVM_RADIAL,
    .ngroups = 3, .groups = rq_groups, .ard = 1,
    .radial_value = rq_value, .radial_grad = rq_grad, .grad_uses_r2 = 1
};
