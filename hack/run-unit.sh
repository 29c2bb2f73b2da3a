#!/bin/bash
# Runs every unit-test binary in DIR (cmocka) and prints
# "unit: N passed, N failed". Exit status 1 if any test failed.
# A binary that fails is run once more; if it then passes it is reported as
# FLAKY with its first output in full (so the cause can be found), and its
# tests count as passed. Two failures in a row count as failed.
set -u
dir=${1:-build-san/tests}
pass=0 fail=0 flaky=""
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
# Tests must not leave a floor-filter cache in /run/aisbx (test_seccomp_cache
# turns it back on for itself).
export AISBX_SECCOMP_CACHE=0
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
count() { # output, pattern
    printf '%s\n' "$1" | sed -n "s/^\[  $2  \] \([0-9]*\) test.*/\1/p" | awk '{s+=$1} END {print s+0}'
}
for t in "$dir"/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    out=$("$t" 2>&1 </dev/null)
    rc=$?
    if [ "$rc" -ne 0 ]; then
        first=$out
        out=$("$t" 2>&1 </dev/null)
        rc2=$?
        if [ "$rc2" -eq 0 ]; then
            echo "unit: $name: FLAKY: failed once (exit $rc), passed on retry; first run:"
            printf '%s\n' "$first" | grep -vE '^\[ *(RUN|OK) *\]' | grep -vE '^ +#[0-9]+ 0x' | head -80
            flaky="$flaky $name"
            rc=0
        else
            rc=$rc2
        fi
    fi
    p=$(count "$out" PASSED)
    f=$(count "$out" FAILED)
    # A crash (sanitizer, signal) counts as a failure even if cmocka printed nothing.
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    pass=$((pass + p)); fail=$((fail + f))
    if [ "$rc" -ne 0 ]; then
        printf '%s\n' "$out" | grep -vE '^\[ *(RUN|OK) *\]' | grep -vE '^ +#[0-9]+ 0x' | head -80
        echo "unit: $name: FAILED (exit $rc)"
    else
        echo "unit: $name: $p passed"
    fi
done
[ -n "$flaky" ] && echo "unit: flaky binaries (passed on retry):$flaky"
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
