#!/bin/sh
# Fuzz the parsers (specs/ JSON, signal names, container ids, the command
# line, the cgroup statistics files): hack/fuzz.sh [SECONDS_TOTAL] (default 60), split evenly between the
# targets. Each target runs on a scratch copy of its seed
# corpus so the committed corpus never grows. Exits non-zero on any crash,
# leak or sanitizer report.
set -u
cd "$(dirname "$0")/.."

TOTAL=${1:-60}
TARGETS="config process resources state policy signal id cmdline cgstats"
OUT=build-fuzz
CC=${FUZZ_CC:-clang}
N=$(echo $TARGETS | wc -w)
PER=$((TOTAL / N))
[ "$PER" -ge 1 ] || PER=1

mkdir -p "$OUT"
SRCS=$(ls specs/*.c)
CFLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -I. $(pkg-config --cflags yajl)"
SAN="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"

fail=0
for t in $TARGETS; do
    bin=$OUT/fuzz_$t
    # the targets outside specs/ link only their own module on top of it
    case $t in
    signal) extra=runtime/kernel/signals.c ;;
    id) extra=runtime/lifecycle/container_id.c ;;
    cmdline) extra=cmd/args.c ;;
    cgstats) extra=runtime/cgroup/cgroup_stats_parse.c ;;
    *) extra= ;;
    esac
    if ! $CC $CFLAGS $SAN -o "$bin" "tests/fuzz/fuzz_$t.c" $extra $SRCS $(pkg-config --libs yajl) \
        >"$OUT/build_$t.log" 2>&1; then
        echo "fuzz $t: FAIL (build, see $OUT/build_$t.log)"
        fail=1
        continue
    fi
    corpus=$OUT/corpus_$t
    rm -rf "$corpus" "$OUT/artifacts_$t"
    mkdir -p "$corpus" "$OUT/artifacts_$t"
    cp tests/fuzz/corpus/fuzz_$t/* "$corpus"/ 2>/dev/null || true
    log=$OUT/fuzz_$t.log
    if UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$bin" -max_total_time="$PER" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
        -artifact_prefix="$OUT/artifacts_$t/" -print_final_stats=1 "$corpus" >"$log" 2>&1; then
        runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
        echo "fuzz $t: ok (${runs:-?} runs)"
    else
        echo "fuzz $t: FAIL (see $log, crashers in $OUT/artifacts_$t/)"
        fail=1
    fi
done
exit $fail
