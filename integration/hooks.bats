#!/usr/bin/env bats
# OCI hooks: all six run, in order, with the state JSON on stdin.

load helpers

setup() {
    setup_bundle
    HOOKS=$TESTDIR/hooks
    mkdir -p "$HOOKS"
    chmod 777 "$HOOKS"
    add_mount /hooks bind "$HOOKS" '["rbind","rw"]'
    # Container root is not host root (issue 14): startContainer hooks and
    # the process write to the /hooks bind, which as a user bind is idmapped
    # without root (the kernel lets nobody write to a file or dir whose owner
    # is not mapped there): they run as uid 1000, owner of the dir and of
    # the shared "order" file (host-side hooks append to it as host root).
    chown 1000:1000 "$HOOKS"
    install -m 666 -o 1000 -g 1000 /dev/null "$HOOKS/order"
    update_config '.process.user = {"uid": 1000, "gid": 1000}'
}

# A hook that saves its stdin as NAME.json and appends NAME to order. It runs
# /bin/sh, which exists on the host and in the rootfs: createContainer and
# startContainer may run inside the container, where $HOOKS is /hooks.
hook_json() { # NAME
    jq -nc --arg n "$1" --arg d "$HOOKS" \
        '{"path": "/bin/sh", "args": ["sh", "-c", "d=\($d); [ -d $d ] || d=/hooks; cat > $d/\($n).json; echo \($n) >> $d/order; echo \"$HOOKVAR\" > $d/\($n).env", "hook"], "env": ["HOOKVAR=hv-\($n)"]}'
}

set_all_hooks() {
    local h
    for h in prestart createRuntime createContainer startContainer poststart poststop; do
        update_config ".hooks.$h = [\$h]" --argjson h "$(hook_json $h)"
    done
}

@test "hooks: create runs prestart, createRuntime, createContainer in order" {
    set_all_hooks
    set_long_running
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    # poststart may already be there under runc 1.1 (it runs poststart at create)
    [[ "$(cat "$HOOKS/order" | tr '\n' ' ')" == "prestart createRuntime createContainer "* ]]
    ! grep -qx startContainer "$HOOKS/order"
    rt_bg start "$ID"
    [ "$status" -eq 0 ]
    wait_for grep -qx startContainer "$HOOKS/order"
    ! grep -qx poststop "$HOOKS/order"
    run aisbx delete --force "$ID"
    [ "$status" -eq 0 ]
    [ "$(tail -1 "$HOOKS/order")" = poststop ]
    [ "$(wc -l <"$HOOKS/order")" -eq 6 ]
}

@test "hooks: all six in OCI order, poststart after start" {
    [ "$AISBX_IT_RUNTIME" != runc ] || skip "runc 1.1 runs poststart hooks at create (fixed in runc 1.2)"
    set_all_hooks
    update_config '.process.args = ["true"]'
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    [ "$(cat "$HOOKS/order" | tr '\n' ' ')" = "prestart createRuntime createContainer " ]
    rt_bg start "$ID"
    [ "$status" -eq 0 ]
    wait_for_status "$ID" stopped
    wait_for grep -qx poststart "$HOOKS/order"
    [ "$(cat "$HOOKS/order" | tr '\n' ' ')" = "prestart createRuntime createContainer startContainer poststart " ]
    run aisbx delete "$ID"
    [ "$status" -eq 0 ]
    [ "$(cat "$HOOKS/order" | tr '\n' ' ')" = "prestart createRuntime createContainer startContainer poststart poststop " ]
}

