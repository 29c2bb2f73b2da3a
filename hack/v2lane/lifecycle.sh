#!/bin/sh
# Payload for the cgroup v2 lane (runs inside the guest as root, busybox sh):
# the cgroup-touching lifecycle of aisbx on a real v2-only kernel. pids,
# memory and cpu limits, the freezer (pause/resume), update, the eBPF device
# program, kill --all and delete. The guest's root is an initramfs, which
# pivot_root refuses, so containers are created with --no-pivot here.
# Prints "v2-lifecycle: N passed, N failed".
A="/work/aisbx --root /run/aisbx-v2"
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
no() { fail=$((fail + 1)); echo "not ok - $1"; }
check() { name=$1; shift; if "$@"; then ok "$name"; else no "$name"; fi; }

b=/tmp/bundle
mkdir -p $b/rootfs/bin $b/rootfs/proc $b/rootfs/sys $b/rootfs/dev $b/rootfs/tmp
cp /bin/busybox $b/rootfs/bin/busybox
for a in sh sleep cat echo mknod ls true head grep; do ln -sf busybox $b/rootfs/bin/$a; done
$A spec --bundle $b
/work/jq '.process.terminal=false | .process.args=["sleep","300"]
  | .linux.cgroupsPath="/aisbx-v2/c1"
  | .linux.resources.cpu={"shares":512,"quota":50000,"period":100000}
  | .linux.resources.memory={"limit":67108864}
  | .linux.resources.pids={"limit":64}' $b/config.json >$b/c && mv $b/c $b/config.json

cg=/sys/fs/cgroup/aisbx-v2/c1
check "create" $A --debug --log /tmp/c1.log create --no-pivot --bundle $b --pid-file /tmp/pid c1
check "init born in its cgroup (clone3 CLONE_INTO_CGROUP, no attach)" \
    grep -q "born in cgroup /aisbx-v2/c1 (clone3 CLONE_INTO_CGROUP)" /tmp/c1.log
check "cgroup dir exists" test -d $cg
check "pids.max = 64" test "$(cat $cg/pids.max)" = 64
check "memory.max = 64 MiB" test "$(cat $cg/memory.max)" = 67108864
check "memory.swap.max = 0 (no swap beyond memory)" test "$(cat $cg/memory.swap.max)" = 0
check "cpu.max = 50000 100000" test "$(cat $cg/cpu.max)" = "50000 100000"
check "cpu.weight from shares 512" test "$(cat $cg/cpu.weight)" = 20
check "init in the cgroup" grep -qx "$(cat /tmp/pid)" $cg/cgroup.procs
check "start" $A start c1
check "status running" sh -c "$A state c1 | grep -q '\"status\": \"running\"'"
# issue 14: the container's own user namespace, entered last; on 6.1 a
# tmpfs (this guest's initramfs root) cannot be idmapped: the fallback is
# recorded and the container runs
check "user namespace: the init is a high host uid" \
    test "$(awk '/^Uid:/ {print $2}' /proc/$(cat /tmp/pid)/status)" -ge 65536
check "user namespace: uid 0 inside, max_user_namespaces 0" \
    test "$($A exec c1 sh -c 'id -u; cat /proc/sys/user/max_user_namespaces' | tr '\n' ' ')" = "0 0 "
case $(uname -r) in
6.1.*) check "user namespace: the root's idmap fallback is recorded (tmpfs, 6.1)" \
    grep -q "^userns: root.path: idmapped -> (not idmapped: " /run/aisbx-v2/c1/overlay.log ;;
