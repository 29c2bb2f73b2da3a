#!/usr/bin/env bats
# Issue 14: every container of a root runtime runs in a user namespace of
# its own (container ids 0-65535 = a 65536-id host range from the pool),
# entered last; the root is idmapped, user binds are idmapped without root,
# engine volumes with the full range; the slot of the pool goes back on
# delete, and a create killed with SIGKILL leaks none. aisbx only.

load helpers

QUOTA_BIN=$AISBX_IT_BASE/quota-v2
SLOTS=/run/aisbx-userns

setup_file() {
    mkdir -p "$AISBX_IT_BASE"
    (
        flock 9
        if [ ! -x "$QUOTA_BIN" ]; then
            cc -static -O2 -Wall -Wextra -Werror -o "$QUOTA_BIN.tmp" "$INTEGRATION_ROOT/testdata/quota.c" &&
                mv "$QUOTA_BIN.tmp" "$QUOTA_BIN"
        fi
    ) 9>"$AISBX_IT_BASE/.quota.lock"
    [ -x "$QUOTA_BIN" ]
}

setup() {
    requires_aisbx
    requires_root
    setup_bundle
}

teardown() {
    if [ -n "${VOLDIR:-}" ]; then
        rm -rf --one-file-system "$VOLDIR"
        # the parents only if this test made them
        for d in ${VOL_MADE:-}; do rmdir "$d" 2>/dev/null; done
    fi
    teardown_bundle
}

# The host id of container id 0, from the state's annotation.
base_of() { aisbx state "${1:-$ID}" | jq -r '.annotations["run.aisbx.userns"]'; }

# Member files of the slot directory that belong to container id $1.
members_of() { find "$SLOTS" -mindepth 2 -maxdepth 2 -name "*-$1" 2>/dev/null; }

@test "userns: container root is an unprivileged host range; max_*_namespaces are 0 inside" {
    update_config '.process.args = ["sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; id -u; cat /proc/sys/user/max_user_namespaces /proc/sys/user/max_mnt_namespaces /proc/sys/user/max_net_namespaces"]'
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -eq 0 ]
    read -r c0 h0 n0 <<<"${lines[0]}"
    [ "$c0" = 0 ] && [ "$n0" = 65536 ]
    [ "$h0" -ge 65536 ] && [ $((h0 % 65536)) = 0 ]
    [ "$(echo "${lines[1]}" | tr -s ' ' | sed 's/^ //')" = "0 $h0 65536" ]
    [ "${lines[2]}" = 0 ]
    [ "${lines[3]}" = 0 ] && [ "${lines[4]}" = 0 ] && [ "${lines[5]}" = 0 ]
}

@test "userns: the host's ps shows the high uid, exec joins the same namespace, the root looks owned by root" {
    set_long_running
    start_ctr
    local base pid
    base=$(base_of)
    pid=$(ctr_pid)
    [ "$base" -ge 65536 ]
    [ "$(ps -o uid= -p "$pid" | tr -d ' ')" = "$base" ]
    [ "$(readlink /proc/"$pid"/ns/user)" != "$(readlink /proc/self/ns/user)" ]
    # the other namespaces stay owned by the initial user namespace: the
    # container's user namespace owns none (checked from inside: its own
    # mount namespace is not one it may act on)
    exec_sh 'cat /proc/self/uid_map; stat -c "%u:%g %a" / /bin/busybox /root; ls /root >/dev/null && echo root-dir-readable'
    [ "$status" -eq 0 ]
    [ "$(echo "${lines[0]}" | tr -s ' ' | sed 's/^ //')" = "0 $base 65536" ]
    [ "${lines[1]}" = "0:0 755" ]
    [ "${lines[2]}" = "0:0 755" ]
    [ "${lines[3]}" = "0:0 700" ]
    [ "${lines[4]}" = root-dir-readable ]
    # the image on disk is unchanged
    [ "$(stat -c %u:%g "$BUNDLE/rootfs/bin/busybox")" = 0:0 ]
    # an exec'd process is the same high uid on the host
    rt_bg exec -d "$ID" sleep 100
    [ "$status" -eq 0 ]
    local p
    for p in $(pgrep -x sleep); do
        if [ "$(readlink /proc/"$p"/ns/user)" = "$(readlink /proc/"$pid"/ns/user)" ]; then
            [ "$(ps -o uid= -p "$p" | tr -d ' ')" = "$base" ]
            found=1
        fi
    done
    [ "${found:-}" = 1 ]
}

