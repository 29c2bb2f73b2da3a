#!/usr/bin/env bats
# Behaving like runc where scripts rely on it (issue 15): no call that
# cannot progress blocks; flags after the container id; no silently
# ignored flags; -h/--help for every subcommand; exec into a created
# container. (The foreground terminal has its own file, tty.bats.)

load helpers

# --- no hangs (item 2) -------------------------------------------------------

@test "conform: exec into a paused container is refused, not left waiting" {
    set_long_running
    start_ctr
    rt_bg pause "$ID"
    [ "$status" -eq 0 ]
    run aisbx exec "$ID" echo ok </dev/null
    [ "$status" -ne 0 ]
    [ "$status" -ne 124 ] # not the timeout
    [[ "$output" == *"cannot exec in a paused container"* ]]
}

@test "conform: exec --ignore-paused waits for resume" {
    set_long_running
    start_ctr
    rt_bg pause "$ID"
    [ "$status" -eq 0 ]
    (sleep 1.5; "$AISBX_BIN" --root "$ROOT" resume "$ID") </dev/null >/dev/null 2>&1 3>&- &
    run aisbx exec --ignore-paused "$ID" echo ok </dev/null
    [ "$status" -eq 0 ]
    [ "$output" = ok ]
}

@test "conform: a created container can be paused and resumed (runc); start is refused until resumed" {
    set_long_running
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    rt_bg pause "$ID"
    [ "$status" -eq 0 ]
    [ "$(state_field "$ID" status)" = paused ]
    run aisbx start "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"cannot start a container in the paused state"* ]]
    run aisbx exec "$ID" true
    [ "$status" -ne 0 ]
    [[ "$output" == *"cannot exec in a paused container"* ]]
    run aisbx delete "$ID"
    [ "$status" -eq 1 ]
    rt_bg resume "$ID"
    [ "$status" -eq 0 ]
    [ "$(state_field "$ID" status)" = created ]
    rt_bg start "$ID"
    [ "$status" -eq 0 ]
    wait_for_status "$ID" running
    # paused again while running, then killed: delete --force still ends it
    rt_bg pause "$ID"
    [ "$status" -eq 0 ]
    run aisbx delete --force "$ID"
    [ "$status" -eq 0 ]
}

@test "conform: runc's texts for pause, resume, start and exec in the wrong state" {
    update_config '.process.args = ["true"]'
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    run aisbx resume "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"container not paused"* ]]
    rt_bg start "$ID"
    [ "$status" -eq 0 ]
    wait_for_status "$ID" stopped
    run aisbx pause "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"container not running"* ]]
    run aisbx exec "$ID" true
    [ "$status" -eq 255 ]
    [[ "$output" == *"cannot exec in a stopped container"* ]]
    run aisbx start "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"cannot start a container that has stopped"* ]]
}

@test "conform: create and run into a pre-existing frozen cgroup are refused" {
    local f
    if cgroup_v2; then
        f=$(cgroup_file "" cgroup.freeze)
    else
        f=$(cgroup_file freezer freezer.state)
    fi
    mkdir -p "$(dirname "$f")"
    if cgroup_v2; then echo 1 >"$f"; else echo FROZEN >"$f"; fi
    set_long_running
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"cgroup unexpectedly frozen"* ]]
    rt_bg run -d --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"cgroup unexpectedly frozen"* ]]
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
    # the cgroup is the caller's: left as it was
    [ -d "$(dirname "$f")" ]
    if cgroup_v2; then echo 0 >"$f"; else echo THAWED >"$f"; fi
    rmdir "$(dirname "$f")"
}

@test "conform: create into a cgroup that has processes warns (runc's text)" {
    set_long_running
    start_ctr
    local second=${ID}-2
    rt_bg run -d --bundle "$BUNDLE" "$second"
    [ "$status" -eq 0 ]
    [[ "$output" == *"container's cgroup is not empty"* ]]
    rt_bg delete --force "$second"
    [ "$status" -eq 0 ]
}

