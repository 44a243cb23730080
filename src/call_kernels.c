/* .Call wrappers of the kernel passes, and the table for R. */
#include "calls.h"
#include <string.h>

SEXP gplvm_kernel_table_call(void)
{
    int nk = gplvm_nkernel_defs;
    static const char *const families[] = {"", "radial", "pair", "constant",
                                           "white"};
    const char *names[] = {"name", "label", "family", "params", "ard", "psi",
                           ""};
    SEXP name = PROTECT(allocVector(STRSXP, nk));
    SEXP label = PROTECT(allocVector(STRSXP, nk));
    SEXP family = PROTECT(allocVector(STRSXP, nk));
    SEXP params = PROTECT(allocVector(VECSXP, nk));
    SEXP ard = PROTECT(allocVector(INTSXP, nk));
    SEXP psi = PROTECT(allocVector(LGLSXP, nk));
    for (int t = 0; t < nk; t++) {
        const gplvm_kernel_def *d = gplvm_kernel_defs[t];
        SET_STRING_ELT(name, t, mkChar(d->name));
        SET_STRING_ELT(label, t, mkChar(d->label));
        SET_STRING_ELT(family, t, mkChar(families[d->family]));
        SEXP g = allocVector(STRSXP, d->ngroups);
        SET_VECTOR_ELT(params, t, g);
        for (int i = 0; i < d->ngroups; i++)
            SET_STRING_ELT(g, i, mkChar(d->groups[i]));
        INTEGER(ard)[t] = d->ard + 1;   /* 1-based, 0: none */
        LOGICAL(psi)[t] = d->psi != NULL;
    }
    const SEXP elts[] = {name, label, family, params, ard, psi};
    SEXP out = gplvm_named_list(names, 6, elts);
    UNPROTECT(6);
    return out;
}

/* A second input matrix with q columns, checked; returns its row count. */
static int second_input(SEXP X2, const char *what, int q)
{
    int m, q2;
    gplvm_matrix_dims(X2, what, &m, &q2);
    if (q2 != q) error("'%s' must have %d columns", what, q);
    return m;
}

SEXP gplvm_kern_matrix_call(SEXP X, SEXP X2, SEXP type, SEXP npar, SEXP par)
{
    int n, q;
    gplvm_kernel k;
    gplvm_matrix_dims(X, "X", &n, &q);
    gplvm_kernel_from_sexp(type, npar, par, q, &k);
    SEXP K;
    if (isNull(X2)) {
        K = PROTECT(allocMatrix(REALSXP, n, n));
        double *Kp = REAL(K);
        gplvm_kernel_sym(&k, REAL(X), n, q, Kp);
        for (int j = 0; j < n; j++)
            for (int i = j + 1; i < n; i++)
                Kp[j + (size_t) i * n] = Kp[i + (size_t) j * n];
    } else {
        int m = second_input(X2, "X2", q);
        K = PROTECT(allocMatrix(REALSXP, n, m));
        gplvm_kernel_cross(&k, REAL(X), n, REAL(X2), m, q, REAL(K));
    }
    UNPROTECT(1);
    return K;
}

SEXP gplvm_kern_diag_call(SEXP X, SEXP type, SEXP npar, SEXP par)
{
    int n, q;
    gplvm_kernel k;
    gplvm_matrix_dims(X, "X", &n, &q);
    gplvm_kernel_from_sexp(type, npar, par, q, &k);
    SEXP d = PROTECT(allocVector(REALSXP, n));
    gplvm_kernel_diag(&k, REAL(X), n, q, REAL(d));
    UNPROTECT(1);
    return d;
}

SEXP gplvm_kern_grad_call(SEXP X, SEXP X2, SEXP W, SEXP type, SEXP npar,
                          SEXP par)
{
    int n, q, m = 0;
    gplvm_kernel k;
    gplvm_matrix_dims(X, "X", &n, &q);
    gplvm_kernel_from_sexp(type, npar, par, q, &k);
    if (isNull(X2)) {
        if (TYPEOF(W) != REALSXP || XLENGTH(W) != n)
            error("'W' must be a double vector of length %d", n);
    } else {
        int wn, wm;
        m = second_input(X2, "X2", q);
        gplvm_matrix_dims(W, "W", &wn, &wm);
        if (wn != n || wm != m) error("'W' must be %d x %d", n, m);
    }
    for (R_xlen_t i = 0; i < XLENGTH(W); i++)
        if (!R_FINITE(REAL(W)[i])) error("'W' must be finite");
    const char *names[] = {"X", "X2", "kernel", ""};
    SEXP gX = PROTECT(allocMatrix(REALSXP, n, q));
    SEXP gZ = PROTECT(allocMatrix(REALSXP, m, q));
    SEXP gp = PROTECT(allocVector(REALSXP, LENGTH(par)));
    memset(REAL(gX), 0, (size_t) n * q * sizeof(double));
    memset(REAL(gZ), 0, (size_t) m * q * sizeof(double));
    memset(REAL(gp), 0, (size_t) LENGTH(par) * sizeof(double));
    if (isNull(X2))
        gplvm_kernel_grad_diag(&k, REAL(X), n, q, REAL(W), REAL(gX),
                               REAL(gp));
    else
        gplvm_kernel_grad_cross(&k, REAL(X), n, REAL(X2), m, q, REAL(W),
                                REAL(gX), REAL(gZ), REAL(gp));
    const SEXP elts[] = {gX, gZ, gp};
    SEXP out = gplvm_named_list(names, 3, elts);
    UNPROTECT(3);
    return out;
}

SEXP gplvm_kern_deriv_call(SEXP Xs, SEXP X, SEXP type, SEXP npar, SEXP par,
                           SEXP what)
{
    int m, q, n;
    gplvm_kernel k;
    gplvm_matrix_dims(Xs, "Xs", &m, &q);
    gplvm_kernel_from_sexp(type, npar, par, q, &k);
    if (TYPEOF(what) != INTSXP || LENGTH(what) != 1 ||
        (INTEGER(what)[0] != 1 && INTEGER(what)[0] != 2))
        error("'what' must be 1L or 2L");
    int dx = INTEGER(what)[0] == 1;
    n = dx ? second_input(X, "X", q) : q;
    SEXP dim = PROTECT(allocVector(INTSXP, 3));
    INTEGER(dim)[0] = n;
    INTEGER(dim)[1] = q;
    INTEGER(dim)[2] = m;
    SEXP D = PROTECT(allocArray(REALSXP, dim));
    if (dx)
        gplvm_kernel_cross_dx(&k, REAL(Xs), m, REAL(X), n, q, REAL(D));
    else
        gplvm_kernel_d2(&k, REAL(Xs), m, q, REAL(D));
    UNPROTECT(2);
    return D;
}
