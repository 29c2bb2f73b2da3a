#!/bin/bash
# aisbx vs crun `create` on a cgroup-v2-only kernel (the v2 lane's QEMU
# guest, hack/v2-lane.sh), in one boot: hack/v2lane/bench-create.sh.
#   hack/v2-lane-bench.sh [N]      (rounds, default 30)
set -eu
cd "$(dirname "$0")/.."
make --no-print-directory aisbx >/dev/null
payload=$(mktemp /tmp/v2bench-payload.XXXXXX)
trap 'rm -f "$payload"' EXIT
echo "N=${1:-30} exec /work/bash /work/bench-create.sh" >"$payload"
hack/v2-lane.sh --payload "$payload" --timeout 900 \
    --copy "$PWD/aisbx:/work/aisbx" --copy "$(command -v crun):/work/crun" \
    --copy "$(command -v jq):/work/jq" --copy "$(readlink -f /bin/bash):/work/bash" \
    --copy "$PWD/hack/v2lane/bench-create.sh:/work/bench-create.sh"
