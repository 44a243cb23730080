#!/usr/bin/env bash
# Memory checks for gplvm, runnable by anyone from the package directory:
#
#   tools/memcheck.sh [valgrind] [asan] [gctorture]      (default: all three)
#
#   valgrind   the whole test suite under valgrind memcheck (leak-check=full)
#   asan       the C code built with -fsanitize=address,undefined into a
#              private library, the whole test suite run against it
#   gctorture  every kernel, kern_matrix and gplvm_loglik (with gradient) on
#              tiny data under gctorture(TRUE), compared with a normal run
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

for check in $checks; do
  case $check in
  valgrind)
    install "$out/lib-plain"
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
    R_MAKEVARS_USER="$mv" install "$out/lib-asan" --no-test-load
    libasan=$(gcc -print-file-name=libasan.so)
    log=$out/asan.log
    LD_PRELOAD="$libasan" \
      ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 \
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
    [ -d "$out/lib-plain" ] || install "$out/lib-plain"
    log=$out/gctorture.log
    R_LIBS="$out/lib-plain" Rscript - > "$log" 2>&1 <<'EOF'
library(gplvm)
set.seed(1)
Y <- matrix(rnorm(8), 4, 2)
X <- matrix(rnorm(8), 4, 2)
X2 <- matrix(rnorm(6), 3, 2)
kernels <- list(kern_rbf(1, c(1, 2)), kern_matern32(), kern_matern52(2, 0.5),
                kern_linear(c(1, 2)), kern_bias(0.5) + kern_white(0.1),
                kern_rbf() + kern_linear() + kern_matern32(1, c(2, 1)))
run <- function() lapply(kernels, function(k) list(
  kern_matrix(k, X), kern_matrix(k, X, X2), kern_params(k),
  gplvm_loglik(Y, X, k, 0.1, gradient = TRUE), gplvm_loglik(Y, X, k, 0.1),
  tryCatch(gplvm_loglik(Y, X * 1e200, k, 1e-300), error = conditionMessage)))
plain <- run()
t0 <- proc.time()[["elapsed"]]
gctorture(TRUE)
tortured <- run()
gctorture(FALSE)
cat(sprintf("GCTORTURE: %d kernels, %.1f s, results identical: %s\n",
            length(kernels), proc.time()[["elapsed"]] - t0,
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
