#!/usr/bin/env bats
# events: runc's stream (stats, oom) and the sandbox's own events (overlay,
# pids-limit, oom-kill); the verdict that delete/run log and state shows.
# Values are compared with the cgroup files themselves.

load helpers

# A file of our cgroup in the controller's hierarchy (v1) or the one dir (v2).
cg() { cgroup_file "$1" "$2"; }

mem_limit_file() { if cgroup_v2; then cg memory memory.max; else cg memory memory.limit_in_bytes; fi; }

# The count after "KEY " in a flat keyed cgroup file (pids.events, memory.events).
counter() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

# events in the background into $TESTDIR/ev.out (stderr ev.err); $EV_PID.
events_bg() {
    aisbx events "$@" "$ID" >"$TESTDIR/ev.out" 2>"$TESTDIR/ev.err" </dev/null &
    EV_PID=$!
    echo "$EV_PID" >>"$TESTDIR/bg.pids"
}

# wait_event TYPE: until the stream has printed an event of that type (10 s).
# (jq 1.6's -e looks at the last input only: the stream is slurped.)
has_event() { jq -s -e --arg t "$1" 'any(.type == $t)' "$TESTDIR/ev.out" >/dev/null 2>&1; }
wait_event() {
    wait_for has_event "$1" && return 0
    echo "# no $1 event; the stream so far:" >&2
    cut -c1-200 "$TESTDIR/ev.out" "$TESTDIR/ev.err" | sed 's/^/# /' >&2
    return 1
}
n_events_at_least() { [ "$(jq -s --arg t "$1" 'map(select(.type == $t)) | length' "$TESTDIR/ev.out")" -ge "$2" ]; }

# Waits (up to 20 s) for the events process to end by itself once the container
# has stopped; its status in $EV_STATUS. runc (which these tests also run
# against) ends its stream only when the cgroup goes, at delete.
wait_events_end() {
    local tries=200
    if [ "$AISBX_IT_RUNTIME" != aisbx ]; then
        wait_for_status "$ID" stopped
        aisbx delete "$ID"
    fi
    while kill -0 "$EV_PID" 2>/dev/null && [ $tries -gt 0 ]; do
        sleep 0.1
        tries=$((tries - 1))
    done
    ! kill -0 "$EV_PID" 2>/dev/null || { echo "# events still running" >&2; return 1; }
    EV_STATUS=0
    wait "$EV_PID" || EV_STATUS=$?
}

cpu_usage() { if cgroup_v2; then counter "$(cg cpu cpu.stat)" usage_usec; else cat "$(cg cpuacct cpuacct.usage)"; fi; }
idle() {
    local u
    u=$(cpu_usage)
    sleep 0.3
    [ "$u" = "$(cpu_usage)" ]
}

@test "events --stats: one runc-shaped stats object whose values are the cgroup files'" {
    set_long_running
    start_ctr
    # Idle first (sh has started sleep and waits): the cpu time stops moving.
    wait_for idle
    run --separate-stderr aisbx events --stats "$ID"
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$(wc -l <<<"$output")" -eq 1 ]
    jq -e --arg id "$ID" '.type == "stats" and .id == $id and (.data | has("cpu") and
        has("cpuset") and has("memory") and has("pids") and has("blkio") and has("hugetlb") and
        has("intel_rdt") and has("network_interfaces"))' <<<"$output" >/dev/null
    # An idle container (sh waiting for sleep): the counters do not move between the two reads.
    [ "$(jq .data.pids.current <<<"$output")" = "$(cat "$(cg pids pids.current)")" ]
    # "max" (runc without a limit) is an omitted limit
    [ "$(jq .data.pids.limit <<<"$output")" = "$(sed 's/^max$/null/' "$(cg pids pids.max)")" ]
    # (jq 1.6 reads numbers as doubles: both sides go through it)
    jq -e --argjson f "$(sed 's/^max$/18446744073709551615/' "$(mem_limit_file)")" \
        '.data.memory.usage.limit == $f' <<<"$output" >/dev/null
    if cgroup_v2; then
        usec=$(counter "$(cg cpu cpu.stat)" usage_usec)
        [ "$(jq .data.cpu.usage.total <<<"$output")" = "$((usec * 1000))" ]
        [ "$(jq '.data.memory.raw | length' <<<"$output")" = "$(wc -l <"$(cg memory memory.stat)")" ]
        [ "$(jq .data.memory.cache <<<"$output" | sed 's/null/0/')" = "$(counter "$(cg memory memory.stat)" file)" ]
    else
        [ "$(jq .data.cpu.usage.total <<<"$output")" = "$(cat "$(cg cpuacct cpuacct.usage)")" ]
        [ "$(jq -c .data.cpu.usage.percpu <<<"$output")" = "[$(sed 's/ *$//; s/ /,/g' "$(cg cpuacct cpuacct.usage_percpu)")]" ]
        [ "$(jq .data.memory.usage.failcnt <<<"$output")" = "$(cat "$(cg memory memory.failcnt)")" ]
        [ "$(jq '.data.memory.raw | length' <<<"$output")" = "$(wc -l <"$(cg memory memory.stat)")" ]
        [ "$(jq .data.memory.raw.total_rss <<<"$output")" = "$(counter "$(cg memory memory.stat)" total_rss)" ]
    fi
    [ "$(jq .data.pids.current <<<"$output")" -ge 2 ]
}

