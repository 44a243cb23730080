/* Small BLAS/LAPACK helpers shared by the engines: one per job. */
#include "gplvm.h"

void gplvm_gemm(char ta, char tb, int m, int n, int k, double alpha,
                const double *A, int lda, const double *B, int ldb,
                double beta, double *C)
{
    if (m < 1 || n < 1) return;
    if (k < 1) {   /* dgemm would reject lda = 0 */
        for (size_t i = 0; i < (size_t) m * n; i++) C[i] *= beta;
        return;
    }
    F77_CALL(dgemm)(&ta, &tb, &m, &n, &k, &alpha, A, &lda, B, &ldb, &beta,
                    C, &m FCONE FCONE);
}

void gplvm_trsolve(char side, char trans, int rows, int cols,
                   const double *L, int ldl, double alpha, double *B)
{
    const char uplo = 'L', diag = 'N';
    F77_CALL(dtrsm)(&side, &uplo, &trans, &diag, &rows, &cols, &alpha, L,
                    &ldl, B, &rows FCONE FCONE FCONE FCONE);
}

int gplvm_all_finite(const double *x, size_t len)
{
    for (size_t i = 0; i < len; i++) if (!R_FINITE(x[i])) return 0;
    return 1;
}

void gplvm_symmetrise(double *S, int m)
{
    for (int j = 0; j < m; j++)
        for (int i = j + 1; i < m; i++) {
            double s = 0.5 * (S[i + (size_t) j * m] + S[j + (size_t) i * m]);
            S[i + (size_t) j * m] = S[j + (size_t) i * m] = s;
        }
}

void gplvm_zero_upper(double *A, int m)
{
    for (int j = 0; j < m; j++)
        for (int i = 0; i < j; i++) A[i + (size_t) j * m] = 0.0;
}
