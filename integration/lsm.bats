#!/usr/bin/env bats
# AppArmor and SELinux requests on a host that runs neither (this VM): refused
# with one line before anything exists, for create and exec alike, never
# silently dropped. On an AppArmor host (the stock-host lane) the profile is
# applied; the host-side decision itself is unit-tested on fake /sys trees
# (tests/test_process_attrs.c).

load helpers

setup() {
    setup_bundle
    requires_aisbx
}

@test "lsm: process.apparmorProfile without AppArmor: one line, nothing created" {
    [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] || skip "AppArmor is on here"
    update_config '.process.apparmorProfile = "docker-default" | .process.args = ["true"]'
    run --separate-stderr aisbx run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 1 ]
    [ "$stderr" = "aisbx: apparmor profile docker-default requested but AppArmor is not enabled" ]
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
    [ ! -e "/sys/fs/cgroup/pids$CGPATH" ]
}

@test "lsm: process.selinuxLabel without SELinux: one line, nothing created" {
    [ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is on here"
    update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0" | .process.args = ["true"]'
    run --separate-stderr aisbx run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"SELinux is not enabled"* ]]
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
}

@test "lsm: linux.mountLabel without SELinux labels nothing and runs (as runc)" {
    [ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is on here"
    update_config '.linux.mountLabel = "system_u:object_r:container_file_t:s0" | .process.args = ["true"]'
    run aisbx run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
}

@test "lsm: exec --apparmor / --process-label are applied, not ignored" {
    [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] || skip "AppArmor is on here"
    [ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is on here"
    set_long_running
    start_ctr
    run --separate-stderr aisbx exec --apparmor docker-default "$ID" true
    [ "$status" -eq 255 ] # exec's own failure, as runc's
    [[ "$stderr" == *"apparmor profile docker-default requested but AppArmor is not enabled"* ]]
    run --separate-stderr aisbx exec --process-label "a:b:c:s0" "$ID" true
    [ "$status" -eq 255 ]
    [[ "$stderr" == *"SELinux is not enabled"* ]]
    run aisbx exec "$ID" true
    [ "$status" -eq 0 ]
}
