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
/* Checks that x is one positive integer and returns it. */
int gplvm_positive_int_arg(SEXP x, const char *what);
/* Checks the threads requested from R and returns the count to use,
 * gplvm_threads() of it. */
int gplvm_threads_arg(SEXP threads);
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
/* len doubles from the workspace ws (grown when shorter), or from R_alloc
 * when ws is NULL; an error for anything else. */
double *gplvm_workspace_get(SEXP ws, size_t len);
/* A new, empty workspace (external pointer, freed by its finalizer). */
SEXP gplvm_workspace_call(void);
/* Frees a workspace's buffer now (at the end of a fit); returns the number
 * of doubles freed. */
SEXP gplvm_workspace_free_call(SEXP ws);
/* Upper Cholesky factor of k(X, X) + s I, s the engine's effective noise
 * for noise diag_add (as R's chol()), built in the returned matrix: the
 * one N x N matrix a fitted exact model keeps. */
SEXP gplvm_chol_call(SEXP X, SEXP type, SEXP npar, SEXP par, SEXP diag_add);
/* gplvm_threads() for R (src/threads.c; integer in, integer out). */
SEXP gplvm_threads_call(SEXP requested);
/* Internal, for bench/eval.R only (no R function calls it): one engine
 * evaluation with phase timings and total, then dpotrf + dpotri of the
 * same K timed alone (the floor). */
SEXP gplvm_internal_bench_call(SEXP Y, SEXP X, SEXP type, SEXP npar,
                               SEXP par, SEXP noise, SEXP threads, SEXP ws);

/* The expected metric of the map's Jacobian at the rows of Xs (see
 * gplvm_metric): list(G = q x q x m array, J = d x q x m array). */
SEXP gplvm_metric_call(SEXP Xs, SEXP S, SEXP alpha, SEXP F, SEXP type,
                       SEXP npar, SEXP par, SEXP ndim);
/* ---- src/call_sparse.c ---- */

/* One sparse evaluation: list(loglik, X, inducing, kernel, noise, jitter,
 * retries, status), chunk by chunk (`chunk` rows at a time; `store`: keep
 * Kxz between the two passes; ws: NULL, or a workspace that then holds
 * them from call to call). */
SEXP gplvm_sparse_call(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                       SEXP par, SEXP noise, SEXP ndim, SEXP approx,
                       SEXP gradient, SEXP chunk, SEXP store, SEXP ws);
/* The steps of a VFE or DTC evaluation (see src/sparse_stats.c): the
 * factor of k(Z, Z), list(Lz, jitter, rel, retries, status); */
SEXP gplvm_sparse_factor_call(SEXP Z, SEXP type, SEXP npar, SEXP par);
/* pass 1 over the rows a worker holds, list(n, psi0, yy, Phi, c, store,
 * status), with store the kept Kxz when `keep`, else NULL; */
SEXP gplvm_sparse_stats_call(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                             SEXP par, SEXP Lz, SEXP chunk, SEXP keep);
/* the global step from summed statistics, list(loglik, B, C, g0, noise,
 * inducing, kernel, status) (gradients: the Kzz part and the noise); */
SEXP gplvm_sparse_global_call(SEXP Z, SEXP type, SEXP npar, SEXP par,
                              SEXP noise, SEXP ndim, SEXP approx, SEXP Lz,
                              SEXP rel, SEXP nobs, SEXP psi0, SEXP yy,
                              SEXP Phi, SEXP c, SEXP gradient);
/* pass 2, list(X, inducing, kernel, noise, status): the rows' gradient
 * and their share of the others (noise 0: the global step has it). */
SEXP gplvm_sparse_grad_call(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                            SEXP par, SEXP Lz, SEXP B, SEXP C, SEXP g0,
                            SEXP chunk, SEXP store);
/* FITC's steps, the same with each row weighted by 1 / lambda_i: pass 1
 * adds loglam (sum log lambda_i) to its list; the global step takes it
 * in place of psi0 and noise (its noise gradient is 0); pass 2 returns
 * the rows' share of the noise gradient too (rel: the factor's). */
SEXP gplvm_fitc_stats_call(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                           SEXP par, SEXP Lz, SEXP noise, SEXP chunk,
                           SEXP keep);
SEXP gplvm_fitc_global_call(SEXP Z, SEXP type, SEXP npar, SEXP par,
                            SEXP ndim, SEXP Lz, SEXP rel, SEXP nobs,
                            SEXP loglam, SEXP yy, SEXP Phi, SEXP c,
                            SEXP gradient);
SEXP gplvm_fitc_grad_call(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                          SEXP par, SEXP Lz, SEXP noise, SEXP ndim, SEXP rel,
                          SEXP B, SEXP C, SEXP chunk, SEXP store);
/* Internal, for bench/sparse_engine.R only: one VFE evaluation with its
 * phase timings (seconds) and total. */
SEXP gplvm_internal_sparse_bench_call(SEXP Y, SEXP X, SEXP Z, SEXP type,
                                      SEXP npar, SEXP par, SEXP noise,
                                      SEXP chunk, SEXP store);

/* ---- src/bayes_call.c ---- */

/* The Bayesian GP-LVM bound: list(bound, X, X_var, inducing, kernel,
 * noise, jitter, retries, status). */
SEXP gplvm_bayes_stats_call(SEXP Y, SEXP mu, SEXP S, SEXP Z, SEXP type,
                            SEXP npar, SEXP par, SEXP threads);
SEXP gplvm_bayes_global_call(SEXP Z, SEXP type, SEXP npar, SEXP par,
                             SEXP noise, SEXP ndim, SEXP n, SEXP psi0,
                             SEXP Psi2, SEXP PY, SEXP yy, SEXP kl,
                             SEXP gradient);
SEXP gplvm_bayes_grad_call(SEXP Y, SEXP mu, SEXP S, SEXP Z, SEXP type,
                           SEXP npar, SEXP par, SEXP beta, SEXP g0, SEXP L,
                           SEXP E, SEXP W2, SEXP threads);
SEXP gplvm_bayes_call(SEXP Y, SEXP mu, SEXP S, SEXP Z, SEXP type, SEXP npar,
                      SEXP par, SEXP noise, SEXP ndim, SEXP gradient,
                      SEXP threads, SEXP cache);
/* psi-statistics: list(psi0, psi1, psi2). */
SEXP gplvm_psi_call(SEXP mu, SEXP S, SEXP Z, SEXP type, SEXP npar, SEXP par,
                    SEXP threads);

/* ---- src/call_nongaussian.c ---- */

/* The non-Gaussian bound (src/nongaussian.c): list(value, X, inducing,
 * kernel, mean, chol, dispersion, noise, jitter, retries, status), the
 * gradients empty without `gradient`; rule = c(nodes, weights). */
SEXP gplvm_nongaussian_call(SEXP Y, SEXP X, SEXP Z, SEXP type, SEXP npar,
                            SEXP par, SEXP lik, SEXP mean, SEXP chol,
                            SEXP disp, SEXP noise, SEXP rule, SEXP gradient,
                            SEXP chunk, SEXP threads);

#endif
