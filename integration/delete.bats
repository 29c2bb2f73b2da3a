#!/usr/bin/env bats
# delete: refuses running containers, --force kills, idempotent for engines.

load helpers

@test "delete: a stopped container, state and cgroup removed" {
    update_config '.process.args = ["true"]'
    rt_bg create --bundle "$BUNDLE" "$ID"
    rt_bg start "$ID"
    wait_for_status "$ID" stopped
    [ -d "$(dirname "$(cgroup_file pids pids.max)")" ]
    run aisbx delete "$ID"
    [ "$status" -eq 0 ]
    run aisbx state "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"does not exist"* ]]
    [ ! -d "$(dirname "$(cgroup_file pids pids.max)")" ]
    [ ! -d "$(dirname "$(cgroup_file memory cgroup.procs)")" ]
}

@test "delete: a running container is refused (exit 1)" {
    set_long_running
    start_ctr
    run aisbx delete "$ID"
    [ "$status" -eq 1 ]
    [ "$(state_field "$ID" status)" = running ]
}

@test "delete --force: a running container is killed and removed" {
    set_long_running
    start_ctr
    local pid
    pid=$(ctr_pid)
    run aisbx delete --force "$ID"
    [ "$status" -eq 0 ]
    run aisbx state "$ID"
    [ "$status" -ne 0 ]
    wait_for eval "! kill -0 $pid 2>/dev/null"
    [ ! -d "$(dirname "$(cgroup_file pids pids.max)")" ]
}

@test "delete -f: a created container" {
    set_long_running
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    local pid
    pid=$(ctr_pid)
    run aisbx delete -f "$ID"
    [ "$status" -eq 0 ]
    run aisbx state "$ID"
    [ "$status" -ne 0 ]
    wait_for eval "! kill -0 $pid 2>/dev/null"
}

@test "delete --force: a paused container" {
    set_long_running
    start_ctr
    run aisbx pause "$ID"
    [ "$status" -eq 0 ]
    run aisbx delete --force "$ID"
    [ "$status" -eq 0 ]
    run aisbx state "$ID"
    [ "$status" -ne 0 ]
}

@test "delete --force: unknown id exits 0" {
    run aisbx delete --force nosuchctr
    [ "$status" -eq 0 ]
}

@test "delete: unknown id -> does not exist" {
    run aisbx delete nosuchctr
    [ "$status" -ne 0 ]
    [[ "$output" == *"does not exist"* ]]
}

@test "delete then delete --force (the shim's teardown sequence)" {
    update_config '.process.args = ["true"]'
    rt_bg create --bundle "$BUNDLE" "$ID"
    rt_bg start "$ID"
    wait_for_status "$ID" stopped
    run aisbx delete "$ID"
    [ "$status" -eq 0 ]
    run aisbx delete --force "$ID"
    [ "$status" -eq 0 ]
}

@test "delete: the same id can be created again" {
    update_config '.process.args = ["true"]'
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -eq 0 ]
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -eq 0 ]
}
