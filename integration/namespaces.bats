#!/usr/bin/env bats
# Namespaces: each type asked for is new (ns inode differs from the host's),
# uts hostname, user namespace mappings; aisbx forces the new ones.

load helpers

# ns_of_ctr TYPE: the container init's namespace link for TYPE.
ns_of_ctr() { readlink "/proc/$(ctr_pid)/ns/$1"; }

set_namespaces() { # TYPES...
    local t json='[]'
    for t in "$@"; do json=$(jq -c --arg t "$t" '. + [{"type": $t}]' <<<"$json"); done
    update_config '.linux.namespaces = $ns' --argjson ns "$json"
}

@test "namespaces: pid network ipc uts mount cgroup are new when asked" {
    set_long_running
    set_namespaces pid network ipc uts mount cgroup
    start_ctr
    local t
    for t in pid net ipc uts mnt cgroup; do
        [ "$(ns_of_ctr $t)" != "$(host_ns $t)" ] || { echo "$t namespace is the host's" >&2; false; }
    done
}

@test "namespaces: the container sees its own ns links (from inside)" {
    update_config '.linux.namespaces += [{"type": "cgroup"}]'
    run_sh 'for t in pid net ipc uts mnt cgroup; do readlink /proc/self/ns/$t; done'
    [ "$status" -eq 0 ]
    local t i=0
    for t in pid net ipc uts mnt cgroup; do
        [ "${lines[$i]}" != "$(host_ns $t)" ] || { echo "$t: ${lines[$i]} is the host's" >&2; false; }
        i=$((i + 1))
    done
}

@test "namespaces: a type left out is shared with the host (runc semantics)" {
    [ "$AISBX_IT_RUNTIME" != aisbx ] || skip "aisbx always creates new namespaces (see next test)"
    set_long_running
    set_namespaces pid mount
    update_config 'del(.hostname)'
    start_ctr
    [ "$(ns_of_ctr ipc)" = "$(host_ns ipc)" ]
    [ "$(ns_of_ctr uts)" = "$(host_ns uts)" ]
}

@test "namespaces: a config with none still gets new pid net ipc uts mnt cgroup (overlay)" {
    requires_aisbx "host namespaces are replaced"
    set_long_running
    set_namespaces mount
    start_ctr
    local t
    for t in pid net ipc uts mnt cgroup; do
        [ "$(ns_of_ctr $t)" != "$(host_ns $t)" ] || { echo "$t namespace is the host's" >&2; false; }
    done
}

@test "namespaces: a path to a host namespace is replaced by a new one (overlay)" {
    requires_aisbx "host namespace paths are replaced"
    set_long_running
    update_config '.linux.namespaces = [{"type":"pid"},{"type":"mount"},{"type":"network","path":"/proc/1/ns/net"},{"type":"ipc","path":"/proc/1/ns/ipc"},{"type":"uts","path":"/proc/1/ns/uts"}]'
    start_ctr
    local t
    for t in net ipc uts; do
        [ "$(ns_of_ctr $t)" != "$(readlink /proc/1/ns/$t)" ] || { echo "$t namespace is the host's" >&2; false; }
    done
}

@test "namespaces: joining another container's namespaces by path" {
    set_long_running
    start_ctr
    local pid
    pid=$(ctr_pid)
    cp -a "$BUNDLE" "$TESTDIR/bundle2"
    jq --arg cg "$CGPATH-2" --arg p "/proc/$pid/ns" \
        '.linux.cgroupsPath = $cg | .linux.namespaces = [{"type":"pid","path":($p+"/pid")},{"type":"network","path":($p+"/net")},{"type":"ipc","path":($p+"/ipc")},{"type":"uts","path":($p+"/uts")},{"type":"mount"}]' \
        "$BUNDLE/config.json" >"$TESTDIR/bundle2/config.json"
    rt_bg create --bundle "$TESTDIR/bundle2" "$ID-2"
    [ "$status" -eq 0 ]
    rt_bg start "$ID-2"
    [ "$status" -eq 0 ]
    wait_for_status "$ID-2" running
    local pid2 t
    pid2=$(ctr_pid "$ID-2")
    for t in pid net ipc uts; do
        [ "$(readlink /proc/$pid2/ns/$t)" = "$(readlink /proc/$pid/ns/$t)" ]
    done
    [ "$(readlink /proc/$pid2/ns/mnt)" != "$(readlink /proc/$pid/ns/mnt)" ]
}

@test "uts: hostname from the config" {
    update_config '.hostname = "aisbx-host"'
    run_sh 'hostname'
    [ "$status" -eq 0 ]
    [ "$output" = aisbx-host ]
    [ "$(hostname)" != aisbx-host ]
}

@test "uts: domainname from the config" {
    [ "$AISBX_IT_RUNTIME" != runc ] || skip "runc 1.1 ignores linux.domainname (added in runc 1.2)"
    update_config '.domainname = "aisbx.example"'
    run_sh 'cat /proc/sys/kernel/domainname'
    [ "$status" -eq 0 ]
    [ "$output" = aisbx.example ]
}

@test "network: only lo in /proc/net/dev, and lo is up" {
    run_sh 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "; cat /sys/class/net/lo/operstate 2>/dev/null; ip link show lo 2>/dev/null | head -1'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = lo ]
    [ "$(echo "$output" | grep -cvE '^(lo|unknown|down|up|[0-9]+: lo.*)$')" -eq 0 ]
}

@test "user namespace: uid/gid mappings are written" {
    update_config '.linux.namespaces += [{"type": "user"}]
        | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
        | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
    # the rootfs must be reachable by the mapped root
    chmod 755 "$(dirname "$TESTDIR")" "$TESTDIR" "$BUNDLE"
    run_sh 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
    if [ "$status" -ne 0 ] && [ "$AISBX_IT_RUNTIME" != aisbx ]; then
        skip "user namespaces fail under $AISBX_IT_RUNTIME here: $output"
    fi
    [ "$status" -eq 0 ]
    [[ "$(echo "${lines[0]}" | tr -s ' ')" == " 0 100000 65536" || "$(echo "${lines[0]}" | tr -s ' ')" == "0 100000 65536" ]]
    [[ "$(echo "${lines[1]}" | tr -s ' ')" == *"0 100000 65536" ]]
    [ "${lines[2]}" = 0 ]
}

@test "time namespace: new, with the config's boottime and monotonic offsets" {
    [ -e /proc/self/ns/time ] || skip "kernel without time namespaces"
    update_config '.linux.namespaces += [{"type": "time"}]
        | .linux.timeOffsets = {"boottime": {"secs": 86400, "nanosecs": 0},
                                "monotonic": {"secs": 1000, "nanosecs": 0}}'
    local host_up
    host_up=$(cut -d. -f1 /proc/uptime)
    run_sh 'cut -d. -f1 /proc/uptime; readlink /proc/self/ns/time'
    [ "$status" -eq 0 ]
    # boottime is what /proc/uptime shows: a day ahead of the host
    [ "${lines[0]}" -ge $((host_up + 86400 - 5)) ]
    [ "${lines[0]}" -le $((host_up + 86400 + 60)) ]
    [ "${lines[1]}" != "$(readlink /proc/self/ns/time)" ]
}