@test "hooks: state JSON on stdin with the id, bundle, pid and status" {
    set_all_hooks
    set_long_running
    start_ctr
    local pid
    pid=$(ctr_pid)
    wait_for test -s "$HOOKS/poststart.json"
    wait_for test -s "$HOOKS/startContainer.json"
    run aisbx delete --force "$ID"
    [ "$status" -eq 0 ]
    local h st
    for h in prestart createRuntime createContainer startContainer poststart poststop; do
        [ -s "$HOOKS/$h.json" ] || { echo "$h: no state on stdin" >&2; false; }
        [ "$(jq -r .id "$HOOKS/$h.json")" = "$ID" ] || { echo "$h: wrong id" >&2; false; }
        [ "$(jq -r .bundle "$HOOKS/$h.json")" = "$BUNDLE" ] || { echo "$h: wrong bundle" >&2; false; }
        [[ "$(jq -r .ociVersion "$HOOKS/$h.json")" == 1.* ]]
    done
    for h in prestart createRuntime poststart; do
        [ "$(jq -r .pid "$HOOKS/$h.json")" = "$pid" ] || { echo "$h: wrong pid" >&2; false; }
    done
    # hooks run in the container's namespaces may see the init as pid 1 (runc does)
    for h in createContainer startContainer; do
        st=$(jq -r .pid "$HOOKS/$h.json")
        [ "$st" = "$pid" ] || [ "$st" = 1 ] || { echo "$h: wrong pid $st" >&2; false; }
    done
    for h in prestart createRuntime createContainer; do
        [ "$(jq -r .status "$HOOKS/$h.json")" = creating ] || { echo "$h: status $(jq -r .status "$HOOKS/$h.json")" >&2; false; }
    done
    [ "$(jq -r .status "$HOOKS/startContainer.json")" = created ]
    st=$(jq -r .status "$HOOKS/poststart.json")
    [ "$st" = running ] || [ "$st" = created ]
    [ "$(jq -r .status "$HOOKS/poststop.json")" = stopped ]
}

@test "hooks: env from the hook definition" {
    set_all_hooks
    update_config '.process.args = ["true"]'
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -eq 0 ]
    local h
    for h in prestart createRuntime createContainer startContainer poststart poststop; do
        [ "$(cat "$HOOKS/$h.env")" = "hv-$h" ] || { echo "$h: env '$(cat "$HOOKS/$h.env")'" >&2; false; }
    done
}

@test "hooks: a failing prestart hook fails create, nothing keeps running" {
    update_config '.hooks.prestart = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}]'
    set_long_running
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
    aisbx delete --force "$ID" >/dev/null 2>&1 || true
    run aisbx state "$ID"
    [ "$status" -ne 0 ]
    [ -z "$(cat "$(cgroup_file pids cgroup.procs)" 2>/dev/null)" ]
}

@test "hooks: a failing createRuntime hook fails create" {
    update_config '.hooks.createRuntime = [{"path": "/bin/false"}]'
    set_long_running
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
}

@test "hooks: a hook timeout is enforced" {
    update_config '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]'
    set_long_running
    local t0=$SECONDS
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
    [ $((SECONDS - t0)) -lt 20 ]
}

@test "hooks: poststop runs on delete --force of a running container" {
    update_config '.hooks.poststop = [$h]' --argjson h "$(hook_json poststop)"
    set_long_running
    start_ctr
    run aisbx delete --force "$ID"
    [ "$status" -eq 0 ]
    [ "$(cat "$HOOKS/order")" = poststop ]
}

# Issue 10 item 13: the spec says every poststart and poststop hook MUST run;
# a failure is a warning, not a reason to skip the hooks after it.
@test "hooks: a failing poststart hook does not stop the next poststart hook" {
    update_config '.hooks.poststart = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 1"]}, $h]' \
        --argjson h "$(hook_json poststart)"
    set_long_running
    start_ctr
    wait_for test -s "$HOOKS/poststart.json"
    [ "$(cat "$HOOKS/order")" = poststart ]
    [ "$(state_field "$ID" status)" = running ]
}

@test "hooks: a failing poststop hook does not stop the next poststop hook" {
    update_config '.hooks.poststop = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 1"]}, $h]' \
        --argjson h "$(hook_json poststop)"
    set_long_running
    start_ctr
    run aisbx delete --force "$ID"
    [ "$status" -eq 0 ]
    [[ "$output" == *"poststop hook #0"*"exit status 1"* ]]
    [ "$(cat "$HOOKS/order")" = poststop ]
    run aisbx state "$ID"
    [ "$status" -ne 0 ]
}

