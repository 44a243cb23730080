/* Psi-statistics of the linear kernel k = sum_c a_c x_c z_c (one variance
 * a or one per dimension), with Cm = Mu' Mu + diag(colSums S):
 *   psi0 = sum_c a_c Cm_cc,  Psi1 = Mu A Z',
 *   moment T = Z A Cm (T[j, ] = sum_n <z_j' A x_n x_n>), so that the own
 *   term Z A Cm A Z' and the term with a second linear part, Z A Cm B Z',
 *   come from src/psi.c's rule for linear parts. */
#include "psi_impl.h"

static void linear_prepare(const double *par, int np, int q,
                           gplvm_psi_part *a)
{
    a->v = par[0];
    a->ard = np > 1;
    for (int c = 0; c < q; c++) a->w[c] = par[a->ard ? c : 0];
}

static double linear_psi1(const gplvm_psi_part *a, const gplvm_psi_in *in,
                          double *Psi1)
{
    int q = in->q;
    double psi0 = 0.0;
    double *ZA = gplvm_psi_scale_cols(in->Z, in->m, q, a->w);
    gplvm_gemm('N', 'T', in->n, in->m, q, 1.0, in->mu, in->n, ZA,
               in->m, 0.0, Psi1);
    for (int c = 0; c < q; c++) psi0 += a->w[c] * in->Cm[c + (size_t) c * q];
    return psi0;
}

/* dMu += G Z A, dZ += G' Mu A, da_c += sum_i mu_ic (G Z)_ic, and psi0's
 * g0 a_c to dCm_cc */
static void linear_psi1_grad(const gplvm_psi_part *a, const gplvm_psi_in *in,
                             double g0, const double *G1, const double *Psi1,
                             gplvm_psi_grad_out *out)
{
    int n = in->n, m = in->m, q = in->q;
    double *GZ = (double *) R_alloc((size_t) n * q, sizeof(double));
    double *GM = (double *) R_alloc((size_t) m * q, sizeof(double));
    (void) Psi1;
    gplvm_gemm('N', 'N', n, q, m, 1.0, G1, n, in->Z, m, 0.0, GZ);
    gplvm_gemm('T', 'N', m, q, n, 1.0, G1, n, in->mu, n, 0.0, GM);
    for (int c = 0; c < q; c++) {
        double ac = a->w[c], s = 0.0;
        for (int i = 0; i < n; i++) {
            size_t ic = i + (size_t) c * n;
            out->gmu[ic] += ac * GZ[ic];
            s += in->mu[ic] * GZ[ic];
        }
        for (int j = 0; j < m; j++)
            out->gZ[j + (size_t) c * m] += ac * GM[j + (size_t) c * m];
        out->gpar[a->off + (a->ard ? c : 0)] += s + g0 * in->Cm[c + c * q];
        out->gC[c + (size_t) c * q] += g0 * ac;
    }
}

static void linear_moment(const gplvm_psi_part *a, const gplvm_psi_in *in,
                          const double *Psi1, double *T)
{
    double *ZA = gplvm_psi_scale_cols(in->Z, in->m, in->q, a->w);
    (void) Psi1;
    gplvm_gemm('N', 'N', in->m, in->q, in->q, 1.0, ZA, in->m, in->Cm,
               in->q, 0.0, T);
}

/* T = Z A Cm: dZ += dT Cm A, da_e += (Z' dT Cm)_ee, dCm += A Z' dT */
static void linear_moment_grad(const gplvm_psi_part *a,
                               const gplvm_psi_in *in, const double *Psi1,
                               const double *dT, double *G1,
                               gplvm_psi_grad_out *out)
{
    int m = in->m, q = in->q;
    double *dTC = (double *) R_alloc((size_t) m * q, sizeof(double));
    double *ZA = gplvm_psi_scale_cols(in->Z, m, q, a->w);
    (void) Psi1;
    (void) G1;
    gplvm_gemm('N', 'N', m, q, q, 1.0, dT, m, in->Cm, q, 0.0, dTC);
    for (int e = 0; e < q; e++) {
        double s = 0.0;
        for (int j = 0; j < m; j++) {
            size_t je = j + (size_t) e * m;
            out->gZ[je] += a->w[e] * dTC[je];
            s += in->Z[je] * dTC[je];
        }
        out->gpar[a->off + (a->ard ? e : 0)] += s;
    }
    gplvm_gemm('T', 'N', q, q, m, 1.0, ZA, m, dT, m, 1.0, out->gC);
}

const gplvm_psi_ops gplvm_psi_ops_linear = {
    .prepare = linear_prepare, .psi1 = linear_psi1,
    .psi1_grad = linear_psi1_grad, .linear = 1, .moment = linear_moment,
    .moment_grad = linear_moment_grad
};
