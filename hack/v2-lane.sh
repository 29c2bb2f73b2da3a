#!/bin/bash
# The cgroup v2 lane: boots Debian's kernel (linux-image-amd64) under QEMU
# with software emulation (KVM hangs on this VM) and cgroup v1 disabled, from
# an initramfs built on the fly, and runs a payload script in it as root.
#
#   hack/v2-lane.sh --payload SCRIPT [--copy FILE[:DEST]]... [--module NAME]...
#                   [--timeout SECONDS] [--memory MB] [--keep]
#
# --copy puts FILE at DEST (default: the same absolute path) together with
# the shared libraries ldd lists for it; a directory is copied recursively
# (without library resolution). --module loads a kernel module and its
# dependencies from /lib/modules/<version> before the payload (e.g. overlay).
# Inside: proc, sysfs, devtmpfs, tmpfs /tmp and /run, cgroup2 at
# /sys/fs/cgroup with every controller enabled in its subtree_control, and
# busybox applets in /bin. The payload runs as `sh SCRIPT` with cwd /.
#
# Prints the payload's output and exits with its status; 124 on timeout,
# 125 if the guest never reported a status (boot failure: the console log is
# printed). Env: V2LANE_KERNEL (vmlinuz path), V2LANE_VERBOSE=1 (show boot).
set -euo pipefail

payload=""
copies=()
modules=()
timeout_s=300
mem=1024
keep=0
while [ $# -gt 0 ]; do
    case "$1" in
    --payload) payload="$2"; shift 2 ;;
    --copy) copies+=("$2"); shift 2 ;;
    --module) modules+=("$2"); shift 2 ;;
    --timeout) timeout_s="$2"; shift 2 ;;
    --memory) mem="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "v2-lane: unknown argument $1" >&2; exit 2 ;;
    esac
done
if [ -z "$payload" ] || [ ! -f "$payload" ]; then
    echo "v2-lane: --payload SCRIPT required" >&2
    exit 2
fi

# shellcheck disable=SC2012 # /boot names are plain
kernel="${V2LANE_KERNEL:-$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n1)}"
[ -r "$kernel" ] || { echo "v2-lane: no kernel in /boot (install linux-image-amd64)" >&2; exit 2; }
kver="${kernel##*/vmlinuz-}"
for t in qemu-system-x86_64 cpio gzip; do
    command -v "$t" >/dev/null || { echo "v2-lane: $t missing (hack/install-deps.sh)" >&2; exit 2; }
done
busybox=/bin/busybox # busybox-static: no libraries to copy
[ -x "$busybox" ] || { echo "v2-lane: busybox-static missing" >&2; exit 2; }

work="$(mktemp -d /tmp/v2lane.XXXXXX)"
# shellcheck disable=SC2317 # called by the trap
cleanup() {
    if [ "$keep" = 1 ]; then echo "v2-lane: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
root="$work/root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,run,etc,lib/modules,usr/bin,usr/sbin}

# Copies a file keeping its absolute path under the initramfs root.
put() { # src dest
    mkdir -p "$root$(dirname "$2")"
    cp -L --preserve=mode "$1" "$root$2"
}
put_libs() { # elf: every absolute path ldd prints, loader included
    { ldd "$1" 2>/dev/null || true; } | grep -oE '/[^ ]+' | while read -r lib; do
        if [ -e "$lib" ] && [ ! -e "$root$lib" ]; then put "$lib" "$lib"; fi
    done || true # a script or static binary has no libraries
}

put "$busybox" /bin/busybox
for c in "${copies[@]}"; do
    src="${c%%:*}"
    dest="${c#*:}"
    [ "$dest" = "$c" ] && dest="$(readlink -f "$src")"
    case "$dest" in /*) ;; *) dest="/$dest" ;; esac
    if [ -d "$src" ]; then
        mkdir -p "$root$dest"
        cp -a "$src/." "$root$dest/"
        continue
    fi
    [ -e "$src" ] || { echo "v2-lane: $src not found" >&2; exit 2; }
    put "$src" "$dest"
    put_libs "$src"
done
cp "$payload" "$root/payload.sh"

# Modules with their dependencies, in load order, decompressed for insmod.
: >"$root/modules.load"
for m in "${modules[@]}"; do
    modprobe -S "$kver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }' | while read -r ko; do
        name="$(basename "$ko")"
        case "$name" in
        *.xz) xz -dc "$ko" >"$root/lib/modules/${name%.xz}"; name="${name%.xz}" ;;
        *.zst) zstd -qdc "$ko" >"$root/lib/modules/${name%.zst}"; name="${name%.zst}" ;;
        *.gz) gzip -dc "$ko" >"$root/lib/modules/${name%.gz}"; name="${name%.gz}" ;;
        *) cp "$ko" "$root/lib/modules/$name" ;;
        esac
        grep -qx "$name" "$root/modules.load" || echo "$name" >>"$root/modules.load"
    done
done

cat >"$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /dev/pts /dev/shm /root
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t cgroup2 cgroup2 /sys/fs/cgroup
for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
    echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
done
while read -r ko; do
    [ -n "$ko" ] && insmod "/lib/modules/$ko"
done </modules.load
hostname v2lane
echo "@@V2LANE-BEGIN@@"
cd / && sh /payload.sh </dev/null 2>&1
rc=$?
echo "@@V2LANE-EXIT $rc@@"
sync
poweroff -f
EOF
chmod 0755 "$root/init" "$root/payload.sh"

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd.gz"

log="$work/console.log"
set +e
timeout -k 10 "$timeout_s" qemu-system-x86_64 -accel tcg -m "$mem" -smp 2 -nographic \
    -no-reboot -nodefaults -serial stdio -display none \
    -kernel "$kernel" -initrd "$work/initrd.gz" \
    -append "console=ttyS0 cgroup_no_v1=all panic=-1 quiet" </dev/null >"$log" 2>&1
qrc=$?
set -e
tr -d '\r' <"$log" >"$log.clean"
if [ "${V2LANE_VERBOSE:-0}" = 1 ]; then
    cat "$log.clean" >&2
fi
# Markers may follow firmware escape sequences on the same console line.
status="$(sed -n 's/.*@@V2LANE-EXIT \([0-9]*\)@@.*/\1/p' "$log.clean" | tail -n1)"
body() { awk '/@@V2LANE-EXIT [0-9]*@@/ { exit } on { print } /@@V2LANE-BEGIN@@/ { on = 1 }' "$log.clean"; }
if [ -z "$status" ]; then
    if [ "$qrc" = 124 ]; then
        echo "v2-lane: timed out after ${timeout_s}s" >&2
    else
        echo "v2-lane: guest gave no exit status (qemu exit $qrc); console:" >&2
    fi
    [ "${V2LANE_VERBOSE:-0}" = 1 ] || sed 's/^/  | /' "$log.clean" | tail -n 60 >&2
    body
    [ "$qrc" = 124 ] && exit 124
    exit 125
fi
body
exit "$status"