# --- exec into a created container (item 7) ----------------------------------

@test "conform: exec into a created container runs, with the floor" {
    set_long_running
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    run aisbx exec "$ID" sh -c 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status; echo exec-ok' </dev/null
    [ "$status" -eq 0 ]
    [[ "$output" == *exec-ok* ]]
    if [ "$AISBX_IT_RUNTIME" = aisbx ]; then
        [[ "$output" =~ NoNewPrivs:[[:space:]]+1 ]]
        [[ "$output" =~ Seccomp:[[:space:]]+2 ]]
    fi
    # still created: exec does not start the container
    [ "$(state_field "$ID" status)" = created ]
}

# --- flags after the container id (item 3) -----------------------------------

@test "conform: update ID --pids-limit N (flags after the id)" {
    set_long_running
    start_ctr
    rt_bg update "$ID" --pids-limit 17
    [ "$status" -eq 0 ]
    [ "$(cat "$(cgroup_file pids pids.max)")" = 17 ]
}

@test "conform: delete ID --force and kill ID SIG --all (flags after the id)" {
    set_long_running
    start_ctr
    rt_bg kill "$ID" KILL --all
    [ "$status" -eq 0 ]
    wait_for_status "$ID" stopped
    rt_bg delete "$ID" --force
    [ "$status" -eq 0 ]
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
}

@test "conform: ps ID -e -x passes the rest to ps(1), keeps the container's lines" {
    set_long_running
    start_ctr
    local pid
    pid=$(ctr_pid)
    run aisbx ps "$ID" -A -o pid,comm
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == *PID*COMMAND* ]]
    [[ "$output" =~ (^|[[:space:]])$pid[[:space:]]+sh ]]
    # nothing but the header and the container's processes
    [ -z "$(grep -w bats <<<"$output")" ]
    # runc's suite's form, passed as it is: procps selects the caller's own
    # processes ("x"); ps(1) runs as the container's root (container_ps_view),
    # so they are the container's, as under runc without a user namespace
    run aisbx ps "$ID" -e -x
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == *PID*STAT*COMMAND* ]]
    [[ "$output" =~ (^|[[:space:]])$pid[[:space:]] ]]
}

@test "conform: exec ID CMD --help leaves --help to the command" {
    set_long_running
    start_ctr
    run aisbx exec "$ID" echo --help </dev/null
    [ "$status" -eq 0 ]
    [ "$output" = --help ]
}

# --- -h / --help for every subcommand (item 5) -------------------------------

@test "conform: run --no-subreaper runs (what it asks is always so); update's RDT flags are refused by name" {
    update_config '.process.args = ["sh", "-c", "echo ran; exit 3"]'
    run aisbx run --no-subreaper --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -eq 3 ]
    [ "$output" = ran ]
    requires_aisbx "aisbx's refusal of Intel RDT"
    local f
    for f in l3-cache-schema mem-bw-schema; do
        run aisbx update --$f "L3:0=f" "$ID"
        [ "$status" -eq 1 ]
        [ "$output" = "aisbx: --$f: Intel RDT is not supported" ]
    done
}

@test "conform: an environment entry without NAME= is refused (runc's text), not passed for a shell to drop" {
    update_config '.process.env += ["FOO"]'
    run_sh 'echo ran'
    [ "$status" -eq 1 ]
    [[ "$output" == *'invalid environment variable: '*FOO* ]] # runc's logrus escapes the quotes
    [[ "$output" != *ran* ]]
    run aisbx list -q
    [ -z "$output" ]
    update_config '.process.env -= ["FOO"]'
    set_long_running
    start_ctr
    run aisbx exec -e FOO "$ID" true
    [ "$status" -eq 255 ]
    [[ "$output" == *'invalid environment variable: '*FOO* ]] # runc's logrus escapes the quotes
    run aisbx exec -e A=1 -e B= "$ID" sh -c 'echo "$A-$B-"'
    [ "$status" -eq 0 ]
    [ "$output" = "1--" ]
}