esac
check "pause" $A pause c1
check "cgroup.freeze = 1" test "$(cat $cg/cgroup.freeze)" = 1
check "status paused" sh -c "$A state c1 | grep -q '\"status\": \"paused\"'"
check "resume" $A resume c1
check "cgroup.freeze = 0" test "$(cat $cg/cgroup.freeze)" = 0
check "update --pids-limit 32" $A update --pids-limit 32 c1
check "pids.max = 32" test "$(cat $cg/pids.max)" = 32
check "update above the floor is capped" $A update --pids-limit 100000 c1
check "pids.max capped at 256" test "$(cat $cg/pids.max)" = 256
check "exec runs in the cgroup" sh -c "$A exec c1 cat /proc/self/cgroup | grep -q '^0::/'"
# the joining process is born in the cgroup (clone3), so the exec'd process
# is there with no cgroup.procs written; AISBX_CLONE_INTO_CGROUP=0 attaches
# it by pid (the fallback's path)
check "exec -d: the exec'd process is in the container's cgroup (host view)" sh -c \
    "$A --debug --log /tmp/e1.log exec -d --pid-file /tmp/epid1 c1 sleep 300 && grep -qx 0::/aisbx-v2/c1 /proc/\$(cat /tmp/epid1)/cgroup"
check "exec: born in the cgroup (clone3 CLONE_INTO_CGROUP), no cgroup.procs written" sh -c \
    "grep -q 'born in cgroup /aisbx-v2/c1 (clone3' /tmp/e1.log && ! grep -q 'cgroup.procs = ' /tmp/e1.log"
check "exec -d, AISBX_CLONE_INTO_CGROUP=0: in the container's cgroup" sh -c \
    "AISBX_CLONE_INTO_CGROUP=0 $A --debug --log /tmp/e2.log exec -d --pid-file /tmp/epid2 c1 sleep 300 && grep -qx 0::/aisbx-v2/c1 /proc/\$(cat /tmp/epid2)/cgroup"
check "exec, AISBX_CLONE_INTO_CGROUP=0: attached by pid" sh -c \
    "grep -q '/aisbx-v2/c1/cgroup.procs = ' /tmp/e2.log && ! grep -q 'born in cgroup' /tmp/e2.log"
check "eBPF device program: /dev/null writable" $A exec c1 sh -c 'echo x > /dev/null'
# the init's own nodes (the device program allows it "m" on them), never a bind of the host's
check "/dev/null is not a bind of the host's node" sh -c "! $A exec c1 grep -q ' /dev/null ' /proc/self/mountinfo"
check "mknod refused (no CAP_MKNOD; device program denies it too)" sh -c "! $A exec c1 mknod /tmp/sda b 8 0"
check "ps lists the init" sh -c "$A ps --format json c1 | grep -q $(cat /tmp/pid)"
check "kill --all" $A kill --all c1 9
sleep 1
check "status stopped" sh -c "$A state c1 | grep -q '\"status\": \"stopped\"'"
check "delete" $A delete c1
# The other order (clone, then make the cgroup with the pid): what a kernel
# or a seccomp filter without clone3 gets. The init must be there as well.
mkdir -p /tmp/b2
/work/jq --arg r $b/rootfs '.root.path=$r | .process.args=["sleep","300"] | .linux.cgroupsPath="/aisbx-v2/c2"' \
    $b/config.json >/tmp/b2/config.json
check "create, attach after the clone (AISBX_CLONE_INTO_CGROUP=0)" \
    env AISBX_CLONE_INTO_CGROUP=0 $A --debug --log /tmp/c2.log create --no-pivot --bundle /tmp/b2 --pid-file /tmp/pid2 c2
check "not born in (the attach path was taken)" sh -c "! grep -q 'born in cgroup' /tmp/c2.log"
check "init in the cgroup after the attach" grep -qx "$(cat /tmp/pid2)" /sys/fs/cgroup/aisbx-v2/c2/cgroup.procs
check "pids.max set on the attach path too" test "$(cat /sys/fs/cgroup/aisbx-v2/c2/pids.max)" = 64
check "delete c2" $A delete --force c2
check "c2 cgroup removed" test ! -d /sys/fs/cgroup/aisbx-v2/c2
check "cgroup removed" test ! -d $cg
check "state removed" test ! -d /run/aisbx-v2/c1
echo "v2-lifecycle: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
