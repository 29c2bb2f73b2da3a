#!/bin/bash
# Counts a bats TAP log and prints "<lane>: N passed, N failed, N skipped (T s)".
#   hack/bats-summary.sh LANE TAP_FILE BATS_EXIT_STATUS ELAPSED_SECONDS
# A run that stopped before its plan, or a non-zero bats exit without a
# failing test (setup_file/teardown_file or syntax error), counts as failed.
# Exit status 1 if anything failed.
set -u
lane=$1 tap=$2 rc=$3 elapsed=$4
failed=$(grep -c '^not ok ' "$tap")
skipped=$(grep -E '^ok [0-9]+ .*# skip' -c "$tap")
okall=$(grep -c '^ok ' "$tap")
passed=$((okall - skipped))
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tap" | head -1)
if [ -n "$planned" ] && [ $((okall + failed)) -lt "$planned" ]; then
    echo "$lane: bats stopped early: $((okall + failed)) of $planned tests reported"
    failed=$((planned - okall))
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "$lane: bats exited $rc without a failing test (setup_file/teardown_file or syntax error?)"
    failed=1
fi
echo "$lane: $passed passed, $failed failed, $skipped skipped ($elapsed s)"
[ "$failed" -eq 0 ]