@test "conform: CMD -h and CMD --help print the usage and exit 0" {
    requires_aisbx "the usage names the binary"
    local c
    for c in create start run state kill delete list ps pause resume update exec features spec \
        check events checkpoint restore version; do
        for h in -h --help; do
            run aisbx "$c" "$h"
            [ "$status" -eq 0 ] || { echo "# $c $h: $status: $output" >&2; false; }
            [[ "${lines[0]}" == NAME: ]]
            [[ "${lines[1]}" == *"aisbx $c - "* ]]
        done
    done
}

# --- no silently ignored flags (item 4) --------------------------------------

@test "conform: run --keep keeps the stopped container" {
    update_config '.process.args = ["sh", "-c", "exit 4"]'
    run aisbx run --keep --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -eq 4 ]
    [ "$(state_field "$ID" status)" = stopped ]
    rt_bg delete "$ID"
    [ "$status" -eq 0 ]
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
}

@test "conform: exec --additional-gids adds supplementary groups; bad values refused" {
    set_long_running
    start_ctr
    run aisbx exec --additional-gids 44 --additional-gids 55 "$ID" id -G </dev/null
    [ "$status" -eq 0 ]
    [[ " $output " == *" 44 "* ]]
    [[ " $output " == *" 55 "* ]]
    run aisbx exec -g -3 "$ID" true </dev/null
    [ "$status" -ne 0 ]
    run aisbx exec -g abc "$ID" true </dev/null
    [ "$status" -ne 0 ]
}

@test "conform: exec --cgroup SUB runs the process in the sub-cgroup" {
    set_long_running
    start_ctr
    local d
    if cgroup_v2; then
        mkdir "/sys/fs/cgroup$CGPATH/sub"
    else
        for d in /sys/fs/cgroup/*"$CGPATH"; do
            mkdir "$d/sub"
            if [ -f "$d/cpuset.cpus" ]; then # a new v1 cpuset is empty: no task may join
                cat "$d/cpuset.cpus" >"$d/sub/cpuset.cpus"
                cat "$d/cpuset.mems" >"$d/sub/cpuset.mems"
            fi
        done
    fi
    run aisbx exec --cgroup sub "$ID" cat /proc/self/cgroup </dev/null
    [ "$status" -eq 0 ] || { echo "# $output" >&2; false; }
    [[ "$output" == */sub* ]]
    # a sub-cgroup that does not exist, one outside, a controller prefix: errors
    run aisbx exec --cgroup nosuch "$ID" true </dev/null
    [ "$status" -ne 0 ]
    run aisbx exec --cgroup ../escape "$ID" true </dev/null
    [ "$status" -ne 0 ]
}

@test "conform: exec --cgroup controller:SUB is refused, not ignored" {
    requires_aisbx "runc supports the per-controller form"
    set_long_running
    start_ctr
    run aisbx exec --cgroup pids:sub "$ID" true </dev/null
    [ "$status" -eq 255 ]
    [[ "$output" == *"controller prefix"* ]]
}

# --- a read-only /dev (item 7) -----------------------------------------------

@test "conform: a /dev mount with ro is populated, then read-only" {
    update_config '.mounts |= map((select(.destination == "/dev") | .options += ["ro"]) // .)'
    run_sh 'grep "^tmpfs /dev " /proc/mounts; [ -c /dev/null ] && [ -d /dev/pts ] && echo populated; touch /dev/x 2>/dev/null || echo dev-ro'
    [ "$status" -eq 0 ]
    [[ "$output" == *"tmpfs /dev tmpfs ro,"* ]]
    [[ "$output" == *populated* ]]
    [[ "$output" == *dev-ro* ]]
}

