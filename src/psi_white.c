/* White noise in the Bayesian GP-LVM: its variance adds to the noise (as
 * in the sparse model), so it needs no psi-statistics of its own; the
 * empty set of operations marks it as accepted. */
#include "psi_impl.h"

const gplvm_psi_ops gplvm_psi_ops_white = {.prepare = NULL};
