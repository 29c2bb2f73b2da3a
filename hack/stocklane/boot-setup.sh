#!/bin/sh
# Runs in the initramfs (busybox sh) before systemd starts: installs this
# run's aisbx and registers it with the engines exactly as the snippets in
# integration/engines/conf/ say, plus the test unit.
#   boot-setup.sh ROOT PAYLOAD
set -eu
r=$1 p=$2
mkdir -p "$r/usr/local/bin"
for b in aisbx aisbx-systemd; do
    if [ -f "$p/bin/$b" ]; then cp "$p/bin/$b" "$r/usr/local/bin/$b"; chmod 0755 "$r/usr/local/bin/$b"; fi
done
# docker: daemon.json "runtimes" (the README snippet, as is)
mkdir -p "$r/etc/docker"
cp "$p/conf/docker-daemon.json" "$r/etc/docker/daemon.json"
# containerd: the kubeadm-style config (setup-root.sh) + the aisbx handler.
# Test environment only: the sandbox image is a locally imported tag, pinned.
c=$r/etc/containerd/config.toml
sed -i 's#^\( *sandbox_image = \).*#\1"docker.io/aisbx/pause:test"#' "$c"
cat "$p/conf/containerd-aisbx-systemd.toml" >>"$c"
# podman: containers.conf with the aisbx runtime
mkdir -p "$r/etc/containers"
cp "$p/conf/podman-containers-systemd.conf" "$r/etc/containers/containers.conf"
# the test unit
cp "$p/aisbx-stock-test.service" "$r/etc/systemd/system/"
mkdir -p "$r/etc/systemd/system/multi-user.target.wants"
ln -sf ../aisbx-stock-test.service "$r/etc/systemd/system/multi-user.target.wants/aisbx-stock-test.service"
