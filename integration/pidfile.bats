#!/usr/bin/env bats
# Pid files: written before the command returns, contents = state pid.

load helpers

setup() {
    setup_bundle
    set_long_running
}

@test "pid file: create, contents = state pid, digits only" {
    rt_bg create --bundle "$BUNDLE" --pid-file "$TESTDIR/init.pid" "$ID"
    [ "$status" -eq 0 ]
    [[ "$(cat "$TESTDIR/init.pid")" =~ ^[1-9][0-9]*$ ]]
    [ "$(cat "$TESTDIR/init.pid")" = "$(ctr_pid)" ]
}

@test "pid file: the pid is still the init after start" {
    rt_bg create --bundle "$BUNDLE" --pid-file "$TESTDIR/init.pid" "$ID"
    rt_bg start "$ID"
    wait_for_status "$ID" running
    local pid
    pid=$(cat "$TESTDIR/init.pid")
    [ "$pid" = "$(ctr_pid)" ]
    [ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sh -c $LONG_RUNNING " ]
}

@test "pid file: run -d --pid-file" {
    rt_bg run -d --bundle "$BUNDLE" --pid-file "$TESTDIR/run.pid" "$ID"
    [ "$status" -eq 0 ]
    [ "$(cat "$TESTDIR/run.pid")" = "$(ctr_pid)" ]
}

@test "pid file: exec --detach --pid-file holds the exec'd process" {
    start_ctr
    rt_bg exec --detach --pid-file "$TESTDIR/exec.pid" "$ID" sleep 1000
    [ "$status" -eq 0 ]
    local pid
    pid=$(cat "$TESTDIR/exec.pid")
    [[ "$pid" =~ ^[1-9][0-9]*$ ]]
    [ "$pid" != "$(ctr_pid)" ]
    [ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 1000 " ]
}

@test "pid file: an existing file is replaced" {
    echo garbage-garbage-garbage >"$TESTDIR/init.pid"
    rt_bg create --bundle "$BUNDLE" --pid-file "$TESTDIR/init.pid" "$ID"
    [ "$status" -eq 0 ]
    [ "$(cat "$TESTDIR/init.pid")" = "$(ctr_pid)" ]
}
