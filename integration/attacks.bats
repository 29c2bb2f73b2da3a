#!/usr/bin/env bats
# Attacks on the hardening overlay (docs: /work/shared/design/overlay.md).
# testdata/attack.c, built static once per run, is copied into each test's
# busybox rootfs as /attack; every subcommand makes one escape attempt and
# prints `BLOCKED <errno-name>` or `ALLOWED`. Each test runs one container with
# a batch of attempts (to keep the file fast) and asserts every line, and where
# an attack could touch the host, that the host is unchanged. overlay.bats
# covers what the overlay rewrites in the config; this file covers what the
# process inside can and cannot do. aisbx only: runc would allow most of these.

load helpers

ATTACK_BIN=$AISBX_IT_BASE/attack

setup_file() {
    [ "$(attack_bin)" = "$ATTACK_BIN" ]
}

setup() {
    requires_aisbx
    setup_bundle
    cp "$ATTACK_BIN" "$BUNDLE/rootfs/attack"
    chmod 755 "$BUNDLE/rootfs/attack"
}

# --- helpers -----------------------------------------------------------------

# run_attacks "SUBCMD ARGS" ...: one container runs `/attack SUBCMD ARGS` for
# each argument and prints `SUBCMD ARGS: RESULT` lines; sets status/output.
run_attacks() {
    local a script=''
    for a in "$@"; do
        script+="r=\$(/attack $a 2>/dev/null); echo \"$a: \$r\""$'\n'
    done
    update_config '.process.args = ["sh", "-c", $s]' --arg s "$script"
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    echo "# exit $status; output:" >&2
    echo "$output" | sed 's/^/#   /' >&2
}

# result_of "SUBCMD ARGS": the result part of that attack's line.
result_of() {
    local line
    while IFS= read -r line; do
        if [ "${line%%: *}" = "$1" ]; then
            echo "${line#*: }"
            return 0
        fi
    done <<<"$output"
    echo "<no line for '$1'>"
}

# expect "SUBCMD ARGS" "EXPECTED": the line is EXPECTED or starts with "EXPECTED ".
expect() {
    local got
    got=$(result_of "$1")
    if [ "$got" = "$2" ] || [[ "$got" == "$2 "* ]]; then
        return 0
    fi
    echo "ATTACK '$1': expected '$2', got '$got'" >&2
    return 1
}

# expect_all "EXPECTED" "SUBCMD ARGS"...: every listed attack has that result.
expect_all() {
    local want=$1 a rc=0
    shift
    for a in "$@"; do expect "$a" "$want" || rc=1; done
    return $rc
}

# Host facts an escape would change. Mounts and interfaces of other concurrent
# work (under /tmp, veth pairs, bridges) are left out so that the comparison
# only flags what a container could have done.
host_mounts() { awk '$5 !~ "^/tmp/" { print $5, $4, $9 }' /proc/1/mountinfo | sort; }
host_links() { ls /sys/class/net | grep -vE '^(veth|aisbx|br-|docker|cni|vm)' | sort; }
snapshot_host() {
    HOST_HOSTNAME=$(hostname)
    HOST_DOMAIN=$(cat /proc/sys/kernel/domainname)
    HOST_MOUNTS=$(host_mounts)
    HOST_LINKS=$(host_links)
    HOST_CORE_PATTERN=$(cat /proc/sys/kernel/core_pattern)
}
host_unchanged() {
    [ "$(hostname)" = "$HOST_HOSTNAME" ] || { echo "host hostname changed: $(hostname)" >&2; return 1; }
    [ "$(cat /proc/sys/kernel/domainname)" = "$HOST_DOMAIN" ] || { echo "host domainname changed" >&2; return 1; }
    [ "$(host_mounts)" = "$HOST_MOUNTS" ] || {
        echo "host mounts changed:" >&2
        diff <(echo "$HOST_MOUNTS") <(host_mounts) >&2
        return 1
    }
    [ "$(host_links)" = "$HOST_LINKS" ] || { echo "host interfaces changed: $(host_links)" >&2; return 1; }
    [ "$(cat /proc/sys/kernel/core_pattern)" = "$HOST_CORE_PATTERN" ] || { echo "core_pattern changed" >&2; return 1; }
}

