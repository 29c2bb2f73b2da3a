#!/usr/bin/env bats
# What the hardening overlay changes in what a container sees (aisbx only; under
# runc these configs give the opposite result). See docs/shared overlay.md.

load helpers

# A config that asks for everything unsafe: rw root, no nnp, no seccomp, host
# namespaces, all capabilities. aisbx must still run it, with the floor applied.
make_hostile() {
    local all
    all=$(jq -nc '["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_KILL","CAP_SETGID","CAP_SETUID","CAP_SYS_ADMIN","CAP_SYS_PTRACE","CAP_NET_ADMIN","CAP_NET_RAW","CAP_MKNOD","CAP_SYS_MODULE","CAP_SYS_RAWIO"]')
    update_config '.root.readonly = false | .process.noNewPrivileges = false | del(.linux.seccomp)
        | .linux.namespaces = [{"type": "mount"}]
        | .linux.maskedPaths = [] | .linux.readonlyPaths = []
        | .process.capabilities = {"bounding": $c, "effective": $c, "permitted": $c, "inheritable": $c, "ambient": $c}
        | del(.linux.resources)' --argjson c "$all"
}

@test "overlay: the root is read-only even when the config says rw" {
    requires_aisbx
    update_config '.root.readonly = false'
    run_sh 'touch /x'
    [ "$status" -ne 0 ]
    [[ "$output" == *"Read-only file system"* ]]
    [ ! -e "$BUNDLE/rootfs/x" ]
}

@test "overlay: no network, only lo, even without a network namespace in the config" {
    requires_aisbx
    update_config '.linux.namespaces |= map(select(.type != "network"))'
    run_sh 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "; readlink /proc/self/ns/net'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = lo ]
    [ "${#lines[@]}" -eq 2 ]
    [ "${lines[1]}" != "$(host_ns net)" ]
}

@test "overlay: lo is up (localhost works)" {
    requires_aisbx
    run_sh 'grep -q "^lo " /proc/net/route 2>/dev/null; cat /sys/class/net/lo/flags 2>/dev/null || ip link show lo'
    [ "$status" -eq 0 ]
    [[ "$output" == *UP* ]] || [ $(( $(echo "$output" | tail -1) & 1 )) -eq 1 ]
}

@test "overlay: NoNewPrivs 1 and Seccomp 2 even when the config says otherwise" {
    requires_aisbx
    update_config '.process.noNewPrivileges = false | del(.linux.seccomp)'
    run_sh 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status'
    [ "$status" -eq 0 ]
    echo "$output" | grep -qE '^NoNewPrivs:[[:space:]]+1$'
    echo "$output" | grep -qE '^Seccomp:[[:space:]]+2$'
}

@test "overlay: a tmpfs /tmp is added when nothing is mounted there" {
    requires_aisbx
    run_sh 'grep " /tmp " /proc/self/mounts; echo x > /tmp/f && cat /tmp/f'
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "tmpfs /tmp tmpfs "* ]]
    [[ "${lines[0]}" == *nosuid* ]] && [[ "${lines[0]}" == *nodev* ]]
    [ "${lines[1]}" = x ]
}

@test "overlay: tmpfs mounts get a size cap" {
    requires_aisbx
    add_mount /scratch tmpfs tmpfs '[]'
    run_sh 'df -k /scratch | tail -1 | awk "{ print \$2 }"'
    [ "$status" -eq 0 ]
    [ "$output" -le 65536 ]
}

@test "overlay: only the standard device nodes" {
    requires_aisbx
    update_config '.linux.devices = [{"path": "/dev/vda", "type": "b", "major": 253, "minor": 0, "fileMode": 432}]'
    run_sh 'ls /dev; [ -e /dev/vda ] && echo HAS-VDA; true'
    [ "$status" -eq 0 ]
    [[ "$output" != *HAS-VDA* ]]
    [[ "$output" == *null* ]] && [[ "$output" == *urandom* ]]
}

@test "overlay: mknod is denied" {
    requires_aisbx
    add_tmp
    run_sh 'mknod /tmp/null c 1 3'
    [ "$status" -ne 0 ]
}

