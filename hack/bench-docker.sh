# hack/bench-docker.sh - sourced by hack/bench.sh (--docker): `docker run --rm`
# through a private dockerd (own data root, exec root and socket under $T)
# with every runtime registered; stopped by its pid on exit. Uses bench.sh's
# T, CGREL, RTPATHS, NAMES, NRT, DOCKER_N, now/add/fail and die.
# shellcheck shell=bash
DK=$T/dk
docker_stop() {
    [ -n "$DOCKERD_PID" ] || return 0
    local k
    kill -TERM "$DOCKERD_PID" 2>/dev/null
    for k in $(seq 1 150); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$DOCKERD_PID" 2>/dev/null && kill -KILL "$DOCKERD_PID" 2>/dev/null
    wait "$DOCKERD_PID" 2>/dev/null
    if [ -n "$CONTAINERD_PID" ] && kill -0 "$CONTAINERD_PID" 2>/dev/null; then
        for k in $(seq 1 50); do kill -0 "$CONTAINERD_PID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$CONTAINERD_PID" 2>/dev/null
    fi
    DOCKERD_PID=""
}
dk() { docker -H "unix://$DK/docker.sock" "$@"; }

docker_bench() {
    command -v dockerd >/dev/null && command -v docker >/dev/null || die "--docker needs dockerd and docker"
    mkdir -p "$DK/data" "$DK/exec"
    local i cfg
    cfg=$(for i in "${!RTPATHS[@]}"; do
        jq -n --arg n "bench-$i" --arg p "${RTPATHS[$i]}" '{($n): {path: $p}}'
    done | jq -s --arg cg "/$CGREL-docker" '{runtimes: add, "cgroup-parent": $cg}')
    printf '%s\n' "$cfg" >"$DK/daemon.json"
    dockerd --config-file "$DK/daemon.json" --data-root "$DK/data" --exec-root "$DK/exec" \
        -H "unix://$DK/docker.sock" -p "$DK/docker.pid" \
        --iptables=false --ip-masq=false --bridge=none >"$DK/log" 2>&1 &
    DOCKERD_PID=$!
    for i in $(seq 1 300); do
        dk version >/dev/null 2>&1 && break
        kill -0 "$DOCKERD_PID" 2>/dev/null || die "dockerd died: $(tail -5 "$DK/log")"
        sleep 0.2
    done
    dk version >/dev/null 2>&1 || die "dockerd did not come up: $(tail -5 "$DK/log")"
    CONTAINERD_PID=$(pgrep -P "$DOCKERD_PID" containerd | head -1)
    tar -C "$T/rootfs" -cf - . | dk import - busybox:local >/dev/null || die "docker import failed"
    for i in "${!RTPATHS[@]}"; do  # warm-up and check
        dk run --rm --network none --runtime "bench-$i" busybox:local /bin/true >/dev/null 2>"$T/dk-err" ||
            die "docker run with ${NAMES[$i]} failed: $(cat "$T/dk-err")"
        dk run --rm --network none --runtime "bench-$i" busybox:local /bin/true >/dev/null 2>&1
    done
    local r j a rc
    for r in $(seq 1 "$DOCKER_N"); do
        for j in $(seq 0 $((NRT - 1))); do
            i=$(((j + r) % NRT))
            now; a=$NOW
            dk run --rm --network none --runtime "bench-$i" busybox:local /bin/true >/dev/null 2>>"$T/dk-err"
            rc=$?
            now
            if [ $rc -eq 0 ]; then add "docker.$i" $((NOW - a)); else fail "docker.$i" "docker run exited $rc"; fi
        done
    done
    [ -z "$(dk ps -aq)" ] || echo "bench: WARNING docker containers left: $(dk ps -aq | tr '\n' ' ')" >&2
    docker_stop
}
