/* White noise: v on the diagonal of k(X, X), 0 in cross covariances (the
 * passes handle the white family; the sparse model treats it as noise). */
#include "gplvm.h"

static const char *const white_groups[] = {"variance"};

const gplvm_kernel_def gplvm_kern_white = {
    .name = "white", .label = "white", .family = GPLVM_WHITE,
    .ngroups = 1, .groups = white_groups, .ard = -1,
    .psi = &gplvm_psi_ops_white
};