# The init makes the /dev nodes as host root before it enters the namespace:
# owners are container ids moved into the range, or root's nodes would be
# nobody's inside (runc's dev.bats checks "crw-rw-rw- 1 0 0 5, 0 /dev/tty").
@test "userns: /dev nodes and links are root's inside, the range's root on the host; a config device's ids are container ids" {
    update_config '.linux.devices = [{"path": "/dev/zero", "type": "c", "major": 1, "minor": 5, "fileMode": 438, "uid": 1000, "gid": 1001}]'
    set_long_running
    start_ctr
    local base pid
    base=$(base_of)
    pid=$(ctr_pid)
    exec_sh 'stat -c "%n %u:%g" /dev/null /dev/tty /dev/full /dev/ptmx /dev/fd /dev/stdin /dev/zero; stat -L -c "%n %u:%g" /dev/ptmx'
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "/dev/null 0:0" ]
    [ "${lines[1]}" = "/dev/tty 0:0" ]
    [ "${lines[2]}" = "/dev/full 0:0" ]
    [ "${lines[3]}" = "/dev/ptmx 0:0" ]
    [ "${lines[4]}" = "/dev/fd 0:0" ]
    [ "${lines[5]}" = "/dev/stdin 0:0" ]
    [ "${lines[6]}" = "/dev/zero 1000:1001" ]
    # the devpts instance's ptmx, which /dev/ptmx links to (runc's dev.bats: ls -lLn)
    [ "${lines[7]}" = "/dev/ptmx 0:0" ]
    # the host sees the range (through the init's root: the container's /dev)
    [ "$(stat -c %u:%g "/proc/$pid/root/dev/null")" = "$base:$base" ]
    [ "$(stat -c %u:%g "/proc/$pid/root/dev/zero")" = "$((base + 1000)):$((base + 1001))" ]
    # still read-only inside, and the host's nodes untouched
    exec_sh 'chmod 600 /dev/null'
    [ "$status" -ne 0 ]
    [ "$(stat -c %u:%g:%a /dev/null)" = 0:0:666 ]
}

# `ps ID` runs ps(1) as the container's root in its user namespace: ids as
# the container has them (runc's ps.bats expects the caller's name, root, on
# the container's lines), and ps's default selection (the caller's euid) is
# container root's processes. JSON stays host pids.
@test "userns: ps ID shows container root as root; ps -o without -A lists the container's processes" {
    set_long_running
    start_ctr
    local pid base
    pid=$(ctr_pid)
    base=$(base_of)
    run aisbx ps "$ID"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == UID*PID* ]]
    [[ "${lines[1]}" =~ ^root[[:space:]]+$pid[[:space:]] ]]
    run aisbx ps "$ID" -o pid,user,comm
    [ "$status" -eq 0 ]
    [[ "$output" =~ (^|[[:space:]])$pid[[:space:]]+root[[:space:]]+sh ]]
    # on the host it stays the range's uid, and ps left nothing running
    [ "$(ps -o uid= -p "$pid" | tr -d ' ')" = "$base" ]
    run aisbx ps --format json "$ID"
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | jq -r '.[0]')" = "$pid" ]
}

