/* Checks shared by the .Call wrappers. */
#include "calls.h"

void gplvm_matrix_dims(SEXP x, const char *what, int *nrow, int *ncol)
{
    SEXP dim = getAttrib(x, R_DimSymbol);
    if (TYPEOF(x) != REALSXP || TYPEOF(dim) != INTSXP || LENGTH(dim) != 2)
        error("'%s' must be a double matrix", what);
    *nrow = INTEGER(dim)[0];
    *ncol = INTEGER(dim)[1];
    if (*nrow < 1 || *ncol < 1) error("'%s' must not be empty", what);
}

void gplvm_kernel_from_sexp(SEXP type, SEXP npar, SEXP par, int q,
                            gplvm_kernel *k)
{
    if (TYPEOF(type) != INTSXP || TYPEOF(npar) != INTSXP ||
        TYPEOF(par) != REALSXP || LENGTH(type) != LENGTH(npar))
        error("malformed kernel description");
    k->nparts = LENGTH(type);
    k->type = INTEGER(type);
    k->npar = INTEGER(npar);
    k->par = REAL(par);
    if (gplvm_kernel_check(k, q) != LENGTH(par))
        error("kernel parameters do not match the latent dimension %d", q);
    for (R_xlen_t i = 0; i < XLENGTH(par); i++)
        if (!R_FINITE(k->par[i]) || k->par[i] <= 0.0)
            error("kernel parameters must be positive and finite");
}

double gplvm_scalar_arg(SEXP x, const char *what)
{
    if (TYPEOF(x) != REALSXP || LENGTH(x) != 1 || !R_FINITE(REAL(x)[0]))
        error("'%s' must be one finite double", what);
    return REAL(x)[0];
}

int gplvm_flag_arg(SEXP x, const char *what)
{
    if (TYPEOF(x) != LGLSXP || LENGTH(x) != 1 ||
        LOGICAL(x)[0] == NA_LOGICAL)
        error("'%s' must be TRUE or FALSE", what);
    return LOGICAL(x)[0];
}

SEXP gplvm_named_list(const char **names, int n, const SEXP *elts)
{
    SEXP out = PROTECT(mkNamed(VECSXP, names));
    for (int i = 0; i < n; i++) SET_VECTOR_ELT(out, i, elts[i]);
    UNPROTECT(1);
    return out;
}

int gplvm_positive_int_arg(SEXP x, const char *what)
{
    if (TYPEOF(x) != INTSXP || LENGTH(x) != 1 ||
        INTEGER(x)[0] == NA_INTEGER || INTEGER(x)[0] < 1)
        error("'%s' must be one positive integer", what);
    return INTEGER(x)[0];
}

int gplvm_threads_arg(SEXP threads)
{
    return gplvm_threads(gplvm_positive_int_arg(threads, "threads"));
}
