#!/usr/bin/env bats
# exec into a running container: output, exit status, --env, --cwd, --user,
# --process, --detach --pid-file, --tty.

load helpers

setup() {
    setup_bundle
    set_long_running
    add_tmp
}

@test "exec: output and exit status" {
    start_ctr
    run aisbx exec "$ID" echo hello
    [ "$status" -eq 0 ]
    [ "$output" = hello ]
    exec_sh 'exit 3'
    [ "$status" -eq 3 ]
}

@test "exec: runs in the container's pid namespace and root" {
    start_ctr
    exec_sh 'cat /proc/1/cmdline | tr "\0" " "; echo; cat /etc/hostname'
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "sh -c "* ]]
    [ "${lines[1]}" = aisbx-it ]
}

@test "exec --env" {
    start_ctr
    run aisbx exec --env FOO=bar --env=BAZ=qux "$ID" sh -c 'echo "$FOO $BAZ"'
    [ "$status" -eq 0 ]
    [ "$output" = "bar qux" ]
}

@test "exec --cwd" {
    start_ctr
    run aisbx exec --cwd /tmp "$ID" pwd
    [ "$status" -eq 0 ]
    [ "$output" = /tmp ]
}

@test "exec --user UID:GID and UID" {
    start_ctr
    run aisbx exec --user 65534:65534 "$ID" sh -c 'echo $(id -u):$(id -g)'
    [ "$status" -eq 0 ]
    [ "$output" = 65534:65534 ]
    run aisbx exec --user 1000 "$ID" id -u
    [ "$status" -eq 0 ]
    [ "$output" = 1000 ]
}

@test "exec --process FILE" {
    start_ctr
    jq '.process | .args = ["sh", "-c", "echo from-process-file $X; pwd"] | .env += ["X=1"] | .cwd = "/etc"' \
        "$BUNDLE/config.json" >"$TESTDIR/process.json"
    run aisbx exec --process "$TESTDIR/process.json" "$ID"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "from-process-file 1" ]
    [ "${lines[1]}" = /etc ]
}

@test "exec --process=FILE (= form) with an exit status" {
    start_ctr
    jq '.process | .args = ["sh", "-c", "exit 5"]' "$BUNDLE/config.json" >"$TESTDIR/process.json"
    run aisbx exec --process="$TESTDIR/process.json" "$ID"
    [ "$status" -eq 5 ]
}

@test "exec --detach --pid-file" {
    start_ctr
    rt_bg exec --detach --pid-file "$TESTDIR/exec.pid" "$ID" sh -c 'echo detached-out; exec sleep 1000'
    [ "$status" -eq 0 ]
    [ -s "$TESTDIR/exec.pid" ]
    local pid
    pid=$(cat "$TESTDIR/exec.pid")
    kill -0 "$pid"
    grep -q "$CGPATH" "/proc/$pid/cgroup"
    [ "$(readlink "/proc/$pid/ns/pid")" = "$(readlink "/proc/$(ctr_pid)/ns/pid")" ]
    wait_for grep -q detached-out "$TESTDIR/ctr.out"
}

@test "exec -d (short form)" {
    start_ctr
    rt_bg exec -d "$ID" sleep 1000
    [ "$status" -eq 0 ]
}

@test "exec --tty --detach --console-socket" {
    start_ctr
    start_recvtty
    rt_bg exec --tty --detach --console-socket "$CONSOLE_SOCKET" "$ID" sh -c 'tty; echo tty-ok'
    [ "$status" -eq 0 ]
    wait_for grep -q tty-ok "$TESTDIR/tty.out"
    grep -q '^/dev/pts/' "$TESTDIR/tty.out"
}

@test "exec: a stopped container is refused" {
    update_config '.process.args = ["true"]'
    rt_bg create --bundle "$BUNDLE" "$ID"
    rt_bg start "$ID"
    wait_for_status "$ID" stopped
    run aisbx exec "$ID" true
    [ "$status" -ne 0 ]
}

@test "exec: unknown id -> does not exist" {
    run aisbx exec nosuchctr true
    [ "$status" -ne 0 ]
    [[ "$output" == *"does not exist"* ]]
}

@test "exec: missing command is refused" {
    start_ctr
    run aisbx exec "$ID"
    [ "$status" -ne 0 ]
}

@test "exec: an exec'd process gets no_new_privs and seccomp (overlay)" {
    requires_aisbx "the overlay applies to exec"
    update_config '.process.noNewPrivileges = false'
    start_ctr
    jq '.process | .args = ["cat", "/proc/self/status"] | .noNewPrivileges = false | .capabilities = {"bounding":["CAP_SYS_ADMIN","CAP_CHOWN"],"effective":["CAP_SYS_ADMIN","CAP_CHOWN"],"permitted":["CAP_SYS_ADMIN","CAP_CHOWN"],"inheritable":["CAP_SYS_ADMIN"],"ambient":["CAP_SYS_ADMIN"]}' \
        "$BUNDLE/config.json" >"$TESTDIR/process.json"
    run aisbx exec --process "$TESTDIR/process.json" "$ID"
    [ "$status" -eq 0 ]
    echo "$output" | grep -E '^NoNewPrivs:\s+1$'
    echo "$output" | grep -E '^Seccomp:\s+2$'
    echo "$output" | grep -E '^CapEff:\s+0+$'
    echo "$output" | grep -E '^CapAmb:\s+0+$'
}