@test "overlay: oom_score_adj is never below 0" {
    requires_aisbx
    update_config '.process.oomScoreAdj = -500'
    run_sh 'cat /proc/self/oom_score_adj'
    # refusing is not expected (rewrite, not refuse); the value is clamped
    [ "$status" -eq 0 ]
    [ "$output" -ge 0 ]
}

@test "overlay: a hostile config still runs, with the whole floor" {
    requires_aisbx
    make_hostile
    update_config '.process.args = ["sh", "-c", "grep -E \"^(NoNewPrivs|Seccomp|CapEff|CapBnd|CapAmb):\" /proc/self/status; touch /x 2>/dev/null && echo ROOT-RW; tail -n +3 /proc/net/dev | wc -l; wc -c < /proc/keys; cat /proc/self/cgroup"]'
    rt_bg create --bundle "$BUNDLE" --pid-file "$TESTDIR/pid" "$ID"
    [ "$status" -eq 0 ]
    local pid
    pid=$(cat "$TESTDIR/pid")
    local t
    for t in pid net ipc uts mnt cgroup; do
        [ "$(readlink "/proc/$pid/ns/$t")" != "$(host_ns $t)" ] || { echo "$t ns is the host's" >&2; false; }
    done
    [ "$(cat "$(cgroup_file pids pids.max)")" -le 256 ]
    rt_bg start "$ID"
    [ "$status" -eq 0 ]
    wait_for_status "$ID" stopped
    cat "$TESTDIR/ctr.out" >&2
    grep -qE '^NoNewPrivs:[[:space:]]+1$' "$TESTDIR/ctr.out"
    grep -qE '^Seccomp:[[:space:]]+2$' "$TESTDIR/ctr.out"
    grep -qE '^CapEff:[[:space:]]+0+$' "$TESTDIR/ctr.out"
    grep -qE '^CapAmb:[[:space:]]+0+$' "$TESTDIR/ctr.out"
    ! grep -q ROOT-RW "$TESTDIR/ctr.out"
    # /proc/net/dev: only lo; /proc/keys masked
    grep -qxE '1' "$TESTDIR/ctr.out"
    grep -qxE '0' "$TESTDIR/ctr.out"
}

@test "overlay: the container cannot reach the runtime binary" {
    requires_aisbx
    run_sh 'ls -l /proc/self/exe >/dev/null; for p in /proc/[0-9]*/exe; do readlink $p; done | sort -u'
    [ "$status" -eq 0 ]
    [[ "$output" != *aisbx* ]]
}

@test "overlay: a #!/proc/self/exe program cannot run or reach the host runtime binary" {
    requires_aisbx
    # CVE-2019-5736: at the init's execve, /proc/self/exe names whatever the
    # init runs. With the host binary, this would print "aisbx version" (and
    # the binary could then be rewritten from inside). aisbx execs through a
    # sealed in-memory stub, so the interpreter is the stub, never aisbx.
    # Give the rootfs what a glibc image has, so the host binary could start.
    local lib
    for lib in $(ldd "$AISBX_BIN" | grep -oE '/[^ ]+'); do
        mkdir -p "$BUNDLE/rootfs$(dirname "$lib")"
        cp -L "$lib" "$BUNDLE/rootfs$lib"
    done
    printf '#!/proc/self/exe --version\n' >"$BUNDLE/rootfs/bin/evil"
    chmod 755 "$BUNDLE/rootfs/bin/evil"
    local before
    before=$(sha256sum "$AISBX_BIN" | cut -d' ' -f1)
    update_config '.process.args = ["/bin/evil"]'
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -ne 0 ]
    [[ "$output" != *"aisbx version"* ]]
    [ "$(sha256sum "$AISBX_BIN" | cut -d' ' -f1)" = "$before" ]
    # exec takes the same path
    set_long_running
    start_ctr
    run aisbx exec "$ID" /bin/evil
    [ "$status" -ne 0 ]
    [[ "$output" != *"aisbx version"* ]]
}

