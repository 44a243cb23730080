/* Bias: k = v, a constant offset (the passes handle the constant family). */
#include "gplvm.h"

static const char *const bias_groups[] = {"variance"};

const gplvm_kernel_def gplvm_kern_bias = {
    .name = "bias", .label = "bias", .family = GPLVM_CONSTANT,
    .ngroups = 1, .groups = bias_groups, .ard = -1,
    .psi = &gplvm_psi_ops_bias
};
