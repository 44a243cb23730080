#!/bin/sh
# Per model kind, the R files whose code (comments and roxygen excluded)
# tests which data term or model kind a fit uses (issue 22: "no R file
# outside the data-term files tests which data term a fit uses").
#   sh bench/flag_count.sh [R directory]     (default: R)
dir=${1:-R}
count() {
  kind=$1; pattern=$2
  files=$(for f in "$dir"/*.R; do
    if sed 's/#.*$//' "$f" | grep -Eq "$pattern"; then basename "$f"; fi
  done)
  printf '%-9s %2d  %s\n' "$kind" "$(echo "$files" | grep -c .)" \
    "$(echo $files)"
}
count sparse 'is\.null\(([a-z_]+\$)?(inducing|Z0|Z)\)|approx == "fitc"|m > 0L|m == 0L'
count bayesian 'inherits\([a-z_]+, "bgplvm"\)|if \(bayesian\)|bayesian &&|is\.null\(([a-z_]+\$)?(X_var|S)\)'
count missing 'is\.null\(([a-z_]+\$)?(missing|miss|pats)\)'
count dynamics 'is\.null\(dyn\)|!is\.logical\(prior\)|\.fit_dynamics\('