# --- sockets -----------------------------------------------------------------

@test "attack: socket families outside the allowlist fail with EPERM" {
    run_attacks "socket packet" "socket packet-dgram" "socket inet-packet" "socket inet-raw" \
        "socket inet-raw-cloexec" "socket inet6-raw" "socket vsock" "socket alg" "socket bluetooth" \
        "socket key" "socket xdp" "socket tipc" "socket rds" "socket can" "socket appletalk" \
        "socket x25" "socket mctp" "socket netlink-audit" "socket netlink-uevent" \
        "socket netlink-netfilter" "socket netlink-xfrm" "socket netlink-generic" \
        "socket netlink-sockdiag" "socketpair packet" "socketpair vsock" "socketpair alg" \
        "socket netlink-route" "socket unix" "socket inet-tcp" "socket inet-udp" "socket inet6-tcp"
    [ "$status" -eq 0 ]
    expect_all "BLOCKED EPERM" "socket packet" "socket packet-dgram" "socket inet-packet" \
        "socket inet-raw" "socket inet-raw-cloexec" "socket inet6-raw" "socket vsock" "socket alg" \
        "socket bluetooth" "socket key" "socket xdp" "socket tipc" "socket rds" "socket can" \
        "socket appletalk" "socket x25" "socket mctp" "socket netlink-audit" "socket netlink-uevent" \
        "socket netlink-netfilter" "socket netlink-xfrm" "socket netlink-generic" \
        "socket netlink-sockdiag" "socketpair packet" "socketpair vsock" "socketpair alg"
    # what stays allowed: routing netlink (ip, getifaddrs), unix, TCP/UDP
    expect_all ALLOWED "socket netlink-route" "socket unix" "socket inet-tcp" "socket inet-udp"
    # IPv6 may be disabled on the host: then EAFNOSUPPORT comes from the kernel, not EPERM
    [[ "$(result_of "socket inet6-tcp")" == ALLOWED || "$(result_of "socket inet6-tcp")" == "BLOCKED EAFNOSUPPORT" ]]
}

@test "attack: high bits in 64-bit registers cannot smuggle a blocked value past the filter" {
    run_attacks "socket packet-hi" "socket vsock-hi" "socket netlink-audit-hi" "socket inet-raw-hi" \
        "clone user hi" "clone net hi" "clone ns hi" "personality addr-no-randomize hi" \
        "personality read-implies-exec hi" "personality addr-no-randomize" "tiocsti hi" \
        "personality query" "personality query hi"
    [ "$status" -eq 0 ]
    expect_all "BLOCKED EPERM" "socket packet-hi" "socket vsock-hi" "socket netlink-audit-hi" \
        "socket inet-raw-hi" "clone user hi" "clone net hi" "clone ns hi" \
        "personality addr-no-randomize hi" "personality read-implies-exec hi" \
        "personality addr-no-randomize" "tiocsti hi"
    # the query value (0xffffffff) stays allowed, with or without high bits
    expect_all ALLOWED "personality query" "personality query hi"
}

@test "attack: no TCP connection to a listener on the host's 127.0.0.1; host netns unchanged" {
    snapshot_host
    "$ATTACK_BIN" listen-host "$TESTDIR/port" "$TESTDIR/accepted" </dev/null >/dev/null 2>&1 3>&- &
    echo $! >>"$TESTDIR/bg.pids"
    wait_for test -s "$TESTDIR/port"
    local port
    port=$(cat "$TESTDIR/port")
    # the listener works from the host (validates the test itself)
    run "$ATTACK_BIN" connect 127.0.0.1 "$port"
    [ "$output" = ALLOWED ]
    wait_for test -s "$TESTDIR/accepted"
    rm -f "$TESTDIR/accepted"
    run_attacks "connect 127.0.0.1 $port" "connect 127.0.0.2 $port" "localhost"
    [ "$status" -eq 0 ]
    # the container's lo is its own: nothing listens there
    expect "connect 127.0.0.1 $port" "BLOCKED ECONNREFUSED"
    expect "connect 127.0.0.2 $port" "BLOCKED ECONNREFUSED"
    expect localhost ALLOWED
    [ ! -e "$TESTDIR/accepted" ]
    host_unchanged
}

# --- namespaces, processes -----------------------------------------------------

