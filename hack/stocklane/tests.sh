#!/bin/bash
# The stock-host lane's guest side (hack/stock-lane.sh): runs once at boot as
# a systemd unit on a stock Debian 12 (systemd, cgroup v2, AppArmor, engines in
# their default configs, aisbx registered as the README says), writes to the
# serial console and powers off.
#
# Every case runs once per runtime (runc first, then aisbx) in the same boot.
# A runtime other than runc must also give runc's exit status and output
# (the files "$T/cmp.CASE.RT"), so the lane proves itself against runc. For
# aisbx, the *_floor cases check its hardening floor inside the container and
# on the host (scope unit TasksMax, cgroup pids.max), and the *_rm cases
# check that nothing is left behind (scope unit, cgroup, mounts, state) —
# for runc too, which shows the check itself is sound.
#
# Prints "ok N CASE/RT" or "not ok N CASE/RT: reason" per case, "# ..."
# for information, and "stock-host: N passed, N failed".
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C HOME=/root
P=/opt/aisbx-stock
AISBX=/usr/local/bin/aisbx
RUNTIMES=$(cat "$P/runtimes.env" 2>/dev/null)
RUNTIMES=${RUNTIMES:-runc aisbx}
GROUPS_RUN=$(cat "$P/tests.env" 2>/dev/null)
GROUPS_RUN=${GROUPS_RUN:-docker podman podman_rootless cri ctr bundle bench}
T=$(mktemp -d /tmp/stock.XXXXXX)
DIMG=aisbx/busybox:test                 # docker import
PIMG=localhost/aisbx/busybox:test       # podman import
CIMG=docker.io/aisbx/busybox:test       # ctr / CRI (OCI layout import)
CMD_CMP='echo hello; id -u; cat /proc/self/attr/current; echo'
# The floor as seen from inside: interfaces, root writability, NNP, seccomp, AppArmor.
# shellcheck disable=SC2016 # expanded in the container
PROBE='echo "if: $(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sort | tr "\n" " ")"
if touch /.stock-rw 2>/dev/null; then echo "root: rw"; else echo "root: ro"; fi
grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status | tr -s "\t " "  "
echo "aa: $(cat /proc/self/attr/current 2>/dev/null)"'

exec 2>&1
echo "@@STOCK-BEGIN@@"
n=0 npass=0 nfail=0
info() { echo "# $*"; }
bounded() { timeout -k 5 120 "$@"; }
REASON=""
fail() { [ -n "$REASON" ] || REASON=$*; return 1; }
# last meaningful line of an error file, on one line
err() { grep -v '^\s*$' "$1" 2>/dev/null | tail -n 2 | tr '\n' ' ' | cut -c1-300; }

# case NAME RT: runs tc_NAME RT; compares with runc's result for other runtimes.
case_() {
    local name=$1 rt=$2 rc
    REASON=""
    CMP=$T/cmp.$name.$rt
    : >"$CMP"
    "tc_$name" "$rt"
    rc=$?
    [ $rc -ne 0 ] && [ -z "$REASON" ] && REASON="exit $rc"
    if [ -z "$REASON" ] && [ "$rt" != runc ] && [ -f "$T/cmp.$name.runc" ] && [ -e "$T/ok.$name.runc" ] &&
        ! cmp -s "$CMP" "$T/cmp.$name.runc"; then
        REASON="output differs from runc's: got [$(tr '\n' '|' <"$CMP")] runc [$(tr '\n' '|' <"$T/cmp.$name.runc")]"
    fi
    n=$((n + 1))
    if [ -z "$REASON" ]; then
        npass=$((npass + 1))
        touch "$T/ok.$name.$rt"
        echo "ok $n $name/$rt"
    else
        nfail=$((nfail + 1))
        echo "not ok $n $name/$rt: $REASON"
    fi
}
want() { [[ " $GROUPS_RUN " == *" $1 "* ]]; }

