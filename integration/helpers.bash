#!/bin/bash
# Shared setup for the aisbx integration suite (bats). Every test gets its own
# temp dir, --root state dir, container id and cgroup (/aisbx-it/<run>-<id>),
# and teardown removes all of it. The runtime under test is $AISBX_BIN (default
# $PWD/aisbx); AISBX_BIN=/usr/sbin/runc runs the same suite against runc to
# validate the tests themselves (overlay-specific ones skip via requires_aisbx).

bats_require_minimum_version 1.5.0

INTEGRATION_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(dirname "$INTEGRATION_ROOT")
AISBX_BIN=${AISBX_BIN:-$PWD/aisbx}
case $AISBX_BIN in /*) ;; *) AISBX_BIN=$PWD/$AISBX_BIN ;; esac
export AISBX_BIN
# One id and one base dir per bats run, shared by all files of the run.
AISBX_IT_RUN=${AISBX_IT_RUN:-$(basename "${BATS_RUN_TMPDIR:-/tmp/run.$PPID}")}
AISBX_IT_BASE=${AISBX_IT_BASE:-/tmp/aisbx-it.$AISBX_IT_RUN}
AISBX_IT_TIMEOUT=${AISBX_IT_TIMEOUT:-30}
export AISBX_IT_RUN AISBX_IT_BASE
CG_PARENT=aisbx-it
# Which runtime: "aisbx" unless the binary is runc/crun (or AISBX_IT_RUNTIME says so).
if [ -z "${AISBX_IT_RUNTIME:-}" ]; then
    case $(basename "$AISBX_BIN") in
    runc*) AISBX_IT_RUNTIME=runc ;;
    crun*) AISBX_IT_RUNTIME=crun ;;
    *) AISBX_IT_RUNTIME=aisbx ;;
    esac
fi

# --- runtime calls -----------------------------------------------------------

# The runtime with this test's state dir. fd 3 (bats' TAP stream) is closed so a
# container can never keep bats waiting; stdin is left to the caller.
aisbx() {
    timeout -k 5 "$AISBX_IT_TIMEOUT" "$AISBX_BIN" --root "$ROOT" "$@" 3>&-
}

# The runtime without --root (for tests of the global options themselves).
aisbx_noroot() {
    timeout -k 5 "$AISBX_IT_TIMEOUT" "$AISBX_BIN" "$@" 3>&-
}

# Runs a runtime command whose container keeps the runtime's stdio (create,
# run -d, exec -d): bats' `run` would wait for the container to close its pipe.
# Container stdout is appended to $TESTDIR/ctr.out; the runtime's stderr (and
# the container's) goes to a fresh file. Sets $status and $output (= stderr).
RT_BG_N=0
rt_bg() {
    RT_BG_N=$((RT_BG_N + 1))
    local err=$TESTDIR/rt.err.$RT_BG_N
    status=0
    aisbx "$@" </dev/null >>"$TESTDIR/ctr.out" 2>"$err" || status=$?
    output=$(cat "$err")
    if [ "$status" -ne 0 ]; then
        echo "# $AISBX_IT_RUNTIME $*: exit $status: $output" >&2
    fi
}

# create + start of $ID (or $1) from $BUNDLE with a long-running process; fails the test on error.
start_ctr() {
    local id=${1:-$ID}
    rt_bg create --bundle "$BUNDLE" "$id"
    [ "$status" -eq 0 ]
    rt_bg start "$id"
    [ "$status" -eq 0 ]
    wait_for_status "$id" running
}

# Runs `sh -c SCRIPT` as the container's process in the foreground (run).
run_sh() {
    update_config '.process.args = ["sh", "-c", $s]' --arg s "$1"
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
}

# Process that runs until killed and exits 143 on SIGTERM even as pid 1.
LONG_RUNNING='trap "exit 143" TERM; sleep 1000 & wait $!'
set_long_running() {
    update_config '.process.args = ["sh", "-c", $s]' --arg s "$LONG_RUNNING"
}

# --- config helpers ----------------------------------------------------------

# update_config 'jq filter' [jq args...]: edits $BUNDLE/config.json in place.
update_config() {
    local filter=$1
    shift
    jq "$@" "$filter" "$BUNDLE/config.json" >"$BUNDLE/config.json.new" &&
        mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# add_mount DEST TYPE SOURCE OPTIONS_JSON
add_mount() {
    update_config '.mounts += [{"destination": $d, "type": $t, "source": $s, "options": $o}]' \
        --arg d "$1" --arg t "$2" --arg s "$3" --argjson o "${4:-[]}"
}

# A writable tmpfs at /tmp (the default root is read-only under both runtimes).
add_tmp() {
    add_mount /tmp tmpfs tmpfs '["nosuid","nodev","mode=1777"]'
}

# --- state helpers -----------------------------------------------------------

state_field() { # ID FIELD
    aisbx state "$1" 2>/dev/null | jq -r ".$2"
}

ctr_pid() { state_field "${1:-$ID}" pid; }

# wait_for_status ID STATUS [SECONDS]
wait_for_status() {
    local id=$1 want=$2 tries=$((${3:-10} * 10)) got=
    while [ "$tries" -gt 0 ]; do
        got=$(state_field "$id" status)
        [ "$got" = "$want" ] && return 0
        sleep 0.1
        tries=$((tries - 1))
    done
    echo "# $id: status '$got', wanted '$want'" >&2
    return 1
}

# wait_for CMD...: retries a command for up to 10 s.
wait_for() {
    local tries=100
    until "$@"; do
        tries=$((tries - 1))
        [ "$tries" -gt 0 ] || return 1
        sleep 0.1
    done
}

# Exec a shell command in the running container $ID; sets status/output.
exec_sh() {
    run aisbx exec "$ID" sh -c "$1" </dev/null
}

# attack_bin: the attack probe program (testdata/attack.c), built once per
# run however many files ask for it at once; prints its path.
attack_bin() {
    local bin=$AISBX_IT_BASE/attack
    mkdir -p "$AISBX_IT_BASE"
    (
        flock 9
        [ -x "$bin" ] || { cc -static -O2 -Wall -Wextra -Werror -o "$bin.tmp" \
            "$INTEGRATION_ROOT/testdata/attack.c" -lpthread && mv "$bin.tmp" "$bin"; }
    ) 9>"$AISBX_IT_BASE/.attack.lock" >&2
    [ -x "$bin" ] && echo "$bin"
}

# --- environment probes ------------------------------------------------------

requires_aisbx() {
    [ "$AISBX_IT_RUNTIME" = aisbx ] || skip "overlay-specific (aisbx only)${1:+: $1}"
}

requires_root() {
    [ "$(id -u)" = 0 ] || skip "needs root"
}

cgroup_v2() { [ -f /sys/fs/cgroup/cgroup.controllers ]; }

# cgroup_file CONTROLLER FILE [CGPATH]: path of a control file of our cgroup.
cgroup_file() {
    local cg=${3:-$CGPATH}
    if cgroup_v2; then
        echo "/sys/fs/cgroup$cg/$2"
    else
        echo "/sys/fs/cgroup/$1$cg/$2"
    fi
}

host_ns() { readlink "/proc/self/ns/$1"; }

# The recvtty helper (testdata/recvtty.c), compiled once per run.
RECVTTY=$AISBX_IT_BASE/recvtty
build_recvtty() {
    mkdir -p "$AISBX_IT_BASE"
    (
        flock 9
        if [ ! -x "$RECVTTY" ]; then
            cc -std=c11 -D_GNU_SOURCE -O1 -Wall -Wextra -o "$RECVTTY.tmp" "$INTEGRATION_ROOT/testdata/recvtty.c" &&
                mv "$RECVTTY.tmp" "$RECVTTY"
        fi
    ) 9>"$AISBX_IT_BASE/.recvtty.lock"
}

# start_recvtty: listens on $CONSOLE_SOCKET, pty output goes to $TESTDIR/tty.out.
start_recvtty() {
    build_recvtty
    CONSOLE_SOCKET=$TESTDIR/tty.sock
    rm -f "$TESTDIR/tty.ready"
    "$RECVTTY" "$CONSOLE_SOCKET" "$TESTDIR/tty.ready" >"$TESTDIR/tty.out" 2>"$TESTDIR/tty.err" </dev/null 3>&- &
    echo $! >>"$TESTDIR/bg.pids"
    RECVTTY_PID=$!
    wait_for test -e "$TESTDIR/tty.ready"
}

# --- setup / teardown --------------------------------------------------------

ensure_template() {
    mkdir -p "$AISBX_IT_BASE"
    export AISBX_IT_TEMPLATE=${AISBX_IT_TEMPLATE:-$AISBX_IT_BASE/template}
    (
        flock 9
        [ -f "$AISBX_IT_TEMPLATE/config.json" ] ||
            AISBX_IT_TEMPLATE= "$REPO_ROOT/hack/make-bundle.sh" "$AISBX_IT_TEMPLATE"
    ) 9>"$AISBX_IT_BASE/.template.lock"
}

setup_bundle() {
    ensure_template
    TESTDIR=$(mktemp -d "$AISBX_IT_BASE/t.XXXXXX")
    ROOT=$TESTDIR/state
    BUNDLE=$TESTDIR/bundle
    ID=it-${TESTDIR##*.}
    CGPATH=/$CG_PARENT/$AISBX_IT_RUN-$ID
    : >"$TESTDIR/ctr.out"
    "$REPO_ROOT/hack/make-bundle.sh" "$BUNDLE"
    update_config '.linux.cgroupsPath = $cg' --arg cg "$CGPATH"
    cd "$TESTDIR" || return 1
}

# Records a leak the runtime left behind; zz_leaks.bats fails on any.
record_leak() {
    echo "$BATS_TEST_FILENAME: $BATS_TEST_DESCRIPTION: $*" >>"$AISBX_IT_BASE/leaks.log"
}

# Our cgroup dirs (every controller, v1 and v2), deepest first.
our_cgroups() {
    local prefix=$1 d
    for d in /sys/fs/cgroup/*/"$CG_PARENT"/"$prefix"* /sys/fs/cgroup/"$CG_PARENT"/"$prefix"*; do
        [ -d "$d" ] && find "$d" -depth -type d
    done
}

