#!/bin/bash
# hack/runc-suite.sh - runc's own integration suite (tests/integration/*.bats of a
# runc checkout) against any runc-CLI runtime, as the README's "runc's own suite"
# table was measured (issue 15). Not part of CI: it needs a runc checkout, which
# this repository does not carry (nothing of runc's is committed here).
#
#   hack/runc-suite.sh --runc-src DIR --busybox TAR [--debian DIR|TAR] [--criu DIR]
#                      [--out DIR] RUNTIME [FILE.bats ...]
#
#   --runc-src  a runc checkout (v1.1.5 for the README's numbers). Its helpers
#               (recvtty, sd-helper, seccompagent with -tags seccomp) are built
#               from it with `go build -mod=vendor` when missing.
#   --busybox   docker-library's busybox rootfs tarball (gz or xz; the one runc's
#               get-images.sh names, or dist-amd64's latest/glibc/amd64/rootfs.tar.gz).
#               It has no /proc or /sys, which mask.bats relies on.
#   --debian    a Debian root (a debootstrap'd directory or a tarball) for hooks.bats.
#   --criu      a directory with criu (e.g. Debian's package unpacked with dpkg -x,
#               without installing it): put on PATH with its libraries.
#   --out       where the TAP files go (default /tmp/runc-suite.<runtime name>).
#   --hide-unified  run in a private mount namespace with a tmpfs over
#               /sys/fs/cgroup/unified, so the runtime sees cgroup v1 only
#               (crun 1.8.1 refuses the hybrid layout; the README's crun row).
#
# Each file runs under script(1) (runc wants a controlling terminal) and an outer
# timeout, not BATS_TEST_TIMEOUT: bats 1.8 runs that watchdog as a background
# job of the test's shell, and runc's events tests end with a bare `wait`.
# A runtime call still running after 120 s, or a freezer cgroup of the suite
# frozen that long, counts as a hang: logged, killed / thawed.
# Prints `runc-suite: RUNTIME passed=N failed=N skipped=N hangs=N` last.
set -uo pipefail

die() { echo "runc-suite: $*" >&2; exit 1; }
src='' busybox='' debian='' criu='' out='' hide=0
orig_args=("$@")
while [ $# -gt 0 ]; do
    case $1 in
    --runc-src) src=$2; shift 2 ;;
    --busybox) busybox=$2; shift 2 ;;
    --debian) debian=$2; shift 2 ;;
    --criu) criu=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --hide-unified) hide=1; shift ;;
    -h | --help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) break ;;
    esac
done
[ $# -ge 1 ] || die "usage: $0 --runc-src DIR --busybox TAR [...] RUNTIME [FILE.bats ...]"
rt=$(command -v "$1") || die "runtime $1 not found"
rt=$(readlink -f "$rt")
shift
[ "$(id -u)" = 0 ] || die "must run as root (runc's suite mounts and makes cgroups)"
if [ "$hide" = 1 ] && [ -z "${RUNC_SUITE_HIDDEN:-}" ]; then
    [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] ||
        die "--hide-unified: no cgroup2 at /sys/fs/cgroup/unified"
    args=()
    for a in "${orig_args[@]}"; do [ "$a" = --hide-unified ] || args+=("$a"); done
    # shellcheck disable=SC2016
    exec env RUNC_SUITE_HIDDEN=1 unshare -m sh -c 'mount --make-rprivate / &&
        mount -t tmpfs -o mode=755,size=4m runc-suite-hide /sys/fs/cgroup/unified &&
        exec "$0" "$@"' "$0" "${args[@]}"
fi
[ -d "$src/tests/integration" ] || die "--runc-src: no tests/integration in '$src'"
[ -f "$busybox" ] || die "--busybox: no file '$busybox'"
for t in bats script jq timeout xz; do command -v $t >/dev/null || die "missing $t"; done
src=$(readlink -f "$src")
out=${out:-/tmp/runc-suite.$(basename "$rt")}
testdata=$src/tests/integration/testdata

# the images, where get-images.sh looks first (it downloads only what is missing)
case $busybox in
*.xz) cp "$busybox" "$testdata/busybox-amd64.tar.xz" ;;
*) zcat -f "$busybox" | xz -T0 -1 >"$testdata/busybox-amd64.tar.xz" ;;
esac
if [ -d "$debian" ]; then
    tar -C "$debian" -cf - . | xz -T0 -1 >"$testdata/debian-amd64.tar.xz"
elif [ -f "$debian" ]; then
    case $debian in *.xz) cp "$debian" "$testdata/debian-amd64.tar.xz" ;;
    *) zcat -f "$debian" | xz -T0 -1 >"$testdata/debian-amd64.tar.xz" ;; esac
fi