# Issue 10 item 2: a createContainer hook names a host path but runs after the
# rootfs mounts; a mount of the image over that path must not substitute it.
@test "hooks: createContainer runs the binary that was at its path before the mounts" {
    local rootfs hookdir evil
    rootfs=$BUNDLE/$(jq -r .root.path "$BUNDLE/config.json")
    hookdir=$rootfs/ccdir
    evil=$TESTDIR/evil
    mkdir -p "$hookdir" "$evil"
    printf '#!/bin/sh\necho genuine >> %s/cc.out\n' "$HOOKS" >"$hookdir/hook"
    printf '#!/bin/sh\necho substituted >> %s/cc.out\n' "$HOOKS" >"$evil/hook"
    chmod 755 "$hookdir/hook" "$evil/hook"
    add_mount /ccdir bind "$evil" '["rbind","ro"]'
    update_config '.hooks.createContainer = [{"path": $p}]' --arg p "$hookdir/hook"
    set_long_running
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    [ "$(cat "$HOOKS/cc.out")" = genuine ]
}

@test "hooks: prestart, createRuntime, poststart and poststop run from the bundle (runc's cwd)" {
    # runc chdirs to the bundle before it runs them; aisbx leaves its own
    # directory alone and gives the hooks the bundle
    local h
    for h in prestart createRuntime poststart poststop; do
        update_config ".hooks.$h = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \$s]}]" \
            --arg s "pwd > $HOOKS/$h.pwd"
    done
    update_config '.process.args = ["true"]'
    # called from elsewhere: the hooks' directory is the bundle, not the caller's
    cd /
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    rt_bg start "$ID"
    [ "$status" -eq 0 ]
    wait_for_status "$ID" stopped
    run aisbx delete "$ID"
    [ "$status" -eq 0 ]
    cd "$TESTDIR"
    local hooks=(prestart createRuntime poststart poststop)
    # runc 1.1 runs poststart at create; its `delete` runs poststop from the
    # caller's directory (engines call it from the bundle anyway)
    [ "$AISBX_IT_RUNTIME" != runc ] || hooks=(prestart createRuntime poststart)
    for h in "${hooks[@]}"; do
        echo "# $h: $(cat "$HOOKS/$h.pwd")" >&2
        [ "$(cat "$HOOKS/$h.pwd")" = "$(readlink -f "$BUNDLE")" ]
    done
}

@test "hooks: createContainer runs from the rootfs, after the mounts (runc: ./lib/... names the image)" {
    local rootfs
    rootfs=$BUNDLE/$(jq -r .root.path "$BUNDLE/config.json")
    echo image-marker >"$rootfs/cc-marker"
    update_config '.hooks.createContainer = [{"path": "/bin/sh", "args": ["sh", "-c", $s]}]' \
        --arg s "pwd > $HOOKS/cc.pwd; cat ./cc-marker > $HOOKS/cc.marker; [ -d ./hooks ] && echo mounted > $HOOKS/cc.mounts"
    set_long_running
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    [ "$(cat "$HOOKS/cc.pwd")" = "$(readlink -f "$rootfs")" ]
    [ "$(cat "$HOOKS/cc.marker")" = image-marker ]
    [ "$(cat "$HOOKS/cc.mounts")" = mounted ]
}

# --- startContainer hooks: the container process's privileges (issue 10 item 2)

# A startContainer hook resolves inside the image; it must not run with more
# than the process itself: same capabilities, uid, no_new_privs, seccomp.
@test "hooks: a startContainer hook from the image runs with the process's privileges" {
    local rootfs
    rootfs=$BUNDLE/$(jq -r .root.path "$BUNDLE/config.json")
    mkdir -p "$rootfs/imagehooks"
    printf '#!/bin/sh\ngrep -E "^(Uid|CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status > /hooks/%s.status\n' hook \
        >"$rootfs/imagehooks/sc"
    chmod 755 "$rootfs/imagehooks/sc"
    update_config '.hooks.startContainer = [{"path": "/imagehooks/sc"}]'
    update_config '.process.args = ["sh", "-c", "grep -E \"^(Uid|CapEff|CapBnd|NoNewPrivs|Seccomp):\" /proc/self/status > /hooks/process.status"]'
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -eq 0 ]
    echo "# hook: $(tr '\n\t' '  ' <"$HOOKS/hook.status")" >&2
    echo "# process: $(tr '\n\t' '  ' <"$HOOKS/process.status")" >&2
    grep -qx 'NoNewPrivs:[[:space:]]*1' "$HOOKS/hook.status"
    grep -qx 'Seccomp:[[:space:]]*2' "$HOOKS/hook.status"
    [ "$(cat "$HOOKS/hook.status")" = "$(cat "$HOOKS/process.status")" ]
}

