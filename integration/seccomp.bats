#!/usr/bin/env bats
# A seccomp filter from the config works (and, under aisbx, together with the
# overlay's own filter).

load helpers

setup() {
    setup_bundle
    add_tmp
}

deny_mkdir() {
    update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
        "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
}

@test "seccomp: without a rule mkdir works" {
    run_sh 'mkdir /tmp/d && echo made'
    [ "$status" -eq 0 ]
    [ "$output" = made ]
}

@test "seccomp: a config rule denies mkdir with EPERM (errnoRet)" {
    deny_mkdir
    run_sh 'mkdir /tmp/d'
    [ "$status" -ne 0 ]
    [[ "$output" == *"Operation not permitted"* ]]
}

@test "seccomp: other syscalls still work under the config's filter" {
    deny_mkdir
    run_sh 'echo ok > /tmp/f && cat /tmp/f && ls /tmp'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = ok ]
}

@test "seccomp: errnoRet other than EPERM (ENOSPC)" {
    update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 28}]}'
    run_sh 'mkdir /tmp/d'
    [ "$status" -ne 0 ]
    [[ "$output" == *"No space left on device"* ]]
}

@test "seccomp: the filter applies to exec'd processes" {
    deny_mkdir
    set_long_running
    start_ctr
    exec_sh 'mkdir /tmp/d'
    [ "$status" -ne 0 ]
    [[ "$output" == *"Operation not permitted"* ]]
}

@test "seccomp: mode 2 even without a config filter (overlay)" {
    requires_aisbx "seccomp always on"
    update_config 'del(.linux.seccomp)'
    run_sh 'grep ^Seccomp: /proc/self/status'
    [ "$status" -eq 0 ]
    [[ "$output" =~ ^Seccomp:[[:space:]]+2$ ]]
}

@test "seccomp: a config allowing everything cannot re-allow unshare/mount (overlay)" {
    requires_aisbx "overlay filter stacks"
    update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW"}'
    run_sh 'unshare -U true; echo "unshare=$?"; mount -t tmpfs x /tmp 2>&1; echo "mount=$?"'
    [[ "$output" == *"unshare=1"* ]] || [[ "$output" != *"unshare=0"* ]]
    [[ "$output" != *"mount=0"* ]]
}

@test "seccomp: SCMP_ACT_NOTIFY sends the listener fd and containerProcessState to listenerPath" {
    command -v python3 >/dev/null || skip "python3 is needed for the test agent"
    local sock="$TESTDIR/agent.sock" out="$TESTDIR/agent.out"
    python3 "$BATS_TEST_DIRNAME/testdata/seccomp_agent.py" "$sock" "$out" &
    local agent=$!
    local i
    for i in $(seq 100); do [ -e "$out.ready" ] && break; sleep 0.1; done
    update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $p,
        "listenerMetadata": "meta-1",
        "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}' --arg p "$sock"
    run_sh 'mkdir /tmp/x 2>/dev/null; echo "mkdir=$?"; touch /tmp/y && echo touch-ok'
    wait "$agent"
    [ "$status" -eq 0 ]
    # The agent closed the fd without answering: notified calls fail (ENOSYS),
    # others are untouched.
    [ "${lines[0]}" = "mkdir=1" ]
    [ "${lines[1]}" = touch-ok ]
    [ "$(head -1 "$out" | jq -r '.fds[0]')" = seccompFd ]
    [ "$(head -1 "$out" | jq -r '.metadata')" = meta-1 ]
    [ "$(head -1 "$out" | jq -r '.state.id')" = "$ID" ]
    [ "$(head -1 "$out" | jq -r '.pid')" -gt 1 ]
    grep -qx 'fd anon_inode:seccomp notify' "$out"
}