# runc's test helpers, built from the checkout's vendored sources
for h in recvtty sd-helper seccompagent; do
    [ -x "$src/contrib/cmd/$h/$h" ] && continue
    command -v go >/dev/null || die "$h is not built in $src and go is missing"
    tags=; [ $h = seccompagent ] && tags="-tags seccomp"
    # shellcheck disable=SC2086
    (cd "$src" && go build -mod=vendor $tags -o "contrib/cmd/$h/$h" "./contrib/cmd/$h") ||
        die "building $h failed"
done

path=$PATH
if [ -n "$criu" ]; then
    bin=$(mktemp -d /tmp/runc-suite-criu.XXXXXX)
    c=$(find "$criu" -name criu -type f -perm -u+x | head -1)
    [ -n "$c" ] || die "--criu: no criu binary under $criu"
    libs=$(find "$criu" -name '*.so*' -printf '%h\n' | sort -u | paste -sd:)
    printf '#!/bin/sh\nLD_LIBRARY_PATH=%s exec %s "$@"\n' "$libs" "$c" >"$bin/criu"
    chmod 755 "$bin/criu"
    path=$bin:$PATH
fi

rm -rf "$out"
mkdir -p "$out"
hangs=$out/hangs.log
: >"$hangs"
watch_calls() { # a runtime call running > 120 s
    while sleep 10; do
        for p in $(pgrep -f "^$rt "); do
            et=$(ps -o etimes= -p "$p" 2>/dev/null | tr -d ' ')
            [ -n "$et" ] && [ "$et" -gt 120 ] || continue
            echo "$(date +%T) hang: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" >>"$hangs"
            kill -9 "$p"
        done
    done
}
watch_frozen() { # a freezer cgroup of the suite frozen > 120 s
    declare -A seen
    while sleep 10; do
        while read -r f; do
            grep -qx 'FROZEN\|1' "$f" 2>/dev/null || { unset "seen[$f]"; continue; }
            now=$(date +%s)
            [ -n "${seen[$f]:-}" ] || seen[$f]=$now
            if [ $((now - ${seen[$f]})) -gt 120 ]; then
                echo "$(date +%T) hang: $f frozen > 120 s, thawed" >>"$hangs"
                case $f in *freezer.state) echo THAWED >"$f" ;; *) echo 0 >"$f" ;; esac
                unset "seen[$f]"
            fi
        done < <(find /sys/fs/cgroup/freezer/runc-cgroups-integration-test \
            /sys/fs/cgroup/runc-cgroups-integration-test \
            \( -name freezer.state -o -name cgroup.freeze \) 2>/dev/null)
    done
}
# The host's standard device nodes, as they were: a runtime under test may
# change them (crun 1.8.1's exec --user chowns the caller's /dev/null), and
# the host must be left as it was.
devs=(/dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty /dev/ptmx)
devstat=$(stat -c '%n %u %g %a' "${devs[@]}")
restore_devs() {
    local n u g a
    while read -r n u g a; do
        [ "$(stat -c '%u %g %a' "$n")" = "$u $g $a" ] && continue
        echo "runc-suite: WARNING: $(basename "$rt") changed the host's $n to $(stat -c '%u:%g %a' "$n"); put back to $u:$g $a" >&2
        chown "$u:$g" "$n" && chmod "$a" "$n"
    done <<<"$devstat"
}
watch_calls &
w1=$!
watch_frozen &
w2=$!
trap 'kill $w1 $w2 2>/dev/null; [ -n "${bin:-}" ] && rm -rf "$bin"; restore_devs' EXIT

cd "$src/tests/integration" || exit 1
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(*.bats)
echo "runc-suite: $rt, ${#files[@]} files, $(date -u '+%F %T') UTC, load $(cut -d' ' -f1 /proc/loadavg)"
for f in "${files[@]}"; do
    f=$(basename "$f")
    PATH=$path RUNC=$rt timeout -k 10 900 \
        script -qec "bats -T --tap $f > $out/${f%.bats}.tap 2>&1" /dev/null </dev/null >/dev/null 2>&1
    echo "$f rc=$?" >>"$out/summary"
done

cat "$out"/*.tap | grep -E '^not ok ' | sed 's/ in [0-9]*ms.*//; s/^not ok [0-9]* //' >"$out/failed.txt"
pass=$(cat "$out"/*.tap | grep -E '^ok ' | grep -vc '# skip')
skip=$(cat "$out"/*.tap | grep -E '^ok ' | grep -c '# skip')
fail=$(wc -l <"$out/failed.txt")
echo "runc-suite: finished $(date -u '+%F %T') UTC, load $(cut -d' ' -f1 /proc/loadavg); failed tests in $out/failed.txt"
echo "runc-suite: $(basename "$rt") passed=$pass failed=$fail skipped=$skip hangs=$(grep -c . "$hangs")"
