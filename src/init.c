/* Registration only: the table of .Call entry points. */
#include "gplvm.h"
#include <R_ext/Rdynload.h>

#define CALLDEF(name, n) {#name, (DL_FUNC) &name, n}

static const R_CallMethodDef call_methods[] = {
    CALLDEF(gplvm_loglik_call, 10),
    CALLDEF(gplvm_bench_call, 8),
    CALLDEF(gplvm_workspace_call, 0),
    CALLDEF(gplvm_kern_matrix_call, 5),
    CALLDEF(gplvm_sparse_call, 10),
    CALLDEF(gplvm_bayes_call, 11),
    CALLDEF(gplvm_psi_call, 7),
    {NULL, NULL, 0}
};

void R_init_gplvm(DllInfo *dll)
{
    R_registerRoutines(dll, NULL, call_methods, NULL, NULL);
    R_useDynamicSymbols(dll, FALSE);
    R_forceSymbols(dll, TRUE);
}