@test "attack: unshare, clone with CLONE_NEW*, setns, clone3 are refused" {
    snapshot_host
    local ns a=()
    for ns in user net ns pid ipc uts cgroup time; do a+=("unshare $ns" "clone $ns"); done
    run_attacks "${a[@]}" "setns /proc/1/ns/net" "setns /proc/1/ns/mnt" "setns /proc/1/ns/pid" \
        "setns /proc/self/ns/user" "clone3" "io-uring" "io-setup"
    [ "$status" -eq 0 ]
    expect_all "BLOCKED EPERM" "${a[@]}" "setns /proc/1/ns/net" "setns /proc/1/ns/mnt" \
        "setns /proc/1/ns/pid" "setns /proc/self/ns/user"
    # clone3 and io_uring/aio: ENOSYS (so libc and runtimes fall back)
    expect_all "BLOCKED ENOSYS" clone3 io-uring io-setup
    host_unchanged
}

@test "attack: x32 and i386 syscalls kill the process; unknown syscalls are ENOSYS" {
    # what the host kernel does without a filter (IA32 emulation may be off: then
    # int 0x80 faults before any syscall is made)
    local host_int80
    host_int80=$("$ATTACK_BIN" int80 2>/dev/null)
    run_attacks x32 int80 int80-mount unknown-syscall
    [ "$status" -eq 0 ]
    expect x32 "BLOCKED SIGSYS"
    expect unknown-syscall "BLOCKED ENOSYS"
    local x
    for x in int80 int80-mount; do
        if [ "$host_int80" = "BLOCKED Segmentation fault" ]; then
            [[ "$(result_of $x)" == "BLOCKED SIGSYS" || "$(result_of $x)" == "BLOCKED Segmentation fault" ]]
        else
            expect "$x" "BLOCKED SIGSYS"
        fi
    done
}

@test "attack: ptrace and cross-process memory access are refused" {
    run_attacks ptrace-attach ptrace-child ptrace-traceme process-vm-readv
    [ "$status" -eq 0 ]
    expect_all "BLOCKED EPERM" ptrace-attach ptrace-child ptrace-traceme process-vm-readv
}

@test "attack: mount, umount, chroot, pivot_root and the new mount API are refused; host mounts unchanged" {
    snapshot_host
    run_attacks mount remount-root "umount /proc/kcore" "umount /sys" "umount /" chroot pivot-root \
        fsopen fspick open-tree move-mount mount-setattr
    [ "$status" -eq 0 ]
    expect_all "BLOCKED EPERM" mount remount-root "umount /proc/kcore" "umount /sys" "umount /" \
        chroot pivot-root fsopen fspick open-tree move-mount mount-setattr
    host_unchanged
}

@test "attack: keyrings, bpf, perf, userfaultfd, handles, modules, kexec, clocks, host identity are refused" {
    snapshot_host
    local eperm=(keyctl add-key request-key bpf perf userfaultfd open-by-handle name-to-handle kexec
        kexec-file init-module finit-module delete-module reboot swapon syslog settimeofday
        clock-settime "sethostname aisbx-pwned" setdomainname acct iopl)
    run_attacks "${eperm[@]}"
    [ "$status" -eq 0 ]
    expect_all "BLOCKED EPERM" "${eperm[@]}"
    host_unchanged
}

@test "attack: TIOCSTI is refused, with and without a terminal" {
    run_attacks tiocsti
    [ "$status" -eq 0 ]
    expect tiocsti "BLOCKED EPERM"

    # with process.terminal: the container's own controlling tty
    aisbx delete --force "$ID" >/dev/null 2>&1 || true
    update_config '.process.terminal = true | .process.args = ["sh", "-c", "/attack tiocsti 2>/dev/null; echo tty-done"]'
    start_recvtty
    rt_bg run -d --console-socket "$CONSOLE_SOCKET" --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    wait_for grep -q tty-done "$TESTDIR/tty.out"
    cat "$TESTDIR/tty.out" >&2
    grep -q "^BLOCKED EPERM" "$TESTDIR/tty.out"
    if grep -q ALLOWED "$TESTDIR/tty.out"; then false; fi
}

