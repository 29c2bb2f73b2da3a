#!/usr/bin/env bats
# containerd 1.6 (standalone) driven with ctr, aisbx given as --runc-binary to the
# io.containerd.runc.v2 shim. The daemon runs in its own temp dir ($E) with a
# config.toml made of a test-only header (sockets and state under $E, CRI
# settings this VM needs) plus conf/containerd-aisbx.toml, the runtime entry the
# README shows (the RuntimeClass handler, used by the CRI test if present).
# Every container is in our own ctr namespace, so its cgroups are /<ns>/<id>.

load engines

IMG=docker.io/$IMAGE_NAME

setup_file() {
    [ "$(id -u)" = 0 ] || skip "needs root"
    command -v containerd >/dev/null && command -v ctr >/dev/null ||
        skip "containerd is not installed (hack/install-deps.sh all)"
    [ -x "$AISBX_BIN" ] || skip "$AISBX_BIN is not built (make aisbx)"
    E=$(mktemp -d /tmp/aisbx-eng-ctd.XXXXXX)
    NS=aisbx-eng-$(basename "$E" | cut -d. -f2 | tr 'A-Z' 'a-z')
    export E NS
    make_rootfs "$E"
    make_oci_tar "$E" "$IMG"
    write_containerd_config "$E/config.toml"
    containerd --config "$E/config.toml" >"$E/containerd.log" 2>&1 </dev/null 3>&- &
    echo $! >"$E/containerd.pid"
    wait_until 30 ctr -a "$E/containerd.sock" version || {
        tail -20 "$E/containerd.log" >&2
        return 1
    }
    et ctr -a "$E/containerd.sock" -n "$NS" images import "$E/image-oci.tar" >/dev/null
}

# The header is test-only (temp-dir sockets and state); the aisbx runtime entry is
# conf/containerd-aisbx.toml as the README shows it, with the binary under test.
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
  sandbox_image = "$IMG"
  # this VM lacks CAP_SYS_RESOURCE: the pause container's oomScoreAdj -998 must be clamped
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
EOF
    render_conf "$CONF_DIR/containerd-aisbx.toml" >>"$1"
}

teardown_file() {
    [ -n "${E:-}" ] && [ -d "$E" ] || return 0
    local c
    for c in $(ctr_ -q 2>/dev/null); do
        et ctr -a "$E/containerd.sock" -n "$NS" task kill -a -s 9 "$c" >/dev/null 2>&1
        et ctr -a "$E/containerd.sock" -n "$NS" task rm -f "$c" >/dev/null 2>&1
        et ctr -a "$E/containerd.sock" -n "$NS" container rm "$c" >/dev/null 2>&1
    done
    stop_pid "$(cat "$E/containerd.pid")" 20
    kill_procs_under "$E"
    remove_cgroup "$NS"
    remove_tree "$E"
}

ctr_() { et ctr -a "$E/containerd.sock" -n "$NS" containers ls "$@"; }

# c ARGS...: ctr on our socket and namespace.
c() { et ctr -a "$E/containerd.sock" -n "$NS" "$@"; }

# crun_ ARGS...: `ctr run` with aisbx as the shim's runtime binary.
crun_() {
    et ctr -a "$E/containerd.sock" -n "$NS" run --runc-binary "$AISBX_BIN" --runc-root "$E/ctr-root" "$@"
}

# start_bg ID: a detached long-running task.
start_bg() {
    run crun_ -d "$IMG" "$1" sh -c "$LONG_RUNNING"
    [ "$status" -eq 0 ]
    wait_until 10 task_status_is "$1" RUNNING
}

task_status_is() { c task ls | awk -v id="$1" '$1 == id { print $3 }' | grep -qx "$2"; }
task_pid() { c task ls | awk -v id="$1" '$1 == id { print $2 }'; }

@test "containerd loaded the CRI plugin with the aisbx runtime entry" {
    run c plugins ls
    [ "$status" -eq 0 ]
    [[ "$output" =~ io.containerd.grpc.v1\ +cri\ +linux/amd64\ +ok ]]
    ! grep -i 'failed to load plugin.*cri' "$E/containerd.log"
}

@test "ctr run --rm: output and exit code" {
    run crun_ --rm "$IMG" r1 sh -c 'echo hello from aisbx; exit 3'
    [ "$status" -eq 3 ]
    [ "$output" = "hello from aisbx" ]
}

@test "ctr run --rm: the overlay holds" {
    run crun_ --rm "$IMG" r2 sh -c "$OVERLAY_PROBE"
    [ "$status" -eq 0 ]
    assert_overlay "$output"
}

