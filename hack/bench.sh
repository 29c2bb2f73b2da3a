#!/bin/bash
# hack/bench.sh - aisbx against runc and crun, side by side, on this machine.
# (Derived from /work/shared/tools/bench-runtimes.sh: same measurements, same
# hygiene; adds per-runtime environment, ratios against a baseline runtime,
# docs/bench.md and a gnuplot chart.)  `make bench` runs it with defaults.
#
#   hack/bench.sh [options] [RUNTIME ...]
#   RUNTIME = [NAME=]PATH[,VAR=VALUE...]
#             (default: aisbx=./aisbx aisbx-nouserns=./aisbx,AISBX_POLICY=<userns off> crun runc)
#   e.g. hack/bench.sh aisbx=./aisbx aisbx-nocache=./aisbx,AISBX_SECCOMP_CACHE=0 crun runc
#
# Every RUNTIME must speak the runc CLI (create/start/state/delete/run/list).
#
# What is measured (wall clock via $EPOCHREALTIME, no fork for timing):
#   lifecycle  create + start + wait-for-exit + delete of a busybox container
#              running /bin/true, and each phase alone; `state` on a created
#              container is timed too (not part of the lifecycle sum).
#   run        one foreground `run` (create+start+wait+delete by the runtime).
#   seccomp    the lifecycle with Docker's default seccomp profile in
#              config.json, the same for every runtime (--profile; default
#              integration/testdata/docker-default-seccomp.json, what docker
#              sends for `docker run`, see hack/docker-seccomp-profile.sh).
#   thrpt      W parallel workers (default 2), each doing M lifecycles;
#              containers per second, one sample per round.
#   rss        peak RSS of `create` (GNU time %M: runtime + children reaped).
#   startup    `RUNTIME --version`: exec + dynamic link + init.
#   floor      fork+exec /bin/true and `unshare --fork --pid --mount --net --uts
#              --ipc /bin/true` from the same shell: the limits for anyone.
#   docker     `docker run --rm` through a private dockerd (when dockerd is
#              installed; --no-docker skips it).
# aisbx always runs its mandatory floor seccomp filter; runc and crun run
# without any filter except in the seccomp rows.
#
# Runtimes are interleaved round by round, in a new random order each round
# (-s SEED; reproducible), so that the drift of a shared machine hits all
# alike and no runtime always follows the same one: on cgroup v1 the first
# move of a task into a cgroup waits for an RCU grace period (~10 ms here)
# unless another move happened in the last ~10 ms, so what ran just before a
# create decides its time. (A fixed rotation a,b,c,d / b,c,d,a / ... gave
# every runtime the same predecessor in every round: b always paid what a
# left it.) State roots are on tmpfs under /run, as engines keep them
# (/run/docker/runtime-runc, /run/containerd), not on the temp dir's disk.
# Results: the table on stdout (median, p25-p90 and median ratio against
# the baseline runtime, crun by default), the same
# table in docs/bench.md, a chart in docs/bench.png (gnuplot), raw samples with
# -o DIR. Nothing outside our temp dir, our state roots and our cgroups
# (/sys/fs/cgroup/*/aisbx-bench/<token>; --systemd-cgroup: the transient
# scopes system.slice/aisbx-bench-<id>.scope) is touched; all removed on exit.
set -u -o pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
TOP=$(dirname "$HERE")