@test "conform: proc and sysfs are refused on a mount point that is a symlink or a file" {
    # runc's mask.bats: proc mounted where an image's /proc symlink points
    # would not be where the masked paths are set up by name. Both ways in:
    # with the user namespace (create makes the mount points) and without.
    local target mp userns
    echo '{"userns": "off"}' >"$TESTDIR/nouserns.json"
    for userns in on off; do
        for mp in proc sys; do
            for target in /symlink /tmp /etc/passwd file; do
                rm -rf "${BUNDLE:?}/rootfs/$mp"
                if [ "$target" = file ]; then : >"$BUNDLE/rootfs/$mp"; else ln -s "$target" "$BUNDLE/rootfs/$mp"; fi
                if [ $userns = on ]; then run_sh true; else AISBX_POLICY=$TESTDIR/nouserns.json run_sh true; fi
                echo "# userns $userns /$mp -> $target: $status $output" >&2
                [ "$status" -eq 1 ]
                [[ "$output" == *"must be mounted on ordinary directory: /$mp in the rootfs is a "* ]] # runc's words first
                [ "$(echo "$output" | wc -l)" -eq 1 ]
                # nothing left behind: no state, and the image's entry untouched
                run aisbx list -q
                [ -z "$output" ]
                [ "$target" = file ] || [ "$(readlink "$BUNDLE/rootfs/$mp")" = "$target" ]
            done
            rm -f "$BUNDLE/rootfs/$mp"
            mkdir "$BUNDLE/rootfs/$mp"
        done
    done
    # the plain directories still work, and a missing /proc is made
    rmdir "$BUNDLE/rootfs/proc"
    run_sh 'grep -c "^proc /proc proc" /proc/mounts'
    [ "$status" -eq 0 ]
    [ "$output" = 1 ]
}

@test "conform: a bind of the host's /proc is replaced by the container's own; the container runs" {
    # runc's "rootless with host pidns" config: no pid namespace, /proc bound
    # from the host. The floor forces the pid namespace and removes the bind.
    requires_aisbx "the floor's pid namespace and /proc"
    update_config '.linux.namespaces -= [{"type": "pid"}]
        | .mounts |= map((select(.type == "proc") | .type = "none" | .source = "/proc"
                          | .options = ["rbind", "nosuid", "nodev", "noexec"]) // .)'
    run_sh 'grep " /proc " /proc/mounts; echo "pid1=$(tr "\0" " " </proc/1/cmdline)"; readlink /proc/self/ns/pid'
    [ "$status" -eq 0 ] || { echo "# $output" >&2; false; }
    [[ "$output" == *"proc /proc proc rw,nosuid,nodev,noexec"* ]]
    [[ "$output" == *"pid1=sh -c "* ]] # its own pid namespace: pid 1 is the container's process
    [[ "$output" != *"$(host_ns pid)"* ]]
}

@test "conform: exec --process with a process.json without user runs as 0:0 (runc reads it so)" {
    set_long_running
    start_ctr
    echo '{"cwd": "/", "args": ["id", "-u"], "env": ["PATH=/bin"]}' >"$TESTDIR/process.json"
    run aisbx exec --process "$TESTDIR/process.json" "$ID" </dev/null
    [ "$status" -eq 0 ]
    [ "$output" = 0 ]
}

# --- runc's texts that scripts grep for --------------------------------------

@test "conform: a failing container hook says \"error running hook\"" {
    update_config '.hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}]'
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -ne 0 ]
    [[ "$output" == *"error running hook"* ]]
}

