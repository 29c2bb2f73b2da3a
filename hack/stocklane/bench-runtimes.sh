#!/bin/bash
# (Copied from /work/shared/tools/bench-runtimes.sh for the stock-host lane: adds
# --systemd-cgroup and a p25 column; hack/stocklane/tests.sh runs it in the guest.)
# bench-runtimes.sh - measure OCI runtimes side by side on this machine.
#
#   bench-runtimes.sh [options] RUNTIME [RUNTIME ...]
#   e.g. bench-runtimes.sh /usr/sbin/runc /usr/bin/crun ./aisbx
#
# Every RUNTIME must speak the runc CLI:
#   RUNTIME --root DIR create --bundle B --pid-file F ID | start ID | state ID
#           | kill ID SIG | delete [--force] ID | run --bundle B ID | list -q
#
# What is measured (all from this shell, wall clock via $EPOCHREALTIME):
#   lifecycle  create + start + wait-for-exit + delete of a busybox container
#              running /bin/true; also each phase alone, and `state` on a
#              created container (not part of the lifecycle sum).
#   run        one foreground `run` (the runtime creates, starts, waits for
#              and deletes the container itself).
#   seccomp    the same lifecycle with a Docker-default-like allowlist
#              (356 syscall names, arg rules for personality/clone) in
#              config.json, to see the cost of building the filter.
#   thrpt      W parallel workers (default 2) each doing M lifecycles;
#              containers per second, one figure per round.
#   rss        peak RSS of `create` (GNU time %M: the runtime and the
#              children it reaped), binary size and its shared libraries.
#   startup    `RUNTIME --version`: the binary's own exec/link/init cost.
#   floor      fork+exec of /bin/true and `unshare --fork --pid --mount --net
#              --uts --ipc /bin/true` from this same shell: no runtime can
#              beat these.
#   docker     (--docker) `docker run --rm --network none` end to end through
#              a private dockerd started here, with every RUNTIME registered.
#
# Runtimes are interleaved round by round (and the order rotates each round)
# so that drift on a shared machine hits all of them alike.  The last line
# printed is the ratio of each runtime's median lifecycle to the FIRST one's:
#   ratio crun/runc=0.52
#
# Hygiene: a unique container id per iteration, a private --root per runtime,
# cgroupsPath under /aisbx-bench/<run token>/<id>; on exit (or INT/TERM) every
# container still known to a runtime is deleted, stray processes left in OUR
# cgroups are killed, our cgroup directories are removed, and a dockerd we
# started is stopped by its pid.  Nothing else on the machine is touched.
# shellcheck disable=SC2086,SC2046,SC2015,SC2162 # as in the shared original: word splitting of number lists is intended
set -u -o pipefail
export LC_ALL=C

usage() {
    cat <<'EOF'
usage: bench-runtimes.sh [options] RUNTIME [RUNTIME ...]
  -n N          sequential rounds (lifecycle, run, seccomp)  [100]
  -W N          warm-up rounds, not counted                  [3]
  -w N          parallel workers for throughput              [2]
  -m N          containers per worker per throughput round   [20]
  -r N          throughput rounds                            [5]
  -k N          peak-RSS samples per runtime                 [10]
  -a 'CMD ...'  container command (split on spaces)          [/bin/true]
  -b PATH       static busybox for the rootfs                [/bin/busybox]
  -o DIR        keep raw samples (one file per metric, microseconds) in DIR
  --no-seccomp  skip the seccomp variant
  --no-run      skip the foreground `run` measurement
  --no-floor    skip the fork/unshare floor
  --docker      also time `docker run` through a private dockerd
  --docker-n N  docker runs per runtime                      [30]
  --systemd-cgroup  pass --systemd-cgroup to every runtime call; cgroupsPath
                "system.slice:aisbx-bench:<id>" (a transient scope per container)
  --keep-hybrid do not hide a cgroup2 hierarchy that has controllers (see below)
  -h            this help
Environment: SECCOMP_ARCHES='SCMP_ARCH_X86_64 ...' replaces the profile's
architectures (default: Docker's X86_64 X86 X32).

Hybrid cgroups: crun (1.8.1 at least) refuses to create any container when
/sys/fs/cgroup/unified (cgroup2 beside v1) has a controller enabled, as on this
VM (hugetlb).  Unless --keep-hybrid, the whole benchmark then runs in a private
mount namespace with a private tmpfs over /sys/fs/cgroup/unified, so every
runtime sees plain cgroup v1 alike; the host's mounts are not changed.
EOF
}

N=100 WARM=3 WORKERS=2 PER_WORKER=20 TROUNDS=5 RSS_K=10
CMD="/bin/true" BUSYBOX=/bin/busybox KEEP="" DO_SC=1 DO_RUN=1 DO_FLOOR=1
DO_DOCKER=0 DOCKER_N=30 KEEP_HYBRID=0 SYSTEMD_CG=0
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
        -a) CMD=$2; shift ;;
        -b) BUSYBOX=$2; shift ;;
        -o) KEEP=$2; shift ;;
        --no-seccomp) DO_SC=0 ;;
        --no-run) DO_RUN=0 ;;
        --no-floor) DO_FLOOR=0 ;;
        --docker) DO_DOCKER=1 ;;
        --docker-n) DOCKER_N=$2; shift ;;
        --keep-hybrid) KEEP_HYBRID=1 ;;
        --systemd-cgroup) SYSTEMD_CG=1 ;;
        -h|--help) usage; exit 0 ;;
        --) shift; RTS+=("$@"); break ;;
        -*) echo "bench-runtimes: unknown option $1" >&2; usage >&2; exit 2 ;;
        *) RTS+=("$1") ;;
    esac
    shift
