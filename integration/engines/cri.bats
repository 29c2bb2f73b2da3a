#!/usr/bin/env bats
# Kubernetes RuntimeClass through containerd's CRI plugin: a pod sandbox and app
# containers run with runtime_handler "aisbx" (the key of the runtime entry in
# conf/containerd-aisbx.toml, the one the README shows). Debian 12 has no crictl,
# so the test drives CRI with cri/cri.py, a tiny client whose stubs are generated
# here from cri/api.proto (a field-number-exact subset of k8s.io/cri-api runtime.v1)
# with python3 -m grpc_tools.protoc.
#
# Pod network: containerd refuses a non-hostNetwork pod without a CNI network that
# returns an eth0, and a real one (bridge, ptp) would change the host's network.
# cri/fake-ip-cni.sh reports an address and creates nothing, so the pod's netns
# (/var/run/netns/cni-*) keeps only lo, and aisbx joins it by path for the pause and
# the app containers: that is what lets pod containers talk over localhost.
# Every pod gets cgroup_parent /$CGP, so all cgroups are under a parent of our own.

load engines

IMG=docker.io/$IMAGE_NAME
PAUSE=docker.io/aisbx/pause:test
PY=/usr/bin/python3 # Debian's, where python3-grpcio lives (not a pyenv shim)
PORT=18080
SERVER='trap "exit 143" TERM; while true; do echo "hello from $(hostname)" | nc -l -p '$PORT' 127.0.0.1 & wait $!; done'

setup_file() {
    [ "$(id -u)" = 0 ] || skip "needs root"
    command -v containerd >/dev/null && command -v ctr >/dev/null ||
        skip "containerd is not installed (hack/install-deps.sh all)"
    "$PY" -c 'import grpc, grpc_tools.protoc' 2>/dev/null ||
        skip "python3-grpcio / python3-grpc-tools are not installed (hack/install-deps.sh all)"
    [ -x /usr/lib/cni/loopback ] || skip "containernetworking-plugins is not installed (containerd needs its loopback)"
    [ -x "$AISBX_BIN" ] || skip "$AISBX_BIN is not built (make aisbx)"
    E=$(mktemp -d /tmp/aisbx-eng-cri.XXXXXX)
    CGP=aisbx-cri-$(basename "$E" | cut -d. -f2 | tr 'A-Z' 'a-z')
    export E CGP
    mkdir -p "$E/gen" "$E/cni/net.d" "$E/cni/bin"
    "$PY" -m grpc_tools.protoc -I"$ENGINES_DIR/cri" --python_out="$E/gen" --grpc_python_out="$E/gen" \
        "$ENGINES_DIR/cri/api.proto"
    ln -s /usr/lib/cni/loopback "$E/cni/bin/loopback"
    ln -s "$ENGINES_DIR/cri/fake-ip-cni.sh" "$E/cni/bin/aisbx-fake-ip"
    echo '{"cniVersion":"0.4.0","name":"aisbx-pod","plugins":[{"type":"aisbx-fake-ip","fakeIP":"10.255.255.2/32"}]}' \
        >"$E/cni/net.d/10-aisbx-pod.conflist"
    make_rootfs "$E"
    make_oci_tar "$E" "$IMG"
    mv "$E/image-oci.tar" "$E/busybox-oci.tar"
    make_pause_oci_tar "$E" "$PAUSE"
    write_containerd_config "$E/config.toml"
    containerd --config "$E/config.toml" >"$E/containerd.log" 2>&1 </dev/null 3>&- &
    echo $! >"$E/containerd.pid"
    wait_until 30 cri version || {
        tail -20 "$E/containerd.log" >&2
        return 1
    }
    et ctr -a "$E/containerd.sock" -n k8s.io images import "$E/busybox-oci.tar" >/dev/null
    et ctr -a "$E/containerd.sock" -n k8s.io images import "$E/pause-oci.tar" >/dev/null
}

# make_pause_oci_tar DIR NAME: DIR/pause-oci.tar, the busybox rootfs with Cmd sleep
# (the sandbox image; make_oci_tar's Cmd /bin/sh would exit at once).
make_pause_oci_tar() {
    local dir=$1 name=$2 o=$1/oci-pause ld ls cd cs md ms
    mkdir -p "$o"
    cp "$dir/rootfs.tar" "$o/layer"
    read -r ld ls < <(_blob "$o" "$o/layer")
    printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/sleep","2147483647"],"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
        "$ld" >"$o/config"
    read -r cd cs < <(_blob "$o" "$o/config")
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
        "$cd" "$cs" "$ld" "$ls" >"$o/manifest"
    read -r md ms < <(_blob "$o" "$o/manifest")
    echo '{"imageLayoutVersion":"1.0.0"}' >"$o/oci-layout"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"test"}}]}' \
        "$md" "$ms" "$name" >"$o/index.json"
    tar -C "$o" -cf "$dir/pause-oci.tar" oci-layout index.json blobs
    rm -rf "$o"
}

