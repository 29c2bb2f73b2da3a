#!/bin/bash
# The stock-host lane (`make stock-lane`): boots a stock Debian 12 under QEMU
# (systemd as PID 1, cgroup v2 only, AppArmor on, docker.io, containerd with
# CRI, podman, runc, crun, all in Debian's default configs) and runs there
# hack/stocklane/tests.sh, which drives every engine once with runc and once
# with aisbx in the same boot and compares them, then a short benchmark.
#
#   hack/stock-lane.sh [BINDIR]
#
# BINDIR holds the aisbx under test (`aisbx`, and `aisbx-systemd` if it has
# one); default: the repository's ./aisbx (and ./aisbx-systemd), built with
# `make`. Both go to /usr/local/bin in the guest, where the engine snippets
# point.
#
# The root (debootstrap bookworm + hack/stocklane/packages.txt, configured by
# hack/stocklane/setup-root.sh) is built once and cached as an ext4 image in
# ${AISBX_STOCK_CACHE:-/var/cache/aisbx-stock}, keyed by a hash of those two
# files and the kernel version; QEMU opens it with snapshot=on, so each run
# starts clean. Each run's payload (tests, binaries, images, engine snippets)
# rides in the initramfs, which copies it into the root before switch_root.
#
# Env: STOCK_TESTS="docker podman podman_rootless cri ctr bundle bench" (a subset, in that
#      order), STOCK_RUNTIMES="runc aisbx", STOCK_TIMEOUT (seconds, 1200),
#      STOCK_VERBOSE=1 (whole console), STOCK_KEEP=1 (keep the work dir),
#      STOCK_KERNEL (vmlinuz path), STOCK_MIRROR (Debian mirror URL),
#      STOCK_CGROUP=hybrid (boot with systemd.unified_cgroup_hierarchy=0:
#      cgroup v1 controllers, systemd's own tree on the unified mount, as
#      older hosts run; groups then default to "docker podman ctr bundle",
#      rootless podman needing cgroup v2 for any cgroup at all).
# Prints the guest's per-test lines and "stock-host: N passed, N failed";
# exits 1 on a failure, 125 if the guest gave no result, 124 on timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
lane=$repo/hack/stocklane
cache=${AISBX_STOCK_CACHE:-/var/cache/aisbx-stock}
mirror=${STOCK_MIRROR:-http://deb.debian.org/debian}
timeout_s=${STOCK_TIMEOUT:-1200}
case ${STOCK_CGROUP:-v2} in
v2) cg_arg=systemd.unified_cgroup_hierarchy=1 ;;
hybrid)
    cg_arg=systemd.unified_cgroup_hierarchy=0
    STOCK_TESTS=${STOCK_TESTS:-docker podman ctr bundle}
    ;;
*) echo "stock-lane: STOCK_CGROUP is v2 or hybrid, not '$STOCK_CGROUP'" >&2; exit 2 ;;
esac
bindir=${1:-}

say() { echo "stock-lane: $*" >&2; }
die() { say "$*"; echo "stock-host: 0 passed, 1 failed"; exit 2; }

# shellcheck disable=SC2012 # /boot names are plain
kernel=${STOCK_KERNEL:-$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n1)}
[ -r "$kernel" ] || die "no kernel in /boot (install linux-image-amd64)"
kver=${kernel##*/vmlinuz-}
[ -d "/lib/modules/$kver" ] || die "no /lib/modules/$kver"
for t in qemu-system-x86_64 debootstrap mkfs.ext4 cpio gzip sha256sum python3; do
    command -v "$t" >/dev/null || die "$t missing (hack/install-deps.sh all)"
done
[ -x /bin/busybox ] || die "busybox-static missing"
[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, mkfs.ext4 -d of a root tree)"

if [ -z "$bindir" ]; then
    make --no-print-directory aisbx >/dev/null || die "make aisbx failed"
    bindir=$repo
fi
bindir=$(cd "$bindir" && pwd)
[ -x "$bindir/aisbx" ] || die "no aisbx in $bindir"

work=$(mktemp -d /tmp/stock-lane.XXXXXX)
# shellcheck disable=SC2317 # called by the trap
cleanup() {
    if [ "${STOCK_KEEP:-0}" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
t0=$SECONDS

# ---------------------------------------------------------------- root image
key=$( { grep -v '^#' "$lane/packages.txt"; cat "$lane/setup-root.sh"; echo "$kver $mirror"; } |
    sha256sum | cut -c1-16)
img=$cache/root-$key.img
mkdir -p "$cache"
build_root() {
    local tree=$cache/tree.$$ pkgs
    pkgs=$(grep -v '^#' "$lane/packages.txt" | grep . | paste -sd,)
    rm -rf "$tree"
    mkdir -p "$cache/debs"
    say "building the root image (debootstrap bookworm, cached in $cache/debs)"
    if ! debootstrap --cache-dir="$cache/debs" --include="$pkgs" bookworm "$tree" "$mirror" \
        >"$work/debootstrap.log" 2>&1; then
        tail -20 "$work/debootstrap.log" >&2
        rm -rf "$tree"
        return 1
    fi
    "$lane/setup-root.sh" "$tree" "$kver" >"$work/setup-root.log" 2>&1 || {
        tail -20 "$work/setup-root.log" >&2; rm -rf "$tree"; return 1; }
    rm -f "$img.tmp"
    truncate -s 8G "$img.tmp"
    mkfs.ext4 -q -F -L stockroot -d "$tree" "$img.tmp" || { rm -rf "$tree" "$img.tmp"; return 1; }
    rm -rf "$tree"
    mv "$img.tmp" "$img"
    # older images of other package lists go
    find "$cache" -maxdepth 1 -name 'root-*.img' ! -name "root-$key.img" -delete
}
(
    flock 9
    [ -f "$img" ] || build_root
) 9>"$cache/lock" || die "building the root image failed"
say "root image $img ready after $((SECONDS - t0)) s"

# ---------------------------------------------------------------- initramfs
ird=$work/initrd
mkdir -p "$ird"/{bin,dev,proc,sys,newroot,lib/modules} "$ird/payload"
cp /bin/busybox "$ird/bin/busybox"
: >"$ird/modules.load"
for mod in virtio_pci virtio_blk crc32c_generic ext4; do
    modprobe -S "$kver" --show-depends "$mod" | awk '$1 == "insmod" { print $2 }' | while read -r ko; do
        name=$(basename "$ko")
        case $name in
        *.xz) xz -dc "$ko" >"$ird/lib/modules/${name%.xz}"; name=${name%.xz} ;;
        *.zst) zstd -qdc "$ko" >"$ird/lib/modules/${name%.zst}"; name=${name%.zst} ;;
        *) cp "$ko" "$ird/lib/modules/$name" ;;
        esac
        grep -qx "$name" "$ird/modules.load" || echo "$name" >>"$ird/modules.load"
    done
