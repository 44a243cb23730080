/* Psi-statistics of the bias kernel k = v: psi0 = n v, Psi1 = v; its
 * terms of Psi2 come from src/psi.c's rule for constant parts
 * (v colSums(Psi1 of the other part) 1'). */
#include "psi_impl.h"

static void bias_prepare(const double *par, int np, int q, gplvm_psi_part *a)
{
    (void) np;
    a->v = par[0];
    a->ard = 0;
    for (int c = 0; c < q; c++) a->w[c] = 0.0;
}

static double bias_psi1(const gplvm_psi_part *a, const gplvm_psi_in *in,
                        double *Psi1)
{
    for (size_t i = 0; i < (size_t) in->n * in->m; i++) Psi1[i] = a->v;
    return in->n * a->v;
}

static void bias_psi1_grad(const gplvm_psi_part *a, const gplvm_psi_in *in,
                           double g0, const double *G1, const double *Psi1,
                           gplvm_psi_grad_out *out)
{
    double s = 0.0;
    (void) Psi1;
    for (size_t i = 0; i < (size_t) in->n * in->m; i++) s += G1[i];
    out->gpar[a->off] += s + g0 * in->n;
}

const gplvm_psi_ops gplvm_psi_ops_bias = {
    .prepare = bias_prepare, .psi1 = bias_psi1, .psi1_grad = bias_psi1_grad
};
