#!/usr/bin/env bats
# ps: host pids of the container's processes; JSON with a clean stderr (docker top).

load helpers

@test "ps --format json: array of host pids including init, nothing on stderr" {
    set_long_running
    start_ctr
    run --separate-stderr aisbx ps --format json "$ID"
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    jq -e 'type == "array"' <<<"$output" >/dev/null
    jq -e --argjson p "$(ctr_pid)" 'index($p) != null' <<<"$output" >/dev/null
    # init (sh) and its sleep
    [ "$(jq length <<<"$output")" -ge 2 ]
}

@test "ps --format json: exec'd processes are listed" {
    set_long_running
    start_ctr
    rt_bg exec --detach --pid-file "$TESTDIR/exec.pid" "$ID" sleep 1000
    [ "$status" -eq 0 ]
    run --separate-stderr aisbx ps --format json "$ID"
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    jq -e --argjson p "$(cat "$TESTDIR/exec.pid")" 'index($p) != null' <<<"$output" >/dev/null
}

@test "ps --format=json (= form)" {
    set_long_running
    start_ctr
    run aisbx ps --format=json "$ID"
    [ "$status" -eq 0 ]
    jq -e --argjson p "$(ctr_pid)" 'index($p) != null' <<<"$output" >/dev/null
}

@test "ps: table output with a PID column" {
    set_long_running
    start_ctr
    run aisbx ps "$ID"
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == *PID* ]]
    echo "$output" | grep -qw "$(ctr_pid)"
}

@test "ps: unknown id -> does not exist" {
    run aisbx ps --format json nosuchctr
    [ "$status" -ne 0 ]
    [[ "$output" == *"does not exist"* ]]
}
