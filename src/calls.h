/* gplvm: the .Call wrappers (src/call_*.c).  Each checks the SEXPs it
 * receives (R has checked them already, but C trusts nothing), allocates
 * and PROTECTs its outputs, and calls a pure-C engine from src/gplvm.h. */
#ifndef GPLVM_CALLS_H
#define GPLVM_CALLS_H

#include "gplvm.h"
#include <Rinternals.h>

/* ---- src/call_args.c: shared checks ---- */

/* Checks that x is a double matrix with no empty dimension and returns its
 * dimensions. */
void gplvm_matrix_dims(SEXP x, const char *what, int *nrow, int *ncol);
/* Checks a kernel description received from R against latent dimension q
 * and fills *k; errors (in R) when it is malformed. */
void gplvm_kernel_from_sexp(SEXP type, SEXP npar, SEXP par, int q,
                            gplvm_kernel *k);
/* Checks that x is one finite double and returns it. */
double gplvm_scalar_arg(SEXP x, const char *what);
/* Checks that x is TRUE or FALSE and returns it. */
int gplvm_flag_arg(SEXP x, const char *what);
/* A list of the n (protected) elts named by `names` ("" terminated). */
SEXP gplvm_named_list(const char **names, int n, const SEXP *elts);

/* ---- src/call_kernels.c ---- */

/* The kernel table: list(name, label, family, params, ard). */
SEXP gplvm_kernel_table_call(void);
/* k(X, X) (X2 NULL) or k(X, X2). */
SEXP gplvm_kern_matrix_call(SEXP X, SEXP X2, SEXP type, SEXP npar,
                            SEXP par);
/* k(x_i, x_i) for the rows of X. */
SEXP gplvm_kern_diag_call(SEXP X, SEXP type, SEXP npar, SEXP par);
/* Gradient contraction: with X2 NULL, W a vector of n weights on the
 * diagonal k(x_i, x_i); otherwise W (n x m) on k(X, X2).  Returns
 * list(X, X2, kernel). */
SEXP gplvm_kern_grad_call(SEXP X, SEXP X2, SEXP W, SEXP type, SEXP npar,
                          SEXP par);
/* Derivatives: what = 1, dk(x*_i, x_j)/dx*_i as an n x q x m array for
 * Xs (m x q) and X (n x q); what = 2, d^2 k(x, x')/dx dx' at x' = x as a
 * q x q x m array for the rows of Xs (X unused). */
SEXP gplvm_kern_deriv_call(SEXP Xs, SEXP X, SEXP type, SEXP npar, SEXP par,
                           SEXP what);

/* ---- src/call_models.c ---- */

/* ws: NULL, or a workspace from gplvm_workspace_call() whose K and A
 * buffers are then reused from call to call. */
SEXP gplvm_loglik_call(SEXP Y, SEXP X, SEXP type, SEXP npar, SEXP par,
                       SEXP noise, SEXP ndim, SEXP gradient, SEXP threads,
                       SEXP ws);
/* A new, empty workspace (external pointer, freed by its finalizer). */
SEXP gplvm_workspace_call(void);
SEXP gplvm_sparse_call(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                       SEXP par, SEXP noise, SEXP ndim, SEXP approx,
                       SEXP gradient);
/* Internal, for bench/eval.R only (no R function calls it): one engine
 * evaluation with phase timings and total, then dpotrf + dpotri of the
 * same K timed alone (the floor). */
SEXP gplvm_internal_bench_call(SEXP Y, SEXP X, SEXP type, SEXP npar,
                               SEXP par, SEXP noise, SEXP threads, SEXP ws);

#endif