done
cp "$lane/init" "$ird/init"
chmod 755 "$ird/init"

# payload: tests, binaries under test, images, engine snippets, CRI client
p=$ird/payload
mkdir -p "$p/bin" "$p/conf" "$p/cri"
cp "$bindir/aisbx" "$p/bin/aisbx"
[ -x "$bindir/aisbx-systemd" ] && cp "$bindir/aisbx-systemd" "$p/bin/aisbx-systemd"
cp "$lane/tests.sh" "$lane/boot-setup.sh" "$lane/aisbx-stock-test.service" "$p/"
cp "$repo/hack/bench.sh" "$repo/hack/bench-report.sh" "$repo/hack/bench-docker.sh" \
    "$repo/integration/testdata/docker-default-seccomp.json" "$p/"
cp "$repo/integration/engines/conf/docker-daemon.json" \
    "$repo/integration/engines/conf/containerd-aisbx-systemd.toml" \
    "$repo/integration/engines/conf/podman-containers-systemd.conf" "$p/conf/"
cp "$repo/integration/engines/cri/cri.py" "$p/cri/"
/usr/bin/python3 -m grpc_tools.protoc -I"$repo/integration/engines/cri" --python_out="$p/cri" \
    --grpc_python_out="$p/cri" "$repo/integration/engines/cri/api.proto" ||
    die "protoc failed (python3-grpc-tools)"
"$lane/mkimages.sh" /bin/busybox "$p/images" || die "building the busybox images failed"
echo "${STOCK_TESTS:-}" >"$p/tests.env"
echo "${STOCK_RUNTIMES:-}" >"$p/runtimes.env"
(cd "$ird" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd.gz"

# ---------------------------------------------------------------- boot
log=$work/console.log
say "booting (qemu tcg, ${STOCK_CGROUP:-v2} cgroups, timeout ${timeout_s}s)"
tb=$SECONDS
qemu-system-x86_64 -accel tcg -m 3072 -smp 2 -nographic \
    -no-reboot -nodefaults -serial stdio -display none \
    -kernel "$kernel" -initrd "$work/initrd.gz" \
    -drive "file=$img,format=raw,if=virtio,snapshot=on,cache=unsafe" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1 systemd.show_status=0 $cg_arg apparmor=1 security=apparmor" \
    </dev/null >"$log" 2>&1 &
qpid=$!
# The guest powers itself off after the end marker; if it does not within
# 20 s (or the whole run exceeds the timeout), stop qemu by its pid.
qrc=""
ended=""
while kill -0 "$qpid" 2>/dev/null; do
    if [ -z "$ended" ] && grep -q '@@STOCK-END@@' "$log"; then ended=$SECONDS; fi
    if { [ -n "$ended" ] && [ $((SECONDS - ended)) -gt 20 ]; } || [ $((SECONDS - tb)) -gt "$timeout_s" ]; then
        [ -n "$ended" ] || qrc=124
        kill "$qpid" 2>/dev/null
        break
    fi
    sleep 1
done
wait "$qpid" 2>/dev/null
[ -n "$qrc" ] || qrc=$?
tr -d '\r' <"$log" >"$log.clean"
[ "${STOCK_VERBOSE:-0}" = 1 ] && cat "$log.clean" >&2
body() { awk '/@@STOCK-END@@/ { exit } on { print } /@@STOCK-BEGIN@@/ { on = 1 }' "$log.clean"; }
if ! grep -q '@@STOCK-END@@' "$log.clean"; then
    if [ "$qrc" = 124 ]; then say "timed out after ${timeout_s}s"; else say "guest gave no result (qemu exit $qrc)"; fi
    [ "${STOCK_VERBOSE:-0}" = 1 ] || sed 's/^/  | /' "$log.clean" | tail -n 80 >&2
    body
    echo "stock-host: 0 passed, 1 failed"
    [ "$qrc" = 124 ] && exit 124
    exit 125
fi
body
say "guest ran $((SECONDS - tb)) s; lane total $((SECONDS - t0)) s"
line=$(body | grep -E '^stock-host: [0-9]+ passed, [0-9]+ failed' | tail -1)
[ -n "$line" ] || { echo "stock-host: 0 passed, 1 failed"; exit 125; }
f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
[ "$f" -eq 0 ]
