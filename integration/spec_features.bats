#!/usr/bin/env bats
# spec, features, --version, linux.personality.

load helpers

@test "spec: writes a valid config.json into --bundle" {
    mkdir "$TESTDIR/b"
    run aisbx_noroot spec --bundle "$TESTDIR/b"
    [ "$status" -eq 0 ]
    jq -e '.ociVersion and .process.args and .root.path and .linux.namespaces' "$TESTDIR/b/config.json"
    [ "$(jq -r .root.path "$TESTDIR/b/config.json")" = rootfs ]
    [ "$(jq -r .process.terminal "$TESTDIR/b/config.json")" = true ]
    [ "$(jq -c .process.args "$TESTDIR/b/config.json")" = '["sh"]' ]
}

@test "spec: writes into the current directory by default" {
    mkdir "$TESTDIR/b"
    cd "$TESTDIR/b"
    run aisbx_noroot spec
    [ "$status" -eq 0 ]
    jq -e . "$TESTDIR/b/config.json" >/dev/null
}

@test "spec: refuses to overwrite an existing config.json" {
    mkdir "$TESTDIR/b"
    echo keep >"$TESTDIR/b/config.json"
    run aisbx_noroot spec --bundle "$TESTDIR/b"
    [ "$status" -ne 0 ]
    [ "$(cat "$TESTDIR/b/config.json")" = keep ]
}

@test "spec: the generated config runs (with terminal off)" {
    mkdir "$TESTDIR/b"
    cp -a "$BUNDLE/rootfs" "$TESTDIR/b/rootfs"
    run aisbx_noroot spec --bundle "$TESTDIR/b"
    [ "$status" -eq 0 ]
    jq --arg cg "$CGPATH" '.process.terminal = false | .process.args = ["echo", "spec-ok"] | .linux.cgroupsPath = $cg' \
        "$TESTDIR/b/config.json" >"$TESTDIR/b/c" && mv "$TESTDIR/b/c" "$TESTDIR/b/config.json"
    run aisbx run --bundle "$TESTDIR/b" "$ID" </dev/null
    [ "$status" -eq 0 ]
    [ "$output" = spec-ok ]
}

@test "features: JSON with OCI versions, hooks, namespaces" {
    run --separate-stderr aisbx_noroot features
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    jq -e '.ociVersionMin and .ociVersionMax' <<<"$output"
    jq -e '.hooks | index("prestart") and index("poststop")' <<<"$output"
    jq -e '.linux.namespaces | index("pid") and index("network") and index("mount")' <<<"$output"
    jq -e '.mountOptions | index("bind") and index("ro")' <<<"$output"
}

@test "--version: a version line, exit 0, nothing on stderr" {
    run --separate-stderr aisbx_noroot --version
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [[ "${lines[0]}" =~ version\ [0-9]+\.[0-9]+ ]]
}

@test "--version: starts with the runtime's name (aisbx)" {
    requires_aisbx "binary name"
    run aisbx_noroot --version
    [[ "${lines[0]}" == aisbx* ]]
}

# runc applies linux.personality in the init and in every exec (runc's
# personality.bats); LINUX32 makes uname report the 32-bit machine.
@test "personality: LINUX32 makes uname -m say i686 in run and exec" {
    [ "$(uname -m)" = x86_64 ] || skip "needs an x86_64 host"
    update_config '.linux.personality = {"domain": "LINUX32", "flags": []}'
    run_sh 'uname -m'
    [ "$status" -eq 0 ]
    [ "$output" = i686 ]

    set_long_running
    add_tmp
    start_ctr
    run aisbx exec "$ID" uname -m </dev/null
    [ "$status" -eq 0 ]
    [ "$output" = i686 ]
}

@test "personality: none (or LINUX) leaves uname -m at x86_64 in run and exec" {
    [ "$(uname -m)" = x86_64 ] || skip "needs an x86_64 host"
    run_sh 'uname -m'
    [ "$status" -eq 0 ]
    [ "$output" = x86_64 ]
    update_config '.linux.personality = {"domain": "LINUX"}'
    run_sh 'uname -m'
    [ "$status" -eq 0 ]
    [ "$output" = x86_64 ]

    set_long_running
    add_tmp
    start_ctr
    run aisbx exec "$ID" uname -m </dev/null
    [ "$status" -eq 0 ]
    [ "$output" = x86_64 ]
}