@test "userns: two containers get disjoint ranges; delete frees the slot" {
    set_long_running
    start_ctr "$ID"
    # the second in a cgroup of its own (delete kills its whole cgroup)
    cp -a "$BUNDLE" "$TESTDIR/bundle-b"
    BUNDLE=$TESTDIR/bundle-b update_config '.linux.cgroupsPath = $cg' --arg cg "$CGPATH-b"
    BUNDLE=$TESTDIR/bundle-b start_ctr "$ID-b"
    local a b
    a=$(base_of "$ID")
    b=$(base_of "$ID-b")
    [ "$a" != "$b" ]
    [ $((a > b ? a - b : b - a)) -ge 65536 ]
    [ -n "$(members_of "$ID")" ] && [ -n "$(members_of "$ID-b")" ]
    # processes of one are nobody to the other: its kill is refused
    exec_sh "kill -0 $(ctr_pid "$ID-b") 2>&1; echo rc=\$?"
    rt_bg kill "$ID-b" KILL
    wait_for_status "$ID-b" stopped
    rt_bg delete "$ID-b"
    [ "$status" -eq 0 ]
    [ -z "$(members_of "$ID-b")" ]
    [ -n "$(members_of "$ID")" ]
}

@test "userns: a create killed with SIGKILL leaks no slot" {
    # a createRuntime hook holds create while we kill it
    update_config '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "echo $$ > " + $p + "; exec sleep 30"]}]' \
        --arg p "$TESTDIR/hook.pid"
    set_long_running
    aisbx create --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1 &
    local create=$!
    wait_for test -s "$TESTDIR/hook.pid"
    [ -n "$(members_of "$ID")" ]
    kill -9 "$create"
    kill -9 "$(cat "$TESTDIR/hook.pid")" 2>/dev/null || true
    wait "$create" || true
    # the next claim collects the dead member (without any delete)
    cp -a "$BUNDLE" "$TESTDIR/bundle2"
    update_config 'del(.hooks)'
    BUNDLE=$TESTDIR/bundle2 update_config 'del(.hooks) | .process.args = ["true"]'
    run aisbx run --bundle "$TESTDIR/bundle2" "$ID-2" </dev/null
    [ "$status" -eq 0 ]
    [ -z "$(members_of "$ID")" ]
    [ -z "$(members_of "$ID-2")" ]
}

@test "userns: a host file of root's, mode 0600, is out of reach through a bind or a leaked fd" {
    mkdir "$TESTDIR/host"
    echo secret >"$TESTDIR/host/secret"
    chmod 600 "$TESTDIR/host/secret"
    add_mount /h bind "$TESTDIR/host" '["rbind","rw"]'
    # a system file bound without idmap (forced read-only, never idmapped)
    add_mount /shadow bind /etc/shadow '["bind","ro"]'
    update_config '.process.args = ["sh", "-c", "cat /h/secret; echo rc=$?; echo x >> /h/secret; echo rc=$?; touch /h/planted; echo rc=$?; cat /shadow >/dev/null; echo rc=$?; cat /proc/self/fd/3/secret; echo rc=$?; echo y >> /proc/self/fd/3/secret; echo rc=$?"]'
    run timeout -k 5 "$AISBX_IT_TIMEOUT" "$AISBX_BIN" --root "$ROOT" run --preserve-fds 1 --bundle "$BUNDLE" "$ID" \
        3<"$TESTDIR/host" </dev/null
    [ "$status" -eq 0 ]
    [[ "$output" != *secret* ]] || [[ "$output" == *"/secret"* ]]
    [ "$(grep -c 'rc=0' <<<"$output")" = 0 ]
    [ "$(cat "$TESTDIR/host/secret")" = secret ]
    [ ! -e "$TESTDIR/host/planted" ]
    [ "$(stat -c %a "$TESTDIR/host/secret")" = 600 ]
}

