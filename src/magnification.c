/* The expected metric of a GP map's Jacobian (Tosi, Hauberg, Vellido &
 * Lawrence 2014), from the kernel table's derivatives.
 *
 * With mean mu(x) = k(x, S) alpha and variance k(x, x) - k(x, S) C k(S, x),
 * C = F F', the Jacobian J (d x q) of the map at x is Gaussian with
 *   E[J]   = alpha' dK,                    dK = dk(x, S)/dx  (n x q)
 *   Cov[J] = d2k(x, x')/dx dx' - (F' dK)' (F' dK),  the same for each of
 *            the d rows of J,
 * and the metric is G = E[J]'E[J] + D Cov[J].  Points go in blocks so that
 * one dgemm serves a block and the workspace stays bounded. */
#include "gplvm.h"
#include <string.h>

void gplvm_metric(const gplvm_kernel *k, const double *Xs, int m,
                  const double *S, int n, int q, const double *alpha, int d,
                  const double *F, int r, double ndim, double *G, double *J)
{
    size_t qq = (size_t) q * q;
    int block = (int) (2000000 / ((size_t) n * q + (size_t) r * q + 1));
    if (block < 1) block = 1;
    if (block > m) block = m;
    double *xb = (double *) R_alloc((size_t) block * q, sizeof(double));
    double *dK = (double *) R_alloc((size_t) n * q * block, sizeof(double));
    double *T = (double *) R_alloc((size_t) r * q * block, sizeof(double));
    double *H = (double *) R_alloc(qq * block, sizeof(double));
    const char tr = 'T', nt = 'N';
    const double one = 1.0, zero = 0.0;
    for (int i0 = 0; i0 < m; i0 += block) {
        int b = m - i0 < block ? m - i0 : block, qb = q * b;
        for (int c = 0; c < q; c++)
            for (int i = 0; i < b; i++)
                xb[i + (size_t) c * b] = Xs[i0 + i + (size_t) c * m];
        /* the kernel passes allocate with R_alloc: release it per block */
        const void *vmax = vmaxget();
        gplvm_kernel_cross_dx(k, xb, b, S, n, q, dK);
        gplvm_kernel_d2(k, xb, b, q, H);
        vmaxset(vmax);
        double *Jb = J + (size_t) d * q * i0;
        F77_CALL(dgemm)(&tr, &nt, &d, &qb, &n, &one, alpha, &n, dK, &n,
                        &zero, Jb, &d FCONE FCONE);
        F77_CALL(dgemm)(&tr, &nt, &r, &qb, &n, &one, F, &n, dK, &n,
                        &zero, T, &r FCONE FCONE);
        for (int i = 0; i < b; i++) {
            const double *Ji = Jb + (size_t) d * q * i;
            const double *Ti = T + (size_t) r * q * i;
            double *Gi = G + qq * (i0 + i);
            for (int c = 0; c < q; c++)
                for (int e = 0; e <= c; e++) {
                    double mm = 0.0, tt = 0.0;
                    for (int t = 0; t < d; t++)
                        mm += Ji[t + (size_t) c * d] * Ji[t + (size_t) e * d];
                    for (int t = 0; t < r; t++)
                        tt += Ti[t + (size_t) c * r] * Ti[t + (size_t) e * r];
                    double g = mm + ndim * (H[c + e * q + qq * i] - tt);
                    Gi[c + (size_t) e * q] = Gi[e + (size_t) c * q] = g;
                }
        }
        R_CheckUserInterrupt();
    }
}
