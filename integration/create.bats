#!/usr/bin/env bats
# create: leaves the container "created", pid file written, user process not yet run.

load helpers

@test "create: status created, pid file holds the init pid" {
    set_long_running
    rt_bg create --bundle "$BUNDLE" --pid-file "$TESTDIR/pid" "$ID"
    [ "$status" -eq 0 ]
    [ -s "$TESTDIR/pid" ]
    run aisbx state "$ID"
    [ "$status" -eq 0 ]
    [ "$(jq -r .status <<<"$output")" = created ]
    [ "$(jq -r .pid <<<"$output")" = "$(cat "$TESTDIR/pid")" ]
    kill -0 "$(cat "$TESTDIR/pid")"
}

@test "create: the user process does not run before start" {
    mkdir "$TESTDIR/vol"
    # uid 1000: a user bind is idmapped without root (userns.bats)
    chown 1000:1000 "$TESTDIR/vol"
    update_config '.process.user = {"uid": 1000, "gid": 1000}'
    add_mount /vol bind "$TESTDIR/vol" '["rbind","rw"]'
    update_config '.process.args = ["sh", "-c", "echo ran > /vol/ran; " + $s]' --arg s "$LONG_RUNNING"
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    sleep 0.5
    [ ! -e "$TESTDIR/vol/ran" ]
    rt_bg start "$ID"
    [ "$status" -eq 0 ]
    wait_for test -s "$TESTDIR/vol/ran"
}

@test "create: --opt=value forms (--bundle=B --pid-file=F)" {
    set_long_running
    rt_bg create --bundle="$BUNDLE" --pid-file="$TESTDIR/pid" "$ID"
    [ "$status" -eq 0 ]
    [ "$(ctr_pid)" = "$(cat "$TESTDIR/pid")" ]
}

@test "create: relative --pid-file is relative to the caller's cwd" {
    set_long_running
    cd "$TESTDIR"
    rt_bg create --bundle "$BUNDLE" --pid-file rel.pid "$ID"
    [ "$status" -eq 0 ]
    [ "$(ctr_pid)" = "$(cat "$TESTDIR/rel.pid")" ]
}

@test "create: bundle defaults to the current directory" {
    set_long_running
    cd "$BUNDLE"
    rt_bg create "$ID"
    [ "$status" -eq 0 ]
    [ "$(state_field "$ID" bundle)" = "$BUNDLE" ]
}

@test "create --no-pivot" {
    set_long_running
    rt_bg create --no-pivot --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    rt_bg start "$ID"
    [ "$status" -eq 0 ]
    wait_for_status "$ID" running
}

@test "create: a duplicate id is refused and the first container is untouched" {
    set_long_running
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    local pid
    pid=$(ctr_pid)
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
    [ "$(state_field "$ID" status)" = created ]
    [ "$(ctr_pid)" = "$pid" ]
    # checked first, as runc does: one line, and nothing of the first
    # container looked at (no "cgroup is not empty" warning about it); a
    # second bundle asking other limits changes none of the first's
    [ "$output" = "aisbx: container with given ID already exists" ] ||
        [[ "$AISBX_IT_RUNTIME" == runc && "$output" == *'container with given ID already exists"' ]]
    update_config '.linux.resources.pids.limit = 7'
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
    [ "$(cat "$(cgroup_file pids pids.max)")" != 7 ]
}

@test "create: a bundle without config.json fails and leaves no state" {
    mkdir "$TESTDIR/empty"
    rt_bg create --bundle "$TESTDIR/empty" "$ID"
    [ "$status" -ne 0 ]
    run aisbx state "$ID"
    [ "$status" -ne 0 ]
}

@test "create: a malformed config.json fails with an error" {
    echo '{"ociVersion": "1.0.2", "process": ' >"$BUNDLE/config.json"
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
    [ -n "$output" ]
    run aisbx state "$ID"
    [ "$status" -ne 0 ]
}

@test "create: a missing executable fails at create or start, never runs" {
    update_config '.process.args = ["/nonexistent"]'
    rt_bg create --bundle "$BUNDLE" "$ID"
    if [ "$status" -eq 0 ]; then
        rt_bg start "$ID"
        [ "$status" -ne 0 ]
    fi
    [[ "$output" == *"no such file or directory"* ]] || [[ "$output" == *"No such file or directory"* ]] ||
        [[ "$output" == *"not found"* ]]
}

@test "run --preserve-fds 1 passes fd 3 to the container" {
    update_config '.process.args = ["sh", "-c", "echo via-fd3 >&3"]'
    run timeout -k 5 "$AISBX_IT_TIMEOUT" "$AISBX_BIN" --root "$ROOT" run --preserve-fds 1 --bundle "$BUNDLE" "$ID" \
        3>"$TESTDIR/fd3" </dev/null
    [ "$status" -eq 0 ]
    [ "$(cat "$TESTDIR/fd3")" = via-fd3 ]
}

@test "without --preserve-fds, fd 3 is not passed" {
    update_config '.process.args = ["sh", "-c", "if [ -e /proc/self/fd/3 ]; then echo open; else echo closed; fi"]'
    run timeout -k 5 "$AISBX_IT_TIMEOUT" "$AISBX_BIN" --root "$ROOT" run --bundle "$BUNDLE" "$ID" \
        3>"$TESTDIR/fd3" </dev/null
    [ "$status" -eq 0 ]
    [ "$output" = closed ]
}

# The error of a failed create also reports a cleanup that failed (the caller
# must learn that something may be left behind). A createRuntime hook puts a
# stray process into the container's cgroup and fails: create's undo cannot
# rmdir the busy cgroup.
@test "create: a failed cleanup is appended to the create error" {
    requires_aisbx "the message is aisbx's"
    local script='for d in /sys/fs/cgroup/pids$1 /sys/fs/cgroup$1; do [ -f $d/cgroup.procs ] && break; done
sleep 60 </dev/null >/dev/null 2>&1 &
echo $! >>$2/bg.pids
echo $! >$d/cgroup.procs
exit 1'
    update_config '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", $s, "hook", $cg, $t]}]' \
        --arg s "$script" --arg cg "$CGPATH" --arg t "$TESTDIR"
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *createRuntime*"; cleanup also failed: "*"rmdir "*"$CGPATH"* ]]
    # the other undo steps still ran: no state left
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
    kill -9 $(cat "$TESTDIR/bg.pids")
    cleanup_cgroups "$AISBX_IT_RUN-$ID"
}
