#!/usr/bin/env bats
# process.terminal with --console-socket: the pty master is sent over the socket
# (SCM_RIGHTS), received by testdata/recvtty.c.

load helpers

setup_file() { build_recvtty; }

@test "console: run -d --console-socket, the process has a tty" {
    update_config '.process.terminal = true | .process.args = ["sh", "-c", "tty; stty size 2>/dev/null; echo console-ok"]'
    start_recvtty
    rt_bg run -d --console-socket "$CONSOLE_SOCKET" --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    wait_for grep -q console-ok "$TESTDIR/tty.out"
    grep -qE '^/dev/(pts/[0-9]+|console)' "$TESTDIR/tty.out"
}

@test "console: create --console-socket, start, output after start" {
    update_config '.process.terminal = true | .process.args = ["sh", "-c", "echo after-start; [ -t 0 ] && [ -t 1 ] && echo both-tty"]'
    start_recvtty
    rt_bg create --console-socket "$CONSOLE_SOCKET" --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    rt_bg start "$ID"
    [ "$status" -eq 0 ]
    wait_for grep -q both-tty "$TESTDIR/tty.out"
}

@test "console: consoleSize from the config" {
    update_config '.process.terminal = true | .process.consoleSize = {"height": 40, "width": 120} | .process.args = ["sh", "-c", "stty size; echo done"]'
    start_recvtty
    rt_bg run -d --console-socket "$CONSOLE_SOCKET" --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    wait_for grep -q done "$TESTDIR/tty.out"
    grep -q '^40 120' "$TESTDIR/tty.out"
}

@test "console: terminal without --console-socket on create is refused" {
    update_config '.process.terminal = true'
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
}

@test "console: --console-socket to a path nobody listens on fails" {
    update_config '.process.terminal = true'
    rt_bg create --console-socket "$TESTDIR/nobody.sock" --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
}
