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
    /* x * 0 is 0 when x is finite and NaN when it is infinite or NaN, so
     * the sums tell; R_FINITE on each entry is a call into R, which took
     * 8% of a sparse fit at 16000 rows (four sums: no chain of adds) */
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    size_t i = 0;
    for (; i + 4 <= len; i += 4) {
        s0 += x[i] * 0.0;
        s1 += x[i + 1] * 0.0;
        s2 += x[i + 2] * 0.0;
        s3 += x[i + 3] * 0.0;
    }
    for (; i < len; i++) s0 += x[i] * 0.0;
    return !ISNAN(s0 + s1 + s2 + s3);
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