@test "conform: a hook killed by a signal says which: \"bad system call\" from the config's seccomp" {
    # startContainer hooks run with the container's filters (in the sealed
    # stub); a poststart hook runs on the host (runtime/kernel/hooks.c)
    update_config '.process.args = ["true"]
        | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
                            "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL"}]}
        | .hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "mkdir /tmp/x"]}]'
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -ne 0 ]
    [[ "$output" == *"error running hook"*"bad system call"* ]] # runc: "signal: bad system call"
    [ "$AISBX_IT_RUNTIME" = aisbx ] || return 0
    [[ "$output" == *"killed by signal 31 (bad system call)"* ]]
    update_config 'del(.linux.seccomp) | del(.hooks.startContainer)
        | .hooks.poststart = [{"path": "/bin/sh", "args": ["sh", "-c", "kill -SEGV $$"]}]'
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    [[ "$output" == *"poststart hook #0 (/bin/sh) failed: killed by signal 11 (segmentation fault)"* ]]
}

@test "conform: a seccomp listenerPath nobody listens on: \"failed to connect with seccomp agent\"" {
    update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $p,
        "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}' --arg p "$TESTDIR/nobody.sock"
    rt_bg run -d --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"failed to connect with seccomp agent"* ]]
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
}

@test "conform: SCMP_ACT_NOTIFY on write or as the default action is refused (it could hang the start)" {
    update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $p,
        "syscalls": [{"names": ["write"], "action": "SCMP_ACT_NOTIFY"}]}' --arg p "$TESTDIR/nobody.sock"
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -ne 0 ]
    [[ "$output" == *"SCMP_ACT_NOTIFY cannot be used for the write syscall"* ]]
    update_config '.linux.seccomp.defaultAction = "SCMP_ACT_NOTIFY" | .linux.seccomp.syscalls = []'
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -ne 0 ]
    [[ "$output" == *"SCMP_ACT_NOTIFY cannot be used as default action"* ]]
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
}

# --- the unified hierarchy of a cgroup v1 hybrid host (item 8) ----------------

