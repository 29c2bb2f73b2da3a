#!/usr/bin/env bats
# Hostile input catalogue: each bad input gets exit 1, one clear line on
# stderr (a distinctive substring is asserted) and leaves nothing on the host:
# no state under --root, no cgroup, no mount, no process.

load helpers
load robust

setup() {
    requires_aisbx "the exact error texts are aisbx's"
    setup_bundle
    set_long_running
}

# create ID from $BUNDLE must fail with SUBSTRING and leave nothing.
create_refused() { # SUBSTRING [create options...]
    local want=$1
    shift
    expect_error "$want" aisbx create --bundle "$BUNDLE" "$@" "$ID"
    assert_nothing_created
}

# --- config.json ---------------------------------------------------------

@test "hostile: malformed JSON" {
    echo '{"ociVersion": "1.2.0", "process": {"args": ["sh",' >"$BUNDLE/config.json"
    create_refused "config: invalid JSON"
}

@test "hostile: truncated config.json" {
    head -c 700 "$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
    create_refused "invalid JSON: parse error: premature EOF"
}

@test "hostile: empty config.json" {
    : >"$BUNDLE/config.json"
    create_refused "invalid JSON"
}

@test "hostile: config.json is an array, not an object" {
    echo '[]' >"$BUNDLE/config.json"
    create_refused "(root): expected object"
}

@test "hostile: config.json with a NUL byte" {
    printf '{"ociVersion":"1.2.0","process":{"args":["sh\0x"]}}' >"$BUNDLE/config.json"
    create_refused "NUL byte"
}

@test "hostile: config.json is a directory" {
    rm "$BUNDLE/config.json" && mkdir "$BUNDLE/config.json"
    create_refused "not a regular file"
}

@test "hostile: a 100 MB config (long annotation) is refused quickly" {
    {
        printf '{"ociVersion":"1.2.0","annotations":{"x":"'
        head -c 104857600 /dev/zero | tr '\0' a
        printf '"},'
        tail -c +2 "$BUNDLE/config.json"
    } >"$BUNDLE/big.json"
    mv "$BUNDLE/big.json" "$BUNDLE/config.json"
    [ "$(stat -c %s "$BUNDLE/config.json")" -gt 104857600 ]
    local t0=$SECONDS
    create_refused "is more than the limit"
    [ $((SECONDS - t0)) -lt 10 ]
    rm -f "$BUNDLE/config.json"
}

@test "hostile: 100k-deep nesting" {
    { head -c 100000 /dev/zero | tr '\0' '['; head -c 100000 /dev/zero | tr '\0' ']'; } >"$BUNDLE/config.json"
    create_refused "nested deeper than"
    { printf '{"ociVersion":"1.2.0","annotations":'; head -c 100000 /dev/zero | tr '\0' '{' | sed 's/{/{"a":/g'; echo 1; head -c 100000 /dev/zero | tr '\0' '}'; echo '}'; } >"$BUNDLE/config.json"
    create_refused "nested deeper than"
}

@test "hostile: wrong type process.args: 1" {
    update_config '.process.args = 1'
    create_refused "process.args: expected array of strings"
}

@test "hostile: wrong types elsewhere (process.user.uid string, linux.namespaces object)" {
    update_config '.process.user.uid = "0"'
    create_refused "process.user.uid"
    update_config '.process.user.uid = 0 | .linux.namespaces = {}'
    create_refused "linux.namespaces"
}

@test "hostile: missing process" {
    update_config 'del(.process)'
    create_refused "process: missing required key"
}

@test "hostile: missing root" {
    update_config 'del(.root)'
    create_refused "root.path: missing required key"
}

@test "hostile: root.path is a file" {
    touch "$BUNDLE/rootfile"
    update_config '.root.path = "rootfile"'
    create_refused "rootfs $BUNDLE/rootfile: not a directory"
}

@test "hostile: root.path is a symlink out of the bundle" {
    mkdir -p "$TESTDIR/outside"
    cp -a "$BUNDLE/rootfs/." "$TESTDIR/outside/"
    ln -s "$TESTDIR/outside" "$BUNDLE/lnk"
    update_config '.root.path = "lnk"'
    create_refused "rootfs $BUNDLE/lnk"
}

@test "hostile: root.path missing" {
    update_config '.root.path = "no-such-dir"'
    create_refused "no-such-dir"
}

# --- mounts that try to leave the rootfs ---------------------------------

# The host dir $TESTDIR/host must stay empty and unmounted whatever happens.
host_untouched() {
    [ -z "$(ls -A "$TESTDIR/host")" ] || { echo "# host dir written: $(ls -A "$TESTDIR/host")" >&2; return 1; }
    [ -z "$(mounts_under "$TESTDIR/host")" ] || { echo "# mount on the host: $(mounts_under "$TESTDIR/host")" >&2; return 1; }
}

