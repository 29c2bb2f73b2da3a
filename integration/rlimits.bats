#!/usr/bin/env bats
# process.rlimits. This VM's root lacks CAP_SYS_RESOURCE: raising a hard limit
# above the caller's fails, so the tests only lower limits.

load helpers

@test "rlimits: RLIMIT_NOFILE soft 512 hard 1024" {
    update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 1024}]'
    run_sh 'ulimit -n; ulimit -Hn'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 512 ]
    [ "${lines[1]}" = 1024 ]
}

@test "rlimits: RLIMIT_NPROC and RLIMIT_STACK lowered" {
    update_config '.process.rlimits += [{"type": "RLIMIT_NPROC", "soft": 300, "hard": 400}, {"type": "RLIMIT_STACK", "soft": 4194304, "hard": 8388608}]'
    run_sh 'ulimit -u; ulimit -s'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 300 ]
    [ "${lines[1]}" = 4096 ]
}

@test "rlimits: exec --process applies the process' rlimits" {
    [ "$AISBX_IT_RUNTIME" != runc ] || skip "runc 1.1 does not apply process.json rlimits to exec'd processes"
    set_long_running
    start_ctr
    jq '.process | .args = ["sh", "-c", "ulimit -n"] | .rlimits = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 1024}]' \
        "$BUNDLE/config.json" >"$TESTDIR/process.json"
    run aisbx exec --process "$TESTDIR/process.json" "$ID"
    [ "$status" -eq 0 ]
    [ "$output" = 512 ]
}

@test "rlimits: an unknown rlimit type is refused" {
    update_config '.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]'
    run_sh 'true'
    [ "$status" -ne 0 ]
}

@test "rlimits: RLIMIT_CORE is forced to 0 (overlay)" {
    requires_aisbx "RLIMIT_CORE = 0"
    update_config '.process.rlimits += [{"type": "RLIMIT_CORE", "soft": 1048576, "hard": 1048576}]'
    run_sh 'ulimit -c; ulimit -Hc'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 0 ]
    [ "${lines[1]}" = 0 ]
}

@test "rlimits: RLIMIT_NOFILE is capped at 1024 (overlay)" {
    requires_aisbx "nofile <= 1024"
    update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 4096, "hard": 4096}]'
    run_sh 'ulimit -n; ulimit -Hn'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" -le 1024 ]
    [ "${lines[1]}" -le 1024 ]
}

@test "rlimits: no RLIMIT_NOFILE in the config is still capped (overlay)" {
    requires_aisbx "nofile <= 1024"
    update_config '.process.rlimits = []'
    run_sh 'ulimit -n; ulimit -Hn; ulimit -c'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" -le 1024 ]
    [ "${lines[1]}" -le 1024 ]
    [ "${lines[2]}" = 0 ]
}
