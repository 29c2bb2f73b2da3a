#!/usr/bin/env bats
# Mounts: binds of host temp dirs (rw, ro), tmpfs, propagation; aisbx's forced
# options (nosuid, nodev, rprivate).

load helpers

setup() {
    setup_bundle
    mkdir -p "$TESTDIR/vol"
    echo from-host >"$TESTDIR/vol/hostfile"
}

# mount_line DEST: the container's mountinfo line for DEST (from inside).
mountinfo_of() { awk -v d="$1" '$5 == d' <<<"$output"; }

# As uid 1000: a user bind is idmapped without root under aisbx's user
# namespace (userns.bats has container root's side of it).
@test "bind: a host dir is visible and writable" {
    chown 1000:1000 "$TESTDIR/vol"
    add_mount /vol bind "$TESTDIR/vol" '["rbind","rw"]'
    update_config '.process.user = {"uid": 1000, "gid": 1000}'
    run_sh 'cat /vol/hostfile && echo from-ctr > /vol/ctrfile'
    [ "$status" -eq 0 ]
    [ "$output" = from-host ]
    [ "$(cat "$TESTDIR/vol/ctrfile")" = from-ctr ]
    [ "$(stat -c %u:%g "$TESTDIR/vol/ctrfile")" = 1000:1000 ]
}

@test "bind ro: writes fail with EROFS" {
    add_mount /vol bind "$TESTDIR/vol" '["rbind","ro"]'
    run_sh 'cat /vol/hostfile; touch /vol/x'
    [ "$status" -ne 0 ]
    [[ "$output" == *from-host* ]]
    [[ "$output" == *"Read-only file system"* ]]
    [ ! -e "$TESTDIR/vol/x" ]
}

@test "bind: a single file" {
    add_mount /etc/bound bind "$TESTDIR/vol/hostfile" '["bind","ro"]'
    run_sh 'cat /etc/bound'
    [ "$status" -eq 0 ]
    [ "$output" = from-host ]
}

@test "bind: a missing mount point is created inside the rootfs" {
    add_mount /new/dir/deep bind "$TESTDIR/vol" '["rbind"]'
    run_sh 'cat /new/dir/deep/hostfile'
    [ "$status" -eq 0 ]
    [ "$output" = from-host ]
    [ ! -e /new/dir/deep ]
}

@test "tmpfs: mounted, writable, with its options" {
    add_mount /scratch tmpfs tmpfs '["nosuid","nodev","size=1m","mode=1777"]'
    run_sh 'grep " /scratch " /proc/self/mounts; echo data > /scratch/f && cat /scratch/f'
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "tmpfs /scratch tmpfs "* ]]
    [[ "${lines[0]}" == *size=1024k* ]]
    [ "${lines[1]}" = data ]
}

@test "tmpfs: the size limit is enforced" {
    add_mount /scratch tmpfs tmpfs '["size=1m"]'
    run_sh 'dd if=/dev/zero of=/scratch/big bs=1k count=2048'
    [ "$status" -ne 0 ]
    [[ "$output" == *"No space left"* ]]
}

@test "propagation rprivate: a host mount made after start is not seen" {
    mkdir -p "$TESTDIR/vol/sub"
    add_mount /vol bind "$TESTDIR/vol" '["rbind","rprivate"]'
    update_config '.process.args = ["sh", "-c", "while [ ! -e /vol/go ]; do sleep 0.1; done; grep -c \" /vol/sub \" /proc/self/mountinfo; cat /proc/self/mountinfo"]'
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    rt_bg start "$ID"
    mount -t tmpfs aisbx-it-prop "$TESTDIR/vol/sub"
    touch "$TESTDIR/vol/go"
    wait_for_status "$ID" stopped
    [ "$(head -1 "$TESTDIR/ctr.out")" = 0 ]
    # no shared:/master: tag on /vol
    local line
    line=$(awk '$5 == "/vol"' "$TESTDIR/ctr.out")
    [ -n "$line" ]
    [[ "$line" != *shared:* ]] && [[ "$line" != *master:* ]]
}

