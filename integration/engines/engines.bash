#!/bin/bash
# Shared helpers for the real-engine suites (docker.bats, containerd.bats, podman.bats).
# Each suite starts its own daemon in a mktemp dir ($E) from setup_file, registers
# $AISBX_BIN (absolute) with the snippets in conf/ (the ones docs/engines-readme.md
# shows), imports a registry-free busybox image, and stops the daemon by pid in
# teardown_file. Cleanup touches only what this suite created: its temp dir, the
# mounts under it, and the cgroups of containers whose ids it recorded.

bats_require_minimum_version 1.5.0

ENGINES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$ENGINES_DIR/../.." && pwd)
CONF_DIR=$ENGINES_DIR/conf
AISBX_BIN=${AISBX_BIN:-$REPO_ROOT/aisbx}
case $AISBX_BIN in /*) ;; *) AISBX_BIN=$PWD/$AISBX_BIN ;; esac
export AISBX_BIN
# Bound on every engine command: a wedged runtime must fail a test, not hang the run.
ENG_TIMEOUT=${ENG_TIMEOUT:-60}
BUSYBOX=${BUSYBOX:-/bin/busybox}
IMAGE_NAME=aisbx/busybox:test
# The path the snippets in conf/ use; the tests substitute the binary under test.
SNIPPET_BIN=/usr/local/bin/aisbx

# et CMD...: an engine command with a time bound and bats' fd 3 closed, so a
# container left running can never keep bats waiting.
et() {
    timeout -k 5 "$ENG_TIMEOUT" "$@" 3>&-
}

# requires CMD...: skips the whole file's tests when a tool is missing.
requires_tools() {
    local t
    for t in "$@"; do
        command -v "$t" >/dev/null || skip "$t is not installed (hack/install-deps.sh all)"
    done
}

# render_conf FILE: the snippet with $AISBX_BIN in place of /usr/local/bin/aisbx.
render_conf() {
    sed "s#$SNIPPET_BIN#$AISBX_BIN#g" "$1"
}

# make_rootfs DIR: DIR/rootfs (static busybox + applet symlinks) and DIR/rootfs.tar.
make_rootfs() {
    local dir=$1 r=$1/rootfs a
    mkdir -p "$r"/{bin,etc,tmp,proc,sys,dev,root,run,var} "$r/usr"
    chmod 1777 "$r/tmp"
    cp "$BUSYBOX" "$r/bin/busybox"
    chmod 755 "$r/bin/busybox"
    for a in $("$r/bin/busybox" --list); do
        [ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"
    done
    ln -s bin "$r/sbin"
    ln -s ../bin "$r/usr/bin"
    ln -s ../bin "$r/usr/sbin"
    echo 'root:x:0:0:root:/root:/bin/sh' >"$r/etc/passwd"
    echo 'root:x:0:' >"$r/etc/group"
    tar --numeric-owner -C "$r" -cf "$dir/rootfs.tar" .
}

# _blob DIR FILE: moves FILE into DIR/blobs/sha256 under its digest; prints "digest size".
_blob() {
    local dir=$1 f=$2 d s
    d=$(sha256sum "$f" | cut -d' ' -f1)
    s=$(stat -c %s "$f")
    mkdir -p "$dir/blobs/sha256"
    mv "$f" "$dir/blobs/sha256/$d"
    echo "$d $s"
}

# make_oci_tar DIR NAME: DIR/image-oci.tar, an OCI image layout holding
# DIR/rootfs.tar as its single layer, named NAME (for `ctr images import`).
make_oci_tar() {
    local dir=$1 name=$2 o=$1/oci ld ls cd cs md ms
    mkdir -p "$o"
    cp "$dir/rootfs.tar" "$o/layer"
    read -r ld ls < <(_blob "$o" "$o/layer")
    printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/sh"],"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
        "$ld" >"$o/config"
    read -r cd cs < <(_blob "$o" "$o/config")
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
        "$cd" "$cs" "$ld" "$ls" >"$o/manifest"
    read -r md ms < <(_blob "$o" "$o/manifest")
    echo '{"imageLayoutVersion":"1.0.0"}' >"$o/oci-layout"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"test"}}]}' \
        "$md" "$ms" "$name" >"$o/index.json"
    tar -C "$o" -cf "$dir/image-oci.tar" oci-layout index.json blobs
    rm -rf "$o"
}

# wait_pid_gone PID [SECONDS]
wait_pid_gone() {
    local pid=$1 tries=$((${2:-20} * 10))
    while kill -0 "$pid" 2>/dev/null; do
        tries=$((tries - 1))
        [ "$tries" -gt 0 ] || return 1
        sleep 0.1
    done
}

# stop_pid PID [SECONDS]: SIGTERM, then SIGKILL after the grace period. Only
# ever called with the pid of a daemon this suite started.
stop_pid() {
    local pid=$1
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    wait_pid_gone "$pid" "${2:-30}" && return 0
    echo "# pid $pid ignored SIGTERM; SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null
    wait_pid_gone "$pid" 5
}

# wait_until SECONDS CMD...: retries CMD every 0.2 s.
wait_until() {
    local tries=$(($1 * 5))
    shift
    until "$@" >/dev/null 2>&1; do
        tries=$((tries - 1))
        [ "$tries" -gt 0 ] || return 1
        sleep 0.2
    done
}

# status_is NAME STATUS: the engine's status of NAME is STATUS now (each file
# defines `inspect NAME FORMAT` for its engine). For wait_until, which re-runs it.
status_is() { [ "$(inspect "$1" '{{.State.Status}}')" = "$2" ]; }

# no_cgroup_dirs PATH: no hierarchy has PATH (for wait_until).
no_cgroup_dirs() { [ -z "$(cgroup_dirs "$1")" ]; }

# umount_under DIR: unmounts everything mounted at or below DIR, deepest first.
umount_under() {
    local dir=$1 m
    awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r |
        while read -r m; do umount -l "$m" 2>/dev/null; done
}

mounts_under() {
    awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo
}

# cgroup_dirs REL: existing dirs /sys/fs/cgroup/<controller>/REL (and v2), deepest first.
cgroup_dirs() {
    local d
    for d in /sys/fs/cgroup/*/"$1" /sys/fs/cgroup/"$1"; do
        [ -d "$d" ] && find "$d" -depth -type d
    done
}