# Test-only header (temp-dir sockets/state, our CNI dirs, the CRI settings this VM
# needs) + conf/containerd-aisbx.toml as the README shows it, with the binary under test.
write_containerd_config() {
    cat >"$1" <<EOF
version = 2
root = "$E/root"
state = "$E/state"
[grpc]
  address = "$E/containerd.sock"
[ttrpc]
  address = "$E/containerd.sock.ttrpc"
[debug]
  address = "$E/debug.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE"
  # this VM lacks CAP_SYS_RESOURCE: the pause container's oomScoreAdj -998 must be clamped
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    conf_dir = "$E/cni/net.d"
    bin_dir = "$E/cni/bin"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
EOF
    render_conf "$CONF_DIR/containerd-aisbx.toml" >>"$1"
}

teardown_file() {
    [ -n "${E:-}" ] && [ -d "$E" ] || return 0
    local p c n ino
    if [ -S "$E/containerd.sock" ]; then
        for p in $(cat "$E/pods" 2>/dev/null); do
            cri stopp "$p" >/dev/null 2>&1
            cri rmp "$p" >/dev/null 2>&1
        done
        for c in $(et ctr -a "$E/containerd.sock" -n k8s.io containers ls -q 2>/dev/null); do
            et ctr -a "$E/containerd.sock" -n k8s.io task kill -a -s 9 "$c" >/dev/null 2>&1
            et ctr -a "$E/containerd.sock" -n k8s.io task rm -f "$c" >/dev/null 2>&1
            et ctr -a "$E/containerd.sock" -n k8s.io container rm "$c" >/dev/null 2>&1
        done
    fi
    stop_pid "$(cat "$E/containerd.pid")" 20
    kill_procs_under "$E"
    remove_cgroup "$CGP"
    # a pod netns containerd failed to remove (matched by the inode we recorded)
    for ino in $(cat "$E/netns-inodes" 2>/dev/null); do
        for n in /var/run/netns/cni-*; do
            [ -e "$n" ] && [ "$(stat -L -c %i "$n" 2>/dev/null)" = "$ino" ] || continue
            umount "$n" 2>/dev/null
            rm -f "$n"
        done
    done
    remove_tree "$E"
}

# cri COMMAND ARGS...: the CRI client on our socket (see cri/cri.py for commands).
cri() { et "$PY" "$ENGINES_DIR/cri/cri.py" "$E/gen" "$E/containerd.sock" "$@"; }

task_pid() {
    et ctr -a "$E/containerd.sock" -n k8s.io task ls | awk -v id="$1" '$1 == id { print $2 }'
}

netns_inode() { stat -L -c %i "/proc/$1/ns/net"; }

# run_pod NAME HOSTNET(0|1): RunPodSandbox with handler aisbx; sets POD, POD_CFG.
run_pod() {
    POD_CFG=$E/$1.pb
    run cri runp "$1" "uid-$1" aisbx "$2" "/$CGP" "$POD_CFG"
    echo "# $output" >&2
    [ "$status" -eq 0 ]
    POD=$output
    echo "$POD" >>"$E/pods"
    local pid
    pid=$(task_pid "$POD")
    [ -n "$pid" ]
    netns_inode "$pid" >>"$E/netns-inodes"
}

# start_ctr POD CFG NAME CMD...: CreateContainer + StartContainer; sets CTR.
start_ctr() {
    local pod=$1 cfg=$2
    shift 2
    run cri create "$pod" "$cfg" "$@"
    echo "# $output" >&2
    [ "$status" -eq 0 ]
    CTR=$output
    run cri start "$CTR"
    echo "# $output" >&2
    [ "$status" -eq 0 ]
    wait_until 10 ctr_running "$CTR"
}

ctr_running() { cri status "$1" | grep -q '^CONTAINER_RUNNING '; }

