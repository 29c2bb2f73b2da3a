#!/usr/bin/env bats
# Cgroups at linux.cgroupsPath: membership and limits (v1 and v2 paths).

load helpers

mem_limit() {
    if cgroup_v2; then cat "$(cgroup_file memory memory.max)"; else cat "$(cgroup_file memory memory.limit_in_bytes)"; fi
}

@test "cgroups: the container is in linux.cgroupsPath" {
    set_long_running
    start_ctr
    local pid
    pid=$(ctr_pid)
    grep -qx "$pid" "$(cgroup_file pids cgroup.procs)"
    grep -qx "$pid" "$(cgroup_file memory cgroup.procs)"
    if cgroup_v2; then
        grep -q "^0::$CGPATH\$" "/proc/$pid/cgroup"
    else
        grep -q ":pids:$CGPATH\$" "/proc/$pid/cgroup"
    fi
}

@test "cgroups: pids.max from the config" {
    set_long_running
    update_config '.linux.resources.pids.limit = 100'
    start_ctr
    [ "$(cat "$(cgroup_file pids pids.max)")" = 100 ]
}

@test "cgroups: memory limit from the config" {
    set_long_running
    update_config '.linux.resources.memory.limit = 268435456'
    start_ctr
    [ "$(mem_limit)" = 268435456 ]
}

@test "cgroups: cpu shares / weight from the config" {
    set_long_running
    update_config '.linux.resources.cpu.shares = 512'
    start_ctr
    if cgroup_v2; then
        [ -n "$(cat "$(cgroup_file cpu cpu.weight)")" ]
    else
        [ "$(cat "$(cgroup_file cpu cpu.shares)")" = 512 ]
    fi
}

@test "cgroups: the pids limit is enforced" {
    update_config '.linux.resources.pids.limit = 5'
    run_sh 'for i in 1 2 3 4 5 6 7 8; do sleep 1 & done; wait'
    [[ "$output" == *"can't fork"* ]] || [[ "$output" == *"Resource temporarily unavailable"* ]]
}

@test "cgroups: limits set at create, before start" {
    set_long_running
    update_config '.linux.resources.pids.limit = 77'
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    [ "$(cat "$(cgroup_file pids pids.max)")" = 77 ]
    grep -qx "$(ctr_pid)" "$(cgroup_file pids cgroup.procs)"
}

@test "cgroups: pids.max <= 256 even when the config sets none (overlay)" {
    requires_aisbx "pids.max always set"
    set_long_running
    update_config 'del(.linux.resources.pids)'
    start_ctr
    local v
    v=$(cat "$(cgroup_file pids pids.max)")
    [ "$v" != max ]
    [ "$v" -le 256 ]
}

@test "cgroups: a pids limit above the policy is capped (overlay)" {
    requires_aisbx "pids.max <= 256"
    set_long_running
    update_config '.linux.resources.pids.limit = 100000'
    start_ctr
    [ "$(cat "$(cgroup_file pids pids.max)")" -le 256 ]
}

@test "cgroups: memory limit capped at 1 GiB (overlay)" {
    requires_aisbx "memory <= 1 GiB"
    set_long_running
    update_config '.linux.resources.memory.limit = 4294967296'
    start_ctr
    [ "$(mem_limit)" -le 1073741824 ]
}

@test "cgroups: no memory limit in the config still gets 1 GiB (overlay)" {
    requires_aisbx "memory <= 1 GiB"
    set_long_running
    update_config 'del(.linux.resources.memory)'
    start_ctr
    [ "$(mem_limit)" != max ]
    [ "$(mem_limit)" -le 1073741824 ]
}

