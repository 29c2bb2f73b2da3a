#!/usr/bin/env bats
# kill: default TERM, signal names and numbers, --all, errors.

load helpers

# A container that reports USR1 on stdout and exits 143 on TERM.
set_signal_reporter() {
    update_config '.process.args = ["sh", "-c", "trap \"echo got-usr1\" USR1; trap \"exit 143\" TERM; echo ready; while :; do sleep 1000 & wait $!; done"]'
}

@test "kill: default signal is TERM" {
    set_long_running
    start_ctr
    run aisbx kill "$ID"
    [ "$status" -eq 0 ]
    wait_for_status "$ID" stopped
}

@test "kill: KILL by name" {
    set_long_running
    start_ctr
    run aisbx kill "$ID" KILL
    [ "$status" -eq 0 ]
    wait_for_status "$ID" stopped
}

@test "kill: SIGKILL with the SIG prefix" {
    set_long_running
    start_ctr
    run aisbx kill "$ID" SIGKILL
    [ "$status" -eq 0 ]
    wait_for_status "$ID" stopped
}

@test "kill: 9 by number" {
    set_long_running
    start_ctr
    run aisbx kill "$ID" 9
    [ "$status" -eq 0 ]
    wait_for_status "$ID" stopped
}

@test "kill: USR1 by name and by number reaches the process" {
    set_signal_reporter
    start_ctr
    wait_for grep -q ready "$TESTDIR/ctr.out"
    run aisbx kill "$ID" USR1
    [ "$status" -eq 0 ]
    wait_for grep -q got-usr1 "$TESTDIR/ctr.out"
    run aisbx kill "$ID" 10
    [ "$status" -eq 0 ]
    wait_for eval '[ "$(grep -c got-usr1 "$TESTDIR/ctr.out")" -ge 2 ]'
    [ "$(state_field "$ID" status)" = running ]
    run aisbx kill "$ID" 15
    [ "$status" -eq 0 ]
    wait_for_status "$ID" stopped
}

@test "kill: a created container can be killed" {
    set_long_running
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    run aisbx kill "$ID" 9
    [ "$status" -eq 0 ]
    wait_for_status "$ID" stopped
}

@test "kill --all" {
    set_long_running
    start_ctr
    run aisbx kill --all "$ID" 9
    [ "$status" -eq 0 ]
    wait_for_status "$ID" stopped
}

@test "kill: a stopped container -> container not running" {
    update_config '.process.args = ["true"]'
    rt_bg create --bundle "$BUNDLE" "$ID"
    rt_bg start "$ID"
    wait_for_status "$ID" stopped
    run --separate-stderr aisbx kill "$ID" 15
    [ "$status" -ne 0 ]
    [[ "$stderr" == *"container not running"* ]]
}

@test "kill: unknown id -> does not exist" {
    run aisbx kill nosuchctr 9
    [ "$status" -eq 1 ]
    [[ "$output" == *"does not exist"* ]]
}

@test "kill: an invalid signal is refused" {
    set_long_running
    start_ctr
    run aisbx kill "$ID" NOTASIGNAL
    [ "$status" -ne 0 ]
    run aisbx kill "$ID" 1000
    [ "$status" -ne 0 ]
    [ "$(state_field "$ID" status)" = running ]
}

# Issue 10 item 14: signal 0 checks that the container is alive (runc, crun).
@test "kill: signal 0 succeeds on a running container and signals nothing" {
    set_signal_reporter
    start_ctr
    run aisbx kill "$ID" 0
    [ "$status" -eq 0 ]
    run aisbx kill --all "$ID" 0
    [ "$status" -eq 0 ]
    sleep 0.2
    [ "$(state_field "$ID" status)" = running ]
    run aisbx kill "$ID" KILL
    wait_for_status "$ID" stopped
    run --separate-stderr aisbx kill "$ID" 0
    [ "$status" -ne 0 ]
    [[ "$stderr" == *"container not running"* ]]
}
