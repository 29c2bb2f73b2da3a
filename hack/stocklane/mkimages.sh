#!/bin/bash
# mkimages.sh BUSYBOX OUTDIR: the lane's registry-free images, built from a
# static busybox:
#   rootfs.tar          a busybox root (docker import, podman import, bare bundles)
#   busybox-oci.tar     OCI layout docker.io/aisbx/busybox:test, Cmd /bin/sh (ctr, CRI)
#   pause-oci.tar       OCI layout docker.io/aisbx/pause:test, Cmd sleep (CRI sandbox)
set -euo pipefail
bb=$1 out=$2
mkdir -p "$out"
r=$out/rootfs
mkdir -p "$r"/{bin,etc,tmp,proc,sys,dev,root,run,var}
chmod 1777 "$r/tmp"
cp "$bb" "$r/bin/busybox"
chmod 755 "$r/bin/busybox"
for a in $("$r/bin/busybox" --list); do
    [ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"
done
ln -s bin "$r/sbin"
mkdir -p "$r/usr"
ln -s ../bin "$r/usr/bin"
ln -s ../bin "$r/usr/sbin"
echo 'root:x:0:0:root:/root:/bin/sh' >"$r/etc/passwd"
echo 'root:x:0:' >"$r/etc/group"
tar --numeric-owner -C "$r" -cf "$out/rootfs.tar" .
rm -rf "$r"

blob() { # DIR FILE -> "digest size", FILE moved into DIR/blobs/sha256
    local d s
    d=$(sha256sum "$2" | cut -d' ' -f1)
    s=$(stat -c %s "$2")
    mkdir -p "$1/blobs/sha256"
    mv "$2" "$1/blobs/sha256/$d"
    echo "$d $s"
}
oci() { # NAME CMD_JSON OUT
    local o=$out/oci ld ls cd cs md ms
    rm -rf "$o"
    mkdir -p "$o"
    cp "$out/rootfs.tar" "$o/layer"
    read -r ld ls < <(blob "$o" "$o/layer")
    printf '{"architecture":"amd64","os":"linux","config":{"Cmd":%s,"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
        "$2" "$ld" >"$o/config"
    read -r cd cs < <(blob "$o" "$o/config")
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
        "$cd" "$cs" "$ld" "$ls" >"$o/manifest"
    read -r md ms < <(blob "$o" "$o/manifest")
    echo '{"imageLayoutVersion":"1.0.0"}' >"$o/oci-layout"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"test"}}]}' \
        "$md" "$ms" "$1" >"$o/index.json"
    tar -C "$o" -cf "$3" oci-layout index.json blobs
    rm -rf "$o"
}
oci docker.io/aisbx/busybox:test '["/bin/sh"]' "$out/busybox-oci.tar"
oci docker.io/aisbx/pause:test '["/bin/sleep","2147483647"]' "$out/pause-oci.tar"