# remove_cgroup REL: thaws, kills what is left in, and removes cgroup REL (ours only).
remove_cgroup() {
    local d p tries
    for d in $(cgroup_dirs "$1"); do
        [ -f "$d/freezer.state" ] && echo THAWED >"$d/freezer.state" 2>/dev/null
        for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
        tries=30
        while [ -n "$(cat "$d/cgroup.procs" 2>/dev/null)" ] && [ $tries -gt 0 ]; do
            sleep 0.1
            tries=$((tries - 1))
        done
        rmdir "$d" 2>/dev/null
    done
    return 0
}

# record_leak TEXT: what a suite found left behind; the suite's last test fails on it.
record_leak() {
    echo "$*" >>"$E/leaks"
}

# cgroup_file CONTROLLER REL FILE (cgroup v1 hybrid on this machine; v2 fallback)
cgroup_file() {
    if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
        echo "/sys/fs/cgroup/$2/$3"
    else
        echo "/sys/fs/cgroup/$1/$2/$3"
    fi
}

# An all-in-one overlay probe run inside a container: prints one line per floor rule.
# (busybox only: no capsh; /proc/self/status gives the capability sets.)
OVERLAY_PROBE='
echo "ifaces=$(ls /sys/class/net | tr "\n" " ")"
echo "nnp=$(grep NoNewPrivs /proc/self/status | cut -f2)"
echo "seccomp=$(grep "^Seccomp:" /proc/self/status | cut -f2)"
echo "capeff=$(grep CapEff /proc/self/status | cut -f2)"
echo "capbnd=$(grep CapBnd /proc/self/status | cut -f2)"
touch /rootfs-write-test 2>/dev/null && echo rootrw=yes || echo rootrw=no
echo "pidsmax=$(cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max 2>/dev/null || echo not-mounted)"
mknod /tmp/m c 1 3 2>/dev/null && echo mknod=yes || echo mknod=no
'

