#!/bin/bash
# Tests of hack/lint.sh: a clean copy of the tree passes, and each kind of
# violation, injected into a copy, fails with its message. Ends with
# "lint-test: N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 2
repo=$PWD
pass=0 failn=0
tmp=$(mktemp -d /tmp/aisbx-lint-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

fresh() { # a copy of the tracked tree in $tmp/t
    rm -rf "$tmp/t" && mkdir -p "$tmp/t"
    git ls-files -z cmd runtime specs hack integration | (cd "$repo" && xargs -0 tar cf -) | tar xf - -C "$tmp/t"
}
check() { # NAME EXPECT(ok|fail) PATTERN
    local out rc
    out=$(LINT_SKIP_FORMAT=1 "$repo/hack/lint.sh" "$tmp/t" 2>&1)
    rc=$?
    if { [ "$2" = ok ] && [ $rc -eq 0 ]; } ||
        { [ "$2" = fail ] && [ $rc -ne 0 ] && grep -qF -- "$3" <<<"$out"; }; then
        pass=$((pass + 1)); echo "ok - $1"
    else
        failn=$((failn + 1)); echo "not ok - $1 (exit $rc)"; echo "$out" | sed 's/^/#   /'
    fi
}

fresh
check "the tree as it is passes" ok ""

fresh
sed -i '0,/^#include "/s//#include "runtime\/lifecycle\/handle.h"\n#include "/' "$tmp/t/runtime/kernel/signals.c"
check "kernel/ including lifecycle/ breaks the table" fail "runtime/kernel/ may not include runtime/lifecycle/"

fresh
sed -i '0,/^#include "/s//#include "runtime\/launch\/init.h"\n#include "/' "$tmp/t/runtime/overlay/overlay_facts.c"
check "overlay/ including launch/ breaks the table" fail "runtime/overlay/ may not include runtime/launch/"

fresh
sed -i '0,/^#include </s//#include <unistd.h>\n#include </' "$tmp/t/runtime/overlay/overlay_util.c"
check "a syscall header in a pure overlay file" fail "the pure overlay includes no system interface header"

fresh
sed -i '0,/^#include </s//#include <sys\/mount.h>\n#include </' "$tmp/t/runtime/overlay/overlay_mounts.c"
check "sys/mount.h in the overlay's mount rules" fail "the pure overlay includes no system interface header"

fresh
printf '\nint cgroup_create(const char *path, const struct spec_resources *r, pid_t pid,\n                  aisbx_error **err);\n' >>"$tmp/t/runtime/lifecycle/kill.c"
check "a (two-line) prototype of another file's function in a .c file" fail "a function prototype in a .c file"

fresh
printf '\nconst char *signal_name(int sig);\n' >>"$tmp/t/runtime/launch/init.c"
check "a one-line prototype in a .c file" fail "a function prototype in a .c file"

fresh
sed -i '0,/^#include "/s//#include "runtime\/kernel\/signals.h"\n#include "/' "$tmp/t/cmd/kill.c"
check "cmd/ including more than container.h and the base" fail "cmd/ includes only runtime/container.h"

fresh
echo '#include <yajl/yajl_gen.h>' >>"$tmp/t/runtime/lifecycle/state_store.c"
check "yajl outside specs/" fail "yajl is only used inside specs/"

fresh
sed -i '0,/^#include "/s//#include "runtime\/cgroup\/cgroup_internal.h"\n#include "/' "$tmp/t/runtime/lifecycle/update.c"
check "a folder's internal header used from another folder" fail "is internal to runtime/cgroup/"

fresh
printf '\n@test "x" {\n    wait_until 10 test "$(cat /x)" = y\n}\n' >>"$tmp/t/integration/run.bats"
check "a wait_until condition expanded once" fail "the polled condition is expanded once"

fresh
printf '\n@test "y" {\n    wait_for grep -q x <(cat /x)\n}\n' >>"$tmp/t/integration/run.bats"
check "a wait_for condition expanded once" fail "the polled condition is expanded once"

echo "lint-test: $pass passed, $failn failed"
[ $failn -eq 0 ]