# floor_in OUT AA_GLOB: checks a PROBE output.
floor_in() {
    local out=$1 aa=$2 a
    grep -qx 'if: lo ' <<<"$out" || fail "interfaces: $(grep '^if:' <<<"$out")"
    grep -qx 'root: ro' <<<"$out" || fail "root is writable"
    grep -qx 'NoNewPrivs: 1' <<<"$out" || fail "$(grep NoNewPrivs <<<"$out" || echo 'no NoNewPrivs line')"
    grep -qx 'Seccomp: 2' <<<"$out" || fail "$(grep Seccomp: <<<"$out" || echo 'no Seccomp line')"
    a=$(sed -n 's/^aa: //p' <<<"$out")
    # shellcheck disable=SC2053 # a glob on purpose
    [[ $a == $aa ]] || fail "AppArmor: '$a', want '$aa'"
    [ -z "$REASON" ]
}
# The lane boots cgroup v2 only, or hybrid (STOCK_CGROUP=hybrid: v1
# controllers, systemd's unified tree at /sys/fs/cgroup/unified).
if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then CGV=2; else CGV=1; fi
# cgroup_of PID: PID's cgroup path (v1: in the pids hierarchy)
cgroup_of() {
    if [ "$CGV" = 2 ]; then
        sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null
    else
        sed -n 's/^[0-9]*:pids://p' "/proc/$1/cgroup" 2>/dev/null
    fi
}
# cgdir CGROUP CONTROLLER: the directory of CGROUP (v1: in that controller's hierarchy)
cgdir() { if [ "$CGV" = 2 ]; then echo "/sys/fs/cgroup$1"; else echo "/sys/fs/cgroup/$2$1"; fi; }
# cg_frozen CGROUP: the freezer's view, the same text for every runtime
cg_frozen() {
    if [ "$CGV" = 2 ]; then
        echo "cgroup.freeze=$(cat "/sys/fs/cgroup$1/cgroup.freeze" 2>&1)"
    else
        echo "freezer.state=$(cat "/sys/fs/cgroup/freezer$1/freezer.state" 2>&1)"
    fi
}
# cg_procs CGROUP: "pid:comm ..." of the processes in a cgroup (and below)
cg_procs() {
    local p
    find "$(cgdir "$1" pids)" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -un | while read -r p; do
        printf '%s:%s ' "$p" "$(cat "/proc/$p/comm" 2>/dev/null)"
    done
}
# floor_cg PID SCOPE_WANTED(0|1): pids.max set, and = TasksMax of the scope unit.
floor_cg() {
    local pid=$1 scope=$2 cg pm unit tm
    cg=$(cgroup_of "$pid")
    [ -n "$cg" ] || { fail "no cgroup for pid '$pid'"; return 1; }
    pm=$(cat "$(cgdir "$cg" pids)/pids.max" 2>/dev/null)
    unit=$(basename "$cg")
    tm=-
    [[ $unit == *.scope ]] && tm=$(systemctl show -p TasksMax --value "$unit")
    info "cgroup $cg pids.max=$pm TasksMax=$tm procs: $(cg_procs "$cg")"
    case $pm in '' | max) fail "pids.max is '$pm' in $cg" ;; esac
    if [ "$scope" = 1 ]; then
        [[ $unit == *.scope ]] || fail "cgroup $cg is not a systemd scope"
        [ "$tm" = "$pm" ] || fail "TasksMax of $unit is '$tm', pids.max '$pm'"
    fi
    [ -z "$REASON" ]
}
# leftovers ID...: nothing may mention a removed container.
leftovers() {
    local id u c m s
    for id in "$@"; do
        [ -n "$id" ] || continue
        u=$(systemctl list-units --all --no-legend --plain | grep -F "$id" | awk '{print $1}' | tr '\n' ' ')
        [ -z "$u" ] || fail "units left: $u"
        c=$(find /sys/fs/cgroup -type d -name "*$id*" 2>/dev/null | head -3 | tr '\n' ' ')
        [ -z "$c" ] || fail "cgroups left: $c"
        m=$(grep -F "$id" /proc/self/mountinfo | awk '{print $5}' | head -3 | tr '\n' ' ')
        [ -z "$m" ] || fail "mounts left: $m"
        s=$(find /run /var/lib/docker /var/lib/containers /var/lib/containerd -name "*$id*" 2>/dev/null | head -3 | tr '\n' ' ')
        [ -z "$s" ] || fail "state left: $s"
    done
    [ -z "$REASON" ]
}
# unit_gone ID: only the transient unit check (for flows that leave engine state on purpose)

# ---------------------------------------------------------------- facts
facts() {
    info "uptime $(cut -d' ' -f1 /proc/uptime) s, $(uname -r), system: $(systemctl is-system-running)"
    info "cgroup: $(stat -fc %T /sys/fs/cgroup) (v$CGV) controllers: $(cat /sys/fs/cgroup/cgroup.controllers 2>/dev/null || find /sys/fs/cgroup -mindepth 1 -maxdepth 1 -printf '%f ')"
    info "system bus: $(stat -c '%A %n' /run/dbus/system_bus_socket 2>&1); /run/systemd/private: $([ -S /run/systemd/private ] && echo socket || echo absent)"
    info "apparmor: enabled=$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null) securityfs=$([ -d /sys/kernel/security/apparmor ] && echo yes || echo no) lsm=$(cat /sys/kernel/security/lsm 2>/dev/null)"
    info "versions: $(runc --version | head -1); $(crun --version | head -1); docker $(docker version -f '{{.Server.Version}}' 2>&1); $(containerd --version | awk '{print $1, $3}'); $(podman --version)"
    info "aisbx: $($AISBX --version 2>&1 | head -1); aisbx-systemd: $([ -x /usr/local/bin/aisbx-systemd ] && echo present || echo absent)"
    info "docker: $(docker info -f 'cgroup driver {{.CgroupDriver}} v{{.CgroupVersion}} runtimes {{range $k, $v := .Runtimes}}{{$k}} {{end}} security {{.SecurityOptions}}' 2>&1)"
    info "podman: $(podman info -f 'cgroup manager {{.Host.CgroupManager}} cgroups {{.Host.CgroupsVersion}}' 2>&1)"
}
aa_profiles() {
    info "AppArmor profiles loaded: $(sed -n 's/ (.*//p' /sys/kernel/security/apparmor/profiles 2>/dev/null | grep -Ev '^(/|lsb_release|nvidia|man_|ping)' | sort | tr '\n' ' ')"
}