@test "attack: block and char device nodes cannot be made or used" {
    run_attacks "mknod block /tmp/sda" "mknod char /tmp/mem" "mknod block /dev/sda" "mknod fifo /tmp/fifo" \
        "open-dev /dev/null"
    [ "$status" -eq 0 ]
    expect_all "BLOCKED EPERM" "mknod block /tmp/sda" "mknod char /tmp/mem"
    # /dev is a tmpfs of standard nodes; new nodes there fail too
    [[ "$(result_of "mknod block /dev/sda")" == "BLOCKED "* ]]
    expect "mknod fifo /tmp/fifo" ALLOWED
    expect "open-dev /dev/null" ALLOWED
}

@test "attack: fork bomb is stopped by pids.max; the container and the host survive" {
    run_attacks "forkbomb 5000"
    [ "$status" -eq 0 ]
    local line n
    line=$(result_of "forkbomb 5000")
    [[ "$line" == "BLOCKED EAGAIN forks="* ]]
    n=${line#*forks=}
    n=${n%% *}
    echo "# forks that succeeded: $n" >&2
    [ "$n" -gt 0 ] && [ "$n" -le 256 ]
    # it could fork again once its children were gone, and the host still forks
    [[ "$line" == *"fork-after=ok"* ]]
    run true
    [ "$status" -eq 0 ]
}

# --- files ---------------------------------------------------------------------

@test "attack: the root fs is read-only, /tmp is writable" {
    # (a running binary answers ETXTBSY before EROFS: only files not executing are opened)
    run_attacks "write-new /attack-x" "mkdir /attack-dir" "write-new /bin/attack-new" "open-write /etc/group" \
        "write-new /etc/passwd" "write-same /etc/hostname" "write-new /tmp/x" "mkdir /tmp/d"
    [ "$status" -eq 0 ]
    expect_all "BLOCKED EROFS" "write-new /attack-x" "mkdir /attack-dir" "write-new /bin/attack-new" \
        "open-write /etc/group" "write-new /etc/passwd" "write-same /etc/hostname"
    expect_all ALLOWED "write-new /tmp/x" "mkdir /tmp/d"
    [ ! -e "$BUNDLE/rootfs/attack-x" ] && [ ! -e "$BUNDLE/rootfs/attack-dir" ] && [ ! -e "$BUNDLE/rootfs/bin/attack-new" ]
    grep -q '^root:x:0:0' "$BUNDLE/rootfs/etc/passwd"
}

# Two walls, each checked on its own: the container's user namespace (the
# files are host root's: EACCES on open for writing, issue 14) and, with the
# namespace switched off by the operator's policy, the read-only mounts
# (EROFS). Creating a file meets the read-only mount first either way.
write_walls() {
    local wall=$1
    # "write-same" writes back what it read (harmless if it worked); "open-write"
    # only opens (write-only files). Each must fail with $wall when the host has
    # the file; a file this kernel lacks (no modules, no sysrq) is ENOENT.
    local ro=("write-same /proc/sys/kernel/core_pattern" "write-same /proc/sys/kernel/modprobe"
        "write-same /proc/sys/kernel/hostname" "write-same /proc/sys/vm/overcommit_memory"
        "write-same /proc/sys/net/ipv4/ip_forward" "open-write /proc/sysrq-trigger"
        "open-write /proc/sys/vm/drop_caches")
    # the container's own cgroup (its cgroup namespace root): its limits are not its to lift
    local cg=/sys/fs/cgroup/pids
    cgroup_v2 && cg=/sys/fs/cgroup
    local cgw=("write-same $cg/pids.max" "write-same $cg/cgroup.procs")
    # /sys/kernel is masked: ENOENT inside (or EROFS if only read-only)
    local masked=("write-same /sys/kernel/uevent_helper" "write-same /sys/kernel/mm/transparent_hugepage/enabled"
        "write-same /sys/kernel/profiling")
    # sysfs is read-only whatever the owner (no file of it is the container's)
    run_attacks "${ro[@]}" "${cgw[@]}" "${masked[@]}" "write-new $cg/aisbx-escape" \
        "write-same /sys/class/net/lo/mtu"
    [ "$status" -eq 0 ]
    expect_all "BLOCKED $wall" "${cgw[@]}"
    expect "write-new $cg/aisbx-escape" "BLOCKED EROFS"
    [[ "$(result_of "write-same /sys/class/net/lo/mtu")" =~ ^BLOCKED\ (EROFS|$wall)$ ]]
    local x path got rc=0
    for x in "${ro[@]}"; do
        path=${x#* }
        got=$(result_of "$x")
        if [ -e "$path" ]; then
            [ "$got" = "BLOCKED $wall" ] || { echo "ATTACK '$x': $got" >&2; rc=1; }
        else
            [ "$got" = "BLOCKED ENOENT" ] || { echo "ATTACK '$x' (absent on the host): $got" >&2; rc=1; }
        fi
    done
    for x in "${masked[@]}"; do
        got=$(result_of "$x")
        [[ "$got" =~ ^BLOCKED\ (EROFS|ENOENT|$wall)$ ]] || { echo "ATTACK '$x': $got" >&2; rc=1; }
    done
    [ "$rc" -eq 0 ]
}

@test "attack: /proc/sys, sysrq-trigger, /sys/kernel and the cgroup fs cannot be written" {
    snapshot_host
    write_walls EACCES
    echo '{"userns": "off"}' >"$TESTDIR/policy.json"
    AISBX_POLICY=$TESTDIR/policy.json write_walls EROFS
    host_unchanged
}

@test "attack: masked /proc and /sys files read as nothing" {
    local f a=() present=()
    for f in /proc/kcore /proc/kallsyms /proc/keys /proc/timer_list /proc/sched_debug /proc/interrupts \
        /proc/modules /proc/slabinfo /proc/vmallocinfo /proc/pagetypeinfo /proc/iomem /proc/latency_stats \
        /proc/acpi /proc/scsi /sys/firmware /sys/kernel /sys/devices/virtual/powercap; do
        a+=("read $f")
        # only what the host has can leak; a path the host lacks reads ENOENT
        [ -e "$f" ] && present+=("read $f")
    done
    run_attacks "${a[@]}" "read /proc/self/status" "read /proc/cpuinfo"
    [ "$status" -eq 0 ]
    local x rc=0
    for x in "${a[@]}"; do
        [[ "$(result_of "$x")" =~ ^BLOCKED\ (EMPTY|ENOENT|EACCES|EPERM)$ ]] || {
            echo "ATTACK '$x': $(result_of "$x")" >&2
            rc=1
        }
    done
    [ "$rc" -eq 0 ]
    [ "${#present[@]}" -gt 3 ]
    # sanity: unmasked files still read
    expect_all ALLOWED "read /proc/self/status" "read /proc/cpuinfo"
}

# --- privileges ------------------------------------------------------------------

@test "attack: the process sees the floor and cannot raise capabilities or clear no_new_privs" {
    run_attacks status capset ambient clear-nnp
    [ "$status" -eq 0 ]
    local s
    s=$(result_of status)
    [[ "$s" == *" CapEff=0000000000000000 "* ]]
    [[ "$s" == *" CapPrm=0000000000000000 "* ]]
    [[ "$s" == *" CapInh=0000000000000000 "* ]]
    [[ "$s" == *" CapAmb=0000000000000000 "* ]]
    [[ "$s" == *" NoNewPrivs=1 "* ]]
    [[ "$s" == *" Seccomp=2 "* ]]
    expect_all "BLOCKED EPERM" capset ambient
    expect clear-nnp "BLOCKED EINVAL"
}

@test "attack: setuid-root and file-capability binaries do not raise privileges (no_new_privs)" {
    cp "$ATTACK_BIN" "$BUNDLE/rootfs/attack-suid"
    chown 0:0 "$BUNDLE/rootfs/attack-suid"
    chmod 4755 "$BUNDLE/rootfs/attack-suid"
    cp "$ATTACK_BIN" "$BUNDLE/rootfs/attack-fcap"
    cp "$ATTACK_BIN" "$BUNDLE/rootfs/attack-fcap-e"
    chmod 755 "$BUNDLE/rootfs/attack-fcap" "$BUNDLE/rootfs/attack-fcap-e"
    local fcap=no
    if command -v setcap >/dev/null && setcap 'cap_sys_admin,cap_setuid,cap_dac_override+ip' "$BUNDLE/rootfs/attack-fcap" 2>/dev/null &&
        setcap 'cap_sys_admin,cap_setuid,cap_dac_override+eip' "$BUNDLE/rootfs/attack-fcap-e" 2>/dev/null; then
        fcap=yes
        # the file caps and the setuid bit work on the host (validates the test itself)
        local b
        for b in attack-fcap attack-fcap-e attack-suid; do
            run setpriv --reuid 1000 --regid 1000 --clear-groups "$BUNDLE/rootfs/$b" privs
            echo "# host $b: $output" >&2
            [[ "$output" == ALLOWED* ]]
        done
    fi
    update_config '.process.user = {"uid": 1000, "gid": 1000}'
    update_config '.process.args = ["sh", "-c", $s]' --arg s '
        for b in attack-suid attack-fcap attack-fcap-e; do
            r=$(/$b privs 2>/dev/null); rc=$?
            echo "$b: ${r:-EXEC-FAILED rc=$rc}"
        done
        echo "setuid0: $(/attack setuid0)"
        echo "suid-setuid0: $(/attack-suid setuid0)"
        echo "status: $(/attack status)"'
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    echo "$output" >&2
    [ "$status" -eq 0 ]
    [[ "$(result_of status)" == *" uid=1000 euid=1000"* ]]
    [[ "$(result_of attack-suid)" == "BLOCKED NOPRIV euid=1000 "* ]]
    expect_all "BLOCKED EPERM" setuid0 suid-setuid0
    if [ "$fcap" = yes ]; then
        [[ "$(result_of attack-fcap)" == "BLOCKED NOPRIV euid=1000 CapEff=0000000000000000 CapPrm=0000000000000000" ]]
        # +e with caps it cannot get: the kernel refuses the exec (EPERM) rather than run it without them
        [[ "$(result_of attack-fcap-e)" == "BLOCKED NOPRIV "* || "$(result_of attack-fcap-e)" == "EXEC-FAILED rc=126" ]]
    fi
}

@test "attack: the runtime binary cannot be reached through /proc/<pid>/exe while aisbx execs in" {
    update_config '.process.args = ["/attack", "exe-watch", "4"]'
    start_ctr
    local i
    for i in 1 2 3 4 5 6 7 8 9 10; do
        aisbx exec "$ID" true </dev/null >/dev/null 2>&1 || true
    done
    wait_for_status "$ID" stopped 15
    cat "$TESTDIR/ctr.out" >&2
    # the exec'd processes pass through the sealed memfd stub (readable by
    # design, write-sealed, already hardened); the host binary is never reachable
    grep -q "^BLOCKED NONE runtime-host=0 " "$TESTDIR/ctr.out"
    if grep -q "^ALLOWED" "$TESTDIR/ctr.out"; then false; fi
}

# --- the hostile config ----------------------------------------------------------

@test "attack: a config asking for host namespaces, all caps, no seccomp, rw root and privileged mounts gets the floor; each override is logged" {
    snapshot_host
    local all blk
    # every capability the kernel has
    all='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH","CAP_FOWNER","CAP_FSETID","CAP_KILL","CAP_SETGID","CAP_SETUID","CAP_SETPCAP","CAP_LINUX_IMMUTABLE","CAP_NET_BIND_SERVICE","CAP_NET_BROADCAST","CAP_NET_ADMIN","CAP_NET_RAW","CAP_IPC_LOCK","CAP_IPC_OWNER","CAP_SYS_MODULE","CAP_SYS_RAWIO","CAP_SYS_CHROOT","CAP_SYS_PTRACE","CAP_SYS_PACCT","CAP_SYS_ADMIN","CAP_SYS_BOOT","CAP_SYS_NICE","CAP_SYS_RESOURCE","CAP_SYS_TIME","CAP_SYS_TTY_CONFIG","CAP_MKNOD","CAP_LEASE","CAP_AUDIT_WRITE","CAP_AUDIT_CONTROL","CAP_SETFCAP","CAP_MAC_OVERRIDE","CAP_MAC_ADMIN","CAP_SYSLOG","CAP_WAKE_ALARM","CAP_BLOCK_SUSPEND","CAP_AUDIT_READ","CAP_PERFMON","CAP_BPF","CAP_CHECKPOINT_RESTORE"]'
    # a real block device of the host, docker.sock as a real listening socket
    blk=$(for b in vda sda nvme0n1 xvda loop0; do [ -b /dev/$b ] && echo /dev/$b && break; done)
    [ -n "$blk" ]
    mkdir -p "$TESTDIR/run"
    "$ATTACK_BIN" mksock "$TESTDIR/run/docker.sock"
    [ -S "$TESTDIR/run/docker.sock" ]
    # the host's namespaces by path: this shell's (/proc/1/ns/* may be unreadable
    # when pid 1 holds capabilities we lack; the shell is in the same namespaces)
    local host_pid=$$ t
    for t in pid net ipc uts; do [ "$(readlink /proc/$host_pid/ns/$t)" = "$(host_ns $t)" ]; done
    local major minor
    major=$((0x$(stat -c %t "$blk")))
    minor=$((0x$(stat -c %T "$blk")))
    update_config '.root.readonly = false | .process.noNewPrivileges = false | del(.linux.seccomp)
        | .linux.namespaces = [{"type": "pid", "path": "/proc/\($h)/ns/pid"}, {"type": "network", "path": "/proc/\($h)/ns/net"},
            {"type": "ipc", "path": "/proc/\($h)/ns/ipc"}, {"type": "uts", "path": "/proc/\($h)/ns/uts"}, {"type": "mount"}]
        | .linux.maskedPaths = [] | .linux.readonlyPaths = []
        | .process.capabilities = {"bounding": $c, "effective": $c, "permitted": $c, "inheritable": $c, "ambient": $c}
        | .linux.resources = {"devices": [{"allow": true, "access": "rwm"}], "pids": {"limit": 100000}}
        | .linux.devices = [{"path": "/dev/sda", "type": "b", "major": $maj, "minor": $min, "fileMode": 432}]
        | .mounts += [
            {"destination": "/hostroot", "type": "bind", "source": "/", "options": ["rbind", "rw"]},
            {"destination": "/var/run/docker.sock", "type": "bind", "source": $sock, "options": ["bind", "rw"]},
            {"destination": "/dev/hostblk", "type": "bind", "source": $blk, "options": ["bind", "rw"]},
            {"destination": "/hostproc", "type": "bind", "source": "/proc", "options": ["rbind", "rw"]}]' \
        --argjson c "$all" --arg sock "$TESTDIR/run/docker.sock" --arg blk "$blk" \
        --argjson maj "$major" --argjson min "$minor" --arg h "$host_pid"
    local cmds=(status "socket packet" "socket netlink-audit" mount "unshare net" "setns /proc/1/ns/net"
        "sethostname aisbx-pwned" "write-new /attack-x" "open-dev /dev/sda" "open-dev /dev/hostblk"
        "mknod block /tmp/sda" ptrace-attach bpf "read /proc/kallsyms" "write-same /proc/sys/kernel/core_pattern")
    local a script='for p in /hostroot/etc /var/run/docker.sock /dev/sda /dev/hostblk /hostproc/1; do [ -e $p ] && echo "PRESENT $p"; done; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sed "s/^/IF /"; echo "PID1 $(cat /proc/1/comm)"'$'\n'
    for a in "${cmds[@]}"; do script+="r=\$(/attack $a 2>/dev/null); echo \"$a: \$r\""$'\n'; done
    update_config '.process.args = ["sh", "-c", $s]' --arg s "$script"
    rt_bg --log "$TESTDIR/log.json" --log-format json create --bundle "$BUNDLE" --pid-file "$TESTDIR/pid" "$ID"
    [ "$status" -eq 0 ]
    local pid
    pid=$(cat "$TESTDIR/pid")
    for t in pid net ipc uts mnt; do
        [ "$(readlink "/proc/$pid/ns/$t")" != "$(host_ns $t)" ] || { echo "$t ns is the host's" >&2; false; }
    done
    [ "$(cat "$(cgroup_file pids pids.max)")" -le 256 ]
    rt_bg --log "$TESTDIR/log.json" --log-format json start "$ID"
    [ "$status" -eq 0 ]
    wait_for_status "$ID" stopped
    output=$(cat "$TESTDIR/ctr.out")
    echo "$output" >&2
    # the floor, as the process sees it
    local s
    s=$(result_of status)
    [[ "$s" == *" CapEff=0000000000000000 "* ]] && [[ "$s" == *" CapBnd="* ]]
    [[ "$s" == *" CapAmb=0000000000000000 "* ]] && [[ "$s" == *" CapInh=0000000000000000 "* ]]
    [[ "$s" == *" NoNewPrivs=1 "* ]] && [[ "$s" == *" Seccomp=2 "* ]]
    expect_all "BLOCKED EPERM" "socket packet" "socket netlink-audit" mount "unshare net" \
        "setns /proc/1/ns/net" "sethostname aisbx-pwned" "mknod block /tmp/sda" ptrace-attach bpf
    expect "write-new /attack-x" "BLOCKED EROFS"
    # the user namespace's wall (the read-only one: "cannot be written" above)
    expect "write-same /proc/sys/kernel/core_pattern" "BLOCKED EACCES"
    [[ "$(result_of "open-dev /dev/sda")" == "BLOCKED "* ]]
    [[ "$(result_of "open-dev /dev/hostblk")" == "BLOCKED "* ]]
    [[ "$(result_of "read /proc/kallsyms")" =~ ^BLOCKED\ (EMPTY|ENOENT)$ ]]
    # the dangerous binds were dropped, the network is only lo, the pid ns is new
    if grep -q "^PRESENT" <<<"$output"; then false; fi
    [ "$(grep '^IF ' <<<"$output")" = "IF lo" ]
    [ "$(grep '^PID1 ' <<<"$output")" = "PID1 sh" ]
    [ ! -e "$BUNDLE/rootfs/attack-x" ]
    host_unchanged
    # each override is a warning line in the JSON log
    cat "$TESTDIR/log.json" >&2
    jq -e . "$TESTDIR/log.json" >/dev/null
    local w
    w=$(jq -r 'select(.level == "warning") | .msg' "$TESTDIR/log.json")
    [ -n "$w" ]
    # the namespace paths were recognised as the host's, not just as unusable
    local rc=0 k
    for t in pid network ipc uts; do
        grep "linux.namespaces\[$t\].path" <<<"$w" | grep -q "host namespace" ||
            { echo "no 'host namespace' warning for $t" >&2; rc=1; }
    done
    for k in network pid ipc uts readonly noNewPrivileges seccomp capabilities hostroot docker.sock \
        /dev/sda /dev/hostblk /hostproc pids; do
        grep -qi -- "$k" <<<"$w" || { echo "no warning mentions '$k'" >&2; rc=1; }
    done
    [ "$rc" -eq 0 ]
}

# --- normal things keep working --------------------------------------------------

@test "normal: shell pipelines, /tmp, clone3 fallback to clone, threads, localhost TCP work under the floor" {
    update_config '.process.args = ["sh", "-c", $s]' --arg s '
        echo "pipeline: $(seq 1 100 | grep 7 | sort -r | head -n 3 | tr "\n" " " | sed "s/ $//")"
        echo "tmp: $(echo hello > /tmp/f && cat /tmp/f && rm /tmp/f && echo gone)" | tr "\n" " "; echo
        echo "subshell: $( (cd /tmp && mkdir -p a/b && ls -d a/b) )"
        echo "awk: $(echo 3 4 | awk "{ print \$1 * \$2 }")"
        echo "bg: $(sleep 0.1 & wait $! && echo ok)"
        for a in clone3-fallback threads localhost "mknod fifo /tmp/fifo" "socket netlink-route"; do
            echo "$a: $(/attack $a 2>/dev/null)"
        done
        ip -o link show lo >/dev/null 2>&1 && echo "ip: ok"
        echo "id: $(id -u)"'
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    echo "$output" >&2
    [ "$status" -eq 0 ]
    [ "$(result_of pipeline)" = "97 87 79" ]
    [ "$(result_of tmp)" = "hello gone " ]
    [ "$(result_of subshell)" = "a/b" ]
    [ "$(result_of awk)" = 12 ]
    [ "$(result_of bg)" = ok ]
    expect_all ALLOWED clone3-fallback threads localhost "mknod fifo /tmp/fifo" "socket netlink-route"
    [ "$(result_of ip)" = ok ]
    [ "$(result_of id)" = 0 ]
}
