#!/usr/bin/env bats
# Runs last (hack/run-integration.sh always appends it): nothing the runtime
# created may outlive the suite.

load helpers

setup() { :; }
teardown() { :; }

@test "leaks: nothing left behind by delete --force (recorded by teardowns)" {
    if [ -s "$AISBX_IT_BASE/leaks.log" ]; then
        cat "$AISBX_IT_BASE/leaks.log" >&2
        false
    fi
}

@test "leaks: no mounts under the test temp dirs" {
    local m
    m=$(awk -v d="$AISBX_IT_BASE" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo)
    [ -z "$m" ] || { echo "mounts left: $m" >&2; false; }
}

@test "leaks: no test dirs or state dirs left" {
    local left
    left=$(find "$AISBX_IT_BASE" -mindepth 1 -maxdepth 1 -name 't.*' 2>/dev/null)
    [ -z "$left" ] || { echo "left: $left" >&2; false; }
}

@test "leaks: no cgroups of this run with content" {
    local d bad=
    for d in /sys/fs/cgroup/*/"$CG_PARENT"/"$AISBX_IT_RUN"-* /sys/fs/cgroup/"$CG_PARENT"/"$AISBX_IT_RUN"-*; do
        [ -d "$d" ] || continue
        if [ -n "$(cat "$d/cgroup.procs" 2>/dev/null)" ] || [ -n "$(find "$d" -mindepth 1 -type d)" ]; then
            bad="$bad $d"
        fi
        rmdir "$d" 2>/dev/null || true
    done
    # the common parent goes if no other run uses it
    for d in /sys/fs/cgroup/*/"$CG_PARENT" /sys/fs/cgroup/"$CG_PARENT"; do
        if [ -d "$d" ]; then rmdir "$d" 2>/dev/null || true; fi
    done
    [ -z "$bad" ] || { echo "cgroups with content:$bad" >&2; false; }
}

# A process already exiting (PF_EXITING) whose cgroup is gone is not left in
# it: the kernel has taken it out (cgroup.procs no longer lists it, so the
# cgroup could be removed) and it runs no code. One is seen here when a
# container init waits in its exit for a zombie that a host PID 1 which reaps
# lazily (this VM's) has not reaped yet: an `exec -d` process, whose parent
# is outside the container and which is reparented to PID 1 as in runc. On a
# hybrid host its "0::" line still names the removed cgroup, "(deleted)".
exiting_in_removed_cgroup() { # PID
    local flags
    flags=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f7) || return 1
    [ -n "$flags" ] && (((flags & 0x4) != 0)) || return 1
    ! grep "/$CG_PARENT/$AISBX_IT_RUN-" "/proc/$1/cgroup" 2>/dev/null | grep -qv ' (deleted)$'
}

@test "leaks: no process in a cgroup of this run" {
    local f p bad=
    for f in /proc/[0-9]*/cgroup; do
        p=${f#/proc/}
        p=${p%/cgroup}
        grep -q "/$CG_PARENT/$AISBX_IT_RUN-" "$f" 2>/dev/null || continue
        exiting_in_removed_cgroup "$p" || bad="$bad ${f#/proc/}"
    done
    if [ -n "$bad" ]; then
        for f in ${bad//\/cgroup/}; do echo "process $f: $(tr '\0' ' ' <"/proc/$f/cmdline") $(grep "$CG_PARENT" "/proc/$f/cgroup" | head -1)" >&2; done
        false
    fi
}

@test "leaks: no host device node changed (mode, owner, inode, ctime)" {
    [ -s "$AISBX_IT_BASE/devnodes.before" ] || skip "no snapshot (run through hack/run-integration.sh)"
    local now
    now=$(find /dev -maxdepth 1 \( -type c -o -type b \) -printf '%p %m %U %G %i %C@\n' | sort)
    # nodes that came or went with hardware (loop devices, ttys of other sessions) are not ours;
    # a node present before and after must be unchanged
    join -j1 <(cut -d' ' -f1 "$AISBX_IT_BASE/devnodes.before" | sort) <(cut -d' ' -f1 <<<"$now" | sort) >"$AISBX_IT_BASE/devnodes.common"
    run diff <(grep -Fwf "$AISBX_IT_BASE/devnodes.common" "$AISBX_IT_BASE/devnodes.before") <(grep -Fwf "$AISBX_IT_BASE/devnodes.common" <<<"$now")
    [ "$status" -eq 0 ] || { echo "host device nodes changed:" >&2; echo "$output" >&2; false; }
}

# Issue 14: no user namespace slot of this run's containers is still held.
# A member whose process died (a create killed half-way) is collected by
# the next claim or release, so after the suite's last delete none of ours
# may be left; another run's or live containers are not ours to judge.
@test "leaks: no user namespace slot held by a container of this run" {
    local f bad=
    for f in /run/aisbx-userns/*/*; do
        [ -f "$f" ] || continue
        # line 2 of a member is the container's --root
        if sed -n 2p "$f" 2>/dev/null | grep -q "^$AISBX_IT_BASE/"; then
            bad="$bad $f"
        fi
    done
    [ -z "$bad" ] || { echo "slots held:$bad" >&2; false; }
}
