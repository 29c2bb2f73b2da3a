#!/bin/bash
# Runs test binaries (cmocka unit tests, or any program) inside the cgroup v2
# lane, one after the other, and fails if any of them fails.
#   hack/v2lane/run-tests.sh build-cgroup/test_cgroup_paths [more binaries...]
# Exit status 77 from a binary counts as "skipped".
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -gt 0 ] || { echo "usage: $0 TEST_BINARY..." >&2; exit 2; }
payload="$(mktemp /tmp/v2lane-payload.XXXXXX)"
trap 'rm -f "$payload"' EXIT
copies=()
{
    echo 'fail=0'
    for b in "$@"; do
        abs="$(readlink -f "$b")"
        copies+=(--copy "$abs")
        echo "echo '== $abs'"
        echo "'$abs'; rc=\$?"
        echo "case \$rc in 0|77) ;; *) echo \"== FAIL $abs (exit \$rc)\"; fail=1 ;; esac"
    done
    echo "exit \$fail"
} >"$payload"
rc=0
"$here/v2-lane.sh" --payload "$payload" "${copies[@]}" || rc=$?
exit "$rc"