# cgroup v1: the init moves itself into the cgroup create made, by writing "0"
# to each hierarchy's `tasks` (a move by pid through cgroup.procs waits for an
# RCU grace period, cgroup.h); AISBX_CLONE_INTO_CGROUP=0 keeps the old way (the
# parent writes the pid). Either way every controller line of /proc/PID/cgroup
# (and a hybrid host's unified 0:: line) names the container's cgroup, and
# create wrote the pid to no v1 cgroup.procs in the first.
@test "cgroups: v1: the init moves itself into every hierarchy; AISBX_CLONE_INTO_CGROUP=0 moves it by pid" {
    cgroup_v2 && skip "cgroup v1 only"
    [ "$AISBX_IT_RUNTIME" = aisbx ] || skip "aisbx's own ways in"
    set_long_running
    local way id pid lines
    for way in self pid; do
        id=$ID-$way
        update_config '.linux.cgroupsPath = $cg' --arg cg "$CGPATH-$way"
        if [ "$way" = pid ]; then
            AISBX_CLONE_INTO_CGROUP=0 rt_bg --debug --log "$TESTDIR/$way.log" create --bundle "$BUNDLE" "$id"
        else
            rt_bg --debug --log "$TESTDIR/$way.log" create --bundle "$BUNDLE" "$id"
        fi
        [ "$status" -eq 0 ]
        pid=$(ctr_pid "$id")
        cat "/proc/$pid/cgroup"
        # controller hierarchies and the unified one; named ones (name=systemd) are not ours
        lines=$(awk -F: '($2 != "" && $2 !~ /^name=/) || $1 == 0' "/proc/$pid/cgroup")
        [ "$(echo "$lines" | wc -l)" -ge 5 ]
        [ -z "$(echo "$lines" | awk -F: -v p="$CGPATH-$way" '$3 != p')" ]
        if [ "$way" = self ]; then
            grep -q 'init: join-cgroup' "$TESTDIR/$way.log"
            [ -z "$(grep 'cgroup\.procs = ' "$TESTDIR/$way.log" | grep -v '/unified/')" ]
        else
            grep -q "pids$CGPATH-$way/cgroup.procs = $pid" "$TESTDIR/$way.log"
        fi
        rt_bg delete --force "$id"
        [ "$status" -eq 0 ]
        [ ! -d "/sys/fs/cgroup/pids$CGPATH-$way" ]
    done
}

# exec, the same: the joining process (whose child the exec'd program is)
# comes into the container's cgroup without a move by pid where it can: on v1
# it writes "0" to each hierarchy's `tasks` itself and is born in a hybrid
# host's unified cgroup, on v2 it is born in the cgroup (clone3
# CLONE_INTO_CGROUP). AISBX_CLONE_INTO_CGROUP=0 keeps the move by pid. Either
# way the exec'd process is in the container's cgroup in every controller
# hierarchy (and the unified one), and the first way wrote no cgroup.procs
# (v1: none outside the unified hierarchy).
@test "cgroups: exec: the exec'd process is in every hierarchy without a move by pid; AISBX_CLONE_INTO_CGROUP=0 moves it by pid" {
    [ "$AISBX_IT_RUNTIME" = aisbx ] || skip "aisbx's own ways in"
    set_long_running
    start_ctr
    local way pid lines log
    for way in self pid; do
        log=$TESTDIR/exec-$way.log
        if [ "$way" = pid ]; then
            AISBX_CLONE_INTO_CGROUP=0 rt_bg --debug --log "$log" exec -d --pid-file "$TESTDIR/$way.pid" "$ID" sleep 100
        else
            rt_bg --debug --log "$log" exec -d --pid-file "$TESTDIR/$way.pid" "$ID" sleep 100
        fi
        [ "$status" -eq 0 ]
        pid=$(cat "$TESTDIR/$way.pid")
        cat "/proc/$pid/cgroup"
        grep 'cgroup\.procs = ' "$log" || true
        if cgroup_v2; then
            [ "$(cat "/proc/$pid/cgroup")" = "0::$CGPATH" ]
        else
            # controller hierarchies and the unified one; named ones (name=systemd) are not ours
            lines=$(awk -F: '($2 != "" && $2 !~ /^name=/) || $1 == 0' "/proc/$pid/cgroup")
            [ "$(echo "$lines" | wc -l)" -ge 5 ]
            [ -z "$(echo "$lines" | awk -F: -v p="$CGPATH" '$3 != p')" ]
        fi
        if [ "$way" = self ]; then
            if cgroup_v2; then
                ! grep -q 'cgroup\.procs = ' "$log"
            else
                grep -q 'exec: join-cgroup' "$log"
                [ -z "$(grep 'cgroup\.procs = ' "$log" | grep -v '/unified/')" ]
            fi
        elif cgroup_v2; then
            grep -q "$CGPATH/cgroup.procs = " "$log"
        else
            grep -q "pids$CGPATH/cgroup.procs = " "$log"
        fi
        kill -9 "$pid"
    done
}
