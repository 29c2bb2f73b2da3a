#!/usr/bin/env bats
# Fault injection: the runtime (or the container init) is killed with SIGKILL
# at every phase of create, start, exec and delete, and `delete --force` must
# still leave nothing behind: no state dir, cgroup, mount, fifo or process,
# and no ghost in `list`.
#
# How: a test-only build (make BUILD=build-fault CFLAGS=-DAISBX_FAULT_POINTS)
# compiles FAULT_POINT("phase") calls into the runtime; the process that
# reaches the point named by $AISBX_FAULT_AT kills itself (runtime/fault.h).
# A crash point was chosen over an external killer timed by strace stops
# because it hits exactly the same step every run, also inside the container
# init (which inherits the runtime's environment), and costs no timing slack.
# Every test also checks that the fault really fired, so a point that
# silently stops working fails here instead of passing vacuously.

load helpers
load robust

FAULT_BIN=${AISBX_FAULT_BIN:-$REPO_ROOT/build-fault/aisbx}

setup_file() {
    [ "$AISBX_IT_RUNTIME" = aisbx ] || return 0
    # always through make: a fault build older than the sources tests old code
    if [ -z "${AISBX_FAULT_BIN:-}" ]; then
        (
            flock 9
            make -C "$REPO_ROOT" --no-print-directory BUILD=build-fault \
                CFLAGS=-DAISBX_FAULT_POINTS build-fault/aisbx >/dev/null
        ) 9>"$REPO_ROOT/build-fault.lock"
        rm -f "$REPO_ROOT/build-fault.lock"
    fi
}

setup() {
    requires_aisbx "fault points exist only in the aisbx test build"
    [ -x "$FAULT_BIN" ] || skip "no fault build at $FAULT_BIN"
    "$FAULT_BIN" --version | grep -q 'fault points' || skip "$FAULT_BIN is not a fault build"
    AISBX_BIN=$FAULT_BIN
    setup_bundle
    set_long_running
    # a poststop hook, so that delete really has a hook phase to die in
    update_config '.hooks.poststop = [{"path": "/bin/sh", "args": ["sh", "-c", "echo done >> \($f)"]}]' \
        --arg f "$TESTDIR/poststop.out"
    unset AISBX_FAULT_AT
}

teardown() {
    unset AISBX_FAULT_AT
    teardown_bundle
}

# Kills at POINT during `create` (the runtime or, for init:*, the init).
# Sets $status to create's exit status.
create_with_fault() {
    AISBX_FAULT_AT=$1 rt_bg create --bundle "$BUNDLE" --pid-file "$TESTDIR/pid" "$ID"
}

# The recovery every engine relies on: delete --force succeeds and the host is clean.
force_delete_leaves_nothing() {
    local pids
    pids=$(snapshot_pids | sort -u | tr '\n' ' ')
    echo "# pids before delete --force: $pids" >&2
    run aisbx delete --force "$ID" </dev/null
    echo "# delete --force: exit $status: $output" >&2
    [ "$status" -eq 0 ]
    # shellcheck disable=SC2086
    assert_host_clean "$ID" $pids
    # and the id is free again: a fresh create/delete works
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    run aisbx delete --force "$ID" </dev/null
    [ "$status" -eq 0 ]
    assert_host_clean "$ID"
}

# --- create: the runtime dies --------------------------------------------

runtime_dies_in_create() {
    create_with_fault "$1"
    [ "$status" -eq 137 ] || { echo "# fault $1 did not fire (create exit $status)" >&2; false; }
    force_delete_leaves_nothing
}

@test "fault create:prepared (config hardened, nothing on the host yet)" {
    runtime_dies_in_create create:prepared
}

@test "fault create:state-dir (state dir and lock made)" {
    runtime_dies_in_create create:state-dir
}

@test "fault create:cloned (init cloned into its namespaces)" {
    runtime_dies_in_create create:cloned
}

@test "fault create:cgroup (cgroup made, init moved in)" {
    runtime_dies_in_create create:cgroup
}

@test "fault create:ready (init mounted the rootfs and waits on the fifo)" {
    runtime_dies_in_create create:ready
}

@test "fault create:pid-file (pid file written)" {
    runtime_dies_in_create create:pid-file
}

@test "fault create:state-saved (state says created)" {
    runtime_dies_in_create create:state-saved
}

# --- create/start: the container init dies ---------------------------------

# The init dies before it reports ready: create must fail with an error.
init_dies_in_create() {
    create_with_fault "$1"
    [ "$status" -ne 0 ] || { echo "# fault $1 did not fire: create succeeded, the init is still alive" >&2; false; }
    [ "$status" -eq 1 ]
    [ -n "$output" ]
    force_delete_leaves_nothing
}

# The init's step table (runtime/launch/init.c), as the fault build lists it: one
# fault point per step, "init:<step>", grouped by stage. Each stage is one
# test that loops over its points, so a new step is covered without an edit
# here (and a renamed one cannot silently drop out).
fault_points() { # STAGE
    "$FAULT_BIN" --version | awk -v s="$1" '$1 == "fault-point:" && $3 == s { print $2 }'
}

init_dies_at_every_step_of() { # STAGE
    local p n=0
    for p in $(fault_points "$1"); do
        echo "# fault $p" >&2
        init_dies_in_create "$p"
        n=$((n + 1))
    done
    [ "$n" -gt 0 ] || { echo "# the fault build lists no init step of stage $1" >&2; false; }
}

