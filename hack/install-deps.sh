#!/bin/sh
# Installs every Debian package that building and testing aisbx needs.
# Idempotent: packages already present are left alone. Run as root on Debian 12.
set -eu

BUILD="build-essential pkg-config libseccomp-dev libyajl-dev libcap-dev libsystemd-dev"
TEST="libcmocka-dev bats jq busybox-static valgrind util-linux iproute2 strace procps file uidmap"
FUZZ="clang libclang-rt-14-dev clang-format"
# Baselines and real engines for the integration and benchmark suites.
ENGINES="runc crun docker.io containerd podman gnuplot-nox hyperfine python3-grpcio python3-grpc-tools python3-protobuf containernetworking-plugins"
# The cgroup v2 lane boots a v2-only kernel under software emulation.
# The stock-host lane (hack/stock-lane.sh) also builds a Debian root with debootstrap.
V2LANE="qemu-system-x86 linux-image-amd64 cpio debootstrap e2fsprogs"

want="$BUILD $TEST $FUZZ"
case "${1:-all}" in
    min) ;;
    all) want="$want $ENGINES $V2LANE" ;;
    *) echo "usage: $0 [min|all]" >&2; exit 1 ;;
esac

missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
