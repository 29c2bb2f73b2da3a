#!/bin/bash
# The long load run (`make stress`): SEQ sequential lifecycles, PAR containers
# in parallel bursts of at most BURST, then the fault-injection and
# concurrency suites; a leak check after every container; a summary table.
#   hack/stress.sh                      # 1000 sequential, 200 parallel, bursts of 8, faults
#   SEQ=50 PAR=20 FAULTS=0 hack/stress.sh   # the short run integration/load.bats uses
# Exits non-zero on any failure or leak. AISBX_BIN picks the runtime (default ./aisbx).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
repo=$PWD
SEQ=${SEQ:-1000}
PAR=${PAR:-200}
BURST=${BURST:-8}
FAULTS=${FAULTS:-1}
AISBX_BIN=${AISBX_BIN:-$repo/aisbx}
case $AISBX_BIN in /*) ;; *) AISBX_BIN=$repo/$AISBX_BIN ;; esac
export AISBX_BIN

[ "$(id -u)" = 0 ] || { echo "stress: needs root" >&2; exit 1; }
[ -x "$AISBX_BIN" ] || { echo "stress: $AISBX_BIN is not executable (make first)" >&2; exit 1; }

base=$(mktemp -d /tmp/aisbx-stress.XXXXXX)
run_id=${base##*.}
root=$base/state
bundle=$base/bundle
cgparent=aisbx-stress
log=$base/stress.log
lifecycles=0 failures=0 leaks=0

cleanup() {
    local id d p
    for id in $(timeout 10 "$AISBX_BIN" --root "$root" list -q 2>/dev/null); do
        timeout 10 "$AISBX_BIN" --root "$root" delete --force "$id" >/dev/null 2>&1
    done
    for d in /sys/fs/cgroup/*/"$cgparent"/"$run_id"-* /sys/fs/cgroup/"$cgparent"/"$run_id"-*; do
        [ -d "$d" ] || continue
        for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
        rmdir "$d" 2>/dev/null
    done
    rmdir /sys/fs/cgroup/*/"$cgparent" /sys/fs/cgroup/"$cgparent" 2>/dev/null
    awk -v d="$base" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r |
        while read -r m; do umount -l "$m"; done
    if [ $((failures + leaks)) -eq 0 ] && [ -z "${STRESS_KEEP:-}" ]; then
        rm -rf --one-file-system "$base"
    else
        echo "stress: log and state kept in $base"
    fi
}
trap cleanup EXIT

rt() { timeout -k 5 30 "$AISBX_BIN" --root "$root" "$@"; }

fail() { # ID MESSAGE
    failures=$((failures + 1))
    echo "FAIL $1: $2" >>"$log"
    [ "$failures" -le 20 ] && echo "stress: FAIL $1: $2" >&2
    return 1
}

# Every trace of container $1 (cgroup $2) is gone; counts each kind of leak.
leak_check() { # ID CGPATH
    local id=$1 cg=$2 what=
    [ -e "$root/$id" ] && what="$what state-dir"
    compgen -G "/sys/fs/cgroup/*$cg" >/dev/null && what="$what cgroup"
    [ -d "/sys/fs/cgroup$cg" ] && what="$what cgroup2"
    grep -l -- ":$cg\$" /proc/[0-9]*/cgroup >/dev/null 2>&1 && what="$what processes"
    awk -v d="$base" '$5 == d || index($5, d "/") == 1' /proc/self/mountinfo | grep -q . && what="$what mounts"
    if [ -n "$what" ]; then
        leaks=$((leaks + 1))
        echo "LEAK $id:$what" >>"$log"
        echo "stress: LEAK $id:$what" >&2
        # clean it so that one leak is not counted again for every later container
        rt delete --force "$id" >/dev/null 2>&1
        for d in /sys/fs/cgroup/*"$cg" /sys/fs/cgroup"$cg"; do
            [ -d "$d" ] || continue
            for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
            sleep 0.2
            rmdir "$d" 2>/dev/null
        done
    fi
}

config_for() { # N -> a bundle dir whose config names cgroup $cgparent/$run_id-N
    local d=$base/b.$1
    mkdir -p "$d"
    ln -sfn "$bundle/rootfs" "$d/rootfs"
    jq --arg cg "/$cgparent/$run_id-$1" --arg r "$bundle/rootfs" \
        '.linux.cgroupsPath = $cg | .root.path = $r' "$bundle/config.json" >"$d/config.json"
    echo "$d"
}

wait_status() { # ID STATUS
    local i s
    for i in $(seq 100); do
        s=$(rt state "$1" 2>/dev/null | jq -r .status)
        [ "$s" = "$2" ] && return 0
        sleep 0.05
    done
    return 1
}

# create, start, state, kill, wait, delete; then the leak check.
lifecycle() { # N
    local n=$1 id=s-$1 b err
    b=$(config_for "$n")
    err=$base/err.$n
    {
        rt create --bundle "$b" "$id" </dev/null >/dev/null 2>"$err" || { fail "$id" "create: $(cat "$err")"; return; }
        rt start "$id" 2>"$err" || { fail "$id" "start: $(cat "$err")"; rt delete --force "$id"; return; }
        wait_status "$id" running || fail "$id" "never running"
        rt kill "$id" KILL 2>"$err" || fail "$id" "kill: $(cat "$err")"
        wait_status "$id" stopped || fail "$id" "never stopped after kill"
        rt delete "$id" 2>"$err" || { fail "$id" "delete: $(cat "$err")"; rt delete --force "$id"; }
    } >/dev/null 2>&1
    leak_check "$id" "/$cgparent/$run_id-$n"
    rm -rf "$b" "$err"
}

# run -d, exec, delete --force: the parallel shape (engines do many at once).
parallel_one() { # N: prints FAIL lines, the caller counts them
    # never $(...) around run -d: the container keeps the pipe open
    local n=$1 id=p-$1 b err=$base/perr.$1
    b=$(config_for "$n")
    if ! rt run -d --bundle "$b" "$id" </dev/null >/dev/null 2>"$err"; then
        echo "FAIL $id: run -d: $(cat "$err")"
    elif ! rt exec "$id" true </dev/null >/dev/null 2>"$err"; then
        echo "FAIL $id: exec: $(cat "$err")"
    fi
    rt delete --force "$id" </dev/null >/dev/null 2>"$err" || echo "FAIL $id: delete --force: $(cat "$err")"
    rm -rf "$b" "$err"
}

echo "stress: runtime $AISBX_BIN; $SEQ sequential, $PAR parallel (bursts of $BURST), faults: $FAULTS"
AISBX_IT_TEMPLATE='' hack/make-bundle.sh "$bundle" >/dev/null || { echo "stress: no bundle" >&2; exit 1; }
jq '.process.args = ["sh", "-c", "trap \"exit 143\" TERM; sleep 1000 & wait $!"]' "$bundle/config.json" >"$bundle/c" &&
    mv "$bundle/c" "$bundle/config.json"
: >"$log"

t0=$SECONDS
for n in $(seq "$SEQ"); do
    lifecycle "$n"
    lifecycles=$((lifecycles + 1))
    [ $((n % 100)) -eq 0 ] && echo "stress: $n sequential lifecycles, $failures failures, $leaks leaks ($((SECONDS - t0)) s)"
done
t_seq=$((SECONDS - t0))

t0=$SECONDS
n=0
while [ "$n" -lt "$PAR" ]; do
    k=0
    while [ "$k" -lt "$BURST" ] && [ "$n" -lt "$PAR" ]; do
        n=$((n + 1))
        k=$((k + 1))
        parallel_one $((100000 + n)) >"$base/par.$n" 2>&1 &
    done
    wait
    for i in $(seq $((n - k + 1)) "$n"); do
        if grep -q '^FAIL' "$base/par.$i"; then
            failures=$((failures + 1))
            cat "$base/par.$i" >>"$log"
            head -1 "$base/par.$i" >&2
        fi
        leak_check "p-$((100000 + i))" "/$cgparent/$run_id-$((100000 + i))"
        rm -f "$base/par.$i"
        lifecycles=$((lifecycles + 1))
    done
done
t_par=$((SECONDS - t0))

# Whole-run checks: nothing in --root, no ghost in list.
ghosts=$(rt list -q 2>&1)
[ -n "$ghosts" ] && { leaks=$((leaks + 1)); echo "LEAK list shows: $ghosts" >>"$log"; }
[ -n "$(ls -A "$root" 2>/dev/null)" ] && { leaks=$((leaks + 1)); echo "LEAK --root holds: $(ls -A "$root")" >>"$log"; }

faults_run=0 faults_ok=0 races_run=0 races_ok=0
if [ "$FAULTS" = 1 ]; then
    t0=$SECONDS
    out=$base/faults.tap
    hack/run-integration.sh integration/faults.bats integration/concurrency.bats >"$out" 2>&1
    faults_run=$(grep -cE '^(ok|not ok) [0-9]+ fault ' "$out")
    faults_ok=$(grep -E '^ok [0-9]+ fault ' "$out" | grep -vc '# skip')
    races_run=$(grep -cE '^(ok|not ok) [0-9]+ race: ' "$out")
    races_ok=$(grep -cE '^ok [0-9]+ race: ' "$out")
    grep -E '^not ok [0-9]+ (fault|race)' "$out" | sed 's/^/stress: /' >&2
    grep -qE '^not ok [0-9]+ leaks:' "$out" && { leaks=$((leaks + 1)); grep -A8 '^not ok [0-9]+ leaks:' "$out" >>"$log"; }
    failures=$((failures + faults_run - faults_ok + races_run - races_ok))
    t_faults=$((SECONDS - t0))
fi

printf '\n%-34s %10s\n' "aisbx stress summary" ""
printf '%-34s %10s\n' "----------------------------------" "----------"
printf '%-34s %10d\n' "lifecycles (sequential)" "$SEQ"
printf '%-34s %10d\n' "lifecycles (parallel, burst $BURST)" "$PAR"
printf '%-34s %10d\n' "lifecycles total" "$lifecycles"
printf '%-34s %10d\n' "failures" "$failures"
printf '%-34s %10d\n' "leaks found" "$leaks"
if [ "$FAULTS" = 1 ]; then
    printf '%-34s %10d\n' "faults injected" "$faults_run"
    printf '%-34s %10d\n' "faults survived (clean after)" "$faults_ok"
    printf '%-34s %10s\n' "concurrency races passed" "$races_ok/$races_run"
fi
printf '%-34s %10s\n' "time seq / par / faults (s)" "$t_seq/$t_par/${t_faults:-0}"
[ -s "$log" ] && { echo "stress: failures and leaks:"; head -40 "$log"; }
[ $((failures + leaks)) -eq 0 ]