hybrid_host() { ! cgroup_v2 && [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; }

@test "conform: hybrid host: init and exec'd processes are in the unified hierarchy too, delete removes it" {
    hybrid_host || skip "not a cgroup v1 hybrid host"
    local u=/sys/fs/cgroup/unified$CGPATH pid epid
    set_long_running
    start_ctr
    pid=$(ctr_pid)
    # seen from the host: the same path as in the v1 hierarchies
    grep -qx "0::$CGPATH" "/proc/$pid/cgroup"
    grep -qx "$pid" "$u/cgroup.procs"
    grep -q ":pids:$CGPATH\$" "/proc/$pid/cgroup"
    # an exec'd process joins it as well
    rt_bg exec -d --pid-file "$TESTDIR/exec.pid" "$ID" sleep 300
    [ "$status" -eq 0 ]
    epid=$(cat "$TESTDIR/exec.pid")
    grep -qx "0::$CGPATH" "/proc/$epid/cgroup"
    if [ "$AISBX_IT_RUNTIME" = aisbx ]; then
        # the floor's cgroup namespace is rooted there: inside, it is "/"
        run aisbx exec "$ID" cat /proc/self/cgroup </dev/null
        [ "$status" -eq 0 ]
        [[ "$output" == *$'\n0::/' || "$output" == "0::/" ]] || { echo "# $output" >&2; false; }
        # and the floor's limit is still the v1 pids cgroup's
        [ "$(cat "$(cgroup_file pids pids.max)")" = 256 ]
    fi
    run aisbx delete --force "$ID"
    [ "$status" -eq 0 ]
    [ ! -d "$u" ]
    [ ! -d "$(dirname "$(cgroup_file pids pids.max)")" ]
}

@test "conform: hybrid host: a create that fails leaves no unified cgroup behind" {
    hybrid_host || skip "not a cgroup v1 hybrid host"
    update_config '.process.args = ["/no/such/binary"]'
    rt_bg run -d --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
    [ ! -d "/sys/fs/cgroup/unified$CGPATH" ]
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
}

# mountinfo still lists a cgroup2 mount that a later mount hides (make bench
# puts a tmpfs over /sys/fs/cgroup/unified so that crun 1.8.1 runs at all):
# what is at the path now decides, so the container runs on v1 alone.
@test "conform: hybrid host: a unified mount hidden by another mount is not used" {
    hybrid_host || skip "not a cgroup v1 hybrid host"
    update_config '.process.args = ["true"]'
    run unshare -m --propagation private sh -c '
        mount -t tmpfs -o size=1m hide /sys/fs/cgroup/unified || exit 99
        timeout 30 "$1" --root "$2" run --bundle "$3" "$4" </dev/null; echo "rc=$?"
        echo "left: $(ls -A /sys/fs/cgroup/unified)"' sh "$AISBX_BIN" "$ROOT" "$BUNDLE" "$ID"
    [[ "$output" == *"rc=0"* ]]
    [[ "$output" == *"left: "$'\n'* || "$output" == *"left: " ]]
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
}

# The unified hierarchy is the last one entered on this VM: a failure there
# comes after every v1 hierarchy took the init, whose directories are then
# busy until it is killed. A "domain invalid" cgroup (a sibling made threaded
# by the test, in the test's own parent) refuses every process: EOPNOTSUPP.
@test "conform: hybrid host: a cgroup the init cannot enter leaves no cgroup of any hierarchy" {
    hybrid_host || skip "not a cgroup v1 hybrid host"
    local parent=/$CG_PARENT/$AISBX_IT_RUN-$ID-p
    mkdir -p "/sys/fs/cgroup/unified$parent/thr"
    echo threaded >"/sys/fs/cgroup/unified$parent/thr/cgroup.type"
    update_config ".linux.cgroupsPath = \"$parent/ctr\""
    set_long_running
    rt_bg run -d --bundle "$BUNDLE" "$ID"
    local left
    left=$(ls -d /sys/fs/cgroup/*"$parent/ctr" 2>/dev/null || true)
    rmdir "/sys/fs/cgroup/unified$parent/thr" "/sys/fs/cgroup/unified$parent"
    for d in /sys/fs/cgroup/*"$parent"; do [ -d "$d" ] && rmdir "$d"; done
    [ "$status" -eq 1 ]
    [[ "$output" == *"Operation not supported"* ]]
    [ -z "$left" ] || { echo "left: $left" >&2; false; }
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
}

@test "conform: unified resources on cgroup v1: \"invalid configuration\", nothing left" {
    cgroup_v2 && skip "cgroup v2 host: unified resources apply"
    update_config '.linux.resources.unified = {"memory.min": "131072"}'
    set_long_running
    rt_bg run -d --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"invalid configuration: cannot use unified on cgroup v1"* ]]
    [ -z "$(our_cgroups "$AISBX_IT_RUN-$ID")" ]
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
}

# --- exec's own failures exit 255, as runc's (the process's status is its own) --

@test "conform: exec failures exit 255; the process's status and bad arguments do not" {
    set_long_running
    start_ctr
    run aisbx exec "$ID" sh -c 'exit 1' </dev/null
    [ "$status" -eq 1 ]
    run aisbx exec "$ID" sh -c 'exit 42' </dev/null
    [ "$status" -eq 42 ]
    run aisbx exec "$ID" /no/such/binary </dev/null
    [ "$status" -eq 255 ]
    run aisbx exec --pid-file /non-existent/dir/pid "$ID" true </dev/null
    [ "$status" -eq 255 ]
    run aisbx exec no-such-container-"$ID" true </dev/null
    [ "$status" -eq 255 ]
    [[ "$output" == *"does not exist"* ]]
    rt_bg pause "$ID"
    run aisbx exec "$ID" true </dev/null
    [ "$status" -eq 255 ]
    [[ "$output" == *"cannot exec in a paused container"* ]]
    rt_bg resume "$ID"
    # a flag error is the command line's: exit 1, as runc
    run aisbx exec --no-such-flag "$ID" true </dev/null
    [ "$status" -eq 1 ]
}