usage() {
    cat <<'EOT'
usage: hack/bench.sh [options] [[NAME=]PATH[,VAR=VALUE...] ...]
  default runtimes: aisbx=./aisbx aisbx-nouserns (policy userns off) crun runc
                    (baseline for ratios: crun)
  -n N          sequential rounds (lifecycle, run, seccomp)  [50]
  -W N          warm-up rounds, not counted                  [3]
  -w N          parallel workers for throughput              [2]
  -m N          containers per worker per throughput round   [15]
  -r N          throughput rounds                            [5]
  -k N          peak-RSS samples per runtime                 [10]
  -B NAME       baseline runtime for ratios                  [crun]
  -s SEED       seed of the per-round random order             [1]
  -a 'CMD ...'  container command (split on spaces)          [/bin/true]
  -b PATH       static busybox for the rootfs                [/bin/busybox]
  -o DIR        keep raw samples (one file per metric, microseconds) in DIR
  --md FILE     markdown table                               [docs/bench.md]
  --plot FILE   chart, .png or .svg; '' for none             [docs/bench.png]
  --long        -n 200 -r 10 -m 20 -k 20 (about 4x longer)
  --quick       -n 15 -r 2 -m 10 -k 3 -W 2 --docker-n 10 (a minute or two; rough)
  --profile F   the seccomp profile of the Docker-profile rows (linux.seccomp JSON)
                [integration/testdata/docker-default-seccomp.json]
  --no-seccomp  skip the lifecycle with the Docker profile
  --no-run      skip the foreground `run` measurement
  --no-floor    skip the fork/unshare floor
  --docker      time `docker run` through a private dockerd (default when
                dockerd is installed; no per-runtime env)
  --no-docker   skip it
  --docker-n N  docker runs per runtime                      [30]
  --systemd-cgroup  pass --systemd-cgroup to every runtime call; cgroupsPath
                "system.slice:aisbx-bench:<id>" (a transient scope per container)
  --keep-hybrid do not hide a cgroup2 hierarchy that has controllers
  -h            this help
Default run (3 runtimes): about 5-8 minutes on a quiet 2-core machine.

Hybrid cgroups: crun 1.8.1 refuses to create any container when cgroup2 at
/sys/fs/cgroup/unified has a controller enabled (hugetlb on this VM). Unless
--keep-hybrid, the whole benchmark runs in a private mount namespace with a
tmpfs over /sys/fs/cgroup/unified, so every runtime sees plain cgroup v1.
EOT
}

N=50 WARM=3 WORKERS=2 PER_WORKER=15 TROUNDS=5 RSS_K=10 BASE=crun SEED=1
CMD="/bin/true" BUSYBOX=/bin/busybox KEEP="" DO_SC=1 DO_RUN=1 DO_FLOOR=1
DO_DOCKER=auto DOCKER_N=30 KEEP_HYBRID=0 SYSTEMD_CG=0
PROFILE=$TOP/integration/testdata/docker-default-seccomp.json
MD=$TOP/docs/bench.md PLOT=$TOP/docs/bench.png
ORIG_ARGS=("$@")
RTS=()
while [ $# -gt 0 ]; do
    case $1 in
        -n) N=$2; shift ;;
        -W) WARM=$2; shift ;;
        -w) WORKERS=$2; shift ;;
        -m) PER_WORKER=$2; shift ;;
        -r) TROUNDS=$2; shift ;;
        -k) RSS_K=$2; shift ;;
        -B) BASE=$2; shift ;;
        -s) SEED=$2; shift ;;
        -a) CMD=$2; shift ;;
        -b) BUSYBOX=$2; shift ;;
        -o) KEEP=$2; shift ;;
        --md) MD=$2; shift ;;
        --plot) PLOT=$2; shift ;;
        --long) N=200 TROUNDS=10 PER_WORKER=20 RSS_K=20 ;;
        --quick) N=15 TROUNDS=2 PER_WORKER=10 RSS_K=3 WARM=2 DOCKER_N=10 ;;
        --seccomp) DO_SC=1 ;;
        --profile) PROFILE=$2; shift ;;
        --no-seccomp) DO_SC=0 ;;
        --no-run) DO_RUN=0 ;;
        --no-floor) DO_FLOOR=0 ;;
        --docker) DO_DOCKER=1 ;;
        --no-docker) DO_DOCKER=0 ;;
        --systemd-cgroup) SYSTEMD_CG=1 ;;
        --docker-n) DOCKER_N=$2; shift ;;
        --keep-hybrid) KEEP_HYBRID=1 ;;
        -h|--help) usage; exit 0 ;;
        --) shift; RTS+=("$@"); break ;;
        -*) echo "bench: unknown option $1" >&2; usage >&2; exit 2 ;;
        *) RTS+=("$1") ;;
    esac
    shift