@test "propagation rslave: a host mount made after start is seen (runc semantics)" {
    [ "$AISBX_IT_RUNTIME" != aisbx ] || skip "aisbx forces rprivate binds (see the overlay test)"
    mkdir -p "$TESTDIR/vol/sub"
    mount --bind "$TESTDIR/vol" "$TESTDIR/vol"
    mount --make-rshared "$TESTDIR/vol"
    add_mount /vol bind "$TESTDIR/vol" '["rbind","rslave"]'
    update_config '.process.args = ["sh", "-c", "while [ ! -e /vol/go ]; do sleep 0.1; done; sleep 0.2; grep -c \" /vol/sub \" /proc/self/mountinfo"]'
    rt_bg create --bundle "$BUNDLE" "$ID"
    rt_bg start "$ID"
    mount -t tmpfs aisbx-it-prop "$TESTDIR/vol/sub"
    touch "$TESTDIR/vol/go"
    wait_for_status "$ID" stopped
    [ "$(head -1 "$TESTDIR/ctr.out")" = 1 ]
}

@test "propagation: rslave/rshared binds are forced rprivate (overlay)" {
    requires_aisbx "binds are rprivate"
    mkdir -p "$TESTDIR/vol/sub"
    mount --bind "$TESTDIR/vol" "$TESTDIR/vol"
    mount --make-rshared "$TESTDIR/vol"
    add_mount /vol bind "$TESTDIR/vol" '["rbind","rshared"]'
    add_tmp
    update_config '.process.args = ["sh", "-c", "while [ ! -e /vol/go ]; do sleep 0.1; done; sleep 0.2; grep -c \" /vol/sub \" /proc/self/mountinfo; awk \"\\$5 == \\\"/vol\\\"\" /proc/self/mountinfo"]'
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    rt_bg start "$ID"
    mount -t tmpfs aisbx-it-prop "$TESTDIR/vol/sub"
    touch "$TESTDIR/vol/go"
    wait_for_status "$ID" stopped
    [ "$(head -1 "$TESTDIR/ctr.out")" = 0 ]
    [[ "$(sed -n 2p "$TESTDIR/ctr.out")" != *shared:* ]]
}

@test "binds get nosuid and nodev (overlay)" {
    requires_aisbx "nosuid,nodev forced"
    add_mount /vol bind "$TESTDIR/vol" '["rbind","rw","suid","dev"]'
    run_sh 'grep " /vol " /proc/self/mounts'
    [ "$status" -eq 0 ]
    [[ "$output" == *nosuid* ]]
    [[ "$output" == *nodev* ]]
}

@test "binds of host system dirs are forced read-only (overlay)" {
    requires_aisbx "binds of /etc forced ro"
    add_mount /hostetc bind /etc '["rbind","rw"]'
    run_sh 'grep " /hostetc " /proc/self/mounts | cut -d" " -f4 | cut -d, -f1'
    [ "$status" -eq 0 ]
    [ "$output" = ro ]
}

@test "a bind of the host root is dropped (overlay)" {
    requires_aisbx "bind of / dropped"
    add_mount /host bind / '["rbind","rw"]'
    run_sh 'ls /host/etc/hostname 2>&1; grep -c " /host " /proc/self/mounts'
    [ "${lines[-1]}" = 0 ]
}

@test "a mount target symlink cannot escape the rootfs" {
    ln -s "$TESTDIR/escape" "$BUNDLE/rootfs/link"
    mkdir "$TESTDIR/escape"
    add_mount /link tmpfs tmpfs '["size=1m"]'
    run_sh 'grep -c " /link " /proc/self/mounts || true'
    # whatever the runtime does, the host dir the symlink names must not be mounted on
    [ -z "$(awk -v d="$TESTDIR/escape" '$5 == d' /proc/self/mountinfo)" ]
}