# assert_overlay OUTPUT: the floor held (lo only, nnp, seccomp, no dangerous caps,
# read-only root, a pids limit, no mknod). The pids limit is checked only where the
# engine mounts the cgroup fs (ctr does not: its tests read the host side). CAP bits: SYS_ADMIN 21, NET_ADMIN 12,
# SYS_MODULE 16, MKNOD 27, NET_RAW 13, SYS_PTRACE 19.
assert_overlay() {
    local out=$1 capeff bit
    echo "$out" | grep -qx 'ifaces=lo ' || { echo "# interfaces other than lo: $out" >&2; return 1; }
    echo "$out" | grep -qx 'nnp=1' || { echo "# no_new_privs not set: $out" >&2; return 1; }
    echo "$out" | grep -qx 'seccomp=2' || { echo "# no seccomp filter: $out" >&2; return 1; }
    echo "$out" | grep -qx 'rootrw=no' || { echo "# root is writable: $out" >&2; return 1; }
    echo "$out" | grep -qx 'mknod=no' || { echo "# mknod worked: $out" >&2; return 1; }
    echo "$out" | grep -qE '^pidsmax=([0-9]+|not-mounted)$' || { echo "# no pids limit: $out" >&2; return 1; }
    capeff=$(echo "$out" | sed -n 's/^capeff=//p')
    for bit in 12 13 16 19 21 27; do
        if [ $(((16#$capeff >> bit) & 1)) -ne 0 ]; then
            echo "# dangerous capability bit $bit in CapEff=$capeff" >&2
            return 1
        fi
    done
}

# Process that runs until killed and exits 143 on SIGTERM even as pid 1.
LONG_RUNNING='trap "exit 143" TERM; sleep 1000 & wait $!'

# kill_procs_under DIR: SIGKILLs processes whose command line names DIR (shims and
# conmons our daemon started and left behind). Scoped to this suite's temp dir.
kill_procs_under() {
    local dir=$1 p
    [ -n "$dir" ] && [ "$dir" != / ] || return 0
    for p in /proc/[0-9]*; do
        [ "${p#/proc/}" = $$ ] && continue
        if { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -qF -- "$dir/"; then
            echo "# killing leftover ${p#/proc/}: $(tr '\0' ' ' <"$p/cmdline" | cut -c1-120)" >&2
            kill -9 "${p#/proc/}" 2>/dev/null
        fi
    done
    return 0
}

# remember_parent_cgroup REL: notes whether cgroup parent REL existed before the
# suite, so cleanup_parent_cgroup removes it (when empty) only if we made it.
remember_parent_cgroup() {
    if [ -n "$(cgroup_dirs "$1")" ]; then echo yes >"$E/parent-cg-existed"; else echo no >"$E/parent-cg-existed"; fi
}
cleanup_parent_cgroup() {
    local d
    [ "$(cat "$E/parent-cg-existed" 2>/dev/null)" = no ] || return 0
    for d in /sys/fs/cgroup/*/"$1" /sys/fs/cgroup/"$1"; do
        [ -d "$d" ] && rmdir "$d" 2>/dev/null
    done
    return 0
}

# remove_tree DIR: unmounts what is under DIR and removes it without crossing mounts.
remove_tree() {
    local dir=$1
    [ -n "$dir" ] && [ -d "$dir" ] || return 0
    umount_under "$dir"
    if [ -n "${AISBX_ENG_KEEP:-}" ]; then
        echo "# kept $dir" >&2
        return 0
    fi
    rm -rf --one-file-system "$dir"
}

# ---- the user namespace (issue 14 item 3) ----

# userns_pool_base: the first host id of aisbx's pool (the aisbx entry of /etc/subuid, else
# the documented default 0x70000000).
userns_pool_base() {
    local b
    b=$(awk -F: '$1 == "aisbx" { print $2; exit }' /etc/subuid 2>/dev/null)
    echo "${b:-$((0x70000000))}"
}

# userns_host_root PID: the host uid of container uid 0 for PID (from its uid_map as the
# host sees it); fails unless the map is aisbx's single 65536-id range in the pool, the
# gid map is the same, and PID is not in the host's user namespace.
userns_host_root() {
    local pid=$1 c h n pool
    read -r c h n <"/proc/$pid/uid_map" || return 1
    pool=$(userns_pool_base)
    if [ "$c" != 0 ] || [ "$n" != 65536 ] || [ "$h" -lt "$pool" ] ||
        [ "$(wc -l <"/proc/$pid/uid_map")" != 1 ] ||
        [ "$(tr -s ' ' <"/proc/$pid/gid_map")" != "$(tr -s ' ' <"/proc/$pid/uid_map")" ] ||
        [ "$(readlink "/proc/$pid/ns/user")" = "$(readlink /proc/self/ns/user)" ]; then
        echo "# pid $pid: uid_map '$(cat "/proc/$pid/uid_map")', gid_map '$(cat "/proc/$pid/gid_map")'," \
            "ns $(readlink "/proc/$pid/ns/user") (host $(readlink /proc/self/ns/user)), pool from $pool" >&2
        return 1
    fi
    echo "$h"
}

# host_uid PID: the owner of PID as the host's ps(1) shows it.
host_uid() { ps -o uid= -p "$1" | tr -d ' '; }

# userns_of PID: the inode of PID's user namespace (user:[N]).
userns_of() { readlink "/proc/$1/ns/user"; }

# expect_own_userns ENGINE NAME: NAME (the suite's `inspect`) runs in a user
# namespace of its own: its init is the range's root on the host, and a process
# `ENGINE exec` starts (dk, pm) sees the same map, is root in it and joined it
# (not a new one). Sets USERNS_HOST_ROOT to that root's host uid.
expect_own_userns() {
    local engine=$1 name=$2 pid
    pid=$(inspect "$name" '{{.State.Pid}}')
    USERNS_HOST_ROOT=$(userns_host_root "$pid")
    [ "$(host_uid "$pid")" = "$USERNS_HOST_ROOT" ]
    run "$engine" exec "$name" sh -c 'tr -s " " </proc/self/uid_map; id -u; readlink /proc/self/ns/user'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = " 0 $USERNS_HOST_ROOT 65536" ]
    [ "${lines[1]}" = 0 ]
    [ "${lines[2]}" = "$(userns_of "$pid")" ]
}
