#!/usr/bin/env bash
# Memory checks for gplvm, runnable by anyone from the package directory:
#
#   tools/memcheck.sh [valgrind] [asan] [gctorture]      (default: all three)
#
#   valgrind   the whole test suite under valgrind memcheck (leak-check=full)
#   asan       the C code built with -fsanitize=address,undefined into a
#              private library, the whole test suite run against it
#   gctorture  every kernel through kern_matrix and the exact and sparse
#              likelihoods (with gradient), and tiny exact and sparse fits
#              with predict, under gctorture(TRUE), compared with a normal
#              run
#
# The last results are in tools/memcheck-results.md.
#
# Each package build goes to its own library under $MEMCHECK_DIR (default
# ${TMPDIR:-/tmp}/gplvm-memcheck); nothing is installed anywhere else.  Full
# logs stay there; the summary lines are printed.  The exit status is 0 only
# when every requested check is clean.
set -u
pkg=$(cd "$(dirname "$0")/.." && pwd)
out=${MEMCHECK_DIR:-${TMPDIR:-/tmp}/gplvm-memcheck}
mkdir -p "$out"
checks=${*:-valgrind asan gctorture}
status=0

# R code that runs the test suite against the installed package.
tests="res <- as.data.frame(testthat::test_dir('$pkg/tests/testthat',
  package = 'gplvm', load_package = 'installed', reporter = 'summary',
  stop_on_failure = FALSE));
cat('TESTS: failed', sum(res\$failed), 'errors', sum(res\$error),
    'passed', sum(res\$passed), '\n')"

install() {  # install(lib, extra R CMD INSTALL args...)
  local lib=$1
  shift
  rm -rf "$lib"
  mkdir -p "$lib"
  R CMD INSTALL --preclean --no-multiarch -l "$lib" "$@" "$pkg" \
    > "$lib.install.log" 2>&1 || {
    echo "install failed, see $lib.install.log"
    exit 2
  }
}

plain_done=
install_plain() {  # once per run: the ordinary build, for valgrind and gctorture
  [ -n "$plain_done" ] || install "$out/lib-plain"
  plain_done=1
}

for check in $checks; do
  case $check in
  valgrind)
    install_plain
    log=$out/valgrind.log
    R_LIBS="$out/lib-plain" R -d "valgrind --tool=memcheck --leak-check=full \
      --track-origins=yes --log-file=$log" --vanilla --quiet \
      -e "$tests" > "$out/valgrind.out" 2>&1
    echo "== valgrind (log: $log)"
    grep -E "^TESTS:" "$out/valgrind.out"
    grep -E "ERROR SUMMARY|definitely lost|indirectly lost|possibly lost" "$log" |
      sed 's/^==[0-9]*== *//'
    grep -q "ERROR SUMMARY: 0 errors" "$log" || status=1
    grep -Eq "definitely lost: [1-9]" "$log" && status=1
    grep -Eq "^TESTS: failed 0 errors 0 " "$out/valgrind.out" || status=1
    ;;
  asan)
    mv="$out/Makevars-asan"
    cat > "$mv" <<'EOF'
CFLAGS = -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDFLAGS = -fsanitize=address,undefined
EOF
    # R itself is not instrumented: the ASan runtime must be loaded first,
    # hence LD_PRELOAD, and the install must not load the library itself.
    # Impossible allocations (the C fuzz asks for 2^31 threads' scratch)
    # must fail as in plain R, with an error, not abort the process.
    R_MAKEVARS_USER="$mv" install "$out/lib-asan" --no-test-load
    libasan=$(gcc -print-file-name=libasan.so)
    log=$out/asan.log
    LD_PRELOAD="$libasan" \
      ASAN_OPTIONS=detect_leaks=0:halt_on_error=1:allocator_may_return_null=1 \
      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      R_LIBS="$out/lib-asan" Rscript -e "$tests" > "$log" 2>&1
    rc=$?
    echo "== ASan/UBSan (log: $log), R exit status $rc"
    grep -E "^TESTS:" "$log"
    if grep -Eq "AddressSanitizer|runtime error:|LeakSanitizer" "$log"; then
      grep -E "AddressSanitizer|runtime error:" "$log" | head -20
      status=1
    else
      echo "no sanitizer reports"
    fi
    grep -E "^TESTS: failed 0 errors 0 " "$log" > /dev/null || status=1
    [ "$rc" -eq 0 ] || status=1
    ;;
  gctorture)
    install_plain
    log=$out/gctorture.log
    R_LIBS="$out/lib-plain" Rscript - > "$log" 2>&1 <<'EOF'
# The .Call entry points for every kernel type, called directly or through
# the thinnest internal wrapper (so that the torture is spent on the C
# code), then the R functions on a tiny fit.
library(gplvm)
ns <- asNamespace("gplvm")
set.seed(1)
Y <- matrix(rnorm(8), 4, 2)
X <- matrix(rnorm(8), 4, 2)
X2 <- matrix(rnorm(6), 3, 2)
# every kernel of the table with its defaults (white only in a sum: alone
# it is noise to the sparse model), then sums
kernels <- c(lapply(setdiff(ns$.kernel_table()$name, "white"), function(nm)
               get(paste0("kern_", nm), ns)()),
             list(kern_rbf(1, c(1, 2)) + kern_white(0.1),
                  kern_rbf() + kern_linear() + kern_matern32(1, c(2, 1))))
specs <- lapply(kernels, function(k) c(ns$.kernel_spec(k, 2L), kernel = list(k)))
calls <- function() lapply(specs, function(s) list(
  .Call(ns$C_gplvm_kern_matrix_call, X, NULL, s$type, s$npar, s$par),
  .Call(ns$C_gplvm_kern_matrix_call, X, X2, s$type, s$npar, s$par),
  ns$.loglik_c(Y, X, s$kernel, 0.1, TRUE),
  ns$.loglik_c(Y, X, s$kernel, 0.1, FALSE),
  ns$.loglik_sparse_c(Y, X, X2, s$kernel, 0.1, "fitc", TRUE),
  ns$.loglik_sparse_c(Y, X, X2, s$kernel, 0.1, "vfe", FALSE)))
r_level <- function() {
  fit <- suppressWarnings(gplvm(Y, q = 1, maxit = 2))
  sparse <- suppressWarnings(gplvm(Y, q = 1, maxit = 2, inducing = 2))
  list(fit[c("X", "kernel", "noise", "loglik", "alpha")],
       predict(fit, newlatent = fit$X[1:2, , drop = FALSE], se.fit = TRUE),
       sparse[c("X", "inducing", "kernel", "noise", "loglik", "alpha")],
       predict(sparse, newlatent = fit$X[1:2, , drop = FALSE], se.fit = TRUE),
       gplvm_loglik(Y, X, kernels[[6]], 0.1, gradient = TRUE))
}
plain <- list(calls(), r_level())
t0 <- proc.time()[["elapsed"]]
gctorture(TRUE)
tortured <- list(calls(), r_level())
gctorture(FALSE)
cat(sprintf(paste("GCTORTURE: %d kernels through every .Call entry point",
                  "and tiny exact and sparse fits with predict, %.1f s,",
                  "results identical:",
                  "%s\n"), length(kernels), proc.time()[["elapsed"]] - t0,
            identical(plain, tortured)))
EOF
    echo "== gctorture (log: $log)"
    grep -E "^GCTORTURE:" "$log" || { tail -5 "$log"; status=1; }
    grep -q "results identical: TRUE" "$log" || status=1
    ;;
  *)
    echo "unknown check '$check' (valgrind, asan, gctorture)"
    exit 2
    ;;
  esac
done
exit $status
