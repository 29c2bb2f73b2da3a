#!/bin/bash
# Shared checks for the robustness files (faults, hostile, concurrency, load,
# hygiene): "the host is clean after this container" in one function, so every
# file asserts the same thing. Loaded after helpers.bash.

# Every cgroup dir of $CGPATH (or $1), all v1 controllers and v2.
cgroup_dirs_of() {
    local cg=${1:-$CGPATH} d
    for d in /sys/fs/cgroup/*"$cg" /sys/fs/cgroup"$cg"; do
        [ -d "$d" ] && echo "$d"
    done
    return 0
}

# Processes whose /proc/PID/cgroup names the cgroup $1 (default $CGPATH).
procs_in_cgroup() {
    local cg=${1:-$CGPATH}
    # one grep over all of them: a loop forking per process is seconds
    grep -l -- ":$cg\$" /proc/[0-9]*/cgroup 2>/dev/null | sed 's|^/proc/||; s|/cgroup$||'
    return 0
}

# Mount points under $TESTDIR (or $1).
mounts_under() {
    awk -v d="${1:-$TESTDIR}" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo
}

# Every pid that belongs to container $1 right now: the state's pid, the
# cgroup's members, and runtime processes working on this --root.
snapshot_pids() {
    local id=${1:-$ID} p
    p=$(timeout 10 "$AISBX_BIN" --root "$ROOT" state "$id" 2>/dev/null 3>&- | jq -r '.pid // empty' 2>/dev/null)
    [ -n "$p" ] && [ "$p" != 0 ] && echo "$p"
    procs_in_cgroup
    pgrep -f -- "--root $ROOT " || true
}

# A pid counts as gone when it does not exist or is a zombie (an orphan whose
# reaper has not run yet is dead for every purpose that matters here).
pid_gone() {
    local s
    [ -e "/proc/$1" ] || return 0
    s=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 0
    [ "$s" = Z ] || [ -z "$s" ]
}

# assert_host_clean ID [PID...]: nothing of container ID is left: no state
# dir, no cgroup dir, no mount under $TESTDIR, none of PIDs alive, no process
# in the cgroup, and `list` does not show it. Prints every leak it finds.
assert_host_clean() {
    local id=${1:-$ID} bad= p tries
    shift || true
    [ -e "$ROOT/$id" ] && bad="$bad; state dir $ROOT/$id: $(ls -A "$ROOT/$id" | tr '\n' ' ')"
    for p in "$@"; do
        tries=30
        until pid_gone "$p" || [ $tries -eq 0 ]; do
            sleep 0.1
            tries=$((tries - 1))
        done
        pid_gone "$p" || bad="$bad; pid $p alive: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
    done
    p=$(procs_in_cgroup | tr '\n' ' ')
    [ -n "$p" ] && bad="$bad; processes in cgroup $CGPATH: $p"
    p=$(cgroup_dirs_of | tr '\n' ' ')
    [ -n "$p" ] && bad="$bad; cgroup dirs: $p"
    p=$(mounts_under | tr '\n' ' ')
    [ -n "$p" ] && bad="$bad; mounts: $p"
    if [ -d "$ROOT" ]; then
        p=$(timeout 10 "$AISBX_BIN" --root "$ROOT" list -q 2>&1 3>&-) || bad="$bad; list failed: $p"
        grep -qx -- "$id" <<<"$p" && bad="$bad; list shows a ghost $id"
    fi
    if [ -n "$bad" ]; then
        echo "# LEAK after $id:${bad#;}" >&2
        return 1
    fi
}

# assert_nothing_created: a refused command left no trace (empty --root, no
# cgroup, no mount, no process).
assert_nothing_created() {
    local bad=
    [ -d "$ROOT" ] && [ -n "$(ls -A "$ROOT")" ] && bad="$bad; --root holds: $(ls -A "$ROOT" | tr '\n' ' ')"
    [ -n "$(cgroup_dirs_of)" ] && bad="$bad; cgroup: $(cgroup_dirs_of | tr '\n' ' ')"
    [ -n "$(procs_in_cgroup)" ] && bad="$bad; processes: $(procs_in_cgroup | tr '\n' ' ')"
    [ -n "$(mounts_under)" ] && bad="$bad; mounts: $(mounts_under | tr '\n' ' ')"
    if [ -n "$bad" ]; then
        echo "# created on the host:${bad#;}" >&2
        return 1
    fi
}

# expect_error SUBSTRING CMD...: CMD exits 1 with exactly one line on stderr
# that contains SUBSTRING. Sets $status/$output/$stderr like `run`.
expect_error() {
    local want=$1
    shift
    run --separate-stderr "$@" </dev/null
    echo "# $*: exit $status, stderr: $stderr" >&2
    [ "$status" -eq 1 ] || { echo "# wanted exit 1, got $status" >&2; return 1; }
    [ "${#stderr_lines[@]}" -eq 1 ] || { echo "# wanted one stderr line, got ${#stderr_lines[@]}" >&2; return 1; }
    [[ "$stderr" == *"$want"* ]] || { echo "# stderr lacks '$want'" >&2; return 1; }
}
