#!/usr/bin/env bats
# Error contract: exit 1, a one-line message on stderr, bad ids refused before
# touching the filesystem, usage errors.

load helpers

root_is_empty() {
    [ ! -d "$ROOT" ] || [ -z "$(ls -A "$ROOT")" ]
}

bad_id_refused() { # COMMAND... (the id is the last argument)
    run --separate-stderr aisbx "$@"
    echo "# $*: status $status stderr: $stderr" >&2
    [ "$status" -ne 0 ]
    [ -n "$stderr" ]
    root_is_empty
    # nothing outside the root either
    [ ! -e "$TESTDIR/x" ] && [ ! -e "$ROOT/../x" ]
}

@test "bad id ../x refused by create, run, state, delete" {
    bad_id_refused create --bundle "$BUNDLE" ../x
    bad_id_refused run --bundle "$BUNDLE" ../x
    bad_id_refused state ../x
    bad_id_refused delete --force ../x
}

@test "bad id / refused" {
    bad_id_refused create --bundle "$BUNDLE" /
    bad_id_refused state /
}

@test "bad id: empty refused" {
    bad_id_refused create --bundle "$BUNDLE" ""
    bad_id_refused state ""
}

@test "bad id: 1025 characters refused" {
    local long
    long=$(head -c 1025 /dev/zero | tr '\0' a)
    bad_id_refused create --bundle "$BUNDLE" "$long"
}

@test "bad id: with a slash inside refused" {
    bad_id_refused create --bundle "$BUNDLE" "a/b"
}

@test "bad id: dot and dotdot refused" {
    bad_id_refused create --bundle "$BUNDLE" .
    bad_id_refused create --bundle "$BUNDLE" ..
}

@test "errors: exit 1 and exactly one line on stderr" {
    run --separate-stderr aisbx state nosuchctr
    [ "$status" -eq 1 ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == *"does not exist"* ]]
}

@test "errors: duplicate id" {
    set_long_running
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 1 ]
    [ -n "$output" ]
}

@test "errors: unknown subcommand" {
    run aisbx no-such-command
    [ "$status" -ne 0 ]
}

@test "errors: unknown option" {
    run aisbx state --no-such-option "$ID"
    [ "$status" -ne 0 ]
}

@test "errors: missing container id" {
    for cmd in create start state kill delete pause resume ps; do
        run aisbx $cmd
        [ "$status" -ne 0 ] || { echo "$cmd without id succeeded" >&2; false; }
    done
}

@test "errors: a missing rootfs fails create with a message" {
    update_config '.root.path = "no-such-rootfs"'
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
    [ -n "$output" ]
}

@test "global options: --root=DIR form" {
    set_long_running
    rt_bg create --bundle "$BUNDLE" "$ID"
    run timeout 10 "$AISBX_BIN" --root="$ROOT" state "$ID"
    [ "$status" -eq 0 ]
    [ "$(jq -r .id <<<"$output")" = "$ID" ]
}

@test "global options: --version" {
    run aisbx_noroot --version
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == *"version "[0-9]* ]]
}

@test "global options: --help" {
    run aisbx_noroot --help
    [ "$status" -eq 0 ]
    [[ "$output" == *create* ]]
}
