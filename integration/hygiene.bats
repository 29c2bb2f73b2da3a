#!/usr/bin/env bats
# Memory and descriptor hygiene: the container sees only fds 0-2 (plus
# exactly the --preserve-fds ones), and valgrind finds no leak or error in the
# commands that do not start a container.

load helpers
load robust

setup() {
    setup_bundle
}

# The shell stays alive (`; true`) so ls lists the shell's fds, not its own;
# no pipe, or the shell's pipe fds would show up.
FD_LIST='ls -1 /proc/$$/fd; true'

@test "fds: run: the container sees only 0 1 2 although the caller had more open" {
    update_config '.process.args = ["sh", "-c", $s]' --arg s "$FD_LIST"
    run aisbx run --bundle "$BUNDLE" "$ID" </dev/null 5</etc/passwd 7>/dev/null 9</etc/hostname
    [ "$status" -eq 0 ]
    [ "$(echo $output)" = "0 1 2" ]
}

@test "fds: run --preserve-fds 2: exactly 0-4" {
    update_config '.process.args = ["sh", "-c", $s]' --arg s "$FD_LIST"
    # not through aisbx(): it closes fd 3 for the runtime
    run timeout 30 "$AISBX_BIN" --root "$ROOT" run --preserve-fds 2 --bundle "$BUNDLE" "$ID" </dev/null 3</etc/passwd 4</etc/hostname 5</etc/passwd 8</etc/passwd
    [ "$status" -eq 0 ]
    [ "$(echo $output)" = "0 1 2 3 4" ]
}

@test "fds: create + start: the init sees only 0 1 2" {
    update_config '.process.args = ["sh", "-c", $s]' --arg s "$FD_LIST"
    aisbx create --bundle "$BUNDLE" "$ID" </dev/null >"$TESTDIR/ctr.out" 2>&1 6</etc/passwd
    rt_bg start "$ID"
    [ "$status" -eq 0 ]
    wait_for_status "$ID" stopped
    [ "$(echo $(cat "$TESTDIR/ctr.out"))" = "0 1 2" ]
}

@test "fds: exec sees only 0 1 2, exec --preserve-fds 1 exactly 0-3" {
    set_long_running
    start_ctr
    run aisbx exec "$ID" sh -c "$FD_LIST" </dev/null 6</etc/passwd
    [ "$status" -eq 0 ]
    [ "$(echo $output)" = "0 1 2" ]
    run timeout 30 "$AISBX_BIN" --root "$ROOT" exec --preserve-fds 1 "$ID" sh -c "$FD_LIST" </dev/null 3</etc/passwd 4</etc/passwd
    [ "$status" -eq 0 ]
    [ "$(echo $output)" = "0 1 2 3" ]
}

# --- valgrind ----------------------------------------------------------------

# valgrind cannot follow a static glibc's start-up (false "uninitialised"
# reports), so it checks a dynamically linked build of the same sources.
vg_binary() {
    local src
    src=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
    (
        flock 9
        make -C "$src" --no-print-directory STATIC=0 BUILD=build-dyn build-dyn/aisbx >/dev/null
    ) 9>"$src/.build-dyn.lock"
    echo "$src/build-dyn/aisbx"
}

vg() { # CMD ARGS...: the runtime under valgrind; fails on any error or leak
    local log=$TESTDIR/vg.$RANDOM.log bin
    bin=$(vg_binary)
    run timeout 120 valgrind --leak-check=full --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 --trace-children=no \
        --log-file="$log" "$bin" --root "$ROOT" "$@" </dev/null 3>&-
    echo "# valgrind aisbx $*: exit $status" >&2
    if [ "$status" -eq 99 ] || [ "$status" -eq 124 ]; then
        grep -E 'ERROR SUMMARY|definitely|indirectly|possibly|Invalid|uninitialised' "$log" >&2
        return 1
    fi
}

requires_valgrind() {
    requires_aisbx "valgrind pass over aisbx's own commands"
    command -v valgrind >/dev/null || skip "valgrind not installed"
}

@test "valgrind: spec, features, check, --version" {
    requires_valgrind
    mkdir -p "$TESTDIR/specdir"
    vg spec --bundle "$TESTDIR/specdir"
    [ "$status" -eq 0 ]
    vg features
    [ "$status" -eq 0 ]
    vg check --bundle "$BUNDLE"
    [ "$status" -eq 0 ]
    vg --version
    [ "$status" -eq 0 ]
}

@test "valgrind: state, list, ps, kill 0 on a container" {
    requires_valgrind
    set_long_running
    start_ctr
    vg state "$ID"
    [ "$status" -eq 0 ]
    vg list
    [ "$status" -eq 0 ]
    vg list --format json
    [ "$status" -eq 0 ]
    vg ps "$ID"
    [ "$status" -eq 0 ]
}

@test "valgrind: error paths (malformed config, bad id, unknown container, bad signal, bad policy)" {
    requires_valgrind
    vg state nosuch
    [ "$status" -eq 1 ]
    vg create --bundle "$BUNDLE" ../x
    [ "$status" -eq 1 ]
    echo '{"pids_max": 100000, "x": 1}' >"$TESTDIR/policy.json"
    AISBX_POLICY=$TESTDIR/policy.json vg check --bundle "$BUNDLE"
    [ "$status" -eq 1 ]
    update_config '.process.args = 1'
    vg check --bundle "$BUNDLE"
    [ "$status" -eq 1 ]
    echo '{"ociVersion": "1.2.0", "process": {"args": [' >"$BUNDLE/config.json"
    vg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 1 ]
    vg kill "$ID" SIGFOO
    [ "$status" -eq 1 ]
    assert_nothing_created
}