@test "events: stats first (as runc's own tests read it), overlay next, stats every --interval; the stream ends by itself when the container stops" {
    set_long_running
    start_ctr
    events_bg --interval 200ms
    wait_for test -s "$TESTDIR/ev.out"
    wait_for n_events_at_least stats 3
    run aisbx kill "$ID" KILL
    [ "$status" -eq 0 ]
    wait_events_end
    [ "$EV_STATUS" -eq 0 ]
    [ ! -s "$TESTDIR/ev.err" ]
    # Every line is one JSON object with type and id.
    jq -s -e --arg id "$ID" 'length >= 3 and all(.id == $id and (.type | type == "string"))' "$TESTDIR/ev.out" >/dev/null
    jq -e '.type == "stats"' <(head -1 "$TESTDIR/ev.out") >/dev/null
    if [ "$AISBX_IT_RUNTIME" = aisbx ]; then
        jq -e '.type == "overlay" and (.data.changes | any(startswith("pids:")))' \
            <(sed -n 2p "$TESTDIR/ev.out") >/dev/null
        [ "$(jq -s 'map(select(.type == "overlay")) | length' "$TESTDIR/ev.out")" -eq 1 ]
    fi
}

@test "events: a fork bomb yields pids-limit events; the verdict counts pids.events' max" {
    requires_aisbx "pids-limit is the sandbox's event type"
    # A low cap keeps the bomb cheap on a shared machine.
    update_config '.linux.resources.pids.limit = 16 | .process.args = ["sh", "-c", $s]' \
        --arg s 'bomb() { bomb | bomb & }; sleep 1; bomb; sleep 1000'
    start_ctr
    events_bg --interval 1s
    wait_event pids-limit
    rt_bg kill "$ID" KILL
    [ "$status" -eq 0 ]
    wait_events_end
    [ "$EV_STATUS" -eq 0 ]
    jq -s -e 'map(select(.type == "pids-limit")) | length > 0 and all(.data.count > 0)' "$TESTDIR/ev.out" >/dev/null
    # Counts only grow along the stream.
    jq -s -e 'map(select(.type == "pids-limit") | .data.count) | . == sort' "$TESTDIR/ev.out" >/dev/null
    wait_for_status "$ID" stopped
    hits=$(counter "$(cg pids pids.events)" max)
    [ "$hits" -gt 0 ]
    [ "$(jq -s 'map(select(.type == "pids-limit")) | last | .data.count' "$TESTDIR/ev.out")" -le "$hits" ]
    verdict=$(aisbx state "$ID" | jq -r '.annotations["run.aisbx.verdict"]')
    [ "$verdict" = "pids cap hit $hits times; 0 OOM kills" ]
    [ "$(cat "$ROOT/$ID/verdict")" = "$verdict" ]
    run aisbx --log "$TESTDIR/log.json" --log-format json delete "$ID"
    [ "$status" -eq 0 ]
    jq -s -e --arg m "verdict: container $ID: pids cap hit $hits times; 0 OOM kills" \
        'map(select(.level == "info" and .msg == $m)) | length == 1' "$TESTDIR/log.json" >/dev/null
}

