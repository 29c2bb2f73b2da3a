#!/bin/bash
# Runs every unit-test binary in DIR (cmocka) and prints
# "unit: N passed, N failed". Exit status 1 if any test failed.
set -u
dir=${1:-build-san/tests}
pass=0 fail=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
for t in "$dir"/test_*; do
    [ -x "$t" ] || continue
    out=$("$t" 2>&1)
    rc=$?
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
    # A crash (sanitizer, signal) counts as a failure even if cmocka printed nothing.
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    pass=$((pass + p)); fail=$((fail + f))
    if [ "$rc" -ne 0 ]; then
        # cmocka's verdicts and messages first, then the tail (sanitizer reports).
        printf '%s\n' "$out" | grep -E -B3 '^\[ *(FAILED|ERROR) *\]|[Ff]ailure|error:' | head -40
        printf '%s\n' "$out" | grep -vE '^\[ *(RUN|OK) *\]' | tail -25
        echo "unit: $(basename "$t"): FAILED (exit $rc)"
    else
        echo "unit: $(basename "$t"): $p passed"
    fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
