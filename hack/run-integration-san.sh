#!/bin/bash
# The bats integration suite against an ASan+UBSan build of the runtime:
#   hack/run-integration-san.sh [integration/foo.bats ...]
# Builds build-san/aisbx (SAN=1 forces a dynamic link), runs
# hack/run-integration.sh with it, and fails if the suite fails or if any
# sanitizer wrote a report. Reports go to files, not stderr, so tests that
# compare the runtime's error output are not disturbed; they are printed at
# the end. LeakSanitizer only checks processes that exit normally: the
# runtime's forked children _exit or exec, so leaks are checked in the
# aisbx commands themselves.
# AISBX_SAN_KEEP=1 keeps the report dir.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
repo=$PWD

if ! make --no-print-directory SAN=1 BUILD=build-san build-san/aisbx >/tmp/aisbx-san-build.$$.log 2>&1; then
    cat /tmp/aisbx-san-build.$$.log
    rm -f /tmp/aisbx-san-build.$$.log
    echo "integration-san: build of build-san/aisbx failed"
    echo "integration-san: 0 passed, 1 failed, 0 skipped"
    exit 1
fi
rm -f /tmp/aisbx-san-build.$$.log

logdir=$(mktemp -d /tmp/aisbx-san.XXXXXX)
chmod 0755 "$logdir"

export AISBX_BIN=$repo/build-san/aisbx
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:log_path=$logdir/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$logdir/ubsan"
export LSAN_OPTIONS="log_path=$logdir/lsan"
# The sanitized binary is ~2-3x slower; give each runtime call more room.
export AISBX_IT_TIMEOUT=${AISBX_IT_TIMEOUT:-60}

hack/run-integration.sh "$@" 2>&1 | tee "$logdir/integration.out"
rc=${PIPESTATUS[0]}
summary=$(grep -E '^integration: [0-9]+ passed' "$logdir/integration.out" | tail -1)

reports=$(find "$logdir" -maxdepth 1 -type f \( -name 'asan*' -o -name 'ubsan*' -o -name 'lsan*' \) | sort)
nrep=0
for f in $reports; do
    [ -s "$f" ] || continue
    nrep=$((nrep + 1))
    echo "===== sanitizer report $f"
    cat "$f"
done

# A report from a process that could no longer reach $logdir (e.g. after
# pivot_root) goes to stderr; bats shows the output of failing tests.
if grep -E "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|Sanitizer.*Can't open file" \
    "$logdir/integration.out"; then
    echo "integration-san: sanitizer output in the failing tests' output above"
    nrep=$((nrep + 1))
fi

if [ "$nrep" -gt 0 ]; then
    echo "integration-san: $nrep sanitizer report(s) in $logdir"
    rc=1
elif [ -z "${AISBX_SAN_KEEP:-}" ]; then
    rm -rf "$logdir"
else
    echo "integration-san: kept $logdir"
fi

# One summary line for hack/check.sh: the suite's counts plus one failure
# for the sanitizer reports, if any.
p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$summary")
f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$summary")
s=$(sed -E 's/.* ([0-9]+) skipped.*/\1/' <<<"$summary")
[ -n "$summary" ] || { p=0 f=1 s=0; }
[ "$nrep" -gt 0 ] && f=$((f + 1))
echo "integration-san: ${p:-0} passed, ${f:-0} failed, ${s:-0} skipped, $nrep sanitizer report(s)"
[ "$rc" -eq 0 ] && [ "$nrep" -eq 0 ]
