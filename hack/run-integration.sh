#!/bin/bash
# Runs the bats integration suite against $AISBX_BIN (default ./aisbx).
#   hack/run-integration.sh [integration/foo.bats ...]
#   AISBX_BIN=/usr/sbin/runc hack/run-integration.sh   # validate the tests on runc
# Prints `integration: N passed, N failed, N skipped` last and exits non-zero if
# anything failed. integration/zz_leaks.bats always runs last (leak check).
# AISBX_IT_KEEP=1 keeps the run's temp dir; AISBX_IT_TIMEOUT bounds each runtime call.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
repo=$PWD

if [ "$(id -u)" != 0 ]; then
    echo "integration: SKIPPED: the integration suite needs root (namespaces, cgroups, mounts)"
    echo "integration: 0 passed, 0 failed, 0 skipped (not root)"
    exit 0
fi
for tool in bats jq cc timeout flock; do
    command -v "$tool" >/dev/null || { echo "integration: missing $tool (hack/install-deps.sh)" >&2; exit 1; }
done

AISBX_BIN=${AISBX_BIN:-$repo/aisbx}
case $AISBX_BIN in /*) ;; *) AISBX_BIN=$repo/$AISBX_BIN ;; esac
[ -x "$AISBX_BIN" ] || { echo "integration: $AISBX_BIN is not an executable (make aisbx first)" >&2; exit 1; }
export AISBX_BIN

AISBX_IT_BASE=$(mktemp -d /tmp/aisbx-it.XXXXXX)
AISBX_IT_RUN=${AISBX_IT_BASE##*.}
export AISBX_IT_BASE AISBX_IT_RUN
export AISBX_IT_TEMPLATE=$AISBX_IT_BASE/template

cleanup() {
    # never rm -rf through a mount: unmount first, stay on one file system
    awk -v d="$AISBX_IT_BASE" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r |
        while read -r m; do umount -l "$m" 2>/dev/null; done
    if [ -z "${AISBX_IT_KEEP:-}" ]; then
        rm -rf --one-file-system "$AISBX_IT_BASE"
    else
        echo "integration: kept $AISBX_IT_BASE"
    fi
}
trap cleanup EXIT

echo "integration: runtime $AISBX_BIN ($("$AISBX_BIN" --version 2>&1 | head -1))"
if ! AISBX_IT_TEMPLATE='' hack/make-bundle.sh "$AISBX_IT_TEMPLATE"; then
    echo "integration: could not build the template bundle"
    echo "integration: 0 passed, 1 failed, 0 skipped"
    exit 1
fi

files=()
if [ $# -gt 0 ]; then
    for f in "$@"; do [ "$(basename "$f")" = zz_leaks.bats ] || files+=("$f"); done
else
    for f in integration/*.bats; do [ "$(basename "$f")" = zz_leaks.bats ] || files+=("$f"); done
fi
files+=(integration/zz_leaks.bats)

# The host's device nodes as they are before any test: zz_leaks.bats checks no
# test changed one (mode, owner, inode, ctime — a chmod put back still shows).
find /dev -maxdepth 1 \( -type c -o -type b \) -printf '%p %m %U %G %i %C@\n' | sort >"$AISBX_IT_BASE/devnodes.before"

start=$SECONDS
tap=$AISBX_IT_BASE/tap.out
bats --tap --timing "${files[@]}" 2>&1 | tee "$tap"
rc=${PIPESTATUS[0]}

"$(dirname "$0")/bats-summary.sh" integration "$tap" "$rc" $((SECONDS - start))