@test "cri: RunPodSandbox with runtime_handler aisbx runs the pause container under aisbx" {
    run_pod pod1 0
    echo "$POD" >"$E/pod1"
    cp "$POD_CFG" "$E/pod1.cfg"
    local pid
    pid=$(task_pid "$POD")
    # the runc v2 shim ran $AISBX_BIN (BinaryName): aisbx's own state knows the sandbox
    run "$AISBX_BIN" --root /run/containerd/runc/k8s.io state "$POD"
    echo "# $output" >&2
    [ "$status" -eq 0 ]
    [[ "$output" == *'"status": "running"'* || "$output" == *'"status":"running"'* ]]
    # the overlay on the pause process (CRI asks for neither NNP nor seccomp for it)
    grep -qx 'NoNewPrivs:.1' "/proc/$pid/status"
    grep -qx 'Seccomp:.2' "/proc/$pid/status"
    [ "$(netns_inode "$pid")" != "$(netns_inode $$)" ]
    grep -q ":/$CGP/$POD\$" "/proc/$pid/cgroup"
}

@test "cri: pod containers share the sandbox's namespaces by path and talk over localhost" {
    local pod pid spid cpid podns
    pod=$(cat "$E/pod1")
    start_ctr "$pod" "$E/pod1.cfg" server "$IMG" sh -c "$SERVER"
    echo "$CTR" >"$E/server"
    spid=$(task_pid "$CTR")
    start_ctr "$pod" "$E/pod1.cfg" client "$IMG" sleep 2147483647
    echo "$CTR" >"$E/client"
    cpid=$(task_pid "$CTR")
    pid=$(task_pid "$pod")
    # all three in the pod's netns, the one containerd pinned under /var/run/netns
    podns=$(netns_inode "$pid")
    [ "$(netns_inode "$spid")" = "$podns" ]
    [ "$(netns_inode "$cpid")" = "$podns" ]
    for n in /var/run/netns/cni-*; do [ "$(stat -L -c %i "$n")" = "$podns" ] && break; done
    [ "$(stat -L -c %i "$n")" = "$podns" ]
    [ "$(readlink "/proc/$cpid/ns/ipc")" = "$(readlink "/proc/$pid/ns/ipc")" ]
    [ "$(readlink "/proc/$cpid/ns/uts")" = "$(readlink "/proc/$pid/ns/uts")" ]
    # the client container reaches the server container over 127.0.0.1
    wait_until 10 cri exec "$CTR" 5 sh -c "nc 127.0.0.1 $PORT </dev/null | grep -q hello"
    run cri exec "$CTR" 10 sh -c "nc 127.0.0.1 $PORT </dev/null"
    echo "# $output" >&2
    [ "$status" -eq 0 ]
    [ "$output" = "hello from pod1" ]
}

# issue 14 item 3: a pod's containers share the pause container's user namespace
@test "cri: userns: the pod's containers and their execs share the pause container's user namespace; localhost works" {
    local pod pid spid cpid h
    pod=$(cat "$E/pod1")
    pid=$(task_pid "$pod")
    spid=$(task_pid "$(cat "$E/server")")
    cpid=$(task_pid "$(cat "$E/client")")
    # the pause: container root is a high host uid
    h=$(userns_host_root "$pid")
    [ "$(host_uid "$pid")" = "$h" ]
    # the app containers joined it (same namespace, same map, same host uid)
    [ "$(userns_of "$spid")" = "$(userns_of "$pid")" ]
    [ "$(userns_of "$cpid")" = "$(userns_of "$pid")" ]
    [ "$(userns_host_root "$cpid")" = "$h" ]
    [ "$(host_uid "$spid")" = "$h" ]
    [ "$(host_uid "$cpid")" = "$h" ]
    # an ExecSync joins it too, and is root in it
    run cri exec "$(cat "$E/client")" 10 sh -c 'readlink /proc/self/ns/user; id -u; tr -s " " </proc/self/uid_map'
    echo "# $output" >&2
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "$(userns_of "$pid")" ]
    [ "${lines[1]}" = 0 ]
    [ "${lines[2]}" = " 0 $h 65536" ]
    # and localhost between the two containers of the pod, in that namespace
    run cri exec "$(cat "$E/client")" 10 sh -c "nc 127.0.0.1 $PORT </dev/null"
    [ "$status" -eq 0 ]
    [ "$output" = "hello from pod1" ]
    # the pod's files and /dev/shm are containerd's (idmapped with the full range, its
    # dirs being temp dirs here as k3s's are elsewhere): container root writes them,
    # and the pod's containers share /dev/shm
    run cri exec "$(cat "$E/client")" 10 sh -c 'echo in-shm >/dev/shm/x && echo "127.0.0.2 extra" >>/etc/hosts && grep -c extra /etc/hosts'
    echo "# $output" >&2
    [ "$status" -eq 0 ]
    [ "$output" = 1 ]
    run cri exec "$(cat "$E/server")" 10 sh -c 'cat /dev/shm/x; ls -ln /dev/shm/x | tr -s " " | cut -d" " -f3'
    [ "$output" = "in-shm
0" ]
    # a second pod gets a namespace (and range) of its own
    run_pod pod3 0
    [ "$(userns_of "$(task_pid "$POD")")" != "$(userns_of "$pid")" ]
    [ "$(userns_host_root "$(task_pid "$POD")")" != "$h" ]
}