@test "hooks: a startContainer hook runs as the process's user" {
    local rootfs
    rootfs=$BUNDLE/$(jq -r .root.path "$BUNDLE/config.json")
    mkdir -p "$rootfs/imagehooks"
    printf '#!/bin/sh\nid -u > /hooks/uid; grep ^CapEff: /proc/self/status > /hooks/capeff\n' >"$rootfs/imagehooks/sc"
    chmod 755 "$rootfs/imagehooks/sc"
    update_config '.hooks.startContainer = [{"path": "/imagehooks/sc"}] | .process.user = {"uid": 1000, "gid": 1000}'
    update_config '.process.args = ["true"]'
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -eq 0 ]
    [ "$(cat "$HOOKS/uid")" = 1000 ]
    grep -qx 'CapEff:[[:space:]]*0000000000000000' "$HOOKS/capeff"
}

@test "hooks: startContainer hooks run in order with the state; a failure fails start and stops the rest" {
    update_config '.hooks.startContainer = [$a, {"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}, $b]' \
        --argjson a "$(hook_json sc1)" --argjson b "$(hook_json sc2)"
    update_config '.process.args = ["sh", "-c", "echo program-ran"]'
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    rt_bg start "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"startContainer hook #1 (/bin/sh) failed: exit status 3"* ]]
    [ "$(cat "$HOOKS/order")" = sc1 ]
    [ "$(jq -r .id "$HOOKS/sc1.json")" = "$ID" ]
    [ "$(jq -r .status "$HOOKS/sc1.json")" = created ]
    ! grep -q program-ran "$TESTDIR/ctr.out"
}

@test "hooks: a startContainer hook that cannot be executed fails start with the reason" {
    update_config '.hooks.startContainer = [{"path": "/no/such/hook"}]'
    update_config '.process.args = ["true"]'
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    rt_bg start "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"startContainer hook #0 (/no/such/hook) failed: exec"* ]]
}

@test "hooks: a startContainer hook timeout is enforced" {
    update_config '.hooks.startContainer = [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]'
    update_config '.process.args = ["true"]'
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    local t0=$SECONDS
    rt_bg start "$ID"
    [ "$status" -ne 0 ]
    [ $((SECONDS - t0)) -lt 20 ]
    [[ "$output" == *"startContainer hook #0 (/bin/sleep) timed out after 1 s"* ]]
}

# --- the init that waits for start (issue 10 item 11) -----------------------

# Like runc and crun: /proc/<pid>/exe of a created container is a sealed
# in-memory copy, never the runtime's host binary.
assert_init_exe_sealed() {
    local pid exe
    pid=$(ctr_pid)
    exe=$(readlink "/proc/$pid/exe")
    echo "# /proc/$pid/exe -> $exe" >&2
    [[ "$exe" == /memfd:* ]]
    [ "$exe" != "$(readlink -f "$AISBX_BIN")" ]
}

@test "hooks: the created init is a sealed memfd, not the runtime binary" {
    [ "$(uname -m)" = x86_64 ] || skip "the sealed stub exists on x86_64 only"
    set_long_running
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    assert_init_exe_sealed
    rt_bg start "$ID"
    [ "$status" -eq 0 ]
    wait_for_status "$ID" running
}

@test "hooks: the created init is a sealed memfd also with startContainer hooks" {
    [ "$(uname -m)" = x86_64 ] || skip "the sealed stub exists on x86_64 only"
    update_config '.hooks.startContainer = [$h]' --argjson h "$(hook_json startContainer)"
    set_long_running
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    assert_init_exe_sealed
    rt_bg start "$ID"
    [ "$status" -eq 0 ]
    wait_for_status "$ID" running
    [ "$(cat "$HOOKS/order")" = startContainer ]
}
