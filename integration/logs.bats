#!/usr/bin/env bats
# --log FILE and --log-format text|json.

load helpers

@test "log json: an error is a {level,msg,time} line" {
    run aisbx --log "$TESTDIR/log.json" --log-format json state nosuchctr
    [ "$status" -eq 1 ]
    [[ "$output" == *"does not exist"* ]]
    [ -s "$TESTDIR/log.json" ]
    local line
    line=$(grep '"level":"error"' "$TESTDIR/log.json" | tail -1)
    [ -n "$line" ]
    [ "$(jq -r .level <<<"$line")" = error ]
    [[ "$(jq -r .msg <<<"$line")" == *"does not exist"* ]]
    [[ "$(jq -r .time <<<"$line")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T ]]
    # every line is JSON
    jq -e . "$TESTDIR/log.json" >/dev/null
}

@test "log json: --log=FILE --log-format=json (= forms, podman)" {
    run aisbx --log="$TESTDIR/log.json" --log-format=json state nosuchctr
    [ "$status" -eq 1 ]
    grep '"level":"error"' "$TESTDIR/log.json" | tail -1 | jq -e '.msg | test("does not exist")'
}

@test "log json: create failure message reaches the log (shim reads it)" {
    update_config '.process.args = ["/nonexistent"]'
    rt_bg --log "$TESTDIR/log.json" --log-format json create --bundle "$BUNDLE" "$ID"
    if [ "$status" -eq 0 ]; then
        rt_bg --log "$TESTDIR/log.json" --log-format json start "$ID"
    fi
    [ "$status" -ne 0 ]
    jq -e . "$TESTDIR/log.json" >/dev/null
    [ -n "$(jq -r 'select(.level == "error") | .msg' "$TESTDIR/log.json")" ]
}

@test "log json: the file exists after a successful create" {
    set_long_running
    rt_bg --log "$TESTDIR/log.json" --log-format json create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    [ -f "$TESTDIR/log.json" ]
    if [ -s "$TESTDIR/log.json" ]; then jq -e . "$TESTDIR/log.json" >/dev/null; fi
}

@test "log text: an error line names the level and the message" {
    run aisbx --log "$TESTDIR/log.txt" --log-format text state nosuchctr
    [ "$status" -eq 1 ]
    grep -q 'level=error' "$TESTDIR/log.txt"
    grep -q 'does not exist' "$TESTDIR/log.txt"
}

@test "log: an unknown --log-format is refused" {
    run aisbx --log "$TESTDIR/log" --log-format yaml state nosuchctr
    [ "$status" -ne 0 ]
}

@test "log json: stderr still gets the one-line message" {
    run --separate-stderr aisbx --log "$TESTDIR/log.json" --log-format json state nosuchctr
    [ "$status" -eq 1 ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == *"does not exist"* ]]
}

@test "log json: overlay changes are logged as warnings (overlay)" {
    requires_aisbx "changes are logged"
    set_long_running
    update_config '.root.readonly = false | .process.noNewPrivileges = false'
    rt_bg --log "$TESTDIR/log.json" --log-format json create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    jq -e . "$TESTDIR/log.json" >/dev/null
    [ -n "$(jq -r 'select(.level == "warning") | .msg' "$TESTDIR/log.json")" ]
    # a successful create prints nothing on stderr
    [ -z "$output" ]
}