done
die() { echo "bench: $*" >&2; exit 1; }
# aisbx-nouserns: the same binary with the operator's opt-out of the user
# namespace (issue 14), interleaved with it: what the namespace costs
[ ${#RTS[@]} -ge 1 ] || RTS=("aisbx=$TOP/aisbx"
    "aisbx-nouserns=$TOP/aisbx,AISBX_POLICY=$TOP/hack/bench-policy-userns-off.json" crun runc)
[ "$(id -u)" = 0 ] || die "must run as root (namespaces, cgroups)"
for v in N WARM WORKERS PER_WORKER TROUNDS RSS_K DOCKER_N SEED; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a number, got '${!v}'"
done
[ "$N" -ge 1 ] || die "-n must be at least 1"
[ -x "$BUSYBOX" ] || die "no busybox at $BUSYBOX (apt-get install busybox-static)"
if [ "$DO_DOCKER" = auto ]; then
    DO_DOCKER=0
    command -v dockerd >/dev/null && command -v docker >/dev/null && DO_DOCKER=1
fi
[ "$DO_SC" = 0 ] || [ -r "$PROFILE" ] || die "no seccomp profile at $PROFILE (--profile FILE, or --no-seccomp)"
GFLAGS=()
[ "$SYSTEMD_CG" = 1 ] && GFLAGS=(--systemd-cgroup)
command -v jq >/dev/null || die "jq is needed (apt-get install jq)"
[ -n "${EPOCHREALTIME:-}" ] || die "bash 5 with \$EPOCHREALTIME is needed"
[ -z "$PLOT" ] || command -v gnuplot >/dev/null || die "gnuplot is needed for --plot (apt-get install gnuplot-nox), or --plot ''"
case $MD in /*) ;; *) MD=$PWD/$MD ;; esac
case $PLOT in /*|'') ;; *) PLOT=$PWD/$PLOT ;; esac
case $KEEP in /*|'') ;; *) KEEP=$PWD/$KEEP ;; esac
case $PROFILE in /*) ;; *) PROFILE=$PWD/$PROFILE ;; esac

HID_UNIFIED=0
if [ "$KEEP_HYBRID" = 0 ] && [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] &&
    [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)" ]; then
    if [ "${AISBX_BENCH_IN_NS:-}" != 1 ]; then
        export AISBX_BENCH_IN_NS=1
        exec unshare --mount --propagation private -- "$BASH" "$(readlink -f "$0")" "${ORIG_ARGS[@]}"
    fi
    UNIFIED_CTRLS=$(cat /sys/fs/cgroup/unified/cgroup.controllers)
    mount -t tmpfs -o mode=755,size=64m aisbx-bench-hide /sys/fs/cgroup/unified ||
        die "cannot hide /sys/fs/cgroup/unified in the private mount namespace"
    HID_UNIFIED=1
fi

# [NAME=]PATH[,VAR=VALUE...] -> NAMES[i], RTPATHS[i], RTENV[i] ("VAR=VALUE ...").
NAMES=() RTPATHS=() RTENV=()
for i in "${!RTS[@]}"; do
    spec=${RTS[$i]} n="" envs=""
    IFS=, read -ra parts <<<"$spec"
    p=${parts[0]}
    [[ $p == *=* ]] && { n=${p%%=*}; p=${p#*=}; }
    for e in "${parts[@]:1}"; do
        [[ $e =~ ^[A-Za-z_][A-Za-z0-9_]*=[^[:space:]]*$ ]] || die "bad VAR=VALUE '$e' in '$spec'"
        envs+="$e "
    done
    [[ $p == */* ]] || p=$(command -v "$p" || echo "$p")
    [ -x "$p" ] || die "runtime '$spec' is not an executable"
    RTPATHS+=("$(readlink -f "$p")")
    RTENV+=("$envs")
    [ -n "$n" ] || n=$(basename "$p")
    for m in "${NAMES[@]}"; do [ "$m" = "$n" ] && n="$n#$i"; done
    NAMES+=("$n")