@test "ctr run --rm --privileged --net-host: the overlay still holds" {
    run crun_ --rm --privileged --net-host "$IMG" r3 sh -c "$OVERLAY_PROBE readlink /proc/self/ns/net"
    if [ "$status" -ne 0 ]; then
        run et ctr -a "$E/containerd.sock" -n "$NS" run --rm --privileged --runc-root "$E/runc-root" "$IMG" r3runc true
        [ "$status" -ne 0 ] && skip "privileged containers fail on this VM even under runc: $output"
        false
    fi
    assert_overlay "$output"
    [[ "$output" != *"$(readlink /proc/self/ns/net)"* ]]
}

@test "ctr run -t gets a pty (under script)" {
    run et script -qec "ctr -a $E/containerd.sock -n $NS run -t --rm --runc-binary $AISBX_BIN --runc-root $E/ctr-root $IMG r4 sh -c 'tty; exit 5'" /dev/null </dev/null
    [ "$status" -eq 5 ]
    [[ "$output" == *"/dev/pts/"* ]]
}

@test "ctr run of a missing executable fails with aisbx's message" {
    run crun_ --rm "$IMG" r5 /nonexistent
    [ "$status" -ne 0 ]
    [[ "$output" == *"OCI runtime create failed"* ]]
    [[ "$output" == *'exec: "/nonexistent"'*"no such file or directory"* ]]
    # the failed create left no task behind
    run c task ls -q
    [[ "$output" != *r5* ]]
    c container rm r5 2>/dev/null || true
}

@test "ctr task exec: output and exit code, exec -t" {
    start_bg x1
    run c task exec --exec-id e1 x1 sh -c 'echo in-exec; exit 4'
    [ "$status" -eq 4 ]
    [ "$output" = in-exec ]
    run et script -qec "ctr -a $E/containerd.sock -n $NS task exec -t --exec-id e2 x1 sh -c 'tty; exit 6'" /dev/null </dev/null
    [ "$status" -eq 6 ]
    [[ "$output" == *"/dev/pts/"* ]]
}

@test "ctr task ps lists the task's processes" {
    start_bg x2
    local pid
    pid=$(task_pid x2)
    run c task ps x2
    [ "$status" -eq 0 ]
    [[ "$output" == *"$pid"* ]]
    [ "${#lines[@]}" -ge 3 ] # header, sh, sleep
}

@test "ctr task pause / resume" {
    start_bg x3
    run c task pause x3
    [ "$status" -eq 0 ]
    task_status_is x3 PAUSED
    [ "$(cat "$(cgroup_file freezer "$NS/x3" freezer.state)")" = FROZEN ]
    run c task resume x3
    [ "$status" -eq 0 ]
    task_status_is x3 RUNNING
    run c task exec --exec-id e1 x3 echo alive
    [ "$output" = alive ]
}

@test "ctr task kill (SIGTERM to pid 1) and kill --all" {
    start_bg x4
    run c task kill x4
    [ "$status" -eq 0 ]
    wait_until 10 task_status_is x4 STOPPED
    start_bg x5
    run c task kill --all -s SIGKILL x5
    [ "$status" -eq 0 ]
    wait_until 10 task_status_is x5 STOPPED
    [ -z "$(cat "$(cgroup_file pids "$NS/x5" cgroup.procs)" 2>/dev/null)" ]
}

@test "ctr task rm + container rm: state and cgroup are gone" {
    start_bg x6
    run c task kill -s SIGKILL x6
    wait_until 10 task_status_is x6 STOPPED
    run c task rm x6
    [ "$status" -eq 0 ]
    run c container rm x6
    [ "$status" -eq 0 ]
    [ -z "$(cgroup_dirs "$NS/x6")" ]
    [ ! -e "$E/ctr-root/$NS/x6" ]
}

@test "ctr: the pids limit is set on the container's cgroup" {
    start_bg x7
    [ "$(cat "$(cgroup_file pids "$NS/x7" pids.max)")" = 256 ]
}

@test "nothing left behind: cgroups and runtime state of removed containers" {
    local id left=
    for id in $(ctr_ -q); do
        c task kill -a -s SIGKILL "$id" >/dev/null 2>&1
        wait_until 10 task_status_is "$id" STOPPED
        c task rm -f "$id" >/dev/null 2>&1
        c container rm "$id" >/dev/null 2>&1
    done
    [ -z "$(ctr_ -q)" ] || left="containers:$(ctr_ -q)"
    for d in $(cgroup_dirs "$NS" | grep -v "/$NS\$"); do left="$left cgroup:$d"; done
    [ -z "$(ls -A "$E/ctr-root/$NS" 2>/dev/null)" ] || left="$left state:$(ls -A "$E/ctr-root/$NS")"
    [ -z "$(mounts_under "$E/state" | grep rootfs)" ] || left="$left mounts"
    echo "# left: $left" >&2
    [ -z "$left" ]
}
