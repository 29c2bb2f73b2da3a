#!/usr/bin/env bats
# state: JSON with ociVersion, id, pid, status, bundle, rootfs, created, owner.

load helpers

@test "state: all fields, clean stderr" {
    set_long_running
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    run --separate-stderr aisbx state "$ID"
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    jq -e . <<<"$output" >/dev/null
    [ "$(jq -r .id <<<"$output")" = "$ID" ]
    [ "$(jq -r .status <<<"$output")" = created ]
    [ "$(jq -r .bundle <<<"$output")" = "$BUNDLE" ]
    [ "$(jq -r .rootfs <<<"$output")" = "$BUNDLE/rootfs" ]
    [[ "$(jq -r .ociVersion <<<"$output")" =~ ^1\.[0-9]+\.[0-9]+ ]]
    [[ "$(jq -r .pid <<<"$output")" =~ ^[1-9][0-9]*$ ]]
    [[ "$(jq -r .created <<<"$output")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2} ]]
    jq -e 'has("owner")' <<<"$output" >/dev/null
    [ "$(jq -r .owner <<<"$output")" = root ] || [ "$(jq -r .owner <<<"$output")" = "" ]
}

@test "state: created -> running -> stopped" {
    set_long_running
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$(state_field "$ID" status)" = created ]
    rt_bg start "$ID"
    wait_for_status "$ID" running
    run aisbx kill "$ID" KILL
    [ "$status" -eq 0 ]
    wait_for_status "$ID" stopped
}

@test "state: the pid is the container's init on the host" {
    set_long_running
    start_ctr
    local pid
    pid=$(ctr_pid)
    kill -0 "$pid"
    [ "$(readlink "/proc/$pid/ns/pid")" != "$(host_ns pid)" ]
}

@test "state: unknown id -> exit 1, does not exist" {
    run --separate-stderr aisbx state nosuchctr
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"does not exist"* ]]
    [ -z "$output" ]
}

@test "state: a root dir that does not exist -> does not exist" {
    run "$AISBX_BIN" --root "$TESTDIR/no/such/root" state "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"does not exist"* ]]
}
