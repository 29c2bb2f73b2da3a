#!/usr/bin/env bats
# The config's compiled seccomp filter goes through the program cache
# (runtime/seccomp/seccomp_config_cache.c). With Docker's default profile
# (testdata/docker-default-seccomp.json: what docker 28.2.2 sent to its
# runtime for `docker run` on this VM, captured by
# hack/docker-seccomp-profile.sh) a container behaves the same whether the
# filter was compiled fresh (AISBX_SECCOMP_CACHE=0), compiled and stored, or
# loaded from the cache; a corrupted entry is rebuilt, not used. Each test
# adds a unique unknown syscall name to the profile (skipped by the compile,
# so the program is Docker's) to get its own cache entry, and removes that
# entry at the end. aisbx only.

load helpers

ATTACK_BIN=$AISBX_IT_BASE/attack
CACHE=/run/aisbx/.cache
# Probes (testdata/attack.c) Docker's profile or the floor decide.
PROBES="clone3 clone3-fallback threads personality ptrace-traceme keyctl add-key bpf perf
io-uring io-setup userfaultfd name-to-handle kexec init-module reboot syslog settimeofday
acct iopl mount chroot fsopen open-tree"

setup_file() {
    [ "$(attack_bin)" = "$ATTACK_BIN" ]
}

setup() {
    requires_aisbx
    [ "$(id -u)" = 0 ] || skip "root's cache in $CACHE"
    setup_bundle
    add_tmp
    cp "$ATTACK_BIN" "$BUNDLE/rootfs/attack"
    chmod 755 "$BUNDLE/rootfs/attack"
    MARK="aisbx_it_${ID//[^a-z0-9]/_}_$$"
    local script='grep -E "^Seccomp(_filters)?:" /proc/self/status
echo "mkdir: $(mkdir /tmp/p 2>&1 && echo ok)"' p
    for p in $PROBES; do
        script+=$'\n'"echo \"$p: \$(/attack $p 2>/dev/null)\""
    done
    update_config '.linux.seccomp = $sc[0] | .linux.seccomp.syscalls += [{names: [$m], action: "SCMP_ACT_ALLOW"}]
        | .process.args = ["sh", "-c", $s]' \
        --slurpfile sc "$BATS_TEST_DIRNAME/testdata/docker-default-seccomp.json" --arg m "$MARK" --arg s "$script"
}

teardown() {
    # Only this test's entry: its key holds the unique name.
    [ -n "${MARK:-}" ] && [ -d "$CACHE" ] && grep -lF -- "$MARK" "$CACHE"/config-*.bpf 2>/dev/null | xargs -r rm -f --
    teardown_bundle
}

# my_entry: the cache file holding this test's profile (none: empty).
my_entry() {
    grep -lF -- "$MARK" "$CACHE"/config-*.bpf 2>/dev/null || true
}

# run_probes NAME [ENV=VALUE]: one container; stdout to $TESTDIR/NAME.out,
# the debug log to $TESTDIR/NAME.log.
run_probes() {
    local name=$1
    shift
    env "$@" timeout -k 5 "$AISBX_IT_TIMEOUT" "$AISBX_BIN" --root "$ROOT" --debug --log "$TESTDIR/$name.log" \
        run --bundle "$BUNDLE" "$ID" </dev/null >"$TESTDIR/$name.out" 2>"$TESTDIR/$name.err" 3>&-
    local rc=$?
    echo "# $name: exit $rc" >&2
    sed 's/^/#   /' "$TESTDIR/$name.out" "$TESTDIR/$name.err" >&2
    grep 'seccomp cache' "$TESTDIR/$name.log" | sed 's/^/#   log: /' >&2
    return $rc
}

@test "seccomp cache: Docker's default profile behaves the same uncached, stored and cached" {
    run_probes fresh AISBX_SECCOMP_CACHE=0
    grep -q 'seccomp cache: disabled by AISBX_SECCOMP_CACHE: compiling config' "$TESTDIR/fresh.log"
    [ -z "$(my_entry)" ]

    run_probes stored
    grep -qE 'seccomp cache: .*/config-[0-9a-f]+\.bpf: absent: compiling' "$TESTDIR/stored.log"
    entry=$(my_entry)
    [ -n "$entry" ]
    [ "$(stat -c %a "$entry")" = 600 ]

    run_probes cached
    grep -qE "seccomp cache: $CACHE/config-[0-9a-f]+\\.bpf: hit" "$TESTDIR/cached.log"
    ! grep -q 'compiling config' "$TESTDIR/cached.log"

    # Both filters are on (the config's and the floor), every probe answered.
    grep -qx $'Seccomp:\t2' "$TESTDIR/fresh.out"
    grep -qx 'mkdir: ok' "$TESTDIR/fresh.out"
    grep -qx $'Seccomp_filters:\t2' "$TESTDIR/fresh.out"
    [ "$(grep -c ': \(BLOCKED\|ALLOWED\)' "$TESTDIR/fresh.out")" -eq "$(echo $PROBES | wc -w)" ]
    diff -u "$TESTDIR/fresh.out" "$TESTDIR/stored.out"
    diff -u "$TESTDIR/fresh.out" "$TESTDIR/cached.out"
}

@test "seccomp cache: a profile differing in one rule gets its own entry and its own behaviour" {
    run_probes stored
    run_probes cached
    grep -q ': hit' "$TESTDIR/cached.log"
    grep -qx 'mkdir: ok' "$TESTDIR/cached.out"
    # Docker's profile without mkdir/mkdirat in its allowlist: they fall to
    # its default, EPERM (the floor allows mkdir). The cached program of the
    # full profile must not be used for it.
    update_config '.linux.seccomp.syscalls[0].names -= ["mkdir", "mkdirat"]'
    run_probes changed
    grep -qE 'config-[0-9a-f]+\.bpf: absent: compiling' "$TESTDIR/changed.log"
    grep -qx 'mkdir: mkdir: can'"'"'t create directory '"'"'/tmp/p'"'"': Operation not permitted' "$TESTDIR/changed.out"
    [ "$(grep -lF -- "$MARK" "$CACHE"/config-*.bpf | wc -l)" -eq 2 ]
    # Both filters are on; without the config's only the floor.
    update_config 'del(.linux.seccomp)'
    run_probes floor_only
    grep -qx $'Seccomp_filters:\t2' "$TESTDIR/cached.out"
    grep -qx $'Seccomp_filters:\t1' "$TESTDIR/floor_only.out"
}

@test "seccomp cache: a corrupted entry is rebuilt, never loaded" {
    run_probes fresh AISBX_SECCOMP_CACHE=0
    run_probes stored
    entry=$(my_entry)
    [ -n "$entry" ]
    # Flip one byte of the program (the last instruction's k field).
    size=$(stat -c %s "$entry")
    b=$(dd if="$entry" bs=1 skip=$((size - 2)) count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
    printf "$(printf '\\%03o' $((b ^ 1)))" | dd of="$entry" bs=1 seek=$((size - 2)) conv=notrunc 2>/dev/null
    run_probes rebuilt
    grep -qE 'seccomp cache: .*config-[0-9a-f]+\.bpf: checksum mismatch: compiling' "$TESTDIR/rebuilt.log"
    diff -u "$TESTDIR/fresh.out" "$TESTDIR/rebuilt.out"
    run_probes cached
    grep -q ': hit' "$TESTDIR/cached.log"
    diff -u "$TESTDIR/fresh.out" "$TESTDIR/cached.out"
}