@test "cri: ExecSync in a pod container: the overlay holds, exit codes come back" {
    local c
    c=$(cat "$E/client")
    run cri exec "$c" 10 sh -c "$OVERLAY_PROBE"
    echo "# $output" >&2
    [ "$status" -eq 0 ]
    assert_overlay "$output"
    run cri exec "$c" 10 sh -c 'echo out; echo err >&2; exit 7'
    [ "$status" -eq 7 ]
    [[ "$output" == *out* ]]
    [[ "$output" == *err* ]]
    run cri exec "$c" 10 /nonexistent
    echo "# $output" >&2
    [ "$status" -ne 0 ]
}

@test "cri: StopContainer (SIGTERM) and ContainerStatus report the exit code" {
    local s
    s=$(cat "$E/server")
    run cri stop "$s" 10
    [ "$status" -eq 0 ]
    run cri status "$s"
    echo "# $output" >&2
    [ "$output" = "CONTAINER_EXITED 143 Error" ]
    run cri rm "$s"
    [ "$status" -eq 0 ]
    [ -z "$(cgroup_dirs "$CGP/$s")" ]
}

@test "cri: hostNetwork pod: its containers share an empty netns of aisbx's, not the host's" {
    run_pod pod2 1
    local pid cpid
    pid=$(task_pid "$POD")
    [ "$(netns_inode "$pid")" != "$(netns_inode $$)" ]
    start_ctr "$POD" "$POD_CFG" app "$IMG" sleep 2147483647
    cpid=$(task_pid "$CTR")
    [ "$(netns_inode "$cpid")" != "$(netns_inode $$)" ]
    run cri exec "$CTR" 10 sh -c "$OVERLAY_PROBE"
    echo "# $output" >&2
    [ "$status" -eq 0 ]
    assert_overlay "$output"
    # containerd puts /proc/<pause pid>/ns/net in the app container's spec even for a
    # hostNetwork pod; the pause has aisbx's empty netns, so aisbx joins it by path:
    # the pod's containers still share one (empty) netns, never the host's
    jq -c '.linux.namespaces' "$E/state/io.containerd.runtime.v2.task/k8s.io/$CTR/config.json" >&2
    [ "$(netns_inode "$cpid")" = "$(netns_inode "$pid")" ]
}

@test "cri: StopPodSandbox / RemovePodSandbox leave nothing behind" {
    local p c left= ino n
    for c in $(et ctr -a "$E/containerd.sock" -n k8s.io containers ls -q); do
        grep -qx "$c" "$E/pods" && continue
        run cri stop "$c" 0
        [ "$status" -eq 0 ]
        run cri rm "$c"
        [ "$status" -eq 0 ]
    done
    for p in $(cat "$E/pods"); do
        run cri stopp "$p"
        echo "# stopp $p: $output" >&2
        [ "$status" -eq 0 ]
        run cri rmp "$p"
        [ "$status" -eq 0 ]
    done
    c=$(et ctr -a "$E/containerd.sock" -n k8s.io containers ls -q)
    [ -z "$c" ] || left="containers:$c"
    for d in $(cgroup_dirs "$CGP" | grep -v "/$CGP\$"); do left="$left cgroup:$d"; done
    for p in $(cat "$E/pods"); do
        [ ! -e "/run/containerd/runc/k8s.io/$p" ] || left="$left state:$p"
    done
    for ino in $(cat "$E/netns-inodes"); do
        for n in /var/run/netns/cni-*; do
            [ -e "$n" ] && [ "$(stat -L -c %i "$n")" = "$ino" ] && left="$left netns:$n"
        done
    done
    [ -z "$(mounts_under "$E" | grep -E 'rootfs|shm')" ] || left="$left mounts:$(mounts_under "$E" | grep -E 'rootfs|shm')"
    echo "# left: $left" >&2
    [ -z "$left" ]
}
