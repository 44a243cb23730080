/* Linear: k = sum_c v_c a_c b_c, one shared variance or one per latent
 * dimension (ARD).  dk/da_c = v_c b_c, dk/dv_c = a_c b_c,
 * d^2 k / da_c db_d = v_c delta_cd. */
#include "gplvm.h"

static double lin_var(const double *par, int np, int c)
{
    return np == 1 ? par[0] : par[c];
}

static double linear_value(const double *par, int np, int q, const double *a,
                           const double *b)
{
    double s = 0.0;
    for (int c = 0; c < q; c++) s += lin_var(par, np, c) * a[c] * b[c];
    return s;
}

static void linear_grad(const double *par, int np, int q, const double *a,
                        const double *b, double s, double *ga, double *gb,
                        double *gpar)
{
    for (int c = 0; c < q; c++) {
        double vc = s * lin_var(par, np, c);
        if (ga) ga[c] += vc * b[c];
        if (gb) gb[c] += vc * a[c];
        if (gpar) gpar[np == 1 ? 0 : c] += s * a[c] * b[c];
    }
}

static void linear_d2(const double *par, int np, int q, const double *a,
                      double *H)
{
    (void) a;
    for (int c = 0; c < q; c++)
        for (int d = 0; d < q; d++)
            H[c + (size_t) d * q] = c == d ? lin_var(par, np, c) : 0.0;
}

static const char *const linear_groups[] = {"variance"};

const gplvm_kernel_def gplvm_kern_linear = {
    .name = "linear", .label = "linear", .family = GPLVM_PAIR,
    .ngroups = 1, .groups = linear_groups, .ard = 0,
    .pair_value = linear_value, .pair_grad = linear_grad,
    .pair_d2 = linear_d2,
    .psi = &gplvm_psi_ops_linear
};
