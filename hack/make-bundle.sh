#!/bin/bash
# Makes a busybox OCI bundle in DIR: DIR/rootfs + DIR/config.json.
#   hack/make-bundle.sh DIR
# The config comes from `$AISBX_BIN spec` (runc's default spec) with
# process.terminal=false. If AISBX_IT_TEMPLATE names an existing bundle made by
# this script, it is copied (cp -a) instead of being rebuilt: the integration
# suite builds one template per run and copies it for every test.
set -euo pipefail

dir=${1:?usage: $0 DIR}
AISBX_BIN=${AISBX_BIN:-$PWD/aisbx}
BUSYBOX=${BUSYBOX:-/bin/busybox}

mkdir -p "$dir"
if [ -n "${AISBX_IT_TEMPLATE:-}" ] && [ -f "$AISBX_IT_TEMPLATE/config.json" ] &&
    [ -x "$AISBX_IT_TEMPLATE/rootfs/bin/busybox" ]; then
    cp -a "$AISBX_IT_TEMPLATE/rootfs" "$AISBX_IT_TEMPLATE/config.json" "$dir/"
    exit 0
fi

file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' ||
    { echo "make-bundle: $BUSYBOX is not a static busybox (install busybox-static)" >&2; exit 1; }

rootfs=$dir/rootfs
rm -rf "$rootfs"
mkdir -p "$rootfs"/{bin,etc,tmp,proc,sys,dev,root,mnt,var,run}
chmod 1777 "$rootfs/tmp"
chmod 700 "$rootfs/root"
cp "$BUSYBOX" "$rootfs/bin/busybox"
chmod 755 "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do
    [ "$applet" = busybox ] && continue
    ln -sf busybox "$rootfs/bin/$applet"
done
# Some images and engines expect these paths.
ln -s bin "$rootfs/sbin"
mkdir -p "$rootfs/usr"
ln -s ../bin "$rootfs/usr/bin"
ln -s ../bin "$rootfs/usr/sbin"

cat >"$rootfs/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
cat >"$rootfs/etc/group" <<'GR'
root:x:0:
nogroup:x:65534:
GR
echo aisbx-it >"$rootfs/etc/hostname"

rm -f "$dir/config.json"
"$AISBX_BIN" spec --bundle "$dir" ||
    { echo "make-bundle: '$AISBX_BIN spec --bundle $dir' failed" >&2; exit 1; }
jq '.process.terminal = false | .process.args = ["sh"]' "$dir/config.json" >"$dir/config.json.new"
mv "$dir/config.json.new" "$dir/config.json"
