#!/usr/bin/env bats
# Capabilities. Under aisbx the default policy grants NO capabilities and the
# dangerous set is removed whatever the config asks; AISBX_POLICY names a policy
# file that may allow capabilities from the safe set.

load helpers

capeff() { echo "$output" | awk '$1 == "'"$1"':" { print $2 }'; }

set_caps() { # CAP...
    local json
    json=$(printf '%s\n' "$@" | jq -R . | jq -sc 'map(select(length > 0))')
    update_config '.process.capabilities = {"bounding": $c, "effective": $c, "permitted": $c}' --argjson c "$json"
}

write_policy() { # JSON
    echo "$1" >"$TESTDIR/policy.json"
    export AISBX_POLICY=$TESTDIR/policy.json
}

@test "caps: an empty set gives CapEff 0" {
    update_config '.process.capabilities = {"bounding": [], "effective": [], "permitted": []}'
    run_sh 'grep ^Cap /proc/self/status'
    [ "$status" -eq 0 ]
    [ "$(capeff CapEff)" = 0000000000000000 ]
    [ "$(capeff CapPrm)" = 0000000000000000 ]
}

@test "caps: CAP_CHOWN granted (config + policy) is the only effective cap" {
    write_policy '{"capabilities": ["CAP_CHOWN"]}'
    set_caps CAP_CHOWN
    run_sh 'grep ^Cap /proc/self/status'
    [ "$status" -eq 0 ]
    [ "$(capeff CapEff)" = 0000000000000001 ]
    [ "$(capeff CapPrm)" = 0000000000000001 ]
    [ "$(capeff CapBnd)" = 0000000000000001 ]
    [ "$(capeff CapAmb)" = 0000000000000000 ]
}

@test "caps: CAP_CHOWN works when granted, fails when not" {
    write_policy '{"capabilities": ["CAP_CHOWN"]}'
    add_tmp
    set_caps CAP_CHOWN
    run_sh 'touch /tmp/f && chown 65534:65534 /tmp/f && stat -c %u /tmp/f'
    [ "$status" -eq 0 ]
    [ "$output" = 65534 ]

    aisbx delete --force "$ID" >/dev/null 2>&1 || true
    set_caps CAP_KILL
    run_sh 'touch /tmp/f && chown 65534:65534 /tmp/f'
    [ "$status" -ne 0 ]
    [[ "$output" == *"Operation not permitted"* ]]
}

@test "caps: the default config gets no capabilities at all (overlay)" {
    requires_aisbx "default policy: no capabilities"
    unset AISBX_POLICY
    run_sh 'grep ^Cap /proc/self/status'
    [ "$status" -eq 0 ]
    local f
    for f in CapInh CapPrm CapEff CapBnd CapAmb; do
        [ "$(capeff $f)" = 0000000000000000 ] || { echo "$f = $(capeff $f)" >&2; false; }
    done
}

@test "caps: a cap not allowed by the policy is dropped (overlay)" {
    requires_aisbx "policy allows only CAP_CHOWN"
    write_policy '{"capabilities": ["CAP_CHOWN"]}'
    set_caps CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE
    run_sh 'grep ^Cap /proc/self/status'
    [ "$status" -eq 0 ]
    [ "$(capeff CapEff)" = 0000000000000001 ]
}

@test "caps: the dangerous set is removed even when the config asks for all (overlay)" {
    requires_aisbx "dangerous capabilities removed"
    write_policy '{"capabilities": ["CAP_CHOWN", "CAP_KILL"]}'
    local all
    all=$(jq -nc '["CAP_CHOWN","CAP_KILL","CAP_SYS_ADMIN","CAP_SYS_PTRACE","CAP_SYS_MODULE","CAP_NET_ADMIN","CAP_NET_RAW","CAP_MKNOD","CAP_DAC_READ_SEARCH","CAP_SYS_CHROOT","CAP_BPF","CAP_SETFCAP"]')
    update_config '.process.capabilities = {"bounding": $c, "effective": $c, "permitted": $c, "inheritable": $c, "ambient": $c}' --argjson c "$all"
    run_sh 'grep ^Cap /proc/self/status'
    [ "$status" -eq 0 ]
    # CHOWN (bit 0) and KILL (bit 5) only
    [ "$(capeff CapEff)" = 0000000000000021 ]
    [ "$(capeff CapBnd)" = 0000000000000021 ]
    [ "$(capeff CapInh)" = 0000000000000000 ]
    [ "$(capeff CapAmb)" = 0000000000000000 ]
}

@test "caps: a policy asking for a dangerous cap is an error, not ignored (overlay)" {
    requires_aisbx "malformed/unsafe policy refused"
    write_policy '{"capabilities": ["CAP_SYS_ADMIN"]}'
    run_sh 'true'
    [ "$status" -ne 0 ]
    [ -n "$output" ]
}

@test "caps: a malformed policy file is an error (overlay)" {
    requires_aisbx "malformed policy refused"
    write_policy '{"capabilities": '
    run_sh 'true'
    [ "$status" -ne 0 ]
}

# Issue 10 item 14: an unknown name is an error, not silently dropped.
@test "caps: an unknown capability name is refused and nothing is left behind" {
    set_caps CAP_CHOWN CAP_FOO
    # rt_bg: were it created, the container would keep bats' pipe open
    rt_bg create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *'unknown capability "CAP_FOO"'* ]]
    run aisbx state "$ID"
    [ "$status" -ne 0 ]
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
    [ -z "$(our_cgroups "$AISBX_IT_RUN-$ID")" ]
}

@test "caps: an unknown capability name in exec --process is refused" {
    set_long_running
    start_ctr
    jq -c '.process | .args = ["true"] | .capabilities = {"bounding": ["CAP_NOPE"], "effective": [], "permitted": []}' \
        "$BUNDLE/config.json" >"$TESTDIR/proc.json"
    run --separate-stderr aisbx exec --process "$TESTDIR/proc.json" "$ID"
    [ "$status" -eq 255 ] # exec's own failure, as runc's
    [[ "$stderr" == *'unknown capability "CAP_NOPE"'* ]]
}
