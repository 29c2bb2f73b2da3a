#!/usr/bin/env bats
# `make install`: the binary, the man page and the commented default policy,
# which must parse and equal the built-in defaults.

load helpers

AISBX_SRC=$(cd "$BATS_TEST_DIRNAME/.." && pwd)

@test "install: make install puts the binary, man page and default policy under DESTDIR" {
    local d="$TESTDIR/inst"
    run make -C "$AISBX_SRC" --no-print-directory install DESTDIR="$d" PREFIX=/usr/local
    [ "$status" -eq 0 ]
    [ -x "$d/usr/local/bin/aisbx" ]
    # the systemd driver's helper sits next to it, owned by root, writable only by root
    [ -x "$d/usr/local/bin/aisbx-systemd" ]
    [ "$(stat -c '%u %a' "$d/usr/local/bin/aisbx-systemd")" = "0 755" ]
    [ -f "$d/usr/local/share/man/man8/aisbx.8" ]
    [ -f "$d/etc/aisbx/policy.json" ]
    run man -l "$d/usr/local/share/man/man8/aisbx.8"
    [[ "$output" == *"forces a hardening overlay"* ]] || [ "$status" -eq 127 ]
    # An operator's own policy is never replaced.
    echo '{"pids_max": 100}' >"$d/etc/aisbx/policy.json"
    run make -C "$AISBX_SRC" --no-print-directory install DESTDIR="$d" PREFIX=/usr/local
    [ "$status" -eq 0 ]
    [ "$(cat "$d/etc/aisbx/policy.json")" = '{"pids_max": 100}' ]
}

@test "install: the shipped policy parses and gives the same hardened config as no policy" {
    requires_aisbx
    run aisbx --policy "$AISBX_SRC/etc/policy.json" check --bundle "$BUNDLE"
    [ "$status" -eq 0 ]
    local with=$output
    run aisbx check --bundle "$BUNDLE"
    [ "$status" -eq 0 ]
    [ "$with" = "$output" ]
}
