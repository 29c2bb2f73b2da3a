#!/bin/sh
# Payload for the cgroup v2 lane (inside the guest as root, busybox sh):
# `aisbx events` on a v2-only kernel. --stats against the cgroup files,
# a fork bomb's pids-limit events and verdict, a memory bomb's oom/oom-kill
# events and verdict (memory.events via inotify), and the stream ending by
# itself when the container stops. --no-pivot: the guest's root is an
# initramfs. Prints "v2-events: N passed, N failed".
A="/work/aisbx --root /run/aisbx-v2ev"
JQ=/work/jq
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
no() { fail=$((fail + 1)); echo "not ok - $1"; }
check() { name=$1; shift; if "$@"; then ok "$name"; else no "$name"; fi; }
# retry CMD...: up to 30 s (the guest is emulated, slow)
retry() { n=300; until "$@"; do n=$((n - 1)); [ $n -gt 0 ] || return 1; sleep 0.1; done; }
# has TYPE FILE: the stream in FILE has an event of TYPE (jq 1.6's -e looks at the last input only)
has() { $JQ -s -e --arg t "$1" 'any(.type == $t)' "$2" >/dev/null 2>&1; }
counter() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }
gone() { ! kill -0 "$1" 2>/dev/null; }

b=/tmp/evbundle
mkdir -p $b/rootfs/bin $b/rootfs/proc $b/rootfs/sys $b/rootfs/dev $b/rootfs/tmp
cp /bin/busybox $b/rootfs/bin/busybox
for a in sh sleep cat tail true; do ln -sf busybox $b/rootfs/bin/$a; done
$A spec --bundle $b
cp $b/config.json $b/config.json.orig
# new_ctr ID ARGS_JSON [JQ_EXTRA]: a container at /aisbx-v2ev/ID from the
# spec's config plus these, created and started.
new_ctr() {
    $JQ --arg cg "/aisbx-v2ev/$1" --argjson a "$2" ".process.terminal=false | .process.args=\$a
      | .linux.cgroupsPath=\$cg ${3:-}" $b/config.json.orig >$b/config.json &&
        $A create --no-pivot --bundle $b --pid-file /tmp/pid.$1 "$1" </dev/null >/dev/null 2>&1 &&
        $A start "$1"
}

# --- --stats: runc's shape, values from the cgroup files (idle container)
check "create+start s1" new_ctr s1 '["sh","-c","sleep 300"]'
cg=/sys/fs/cgroup/aisbx-v2ev/s1
# Idle first (sh has started sleep and waits): the cpu time stops moving.
idle() { u1=$(counter $cg/cpu.stat usage_usec); sleep 0.3; [ "$u1" = "$(counter $cg/cpu.stat usage_usec)" ]; }
check "s1 idle" retry idle
$A events --stats s1 >/tmp/st.json
out=$(cat /tmp/st.json)
check "--stats: one line" test "$(wc -l </tmp/st.json)" = 1
stats_is() { $JQ -e "$@" /tmp/st.json >/dev/null; }
check "--stats: one stats event" stats_is '.type == "stats" and .id == "s1"'
check "--stats: pids.current = pids.current" test "$(echo "$out" | $JQ .data.pids.current)" = "$(cat $cg/pids.current)"
check "--stats: pids.limit = pids.max" test "$(echo "$out" | $JQ .data.pids.limit)" = "$(cat $cg/pids.max)"
check "--stats: memory.usage.limit = memory.max" \
    stats_is --argjson f "$(sed 's/^max$/18446744073709551615/' $cg/memory.max)" '.data.memory.usage.limit == $f'
check "--stats: cpu.usage.total = cpu.stat usage_usec * 1000" \
    test "$(echo "$out" | $JQ .data.cpu.usage.total)" = "$(($(counter $cg/cpu.stat usage_usec) * 1000))"
check "--stats: memory.raw = memory.stat" \
    test "$(echo "$out" | $JQ '.data.memory.raw | length')" = "$(wc -l <$cg/memory.stat)"
check "--stats: memory.cache = memory.stat file" \
    test "$(echo "$out" | $JQ '.data.memory.cache // 0')" = "$(counter $cg/memory.stat file)"
$A events --interval 300ms s1 >/tmp/ev.s1 2>/tmp/ev.s1.err &
evpid=$!
check "stream: overlay event" retry has overlay /tmp/ev.s1
check "stream: stats events" retry has stats /tmp/ev.s1
check "stream: stats first, overlay second" test "$($JQ -r .type /tmp/ev.s1 | head -2 | tr '\n' ' ')" = "stats overlay "
$A kill s1 KILL
check "stream ends by itself when the container stops" retry gone $evpid
check "stream: exit 0" wait $evpid
check "state: verdict of a clean run" \
    test "$($A state s1 | $JQ -r '.annotations["run.aisbx.verdict"]')" = "pids cap hit 0 times; 0 OOM kills"
check "delete s1" $A delete s1

# --- fork bomb: pids-limit events and the verdict with pids.events' count
check "create+start fork bomb" new_ctr f1 '["sh","-c","bomb() { bomb | bomb & }; sleep 1; bomb; sleep 300"]' \
    '| .linux.resources.pids={"limit":16}'
cg=/sys/fs/cgroup/aisbx-v2ev/f1
$A events --interval 1s f1 >/tmp/ev.f1 2>/tmp/ev.f1.err &
evpid=$!
check "fork bomb: pids-limit event" retry has pids-limit /tmp/ev.f1
$A kill f1 KILL
check "fork bomb: stream ends" retry gone $evpid
hits=$(counter $cg/pids.events max)
check "fork bomb: pids.events max > 0" test "${hits:-0}" -gt 0
check "fork bomb: verdict counts pids.events max" \
    test "$($A state f1 | $JQ -r '.annotations["run.aisbx.verdict"]')" = "pids cap hit $hits times; 0 OOM kills"
check "fork bomb: delete logs the verdict" sh -c "$A --log /tmp/f1.log --log-format json delete f1 &&
    grep -q '\"msg\":\"verdict: container f1: pids cap hit $hits times; 0 OOM kills\"' /tmp/f1.log"

# --- memory bomb: oom and oom-kill from memory.events (inotify), verdict
check "create+start memory bomb" new_ctr m1 '["sh","-c","sleep 1; tail /dev/zero; sleep 300"]' \
    '| .linux.resources.memory={"limit":33554432,"swap":33554432}'
cg=/sys/fs/cgroup/aisbx-v2ev/m1
$A events --interval 5s m1 >/tmp/ev.m1 2>/tmp/ev.m1.err &
evpid=$!
check "memory bomb: oom event" retry has oom /tmp/ev.m1
oomkills() { $JQ -s -e 'map(select(.type == "oom-kill") | .data.count) == [1]' /tmp/ev.m1 >/dev/null; }
check "memory bomb: oom-kill event with count 1" retry oomkills
check "memory bomb: memory.events oom_kill = 1" test "$(counter $cg/memory.events oom_kill)" = 1
$A kill m1 KILL
check "memory bomb: stream ends" retry gone $evpid
check "memory bomb: verdict" \
    test "$($A state m1 | $JQ -r '.annotations["run.aisbx.verdict"]')" = "pids cap hit 0 times; 1 OOM kill"
check "delete m1" $A delete m1
check "cgroups removed" test ! -d /sys/fs/cgroup/aisbx-v2ev/m1 -a ! -d /sys/fs/cgroup/aisbx-v2ev/f1
echo "v2-events: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
