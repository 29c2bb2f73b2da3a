#!/usr/bin/env bats
# maskedPaths and readonlyPaths (and aisbx's re-masking).

load helpers

@test "masked: /proc/kcore reads empty" {
    [ -e /proc/kcore ] || skip "this kernel has no /proc/kcore"
    run_sh 'wc -c < /proc/kcore'
    [ "$status" -eq 0 ]
    [ "$output" -eq 0 ]
}

@test "masked: /proc/keys and /proc/timer_list read empty" {
    run_sh 'wc -c < /proc/keys; wc -c < /proc/timer_list'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" -eq 0 ]
    [ "${lines[1]}" -eq 0 ]
}

@test "masked: a path from the config (file) reads empty" {
    update_config '.linux.maskedPaths += ["/etc/hostname"]'
    run_sh 'wc -c < /etc/hostname'
    [ "$status" -eq 0 ]
    [ "$output" -eq 0 ]
}

@test "masked: a directory from the config is empty" {
    mkdir -p "$BUNDLE/rootfs/secret"
    echo s >"$BUNDLE/rootfs/secret/file"
    update_config '.linux.maskedPaths += ["/secret"]'
    run_sh 'ls -A /secret | wc -l'
    [ "$status" -eq 0 ]
    [ "$output" -eq 0 ]
}

@test "readonly: /proc/sys is mounted read-only" {
    run_sh 'awk "\$5 == \"/proc/sys\" { print \$6 }" /proc/self/mountinfo; echo x > /proc/sys/kernel/domainname'
    [ "$status" -ne 0 ]
    [[ "${lines[0]}" == ro,* ]] || [ "${lines[0]}" = ro ]
    [[ "$output" == *"Read-only file system"* ]]
}

@test "readonly: a path from the config is read-only" {
    add_mount /data tmpfs tmpfs '["size=1m"]'
    update_config '.linux.readonlyPaths += ["/data"]'
    run_sh 'touch /data/x'
    [ "$status" -ne 0 ]
    [[ "$output" == *"Read-only file system"* ]]
}

@test "masked: an emptied list is re-masked (overlay)" {
    requires_aisbx "masked paths are re-added"
    update_config '.linux.maskedPaths = [] | .linux.readonlyPaths = []'
    run_sh 'wc -c < /proc/keys; ls -A /sys/firmware | wc -l; awk "\$5 == \"/proc/sys\" { print \$6 }" /proc/self/mountinfo | cut -d, -f1'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" -eq 0 ]
    [ "${lines[1]}" -eq 0 ]
    [ "${lines[2]}" = ro ]
}

@test "masked: the overlay's extra paths are masked (overlay)" {
    requires_aisbx "kallsyms, kmsg, ... masked"
    run_sh 'for f in /proc/kallsyms /proc/kmsg /proc/interrupts /proc/modules /proc/slabinfo; do [ -e $f ] || continue; echo "$f $(head -c 64 $f 2>/dev/null | wc -c)"; done'
    [ "$status" -eq 0 ]
    [ -z "$(echo "$output" | awk '$2 != 0')" ]
}

@test "/sys is read-only (overlay)" {
    requires_aisbx "/sys ro"
    update_config '(.mounts[] | select(.destination == "/sys") | .options) |= map(select(. != "ro"))'
    run_sh 'awk "\$5 == \"/sys\" { print \$6 }" /proc/self/mountinfo | cut -d, -f1'
    [ "$status" -eq 0 ]
    [ "$output" = ro ]
}

# Issue 10 item 10: host page flags and allocator state are masked.
@test "masked: /proc/kpageflags, kpagecount, kpagecgroup and allocator state read empty (overlay)" {
    requires_aisbx "host-global proc files masked"
    run_sh 'for f in kpageflags kpagecount kpagecgroup buddyinfo zoneinfo ioports key-users mtrr; do [ -e /proc/$f ] || continue; echo "$f $(head -c 4096 /proc/$f 2>/dev/null | wc -c)"; done; wc -c < /proc/meminfo'
    [ "$status" -eq 0 ]
    [[ "$output" == *"kpageflags 0"* ]]
    [[ "$output" == *"kpagecount 0"* ]]
    local l
    for l in "${lines[@]:0:${#lines[@]}-1}"; do
        [ "${l##* }" -eq 0 ] || { echo "readable: $l"; return 1; }
    done
    # what engines and runtimes read stays readable
    [ "${lines[-1]}" -gt 0 ]
}