@test "userns: a user bind is idmapped without root, an engine volume with the full range; on-disk ids unchanged" {
    mkdir "$TESTDIR/data"
    chown 1000:1000 "$TESTDIR/data"
    add_mount /data bind "$TESTDIR/data" '["rbind","rw"]'
    # an engine volume (podman's layout): the full range
    local vroot=/var/lib/containers/storage/volumes d
    VOL_MADE=
    for d in /var/lib/containers /var/lib/containers/storage "$vroot"; do
        [ -d "$d" ] || { mkdir "$d" && VOL_MADE="$d $VOL_MADE"; }
    done
    VOLDIR=$vroot/aisbx-it-$ID
    mkdir -p "$VOLDIR/_data"
    chmod 1777 "$VOLDIR/_data"
    add_mount /vol bind "$VOLDIR/_data" '["rbind","rw"]'
    update_config '.process.args = ["sh", "-c", "stat -c %u /data; touch /vol/by-root && echo vol-ok; touch /data/by-root 2>/dev/null || echo data-refused"]'
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 1000 ]
    [[ "$output" == *vol-ok* ]]
    [[ "$output" == *data-refused* ]]
    # container root's file in the volume is root's on disk
    [ "$(stat -c %u:%g "$VOLDIR/_data/by-root")" = 0:0 ]
    [ ! -e "$TESTDIR/data/by-root" ]
    # as uid 1000: the user bind takes the write, on disk as 1000
    update_config '.process.user = {"uid": 1000, "gid": 1000} | .process.args = ["sh", "-c", "touch /data/by-1000 /vol/by-1000"]'
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -eq 0 ]
    [ "$(stat -c %u:%g "$TESTDIR/data/by-1000")" = 1000:1000 ]
    [ "$(stat -c %u:%g "$VOLDIR/_data/by-1000")" = 1000:1000 ]
}

@test "userns: host root's inotify and rt-signal quotas are untouched by a container exhausting its own" {
    cp "$QUOTA_BIN" "$BUNDLE/rootfs/quota"
    update_config '.process.args = ["/quota", "hog"]'
    rt_bg run -d --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    wait_for grep -q inotify "$TESTDIR/ctr.out"
    cat "$TESTDIR/ctr.out"
    read -r _ n e1 _ q e2 <"$TESTDIR/ctr.out"
    [ "$n" -gt 0 ] && [ "$e1" = EMFILE ]
    [ "$q" -gt 0 ] && [ "$e2" = EAGAIN ]
    run "$QUOTA_BIN" probe
    [ "$output" = "inotify OK sigqueue OK" ]
}

@test "userns: policy userns off is the operator's opt-out, recorded; the same hog then takes host root's inotify" {
    echo '{"userns": "off"}' >"$TESTDIR/policy.json"
    export AISBX_POLICY=$TESTDIR/policy.json
    run aisbx check --bundle "$BUNDLE"
    [ "$status" -eq 0 ]
    [[ "$output" == *"userns: linux.namespaces[user]: (absent) -> (absent: policy userns off)"* ]]
    cp "$QUOTA_BIN" "$BUNDLE/rootfs/quota"
    update_config '.process.args = ["/quota", "hog-inotify"]'
    rt_bg run -d --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    wait_for grep -q inotify "$TESTDIR/ctr.out"
    [ "$(base_of)" = null ]
    run "$QUOTA_BIN" probe
    # the control: without the namespace container root is host root's quota
    [[ "$output" == "inotify EMFILE "* ]]
}

@test "userns: the overlay's change list says what it did; a config mapping of host root is refused" {
    mkdir "$TESTDIR/data"
    add_mount /data bind "$TESTDIR/data" '["rbind","rw"]'
    run aisbx check --bundle "$BUNDLE"
    [ "$status" -eq 0 ]
    [[ "$output" == *"userns: linux.namespaces[user]: (absent) -> (new, entered last: container 0-65535 = host "* ]]
    [[ "$output" == *"userns: mounts[/data].uidMappings: (no idmap) -> idmapped: on-disk 1-65535 = container 1-65535 (root not mapped)"* ]]
    [[ "$output" == *"userns: root.path: (no idmap) -> idmapped"* ]]
    update_config '.linux.namespaces += [{"type": "user"}]
        | .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
        | .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]'
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -eq 1 ]
    [[ "$output" == *"a mapping includes host id 0"* ]]
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
    # a config-asked namespace without host root is kept as asked
    update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
        | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
        | .process.args = ["sh", "-c", "cat /proc/self/uid_map"]'
    # (the mapped root must reach the bundle, as under runc)
    chmod 711 "$AISBX_IT_BASE" "$TESTDIR"
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | tr -s ' ' | sed 's/^ //')" = "0 200000 65536" ]
}