@test "fault at every init step of stage setup (before the rootfs)" {
    init_dies_at_every_step_of setup
}

@test "fault at every init step of stage rootfs (mounts, hooks, pivot, finalize)" {
    init_dies_at_every_step_of rootfs
}

@test "fault at every init step of stage process (console, cwd, attributes)" {
    init_dies_at_every_step_of process
}

@test "fault at every init step of stage harden (credentials, caps, filters)" {
    init_dies_at_every_step_of harden
}

@test "fault process:before-seccomp in the init (caps and no_new_privs set)" {
    init_dies_in_create process:before-seccomp
}

@test "fault process:after-seccomp in the init (floor filter loaded)" {
    init_dies_in_create process:after-seccomp
}

# After create the init waits for `start` in the sealed stub (no runtime code
# left, so no fault point): it is killed from the host instead, at a fixed
# step: while `start` waits on it and its startContainer hook runs.
@test "init killed after start released it, while a startContainer hook runs" {
    update_config '.hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "echo > /dev/shm/hook-runs; sleep 100"]}]'
    add_mount /dev/shm bind "$TESTDIR" '["rbind","rw"]'
    chmod 777 "$TESTDIR"
    # as uid 1000, the dir's owner (the hook runs as the process): a user
    # bind is idmapped without root, nobody writes to a dir of an unmapped
    # owner there (userns.bats)
    chown 1000:1000 "$TESTDIR"
    update_config '.process.user = {"uid": 1000, "gid": 1000}'
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    local pid
    pid=$(state_field "$ID" pid)
    rt_bg start "$ID" &
    wait_for test -e "$TESTDIR/hook-runs"
    kill -KILL "$pid"
    wait
    wait_for_status "$ID" stopped 5 ||
        { echo "# the container is $(state_field "$ID" status)" >&2; false; }
    force_delete_leaves_nothing
}

# --- start: the runtime dies -------------------------------------------------

@test "fault start:released (start read the fifo, dies before unlinking it)" {
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    AISBX_FAULT_AT=start:released rt_bg start "$ID"
    [ "$status" -eq 137 ]
    force_delete_leaves_nothing
}

@test "fault start:released: a second start does not hang and the state is not 'created'" {
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    AISBX_FAULT_AT=start:released rt_bg start "$ID"
    [ "$status" -eq 137 ]
    # the program runs now; the state must not pretend it still waits for start
    local st
    st=$(state_field "$ID" status)
    echo "# status after the killed start: $st" >&2
    run timeout 5 "$AISBX_BIN" --root "$ROOT" start "$ID" </dev/null 3>&-
    echo "# second start: exit $status: $output" >&2
    [ "$status" -ne 124 ] || { echo "# second start hung (killed by timeout)" >&2; false; }
    [ "$st" = running ]
}

# --- exec ------------------------------------------------------------------

exec_with_fault() {
    start_ctr
    local init
    init=$(ctr_pid)
    AISBX_FAULT_AT=$1 rt_bg exec "$ID" sh -c 'echo exec-ran'
    [ "$status" -ne 0 ] || { echo "# fault $1 did not fire (exec exit 0)" >&2; false; }
    ! grep -q exec-ran "$TESTDIR/ctr.out"
    # the container itself is untouched, and no half-joined exec process stays
    [ "$(state_field "$ID" status)" = running ]
    [ "$(ctr_pid)" = "$init" ]
    local procs
    wait_for eval '[ "$(procs_in_cgroup | wc -l)" -eq 2 ]' ||
        { echo "# cgroup holds: $(procs_in_cgroup | xargs -I{} cat /proc/{}/comm 2>/dev/null | tr '\n' ' ')" >&2; false; }
    force_delete_leaves_nothing
}

@test "fault exec:forked (runtime dies after forking the exec child)" {
    exec_with_fault exec:forked
}

@test "fault at every exec step (the joining process, then the exec process; runtime/launch/exec_spawn.c)" {
    local p n=0
    for p in $(fault_points exec); do
        echo "# fault $p" >&2
        exec_with_fault "$p"
        n=$((n + 1))
    done
    [ "$n" -gt 0 ]
}

@test "fault process:before-seccomp in an exec" {
    exec_with_fault process:before-seccomp
}

@test "fault process:after-seccomp in an exec" {
    exec_with_fault process:after-seccomp
}

# --- delete: the runtime dies -------------------------------------------------

delete_with_fault() {
    start_ctr
    local pids
    pids=$(snapshot_pids | sort -u | tr '\n' ' ')
    AISBX_FAULT_AT=$1 run aisbx delete --force "$ID" </dev/null
    [ "$status" -eq 137 ] || { echo "# fault $1 did not fire (delete exit $status)" >&2; false; }
    force_delete_leaves_nothing
    # shellcheck disable=SC2086
    assert_host_clean "$ID" $pids
}

@test "fault delete:killed (processes killed, state not yet removed)" {
    delete_with_fault delete:killed
}

@test "fault delete:hooks (poststop hooks ran)" {
    delete_with_fault delete:hooks
    [ -s "$TESTDIR/poststop.out" ]
}

@test "fault delete:cgroup (cgroup removed, state dir not yet)" {
    delete_with_fault delete:cgroup
}
