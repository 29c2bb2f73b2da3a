#!/bin/bash
# Payload for hack/v2-lane-bench.sh (bash inside the cgroup v2 guest, as
# root): `create` and `delete --force` of aisbx (born in its cgroup by
# clone3), aisbx with AISBX_CLONE_INTO_CGROUP=0 ("attach": clone, then the
# cgroup) and crun on the same bundle shape, interleaved round by round
# (order rotating), after warm-up
# rounds. Prints per runtime and metric the median, p25 and p90 in
# milliseconds and the median ratio aisbx/crun. The guest runs under QEMU
# TCG (software emulation): absolute times are several times this VM's;
# only the ratio of the same run means something. ociVersion 1.0.2: crun
# 1.8.1 refuses newer ones.
set -u
N=${N:-30} WARM=${WARM:-3}
AISBX="/work/aisbx --root /run/b-aisbx"
# the same binary, attaching after the clone instead of clone3 into the cgroup
ATTACH="env AISBX_CLONE_INTO_CGROUP=0 /work/aisbx --root /run/b-attach"
CRUN="/work/crun --root /run/b-crun"
b=/tmp/bundle
mkdir -p $b/rootfs/bin $b/rootfs/proc $b/rootfs/sys $b/rootfs/dev $b/rootfs/tmp
cp /bin/busybox $b/rootfs/bin/busybox
for a in sh sleep true; do ln -sf busybox $b/rootfs/bin/$a; done
/work/aisbx spec --bundle $b
/work/jq '.ociVersion="1.0.2" | .process.terminal=false | .process.args=["/bin/true"] | .linux.resources.pids={"limit":64}' \
    $b/config.json >$b/c && mv $b/c $b/config.json
declare -A S
add() { S[$1]="${S[$1]:-} $2"; }
one() { # NAME ID "RUNTIME ARGS" count|warm: times create, then delete --force
    local name=$1 id=$2 rt=$3 t0 t1 t2
    t0=${EPOCHREALTIME/./}
    $rt create --no-pivot --bundle $b "$id" >/dev/null 2>/tmp/err || { echo "$name create failed: $(cat /tmp/err)"; return 1; }
    t1=${EPOCHREALTIME/./}
    $rt delete --force "$id" >/dev/null 2>/tmp/err || { echo "$name delete failed: $(cat /tmp/err)"; return 1; }
    t2=${EPOCHREALTIME/./}
    [ "$4" = count ] || return 0
    add "$name.create" $((t1 - t0))
    add "$name.delete" $((t2 - t1))
}
for r in $(seq 1 $((WARM + N))); do
    c=count; [ "$r" -le "$WARM" ] && c=warm
    case $((r % 3)) in
    0) one aisbx "a$r" "$AISBX" $c; one crun "c$r" "$CRUN" $c; one attach "t$r" "$ATTACH" $c ;;
    1) one crun "c$r" "$CRUN" $c; one attach "t$r" "$ATTACH" $c; one aisbx "a$r" "$AISBX" $c ;;
    *) one attach "t$r" "$ATTACH" $c; one aisbx "a$r" "$AISBX" $c; one crun "c$r" "$CRUN" $c ;;
    esac
done
stat() { # samples -> "median p25 p90" in ms
    printf '%s\n' $1 | sort -n | awk '{v[NR]=$1} END {
        m=v[int((NR+1)/2)]; a=v[int(NR*0.25+0.999)]; c=v[int(NR*0.9+0.999)];
        printf "%.2f %.2f %.2f", m/1000, a/1000, c/1000 }'
}
echo "v2-bench: $(uname -r), cgroup2 only, QEMU TCG, n=$N interleaved (warm-up $WARM), crun $(/work/crun --version | head -1 | awk '{print $3}')"
printf 'v2-bench: %-8s %-7s %8s %8s %8s\n' runtime metric median p25 p90
for m in create delete; do
    for rt in aisbx attach crun; do
        read -r med p25 p90 <<<"$(stat "${S[$rt.$m]}")"
        printf 'v2-bench: %-8s %-7s %8s %8s %8s\n' $rt $m $med $p25 $p90
        eval "med_$rt=$med"
    done
    echo "v2-bench: $m median ratio aisbx/crun: $(awk -v a="$med_aisbx" -v c="$med_crun" 'BEGIN {printf "%.2f", a/c}'), attach/crun: $(awk -v a="$med_attach" -v c="$med_crun" 'BEGIN {printf "%.2f", a/c}')"
done
