#!/usr/bin/env bats
# process.terminal in the foreground without --console-socket (issue 15
# item 1): the runtime allocates the pty and relays it on its own stdio, as
# runc does; refused only when it would detach. `script` provides a caller
# that is a terminal; the other tests run with stdin not a tty.

load helpers

TTY_PROBE='tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-tty; exit 3'

# The caller's stdin is a terminal (script): what runc requires.
in_script() {
    printf '%q ' "$@" >"$TESTDIR/cmd.sh"
    run timeout 20 script -qec "sh $TESTDIR/cmd.sh" /dev/null </dev/null
    # script does not pass the exit status on; the last line does.
    echo "# $output" >&2
}

@test "tty: run in the foreground relays the pty, exit status passed through" {
    update_config '.process.terminal = true | .process.args = ["sh", "-c", $s]' --arg s "$TTY_PROBE"
    in_script sh -c '"$0" --root "$1" run --bundle "$2" "$3"; echo "rc=$?"' "$AISBX_BIN" "$ROOT" "$BUNDLE" "$ID"
    [[ "$output" == *rc=3* ]]
    [[ "$output" == *all-tty* ]]
    [[ "$output" =~ /dev/(pts/[0-9]+|console) ]]
    # run deletes the container afterwards, as without a terminal.
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
}

@test "tty: run with stdin not a tty: the pty is still relayed" {
    requires_aisbx "runc needs the caller's controlling terminal"
    update_config '.process.terminal = true | .process.args = ["sh", "-c", $s]' --arg s "$TTY_PROBE"
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -eq 3 ]
    [[ "$output" == *all-tty* ]]
}

@test "tty: input from a pipe reaches the process through the pty" {
    requires_aisbx "runc needs the caller's controlling terminal"
    update_config '.process.terminal = true | .process.args = ["sh", "-c", "read x; echo got-$x"]'
    run bash -c 'echo hello | "$0" --root "$1" run --bundle "$2" "$3"' "$AISBX_BIN" "$ROOT" "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    [[ "$output" == *got-hello* ]]
}

@test "tty: on a terminal: raw while running, window size copied, restored after" {
    update_config '.process.terminal = true | .process.args = ["sh", "-c", "stty size; sleep 1"]'
    cat >"$TESTDIR/drive.sh" <<EOF
stty cols 77 rows 33
before=\$(stty -g)
(sleep 0.5; stty -a </dev/tty | grep -q -- -icanon && echo caller-raw) &
"$AISBX_BIN" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
echo "rc=\$?"
[ "\$(stty -g)" = "\$before" ] && echo tty-restored
EOF
    run timeout 20 script -qec "sh $TESTDIR/drive.sh" /dev/null </dev/null
    [[ "$output" == *"33 77"* ]]
    [[ "$output" == *rc=0* ]]
    [[ "$output" == *caller-raw* ]]
    [[ "$output" == *tty-restored* ]]
}

@test "tty: signals to the runtime are forwarded to the container process" {
    requires_aisbx "runc needs the caller's controlling terminal"
    update_config '.process.terminal = true | .process.args = ["sh", "-c", $s]' --arg s "$LONG_RUNNING"
    "$AISBX_BIN" --root "$ROOT" run --bundle "$BUNDLE" "$ID" </dev/null >"$TESTDIR/out" 2>&1 3>&- &
    local pid=$!
    echo $pid >>"$TESTDIR/bg.pids"
    wait_for_status "$ID" running
    sleep 0.3
    kill -TERM $pid
    local rc=0
    wait $pid || rc=$?
    [ "$rc" -eq 143 ]
}

@test "tty: exec -t without --console-socket relays the pty" {
    set_long_running
    start_ctr
    in_script sh -c '"$0" --root "$1" exec -t "$2" sh -c "$3"; echo "rc=$?"' "$AISBX_BIN" "$ROOT" "$ID" "$TTY_PROBE"
    [[ "$output" == *rc=3* ]]
    [[ "$output" == *all-tty* ]]
}

@test "tty: exec -t with stdin not a tty" {
    requires_aisbx "runc needs the caller's controlling terminal"
    set_long_running
    start_ctr
    run aisbx exec -t "$ID" sh -c "$TTY_PROBE" </dev/null
    [ "$status" -eq 3 ]
    [[ "$output" == *all-tty* ]]
}

@test "tty: exec -t gets the same floor as the init (NNP, seccomp filter)" {
    requires_aisbx
    set_long_running
    start_ctr
    run aisbx exec -t "$ID" grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status </dev/null
    [ "$status" -eq 0 ]
    [[ "$output" =~ NoNewPrivs:[[:space:]]+1 ]]
    [[ "$output" =~ Seccomp:[[:space:]]+2 ]]
}

@test "tty: run -d and exec -d -t without --console-socket are still refused" {
    update_config '.process.terminal = true'
    rt_bg run -d --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"console socket"* ]]
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
    update_config '.process.terminal = false'
    set_long_running
    start_ctr
    rt_bg exec -d -t "$ID" true
    [ "$status" -ne 0 ]
    [[ "$output" == *"console socket"* ]]
}

@test "tty: the terminal belongs to the process's user, group tty" {
    update_config '.process.terminal = true | .process.user.uid = 1000 | .process.user.gid = 100 | .process.args = ["sh", "-c", "stat -c owner=%u:%g $(tty)"]'
    in_script sh -c '"$0" --root "$1" run --bundle "$2" "$3"; echo "rc=$?"' "$AISBX_BIN" "$ROOT" "$BUNDLE" "$ID"
    [[ "$output" == *rc=0* ]]
    [[ "$output" == *owner=1000:5* ]]
}

@test "tty: ^C typed on the caller's terminal interrupts the container's process" {
    update_config '.process.terminal = true | .process.args = ["sh", "-c", "trap \"echo got-int; exit 7\" INT; echo ready; sleep 10 & wait"]'
    printf '%q ' "$AISBX_BIN" --root "$ROOT" run --bundle "$BUNDLE" "$ID" >"$TESTDIR/cmd.sh"
    echo '; echo "rc=$?"' >>"$TESTDIR/cmd.sh"
    run bash -c '(sleep 1.5; printf "\003"; sleep 2) | timeout 20 script -qec "sh $0" /dev/null' "$TESTDIR/cmd.sh"
    [[ "$output" == *got-int* ]]
    [[ "$output" == *rc=7* ]]
}