# Issue 10 item 8: options that undo a forced flag are removed from every
# mount, not only from rbinds; comma-joined elements are judged one by one.
@test "rrw on the sysfs and cgroup mounts does not make them writable (overlay)" {
    requires_aisbx "rrw removed from every mount"
    update_config '(.mounts[] | select(.destination == "/sys" or .destination == "/sys/fs/cgroup") | .options) += ["rrw", "rw,rdev", "rsuid"]'
    run_sh 'awk "\$5 == \"/sys\" || \$5 == \"/sys/fs/cgroup\" { print \$5, \$6 }" /proc/self/mountinfo; mkdir /sys/fs/aisbx-it 2>&1; mkdir /sys/fs/cgroup/aisbx-it 2>&1; true'
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "/sys ro,"* ]]
    [[ "${lines[1]}" == "/sys/fs/cgroup ro,"* ]]
    [[ "${lines[2]}" == *"Read-only file system"* ]]
    [[ "${lines[3]}" == *"Read-only file system"* ]]
}

@test "a comma-joined size=1k,size=100g tmpfs is capped at the policy's tmpfs max (overlay)" {
    requires_aisbx "options split on commas, tmpfs capped"
    add_mount /big tmpfs tmpfs '["nosuid,size=1k,size=100g"]'
    run_sh 'df -k /big | awk "NR == 2 { print \$2 }"; grep " /big " /proc/self/mounts'
    [ "$status" -eq 0 ]
    # the default tmpfs_max is 64 MiB
    [ "${lines[0]}" -le 65536 ]
    [[ "${lines[1]}" == *size=65536k* ]]
}

@test "rrw on a non-recursive bind of a system tree does not undo the forced ro (overlay)" {
    requires_aisbx "binds of /run forced ro, rrw removed"
    local d=/run/aisbx-it-rrw-$ID
    mkdir -p "$d"
    add_mount /sysdir bind "$d" '["bind","rrw","rsuid"]'
    run_sh 'touch /sysdir/x 2>&1; grep " /sysdir " /proc/self/mounts | cut -d" " -f4'
    local wrote=no
    [ -e "$d/x" ] && wrote=yes
    rm -rf "$d"
    [ "$wrote" = no ]
    [[ "${lines[0]}" == *"Read-only file system"* ]]
    [[ "${lines[1]}" == ro,nosuid* ]]
}

@test "a bind option on a non-bind type is judged as the bind it is (overlay)" {
    requires_aisbx "bind judged whatever the type"
    add_mount /host tmpfs / '["rbind"]'
    add_mount /host2 none / '["nosuid,rbind"]'
    run_sh 'grep -c " /host" /proc/self/mounts; ls /host/etc/hostname /host2/etc/hostname 2>&1 | grep -vc "No such"'
    [ "${lines[0]}" = 0 ]
    [ "${lines[1]}" = 0 ]
}

# Issue 10 item 9: a bind whose tree holds a root-owned unix socket is dropped
# (read-only would not stop connect(2)); a dir without sockets is kept.
@test "a bind of a dir holding a root-owned unix socket is removed (overlay)" {
    requires_aisbx "binds holding control sockets dropped"
    mkdir -p "$TESTDIR/sockdir/sub"
    python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$TESTDIR/sockdir/sub/s.sock"
    add_mount /sockdir bind "$TESTDIR/sockdir" '["rbind","ro"]'
    add_mount /vol bind "$TESTDIR/vol" '["rbind","ro"]'
    update_config '.process.args = ["sh", "-c", "ls /sockdir/sub 2>&1; grep -c \" /sockdir \" /proc/self/mounts; cat /vol/hostfile"]'
    run aisbx --log "$TESTDIR/log" run --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == *"No such file"* ]]
    [ "${lines[1]}" = 0 ]
    [ "${lines[2]}" = from-host ]
    grep -q "holds a control socket" "$TESTDIR/log"
}