# ---------------------------------------------------------------- docker
tc_docker_run() {
    bounded docker run --rm --runtime="$1" "$DIMG" sh -c "$CMD_CMP" >"$CMP" 2>"$T/err" ||
        fail "docker run exited $?: $(err "$T/err")"
}
declare -A DCID
tc_docker_start() {
    DCID[$1]=$(bounded docker run -d --runtime="$1" "$DIMG" sleep 3600 2>"$T/err") ||
        { DCID[$1]=""; fail "docker run -d: $(err "$T/err")"; return; }
    [ "$(docker inspect -f '{{.State.Status}}' "${DCID[$1]}")" = running ] || fail "not running"
    echo running >"$CMP"
}
dk_need() { [ -n "${DCID[$1]:-}" ] || fail "no container (docker_start failed)"; }
tc_docker_exec() {
    dk_need "$1" || return
    bounded docker exec "${DCID[$1]}" sh -c "$CMD_CMP" >"$CMP" 2>"$T/err" || fail "docker exec exited $?: $(err "$T/err")"
}
tc_docker_floor() {
    dk_need "$1" || return
    local out pid
    out=$(bounded docker exec "${DCID[$1]}" sh -c "$PROBE" 2>&1) || { fail "docker exec: $out"; return; }
    info "$(tr '\n' ';' <<<"$out")"
    floor_in "$out" 'docker-default (enforce)'
    pid=$(docker inspect -f '{{.State.Pid}}' "${DCID[$1]}")
    floor_cg "$pid" "$([ "$(docker info -f '{{.CgroupDriver}}')" = systemd ] && echo 1 || echo 0)"
}
tc_docker_pause() {
    dk_need "$1" || return
    local cg
    bounded docker pause "${DCID[$1]}" >/dev/null 2>"$T/err" || { fail "docker pause: $(err "$T/err")"; return; }
    docker inspect -f '{{.State.Status}}' "${DCID[$1]}" >"$CMP"
    cg=$(cgroup_of "$(docker inspect -f '{{.State.Pid}}' "${DCID[$1]}")")
    cg_frozen "$cg" >>"$CMP"
}
tc_docker_unpause() {
    dk_need "$1" || return
    bounded docker unpause "${DCID[$1]}" >/dev/null 2>"$T/err" || { fail "docker unpause: $(err "$T/err")"; return; }
    docker inspect -f '{{.State.Status}}' "${DCID[$1]}" >"$CMP"
    bounded docker exec "${DCID[$1]}" echo exec-after-unpause >>"$CMP" 2>"$T/err" || fail "exec after unpause: $(err "$T/err")"
}
tc_docker_update() {
    dk_need "$1" || return
    local cg unit
    bounded docker update --pids-limit 42 "${DCID[$1]}" >/dev/null 2>"$T/err" || { fail "docker update: $(err "$T/err")"; return; }
    cg=$(cgroup_of "$(docker inspect -f '{{.State.Pid}}' "${DCID[$1]}")")
    unit=$(basename "$cg")
    # docker's cgroupfs driver (its default on v1) makes no unit
    if [[ $unit == *.scope ]]; then
        echo "pids.max=$(cat "$(cgdir "$cg" pids)/pids.max" 2>&1) TasksMax=$(systemctl show -p TasksMax --value "$unit")" >"$CMP"
        grep -q 'pids.max=42 TasksMax=42' "$CMP" || fail "after update: $(cat "$CMP")"
    else
        echo "pids.max=$(cat "$(cgdir "$cg" pids)/pids.max" 2>&1)" >"$CMP"
        grep -q 'pids.max=42' "$CMP" || fail "after update: $(cat "$CMP")"
    fi
}
tc_docker_stats() {
    # On a bridge network dockerd drops the whole sample when it cannot read
    # eth0, which the floor removes (README "Known gaps"): measured on a
    # --network none container, for both runtimes alike.
    local out id
    id=$(bounded docker run -d --network none --runtime="$1" "$DIMG" sleep 600 2>"$T/err") ||
        { fail "docker run --network none: $(err "$T/err")"; return; }
    sleep 1
    out=$(bounded docker stats --no-stream --format '{{.ID}} {{.PIDs}} {{.MemUsage}}' "$id" 2>&1)
    local rc=$?
    docker rm -f "$id" >/dev/null 2>&1
    [ $rc -eq 0 ] || { fail "docker stats: $out"; return; }
    info "stats: $out"
    read -r _ pids _ <<<"$out"
    [ "${pids:-0}" -ge 1 ] 2>/dev/null || { fail "stats show no pids: $out"; return; }
    echo "pids>=1" >"$CMP"
}
tc_docker_stop() {
    dk_need "$1" || return
    bounded docker stop -t 2 "${DCID[$1]}" >/dev/null 2>"$T/err" || { fail "docker stop: $(err "$T/err")"; return; }
    docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "${DCID[$1]}" >"$CMP"
}
tc_docker_rm() {
    dk_need "$1" || return
    bounded docker rm -f "${DCID[$1]}" >/dev/null 2>"$T/err" || { fail "docker rm: $(err "$T/err")"; return; }
    sleep 1
    leftovers "${DCID[$1]}"
}
group_docker() {
    local rt c
    bounded docker import -c 'CMD ["/bin/sh"]' "$P/images/rootfs.tar" "$DIMG" >/dev/null 2>"$T/err" ||
        info "docker import failed: $(err "$T/err")"
    for rt in $RUNTIMES; do
        for c in run start exec floor pause unpause update stats stop rm; do
            [ "$c" = floor ] && [ "$rt" = runc ] && continue
            case_ "docker_$c" "$rt"
        done
    done
}

# ---------------------------------------------------------------- podman
declare -A PCID
tc_podman_run() {
    bounded podman run --rm --runtime "$1" "$PIMG" sh -c "$CMD_CMP" >"$T/out" 2>"$T/err" ||
        fail "podman run exited $?: $(err "$T/err")"
    # the profile name carries podman's version: compare its shape only
    sed 's/^containers-default-[0-9.]* /containers-default-X /' "$T/out" >"$CMP"
}
tc_podman_start() {
    PCID[$1]=$(bounded podman run -d --runtime "$1" "$PIMG" sleep 3600 2>"$T/err") ||
        { PCID[$1]=""; fail "podman run -d: $(err "$T/err")"; return; }
    podman inspect -f '{{.State.Status}}' "${PCID[$1]}" >"$CMP"
}
pd_need() { [ -n "${PCID[$1]:-}" ] || fail "no container (podman_start failed)"; }
tc_podman_exec() {
    pd_need "$1" || return
    bounded podman exec "${PCID[$1]}" sh -c "$CMD_CMP" >"$T/out" 2>"$T/err" || fail "podman exec exited $?: $(err "$T/err")"
    sed 's/^containers-default-[0-9.]* /containers-default-X /' "$T/out" >"$CMP"
}
tc_podman_floor() {
    pd_need "$1" || return
    local out pid
    out=$(bounded podman exec "${PCID[$1]}" sh -c "$PROBE" 2>&1) || { fail "podman exec: $out"; return; }
    info "$(tr '\n' ';' <<<"$out")"
    floor_in "$out" 'containers-default-* (enforce)'
    pid=$(podman inspect -f '{{.State.Pid}}' "${PCID[$1]}")
    floor_cg "$pid" 1
}
tc_podman_stop() {
    pd_need "$1" || return
    bounded podman stop -t 2 "${PCID[$1]}" >/dev/null 2>"$T/err" || { fail "podman stop: $(err "$T/err")"; return; }
    podman inspect -f '{{.State.Status}} {{.State.ExitCode}}' "${PCID[$1]}" >"$CMP"
}
tc_podman_rm() {
    pd_need "$1" || return
    bounded podman rm -f "${PCID[$1]}" >/dev/null 2>"$T/err" || { fail "podman rm: $(err "$T/err")"; return; }
    sleep 1
    leftovers "${PCID[$1]}"
}
group_podman() {
    local rt c
    bounded podman import -c 'CMD ["/bin/sh"]' "$P/images/rootfs.tar" "$PIMG" >/dev/null 2>"$T/err" ||
        info "podman import failed: $(err "$T/err")"
    for rt in $RUNTIMES; do
        for c in run start exec floor stop rm; do
            [ "$c" = floor ] && [ "$rt" = runc ] && continue
            case_ "podman_$c" "$rt"
        done
    done
}

