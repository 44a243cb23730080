/* Registration only: the table of .Call entry points. */
#include "calls.h"
#include <R_ext/Rdynload.h>

/* through void (*)(void), which matches every function type, so that
 * -Wextra's -Wcast-function-type has nothing to say */
#define CALLDEF(name, n) {#name, (DL_FUNC) (void (*)(void)) &name, n}

static const R_CallMethodDef call_methods[] = {
    CALLDEF(gplvm_loglik_call, 10),
    CALLDEF(gplvm_internal_bench_call, 8),
    CALLDEF(gplvm_workspace_call, 0),
    CALLDEF(gplvm_workspace_free_call, 1),
    CALLDEF(gplvm_chol_call, 5),
    CALLDEF(gplvm_threads_call, 1),
    CALLDEF(gplvm_sparse_call, 13),
    CALLDEF(gplvm_sparse_factor_call, 4),
    CALLDEF(gplvm_sparse_stats_call, 9),
    CALLDEF(gplvm_sparse_global_call, 15),
    CALLDEF(gplvm_sparse_grad_call, 12),
    CALLDEF(gplvm_fitc_stats_call, 10),
    CALLDEF(gplvm_fitc_global_call, 13),
    CALLDEF(gplvm_fitc_grad_call, 14),
    CALLDEF(gplvm_internal_sparse_bench_call, 9),
    CALLDEF(gplvm_kernel_table_call, 0),
    CALLDEF(gplvm_kern_matrix_call, 5),
    CALLDEF(gplvm_kern_diag_call, 4),
    CALLDEF(gplvm_kern_grad_call, 6),
    CALLDEF(gplvm_kern_deriv_call, 6),
    CALLDEF(gplvm_metric_call, 8),
    CALLDEF(gplvm_bayes_call, 12),
    CALLDEF(gplvm_bayes_stats_call, 8),
    CALLDEF(gplvm_bayes_global_call, 13),
    CALLDEF(gplvm_bayes_grad_call, 13),
    CALLDEF(gplvm_psi_call, 7),
    CALLDEF(gplvm_nongaussian_call, 15),
    {NULL, NULL, 0}
};

void R_init_gplvm(DllInfo *dll)
{
    R_registerRoutines(dll, NULL, call_methods, NULL, NULL);
    R_useDynamicSymbols(dll, FALSE);
    R_forceSymbols(dll, TRUE);
}
