#!/usr/bin/env bats
# update: --pids-limit, --memory, --resources - / FILE / =FILE, zeros mean unchanged.

load helpers

setup() {
    setup_bundle
    set_long_running
    update_config '.linux.resources.pids.limit = 100 | .linux.resources.memory.limit = 268435456'
}

mem_limit() {
    if cgroup_v2; then cat "$(cgroup_file memory memory.max)"; else cat "$(cgroup_file memory memory.limit_in_bytes)"; fi
}

@test "update --pids-limit" {
    start_ctr
    [ "$(cat "$(cgroup_file pids pids.max)")" = 100 ]
    run aisbx update --pids-limit 50 "$ID"
    [ "$status" -eq 0 ]
    [ "$(cat "$(cgroup_file pids pids.max)")" = 50 ]
    [ "$(mem_limit)" = 268435456 ]
}

@test "update --memory" {
    start_ctr
    run aisbx update --memory 134217728 "$ID"
    [ "$status" -eq 0 ]
    [ "$(mem_limit)" = 134217728 ]
    [ "$(cat "$(cgroup_file pids pids.max)")" = 100 ]
}

@test "update --resources - (docker's JSON, zeros mean unchanged)" {
    start_ctr
    run aisbx update --resources - "$ID" <<<'{"memory":{"limit":0,"reservation":0,"kernel":0},"cpu":{"shares":0,"quota":0,"period":0},"pids":{"limit":50},"blockIO":{"weight":0}}'
    [ "$status" -eq 0 ]
    [ "$(cat "$(cgroup_file pids pids.max)")" = 50 ]
    [ "$(mem_limit)" = 268435456 ]
    [ "$(state_field "$ID" status)" = running ]
}

@test "update --resources FILE and --resources=FILE (podman)" {
    start_ctr
    echo '{"pids":{"limit":42}}' >"$TESTDIR/res.json"
    run aisbx update --resources "$TESTDIR/res.json" "$ID"
    [ "$status" -eq 0 ]
    [ "$(cat "$(cgroup_file pids pids.max)")" = 42 ]
    echo '{"pids":{"limit":43},"memory":{"limit":201326592}}' >"$TESTDIR/res.json"
    run aisbx update --resources="$TESTDIR/res.json" "$ID"
    [ "$status" -eq 0 ]
    [ "$(cat "$(cgroup_file pids pids.max)")" = 43 ]
    [ "$(mem_limit)" = 201326592 ]
}

@test "update: the new pids limit is enforced" {
    update_config '.linux.resources.pids.limit = 100'
    add_tmp
    start_ctr
    run aisbx update --pids-limit 4 "$ID"
    [ "$status" -eq 0 ]
    # init + sleep already use 2; a few more forks must fail
    # busybox ash exits on a failed fork, so fork in a subshell and report
    # from the parent shell (cat is a no-fork applet)
    exec_sh '(for i in 1 2 3 4 5 6; do sleep 100 >/dev/null 2>&1 & done) 2>/tmp/err; cat /tmp/err'
    [[ "$output" == *"can't fork"* ]] || [[ "$output" == *"Resource temporarily unavailable"* ]]
}

@test "update: malformed resources JSON is refused, limits unchanged" {
    start_ctr
    run aisbx update --resources - "$ID" <<<'{"pids":'
    [ "$status" -ne 0 ]
    [ "$(cat "$(cgroup_file pids pids.max)")" = 100 ]
}

@test "update: unknown id -> does not exist" {
    run aisbx update --pids-limit 10 nosuchctr
    [ "$status" -ne 0 ]
    [[ "$output" == *"does not exist"* ]]
}

@test "update: pids limit above the policy is capped (overlay)" {
    requires_aisbx "pids.max <= 256"
    start_ctr
    run aisbx update --pids-limit 100000 "$ID"
    [ "$status" -eq 0 ]
    [ "$(cat "$(cgroup_file pids pids.max)")" -le 256 ]
    run aisbx update --resources - "$ID" <<<'{"pids":{"limit":-1}}'
    [ "$(cat "$(cgroup_file pids pids.max)")" != max ]
    [ "$(cat "$(cgroup_file pids pids.max)")" -le 256 ]
}

@test "update: memory limit above the policy is capped (overlay)" {
    requires_aisbx "memory <= 1 GiB"
    start_ctr
    aisbx update --memory 8589934592 "$ID" || true
    [ "$(mem_limit)" -le 1073741824 ]
}
