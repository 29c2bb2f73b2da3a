#!/usr/bin/env bats
# pause / resume (freezer).

load helpers

freezer_state() {
    if cgroup_v2; then
        cat "$(cgroup_file "" cgroup.freeze)"
    else
        cat "$(cgroup_file freezer freezer.state)"
    fi
}

@test "pause -> paused, resume -> running" {
    set_long_running
    start_ctr
    run aisbx pause "$ID"
    [ "$status" -eq 0 ]
    [ "$(state_field "$ID" status)" = paused ]
    if cgroup_v2; then [ "$(freezer_state)" = 1 ]; else [ "$(freezer_state)" = FROZEN ]; fi
    run aisbx list --format json
    [ "$(jq -r '.[0].status' <<<"$output")" = paused ]
    run aisbx resume "$ID"
    [ "$status" -eq 0 ]
    [ "$(state_field "$ID" status)" = running ]
    if cgroup_v2; then [ "$(freezer_state)" = 0 ]; else [ "$(freezer_state)" = THAWED ]; fi
}

@test "pause: the processes really stop" {
    update_config '.process.args = ["sh", "-c", "i=0; while :; do i=$((i+1)); echo $i; sleep 0.1; done"]'
    start_ctr
    wait_for test -s "$TESTDIR/ctr.out"
    run aisbx pause "$ID"
    [ "$status" -eq 0 ]
    sleep 0.3
    local n1 n2
    n1=$(wc -l <"$TESTDIR/ctr.out")
    sleep 0.5
    n2=$(wc -l <"$TESTDIR/ctr.out")
    [ "$n1" -eq "$n2" ]
    run aisbx resume "$ID"
    [ "$status" -eq 0 ]
    wait_for eval '[ "$(wc -l <"$TESTDIR/ctr.out")" -gt "$n2" ]'
}

@test "pause: a stopped container cannot be paused" {
    update_config '.process.args = ["true"]'
    rt_bg create --bundle "$BUNDLE" "$ID"
    rt_bg start "$ID"
    wait_for_status "$ID" stopped
    run aisbx pause "$ID"
    [ "$status" -ne 0 ]
}

@test "resume: a running container is refused" {
    set_long_running
    start_ctr
    run aisbx resume "$ID"
    [ "$status" -ne 0 ]
    [ "$(state_field "$ID" status)" = running ]
}

@test "pause/resume: unknown id -> does not exist" {
    run aisbx pause nosuchctr
    [ "$status" -ne 0 ]
    [[ "$output" == *"does not exist"* ]]
    run aisbx resume nosuchctr
    [ "$status" -ne 0 ]
    [[ "$output" == *"does not exist"* ]]
}

@test "pause: a paused container can be killed" {
    set_long_running
    start_ctr
    run aisbx pause "$ID"
    [ "$status" -eq 0 ]
    run aisbx kill "$ID" KILL
    [ "$status" -eq 0 ]
    # runc leaves it paused until resumed; both must end stopped after resume
    aisbx resume "$ID" >/dev/null 2>&1 || true
    wait_for_status "$ID" stopped
}
