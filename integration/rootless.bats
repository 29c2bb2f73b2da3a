#!/usr/bin/env bats
# Rootless mode (issue 13): the runtime run by an unprivileged user that this
# file creates (aisbx-rlt, with its own /etc/subuid and /etc/subgid range from
# useradd) and removes afterwards. The user gets its own copy of the binary and
# bundles under a directory it owns ($RL), and $XDG_RUNTIME_DIR=$RL/xdg, so the
# state root is $RL/xdg/aisbx (no --root). On this VM (cgroup v1, nothing
# delegated to the user) there is no cgroup: the pids cap is RLIMIT_NPROC.

load helpers

RL_USER=aisbx-rlt

setup_file() {
    [ "$(id -u)" = 0 ] || skip "needs root (creates a user)"
    [ "$AISBX_IT_RUNTIME" = aisbx ] || skip "aisbx only"
    command -v newuidmap >/dev/null || skip "newuidmap missing (hack/install-deps.sh: uidmap)"
    if id "$RL_USER" >/dev/null 2>&1; then
        skip "user $RL_USER already exists (left by another run?)"
    fi
    RL=$(mktemp -d /tmp/aisbx-rl.XXXXXX)
    export RL
    useradd -M -d "$RL/home" -s /bin/sh "$RL_USER"
    # useradd gives a subordinate range when /etc/subuid exists; otherwise one
    # is added here (userdel removes either)
    if ! grep -q "^$RL_USER:" /etc/subuid 2>/dev/null; then
        usermod --add-subuids 1700000000-1700065535 --add-subgids 1700000000-1700065535 "$RL_USER"
    fi
    RL_UID=$(id -u "$RL_USER")
    RL_GID=$(id -g "$RL_USER")
    # useradd gives the user a subordinate range (login.defs SUB_UID_*)
    RL_SUB=$(awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' /etc/subuid)
    RL_SUBG=$(awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' /etc/subgid)
    export RL_UID RL_GID RL_SUB RL_SUBG
    chmod 755 "$RL"
    mkdir -p "$RL/xdg" "$RL/home"
    chmod 700 "$RL/xdg"
    cp "$AISBX_BIN" "$RL/aisbx"
    chmod 755 "$RL/aisbx"
    # the systemd driver's helper, next to the binary as installed
    if [ -x "$(dirname "$AISBX_BIN")/aisbx-systemd" ]; then
        cp "$(dirname "$AISBX_BIN")/aisbx-systemd" "$RL/aisbx-systemd"
        chmod 755 "$RL/aisbx-systemd"
    fi
    echo '{"pids_max": 16}' >"$RL/policy16.json"
    chmod 644 "$RL/policy16.json"
    chown "$RL_USER:" "$RL/xdg" "$RL/home"
}

teardown_file() {
    [ -n "${RL:-}" ] || return 0
    local p
    for p in $(pgrep -U "$RL_UID" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    # -f: zombies of the user's (reparented to this VM's slow pid 1) would
    # make userdel refuse; they run nothing
    userdel -f "$RL_USER" 2>/dev/null
    umount_under "$RL"
    rm -rf --one-file-system "$RL"
}

# The runtime as the user: a clean environment with its XDG_RUNTIME_DIR.
rl() {
    timeout -k 5 "$AISBX_IT_TIMEOUT" setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin USER="$RL_USER" HOME="$RL/home" \
        XDG_RUNTIME_DIR="$RL/xdg" "$RL/aisbx" "$@" 3>&-
}

# Any command as the user (bundle making, host-side processes).
as_user() {
    setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$RL/home" "$@" 3>&-
}

# Like rt_bg: create/run -d keep the runtime's stdio, so no bats `run`.
rl_bg() {
    status=0
    rl "$@" </dev/null >>"$TESTDIR/ctr.out" 2>"$TESTDIR/rl.err" || status=$?
    output=$(cat "$TESTDIR/rl.err")
    [ "$status" -eq 0 ] || echo "# rl $*: exit $status: $output" >&2
}

rl_state() { rl state "$1" 2>/dev/null | jq -r ".$2"; }

rl_wait_status() { # ID STATUS
    local tries=100
    while [ "$tries" -gt 0 ]; do
        [ "$(rl_state "$1" status)" = "$2" ] && return 0
        sleep 0.1
        tries=$((tries - 1))
    done
    return 1
}

# A bundle made as the user with `runc spec --rootless` (runc 1.1's rootless
# spec, as a user would), else `aisbx spec --rootless`; busybox rootfs.
setup() {
    TESTDIR=$(mktemp -d "$RL/t.XXXXXX")
    chmod 755 "$TESTDIR"
    BUNDLE=$TESTDIR/bundle
    ID=rl-${TESTDIR##*.}
    ensure_template
    mkdir -p "$BUNDLE"
    cp -a "$AISBX_IT_TEMPLATE/rootfs" "$BUNDLE/"
    chown -R "$RL_USER:" "$TESTDIR"
    : >"$TESTDIR/ctr.out"
    if command -v runc >/dev/null; then
        (cd "$BUNDLE" && rm -f config.json && as_user runc spec --rootless)
    else
        (cd "$BUNDLE" && rm -f config.json && as_user "$RL/aisbx" spec --rootless)
    fi
    update_config '.process.terminal = false'
    cd "$TESTDIR" || return 1
}

teardown() {
    [ -n "${TESTDIR:-}" ] && [ -d "$TESTDIR" ] || return 0
    cd "$RL" || cd /
    local id p left
    # host-side processes a test started on purpose
    for p in $(cat "$TESTDIR/bg.pids" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    for id in $(ls "$RL/xdg/aisbx" 2>/dev/null); do
        rl delete --force "$id" </dev/null >/dev/null 2>&1
    done
    # nothing may be left: state dirs, processes, mounts
    left=$(ls "$RL/xdg/aisbx" 2>/dev/null)
    [ -z "$left" ] || record_leak "rootless state left after delete --force: $left"
    left=$(user_procs)
    [ -z "$left" ] || record_leak "rootless processes left: $left"
    for p in $(pgrep -U "$RL_UID" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    undelegate_cgroup "aisbx-rl-$AISBX_IT_RUN"
    if grep -q " $BUNDLE" /proc/self/mountinfo; then
        record_leak "mounts left under $BUNDLE"
    fi
    umount_under "$TESTDIR"
    rm -rf --one-file-system "$TESTDIR"
}

# This VM's pid 1 reaps orphans late: a zombie is a process that is gone.
proc_gone() { [ ! -e "/proc/$1" ] || grep -q '^State:.Z' "/proc/$1/status" 2>/dev/null; }

# The user's live processes (zombies excluded), "pid args" per line.
user_procs() { ps -u "$RL_UID" -o pid=,stat=,args= 2>/dev/null | awk '$2 !~ /^Z/'; }

# Runs `sh -c SCRIPT` in the foreground as the user, with global options
# after the script; stdout in $output, the runtime's stderr in $stderr.
rl_run_sh() {
    update_config '.process.args = ["sh", "-c", $s]' --arg s "$1"
    shift
    run --separate-stderr rl "$@" run --bundle "$BUNDLE" "$ID" </dev/null
    echo "# exit $status; stderr: $stderr" >&2
}

@test "rootless: a runc spec --rootless bundle runs as the user; container uid 0 is the user's uid" {
    rl_run_sh 'id -u; cat /proc/self/uid_map /proc/self/gid_map | tr -s " " | sed "s/^ //"; echo setgroups=$(cat /proc/self/setgroups)'
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 0 ]
    [ "${lines[1]}" = "0 $RL_UID 1" ]
    [ "${lines[2]}" = "0 $RL_GID 1" ]
    # a single mapping of the user's own gid: setgroups had to be denied first
    [[ "$output" == *"setgroups=deny"* ]]
    # state lived under $XDG_RUNTIME_DIR/aisbx (no --root given) and is gone again
    [ -d "$RL/xdg/aisbx" ]
    [ -z "$(ls "$RL/xdg/aisbx")" ]
    # the floor's compiled program is cached there too, the user's own
    [ "$(stat -c %u "$RL"/xdg/aisbx/.cache/floor-*.bpf)" = "$RL_UID" ]
}

# The class: anything the init decides from its own ids after the clone races
# the parent's map writes (once uid_map is written the init's euid reads 0).
# The init that took that for "not rootless" made itself non-dumpable, and the
# parent's next open of its setgroups or gid_map failed: ~1 create in 110 on
# this 2-core VM. 1500 creates find such a race with p > 0.999.
@test "rootless: 1500 creates in a row never lose the race with their own map writes" {
    update_config '.process.args = ["true"]'
    run as_user env XDG_RUNTIME_DIR="$RL/xdg" sh -c '
        f=0
        for i in $(seq 1500); do
            "$1" run --bundle "$2" "$3-$i" </dev/null >/dev/null 2>"$4/err" ||
                { f=$((f + 1)); tail -1 "$4/err"; }
        done
        echo "failed $f"' sh "$RL/aisbx" "$BUNDLE" "$ID" "$TESTDIR"
    echo "$output" | tail -5
    [ "$status" -eq 0 ]
    [ "${lines[-1]}" = "failed 0" ]
    [ -z "$(ls "$RL/xdg/aisbx")" ]
}

@test "rootless: the container's processes are the user's on the host" {
    update_config '.process.args = ["sleep", "300"]'
    rl_bg run -d --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    pid=$(rl_state "$ID" pid)
    [ "$(stat -c %u "/proc/$pid")" = "$RL_UID" ]
    [ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" = "$RL_UID" ]
    # and it is not root's business: root's own state root has nothing of it
    [ ! -e "/run/aisbx/$ID" ]
}

@test "rootless floor: NoNewPrivs 1, Seccomp 2, only lo, read-only root, no capabilities, masked paths" {
    rl_run_sh 'grep -E "^(NoNewPrivs|Seccomp|CapEff|CapPrm|CapBnd|CapAmb|CapInh):" /proc/self/status
        tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sed "s/^/if=/"
        touch /rootfs-probe 2>/dev/null && echo root=rw || echo root=ro
        head -c1 /proc/kcore 2>/dev/null | wc -c | sed "s/^/kcore=/"
        cat /sys/firmware/* 2>/dev/null | wc -c | sed "s/^/firmware=/"
        echo x >/proc/sysrq-trigger 2>/dev/null && echo sysrq=w || echo sysrq=ro
        unshare -r true 2>/dev/null && echo unshare=yes || echo unshare=no'
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"NoNewPrivs:	1"* ]]
    [[ "$output" == *"Seccomp:	2"* ]]
    for c in CapEff CapPrm CapBnd CapAmb CapInh; do
        [[ "$output" == *"$c:	0000000000000000"* ]]
    done
    [ "$(grep -c '^if=' <<<"$output")" -eq 1 ]
    [[ "$output" == *"if=lo"* ]]
    [[ "$output" == *"root=ro"* ]]
    [[ "$output" == *"kcore=0"* ]]
    [[ "$output" == *"firmware=0"* ]]
    [[ "$output" == *"sysrq=ro"* ]]
    [[ "$output" == *"unshare=no"* ]]
    [ ! -e "$BUNDLE/rootfs/rootfs-probe" ]
}

@test "rootless floor: tmpfs caps and the host's nodes read-only in /dev" {
    rl_run_sh 'df -k /tmp /dev/shm | tail -n +2 | awk "{ print \$6, \$2 }"
        echo x >/dev/null && echo devnull=ok
        chmod 777 /dev/null 2>/dev/null && echo chmod=yes || echo chmod=no'
    echo "$output"
    [ "$status" -eq 0 ]
    # the policy's tmpfs_max (64 MiB) on every tmpfs
    [[ "$output" == *"/tmp 65536"* ]]
    [[ "$output" == *"/dev/shm 65536"* ]]
    [[ "$output" == *"devnull=ok"* ]]
    [[ "$output" == *"chmod=no"* ]]
    [ "$(stat -c %a /dev/null)" = 666 ]
}

@test "rootless pids cap: no cgroup for the user, RLIMIT_NPROC at pids_max, logged; a fork loop stops there" {
    # the user's processes outside the container do not count against it:
    # the kernel counts per (user namespace, uid) since 5.14
    as_user sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do sleep 300 & echo $!; done' \
        </dev/null >"$TESTDIR/host.pids" 2>/dev/null
    [ "$(grep -c . "$TESTDIR/host.pids")" -eq 20 ]
    cat "$TESTDIR/host.pids" >>"$TESTDIR/bg.pids"
    # only builtins after the loop (its sleeps hold the count for 3 s)
    rl_run_sh 'echo soft=$(ulimit -u) hard=$(ulimit -H -u)
        (i=0; while :; do sleep 3 & i=$((i+1)); echo $i >/tmp/n; done) 2>/tmp/err
        read n </tmp/n; echo forks=$n
        ulimit -H -u 100000 2>/dev/null && echo raised=yes || echo raised=no' --policy "$RL/policy16.json"
    echo "$output"
    [ "$status" -eq 0 ]
    # 16 processes of the container's uid: sh, the subshell and 14 sleeps
    [[ "$output" == *"forks=14"* ]]
    [[ "$output" == *"soft=16 hard=16"* ]]
    [[ "$output" == *"raised=no"* ]]
    [[ "$stderr" == *"warning: rootless: running without a cgroup"*"RLIMIT_NPROC=16"* ]]
}

@test "rootless pids cap: exec processes get the same RLIMIT_NPROC and share the count" {
    set_long_running
    rl_bg --policy "$RL/policy16.json" create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    rl_bg start "$ID"
    [ "$status" -eq 0 ]
    rl_wait_status "$ID" running
    [ "$(rl_state "$ID" 'annotations["run.aisbx.pids-cap"]')" = "rlimit-nproc:16" ]
    run rl --policy "$RL/policy16.json" exec "$ID" sh -c 'ulimit -u; ulimit -H -u'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 16 ]
    [ "${lines[1]}" = 16 ]
    # the init, its sleep and this exec's sh count: 13 more, not 14
    run rl --policy "$RL/policy16.json" exec "$ID" sh -c '(i=0; while :; do sleep 3 & i=$((i+1)); echo $i >/tmp/n; done) 2>/dev/null; read n </tmp/n; echo forks=$n'
    echo "$output"
    [[ "$output" == *"forks=12"* ]]
}

@test "rootless lifecycle: create, start, state, list, exec, ps, kill --all, delete" {
    set_long_running
    rl_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    [ -d "$RL/xdg/aisbx/$ID" ]
    [ "$(stat -c %u "$RL/xdg/aisbx/$ID")" = "$RL_UID" ]
    [ "$(rl_state "$ID" status)" = created ]
    rl_bg start "$ID"
    [ "$status" -eq 0 ]
    rl_wait_status "$ID" running
    run rl list -q
    [ "$output" = "$ID" ]
    run rl exec "$ID" sh -c 'echo exec-ok; id -u'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = exec-ok ]
    [ "${lines[1]}" = 0 ]
    # ps without a cgroup: the processes of the container's pid namespace
    run rl ps --format json "$ID"
    [ "$status" -eq 0 ]
    [ "$(jq length <<<"$output")" -eq 2 ]
    run rl pause "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"has no cgroup"*"cannot pause"* ]]
    run rl kill --all "$ID" TERM
    [ "$status" -eq 0 ]
    rl_wait_status "$ID" stopped
    run rl delete "$ID"
    [ "$status" -eq 0 ]
    [ ! -e "$RL/xdg/aisbx/$ID" ]
}

@test "rootless: kill and delete --force of a running container leave nothing" {
    update_config '.process.args = ["sh", "-c", "sleep 300 & sleep 300 & wait"]'
    rl_bg run -d --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    pid=$(rl_state "$ID" pid)
    run rl kill "$ID" KILL
    [ "$status" -eq 0 ]
    rl_wait_status "$ID" stopped
    # SIGKILL of the init ends its pid namespace: no sleep survives
    wait_for sh -c "! ps -u $RL_UID -o stat=,comm= | grep -v '^Z' | grep -q sleep"
    rl delete --force "$ID"
    [ ! -e "$RL/xdg/aisbx/$ID" ]
    proc_gone "$pid"
}

@test "rootless: several id ranges go through newuidmap/newgidmap (subuid range of the user)" {
    update_config '.linux.uidMappings = [{"containerID":0,"hostID":$u,"size":1},{"containerID":1,"hostID":$s,"size":65536}]
        | .linux.gidMappings = [{"containerID":0,"hostID":$g,"size":1},{"containerID":1,"hostID":$sg,"size":65536}]
        | .process.user = {"uid":1000,"gid":1000}' \
        --argjson u "$RL_UID" --argjson g "$RL_GID" --argjson s "$RL_SUB" --argjson sg "$RL_SUBG"
    update_config '.process.args = ["sh", "-c", "cat /proc/self/uid_map; id -u; sleep 300"]'
    rl_bg run -d --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    pid=$(rl_state "$ID" pid)
    # uid 1000 in the container is subuid base + 999 on the host
    wait_for grep -q "^Uid:	$((RL_SUB + 999))" "/proc/$pid/status"
    run sh -c "tr -s ' ' <'/proc/$pid/uid_map'"
    [[ "$output" == *" 0 $RL_UID 1"*" 1 $RL_SUB 65536"* ]]
}

@test "rootless: a range outside the user's subuid is refused by newuidmap, nothing left" {
    update_config '.linux.uidMappings = [{"containerID":0,"hostID":$u,"size":1},{"containerID":1,"hostID":1,"size":10}]' \
        --argjson u "$RL_UID"
    rl_run_sh 'true'
    echo "$stderr"
    [ "$status" -eq 1 ]
    [ "$(grep -vc 'warning: rootless: running without a cgroup' <<<"$stderr")" -eq 1 ]
    [[ "$stderr" == *"newuidmap"*"failed"* ]]
    [ -z "$(ls "$RL/xdg/aisbx")" ]
}

@test "rootless: a config without a user namespace is refused with one line, nothing runs" {
    update_config 'del(.linux.namespaces[] | select(.type == "user")) | del(.linux.uidMappings, .linux.gidMappings)'
    rl_run_sh 'echo ran'
    [ "$status" -eq 1 ]
    [ -z "$output" ]
    [ "$stderr" = "aisbx: linux.namespaces: a rootless container requires a user namespace (see aisbx spec --rootless)" ]
    [ -z "$(ls "$RL/xdg/aisbx" 2>/dev/null)" ]
}

@test "rootless: --rootless false as a user: no fallback for the pids cap, one line, nothing runs" {
    rl_run_sh 'echo ran' --rootless false
    echo "$stderr"
    [ "$status" -eq 1 ]
    [ -z "$output" ]
    [ "$(grep -c . <<<"$stderr")" -eq 1 ]
    [[ "$stderr" == *"create cgroup"*"Permission denied"* ]]
    [ -z "$(ls "$RL/xdg/aisbx" 2>/dev/null)" ]
}

# --systemd-cgroup as a user goes to the user's own systemd (the user bus or
# systemd --user's private socket under $XDG_RUNTIME_DIR), never the system
# manager. This VM has no systemd: one line naming both sockets, nothing
# runs, nothing is left. The stock-host lane runs it against a real one.
@test "rootless systemd-cgroup: no user manager -> one line naming \$XDG_RUNTIME_DIR's sockets, nothing left" {
    [ -x "$RL/aisbx-systemd" ] || skip "aisbx-systemd not built (libsystemd-dev)"
    update_config '.linux.cgroupsPath = $p | .process.args = ["true"]' \
        --arg p "user.slice:aisbx-it:$ID"
    run --separate-stderr rl --systemd-cgroup run --bundle "$BUNDLE" "$ID" </dev/null
    echo "status $status stderr: $stderr"
    [ "$status" -eq 1 ]
    [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
    [[ "$stderr" == *"systemd user manager"*"$RL/xdg/bus"*"$RL/xdg/systemd/private"* ]]
    [[ "$stderr" != *"/run/systemd/private"* ]]
    [ -z "$(ls "$RL/xdg/aisbx" 2>/dev/null)" ] # (the seccomp cache .cache stays)
    [ -z "$(user_procs)" ]
    # an explicit user bus address is the one named
    run --separate-stderr timeout -k 5 "$AISBX_IT_TIMEOUT" setpriv --reuid="$RL_UID" \
        --regid="$RL_GID" --clear-groups env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        XDG_RUNTIME_DIR="$RL/xdg" DBUS_SESSION_BUS_ADDRESS="unix:path=$RL/xdg/nobus" \
        "$RL/aisbx" --systemd-cgroup run --bundle "$BUNDLE" "$ID" </dev/null
    echo "status $status stderr: $stderr"
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"user bus at unix:path=$RL/xdg/nobus"* ]]
    [ -z "$(ls "$RL/xdg/aisbx" 2>/dev/null)" ] # (the seccomp cache .cache stays)
}

@test "rootless: --rootless takes true, false or auto" {
    run rl --rootless maybe list
    [ "$status" -eq 1 ]
    [ "$output" = 'aisbx: invalid --rootless value "maybe": must be true, false or auto' ]
    run rl --rootless true list -q
    [ "$status" -eq 0 ]
}

@test "rootless: without XDG_RUNTIME_DIR the default root, and the error says what to set" {
    run timeout 10 setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups \
        env -i PATH=/usr/bin:/bin "$RL/aisbx" run --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -eq 1 ]
    [[ "$output" == *"/run/aisbx"*"(rootless: set \$XDG_RUNTIME_DIR or --root)" ]]
}

@test "rootless: --root wins over XDG_RUNTIME_DIR" {
    mkdir -p "$TESTDIR/state" && chown "$RL_USER:" "$TESTDIR/state"
    rl_run_sh 'echo ran' --root "$TESTDIR/state"
    [ "$status" -eq 0 ]
    [[ "$output" == *ran* ]]
    [ -z "$(ls "$RL/xdg/aisbx" 2>/dev/null)" ]
}

# A cgroup subtree root hands to the user (chowned, as systemd's Delegate=yes
# does): every hierarchy aisbx uses on v1, the one directory on v2.
delegate_cgroup() { # NAME
    local d
    if cgroup_v2; then
        mkdir -p "/sys/fs/cgroup/$1" && chown -R "$RL_USER:" "/sys/fs/cgroup/$1"
        return
    fi
    for d in /sys/fs/cgroup/*/; do
        [ -f "$d/cgroup.procs" ] || continue
        case $d in */unified/ | */systemd/) continue ;; esac
        mkdir -p "$d$1" && chown -R "$RL_USER:" "$d$1"
    done
}

undelegate_cgroup() { # NAME
    local d
    for d in /sys/fs/cgroup/*/"$1" /sys/fs/cgroup/"$1"; do
        [ -d "$d" ] || continue
        find "$d" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null
        rmdir "$d" 2>/dev/null || record_leak "cgroup $d not empty"
    done
}

@test "rootless pids cap: a delegated, writable cgroup holds it (pids.max), no RLIMIT_NPROC" {
    local cg=aisbx-rl-$AISBX_IT_RUN
    delegate_cgroup "$cg"
    update_config '.linux.cgroupsPath = $p | .process.args = ["sh", "-c", "ulimit -u; sleep 300"]' \
        --arg p "/$cg/$ID"
    rl_bg --policy "$RL/policy16.json" run -d --bundle "$BUNDLE" "$ID"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"rootless: cgroup /$cg/$ID made by the user; the pids cap is its pids.max"* ]]
    [ "$(rl_state "$ID" 'annotations["run.aisbx.pids-cap"]')" = cgroup ]
    pid=$(rl_state "$ID" pid)
    grep -q "pids:/$cg/$ID\$\|^0::/$cg/$ID\$" "/proc/$pid/cgroup"
    [ "$(cat "$(cgroup_file pids pids.max "/$cg/$ID")")" = 16 ]
    # the user's own RLIMIT_NPROC stays: the cgroup is the holder
    wait_for grep -q . "$TESTDIR/ctr.out"
    [ "$(head -1 "$TESTDIR/ctr.out")" != 16 ]
    run rl delete --force "$ID"
    [ "$status" -eq 0 ]
    [ ! -d "$(dirname "$(cgroup_file pids pids.max "/$cg/$ID")")" ]
}

# attacks.bats' probes that apply to a rootless container, in one batch
# (testdata/attack.c, built once per run).
@test "rootless attacks: sockets, namespaces, ptrace, mounts, kernel interfaces, nodes, caps, the root, a fork bomb" {
    local bin ns a=() line n
    bin=$(attack_bin)
    install -m 755 -o "$RL_USER" "$bin" "$BUNDLE/rootfs/attack"
    local eperm=("socket packet" "socket inet-raw" "socket netlink-audit" mount remount-root
        "umount /proc/kcore" chroot pivot-root ptrace-attach process-vm-readv keyctl bpf perf
        userfaultfd open-by-handle init-module kexec reboot "sethostname aisbx-pwned" settimeofday
        "mknod char /tmp/mem" "mknod block /tmp/sda" capset ambient)
    for ns in user net ns pid ipc uts cgroup; do a+=("unshare $ns" "clone $ns"); done
    local script='' x
    for x in "${eperm[@]}" "${a[@]}" clone3 "write-new /attack-x" clear-nnp "forkbomb 5000"; do
        script+="r=\$(/attack $x 2>/dev/null); echo \"$x: \$r\""$'\n'
    done
    local host_hostname
    host_hostname=$(hostname)
    update_config '.process.args = ["sh", "-c", $s]' --arg s "$script"
    run --separate-stderr rl --policy "$RL/policy16.json" run --bundle "$BUNDLE" "$ID" </dev/null
    echo "$output"
    [ "$status" -eq 0 ]
    result() { grep -F "$1: " <<<"$output" | head -1 | sed "s/^.*: //"; }
    for x in "${eperm[@]}" "${a[@]}"; do
        [[ "$(result "$x")" == "BLOCKED EPERM"* ]] || { echo "ATTACK '$x': $(result "$x")" >&2; false; }
    done
    [[ "$(result clone3)" == "BLOCKED ENOSYS"* ]]
    [[ "$(result "write-new /attack-x")" == "BLOCKED EROFS"* ]]
    [[ "$(result clear-nnp)" == "BLOCKED EINVAL"* ]]
    # the fork bomb stops at RLIMIT_NPROC 16 (sh, the /attack process, its children)
    line=$(result "forkbomb 5000")
    [[ "$line" == "BLOCKED EAGAIN forks="* ]]
    n=${line#*forks=}
    n=${n%% *}
    [ "$n" -gt 0 ] && [ "$n" -le 16 ]
    [[ "$line" == *"fork-after=ok"* ]]
    [ "$(hostname)" = "$host_hostname" ]
}

@test "rootless pids cap: without a cgroup, a process that may change its uid (CAP_SETUID) is refused" {
    echo '{"pids_max": 16, "capabilities": ["CAP_SETUID"]}' >"$TESTDIR/setuid-policy.json"
    chmod 644 "$TESTDIR/setuid-policy.json"
    update_config '.process.capabilities.bounding += ["CAP_SETUID"] | .process.capabilities.permitted += ["CAP_SETUID"]'
    rl_run_sh 'echo ran' --policy "$TESTDIR/setuid-policy.json"
    echo "$stderr"
    [ "$status" -eq 1 ]
    [ -z "$output" ]
    [ "$(grep -c . <<<"$stderr")" -eq 1 ]
    [[ "$stderr" == *"CAP_SETUID would escape the pids cap"* ]]
    [ -z "$(ls "$RL/xdg/aisbx")" ]
}
