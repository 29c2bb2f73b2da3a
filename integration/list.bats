#!/usr/bin/env bats
# list: table, -q, --format json.

load helpers

start_two() {
    set_long_running
    start_ctr "$ID"
    cp -a "$BUNDLE" "$TESTDIR/bundle2"
    jq --arg cg "$CGPATH-2" '.linux.cgroupsPath = $cg' "$BUNDLE/config.json" >"$TESTDIR/bundle2/config.json"
    rt_bg create --bundle "$TESTDIR/bundle2" "$ID-2"
    [ "$status" -eq 0 ]
}

@test "list: empty root prints only the header" {
    run aisbx list
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER ]]
    [ "${#lines[@]}" -eq 1 ]
}

@test "list: table with ID PID STATUS BUNDLE CREATED OWNER" {
    start_two
    run aisbx list
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER ]]
    [ "${#lines[@]}" -eq 3 ]
    echo "$output" | grep -E "^$ID +$(ctr_pid "$ID") +running +$BUNDLE "
    echo "$output" | grep -E "^$ID-2 +[0-9]+ +created +$TESTDIR/bundle2 "
}

@test "list -q: ids only" {
    start_two
    run aisbx list -q
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | sort | tr '\n' ' ')" = "$ID $ID-2 " ]
}

@test "list --format json" {
    start_two
    run --separate-stderr aisbx list --format json
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$(jq length <<<"$output")" -eq 2 ]
    [ "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | .status' <<<"$output")" = running ]
    [ "$(jq -r --arg id "$ID-2" '.[] | select(.id == $id) | .status' <<<"$output")" = created ]
    [ "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | .pid' <<<"$output")" = "$(ctr_pid)" ]
    [ "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | .bundle' <<<"$output")" = "$BUNDLE" ]
}

@test "list --format=json (= form) and -f json" {
    start_two
    run aisbx list --format=json
    [ "$status" -eq 0 ]
    [ "$(jq length <<<"$output")" -eq 2 ]
    run aisbx list -f json
    [ "$status" -eq 0 ]
    [ "$(jq length <<<"$output")" -eq 2 ]
}

@test "list: a deleted container is gone from the list" {
    start_two
    run aisbx delete --force "$ID-2"
    [ "$status" -eq 0 ]
    run aisbx list -q
    [ "$output" = "$ID" ]
}