# Runs the container; it must either run (the mount lands inside the rootfs)
# or fail with one clear line. Either way the host is untouched and clean.
run_escaping_mount() { # DEST
    mkdir -p "$TESTDIR/host"
    add_mount "$1" tmpfs tmpfs '["nosuid","nodev"]'
    update_config '.process.args = ["sh", "-c", "touch \($d)/pwned 2>/dev/null; echo ran"]' --arg d "$1"
    run --separate-stderr aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    echo "# run with mount at $1: exit $status, stdout $output, stderr $stderr" >&2
    if [ "$status" -eq 0 ]; then
        [ "$output" = ran ]
    else
        [ "$status" -eq 1 ] && [ "${#stderr_lines[@]}" -eq 1 ]
    fi
    host_untouched
    run aisbx delete --force "$ID"
    [ "$status" -eq 0 ]
    assert_host_clean "$ID"
    host_untouched
}

@test "hostile: mount target with .. escaping the rootfs stays inside" {
    run_escaping_mount "/../../../../../../..$TESTDIR/host/pwn"
}

@test "hostile: mount target through an absolute symlink out of the rootfs" {
    mkdir -p "$TESTDIR/host"
    ln -s "$TESTDIR/host" "$BUNDLE/rootfs/esc"
    run_escaping_mount /esc/pwn
}

@test "hostile: mount target through a relative symlink out of the rootfs" {
    mkdir -p "$TESTDIR/host"
    ln -s "../../../../../../../../../..$TESTDIR/host" "$BUNDLE/rootfs/esc"
    run_escaping_mount /esc/pwn
}

@test "hostile: mount target that is itself a symlink out of the rootfs" {
    mkdir -p "$TESTDIR/host"
    ln -s "$TESTDIR/host" "$BUNDLE/rootfs/esc"
    run_escaping_mount /esc
}

@test "hostile: bind source with .. and a symlinked destination do not reach the host" {
    mkdir -p "$TESTDIR/host" "$TESTDIR/src"
    ln -s "$TESTDIR/host" "$BUNDLE/rootfs/esc"
    add_mount /esc/b bind "$TESTDIR/src/../src" '["rbind","rw"]'
    update_config '.process.args = ["true"]'
    run --separate-stderr aisbx run --bundle "$BUNDLE" "$ID" </dev/null
    echo "# exit $status: $stderr" >&2
    host_untouched
    run aisbx delete --force "$ID"
    assert_host_clean "$ID"
}

# --- ids, signals, flags -----------------------------------------------------

@test "hostile: invalid ids, for every command that takes one" {
    local long cmd
    long=$(head -c 1025 /dev/zero | tr '\0' a)
    expect_error 'invalid container id "../x"' aisbx create --bundle "$BUNDLE" ../x
    expect_error 'invalid container id "/"' aisbx create --bundle "$BUNDLE" /
    expect_error "container id is empty" aisbx create --bundle "$BUNDLE" ""
    expect_error "longer than 1024 characters" aisbx create --bundle "$BUNDLE" "$long"
    expect_error 'invalid container id "a/b"' aisbx create --bundle "$BUNDLE" a/b
    expect_error 'invalid container id "../x"' aisbx run --bundle "$BUNDLE" ../x
    for cmd in state start delete pause resume ps; do
        expect_error 'invalid container id "../x"' aisbx $cmd ../x
    done
    expect_error 'invalid container id "../x"' aisbx kill ../x KILL
    expect_error 'invalid container id "../x"' aisbx exec ../x true
    assert_nothing_created
    [ ! -e "$TESTDIR/x" ] && [ ! -e "$ROOT/../x" ]
}

@test "hostile: unknown signal names for kill leave the container running" {
    start_ctr
    expect_error 'unknown signal "SIGFOO"' aisbx kill "$ID" SIGFOO
    expect_error 'unknown signal "KILLL"' aisbx kill "$ID" KILLL
    expect_error "invalid signal number 99" aisbx kill "$ID" 99
    expect_error 'invalid signal "0x9"' aisbx kill "$ID" 0x9
    expect_error "signal is empty" aisbx kill "$ID" ""
    [ "$(state_field "$ID" status)" = running ]
}

@test "hostile: --pid-file in a directory that does not exist: error, container cleaned up" {
    create_refused "create pid file $TESTDIR/nodir/pid" --pid-file "$TESTDIR/nodir/pid"
    [ ! -e "$TESTDIR/nodir" ]
}

@test "hostile: --pid-file that is a directory: error, container cleaned up" {
    mkdir "$TESTDIR/piddir"
    run --separate-stderr aisbx create --bundle "$BUNDLE" --pid-file "$TESTDIR/piddir" "$ID" </dev/null
    echo "# exit $status: $stderr" >&2
    [ "$status" -eq 1 ] && [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == *"pid file"* ]]
    assert_nothing_created
    [ -d "$TESTDIR/piddir" ]
}

@test "hostile: --console-socket that is a regular file" {
    update_config '.process.terminal = true'
    touch "$TESTDIR/notasocket"
    create_refused "is not a unix socket" --console-socket "$TESTDIR/notasocket"
}

