#!/usr/bin/env bats
# spec, features, --version.

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
