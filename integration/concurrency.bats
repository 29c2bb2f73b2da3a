#!/usr/bin/env bats
# Concurrent commands on one id: whatever the interleaving, the end state is
# consistent (the container exists cleanly or is gone without a trace), every
# command exits 0 or 1 with one clear line, nothing hangs and nothing leaks.
# Each race is repeated ROUNDS times to give the bad interleavings a chance.

load helpers
load robust

ROUNDS=${AISBX_RACE_ROUNDS:-4}

setup() {
    setup_bundle
    set_long_running
}

# Runs CMD... in the background; its exit status lands in $TESTDIR/rc.NAME,
# its stderr in $TESTDIR/err.NAME.
bg_cmd() { # NAME CMD...
    local name=$1
    shift
    (
        rc=0
        "$@" </dev/null >>"$TESTDIR/ctr.out" 2>"$TESTDIR/err.$name" || rc=$?
        echo "$rc" >"$TESTDIR/rc.$name"
    ) &
}

# A finished racer exited 0, or 1 with exactly one line on stderr.
racer_ok() { # NAME [FAILURE_STATUS]: 0, or FAILURE_STATUS (default 1) with one error line
    local rc err fail=${2:-1}
    rc=$(cat "$TESTDIR/rc.$1")
    err=$(cat "$TESTDIR/err.$1")
    echo "# $1: exit $rc: $err" >&2
    [ "$rc" -eq 0 ] && return 0
    [ "$rc" -eq "$fail" ] || { echo "# $1 exited $rc (wanted 0 or $fail)" >&2; return 1; }
    [ "$(grep -cv '^aisbx: warning' "$TESTDIR/err.$1")" -eq 1 ] || { echo "# $1: not exactly one error line" >&2; return 1; }
}

rc_of() { cat "$TESTDIR/rc.$1"; }

# After a round: the container is gone without a trace.
gone_cleanly() {
    local pids=$1
    run aisbx state "$ID"
    [ "$status" -eq 1 ]
    # shellcheck disable=SC2086
    assert_host_clean "$ID" $pids
}

@test "race: two delete --force at once" {
    local i pids
    for i in $(seq "$ROUNDS"); do
        start_ctr
        pids=$(snapshot_pids | sort -u | tr '\n' ' ')
        bg_cmd d1 aisbx delete --force "$ID"
        bg_cmd d2 aisbx delete --force "$ID"
        wait
        racer_ok d1
        racer_ok d2
        # --force is idempotent: at least one reports success, and an error must say why
        [ "$(rc_of d1)" -eq 0 ] || [ "$(rc_of d2)" -eq 0 ]
        gone_cleanly "$pids"
    done
}

@test "race: start twice at once (exactly one wins)" {
    local i ok
    for i in $(seq "$ROUNDS"); do
        rt_bg create --bundle "$BUNDLE" "$ID"
        [ "$status" -eq 0 ]
        bg_cmd s1 aisbx start "$ID"
        bg_cmd s2 aisbx start "$ID"
        wait
        racer_ok s1
        racer_ok s2
        ok=$((($(rc_of s1) == 0) + ($(rc_of s2) == 0)))
        [ "$ok" -eq 1 ] || { echo "# $ok starts succeeded" >&2; false; }
        wait_for_status "$ID" running
        # the program runs once: one sleep in the cgroup, under one shell
        [ "$(procs_in_cgroup | wc -l)" -eq 2 ]
        local pids
        pids=$(snapshot_pids | sort -u | tr '\n' ' ')
        run aisbx delete --force "$ID"
        [ "$status" -eq 0 ]
        gone_cleanly "$pids"
    done
}

@test "race: kill during delete --force" {
    local i pids
    for i in $(seq "$ROUNDS"); do
        start_ctr
        pids=$(snapshot_pids | sort -u | tr '\n' ' ')
        bg_cmd del aisbx delete --force "$ID"
        bg_cmd k1 aisbx kill "$ID" KILL
        bg_cmd k2 aisbx kill --all "$ID" TERM
        wait
        racer_ok del
        racer_ok k1
        racer_ok k2
        [ "$(rc_of del)" -eq 0 ]
        gone_cleanly "$pids"
    done
}

@test "race: exec during delete --force" {
    local i pids
    for i in $(seq "$ROUNDS"); do
        start_ctr
        pids=$(snapshot_pids | sort -u | tr '\n' ' ')
        bg_cmd ex aisbx exec "$ID" sh -c 'sleep 1000'
        bg_cmd exd aisbx exec -d "$ID" sleep 1000
        sleep 0.0$((RANDOM % 10))
        bg_cmd del aisbx delete --force "$ID"
        wait
        racer_ok del
        [ "$(rc_of del)" -eq 0 ]
        # exec: killed with the container (137/143) or refused with one line
        # (exec's own failures exit 255, as runc's)
        local r
        for r in ex exd; do
            echo "# $r: exit $(rc_of $r): $(cat "$TESTDIR/err.$r")" >&2
            case $(rc_of $r) in
            0 | 137 | 143) ;;
            255) racer_ok $r 255 ;;
            *) false ;;
            esac
        done
        gone_cleanly "$pids"
        # no exec child escaped the kill
        ! pgrep -f -- "--root $ROOT " >/dev/null
    done
}

@test "race: create of the same id twice at once (exactly one wins)" {
    local i ok pids
    for i in $(seq "$ROUNDS"); do
        bg_cmd c1 aisbx create --bundle "$BUNDLE" "$ID"
        bg_cmd c2 aisbx create --bundle "$BUNDLE" "$ID"
        wait
        racer_ok c1
        racer_ok c2
        ok=$((($(rc_of c1) == 0) + ($(rc_of c2) == 0)))
        [ "$ok" -eq 1 ] || { echo "# $ok creates succeeded" >&2; false; }
        [ "$(state_field "$ID" status)" = created ]
        # exactly one init: the loser left no process and no second cgroup member
        [ "$(procs_in_cgroup | wc -l)" -eq 1 ]
        pids=$(snapshot_pids | sort -u | tr '\n' ' ')
        run aisbx delete --force "$ID"
        [ "$status" -eq 0 ]
        gone_cleanly "$pids"
    done
}

@test "race: state and list while containers come and go" {
    local i
    for i in $(seq "$ROUNDS"); do
        bg_cmd c aisbx run -d --bundle "$BUNDLE" "$ID"
        bg_cmd l1 aisbx list
        bg_cmd s1 aisbx state "$ID"
        wait
        racer_ok c
        [ "$(rc_of l1)" -eq 0 ]
        racer_ok s1
        bg_cmd del aisbx delete --force "$ID"
        bg_cmd l2 aisbx list -q
        bg_cmd s2 aisbx state "$ID"
        wait
        [ "$(rc_of del)" -eq 0 ]
        [ "$(rc_of l2)" -eq 0 ]
        racer_ok s2
        gone_cleanly ""
    done
}