@test "events: a memory bomb yields oom and oom-kill; the verdict counts it" {
    update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432} |
        .process.args = ["sh", "-c", "sleep 1; tail /dev/zero; sleep 1000"]'
    start_ctr
    events_bg --interval 1s
    wait_event oom
    if [ "$AISBX_IT_RUNTIME" = aisbx ]; then
        wait_event oom-kill
        jq -s -e 'map(select(.type == "oom-kill") | .data.count) == [1]' "$TESTDIR/ev.out" >/dev/null
        # still running: the shell survived, only tail was killed
        [ "$(state_field "$ID" status)" = running ]
        if cgroup_v2; then f=$(cg memory memory.events); else f=$(cg memory memory.oom_control); fi
        [ "$(counter "$f" oom_kill)" = 1 ]
    fi
    rt_bg kill "$ID" KILL
    wait_events_end
    [ "$EV_STATUS" -eq 0 ]
    requires_aisbx "the verdict"
    wait_for_status "$ID" stopped
    run aisbx --log "$TESTDIR/log.txt" delete "$ID"
    [ "$status" -eq 0 ]
    grep -q "level=info msg=\"verdict: container $ID: pids cap hit 0 times; 1 OOM kill\"" "$TESTDIR/log.txt"
}

@test "run: the verdict has the exit status of an OOM-killed init" {
    requires_aisbx "the verdict"
    update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432} |
        .process.args = ["tail", "/dev/zero"]'
    run aisbx --log "$TESTDIR/log.json" --log-format json run --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -eq 137 ]
    jq -s -e --arg m "verdict: container $ID: pids cap hit 0 times; 1 OOM kill; exit status 137" \
        'map(select(.level == "info" and .msg == $m)) | length == 1' "$TESTDIR/log.json" >/dev/null
    [ ! -e "$ROOT/$ID" ]
}

@test "run --keep: the verdict is logged at exit, and state shows it until delete" {
    requires_aisbx "the verdict"
    update_config '.process.args = ["sh", "-c", "exit 3"]'
    run aisbx --log "$TESTDIR/log.txt" run --keep --bundle "$BUNDLE" "$ID" </dev/null
    [ "$status" -eq 3 ]
    grep -q "level=info msg=\"verdict: container $ID: pids cap hit 0 times; 0 OOM kills; exit status 3\"" "$TESTDIR/log.txt"
    run aisbx state "$ID"
    [ "$status" -eq 0 ]
    jq -e '.status == "stopped" and
        .annotations["run.aisbx.verdict"] == "pids cap hit 0 times; 0 OOM kills; exit status 3"' \
        <<<"$output" >/dev/null
    run aisbx delete "$ID"
    [ "$status" -eq 0 ]
    [ ! -e "$ROOT/$ID" ]
}

@test "state: a running container has no verdict yet" {
    requires_aisbx
    set_long_running
    start_ctr
    run aisbx state "$ID"
    [ "$status" -eq 0 ]
    jq -e '.annotations | has("run.aisbx.verdict") | not' <<<"$output" >/dev/null
    [ ! -e "$ROOT/$ID/verdict" ]
}

@test "events: unknown container, stopped container and bad --interval are errors (exit 1)" {
    run --separate-stderr aisbx events --stats nosuch
    [ "$status" -eq 1 ]
    [[ $stderr == *"does not exist"* ]]
    [ -z "$output" ]
    update_config '.process.args = ["true"]'
    rt_bg create --bundle "$BUNDLE" "$ID"
    rt_bg start "$ID"
    wait_for_status "$ID" stopped
    run --separate-stderr aisbx events "$ID"
    [ "$status" -eq 1 ]
    [[ $stderr == *"container with id $ID is not running"* ]]
    [ -z "$output" ]
    run --separate-stderr aisbx events --stats "$ID"
    [ "$status" -eq 1 ]
    [[ $stderr == *"is not running"* ]]
    run --separate-stderr aisbx events --interval 0 "$ID"
    [ "$status" -eq 1 ]
    [[ $stderr == *"duration interval must be greater than 0"* ]]
    [ "$AISBX_IT_RUNTIME" != aisbx ] || [ "$stderr" = "aisbx: duration interval must be greater than 0" ]
    run --separate-stderr aisbx events --interval 5parsecs "$ID"
    [ "$status" -eq 1 ]
    [[ $stderr == *"invalid value "*5parsecs*" for flag -interval"* ]]
    [ "$(wc -l <<<"$stderr")" -eq 1 ]
}
