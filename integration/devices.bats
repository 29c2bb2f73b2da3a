#!/usr/bin/env bats
# /dev inside the container (issue 10, items 3, 4, 6, 7): the standard nodes
# are the container's own (never writable binds of the host's), image device
# nodes are dead (nodev root), the console 5:1 is not in the device cgroup,
# every devpts has a small max=, and /dev is read-only and noexec once set up.
# testdata/devtest.c (built static once per run) is copied into the rootfs.
# No test changes a host device node: a chmod inside runs only once the node is
# known not to be a bind, and the host's /dev/full is compared before/after.

load helpers

DEVTEST_BIN=$AISBX_IT_BASE/devtest

setup_file() {
    mkdir -p "$AISBX_IT_BASE"
    (
        flock 9
        if [ ! -x "$DEVTEST_BIN" ]; then
            cc -static -O2 -Wall -Wextra -Werror -o "$DEVTEST_BIN.tmp" "$INTEGRATION_ROOT/testdata/devtest.c" &&
                mv "$DEVTEST_BIN.tmp" "$DEVTEST_BIN"
        fi
    ) 9>"$AISBX_IT_BASE/.devtest.lock"
    [ -x "$DEVTEST_BIN" ]
}

setup() {
    requires_aisbx
    setup_bundle
    cp "$DEVTEST_BIN" "$BUNDLE/rootfs/devtest"
    chmod 755 "$BUNDLE/rootfs/devtest"
    HOST_FULL=$(stat -c '%a %u:%g %t:%T' /dev/full)
}

teardown() {
    teardown_bundle
    # Belt and braces: never leave the host's node changed, but fail loudly.
    local now
    now=$(stat -c '%a %u:%g %t:%T' /dev/full)
    if [ "$now" != "$HOST_FULL" ]; then
        chmod 0666 /dev/full
        chown 0:0 /dev/full
        echo "# HOST /dev/full changed: '$HOST_FULL' -> '$now' (restored)" >&2
        return 1
    fi
}

show() {
    echo "# exit $status; output:" >&2
    echo "$output" | sed 's/^/#   /' >&2
}

@test "devices: /dev/full is the container's own node; chmod/chown inside leave the host's alone" {
    # Only chmod once /dev/full is known to live on the /dev tmpfs: a bind of
    # the host's node (old behaviour) would carry the chmod to the host.
    run_sh 'if [ "$(stat -c %d /dev/full)" != "$(stat -c %d /dev)" ]; then
                echo "BIND $(grep " /dev/full " /proc/self/mountinfo)"; exit 1; fi
            grep -c " /dev/\(null\|zero\|full\|random\|urandom\|tty\) " /proc/self/mountinfo
            chmod 0600 /dev/full && echo chmod-ok
            chown 1:1 /dev/full && echo chown-ok
            stat -c "%a %u:%g %t:%T" /dev/full'
    show
    [ "$status" -eq 0 ]
    # none of the standard nodes is a mount of its own
    [ "${lines[0]}" = 0 ]
    [ "$(stat -c '%a %u:%g %t:%T' /dev/full)" = "$HOST_FULL" ]
}

@test "devices: in a user namespace the host node is bound read-only (chmod: EROFS)" {
    update_config '.linux.namespaces += [{"type": "user"}]
        | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
        | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
    # mknod is impossible in a config-asked user namespace: the host's node
    # is bound, and the bind must be read-only (a mapping of host root, the
    # case where a rw bind would let chmod through, is refused: userns.bats).
    # The mapped root must reach the bundle, as under runc.
    chmod 711 "$AISBX_IT_BASE" "$TESTDIR"
    run_sh 'grep " /dev/full " /proc/self/mountinfo | cut -d" " -f6
            if grep " /dev/full " /proc/self/mountinfo | cut -d" " -f6 | grep -q "^ro"; then
                chmod 0600 /dev/full 2>&1; chown 1:1 /dev/full 2>&1; fi
            echo x >/dev/full; echo "write rc=$?"; head -c 4 /dev/zero | wc -c'
    show
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == ro,* ]]
    [[ "$output" == *"Read-only file system"* ]]
    [[ "$output" == *"write rc=1"* ]] # ENOSPC from /dev/full: the node works
    [ "${lines[-1]}" = 4 ]
    [ "$(stat -c '%a %u:%g %t:%T' /dev/full)" = "$HOST_FULL" ]
}

