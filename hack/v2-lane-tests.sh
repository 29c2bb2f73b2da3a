#!/bin/bash
# The cgroup v2 lane of `make check`: boots a v2-only kernel under QEMU
# (hack/v2-lane.sh) and runs there the cgroup unit tests and the cgroup
# lifecycle of the real ./aisbx binary (hack/v2lane/lifecycle.sh).
# Ends with "v2: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
if ! ls /boot/vmlinuz-* >/dev/null 2>&1 || ! command -v qemu-system-x86_64 >/dev/null; then
    echo "v2: skipped: no kernel image or qemu (hack/install-deps.sh all installs them)"
    echo "v2: 0 passed, 0 failed"
    exit 0
fi
make --no-print-directory BUILD=build build/tests/test_cgroup aisbx >/dev/null || {
    echo "v2: build failed"; echo "v2: 0 passed, 1 failed"; exit 1; }
payload=$(mktemp /tmp/v2lane-payload.XXXXXX)
out=$(mktemp /tmp/v2lane-out.XXXXXX)
trap 'rm -f "$payload" "$out"' EXIT
cat >"$payload" <<'PAYLOAD'
/work/test_cgroup; echo "unit-rc=$?"
sh /work/lifecycle.sh
PAYLOAD
hack/v2-lane.sh --payload "$payload" --timeout 400 \
    --copy "$PWD/aisbx:/work/aisbx" --copy "$PWD/build/tests/test_cgroup:/work/test_cgroup" \
    --copy "$(command -v jq):/work/jq" --copy "$PWD/hack/v2lane/lifecycle.sh:/work/lifecycle.sh" \
    2>&1 | tee "$out"
lp=$(sed -n 's/.*v2-lifecycle: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' "$out")
lf=$(sed -n 's/.*v2-lifecycle: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' "$out")
up=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | head -1)
uf=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | head -1)
grep -q 'unit-rc=0' "$out" || uf=${uf:-1}
p=$(( ${lp:-0} + ${up:-0} )); f=$(( ${lf:-1} + ${uf:-0} ))
echo "v2: $p passed, $f failed"
[ "$f" -eq 0 ]
