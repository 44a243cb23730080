/* Periodic (MacKay 1998; Rasmussen and Williams 2006, eq. 4.31):
 *   k = v exp(-2 sum_c sin^2(pi (a_c - b_c) / p) / l_c^2),
 * one period p for every latent dimension, lengthscales l shared or per
 * dimension (ARD).  It is the RBF of the inputs mapped onto circles.  With
 * d = a - b and t_c = pi d_c / p:
 *   dk/da_c = -k (2 pi / (p l_c^2)) sin(2 t_c) = -dk/db_c,
 *   dk/dl_c = 4 k sin^2(t_c) / l_c^3,
 *   dk/dp   = k sum_c 2 t_c sin(2 t_c) / (p l_c^2),
 *   d^2 k / da db' at b = a = v (2 pi / p)^2 diag(1 / l^2). */
#include "gplvm.h"
#include <math.h>

static double inv_l2(const double *par, int np, int c)
{
    double l = np == 3 ? par[1] : par[1 + c];
    return 1.0 / (l * l);
}

static double periodic_value(const double *par, int np, int q,
                             const double *a, const double *b)
{
    double p = par[np - 1], s = 0.0;
    for (int c = 0; c < q; c++) {
        double sn = sin(M_PI * (a[c] - b[c]) / p);
        s += sn * sn * inv_l2(par, np, c);
    }
    return par[0] * exp(-2.0 * s);
}

static void periodic_grad(const double *par, int np, int q, const double *a,
                          const double *b, double s, double *ga, double *gb,
                          double *gpar)
{
    double p = par[np - 1];
    double sk = s * periodic_value(par, np, q, a, b);
    for (int c = 0; c < q; c++) {
        double t = M_PI * (a[c] - b[c]) / p, il2 = inv_l2(par, np, c);
        double sn = sin(t), s2t = sin(2.0 * t);
        double da = -sk * 2.0 * M_PI / p * il2 * s2t;
        if (ga) ga[c] += da;
        if (gb) gb[c] -= da;
        if (gpar) {
            gpar[np == 3 ? 1 : 1 + c] += 4.0 * sk * sn * sn * il2 *
                sqrt(il2);
            gpar[np - 1] += sk * 2.0 * t * s2t * il2 / p;
        }
    }
    if (gpar) gpar[0] += sk / par[0];
}

static void periodic_d2(const double *par, int np, int q, const double *a,
                        double *H)
{
    double w = 2.0 * M_PI / par[np - 1];
    (void) a;
    for (int c = 0; c < q; c++)
        for (int d = 0; d < q; d++)
            H[c + (size_t) d * q] = c == d ?
                par[0] * w * w * inv_l2(par, np, c) : 0.0;
}

static const char *const periodic_groups[] = {"variance", "lengthscale",
                                              "period"};

const gplvm_kernel_def gplvm_kern_periodic = {
    .name = "periodic", .label = "periodic", .family = GPLVM_PAIR,
    .ngroups = 3, .groups = periodic_groups, .ard = 1,
    .pair_value = periodic_value, .pair_grad = periodic_grad,
    .pair_d2 = periodic_d2
};