# Issue 15 item 6: the source is opened (and cloned) on the host before the
# namespace exists, the mount point made by create: a chmod 700 host dir is
# bound as under runc.
@test "userns: a chmod 700 host dir binds into a config-asked user namespace" {
    mkdir -m 700 "$TESTDIR/private"
    echo hidden >"$TESTDIR/private/f"
    chmod 711 "$AISBX_IT_BASE" "$TESTDIR"
    add_mount /private bind "$TESTDIR/private" '["rbind","rw"]'
    update_config '.linux.namespaces += [{"type": "user"}]
        | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
        | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
        | .process.args = ["sh", "-c", "stat -c %a /private; cat /private/f 2>&1 >/dev/null | grep -c denied"]'
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 700 ]
    [ "${lines[1]}" = 1 ] # mounted; its content is still the host root's
    [ "$(stat -c %a "$TESTDIR/private")" = 700 ]
}

@test "userns: features advertise idmapped mounts and the idmap/ridmap options" {
    run aisbx features
    [ "$status" -eq 0 ]
    [ "$(jq -r '.linux.mountExtensions.idmap.enabled' <<<"$output")" = true ]
    jq -e '.mountOptions | index("idmap") and index("ridmap")' <<<"$output"
}

# An engine's root: an overlay (here with a relative lower layer, as docker
# mounts them) cannot be idmapped itself; it is rebuilt read-only over its
# layers, each idmapped, the upper dir on top.
@test "userns: an overlay root is rebuilt read-only over idmapped layers" {
    local o=$TESTDIR/ovl
    mkdir -p "$o/l/l1" "$o/c/diff" "$o/c/work" "$o/merged"
    cp -a "$BUNDLE/rootfs/." "$o/l/l1/"
    mkdir -p "$o/l/l1/home/app"
    chown 1000:1000 "$o/l/l1/home/app"
    echo upper >"$o/c/diff/upfile"
    (cd "$o" && mount -t overlay overlay -o "lowerdir=l/l1,upperdir=$o/c/diff,workdir=$o/c/work" "$o/merged")
    update_config '.root.path = $r | .process.args = ["sh", "-c", "stat -c \"%u:%g %a\" /bin/busybox /root /home/app /upfile; cat /upfile; ls /root >/dev/null && echo ok; grep \" / / \" /proc/self/mountinfo"]' --arg r "$o/merged"
    run aisbx check --bundle "$BUNDLE"
    [[ "$output" == *"userns: root.path: idmapped -> (an overlay: rebuilt read-only over its 2 layers, each idmapped)"* ]]
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    umount "$o/merged"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "0:0 755" ]
    [ "${lines[1]}" = "0:0 700" ]
    [ "${lines[2]}" = "1000:1000 755" ]
    [ "${lines[3]}" = "0:0 644" ]
    [ "${lines[4]}" = upper ]
    [ "${lines[5]}" = ok ]
    [[ "${lines[6]}" == *" / / ro,"*" - overlay "* ]]
}

