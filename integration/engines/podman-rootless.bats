#!/usr/bin/env bats
# Rootless podman 4.3 (issue 13) with aisbx as its runtime, run by a plain user
# this file creates (aisbx-pmrl, with the subuid/subgid range useradd gives it)
# and removes afterwards. Default storage under the user's home ($E/home), the
# runroot and aisbx's state root under its $XDG_RUNTIME_DIR ($E/xdg); cgroupfs
# (no systemd here) and, cgroup v1 giving the user no cgroup, the pids cap held
# by RLIMIT_NPROC. The image is `podman import` of a busybox tar (no registry).
# Test-only settings: netns = "none" (no slirp4netns here), events to a file,
# nofile 1024 (podman's default exceeds the hard limit here).

load engines

IMG=localhost/$IMAGE_NAME
PM_USER=aisbx-pmrl

setup_file() {
    [ "$(id -u)" = 0 ] || skip "needs root (creates a user)"
    requires_tools podman newuidmap
    [ -x "$AISBX_BIN" ] || skip "$AISBX_BIN is not built (make aisbx)"
    if id "$PM_USER" >/dev/null 2>&1; then
        skip "user $PM_USER already exists (left by another run?)"
    fi
    E=$(mktemp -d /tmp/aisbx-eng-pmrl.XXXXXX)
    export E
    chmod 755 "$E"
    useradd -M -d "$E/home" -s /bin/sh "$PM_USER"
    # useradd gives a subordinate range when /etc/subuid exists; otherwise one
    # is added here (userdel removes either)
    if ! grep -q "^$PM_USER:" /etc/subuid 2>/dev/null; then
        usermod --add-subuids 1700000000-1700065535 --add-subgids 1700000000-1700065535 "$PM_USER"
    fi
    PM_UID=$(id -u "$PM_USER")
    PM_GID=$(id -g "$PM_USER")
    export PM_UID PM_GID
    mkdir -p "$E/home" "$E/xdg"
    chmod 700 "$E/xdg"
    cp "$AISBX_BIN" "$E/aisbx"
    chmod 755 "$E/aisbx"
    echo '{"pids_max": 16}' >"$E/policy16.json"
    make_rootfs "$E"
    chmod 644 "$E/rootfs.tar" "$E/policy16.json"
    {
        printf '[containers]\ndefault_ulimits = ["nofile=1024:1024"]\nnetns = "none"\n\n'
        AISBX_BIN=$E/aisbx render_conf "$CONF_DIR/podman-containers.conf" |
            sed '/^\[engine\]$/a events_logger = "file"'
    } >"$E/containers.conf"
    chmod 644 "$E/containers.conf"
    chown "$PM_USER:" "$E/home" "$E/xdg"
    pm import -q -c 'CMD ["/bin/sh"]' "$E/rootfs.tar" "$IMG" >/dev/null
}

teardown_file() {
    [ -n "${E:-}" ] && [ -d "$E" ] || return 0
    local p
    pm rm -af -t 1 >/dev/null 2>&1
    pm rmi -af >/dev/null 2>&1
    # podman's rootless pause process and anything else of our user
    for p in $(pgrep -U "$PM_UID" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    userdel -f "$PM_USER" 2>/dev/null
    kill_procs_under "$E"
    remove_tree "$E"
}

# podman as the user: its home, its runtime dir, the conf with aisbx.
pm() {
    et setpriv --reuid="$PM_UID" --regid="$PM_GID" --clear-groups \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin USER="$PM_USER" HOME="$E/home" \
        XDG_RUNTIME_DIR="$E/xdg" CONTAINERS_CONF="$E/containers.conf" podman "$@"
}

logged() { pm logs "$1" 2>&1 | grep -q "$2"; } # NAME TEXT: the container's log has TEXT

# The user's live processes (this VM's pid 1 reaps orphans late: zombies
# are gone processes).
user_procs() { ps -u "$PM_UID" -o pid=,stat=,args= 2>/dev/null | awk '$2 !~ /^Z/'; }

@test "rootless podman uses aisbx and runs rootless" {
    run pm info --format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}} {{.Host.Security.Rootless}}'
    [ "$status" -eq 0 ]
    [ "$output" = "aisbx $E/aisbx true" ]
}

@test "rootless podman run --rm: output, exit code, the user's uid, the floor" {
    run --separate-stderr pm run --rm "$IMG" sh -c 'echo hello; tr -s " " </proc/self/uid_map | head -1
        grep -E "^(NoNewPrivs|Seccomp|CapEff):" /proc/self/status
        tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sed "s/^/if=/"
        touch /probe 2>/dev/null && echo root=rw || echo root=ro
        echo nproc=$(ulimit -u); exit 3'
    echo "$output"
    [ "$status" -eq 3 ]
    [ "${lines[0]}" = hello ]
    [ "${lines[1]}" = " 0 $PM_UID 1" ]
    [[ "$output" == *"NoNewPrivs:	1"* ]]
    [[ "$output" == *"Seccomp:	2"* ]]
    [[ "$output" == *"CapEff:	0000000000000000"* ]]
    [ "$(grep -c '^if=' <<<"$output")" -eq 1 ]
    [[ "$output" == *"if=lo"* ]]
    [[ "$output" == *"root=ro"* ]]
    # no cgroup for the user here: RLIMIT_NPROC at the policy's pids_max
    [[ "$output" == *"nproc=256"* ]]
    # state under the user's $XDG_RUNTIME_DIR/aisbx, gone with the container
    [ -z "$(ls "$E/xdg/aisbx" 2>/dev/null)" ]
}

@test "rootless podman: a fork loop stops at the pids cap" {
    # only builtins after the loop: its sleeps hold the count for 3 s, and a
    # fork then (a command substitution) races podman's processes of the
    # same uid for the one slot the subshell's exit frees
    run pm --runtime-flag "policy=$E/policy16.json" run --rm "$IMG" sh -c \
        'echo nproc=$(ulimit -u); (i=0; while :; do sleep 3 & i=$((i+1)); echo $i >/tmp/n; done) 2>/dev/null; read n </tmp/n; echo forks=$n'
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"nproc=16"* ]]
    # the count is per uid of podman's user namespace, which podman's own
    # processes (pause, conmon) share: at most 14 sleeps, usually fewer
    n=$(sed -n 's/^forks=//p' <<<"$output")
    [ "$n" -ge 1 ] && [ "$n" -le 14 ]
}

@test "rootless podman: run -d, logs, exec, top, stop, rm; nothing left" {
    run pm run -d --name rl1 "$IMG" sh -c 'trap "exit 143" TERM; echo started; sleep 1000 & wait $!'
    [ "$status" -eq 0 ]
    wait_until 10 logged rl1 started
    run pm exec rl1 sh -c 'echo in-exec; id -u; echo nproc=$(ulimit -u)'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = in-exec ]
    [ "${lines[1]}" = 0 ]
    [ "${lines[2]}" = nproc=256 ]
    run pm top rl1
    [ "$status" -eq 0 ]
    [[ "$output" == *"sleep 1000"* ]]
    [ -n "$(ls "$E/xdg/aisbx")" ]
    run pm stop -t 5 rl1
    [ "$status" -eq 0 ]
    [ "$(pm inspect -f '{{.State.ExitCode}}' rl1)" = 143 ]
    run pm rm rl1
    [ "$status" -eq 0 ]
    [ -z "$(ls "$E/xdg/aisbx" 2>/dev/null)" ]
    # only podman's own pause process may stay (it keeps the user namespace)
    run user_procs
    echo "$output"
    [ -z "$(grep -v 'podman' <<<"$output")" ]
}
