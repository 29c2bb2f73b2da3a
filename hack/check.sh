#!/bin/bash
# The README's test command (`make check`): lint, no call circles between
# files (hack/callgraph.sh), unit tests under
# ASan+UBSan, a bounded fuzz run, the bats integration suite, the real
# engines (docker, containerd, podman) driving ./aisbx, the cgroup v2 lane
# and the stock-host lane (a stock Debian 12 under QEMU). Ends with one
# line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
total_pass=0 total_fail=0
log=$(mktemp /tmp/aisbx-check.XXXXXX)
lane() { # name, command...
    local name=$1; shift
    echo "==> $name"
    "$@" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    local line p f
    line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
    [ -n "$line" ] || { p=$(( rc == 0 )); f=0; }
    [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ] && f=1
    total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
    echo "<== $name: $p passed, $f failed"
}
lane lint bash -c 'hack/lint.sh && echo "lint: 1 passed, 0 failed" || { echo "lint: 0 passed, 1 failed"; exit 1; }'
# `make check` has built build/ already: its objects give the call graph.
lane lint-test hack/lint-test.sh
lane callgraph bash -c 'hack/callgraph.sh && echo "callgraph: 1 passed, 0 failed" || { echo "callgraph: 0 passed, 1 failed"; exit 1; }'
lane unit make --no-print-directory unit
lane fuzz hack/fuzz.sh "${FUZZ_SECONDS:-60}"
lane integration hack/run-integration.sh
lane engines hack/run-engines.sh
if [ -x hack/v2-lane-tests.sh ] && [ "${AISBX_SKIP_V2:-0}" != 1 ]; then
    lane cgroup-v2 hack/v2-lane-tests.sh
fi
# The stock-host lane: needs qemu and a kernel image in /boot (AISBX_SKIP_STOCK=1 skips).
if [ "${AISBX_SKIP_STOCK:-0}" != 1 ] && command -v qemu-system-x86_64 >/dev/null &&
    ls /boot/vmlinuz-* >/dev/null 2>&1; then
    lane stock-host hack/stock-lane.sh
fi
rm -f "$log"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
