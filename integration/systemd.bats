#!/usr/bin/env bats
# --systemd-cgroup where systemd is not running (this VM): one clear line,
# exit 1, and nothing left behind. The driver itself (transient scopes over
# D-Bus) is tested on a real systemd host by the stock-host lane
# (hack/stock-lane.sh); its pure half by tests/test_cgroup_systemd.c.

load helpers

setup() {
    setup_bundle
    requires_aisbx
    if [ -S /run/systemd/private ] || [ -S /run/dbus/system_bus_socket ]; then
        skip "systemd or a system bus runs here: the stock-host lane covers this host"
    fi
}

nothing_left() { # ID UNIT_PATH
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ] || { echo "state left: $(ls -A "$ROOT")"; return 1; }
    local d
    for d in /sys/fs/cgroup/*"$2" /sys/fs/cgroup"$2"; do
        [ ! -e "$d" ] || { echo "cgroup left: $d"; return 1; }
    done
    ! pgrep -f "aisbx.*$1" >/dev/null || { echo "process left"; return 1; }
}

@test "systemd-cgroup: no systemd -> one line naming the socket, exit 1, nothing created" {
    update_config '.linux.cgroupsPath = $p | .process.args = ["true"]' \
        --arg p "system.slice:aisbx-it:$ID"
    run --separate-stderr aisbx --systemd-cgroup run --bundle "$BUNDLE" "$ID"
    echo "status $status stderr: $stderr"
    [ "$status" -eq 1 ]
    [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
    [[ "$stderr" == *"cannot connect to systemd"*"/run/systemd/private"*"is systemd running?"* ]]
    nothing_left "$ID" "/system.slice/aisbx-it-$ID.scope"
    # create (what engines call) the same; and the JSON log line for the shim
    run --separate-stderr aisbx --systemd-cgroup --log "$TESTDIR/log.json" --log-format json \
        create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 1 ]
    jq -e 'select(.level == "error") | .msg | contains("cannot connect to systemd")' \
        "$TESTDIR/log.json"
    nothing_left "$ID" "/system.slice/aisbx-it-$ID.scope"
}

@test "systemd-cgroup: runc's default unit when cgroupsPath is empty" {
    update_config 'del(.linux.cgroupsPath) | .process.args = ["true"]'
    run --separate-stderr aisbx --systemd-cgroup run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"cannot connect to systemd"* ]]
    nothing_left "$ID" "/system.slice/aisbx-$ID.scope"
}

@test "systemd-cgroup: malformed cgroupsPath refused before anything exists" {
    local p
    for p in "/aisbx-it/$ID" "system.slice:x" "a:b:c:d" "bad--x.slice:p:n" "system.slice:p:../x"; do
        update_config '.linux.cgroupsPath = $p' --arg p "$p"
        run --separate-stderr aisbx --systemd-cgroup create --bundle "$BUNDLE" "$ID"
        echo "$p -> $status: $stderr"
        [ "$status" -eq 1 ]
        [[ "$stderr" == *"slice"* || "$stderr" == *"unit name"* ]]
        nothing_left "$ID" "/$ID"
    done
}

@test "systemd-cgroup: the helper must be next to aisbx, a root-owned file only its owner writes" {
    local dir=$TESTDIR/bin
    mkdir -p "$dir"
    cp "$AISBX_BIN" "$dir/aisbx"
    update_config 'del(.linux.cgroupsPath) | .process.args = ["true"]'
    # missing
    run --separate-stderr timeout 20 "$dir/aisbx" --root "$ROOT" --systemd-cgroup run --bundle "$BUNDLE" "$ID"
    echo "status $status stderr: $stderr"
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"$dir/aisbx-systemd is missing"* ]]
    nothing_left "$ID" "/system.slice/aisbx-$ID.scope"
    # group-writable: refused before it runs
    printf '#!/bin/sh\ntouch %s/ran\n' "$TESTDIR" >"$dir/aisbx-systemd"
    chmod 0775 "$dir/aisbx-systemd"
    run --separate-stderr timeout 20 "$dir/aisbx" --root "$ROOT" --systemd-cgroup run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"writable only by its owner"* ]]
    [ ! -e "$TESTDIR/ran" ]
    nothing_left "$ID" "/system.slice/aisbx-$ID.scope"
    # owned by another user while aisbx is root's: refused before it runs
    rm -f "$dir/aisbx-systemd"
    cp "$(dirname "$AISBX_BIN")/aisbx-systemd" "$dir/aisbx-systemd"
    chmod 0755 "$dir/aisbx-systemd"
    chown nobody "$dir/aisbx-systemd"
    run --separate-stderr timeout 20 "$dir/aisbx" --root "$ROOT" --systemd-cgroup run --bundle "$BUNDLE" "$ID"
    echo "status $status stderr: $stderr"
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"owned by root (or aisbx's owner)"* ]]
    nothing_left "$ID" "/system.slice/aisbx-$ID.scope"
    # the same owner as the aisbx binary itself (a root-owned install seen
    # from rootless podman's namespace: both the overflow uid): it runs, and
    # its own line says there is no systemd here
    chown nobody "$dir/aisbx"
    run --separate-stderr timeout 20 "$dir/aisbx" --root "$ROOT" --systemd-cgroup run --bundle "$BUNDLE" "$ID"
    echo "status $status stderr: $stderr"
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"cannot connect to systemd"* ]]
    nothing_left "$ID" "/system.slice/aisbx-$ID.scope"
}

# aisbx builds the helper's argv itself; a helper that cannot parse it is
# from another build (a copied aisbx beside an old helper). One line says so.
@test "systemd-cgroup: a helper from another build (its usage line) -> one line saying so, nothing left" {
    local dir=$TESTDIR/bin
    mkdir -p "$dir"
    cp "$AISBX_BIN" "$dir/aisbx"
    printf '#include <stdio.h>\nint main(void) { fputs("aisbx-systemd: usage: aisbx-systemd start UNIT SLICE PID DESCRIPTION\\n", stderr); return 2; }\n' >"$TESTDIR/old.c"
    cc -o "$dir/aisbx-systemd" "$TESTDIR/old.c"
    update_config 'del(.linux.cgroupsPath) | .process.args = ["true"]'
    run --separate-stderr timeout 20 "$dir/aisbx" --root "$ROOT" --systemd-cgroup run --bundle "$BUNDLE" "$ID"
    echo "status $status stderr: $stderr"
    [ "$status" -eq 1 ]
    [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
    [[ "$stderr" == *"$dir/aisbx-systemd does not take this aisbx's arguments (\"usage: aisbx-systemd start"*"install aisbx and aisbx-systemd from one build"* ]]
    nothing_left "$ID" "/system.slice/aisbx-$ID.scope"
}

@test "systemd-cgroup: features says systemd is supported" {
    run aisbx features
    [ "$status" -eq 0 ]
    echo "$output" | jq -e '.linux.cgroup.systemd == true and .linux.cgroup.systemdUser == true'
}

# systemd removes a scope's cgroup as soon as its last process exits, before
# the engine's `kill --all` and `delete` (containerd's StopContainer loops on
# `kill --all` until it succeeds): a cgroup that is gone holds no process.
@test "systemd-cgroup: kill --all, ps and delete after the cgroup is gone" {
    set_long_running
    start_ctr
    local pid
    pid=$(ctr_pid)
    kill -9 "$pid"
    wait_for_status "$ID" stopped
    local d
    for d in /sys/fs/cgroup/*"$CGPATH" /sys/fs/cgroup"$CGPATH"; do
        [ -d "$d" ] && rmdir "$d"
    done
    run aisbx kill --all "$ID" 9
    echo "$output"
    [ "$status" -eq 0 ]
    run aisbx ps --format json "$ID"
    [ "$status" -eq 0 ]
    [ "$output" = "[]" ] || [ "$output" = "null" ]
    run aisbx delete "$ID"
    [ "$status" -eq 0 ]
}
