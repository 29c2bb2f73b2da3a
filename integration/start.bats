#!/usr/bin/env bats
# start: created -> running; output goes to the create caller's stdio.

load helpers

@test "start: created -> running" {
    set_long_running
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    [ "$(state_field "$ID" status)" = created ]
    rt_bg start "$ID"
    [ "$status" -eq 0 ]
    wait_for_status "$ID" running
}

@test "start: the process writes to the stdio given at create, then stops" {
    update_config '.process.args = ["echo", "hello from start"]'
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    rt_bg start "$ID"
    [ "$status" -eq 0 ]
    wait_for_status "$ID" stopped
    grep -q "hello from start" "$TESTDIR/ctr.out"
}

@test "start: a running container cannot be started again" {
    set_long_running
    start_ctr
    rt_bg start "$ID"
    [ "$status" -ne 0 ]
    [ "$(state_field "$ID" status)" = running ]
}

@test "start: a stopped container cannot be started" {
    update_config '.process.args = ["true"]'
    rt_bg create --bundle "$BUNDLE" "$ID"
    rt_bg start "$ID"
    wait_for_status "$ID" stopped
    rt_bg start "$ID"
    [ "$status" -ne 0 ]
}

@test "start: unknown id -> does not exist" {
    run aisbx start nosuchctr
    [ "$status" -eq 1 ]
    [[ "$output" == *"does not exist"* ]]
}
