#!/usr/bin/env bats
# run: create + start (+ wait + delete in the foreground).

load helpers

@test "run: foreground output and exit 0, container removed afterwards" {
    update_config '.process.args = ["echo", "hello"]'
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -eq 0 ]
    [ "$output" = hello ]
    run aisbx state "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"does not exist"* ]]
}

@test "run: foreground exit status is the container's" {
    run_sh 'exit 7'
    [ "$status" -eq 7 ]
}

@test "run: foreground stdin is the caller's" {
    update_config '.process.args = ["cat"]'
    run aisbx run --bundle "$BUNDLE" "$ID" <<<"piped-in"
    [ "$status" -eq 0 ]
    [ "$output" = piped-in ]
}

@test "run: killed by SIGKILL -> 137" {
    set_long_running
    (
        rc=0
        aisbx run --bundle "$BUNDLE" "$ID" </dev/null >"$TESTDIR/run.out" 2>&1 || rc=$?
        echo $rc >"$TESTDIR/run.rc"
    ) 3>&- &
    wait_for_status "$ID" running
    run aisbx kill "$ID" KILL
    [ "$status" -eq 0 ]
    wait_for test -s "$TESTDIR/run.rc"
    [ "$(cat "$TESTDIR/run.rc")" -eq 137 ]
}

@test "run: SIGTERM handled by the process -> its exit status (143)" {
    set_long_running
    (
        rc=0
        aisbx run --bundle "$BUNDLE" "$ID" </dev/null >"$TESTDIR/run.out" 2>&1 || rc=$?
        echo $rc >"$TESTDIR/run.rc"
    ) 3>&- &
    wait_for_status "$ID" running
    run aisbx kill "$ID"
    [ "$status" -eq 0 ]
    wait_for test -s "$TESTDIR/run.rc"
    [ "$(cat "$TESTDIR/run.rc")" -eq 143 ]
}

@test "run -d: detached, running" {
    set_long_running
    rt_bg run -d --bundle "$BUNDLE" --pid-file "$TESTDIR/pid" "$ID"
    [ "$status" -eq 0 ]
    wait_for_status "$ID" running
    [ "$(ctr_pid)" = "$(cat "$TESTDIR/pid")" ]
}

@test "run --detach" {
    set_long_running
    rt_bg run --detach --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    wait_for_status "$ID" running
}

@test "run: environment, cwd and user come from the config" {
    update_config '.process.env += ["AISBX_IT=yes"] | .process.cwd = "/etc" | .process.user = {"uid": 65534, "gid": 65534}'
    run_sh 'echo "$AISBX_IT $(pwd) $(id -u):$(id -g)"'
    [ "$status" -eq 0 ]
    [ "$output" = "yes /etc 65534:65534" ]
}

@test "run: additionalGids are applied" {
    update_config '.process.user = {"uid": 65534, "gid": 65534, "additionalGids": [1234, 4321]}'
    run_sh 'id -G'
    [ "$status" -eq 0 ]
    [[ " $output " == *" 1234 "* ]]
    [[ " $output " == *" 4321 "* ]]
}

@test "run: the process is pid 1 of its pid namespace" {
    run_sh 'echo $$'
    [ "$status" -eq 0 ]
    [ "$output" = 1 ]
}