# A container that shares namespaces with another (a CRI pod's pause
# container, --pid/--ipc=container:X) joins X's user namespace: X's
# processes are not `nobody` to it, signals work; each holds the slot.
@test "userns: a container joining another's namespaces joins its user namespace" {
    update_config '.process.args = ["sleep", "100"]'
    start_ctr "$ID"
    local pid
    pid=$(ctr_pid "$ID")
    cp -a "$BUNDLE" "$TESTDIR/bundle-b"
    BUNDLE=$TESTDIR/bundle-b update_config '.linux.cgroupsPath = $cg
        | .linux.namespaces |= map(if .type == "pid" then .path = $p elif .type == "ipc" then .path = $i else . end)
        | .process.args = ["sh", "-c", "cat /proc/self/uid_map; kill -0 1 && echo kill-ok"]' \
        --arg cg "$CGPATH-b" --arg p "/proc/$pid/ns/pid" --arg i "/proc/$pid/ns/ipc"
    run aisbx check --bundle "$TESTDIR/bundle-b"
    [[ "$output" == *"linux.namespaces[user]: (absent) -> (joined: the namespace of the container it shares namespaces with, entered last: container 0-65535 = host $(base_of "$ID")-"* ]]
    rt_bg create --bundle "$TESTDIR/bundle-b" "$ID-b"
    [ "$status" -eq 0 ]
    [ -n "$(members_of "$ID-b")" ]
    [ "$(readlink /proc/"$(ctr_pid "$ID-b")"/ns/user)" = "$(readlink /proc/"$pid"/ns/user)" ]
    rt_bg start "$ID-b"
    wait_for grep -q kill-ok "$TESTDIR/ctr.out"
    [ "$(head -1 "$TESTDIR/ctr.out" | tr -s ' ' | sed 's/^ //')" = "0 $(base_of "$ID") 65536" ]
    # X goes first: the joiner's member still holds the range
    rt_bg delete --force "$ID"
    [ -z "$(members_of "$ID")" ]
    rt_bg delete --force "$ID-b"
    [ -z "$(members_of "$ID-b")" ]
}

# On a systemd host "/" is shared: a clone of the root (open_tree) would be
# in the host's peer group (mount events both ways, and pivot_root refuses
# it with EINVAL). The idmapped clone is made private.
@test "userns: a root on a shared mount is attached private (pivot_root works, no peer group)" {
    mount --bind "$TESTDIR" "$TESTDIR"
    mount --make-shared "$TESTDIR"
    update_config '.process.args = ["sh", "-c", "awk \"\\$5 == \\\"/\\\"\" /proc/self/mountinfo"]'
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    umount -l "$TESTDIR"
    [ "$status" -eq 0 ]
    [[ "$output" == *" / ro,"*idmapped* ]]
    [[ "$output" != *shared:* ]]
}

# An id past the container's 65536-id range is not mapped: setresuid would
# fail only after the whole setup, and a terminal would first be chowned to a
# host id of another container's range. Refused before anything is made.
@test "userns: a process uid, gid or additional gid past the range is refused at run and exec, nothing left" {
    update_config '.process.user.uid = 70000 | .process.args = ["id"]'
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -eq 1 ]
    [ "$output" = "aisbx: process uid 70000 is not mapped in the container's user namespace (ids 0-65535)" ]
    [ -z "$(our_cgroups "$AISBX_IT_RUN-$ID")" ]
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
    [ -z "$(members_of "$ID")" ]

    update_config '.process.user = {"uid": 0, "gid": 0}'
    set_long_running
    start_ctr
    run aisbx exec -u 1:70000 "$ID" id
    [ "$status" -eq 255 ]
    [[ "$output" == *"process gid 70000 is not mapped in the container's user namespace"* ]]
    run aisbx exec -u 1000:1000 --additional-gids 65536 "$ID" id
    [ "$status" -eq 255 ]
    [[ "$output" == *"process additional gid 65536 is not mapped"* ]]
    run aisbx exec -t -u 65536 "$ID" id
    [ "$status" -eq 255 ]
    [[ "$output" == *"process uid 65536 is not mapped"* ]]
    # the last id of the range is the container's
    run aisbx exec -u 65535:65535 --additional-gids 65535 "$ID" id
    [ "$status" -eq 0 ]
    [ "$output" = "uid=65535 gid=65535 groups=65535" ]
}
