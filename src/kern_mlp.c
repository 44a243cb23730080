/* MLP (arc-sine; Williams 1998, used by Lawrence 2005 on the oil data):
 *   k = v (2 / pi) asin(u),  u = S / sqrt(A B),
 *   S = sum_c w_c a_c b_c + beta,
 *   A = sum_c w_c a_c^2 + beta + 1,  B = sum_c w_c b_c^2 + beta + 1,
 * the covariance of an infinitely wide network of erf units with weight
 * variances w (`weight_variance`, shared or per dimension) and bias
 * variance beta (`bias_variance`); |u| < 1 always.  With P = (A B)^-1/2:
 *   du/da_c = P w_c (b_c - S a_c / A),      du/db_c likewise,
 *   du/dw_c = P (a_c b_c - S (a_c^2 / A + b_c^2 / B) / 2),
 *   du/dbeta = P (1 - S (1 / A + 1 / B) / 2),
 *   dk/du = v (2 / pi) / sqrt(1 - u^2);
 * at b = a (u = 1 - 1/A, du/da_c = w_c a_c / A^2):
 *   d^2 u / da_c db_d = (w_c delta_cd - w_c a_c w_d a_d (A + 1) / A^2) / A,
 *   d^2 k / da db' = dk/du d^2u/da db' + v (2/pi) u (1 - u^2)^-3/2
 *                    du/da du/db'. */
#include "gplvm.h"
#include <math.h>

#ifndef M_2_PI
#define M_2_PI 0.636619772367581343075535053490   /* 2 / pi */
#endif

static double weight(const double *par, int np, int c)
{
    return np == 3 ? par[1] : par[1 + c];
}

/* S, A and B of a pair. */
static void mlp_sums(const double *par, int np, int q, const double *a,
                     const double *b, double *S, double *A, double *B)
{
    double beta = par[np - 1];
    *S = beta;
    *A = *B = beta + 1.0;
    for (int c = 0; c < q; c++) {
        double w = weight(par, np, c);
        *S += w * a[c] * b[c];
        *A += w * a[c] * a[c];
        *B += w * b[c] * b[c];
    }
}

static double mlp_value(const double *par, int np, int q, const double *a,
                        const double *b)
{
    double S, A, B;
    mlp_sums(par, np, q, a, b, &S, &A, &B);
    return par[0] * M_2_PI * asin(S / sqrt(A * B));
}

static void mlp_grad(const double *par, int np, int q, const double *a,
                     const double *b, double s, double *ga, double *gb,
                     double *gpar)
{
    double S, A, B;
    mlp_sums(par, np, q, a, b, &S, &A, &B);
    double P = 1.0 / sqrt(A * B), u = S * P;
    double sdu = s * par[0] * M_2_PI / sqrt(1.0 - u * u);   /* s dk/du */
    for (int c = 0; c < q; c++) {
        double w = weight(par, np, c);
        if (ga) ga[c] += sdu * P * w * (b[c] - S * a[c] / A);
        if (gb) gb[c] += sdu * P * w * (a[c] - S * b[c] / B);
        if (gpar)
            gpar[np == 3 ? 1 : 1 + c] += sdu * P *
                (a[c] * b[c] - 0.5 * S * (a[c] * a[c] / A + b[c] * b[c] / B));
    }
    if (gpar) {
        gpar[0] += s * M_2_PI * asin(u);
        gpar[np - 1] += sdu * P * (1.0 - 0.5 * S * (1.0 / A + 1.0 / B));
    }
}

static void mlp_d2(const double *par, int np, int q, const double *a,
                   double *H)
{
    double S, A, B;
    mlp_sums(par, np, q, a, a, &S, &A, &B);
    double u = 1.0 - 1.0 / A, om = 1.0 - u * u;
    double dk = par[0] * M_2_PI / sqrt(om);
    double d2k = par[0] * M_2_PI * u / (om * sqrt(om));
    for (int c = 0; c < q; c++) {
        double wc = weight(par, np, c), uc = wc * a[c] / (A * A);
        for (int d = 0; d < q; d++) {
            double wd = weight(par, np, d), ud = wd * a[d] / (A * A);
            double u2 = ((c == d ? wc : 0.0) -
                         wc * a[c] * wd * a[d] * (A + 1.0) / (A * A)) / A;
            H[c + (size_t) d * q] = dk * u2 + d2k * uc * ud;
        }
    }
}

static const char *const mlp_groups[] = {"variance", "weight_variance",
                                         "bias_variance"};

const gplvm_kernel_def gplvm_kern_mlp = {
    .name = "mlp", .label = "MLP", .family = GPLVM_PAIR,
    .ngroups = 3, .groups = mlp_groups, .ard = 1,
    .pair_value = mlp_value, .pair_grad = mlp_grad, .pair_d2 = mlp_d2
};