# Thaws, kills and removes our cgroups named PREFIX*; with "check", a cgroup that
# still holds processes is recorded as a leak first.
cleanup_cgroups() {
    local prefix=$1 check=${2:-} d p procs tries
    for d in $(our_cgroups "$prefix"); do
        [ -f "$d/freezer.state" ] && echo THAWED >"$d/freezer.state" 2>/dev/null
        [ -f "$d/cgroup.freeze" ] && echo 0 >"$d/cgroup.freeze" 2>/dev/null
        procs=$(cat "$d/cgroup.procs" 2>/dev/null)
        if [ -n "$procs" ]; then
            [ -n "$check" ] && record_leak "processes left in $d after delete --force: $(echo $procs)"
            for p in $procs; do kill -9 "$p" 2>/dev/null; done
            tries=50
            while [ -n "$(cat "$d/cgroup.procs" 2>/dev/null)" ] && [ $tries -gt 0 ]; do
                sleep 0.1
                tries=$((tries - 1))
            done
        fi
        rmdir "$d" 2>/dev/null
    done
    return 0
}

# Unmounts everything mounted under DIR (deepest first).
umount_under() {
    local dir=$1 m
    awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r |
        while read -r m; do umount -l "$m" 2>/dev/null; done
}

teardown_bundle() {
    [ -n "${TESTDIR:-}" ] && [ -d "$TESTDIR" ] || return 0
    cd "$AISBX_IT_BASE" || cd /
    local id p ids=
    if [ -f "$TESTDIR/bg.pids" ]; then
        for p in $(cat "$TESTDIR/bg.pids"); do kill -9 "$p" 2>/dev/null; done
    fi
    if [ -d "$ROOT" ]; then
        ids=$(timeout -k 2 10 "$AISBX_BIN" --root "$ROOT" list -q 2>/dev/null 3>&-)
        ids="$ids $(ls -A "$ROOT" 2>/dev/null)"
        for id in $(echo "$ids" | tr ' ' '\n' | sort -u); do
            timeout -k 2 10 "$AISBX_BIN" --root "$ROOT" delete --force "$id" </dev/null >/dev/null 2>&1 3>&-
        done
        if [ -n "$(ls -A "$ROOT" 2>/dev/null)" ]; then
            record_leak "state left in --root after delete --force: $(ls -A "$ROOT" | tr '\n' ' ')"
        fi
    fi
    cleanup_cgroups "$AISBX_IT_RUN-$ID" check
    umount_under "$TESTDIR"
    rm -rf --one-file-system "$TESTDIR"
}

setup() { setup_bundle; }
teardown() { teardown_bundle; }
