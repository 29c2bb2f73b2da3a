#!/bin/bash
# `make demo`: a busybox bundle made on the spot, run through aisbx with a
# config that asks for host networking, all capabilities and a writable
# root, and what the container sees of the floor it got anyway.
set -eu
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (aisbx needs namespaces and cgroups)" >&2; exit 1; }
AISBX_BIN=$PWD/aisbx
export AISBX_BIN
d=$(mktemp -d /tmp/aisbx-demo.XXXXXX)
root=$d/state
trap 'rm -rf "$d"' EXIT
hack/make-bundle.sh "$d/bundle" >/dev/null
# An escape attempt: host network namespace, every capability, writable root.
jq '.root.readonly = false
  | .linux.namespaces |= map(select(.type != "network"))
  | .process.capabilities.bounding = ["CAP_SYS_ADMIN","CAP_NET_ADMIN","CAP_CHOWN"]
  | .process.capabilities.effective = .process.capabilities.bounding
  | .process.capabilities.permitted = .process.capabilities.bounding
  | .process.args = ["sh", "-c", "
echo \"inside the container:\";
echo \"  network interfaces: $(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d \" \" | tr \"\\n\" \" \")\";
grep -E \"^(NoNewPrivs|Seccomp|CapEff|CapBnd)\" /proc/self/status | sed \"s/^/  /\";
echo \"  pids.max: $(cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max 2>/dev/null || echo unreadable)\";
touch /evil 2>/dev/null && echo \"  root writable!\" || echo \"  root filesystem: read-only\";
unshare -n true 2>/dev/null && echo \"  unshare worked!\" || echo \"  unshare: denied\";
echo hello > /tmp/ok && echo \"  /tmp: writable tmpfs\""]' \
    "$d/bundle/config.json" >"$d/config.json" && mv "$d/config.json" "$d/bundle/config.json"
echo "== aisbx check: what the overlay changes in this config"
./aisbx --root "$root" check --bundle "$d/bundle" | sed -n '/^# overlay changes/,$p'
echo
echo "== aisbx run"
./aisbx --root "$root" --log "$d/log" run --bundle "$d/bundle" "demo-$$"
echo
echo "demo: ok"