@test "hostile: --console-socket that does not exist" {
    update_config '.process.terminal = true'
    run --separate-stderr aisbx create --bundle "$BUNDLE" --console-socket "$TESTDIR/nosock" "$ID" </dev/null
    echo "# exit $status: $stderr" >&2
    [ "$status" -eq 1 ] && [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == *"$TESTDIR/nosock"* ]]
    assert_nothing_created
}

# --- state.json --------------------------------------------------------------

corrupt_state_then_recover() { # how: truncate | garbage | empty
    start_ctr
    local pid pids f=$ROOT/$ID/state.json
    pid=$(ctr_pid)
    pids=$(snapshot_pids | sort -u | tr '\n' ' ')
    case $1 in
    truncate) head -c 40 "$f" >"$f.t" && mv "$f.t" "$f" ;;
    garbage) echo 'garbage{{{' >"$f" ;;
    empty) : >"$f" ;;
    esac
    expect_error "state.json" aisbx state "$ID"
    # list must not fail on one bad entry
    run aisbx list
    [ "$status" -eq 0 ]
    run aisbx delete --force "$ID"
    echo "# delete --force: exit $status: $output" >&2
    [ "$status" -eq 0 ]
    # shellcheck disable=SC2086
    assert_host_clean "$ID" $pids
}

@test "hostile: truncated state.json: state errors clearly, delete --force cleans everything" {
    corrupt_state_then_recover truncate
}

@test "hostile: garbage state.json: state errors clearly, delete --force cleans everything" {
    corrupt_state_then_recover garbage
}

@test "hostile: empty state.json: state errors clearly, delete --force cleans everything" {
    corrupt_state_then_recover empty
}

# --- policy file ---------------------------------------------------------------

policy_refused() { # JSON SUBSTRING
    echo "$1" >"$TESTDIR/policy.json"
    AISBX_POLICY=$TESTDIR/policy.json create_refused "$2"
}

@test "hostile: policy with out-of-bounds values" {
    policy_refused '{"pids_max": 100000}' "policy pids_max: 100000 is above the bound 4096"
    policy_refused '{"pids_max": 0}' "policy pids_max: 0 is below the bound 1"
    policy_refused '{"pids_max": -5}' "is below the bound"
    policy_refused '{"memory_max": 1}' "policy memory_max: 1 is below the bound"
    policy_refused '{"memory_max": 1099511627776}' "memory_max"
    policy_refused '{"nofile_max": 1}' "nofile_max"
    policy_refused '{"tmpfs_max": 1}' "tmpfs_max"
    policy_refused '{"pids_max": 99999999999999999999999}' "pids_max"
}

@test "hostile: policy with unknown keys, wrong types, unsafe capabilities" {
    policy_refused '{"pids_max": 100, "bogus": 1}' "bogus: unknown key"
    policy_refused '{"pids_max": "x"}' "pids_max: expected integer"
    policy_refused '{"tmp_exec": 1}' "tmp_exec"
    policy_refused '{"capabilities": ["CAP_SYS_ADMIN"]}' "CAP_SYS_ADMIN is not in the safe set"
    policy_refused '{"capabilities": "CAP_CHOWN"}' "capabilities"
    policy_refused '{' "policy"
    policy_refused '[]' "policy"
}

@test "hostile: policy path that does not exist" {
    AISBX_POLICY=$TESTDIR/nope.json create_refused "$TESTDIR/nope.json"
}

# --- logging -------------------------------------------------------------------

@test "hostile: --log-format json writes the error as a JSON line jq parses" {
    echo '{' >"$BUNDLE/config.json"
    local log=$TESTDIR/log.json
    run --separate-stderr aisbx --log "$log" --log-format json create --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -eq 1 ]
    [ -s "$log" ]
    # every line is a JSON object, and one of them is the error
    local n
    n=$(wc -l <"$log")
    [ "$(jq -c . "$log" | wc -l)" -eq "$n" ]
    jq -e -s 'all(.[]; type == "object" and has("level") and has("msg") and has("time"))' "$log"
    jq -e -s 'any(.[]; .level == "error" and (.msg | contains("invalid JSON")))' "$log"
    assert_nothing_created
}

@test "hostile: --log-format json with hostile text in the error stays valid JSON" {
    # quotes, backslashes, control characters and invalid UTF-8 in a field name
    printf '{"ociVersion":"1.2.0","process":{"args":1,"\\"\\\\\\u0001\xff":2}}' >"$BUNDLE/config.json"
    local log=$TESTDIR/log.json
    run --separate-stderr aisbx --log "$log" --log-format json create --bundle "$BUNDLE" "$ID" </dev/null
    echo "# exit $status: $stderr; log: $(cat "$log")" >&2
    [ "$status" -eq 1 ]
    [ "$(jq -c . "$log" | wc -l)" -eq "$(wc -l <"$log")" ]
    jq -e -s 'any(.[]; .level == "error")' "$log"
    assert_nothing_created
}