# ---------------------------------------------------------------- podman rootless
# A real user (made here, not in the cached root) with subordinate ids and
# linger, so systemd --user runs for it; podman as that user through
# `runuser -l` (pam_systemd: a logind session, XDG_RUNTIME_DIR, the user
# bus), podman's defaults (cgroup_manager systemd): the container is a scope
# of the user's manager, under user@UID.service.
RLU=stockuser
RLUID=""
rl_setup() {
    id "$RLU" >/dev/null 2>&1 || useradd -m -s /bin/bash "$RLU" || return 1
    grep -q "^$RLU:" /etc/subuid 2>/dev/null ||
        usermod --add-subuids 200000-265535 --add-subgids 200000-265535 "$RLU" || return 1
    RLUID=$(id -u "$RLU")
    loginctl enable-linger "$RLU" || return 1
    for _ in $(seq 1 150); do
        systemctl is-active -q "user@$RLUID.service" && [ -S "/run/user/$RLUID/bus" ] && return 0
        sleep 0.2
    done
    info "user manager: $(systemctl is-active "user@$RLUID.service" 2>&1); $(find "/run/user/$RLUID" -maxdepth 1 2>&1 | tr '\n' ' ')"
    return 1
}
# as_rl CMD...: CMD in a login session of the user (arguments quoted).
as_rl() { bounded runuser -l "$RLU" -c "$(printf '%q ' "$@")" </dev/null; }
declare -A RCID
tc_podman_rl_run() {
    as_rl podman run --rm --runtime "$1" "$PIMG" sh -c "$CMD_CMP" >"$T/out" 2>"$T/err" ||
        fail "podman run exited $?: $(err "$T/err")"
    sed 's/^containers-default-[0-9.]* /containers-default-X /' "$T/out" >"$CMP"
}
tc_podman_rl_start() {
    RCID[$1]=$(as_rl podman run -d --runtime "$1" "$PIMG" sleep 3600 2>"$T/err") ||
        { RCID[$1]=""; fail "podman run -d: $(err "$T/err")"; return; }
    as_rl podman inspect -f '{{.State.Status}}' "${RCID[$1]}" >"$CMP"
}
rl_need() { [ -n "${RCID[$1]:-}" ] || fail "no container (podman_rl_start failed)"; }
tc_podman_rl_exec() {
    rl_need "$1" || return
    as_rl podman exec "${RCID[$1]}" sh -c "$CMD_CMP" >"$T/out" 2>"$T/err" || fail "podman exec exited $?: $(err "$T/err")"
    sed 's/^containers-default-[0-9.]* /containers-default-X /' "$T/out" >"$CMP"
}
# The floor inside, and the pids cap on the host: pids.max of the scope
# (under the user's user@UID.service) = TasksMax of the user's unit, at
# most the policy's pids_max; every exec'd process in that scope too.
tc_podman_rl_floor() {
    rl_need "$1" || return
    local out pid cg pm unit tm np mm mu
    out=$(as_rl podman exec "${RCID[$1]}" sh -c "$PROBE" 2>&1) || { fail "podman exec: $out"; return; }
    info "$(tr '\n' ';' <<<"$out")"
    floor_in "$out" '*'
    pid=$(as_rl podman inspect -f '{{.State.Pid}}' "${RCID[$1]}")
    cg=$(cgroup_of "$pid")
    pm=$(cat "/sys/fs/cgroup$cg/pids.max" 2>/dev/null)
    unit=$(basename "$cg")
    tm=$(as_rl systemctl --user show -p TasksMax --value "$unit" 2>&1)
    info "cgroup $cg pids.max=$pm TasksMax(user)=$tm procs: $(cg_procs "$cg")"
    [[ $cg == /user.slice/user-$RLUID.slice/user@$RLUID.service/* ]] || fail "cgroup $cg is not in the user's manager"
    [[ $unit == *.scope ]] || fail "cgroup $cg is not a scope"
    case $pm in '' | max) fail "pids.max is '$pm' in $cg" ;; esac
    [ "$tm" = "$pm" ] || fail "TasksMax of $unit is '$tm', pids.max '$pm'"
    [ "${pm:-0}" -le 256 ] 2>/dev/null || fail "pids.max $pm above the policy's 256"
    # the floor's memory cap, a property of the user's unit too (memory is
    # delegated to users on Debian 12)
    mm=$(cat "/sys/fs/cgroup$cg/memory.max" 2>/dev/null)
    mu=$(as_rl systemctl --user show -p MemoryMax --value "$unit" 2>&1)
    info "memory.max=$mm MemoryMax(user)=$mu"
    case $mm in '' | max) fail "memory.max is '$mm' in $cg" ;; esac
    [ "$mu" = "$mm" ] || fail "MemoryMax of $unit is '$mu', memory.max '$mm'"
    # an exec'd process is counted there too
    as_rl podman exec -d "${RCID[$1]}" sleep 31 >/dev/null 2>"$T/err" || fail "podman exec -d: $(err "$T/err")"
    sleep 0.5
    np=$(find "/sys/fs/cgroup$cg" -name cgroup.procs -exec cat {} + 2>/dev/null | wc -l)
    info "after exec -d: $(cg_procs "$cg")"
    [ "$np" -ge 2 ] || fail "the exec'd process is not in $cg ($np processes there)"
    [ -z "$REASON" ]
}
# pause/unpause: the freezer of the scope in the user's delegated tree
tc_podman_rl_pause() {
    rl_need "$1" || return
    local cg
    as_rl podman pause "${RCID[$1]}" >/dev/null 2>"$T/err" || { fail "podman pause: $(err "$T/err")"; return; }
    as_rl podman inspect -f '{{.State.Status}}' "${RCID[$1]}" >"$CMP"
    cg=$(cgroup_of "$(as_rl podman inspect -f '{{.State.Pid}}' "${RCID[$1]}")")
    cg_frozen "$cg" >>"$CMP"
    as_rl podman unpause "${RCID[$1]}" >/dev/null 2>"$T/err" || { fail "podman unpause: $(err "$T/err")"; return; }
    as_rl podman inspect -f '{{.State.Status}}' "${RCID[$1]}" >>"$CMP"
    as_rl podman exec "${RCID[$1]}" echo exec-after-unpause >>"$CMP" 2>"$T/err" || fail "exec after unpause: $(err "$T/err")"
}
tc_podman_rl_stop() {
    rl_need "$1" || return
    as_rl podman stop -t 2 "${RCID[$1]}" >/dev/null 2>"$T/err" || { fail "podman stop: $(err "$T/err")"; return; }
    as_rl podman inspect -f '{{.State.Status}} {{.State.ExitCode}}' "${RCID[$1]}" >"$CMP"
}
tc_podman_rl_rm() {
    rl_need "$1" || return
    local id=${RCID[$1]} u c s
    as_rl podman rm -f "$id" >/dev/null 2>"$T/err" || { fail "podman rm: $(err "$T/err")"; return; }
    sleep 1
    u=$(as_rl systemctl --user list-units --all --no-legend --plain | grep -F "$id" | awk '{print $1}' | tr '\n' ' ')
    [ -z "$u" ] || fail "user units left: $u"
    leftovers "$id"
    s=$(find "/run/user/$RLUID" "/home/$RLU/.local/share/containers" -name "*$id*" 2>/dev/null | head -3 | tr '\n' ' ')
    [ -z "$s" ] || fail "user state left: $s"
    [ -z "$REASON" ]
}
# A bare bundle as the plain user (no podman): `RT spec --rootless`,
# --systemd-cgroup through the user's manager. run (compared), then create/
# start, the floor and the scope (aisbx), update --pids-limit 42 (pids.max
# and the user unit's TasksMax, compared), kill, delete, nothing left.
tc_rl_bundle() {
    local rt=$1 bin id b out pid cg unit g=(--systemd-cgroup)
    bin=$(rtbin "$rt")
    id=rlb$rt$RANDOM
    b=/home/$RLU/b.$id
    if ! as_rl mkdir -p "$b/rootfs" 2>"$T/err" || ! as_rl tar -C "$b/rootfs" -xf "/home/$RLU/rootfs.tar" 2>"$T/err"; then
        fail "untar as the user: $(err "$T/err")"
        return
    fi
    as_rl sh -c "cd $b && $bin spec --rootless" 2>"$T/err" || { fail "$rt spec --rootless: $(err "$T/err")"; return; }
    rlcfg() { # ID ARGS_JSON
        jq --arg cg "user.slice:stock-rl:$1" --argjson args "$2" \
            '.process.terminal = false | .process.args = $args | .linux.cgroupsPath = $cg' \
            "$b/config.json" >"$T/rlcfg" && cat "$T/rlcfg" >"$b/config.json"
    }
    rlcfg "$id" "$(jq -nc --arg c "$CMD_CMP" '["sh", "-c", $c]')"
    as_rl "$bin" "${g[@]}" run --bundle "$b" "$id" >"$CMP" 2>"$T/err" ||
        { fail "$rt run exited $?: $(err "$T/err")"; as_rl "$bin" "${g[@]}" delete --force "$id" >/dev/null 2>&1; return; }
    id=${id}d
    rlcfg "$id" '["sleep", "3600"]'
    as_rl "$bin" "${g[@]}" create --bundle "$b" --pid-file "$b/pid" "$id" >/dev/null 2>"$T/err" ||
        { fail "$rt create: $(err "$T/err")"; as_rl "$bin" "${g[@]}" delete --force "$id" >/dev/null 2>&1; return; }
    as_rl "$bin" "${g[@]}" start "$id" >/dev/null 2>"$T/err" || fail "$rt start: $(err "$T/err")"
    read -r pid <"$b/pid"
    cg=$(cgroup_of "$pid")
    unit=$(basename "$cg")
    if [ "$rt" = aisbx ] && [ -z "$REASON" ]; then
        out=$(as_rl "$bin" "${g[@]}" exec "$id" sh -c "$PROBE" 2>&1) || fail "$rt exec: $out"
        info "$(tr '\n' ';' <<<"$out")"
        [ -n "$REASON" ] || floor_in "$out" '*'
        info "cgroup $cg pids.max=$(cat "/sys/fs/cgroup$cg/pids.max" 2>&1) TasksMax(user)=$(as_rl systemctl --user show -p TasksMax --value "$unit" 2>&1)"
        [[ $cg == /user.slice/user-$RLUID.slice/user@$RLUID.service/user.slice/stock-rl-$id.scope ]] ||
            fail "cgroup $cg is not the unit in the user's manager"
    fi
    if [ -z "$REASON" ]; then
        as_rl "$bin" "${g[@]}" update --pids-limit 42 "$id" >/dev/null 2>"$T/err" || fail "$rt update: $(err "$T/err")"
        echo "pids.max=$(cat "/sys/fs/cgroup$cg/pids.max" 2>&1) TasksMax=$(as_rl systemctl --user show -p TasksMax --value "$unit" 2>&1)" >>"$CMP"
        grep -q 'pids.max=42 TasksMax=42' "$CMP" || fail "after update: $(tail -1 "$CMP")"
    fi
    as_rl "$bin" "${g[@]}" kill "$id" 9 >/dev/null 2>&1
    sleep 0.5
    as_rl "$bin" "${g[@]}" delete "$id" >/dev/null 2>"$T/err" || {
        fail "$rt delete: $(err "$T/err")"
        as_rl "$bin" "${g[@]}" delete --force "$id" >/dev/null 2>&1
    }
    sleep 0.5
    local u
    u=$(as_rl systemctl --user list-units --all --no-legend --plain | grep -F "$id" | awk '{print $1}' | tr '\n' ' ')
    [ -z "$u" ] || fail "user units left: $u"
    [ -n "$REASON" ] || leftovers "$id"
    rm -rf "$b"
    [ -z "$REASON" ]
}
group_podman_rootless() {
    local rt c
    rl_setup || { n=$((n + 1)); nfail=$((nfail + 1)); echo "not ok $n podman_rootless setup: no user manager for $RLU"; return; }
    info "user manager: $(systemctl show -p ControlGroup --value "user@$RLUID.service"); delegated: $(cat "/sys/fs/cgroup/user.slice/user-$RLUID.slice/user@$RLUID.service/cgroup.subtree_control" 2>&1)"
    cp "$P/images/rootfs.tar" "/home/$RLU/rootfs.tar" && chown "$RLU:" "/home/$RLU/rootfs.tar"
    as_rl podman import -c 'CMD ["/bin/sh"]' "/home/$RLU/rootfs.tar" "$PIMG" >/dev/null 2>"$T/err" ||
        info "podman import (user) failed: $(err "$T/err")"
    info "podman (user): $(as_rl podman info -f 'cgroup manager {{.Host.CgroupManager}} cgroups {{.Host.CgroupsVersion}} rootless {{.Host.Security.Rootless}}' 2>&1)"
    for rt in $RUNTIMES; do
        for c in run start exec floor pause stop rm; do
            # the floor is aisbx's (STOCK_RUNTIMES may add crun here)
            [ "$c" = floor ] && [ "$rt" != aisbx ] && continue
            case_ "podman_rl_$c" "$rt"
        done
    done
    for rt in $RUNTIMES; do
        [ "$rt" = crun ] || case_ rl_bundle "$rt"
    done
}

# ---------------------------------------------------------------- CRI
CRISOCK=/run/containerd/containerd.sock
cri() { bounded /usr/bin/python3 "$P/cri/cri.py" "$P/cri" "$CRISOCK" "$@"; }
declare -A POD CTR
tc_cri_pod() {
    local uid
    uid=stock${1//[^a-z]/}$RANDOM
    # a hostNetwork pod (no CNI needed) in a kubelet-style systemd slice
    POD[$1]=$(cri runp "pod-$1" "$uid" "$1" 1 "kubepods-besteffort-pod$uid.slice" "$T/podcfg.$1" 2>"$T/err") ||
        { POD[$1]=""; fail "RunPodSandbox: $(err "$T/err")"; return; }
    CTR[$1]=$(cri create "${POD[$1]}" "$T/podcfg.$1" app "$CIMG" sleep 3600 2>"$T/err") ||
        { CTR[$1]=""; fail "CreateContainer: $(err "$T/err")"; return; }
    cri start "${CTR[$1]}" 2>"$T/err" || { fail "StartContainer: $(err "$T/err")"; return; }
    cri status "${CTR[$1]}" | cut -d' ' -f1 >"$CMP"
    local pid cg sh
    pid=$(ctr_pid k8s.io "${CTR[$1]}")
    cg=$(cgroup_of "$pid")
    info "app cgroup $cg procs: $(cg_procs "$cg")"
    for sh in $(pgrep -f containerd-shim-runc-v2); do info "shim $sh cgroup $(cgroup_of "$sh")"; done
}
cri_need() { [ -n "${CTR[$1]:-}" ] || fail "no container (cri_pod failed)"; }
tc_cri_exec() {
    cri_need "$1" || return
    cri exec "${CTR[$1]}" 30 sh -c "$CMD_CMP" >"$CMP" 2>"$T/err" || fail "ExecSync exited $?: $(err "$T/err")"
}
ctr_pid() { ctr -n "$1" task ls 2>/dev/null | awk -v id="$2" '$1 == id {print $2}'; }
tc_cri_floor() {
    cri_need "$1" || return
    local out pid spid
    out=$(cri exec "${CTR[$1]}" 30 sh -c "$PROBE" 2>&1) || { fail "ExecSync: $out"; return; }
    info "$(tr '\n' ';' <<<"$out")"
    floor_in "$out" 'cri-containerd.apparmor.d (enforce)'
    pid=$(ctr_pid k8s.io "${CTR[$1]}")
    floor_cg "$pid" 1
    spid=$(ctr_pid k8s.io "${POD[$1]}")
    info "sandbox cgroup: $(cgroup_of "$spid"); aa: $(cat "/proc/$spid/attr/current" 2>/dev/null)"
}
# stuck CTR_ID: what a wedged stop left behind, then SIGKILL by cgroup.kill so
# the rest of the run can go on.
stuck() {
    local cg
    # shellcheck disable=SC2009 # the whole command lines are wanted
    info "runtime processes: $(ps -eo pid,stat,etime,args | grep -E '[a]isbx|[r]unc ' | grep -v containerd-shim | tr -s ' ' | tr '\n' ';' | cut -c1-600)"
    info "shims: $(for p in $(pgrep -f containerd-shim-runc-v2); do printf '%s:%s:%s ' "$p" "$(cut -d' ' -f3 "/proc/$p/stat")" "$(cat "/proc/$p/wchan" 2>/dev/null)"; done)"
    journalctl -u containerd --no-pager -o cat 2>&1 | grep -F "$1" | grep 'level=error' | tail -n 4 |
        sed 's/ msg=.*error=/ error=/' | cut -c1-700 | sed 's/^/# containerd | /'
    cg=$(find /sys/fs/cgroup -type d -name "*$1*" | head -1)
    [ -n "$cg" ] && [ "$CGV" = 2 ] || return 0
    info "cgroup $cg procs: $(tr '\n' ' ' <"$cg/cgroup.procs") frozen: $(cat "$cg/cgroup.freeze" 2>/dev/null)"
    echo 1 >"$cg/cgroup.kill" 2>/dev/null
}
tc_cri_stop() {
    cri_need "$1" || return
    cri stop "${CTR[$1]}" 2 2>"$T/err" || { fail "StopContainer: $(err "$T/err")"; stuck "${CTR[$1]}"; return; }
    cri status "${CTR[$1]}" | cut -d' ' -f1,2 >"$CMP"
}
tc_cri_rm() {
    [ -n "${POD[$1]:-}" ] || { fail "no pod (cri_pod failed)"; return; }
    [ -n "${CTR[$1]:-}" ] && { cri rm "${CTR[$1]}" 2>"$T/err" || fail "RemoveContainer: $(err "$T/err")"; }
    cri stopp "${POD[$1]}" 2>"$T/err" || fail "StopPodSandbox: $(err "$T/err")"
    cri rmp "${POD[$1]}" 2>"$T/err" || fail "RemovePodSandbox: $(err "$T/err")"
    sleep 1
    leftovers "${CTR[$1]:-}" "${POD[$1]}"
}
group_cri() {
    local rt c
    ctr -n k8s.io images import "$P/images/busybox-oci.tar" >/dev/null 2>"$T/err" || info "ctr import: $(err "$T/err")"
    ctr -n k8s.io images import "$P/images/pause-oci.tar" >/dev/null 2>"$T/err" || info "ctr import: $(err "$T/err")"
    cri version >/dev/null 2>"$T/err" || info "CRI version: $(err "$T/err")"
    for rt in $RUNTIMES; do
        for c in pod exec floor stop rm; do
            [ "$c" = floor ] && [ "$rt" = runc ] && continue
            case_ "cri_$c" "$rt"
        done
    done
}

# ---------------------------------------------------------------- ctr
rtbin() { if [ "$1" = runc ]; then command -v runc; else echo "$AISBX"; fi; }
# ctr_flow RT SYSTEMD(0|1): run --rm (compared), then a detached task: floor, kill, rm, leftovers
CTRNS=stock
ctr_args() { # RT SYSTEMD ID
    local a=(--runc-binary "$(rtbin "$1")")
    [ "$2" = 1 ] && a+=(--runc-systemd-cgroup --cgroup "system.slice:stock-ctr:$3")
    printf '%s\n' "${a[@]}"
}
ctr_case() { # RT SYSTEMD
    local rt=$1 sd=$2 id out pid args
    id=ctr$sd$rt$RANDOM
    mapfile -t args < <(ctr_args "$rt" "$sd" "$id")
    bounded ctr -n "$CTRNS" run --rm "${args[@]}" "$CIMG" "$id" sh -c "$CMD_CMP" >"$CMP" 2>"$T/err" ||
        { fail "ctr run exited $?: $(err "$T/err")"; return; }
    id=${id}d
    mapfile -t args < <(ctr_args "$rt" "$sd" "$id")
    bounded ctr -n "$CTRNS" run -d "${args[@]}" "$CIMG" "$id" sleep 3600 >/dev/null 2>"$T/err" ||
        { fail "ctr run -d exited $?: $(err "$T/err")"; return; }
    if [ "$rt" != runc ]; then
        out=$(bounded ctr -n "$CTRNS" task exec --exec-id probe "$id" sh -c "$PROBE" 2>&1) || fail "ctr task exec: $out"
        info "$(tr '\n' ';' <<<"$out")"
        [ -n "$REASON" ] || floor_in "$out" '*'
        pid=$(ctr_pid "$CTRNS" "$id")
        [ -n "$REASON" ] || floor_cg "$pid" "$sd"
    fi
    bounded ctr -n "$CTRNS" task kill -s SIGKILL "$id" >/dev/null 2>&1
    for _ in $(seq 1 50); do
        ctr -n "$CTRNS" task ls 2>/dev/null | grep -q "^$id .*STOPPED" && break
        sleep 0.2
    done
    bounded ctr -n "$CTRNS" task rm "$id" >/dev/null 2>"$T/err" || fail "ctr task rm: $(err "$T/err")"
    bounded ctr -n "$CTRNS" c rm "$id" >/dev/null 2>"$T/err" || fail "ctr c rm: $(err "$T/err")"
    sleep 0.5
    [ -n "$REASON" ] || leftovers "$id"
    [ -z "$REASON" ]
}
tc_ctr_cgroupfs() { ctr_case "$1" 0; }
tc_ctr_systemd() { ctr_case "$1" 1; }
group_ctr() {
    local rt
    ctr -n "$CTRNS" images import "$P/images/busybox-oci.tar" >/dev/null 2>"$T/err" || info "ctr import: $(err "$T/err")"
    for rt in $RUNTIMES; do
        case_ ctr_cgroupfs "$rt"
        case_ ctr_systemd "$rt"
    done
}

# ---------------------------------------------------------------- bare bundle
# events_stats BIN ID PIDFILE [GLOBAL...]: `events --stats` (issue 17) is one
# stats event whose pids.current is the file's of the init's cgroup (on this
# host the systemd unit's with --systemd-cgroup; the container only sleeps):
# the v2 cgroup's, or on a hybrid host (STOCK_CGROUP=hybrid) the pids
# hierarchy's.
events_stats() {
    local bin=$1 id=$2 pidf=$3 out cg want
    shift 3
    out=$(bounded "$bin" "$@" events --stats "$id" 2>"$T/err") || { fail "events --stats: $(err "$T/err")"; return; }
    if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
        cg=$(sed -n 's/^0:://p' "/proc/$(cat "$pidf")/cgroup")
        want=$(cat "/sys/fs/cgroup$cg/pids.current")
    else
        cg=$(sed -n 's/^[0-9]*:pids://p' "/proc/$(cat "$pidf")/cgroup")
        want=$(cat "/sys/fs/cgroup/pids$cg/pids.current")
    fi
    jq -e --arg id "$id" --argjson n "$want" '.type == "stats" and .id == $id and .data.pids.current == $n' \
        <<<"$out" >/dev/null || fail "events --stats: pids.current not $want (cgroup $cg): $(cut -c1-200 <<<"$out")"
    info "events --stats: pids.current $want in $cg"
}


# bundle_case RT AA(0|1) SYSTEMD(0|1): `RT spec` + busybox rootfs; run (compared),
# then create/start/exec for the floor, kill, delete, leftovers.
bundle_case() {
    local rt=$1 aa=$2 sd=$3 bin b id cgp g=() out pid
    bin=$(rtbin "$rt")
    id=bd$aa$sd$rt$RANDOM
    b=$T/bundle.$id
    mkdir -p "$b/rootfs"
    tar -C "$b/rootfs" -xf "$P/images/rootfs.tar"
    (cd "$b" && "$bin" spec >/dev/null 2>"$T/err") || { fail "$rt spec: $(err "$T/err")"; return; }
    [ "$sd" = 1 ] && g=(--systemd-cgroup)
    mkcfg() { # ID ARGS_JSON
        if [ "$sd" = 1 ]; then cgp="system.slice:stock-bundle:$1"; else cgp="/stock-bundle/$1"; fi
        jq --arg cg "$cgp" --argjson args "$2" --arg aa "$([ "$aa" = 1 ] && echo docker-default)" '
            .process.terminal = false | .process.args = $args | .linux.cgroupsPath = $cg
            | if $aa != "" then .process.apparmorProfile = $aa else . end' "$b/config.json" >"$b/c" &&
            mv "$b/c" "$b/config.json"
    }
    mkcfg "$id" "$(jq -nc --arg c "$CMD_CMP" '["sh", "-c", $c]')"
    bounded "$bin" "${g[@]}" run --bundle "$b" "$id" </dev/null >"$CMP" 2>"$T/err" ||
        { fail "$rt run exited $?: $(err "$T/err")"; "$bin" "${g[@]}" delete --force "$id" >/dev/null 2>&1; return; }
    id=${id}d
    mkcfg "$id" '["sleep", "3600"]'
    bounded "$bin" "${g[@]}" create --bundle "$b" --pid-file "$b/pid" "$id" </dev/null >/dev/null 2>"$T/err" ||
        { fail "$rt create: $(err "$T/err")"; "$bin" "${g[@]}" delete --force "$id" >/dev/null 2>&1; return; }
    bounded "$bin" "${g[@]}" start "$id" </dev/null >/dev/null 2>"$T/err" || fail "$rt start: $(err "$T/err")"
    [ -n "$REASON" ] || events_stats "$bin" "$id" "$b/pid" "${g[@]}"
    if [ "$rt" != runc ] && [ -z "$REASON" ]; then
        out=$(bounded "$bin" "${g[@]}" exec "$id" sh -c "$PROBE" </dev/null 2>&1) || fail "$rt exec: $out"
        info "$(tr '\n' ';' <<<"$out")"
        [ -n "$REASON" ] || floor_in "$out" "$([ "$aa" = 1 ] && echo 'docker-default (enforce)' || echo '*')"
        read -r pid <"$b/pid"
        [ -n "$REASON" ] || floor_cg "$pid" "$sd"
    fi
    # pause/resume: the freezer of the unit's cgroup (on v1 a hierarchy
    # systemd leaves to the runtime)
    if [ -z "$REASON" ]; then
        bounded "$bin" "${g[@]}" pause "$id" </dev/null >/dev/null 2>"$T/err" || fail "$rt pause: $(err "$T/err")"
        echo "paused: $("$bin" "${g[@]}" state "$id" 2>&1 | jq -r .status)" >>"$CMP"
        read -r pid <"$b/pid"
        cg_frozen "$(cgroup_of "$pid")" >>"$CMP"
        bounded "$bin" "${g[@]}" resume "$id" </dev/null >/dev/null 2>"$T/err" || fail "$rt resume: $(err "$T/err")"
        echo "resumed: $("$bin" "${g[@]}" state "$id" 2>&1 | jq -r .status)" >>"$CMP"
    fi
    "$bin" "${g[@]}" kill "$id" 9 >/dev/null 2>&1
    sleep 0.5
    bounded "$bin" "${g[@]}" delete "$id" >/dev/null 2>"$T/err" || {
        fail "$rt delete: $(err "$T/err")"
        "$bin" "${g[@]}" delete --force "$id" >/dev/null 2>&1
    }
    sleep 0.5
    [ -n "$REASON" ] || leftovers "$id"
    rm -rf "$b"
    [ -z "$REASON" ]
}
tc_bundle_plain() { bundle_case "$1" 0 0; }
tc_bundle_apparmor_systemd() { bundle_case "$1" 1 1; }
group_bundle() {
    local rt
    for rt in $RUNTIMES; do
        case_ bundle_plain "$rt"
        case_ bundle_apparmor_systemd "$rt"
    done
}

# ---------------------------------------------------------------- benchmark
# hack/bench.sh (with bench-report.sh and bench-docker.sh beside it): the
# lifecycle plain and with Docker's default profile, aisbx vs crun, both
# --systemd-cgroup, one interleaved run; no throughput, RSS, run or docker
# rows (TCG is slow; the lane's docker tests cover docker).
group_bench() {
    info "benchmark (not part of the verdict): aisbx vs crun, both --systemd-cgroup, one interleaved run"
    timeout -k 5 420 bash "$P/bench.sh" --systemd-cgroup -n 12 -W 2 --no-run --no-floor --no-docker \
        -r 0 -k 0 --profile "$P/docker-default-seccomp.json" --md "$T/bench.md" --plot '' \
        aisbx="$AISBX" crun="$(command -v crun)" 2>&1 | sed 's/^/# bench | /'
}

# ---------------------------------------------------------------- main
facts
for g in docker podman podman_rootless cri ctr bundle bench; do
    if want "$g"; then
        info "--- $g ($(cut -d' ' -f1 /proc/uptime) s)"
        "group_$g"
    fi
done
aa_profiles
info "done at $(cut -d' ' -f1 /proc/uptime) s"
echo "stock-host: $npass passed, $nfail failed"
echo "@@STOCK-END@@"
rm -rf "$T"
# Straight to the power-off syscall: the disk is a throw-away snapshot, and a
# clean shutdown only costs time (and can hang on a wedged container).
sync
systemctl poweroff --force --force