done
NRT=${#RTPATHS[@]}

# rtx I ARGS...: runtime I with its own environment (local -x: no fork)
# and the global flags (--systemd-cgroup).
rtx() {
    local i=$1
    shift
    [ -n "${RTENV[$i]}" ] && local -x ${RTENV[$i]}
    "${RTPATHS[$i]}" "${GFLAGS[@]}" "$@"
}
# rtx_time I OUT ARGS...: the same under GNU time (%M = peak RSS KiB).
rtx_time() {
    local i=$1 out=$2
    shift 2
    [ -n "${RTENV[$i]}" ] && local -x ${RTENV[$i]}
    /usr/bin/time -f %M -o "$out" "${RTPATHS[$i]}" "${GFLAGS[@]}" "$@"
}

TOK="b$$"
T=$(mktemp -d /tmp/aisbx-bench.XXXXXX) || die "mktemp failed"
# state roots: tmpfs, as an engine's (else the temp dir)
if [ "$(stat -fc %T /run 2>/dev/null)" = tmpfs ]; then
    ST=$(mktemp -d /run/aisbx-bench.XXXXXX) || die "mktemp /run failed"
else
    ST=$T/state
fi
CGREL="aisbx-bench/$TOK"        # cgroupsPath prefix, relative to each hierarchy
WORKER_PIDS=() DOCKERD_PID="" CONTAINERD_PID=""
# --docker: docker_bench, and docker_stop for cleanup.
. "$HERE/bench-docker.sh"

# ---------------------------------------------------------------- cleanup --
cleanup() {
    local rc=$? i id p d
    trap - EXIT INT TERM
    # Workers first, then the runtime call each had in flight (its children).
    local kids=()
    for p in "${WORKER_PIDS[@]}"; do
        mapfile -t -O "${#kids[@]}" kids < <(pgrep -P "$p")
        kill -TERM "$p" 2>/dev/null
    done
    for p in "${kids[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${WORKER_PIDS[@]}"; do wait "$p" 2>/dev/null; done
    [ ${#kids[@]} -gt 0 ] && sleep 0.5
    docker_stop
    for i in "${!RTPATHS[@]}"; do
        local root=$ST/$i ids=()
        [ -d "$root" ] || continue
        mapfile -t ids < <(rtx "$i" --root "$root" list -q 2>/dev/null)
        # Runtimes without `list`: their state dirs are named by id.
        for d in "$root"/*/; do [ -d "$d" ] && ids+=("$(basename "$d")"); done
        for id in $(printf '%s\n' "${ids[@]}" | sort -u); do
            rtx "$i" --root "$root" kill "$id" KILL >/dev/null 2>&1
            rtx "$i" --root "$root" delete --force "$id" >/dev/null 2>&1
        done
    done
    # Anything still in OUR cgroups is a container process we started.  Only
    # real cgroup file systems count: a cgroup.procs on the hiding tmpfs is a
    # plain file holding a pid that may since have been reused.
    for d in /sys/fs/cgroup/*/"$CGREL"{,-docker} /sys/fs/cgroup/"$CGREL"{,-docker}; do
        [ -d "$d" ] || continue
        case $(stat -fc %T "$d") in cgroupfs|cgroup2fs) ;; *) continue ;; esac
        find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null |
            while read -r p; do kill -KILL "$p" 2>/dev/null; done
    done
    sleep 0.2
    # Under the private tmpfs (see --keep-hybrid) crun leaves plain files.
    [ "$HID_UNIFIED" = 1 ] && [ "$(stat -fc %T /sys/fs/cgroup/unified)" = tmpfs ] &&
        rm -rf /sys/fs/cgroup/unified/aisbx-bench
    for d in /sys/fs/cgroup/*/"$CGREL"{,-docker} /sys/fs/cgroup/"$CGREL"{,-docker}; do
        [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
    done
    # The shared parent goes only if no other run is using it.
    for d in /sys/fs/cgroup/*/aisbx-bench /sys/fs/cgroup/aisbx-bench; do
        [ -d "$d" ] && rmdir "$d" 2>/dev/null
    done
    local left
    left=$(ls -d /sys/fs/cgroup/*/"$CGREL"{,-docker} /sys/fs/cgroup/"$CGREL"{,-docker} 2>/dev/null)
    [ -n "$left" ] && echo "bench: WARNING cgroups left: $left" >&2
    # Mounts below $T can only come from our dockerd: unmount before rm -rf.
    awk -v t="$T" '$5 ~ "^"t {print $5}' /proc/self/mountinfo | sort -r |
        while read -r d; do umount -l "$d" 2>/dev/null; done
    [ -n "$KEEP" ] && [ -d "$T/samples" ] && { mkdir -p "$KEEP" && cp -r "$T/samples/." "$KEEP/"; }
    rm -rf "$T" "$ST"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ----------------------------------------------------------------- bundle --
mkdir -p "$T/rootfs/bin" "$T/rootfs/"{proc,dev,sys,tmp,etc} "$T/state" "$T/samples" "$T/b"
cp "$BUSYBOX" "$T/rootfs/bin/busybox"
for a in sh true false echo sleep cat ls id grep; do ln -s busybox "$T/rootfs/bin/$a"; done
echo "root:x:0:0:root:/:/bin/sh" >"$T/rootfs/etc/passwd"
# The same base config for every runtime list: runc's, else the first runtime's.
RUNC_SPEC=$(command -v runc || echo /usr/sbin/runc)
(cd "$T/b" && "$RUNC_SPEC" spec 2>/dev/null) || (cd "$T/b" && "${RTPATHS[0]}" spec >/dev/null 2>&1) ||
    die "cannot make a config.json: neither 'runc spec' nor '${RTPATHS[0]} spec' worked"
read -ra CMDV <<<"$CMD"
ARGS_JSON=$(printf '%s\n' "${CMDV[@]}" | jq -R . | jq -sc .)
# @CG@ is replaced per container (cgroupsPath must be unique per id).
TPL=$(jq --arg root "$T/rootfs" --argjson args "$ARGS_JSON" '
    .process.terminal = false | .process.args = $args
    | .root = {path: $root, readonly: true}
    | .linux.cgroupsPath = "@CG@"' "$T/b/config.json") || die "jq failed on config.json"
rm -f "$T/b/config.json"

# Docker's default profile, as docker sends it: the same linux.seccomp for
# every runtime (aisbx adds its floor on top, as always).
if [ "$DO_SC" = 1 ]; then
    SC_JSON=$(jq -c . "$PROFILE") || die "cannot read the seccomp profile $PROFILE"
    PROFILE_DESC="$(basename "$PROFILE"): $(jq -r '"\([.syscalls[].names[]] | length) names in \(.syscalls | length) rules, default \(.defaultAction), arches \(.architectures | join(" "))"' <<<"$SC_JSON")"
    TPL_SC=$(jq --argjson sc "$SC_JSON" '.linux.seccomp = $sc' <<<"$TPL")
fi

# A never-written fifo: `read -t` on it is a sleep without a fork.
mkfifo "$T/idle.fifo"
exec {IDLEFD}<>"$T/idle.fifo"

# --------------------------------------------------------------- samples --
declare -A S FAILS
add() { S[$1]+="$2 "; }                  # add METRIC_KEY MICROSECONDS
fail() { FAILS[$1]=$((${FAILS[$1]:-0} + 1)); echo "[$(date +%T)] $1: $2" >>"$T/errors.log"; }
now() { NOW=${EPOCHREALTIME/./}; }       # microseconds, no fork

# write_config BUNDLE_DIR ID [sc]: config.json with cgroupsPath for ID.
write_config() {
    mkdir -p "$1"
    local tpl=$TPL
    [ "${3:-}" = sc ] && tpl=$TPL_SC
    if [ "$SYSTEMD_CG" = 1 ]; then
        printf '%s\n' "${tpl//@CG@/system.slice:aisbx-bench:$2}" >"$1/config.json"
    else
        printf '%s\n' "${tpl//@CG@//$CGREL/$2}" >"$1/config.json"
    fi
}

# wait_exit PIDFILE ROOT RT ID: until the container's init is gone or a zombie.
wait_exit() {
    local pid="" st deadline=$((${EPOCHREALTIME/./} + 10000000))
    [ -s "$1" ] && read -r pid <"$1"
    while :; do
        if [ -n "$pid" ]; then
            read -r st 2>/dev/null <"/proc/$pid/stat" || return 0
            st=${st##*) }
            st=${st%% *}
            [[ $st == [ZX] ]] && return 0
        else  # no pid file: ask the runtime
            rtx "$3" --root "$2" state "$4" 2>/dev/null | grep -q '"status": *"stopped"' && return 0
        fi
        [ "${EPOCHREALTIME/./}" -gt "$deadline" ] && return 1
        read -t 0.0002 -u "$IDLEFD" _
    done
}

# lifecycle I KEYPREFIX BUNDLE ID [sc] [quiet]: one create/state/start/wait/delete.
# Records KEYPREFIX.{create,state,start,wait,delete,total}.I unless quiet.
lifecycle() {
    local i=$1 key=$2 b=$3 id=$4 sc=${5:-} quiet=${6:-}
    local rt=${RTPATHS[$i]} root=$ST/$i a bb c d e f
    write_config "$b" "$id" "$sc"
    rm -f "$b/pid"
    now; a=$NOW
    if ! rtx "$i" --root "$root" create --bundle "$b" --pid-file "$b/pid" "$id" \
        </dev/null >/dev/null 2>>"$T/rt-stderr.$i"; then
        fail "$key.$i" "create $id failed"
        rtx "$i" --root "$root" delete --force "$id" >/dev/null 2>&1
        return 1
    fi
    now; bb=$NOW
    if [ -z "$quiet" ]; then
        rtx "$i" --root "$root" state "$id" >/dev/null 2>>"$T/rt-stderr.$i" ||
            fail "$key.$i" "state $id failed"
    fi
    now; c=$NOW
    if ! rtx "$i" --root "$root" start "$id" </dev/null >/dev/null 2>>"$T/rt-stderr.$i"; then
        fail "$key.$i" "start $id failed"
        rtx "$i" --root "$root" delete --force "$id" >/dev/null 2>&1
        return 1
    fi
    now; d=$NOW
    if ! wait_exit "$b/pid" "$root" "$i" "$id"; then
        fail "$key.$i" "$id did not exit within 10 s"
        rtx "$i" --root "$root" delete --force "$id" >/dev/null 2>&1
        return 1
    fi
    now; e=$NOW
    if ! rtx "$i" --root "$root" delete "$id" </dev/null >/dev/null 2>>"$T/rt-stderr.$i"; then
        fail "$key.$i" "delete $id failed"
        rtx "$i" --root "$root" delete --force "$id" >/dev/null 2>&1
        return 1
    fi
    now; f=$NOW
    [ -n "$quiet" ] && return 0
    add "$key.create.$i" $((bb - a))
    add "$key.state.$i" $((c - bb))
    add "$key.start.$i" $((d - c))
    add "$key.wait.$i" $((e - d))
    add "$key.delete.$i" $((f - e))
    add "$key.total.$i" $(((bb - a) + (f - c)))
    return 0
}

# run_fg I BUNDLE ID: one foreground `run`; the runtime deletes it itself.
run_fg() {
    local i=$1 b=$2 id=$3 rt=${RTPATHS[$1]} root=$ST/$1 a rc
    write_config "$b" "$id"
    now; a=$NOW
    rtx "$i" --root "$root" run --bundle "$b" "$id" </dev/null >/dev/null 2>>"$T/rt-stderr.$i"
    rc=$?
    now
    if [ $rc -ne 0 ]; then
        fail "run.$i" "run $id exited $rc"
    else
        add "run.$i" $((NOW - a))
    fi
    if [ -e "$root/$id" ]; then  # still known: the runtime did not clean up
        fail "run.$i" "run left $id behind"
        rtx "$i" --root "$root" delete --force "$id" >/dev/null 2>&1
    fi
}

floor() {
    local a
    now; a=$NOW
    /bin/true
    now; add "floor.forkexec" $((NOW - a))
    now; a=$NOW
    unshare --fork --pid --mount --net --uts --ipc /bin/true
    now; add "floor.unshare" $((NOW - a))
}

# sanity I: the container really runs its process and its output comes back,
# through create/start and through run.  A runtime that fails fast must not
# produce numbers.
sanity() {
    local i=$1 rt=${RTPATHS[$1]} root=$ST/$1 b=$T/b/sanity.$1 out
    mkdir -p "$b" "$root"
    local mark="bench-ok-$TOK-$i"
    write_config "$b" "sanity-$TOK-$i"
    jq --arg m "$mark" '.process.args = ["/bin/echo", $m]' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
    out=$(rtx "$i" --root "$root" create --bundle "$b" --pid-file "$b/pid" "sanity-$TOK-$i" </dev/null 2>&1 &&
        rtx "$i" --root "$root" start "sanity-$TOK-$i" 2>&1 && wait_exit "$b/pid" "$root" "$i" "sanity-$TOK-$i" &&
        rtx "$i" --root "$root" delete "sanity-$TOK-$i" 2>&1)
    [[ $out == *"$mark"* ]] || die "${NAMES[$i]}: create/start did not run the container (output: ${out:0:400})"
    out=$(rtx "$i" --root "$root" run --bundle "$b" "sanity2-$TOK-$i" </dev/null 2>&1) ||
        die "${NAMES[$i]}: run failed: ${out:0:400}"
    [[ $out == *"$mark"* ]] || die "${NAMES[$i]}: run did not run the container (output: ${out:0:400})"
    [ -e "$root/sanity2-$TOK-$i" ] && rtx "$i" --root "$root" delete --force "sanity2-$TOK-$i" >/dev/null 2>&1
    if [ "$DO_SC" = 1 ]; then
        write_config "$b" "sanity3-$TOK-$i" sc
        jq '.process.args = ["/bin/grep", "^Seccomp:", "/proc/self/status"]' "$b/config.json" >"$b/c" &&
            mv "$b/c" "$b/config.json"
        out=$(rtx "$i" --root "$root" run --bundle "$b" "sanity3-$TOK-$i" </dev/null 2>&1) ||
            die "${NAMES[$i]}: run with the seccomp profile failed: ${out:0:400}"
        [[ $out =~ Seccomp:[[:space:]]+2 ]] || die "${NAMES[$i]}: no seccomp filter in the container (${out:0:400})"
    fi
    return 0
}

# ------------------------------------------------------------------- main --
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: $(date -u +%FT%TZ) $(uname -r) $(nproc) cpus, load $LOAD_START"
for i in "${!RTPATHS[@]}"; do
    echo "  ${NAMES[$i]} = ${RTPATHS[$i]} ($("${RTPATHS[$i]}" --version 2>/dev/null | head -1))"
done
echo "  rounds=$N warm-up=$WARM workers=$WORKERS x $PER_WORKER x $TROUNDS rounds, rss samples=$RSS_K, cmd='$CMD'"
[ "$HID_UNIFIED" = 1 ] && echo "  cgroup2 at /sys/fs/cgroup/unified has controllers ($UNIFIED_CTRLS): hidden in a private mount namespace, all runtimes see cgroup v1 only"
[ "$DO_SC" = 1 ] && echo "  seccomp profile: $PROFILE_DESC"
[ "$SYSTEMD_CG" = 1 ] && echo "  --systemd-cgroup: every runtime call, a transient scope per container"

for i in "${!RTPATHS[@]}"; do sanity "$i"; done

# ORD: 0..NRT-1 in a random order (Fisher-Yates on bash's seeded RANDOM).
RANDOM=$SEED
shuffle_order() {
    local k m t
    ORD=()
    for ((k = 0; k < NRT; k++)); do ORD+=("$k"); done
    for ((k = NRT - 1; k > 0; k--)); do
        m=$((RANDOM % (k + 1)))
        t=${ORD[k]} ORD[k]=${ORD[m]} ORD[m]=$t
    done
}

# Sequential phase: round by round, runtimes in a new random order each round.
total_rounds=$((WARM + N))
for r in $(seq 1 "$total_rounds"); do
    warm=""
    [ "$r" -le "$WARM" ] && warm=1
    [ "$DO_FLOOR" = 1 ] && [ -z "$warm" ] && floor
    shuffle_order
    for i in "${ORD[@]}"; do  # the binary's own start-up cost
        now; a=$NOW
        rtx "$i" --version >/dev/null 2>&1
        now; [ -z "$warm" ] && add "ver.$i" $((NOW - a))
    done
    shuffle_order
    for i in "${ORD[@]}"; do
        if [ -n "$warm" ]; then
            lifecycle "$i" warm "$T/b/seq.$i" "w$TOK-$i-$r" "" quiet
        else
            lifecycle "$i" lc "$T/b/seq.$i" "l$TOK-$i-$r"
        fi
    done
    if [ "$DO_RUN" = 1 ]; then
        shuffle_order
        for i in "${ORD[@]}"; do
            run_fg "$i" "$T/b/run.$i" "r$TOK-$i-$r"
        done
    fi
    if [ "$DO_SC" = 1 ]; then
        shuffle_order
        for i in "${ORD[@]}"; do
            if [ -n "$warm" ]; then
                lifecycle "$i" warm "$T/b/sc.$i" "ws$TOK-$i-$r" sc quiet
            else
                lifecycle "$i" sc "$T/b/sc.$i" "s$TOK-$i-$r" sc
            fi
        done
    fi
    [ $((r % 20)) -eq 0 ] && echo "  ... round $r/$total_rounds" >&2
done

# Throughput: W workers x M lifecycles each, per runtime per round.
worker() {  # worker I W R: M quiet lifecycles; exits with the failure count
    local i=$1 w=$2 r=$3 k bad=0
    for k in $(seq 1 "$PER_WORKER"); do
        lifecycle "$i" tp "$T/b/tp.$i.$w" "t$TOK-$i-$r-$w-$k" "" quiet || bad=$((bad + 1))
    done
    echo "$bad" >"$T/tp.bad.$i.$w"
}
for r in $(seq 1 "$TROUNDS"); do
    shuffle_order
    for i in "${ORD[@]}"; do
        WORKER_PIDS=()
        now; a=$NOW
        for w in $(seq 1 "$WORKERS"); do
            worker "$i" "$w" "$r" &
            WORKER_PIDS+=($!)
        done
        for p in "${WORKER_PIDS[@]}"; do wait "$p"; done
        now
        WORKER_PIDS=()
        bad=0
        for w in $(seq 1 "$WORKERS"); do bad=$((bad + $(cat "$T/tp.bad.$i.$w" 2>/dev/null || echo "$PER_WORKER"))); done
        good=$((WORKERS * PER_WORKER - bad))
        [ "$bad" -gt 0 ] && fail "tp.$i" "$bad of $((WORKERS * PER_WORKER)) lifecycles failed in round $r"
        # containers per second x1000, kept as an integer "sample"
        add "tp.$i" $((good * 1000000000 / (NOW - a)))
    done
done

# Peak RSS of create (GNU time %M, KiB), interleaved too.
if [ -x /usr/bin/time ]; then
    for r in $(seq 1 "$RSS_K"); do
        shuffle_order
        for i in "${ORD[@]}"; do
            b=$T/b/rss.$i id="m$TOK-$i-$r" root=$ST/$i
            write_config "$b" "$id"
            if rtx_time "$i" "$b/maxrss" --root "$root" create --bundle "$b" \
                --pid-file "$b/pid" "$id" </dev/null >/dev/null 2>>"$T/rt-stderr.$i"; then
                add "rss.$i" "$(tail -1 "$b/maxrss")"
                rtx "$i" --root "$root" start "$id" >/dev/null 2>&1
                wait_exit "$b/pid" "$root" "$i" "$id"
            else
                fail "rss.$i" "create $id under /usr/bin/time failed"
            fi
            rtx "$i" --root "$root" delete --force "$id" >/dev/null 2>&1
        done
    done
fi

[ "$DO_DOCKER" = 1 ] && docker_bench

# ---------------------------------------------------------------- report --
# Samples and a description of the run go to $T/samples; hack/bench-report.sh
# turns them into the table, docs/bench.md and the chart.
for k in "${!S[@]}"; do printf '%s\n' ${S[$k]} >"$T/samples/$k"; done
for k in "${!FAILS[@]}"; do echo "${FAILS[$k]}" >"$T/samples/fail.$k"; done
[ -s "$T/errors.log" ] && cp "$T/errors.log" "$T/samples/errors.log"
{
    echo "date=$(date -u +%FT%TZ)"
    echo "args=${ORIG_ARGS[*]}"
    echo "host=$(uname -r), $(nproc) cpus"
    printf '%s\n' "n=$N" "warm=$WARM" "workers=$WORKERS" "per_worker=$PER_WORKER" "trounds=$TROUNDS" "rss_k=$RSS_K"
    echo "cmd=$CMD"
    printf '%s\n' "seccomp=$DO_SC" "run=$DO_RUN" "floor=$DO_FLOOR" "docker=$DO_DOCKER" "docker_n=$DOCKER_N"
    echo "hid_unified=$HID_UNIFIED"
    echo "systemd_cgroup=$SYSTEMD_CG"
    [ "$DO_SC" = 1 ] && echo "profile=$PROFILE_DESC"
    echo "load_start=$LOAD_START"
    echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$T/samples/meta"
for i in "${!NAMES[@]}"; do
    printf '%s|%s|%s|%s\n' "${NAMES[$i]}" "${RTPATHS[$i]}" "${RTENV[$i]% }" \
        "$(rtx "$i" --version 2>/dev/null | head -1)" >>"$T/samples/runtimes"
    libs=0 nl=0
    while read -r l; do
        [ -e "$l" ] || continue
        libs=$((libs + $(stat -Lc %s "$l"))); nl=$((nl + 1))
    done < <(ldd "${RTPATHS[$i]}" 2>/dev/null | awk '/=> \// {print $3} /^\t\/[^ ]+ \(/ {print $1}' | sort -u)
    echo "$(($(stat -Lc %s "${RTPATHS[$i]}") / 1024)) $((libs / 1024)) $nl" >"$T/samples/size.$i"
done
echo
"$HERE/bench-report.sh" -B "$BASE" --md "$MD" --plot "$PLOT" "$T/samples"
