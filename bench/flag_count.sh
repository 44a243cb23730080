#!/bin/sh
# Per model kind, the R files whose code (comments and roxygen excluded)
# tests which data term or model kind a fit uses (issue 22: "no R file
# outside the data-term files tests which data term a fit uses").
#   sh bench/flag_count.sh [R directory]     (default: R)
# A test is a NULL test of a field that only some kinds have, a test of
# the fit's or the term's class or kind, or of the flag that asks for it.
dir=${1:-R}
count() {
  kind=$1; pattern=$2
  files=$(for f in "$dir"/*.R; do
    if sed 's/#.*$//' "$f" | grep -Eq "$pattern"; then basename "$f"; fi
  done)
  printf '%-9s %2d  %s\n' "$kind" "$(echo "$files" | grep -c .)" \
    "$(echo $files)"
}
count sparse 'is\.null\(([a-z_]+\$)?(inducing|Z0|Z|approx)\)|approx == "(fitc|vfe|dtc)"|(^|[^a-z_])m (>|==) 0L|inherits\([a-z_]+, "gplvm_data_(exact|sparse)"\)|kind(,| ==| !=) "(exact|sparse)"'
count bayesian 'inherits\([a-z_]+, (c\()?"(summary\.)?bgplvm"|if \(bayesian\)|bayesian &&|is\.null\(([a-z_]+\$)?(X_var|S)\)|inherits\([a-z_]+, "gplvm_data_bayes"\)|kind(,| ==| !=) "bayes"'
count missing 'is\.null\(([a-z_]+\$)?(missing|miss|pats)\)'
count dynamics 'is\.null\(dyn\)|!is\.logical\(prior\)|\.fit_dynamics\(|kind(,| ==| !=) "dynamics"'