@test "overlay: socket families outside the allowlist fail (AF_PACKET via ip)" {
    requires_aisbx
    run_sh 'nc -h >/dev/null 2>&1; ping -c1 -W1 127.0.0.1 2>&1; echo rc=$?'
    # raw sockets need NET_RAW (dropped) and ping sockets may be off: either way no success
    [[ "$output" == *"rc=1"* ]] || [[ "$output" != *"rc=0"* ]]
}

@test "overlay: unshare and mount are denied inside" {
    requires_aisbx
    run_sh 'unshare -r true 2>&1; echo "unshare=$?"; mount -t tmpfs x /mnt 2>&1; echo "mount=$?"'
    [[ "$output" == *"unshare=1"* ]]
    [[ "$output" == *"mount=1"* ]] || [[ "$output" == *"mount=255"* ]]
}

@test "overlay: a cwd of /proc/self/fd/N never starts the process outside the root (CVE-2024-21626)" {
    requires_aisbx
    # An image can set its working directory to /proc/self/fd/N; if that
    # follows a runtime fd to a host directory, the program would start there.
    local n
    for n in $(seq 3 12); do
        update_config '.process.cwd = $c | .process.args = ["sh", "-c", "pwd; ls"]' \
            --arg c "/proc/self/fd/$n"
        run aisbx run --bundle "$BUNDLE" "$ID-$n" </dev/null
        if [ "$status" -eq 0 ]; then
            [[ "${lines[0]}" == /* ]]
            [[ "$output" != *unreachable* ]]
            [[ "$output" != *state.json* ]]
        else
            [[ "$output" == *cwd* ]]
        fi
    done
    # exec takes the same path
    update_config '.process.cwd = "/"'
    set_long_running
    start_ctr
    for n in $(seq 3 12); do
        run aisbx exec --cwd "/proc/self/fd/$n" "$ID" sh -c 'pwd; ls'
        if [ "$status" -eq 0 ]; then
            [[ "${lines[0]}" == /* ]]
            [[ "$output" != *unreachable* ]]
            [[ "$output" != *state.json* ]]
        fi
    done
}

# Issue 10 item 12: a rootfs without /tmp that cannot get one still runs
# (runc and crun run it); the overlay skips its /tmp and logs why.
@test "overlay: a read-only rootfs without /tmp runs; /tmp is skipped and logged" {
    requires_aisbx "/tmp skipped when it cannot be created"
    rmdir "$BUNDLE/rootfs/tmp"
    mount --bind "$BUNDLE/rootfs" "$BUNDLE/rootfs"
    mount -o remount,bind,ro "$BUNDLE/rootfs"
    update_config '.process.args = ["sh", "-c", "grep -c \" /tmp \" /proc/self/mounts; echo ran"]'
    run aisbx --log "$TESTDIR/log" run --bundle "$BUNDLE" "$ID" </dev/null
    umount "$BUNDLE/rootfs"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 0 ]
    [ "${lines[1]}" = ran ]
    grep -q "skipped: rootfs has no /tmp and it cannot be created" "$TESTDIR/log"
    [ ! -e "$BUNDLE/rootfs/tmp" ]
}

@test "overlay: a writable rootfs without /tmp still gets the /tmp tmpfs" {
    requires_aisbx "/tmp tmpfs added"
    rmdir "$BUNDLE/rootfs/tmp"
    run_sh 'grep " /tmp " /proc/self/mounts; touch /tmp/x && echo wrote'
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "tmpfs /tmp tmpfs "*nosuid*nodev*noexec* ]]
    [ "${lines[1]}" = wrote ]
}

@test "overlay: a rootfs without /tmp runs in a user namespace whose root cannot create it (runtime-tools linux_ns_nopath)" {
    requires_aisbx "/tmp skip"
    rmdir "$BUNDLE/rootfs/tmp"
    chmod 755 "$(dirname "$TESTDIR")" "$TESTDIR" "$BUNDLE" "$BUNDLE/rootfs"
    update_config '.linux.namespaces += [{"type": "user"}]
        | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
        | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
    run_sh 'id -u; grep -c " /tmp " /proc/self/mounts || true'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 0 ]
    [ "${lines[1]}" = 0 ]
    [ ! -e "$BUNDLE/rootfs/tmp" ]
}