@test "devices: image device nodes are dead (nodev root); c 5:1 is not in the device cgroup" {
    mknod "$BUNDLE/rootfs/evil-null" c 1 3
    mknod "$BUNDLE/rootfs/evil-console" c 5 1
    # The console node is opened only when the root is nodev (then it cannot
    # reach the host's console whatever the device cgroup says).
    run_sh 'r=$(/devtest open /evil-null); echo "null: $r"
            grep -q " / [^ ]*nodev" /proc/self/mountinfo && echo "console: $(/devtest open /evil-console)"
            /devtest open /dev/null'
    show
    [[ "$output" == *"null: ERR EACCES"* ]]
    [[ "$output" == *"console: ERR EACCES"* ]]
    [ "${lines[-1]}" = OPEN ]
    # and the device cgroup has no rule for 5:1 (v1: devices.list)
    if ! cgroup_v2; then
        set_long_running
        start_ctr
        run cat "$(cgroup_file devices devices.list)"
        show
        [ "$status" -eq 0 ]
        [[ "$output" != *"c 5:1 "* ]]
        [[ "$output" == *"c 1:3 rw"* ]]
    fi
}

@test "devices: a config without a /dev mount gets a tmpfs /dev" {
    update_config 'del(.mounts[] | select(.destination == "/dev"))'
    run_sh 'grep " /dev " /proc/self/mountinfo | cut -d" " -f5,9; /devtest open /dev/null'
    show
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "/dev tmpfs" ]
    [ "${lines[1]}" = OPEN ]
    run aisbx check --bundle "$BUNDLE"
    [[ "$output" == *"mounts[/dev]"* ]]
}

@test "devices: devpts has max= (ENOSPC past it); another container still gets a pty" {
    update_config '(.mounts[] | select(.type == "devpts") | .options) += ["max=4096"]
        | .process.args = ["/devtest", "ptys", "300", "hold"]'
    start_ctr
    wait_for grep -q '^ERR\|^opened' "$TESTDIR/ctr.out"
    sleep 0.2
    cat "$TESTDIR/ctr.out" | sed 's/^/#   /' >&2
    grep -qx 'opened 64' "$TESTDIR/ctr.out"
    grep -qx 'ERR ENOSPC' "$TESTDIR/ctr.out"
    grep -q ' /dev/pts .*max=64' "/proc/$(ctr_pid)/mountinfo"
    # while the first one holds its 64, a second container opens one
    update_config '.linux.cgroupsPath = $cg | .process.args = ["/devtest", "ptys", "1"]' --arg cg "$CGPATH-b"
    run aisbx run --bundle "$BUNDLE" "$ID-b" </dev/null
    show
    [ "$status" -eq 0 ]
    [ "$output" = "opened 1" ]
}

@test "devices: /dev is read-only and noexec; null, shm and ptys still work" {
    run_sh 'grep " /dev " /proc/self/mountinfo | cut -d" " -f6
            cp /bin/busybox /dev/x 2>/dev/null && echo cp-ok || echo cp-refused
            mv /dev/ptmx /dev/ptmx2 2>/dev/null && echo mv-ok || echo mv-refused
            rm -f /dev/null 2>/dev/null && echo rm-ok || echo rm-refused
            echo x >/dev/null && echo null-ok
            echo x >/dev/shm/f && cat /dev/shm/f
            /devtest ptys 2'
    show
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == ro,* ]]
    [[ "${lines[0]}" == *noexec* ]]
    [ "${lines[1]}" = cp-refused ]
    [ "${lines[2]}" = mv-refused ]
    [ "${lines[3]}" = rm-refused ]
    [ "${lines[4]}" = null-ok ]
    [ "${lines[5]}" = x ]
    [ "${lines[6]}" = "opened 2" ]
}

@test "devices: a terminal container gets /dev/console (the pty) on the read-only /dev" {
    update_config '.process.terminal = true | .process.args = ["sh", "-c", "tty; stat -c %t /dev/console; grep \" /dev \" /proc/self/mountinfo | cut -d\" \" -f6; echo console-ok"]'
    start_recvtty
    rt_bg run -d --console-socket "$CONSOLE_SOCKET" --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    wait_for grep -q console-ok "$TESTDIR/tty.out"
    sed 's/^/#   /' "$TESTDIR/tty.out" >&2
    # 0x88 = 136, a pty slave: the runtime's pty, not the host's 5:1
    grep -q '^88' "$TESTDIR/tty.out"
    grep -q '^ro,' "$TESTDIR/tty.out"
}
