#!/bin/bash
# The cgroup v2 lane of `make check`: boots a v2-only kernel under QEMU
# (hack/v2-lane.sh) and runs there the cgroup unit tests and the cgroup
# lifecycle of the real ./aisbx binary (hack/v2lane/lifecycle.sh) and its
# `events` (hack/v2lane/events.sh).
# Ends with "v2: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
if ! ls /boot/vmlinuz-* >/dev/null 2>&1 || ! command -v qemu-system-x86_64 >/dev/null; then
    echo "v2: skipped: no kernel image or qemu (hack/install-deps.sh all installs them)"
    echo "v2: 0 passed, 0 failed"
    exit 0
fi
# The cgroup unit tests are split by subject: tests/test_cgroup_*.c.
units=$(cd tests && ls test_cgroup_*.c | sed 's/\.c$//')
make --no-print-directory BUILD=build $(printf 'build/tests/%s ' $units) aisbx >/dev/null || {
    echo "v2: build failed"; echo "v2: 0 passed, 1 failed"; exit 1; }
payload=$(mktemp /tmp/v2lane-payload.XXXXXX)
out=$(mktemp /tmp/v2lane-out.XXXXXX)
trap 'rm -f "$payload" "$out"' EXIT
copies=()
{
    for u in $units; do
        echo "/work/$u; echo \"unit-rc=\$?\""
        copies+=(--copy "$PWD/build/tests/$u:/work/$u")
    done
    echo "sh /work/lifecycle.sh"
    echo "sh /work/events.sh"
} >"$payload"
hack/v2-lane.sh --payload "$payload" --timeout 400 \
    --copy "$PWD/aisbx:/work/aisbx" "${copies[@]}" \
    --copy "$(command -v jq):/work/jq" --copy "$PWD/hack/v2lane/lifecycle.sh:/work/lifecycle.sh" \
    --copy "$PWD/hack/v2lane/events.sh:/work/events.sh" \
    2>&1 | tee "$out"
lp=$(sed -n 's/.*v2-lifecycle: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' "$out")
lf=$(sed -n 's/.*v2-lifecycle: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' "$out")
ep=$(sed -n 's/.*v2-events: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' "$out")
ef=$(sed -n 's/.*v2-events: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' "$out")
up=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
uf=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
# every unit binary must have exited 0 (a crash prints no FAILED line)
[ "$(grep -c 'unit-rc=0' "$out")" -eq "$(echo $units | wc -w)" ] || [ "$uf" -gt 0 ] || uf=1
p=$(( ${lp:-0} + ${ep:-0} + ${up:-0} )); f=$(( ${lf:-1} + ${ef:-1} + ${uf:-0} ))
echo "v2: $p passed, $f failed"
[ "$f" -eq 0 ]
