#!/bin/bash
# hack/docker-seccomp-profile.sh - prints the linux.seccomp that the installed
# docker sends to its runtime for a plain `docker run` (default capabilities,
# this kernel and architecture): integration/testdata/docker-default-seccomp.json
# and the benchmark's Docker-profile row use it.
#
# How: a private dockerd (own data root, exec root, socket under a temp dir)
# gets one extra runtime, a wrapper that copies config.json out of the bundle
# on `create` and then hands over to runc; one `docker run --rm` of a
# busybox-only image; the profile is cut out of the copied config. The
# daemon is stopped by its pid and the temp dir removed on exit.
#   hack/docker-seccomp-profile.sh > integration/testdata/docker-default-seccomp.json
set -eu -o pipefail
[ "$(id -u)" = 0 ] || { echo "docker-seccomp-profile: must run as root" >&2; exit 1; }
for c in dockerd docker runc jq; do
    command -v $c >/dev/null || { echo "docker-seccomp-profile: needs $c" >&2; exit 1; }
done
BUSYBOX=${BUSYBOX:-/bin/busybox}
T=$(mktemp -d /tmp/aisbx-dkprof.XXXXXX)
DPID=""
cleanup() {
    if [ -n "$DPID" ]; then
        kill -TERM "$DPID" 2>/dev/null || true
        for _ in $(seq 1 150); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$DPID" 2>/dev/null || true
        wait "$DPID" 2>/dev/null || true
    fi
    grep -F " $T/" /proc/self/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf -- "$T"
}
trap cleanup EXIT
cat >"$T/capture" <<EOS
#!/bin/bash
# runc's CLI: find --bundle on create, copy its config.json, then run runc.
b=""; prev=""; create=0
for a in "\$@"; do
    [ "\$prev" = --bundle ] && b=\$a
    case \$a in --bundle=*) b=\${a#--bundle=} ;; create) create=1 ;; esac
    prev=\$a
done
[ \$create = 1 ] && [ -n "\$b" ] && cp "\$b/config.json" "$T/config.json"
exec runc "\$@"
EOS
chmod 755 "$T/capture"
mkdir -p "$T/data" "$T/exec" "$T/rootfs/bin"
cp "$BUSYBOX" "$T/rootfs/bin/busybox"
ln -s busybox "$T/rootfs/bin/true"
jq -n --arg p "$T/capture" '{runtimes: {capture: {path: $p}}}' >"$T/daemon.json"
dockerd --config-file "$T/daemon.json" --data-root "$T/data" --exec-root "$T/exec" \
    -H "unix://$T/docker.sock" -p "$T/docker.pid" \
    --iptables=false --ip-masq=false --bridge=none >"$T/log" 2>&1 &
DPID=$!
dk() { docker -H "unix://$T/docker.sock" "$@"; }
for _ in $(seq 1 300); do dk version >/dev/null 2>&1 && break; sleep 0.2; done
dk version >/dev/null 2>&1 || { echo "docker-seccomp-profile: dockerd did not come up: $(tail -5 "$T/log")" >&2; exit 1; }
tar -C "$T/rootfs" -cf - . | dk import - aisbx-prof:local >/dev/null
dk run --rm --network none --runtime capture aisbx-prof:local /bin/true
[ -s "$T/config.json" ] || { echo "docker-seccomp-profile: no config.json captured" >&2; exit 1; }
jq '.linux.seccomp' "$T/config.json"
