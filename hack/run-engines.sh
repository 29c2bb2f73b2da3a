#!/bin/bash
# Runs the real-engine suites (integration/engines/*.bats) against $AISBX_BIN
# (default ./aisbx). Each suite starts its own dockerd / containerd / podman store
# in a temp dir and removes it afterwards.
#   hack/run-engines.sh [docker|containerd|podman|podman-rootless|integration/engines/x.bats ...]
# Prints `engines: N passed, N failed, N skipped` last; exits non-zero on a failure.
# ENG_TIMEOUT bounds each engine command (s); AISBX_ENG_KEEP=1 keeps the temp dirs.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
repo=$PWD

if [ "$(id -u)" != 0 ]; then
    echo "engines: SKIPPED: the engine suites need root"
    echo "engines: 0 passed, 0 failed, 0 skipped (not root)"
    exit 0
fi
for tool in bats jq timeout script sha256sum tar; do
    command -v "$tool" >/dev/null || { echo "engines: missing $tool (hack/install-deps.sh all)" >&2; exit 1; }
done

AISBX_BIN=${AISBX_BIN:-$repo/aisbx}
case $AISBX_BIN in /*) ;; *) AISBX_BIN=$repo/$AISBX_BIN ;; esac
[ -x "$AISBX_BIN" ] || { echo "engines: $AISBX_BIN is not an executable (make aisbx first)" >&2; exit 1; }
export AISBX_BIN

files=()
if [ $# -eq 0 ]; then
    set -- docker containerd cri podman podman-rootless
fi
for a in "$@"; do
    case $a in
    *.bats) files+=("$a") ;;
    *) files+=("integration/engines/$a.bats") ;;
    esac
done

echo "engines: runtime $AISBX_BIN ($("$AISBX_BIN" --version 2>&1 | head -1))"
tap=$(mktemp /tmp/aisbx-engines-tap.XXXXXX)
trap 'rm -f "$tap"' EXIT
start=$SECONDS
bats --tap --timing "${files[@]}" 2>&1 | tee "$tap"
rc=${PIPESTATUS[0]}

"$(dirname "$0")/bats-summary.sh" engines "$tap" "$rc" $((SECONDS - start))
