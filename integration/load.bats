#!/usr/bin/env bats
# Short load run for the normal test command: 50 sequential lifecycles and
# 20 parallel containers (bursts of 8) with a leak check after each; the long
# run (1000 + 200) is `make stress` (hack/stress.sh, same code).

load helpers

setup() { :; }
teardown() { :; }

@test "load: 50 sequential lifecycles and 20 parallel, zero failures, zero leaks" {
    run env SEQ=50 PAR=20 BURST=8 FAULTS=0 timeout 240 "$REPO_ROOT/hack/stress.sh" </dev/null 3>&-
    echo "$output" >&2
    [ "$status" -eq 0 ]
    [[ "$output" == *"failures                                    0"* ]]
    [[ "$output" == *"leaks found                                 0"* ]]
}