done
die() { echo "bench-runtimes: $*" >&2; exit 1; }
GFLAGS=()
[ "$SYSTEMD_CG" = 1 ] && GFLAGS=(--systemd-cgroup)
[ ${#RTS[@]} -ge 1 ] || { usage >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "must run as root (namespaces, cgroups)"
for v in N WARM WORKERS PER_WORKER TROUNDS RSS_K DOCKER_N; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a number, got '${!v}'"
done
[ "$N" -ge 1 ] || die "-n must be at least 1"
[ -x "$BUSYBOX" ] || die "no busybox at $BUSYBOX (apt-get install busybox-static)"
command -v jq >/dev/null || die "jq is needed (apt-get install jq)"
[ -n "${EPOCHREALTIME:-}" ] || die "bash 5 with \$EPOCHREALTIME is needed"

HID_UNIFIED=0
if [ "$KEEP_HYBRID" = 0 ] && [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] &&
    [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)" ]; then
    if [ "${AISBX_BENCH_IN_NS:-}" != 1 ]; then
        export AISBX_BENCH_IN_NS=1
        exec unshare --mount --propagation private -- "$BASH" "$(readlink -f "$0")" "${ORIG_ARGS[@]}"
    fi
    UNIFIED_CTRLS=$(cat /sys/fs/cgroup/unified/cgroup.controllers)
    mount -t tmpfs -o mode=755,size=4m aisbx-bench-hide /sys/fs/cgroup/unified ||
        die "cannot hide /sys/fs/cgroup/unified in the private mount namespace"
    HID_UNIFIED=1
fi

# Runtime names: basename, made unique with an index suffix when two clash.
NAMES=() RTPATHS=()
for i in "${!RTS[@]}"; do
    p=${RTS[$i]}
    [[ $p == */* ]] || p=$(command -v "$p" || echo "$p")
    [ -x "$p" ] || die "runtime '${RTS[$i]}' is not an executable"
    RTPATHS+=("$(readlink -f "$p")")
    n=$(basename "$p")
    for m in "${NAMES[@]}"; do [ "$m" = "$n" ] && n="$n#$i"; done
    NAMES+=("$n")
done
NRT=${#RTPATHS[@]}

TOK="b$$"
T=$(mktemp -d /tmp/aisbx-bench.XXXXXX) || die "mktemp failed"
CGREL="aisbx-bench/$TOK"        # cgroupsPath prefix, relative to each hierarchy
WORKER_PIDS=() DOCKERD_PID="" CONTAINERD_PID=""

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
        local root=$T/state/$i ids=()
        [ -d "$root" ] || continue
        mapfile -t ids < <("${RTPATHS[$i]}" "${GFLAGS[@]}" --root "$root" list -q 2>/dev/null)
        # Runtimes without `list`: their state dirs are named by id.
        for d in "$root"/*/; do [ -d "$d" ] && ids+=("$(basename "$d")"); done
        for id in $(printf '%s\n' "${ids[@]}" | sort -u); do
            "${RTPATHS[$i]}" "${GFLAGS[@]}" --root "$root" kill "$id" KILL >/dev/null 2>&1
            "${RTPATHS[$i]}" "${GFLAGS[@]}" --root "$root" delete --force "$id" >/dev/null 2>&1
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
    [ -n "$left" ] && echo "bench-runtimes: WARNING cgroups left: $left" >&2
    # Mounts below $T can only come from our dockerd: unmount before rm -rf.
    awk -v t="$T" '$5 ~ "^"t {print $5}' /proc/self/mountinfo | sort -r |
        while read -r d; do umount -l "$d" 2>/dev/null; done
    [ -n "$KEEP" ] && [ -d "$T/samples" ] && { mkdir -p "$KEEP" && cp -r "$T/samples/." "$KEEP/"; }
    rm -rf "$T"
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

# Docker-default-like allowlist (moby's profile, Docker's default caps).
SC_NAMES='accept accept4 access adjtimex alarm bind brk capget capset chdir chmod
chown chown32 clock_adjtime clock_adjtime64 clock_getres clock_getres_time64
clock_gettime clock_gettime64 clock_nanosleep clock_nanosleep_time64 close
close_range connect copy_file_range creat dup dup2 dup3 epoll_create
epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait
epoll_wait_old eventfd eventfd2 execve execveat exit exit_group faccessat
faccessat2 fadvise64 fadvise64_64 fallocate fanotify_mark fchdir fchmod fchmodat
fchown fchown32 fchownat fcntl fcntl64 fdatasync fgetxattr flistxattr flock fork
fremovexattr fsetxattr fstat fstat64 fstatat64 fstatfs fstatfs64 fsync ftruncate
ftruncate64 futex futex_time64 futex_waitv futimesat getcpu getcwd getdents
getdents64 getegid getegid32 geteuid geteuid32 getgid getgid32 getgroups
getgroups32 getitimer getpeername getpgid getpgrp getpid getppid getpriority
getrandom getresgid getresgid32 getresuid getresuid32 getrlimit get_robust_list
getrusage getsid getsockname getsockopt get_thread_area gettid gettimeofday
getuid getuid32 getxattr inotify_add_watch inotify_init inotify_init1
inotify_rm_watch io_cancel ioctl io_destroy io_getevents io_pgetevents
io_pgetevents_time64 ioprio_get ioprio_set io_setup io_submit io_uring_enter
io_uring_register io_uring_setup ipc kill landlock_add_rule
landlock_create_ruleset landlock_restrict_self lchown lchown32 lgetxattr link
linkat listen listxattr llistxattr _llseek lremovexattr lseek lsetxattr lstat
lstat64 madvise membarrier memfd_create memfd_secret mincore mkdir mkdirat mknod
mknodat mlock mlock2 mlockall mmap mmap2 mprotect mq_getsetattr mq_notify mq_open
mq_timedreceive mq_timedreceive_time64 mq_timedsend mq_timedsend_time64
mq_unlink mremap msgctl msgget msgrcv msgsnd msync munlock munlockall munmap
name_to_handle_at nanosleep newfstatat _newselect open openat openat2 pause
pidfd_open pidfd_send_signal pipe pipe2 pkey_alloc pkey_free pkey_mprotect poll
ppoll ppoll_time64 prctl pread64 preadv preadv2 prlimit64 process_mrelease
pselect6 pselect6_time64 pwrite64 pwritev pwritev2 read readahead readlink
readlinkat readv recv recvfrom recvmmsg recvmmsg_time64 recvmsg remap_file_pages
removexattr rename renameat renameat2 restart_syscall rmdir rseq rt_sigaction
rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend
rt_sigtimedwait rt_sigtimedwait_time64 rt_tgsigqueueinfo sched_getaffinity
sched_getattr sched_getparam sched_get_priority_max sched_get_priority_min
sched_getscheduler sched_rr_get_interval sched_rr_get_interval_time64
sched_setaffinity sched_setattr sched_setparam sched_setscheduler sched_yield
seccomp select semctl semget semop semtimedop semtimedop_time64 send sendfile
sendfile64 sendmmsg sendmsg sendto setfsgid setfsgid32 setfsuid setfsuid32
setgid setgid32 setgroups setgroups32 setitimer setpgid setpriority setregid
setregid32 setresgid setresgid32 setresuid setresuid32 setreuid setreuid32
setrlimit set_robust_list setsid setsockopt set_thread_area set_tid_address
setuid setuid32 setxattr shmat shmctl shmdt shmget shutdown sigaltstack signalfd
signalfd4 sigprocmask sigreturn socket socketcall socketpair splice stat stat64
statfs statfs64 statx symlink symlinkat sync sync_file_range syncfs sysinfo tee
tgkill time timer_create timer_delete timer_getoverrun timer_gettime
timer_gettime64 timer_settime timer_settime64 timerfd_create timerfd_gettime
timerfd_gettime64 timerfd_settime timerfd_settime64 times tkill truncate
truncate64 ugetrlimit umask uname unlink unlinkat utime utimensat
utimensat_time64 utimes vfork vmsplice wait4 waitid waitpid write writev
process_vm_readv process_vm_writev ptrace arch_prctl modify_ldt chroot'
# SECCOMP_ARCHES (space separated) overrides Docker's three x86 ABIs.
SC_ARCHES=$(printf '%s\n' ${SECCOMP_ARCHES:-SCMP_ARCH_X86_64 SCMP_ARCH_X86 SCMP_ARCH_X32} | jq -R . | jq -sc .)
SC_JSON=$(printf '%s\n' $SC_NAMES | jq -R . | jq -sc --argjson arches "$SC_ARCHES" '{
    defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 1,
    architectures: $arches,
    syscalls: ([{names: ., action: "SCMP_ACT_ALLOW"}]
      + ([0, 8, 131072, 131080, 4294967295] | map({names: ["personality"],
            action: "SCMP_ACT_ALLOW", args: [{index: 0, value: ., op: "SCMP_CMP_EQ"}]}))
      + [{names: ["clone"], action: "SCMP_ACT_ALLOW",
            args: [{index: 0, value: 2114060288, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ"}]},
         {names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 38}])}')
SC_COUNT=$(printf '%s\n' $SC_NAMES | wc -l)
TPL_SC=$(jq --argjson sc "$SC_JSON" '.linux.seccomp = $sc' <<<"$TPL")

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
            "$3" "${GFLAGS[@]}" --root "$2" state "$4" 2>/dev/null | grep -q '"status": *"stopped"' && return 0
        fi
        [ "${EPOCHREALTIME/./}" -gt "$deadline" ] && return 1
        read -t 0.0002 -u "$IDLEFD" _
    done
}

# lifecycle I KEYPREFIX BUNDLE ID [sc] [quiet]: one create/state/start/wait/delete.
# Records KEYPREFIX.{create,state,start,wait,delete,total}.I unless quiet.
lifecycle() {
    local i=$1 key=$2 b=$3 id=$4 sc=${5:-} quiet=${6:-}
    local rt=${RTPATHS[$i]} root=$T/state/$i a bb c d e f
    write_config "$b" "$id" "$sc"
    rm -f "$b/pid"
    now; a=$NOW
    if ! "$rt" "${GFLAGS[@]}" --root "$root" create --bundle "$b" --pid-file "$b/pid" "$id" \
        </dev/null >/dev/null 2>>"$T/rt-stderr.$i"; then
        fail "$key.$i" "create $id failed"
        "$rt" "${GFLAGS[@]}" --root "$root" delete --force "$id" >/dev/null 2>&1
        return 1
    fi
    now; bb=$NOW
    if [ -z "$quiet" ]; then
        "$rt" "${GFLAGS[@]}" --root "$root" state "$id" >/dev/null 2>>"$T/rt-stderr.$i" ||
            fail "$key.$i" "state $id failed"
    fi
    now; c=$NOW
    if ! "$rt" "${GFLAGS[@]}" --root "$root" start "$id" </dev/null >/dev/null 2>>"$T/rt-stderr.$i"; then
        fail "$key.$i" "start $id failed"
        "$rt" "${GFLAGS[@]}" --root "$root" delete --force "$id" >/dev/null 2>&1
        return 1
    fi
    now; d=$NOW
    if ! wait_exit "$b/pid" "$root" "$rt" "$id"; then
        fail "$key.$i" "$id did not exit within 10 s"
        "$rt" "${GFLAGS[@]}" --root "$root" delete --force "$id" >/dev/null 2>&1
        return 1
    fi
    now; e=$NOW
    if ! "$rt" "${GFLAGS[@]}" --root "$root" delete "$id" </dev/null >/dev/null 2>>"$T/rt-stderr.$i"; then
        fail "$key.$i" "delete $id failed"
        "$rt" "${GFLAGS[@]}" --root "$root" delete --force "$id" >/dev/null 2>&1
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
    local i=$1 b=$2 id=$3 rt=${RTPATHS[$1]} root=$T/state/$1 a rc
    write_config "$b" "$id"
    now; a=$NOW
    "$rt" "${GFLAGS[@]}" --root "$root" run --bundle "$b" "$id" </dev/null >/dev/null 2>>"$T/rt-stderr.$i"
    rc=$?
    now
    if [ $rc -ne 0 ]; then
        fail "run.$i" "run $id exited $rc"
    else
        add "run.$i" $((NOW - a))
    fi
    if [ -e "$root/$id" ]; then  # still known: the runtime did not clean up
        fail "run.$i" "run left $id behind"
        "$rt" "${GFLAGS[@]}" --root "$root" delete --force "$id" >/dev/null 2>&1
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
    local i=$1 rt=${RTPATHS[$1]} root=$T/state/$1 b=$T/b/sanity.$1 out
    mkdir -p "$b" "$root"
    local mark="bench-ok-$TOK-$i"
    write_config "$b" "sanity-$TOK-$i"
    jq --arg m "$mark" '.process.args = ["/bin/echo", $m]' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
    out=$("$rt" "${GFLAGS[@]}" --root "$root" create --bundle "$b" --pid-file "$b/pid" "sanity-$TOK-$i" </dev/null 2>&1 &&
        "$rt" "${GFLAGS[@]}" --root "$root" start "sanity-$TOK-$i" 2>&1 && wait_exit "$b/pid" "$root" "$rt" "sanity-$TOK-$i" &&
        "$rt" "${GFLAGS[@]}" --root "$root" delete "sanity-$TOK-$i" 2>&1)
    [[ $out == *"$mark"* ]] || die "${NAMES[$i]}: create/start did not run the container (output: ${out:0:400})"
    out=$("$rt" "${GFLAGS[@]}" --root "$root" run --bundle "$b" "sanity2-$TOK-$i" </dev/null 2>&1) ||
        die "${NAMES[$i]}: run failed: ${out:0:400}"
    [[ $out == *"$mark"* ]] || die "${NAMES[$i]}: run did not run the container (output: ${out:0:400})"
    [ -e "$root/sanity2-$TOK-$i" ] && "$rt" "${GFLAGS[@]}" --root "$root" delete --force "sanity2-$TOK-$i" >/dev/null 2>&1
    if [ "$DO_SC" = 1 ]; then
        write_config "$b" "sanity3-$TOK-$i" sc
        jq '.process.args = ["/bin/grep", "^Seccomp:", "/proc/self/status"]' "$b/config.json" >"$b/c" &&
            mv "$b/c" "$b/config.json"
        out=$("$rt" "${GFLAGS[@]}" --root "$root" run --bundle "$b" "sanity3-$TOK-$i" </dev/null 2>&1) ||
            die "${NAMES[$i]}: run with the seccomp profile failed: ${out:0:400}"
        [[ $out =~ Seccomp:[[:space:]]+2 ]] || die "${NAMES[$i]}: no seccomp filter in the container (${out:0:400})"
    fi
    return 0
}

# ------------------------------------------------------------------ docker --
DK=$T/dk
docker_stop() {
    [ -n "$DOCKERD_PID" ] || return 0
    local k
    kill -TERM "$DOCKERD_PID" 2>/dev/null
    for k in $(seq 1 150); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$DOCKERD_PID" 2>/dev/null && kill -KILL "$DOCKERD_PID" 2>/dev/null
    wait "$DOCKERD_PID" 2>/dev/null
    if [ -n "$CONTAINERD_PID" ] && kill -0 "$CONTAINERD_PID" 2>/dev/null; then
        for k in $(seq 1 50); do kill -0 "$CONTAINERD_PID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$CONTAINERD_PID" 2>/dev/null
    fi
    DOCKERD_PID=""
}
dk() { docker -H "unix://$DK/docker.sock" "$@"; }

docker_bench() {
    command -v dockerd >/dev/null && command -v docker >/dev/null || die "--docker needs dockerd and docker"
    mkdir -p "$DK/data" "$DK/exec"
    local i cfg
    cfg=$(for i in "${!RTPATHS[@]}"; do
        jq -n --arg n "bench-$i" --arg p "${RTPATHS[$i]}" '{($n): {path: $p}}'
    done | jq -s --arg cg "/$CGREL-docker" '{runtimes: add, "cgroup-parent": $cg}')
    printf '%s\n' "$cfg" >"$DK/daemon.json"
    dockerd --config-file "$DK/daemon.json" --data-root "$DK/data" --exec-root "$DK/exec" \
        -H "unix://$DK/docker.sock" -p "$DK/docker.pid" \
        --iptables=false --ip-masq=false --bridge=none >"$DK/log" 2>&1 &
    DOCKERD_PID=$!
    for i in $(seq 1 300); do
        dk version >/dev/null 2>&1 && break
        kill -0 "$DOCKERD_PID" 2>/dev/null || die "dockerd died: $(tail -5 "$DK/log")"
        sleep 0.2
    done
    dk version >/dev/null 2>&1 || die "dockerd did not come up: $(tail -5 "$DK/log")"
    CONTAINERD_PID=$(pgrep -P "$DOCKERD_PID" containerd | head -1)
    tar -C "$T/rootfs" -cf - . | dk import - busybox:local >/dev/null || die "docker import failed"
    for i in "${!RTPATHS[@]}"; do  # warm-up and check
        dk run --rm --network none --runtime "bench-$i" busybox:local /bin/true >/dev/null 2>"$T/dk-err" ||
            die "docker run with ${NAMES[$i]} failed: $(cat "$T/dk-err")"
        dk run --rm --network none --runtime "bench-$i" busybox:local /bin/true >/dev/null 2>&1
    done
    local r j a rc
    for r in $(seq 1 "$DOCKER_N"); do
        for j in $(seq 0 $((NRT - 1))); do
            i=$(((j + r) % NRT))
            now; a=$NOW
            dk run --rm --network none --runtime "bench-$i" busybox:local /bin/true >/dev/null 2>>"$T/dk-err"
            rc=$?
            now
            if [ $rc -eq 0 ]; then add "docker.$i" $((NOW - a)); else fail "docker.$i" "docker run exited $rc"; fi
        done
    done
    [ -z "$(dk ps -aq)" ] || echo "bench-runtimes: WARNING docker containers left: $(dk ps -aq | tr '\n' ' ')" >&2
    docker_stop
}

# ------------------------------------------------------------------ stats --
# stats KEY -> "n min p50 p90 max" in microseconds (nearest-rank percentiles)
stats() {
    local v=${S[$1]:-}
    [ -n "$v" ] || { echo "0 - - - -"; return; }
    printf '%s\n' $v | sort -n | awk '{a[NR]=$1} END {
        p50 = a[int((NR + 1) / 2)]; if (NR % 2 == 0) p50 = (a[NR/2] + a[NR/2 + 1]) / 2
        i90 = int(NR * 0.9); if (i90 < NR * 0.9) i90++; if (i90 < 1) i90 = 1
        i25 = int(NR * 0.25); if (i25 < NR * 0.25) i25++; if (i25 < 1) i25 = 1
        print NR, a[1], p50, a[i90], a[NR], a[i25] }'
}
ms() { [ "$1" = - ] && echo - || awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }

# ------------------------------------------------------------------- main --
echo "bench-runtimes: $(date -u +%FT%TZ) $(uname -r) $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
for i in "${!RTPATHS[@]}"; do
    echo "  ${NAMES[$i]} = ${RTPATHS[$i]} ($("${RTPATHS[$i]}" --version 2>/dev/null | head -1))"
done
echo "  rounds=$N warm-up=$WARM workers=$WORKERS x $PER_WORKER x $TROUNDS rounds, rss samples=$RSS_K, cmd='$CMD'"
[ "$HID_UNIFIED" = 1 ] && echo "  cgroup2 at /sys/fs/cgroup/unified has controllers ($UNIFIED_CTRLS): hidden in a private mount namespace, all runtimes see cgroup v1 only"
[ "$DO_SC" = 1 ] && echo "  seccomp profile: $SC_COUNT allowed names + personality/clone arg rules, default ERRNO, arches $SC_ARCHES"

for i in "${!RTPATHS[@]}"; do sanity "$i"; done

# Sequential phase: round by round, runtimes rotated each round.
total_rounds=$((WARM + N))
for r in $(seq 1 "$total_rounds"); do
    warm=""
    [ "$r" -le "$WARM" ] && warm=1
    [ "$DO_FLOOR" = 1 ] && [ -z "$warm" ] && floor
    for j in $(seq 0 $((NRT - 1))); do  # the binary's own start-up cost
        i=$(((j + r) % NRT))
        now; a=$NOW
        "${RTPATHS[$i]}" --version >/dev/null 2>&1
        now; [ -z "$warm" ] && add "ver.$i" $((NOW - a))
    done
    for j in $(seq 0 $((NRT - 1))); do
        i=$(((j + r) % NRT))
        if [ -n "$warm" ]; then
            lifecycle "$i" warm "$T/b/seq.$i" "w$TOK-$i-$r" "" quiet
        else
            lifecycle "$i" lc "$T/b/seq.$i" "l$TOK-$i-$r"
        fi
    done
    if [ "$DO_RUN" = 1 ]; then
        for j in $(seq 0 $((NRT - 1))); do
            i=$(((j + r) % NRT))
            run_fg "$i" "$T/b/run.$i" "r$TOK-$i-$r"
        done
    fi
    if [ "$DO_SC" = 1 ]; then
        for j in $(seq 0 $((NRT - 1))); do
            i=$(((j + r) % NRT))
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
    for j in $(seq 0 $((NRT - 1))); do
        i=$(((j + r) % NRT))
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
        for j in $(seq 0 $((NRT - 1))); do
            i=$(((j + r) % NRT))
            b=$T/b/rss.$i id="m$TOK-$i-$r" root=$T/state/$i
            write_config "$b" "$id"
            if /usr/bin/time -f %M -o "$b/maxrss" "${RTPATHS[$i]}" "${GFLAGS[@]}" --root "$root" create --bundle "$b" \
                --pid-file "$b/pid" "$id" </dev/null >/dev/null 2>>"$T/rt-stderr.$i"; then
                add "rss.$i" "$(tail -1 "$b/maxrss")"
                "${RTPATHS[$i]}" "${GFLAGS[@]}" --root "$root" start "$id" >/dev/null 2>&1
                wait_exit "$b/pid" "$root" "${RTPATHS[$i]}" "$id"
            else
                fail "rss.$i" "create $id under /usr/bin/time failed"
            fi
            "${RTPATHS[$i]}" "${GFLAGS[@]}" --root "$root" delete --force "$id" >/dev/null 2>&1
        done
    done
fi

[ "$DO_DOCKER" = 1 ] && docker_bench

# ---------------------------------------------------------------- report --
for k in "${!S[@]}"; do printf '%s\n' ${S[$k]} >"$T/samples/$k"; done
[ -s "$T/errors.log" ] && cp "$T/errors.log" "$T/samples/errors.log"

libsize() {  # binary KiB + shared libraries KiB (count)
    local b=$1 bin libs=0 n=0 l
    bin=$(stat -Lc %s "$b")
    while read -r l; do
        [ -e "$l" ] || continue
        libs=$((libs + $(stat -Lc %s "$l"))); n=$((n + 1))
    done < <(ldd "$b" 2>/dev/null | awk '/=> \// {print $3} /^\t\/[^ ]+ \(/ {print $1}' | sort -u)
    echo "$((bin / 1024)) $((libs / 1024)) $n"
}

W1=34 WC=26
row() {  # row LABEL VALUE...
    printf "%-${W1}s" "$1"; shift
    local v; for v in "$@"; do printf "%${WC}s" "$v"; done; echo
}
# cell KEY: "p25/median/p90" in ms
cell() { local s; s=$(stats "$1"); set -- $s; [ "$1" = 0 ] && echo - || echo "$(ms "$6")/$(ms "$3")/$(ms "$4")"; }
cellmm() { local s; s=$(stats "$1"); set -- $s; [ "$1" = 0 ] && echo - || echo "$(ms "$2")..$(ms "$5")"; }
med() { local s; s=$(stats "$1"); set -- $s; echo "$3"; }

echo
hdr=(); for i in "${!NAMES[@]}"; do hdr+=("${NAMES[$i]}"); done
row "ms, p25/median/p90 (n=$N)" "${hdr[@]}"
row "$(printf '%.0s-' $(seq 1 $W1))" $(for i in "${!NAMES[@]}"; do printf '%.0s-' $(seq 1 $((WC - 2))); echo; done)
vals() { local k=$1 i out=(); for i in "${!NAMES[@]}"; do out+=("$($2 "${k//@/$i}")"); done; row "$3" "${out[@]}"; }
vals "lc.total.@" cell "lifecycle create+start+wait+del"
vals "lc.total.@" cellmm "  lifecycle min..max"
vals "lc.create.@" cell "  create"
vals "lc.start.@" cell "  start"
vals "lc.wait.@" cell "  wait for exit (after start)"
vals "lc.delete.@" cell "  delete"
vals "lc.state.@" cell "state (created container)"
vals "ver.@" cell "binary start-up (--version)"
[ "$DO_RUN" = 1 ] && vals "run.@" cell "run (foreground, self-deleting)"
if [ "$DO_SC" = 1 ]; then
    vals "sc.total.@" cell "lifecycle + seccomp"
    vals "sc.create.@" cell "  create + seccomp"
    out=(); for i in "${!NAMES[@]}"; do
        a=$(med "sc.total.$i") b=$(med "lc.total.$i")
        [ "$a" = - ] || [ "$b" = - ] && out+=(-) || out+=("$(awk -v a="$a" -v b="$b" 'BEGIN{printf "%+.2f", (a-b)/1000}')")
    done; row "  seccomp cost (median delta)" "${out[@]}"
fi
out=(); for i in "${!NAMES[@]}"; do
    s=$(stats "tp.$i"); set -- $s
    [ "$1" = 0 ] && out+=(-) || out+=("$(awk -v m="$3" 'BEGIN{printf "%.1f", m/1000}')")
done; row "throughput, $WORKERS workers (ctr/s, med)" "${out[@]}"
out=(); for i in "${!NAMES[@]}"; do
    s=$(stats "tp.$i"); set -- $s
    [ "$1" = 0 ] && out+=(-) || out+=("$(awk -v a="$2" -v b="$5" 'BEGIN{printf "%.1f..%.1f", a/1000, b/1000}')")
done; row "  min..max over $TROUNDS rounds" "${out[@]}"
out=(); for i in "${!NAMES[@]}"; do
    s=$(stats "rss.$i"); set -- $s
    [ "$1" = 0 ] && out+=(-) || out+=("$(awk -v m="$3" 'BEGIN{printf "%.1f", m/1024}')")
done; row "peak RSS of create (MiB, med)" "${out[@]}"
out=(); out2=(); for i in "${!NAMES[@]}"; do
    set -- $(libsize "${RTPATHS[$i]}"); out+=("$1"); out2+=("$2 ($3)")
done
row "binary size (KiB)" "${out[@]}"
row "  + shared libs (KiB, count)" "${out2[@]}"
if [ "$DO_DOCKER" = 1 ]; then
    vals "docker.@" cell "docker run --rm (n=$DOCKER_N)"
    vals "docker.@" cellmm "  docker run min..max"
fi
out=(); for i in "${!NAMES[@]}"; do
    n=0; for k in "${!FAILS[@]}"; do [[ $k == *.$i ]] && n=$((n + FAILS[$k])); done; out+=("$n")
done; row "failures" "${out[@]}"
if [ "$DO_FLOOR" = 1 ]; then
    echo
    echo "floor (same shell, same rounds): fork+exec /bin/true $(cell floor.forkexec) ms (min..max $(cellmm floor.forkexec));" \
        "unshare --fork --pid --mount --net --uts --ipc /bin/true $(cell floor.unshare) ms (min..max $(cellmm floor.unshare))"
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -s "$T/errors.log" ] && { echo "errors (first 10):"; head -10 "$T/errors.log"; }
[ -n "$KEEP" ] && echo "raw samples (microseconds; tp.* = containers/s x1000; rss.* = KiB) in $KEEP"

ratios=()
b=$(med "lc.total.0")
for i in "${!NAMES[@]}"; do
    [ "$i" = 0 ] && continue
    a=$(med "lc.total.$i")
    if [ "$a" = - ] || [ "$b" = - ]; then r=NA; else r=$(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.2f", a/b}'); fi
    ratios+=("${NAMES[$i]}/${NAMES[0]}=$r")
done
[ "$NRT" = 1 ] && ratios+=("${NAMES[0]}/${NAMES[0]}=1.00")
echo "ratio ${ratios[*]}"
