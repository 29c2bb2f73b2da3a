#!/bin/bash
# hack/bench-report.sh - the table, docs/bench.md and the chart from the raw
# samples of hack/bench.sh (-o DIR keeps them, so a run can be re-reported).
#
#   hack/bench-report.sh [-B BASELINE] [--md FILE] [--plot FILE.png|.svg] DIR
#
# DIR holds one file per metric and runtime index (KEY.I, one sample a line:
# microseconds; tp.* containers/s x1000; rss.* KiB), `runtimes` (NAME|PATH|
# ENV|VERSION per index), `meta`, size.I and fail.KEY.I. Each cell is the
# median with p25-p90 in parentheses (p25 and p90 nearest-rank); ratios are
# median(runtime) / median(baseline).
set -u -o pipefail
export LC_ALL=C
BASE=crun MD="" PLOT=""
while [ $# -gt 1 ]; do
    case $1 in
        -B) BASE=$2; shift ;;
        --md) MD=$2; shift ;;
        --plot) PLOT=$2; shift ;;
        *) break ;;
    esac
    shift
done
D=${1:?usage: bench-report.sh [-B BASELINE] [--md FILE] [--plot FILE] DIR}
[ -f "$D/runtimes" ] || { echo "bench-report: $D/runtimes missing" >&2; exit 1; }
mapfile -t NAMES < <(cut -d'|' -f1 "$D/runtimes")
NRT=${#NAMES[@]}
B=-1
for i in "${!NAMES[@]}"; do [ "${NAMES[$i]}" = "$BASE" ] && B=$i; done
meta() { sed -n "s/^$1=//p" "$D/meta" 2>/dev/null; }

# stats FILE -> "n min p50 p90 max p25"
stats() {
    [ -s "$1" ] || { echo "0 - - - - -"; return; }
    sort -n "$1" | awk '{a[NR]=$1} END {
        p50 = a[int((NR + 1) / 2)]; if (NR % 2 == 0) p50 = (a[NR/2] + a[NR/2 + 1]) / 2
        i90 = int(NR * 0.9); if (i90 < NR * 0.9) i90++; if (i90 < 1) i90 = 1
        i25 = int(NR * 0.25); if (i25 < NR * 0.25) i25++; if (i25 < 1) i25 = 1
        print NR, a[1], p50, a[i90], a[NR], a[i25] }'
}
# med KEY I [DIV] -> median / DIV (default 1000: us -> ms), or -
med() {
    local s
    s=$(stats "$D/$1.$2")
    set -- $s "${3:-1000}"
    [ "$1" = 0 ] && echo - || awk -v v="$3" -v d="$7" 'BEGIN { printf "%.2f", v / d }'
}
# spread KEY I [DIV] -> "p25-p90" / DIV
spread() {
    local s
    s=$(stats "$D/$1.$2")
    set -- $s "${3:-1000}"
    [ "$1" = 0 ] && echo - || awk -v a="$6" -v b="$4" -v d="$7" 'BEGIN { printf "%.2f-%.2f", a / d, b / d }'
}
ratio() { [ "$1" = - ] || [ "$2" = - ] && echo - || awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", b ? a / b : 0 }'; }

# Rows: KEY DIVISOR LABEL. DIVISOR 1000 = ms; tp: /1000 = ctr/s; rss: /1024 = MiB.
W=$(meta workers)
ROWS=("lc.total|1000|lifecycle create+start+wait+delete (ms)"
    "lc.create|1000|  create (ms)"
    "lc.start|1000|  start (ms)"
    "lc.wait|1000|  wait for exit (ms)"
    "lc.delete|1000|  delete (ms)"
    "lc.state|1000|state, created container (ms)"
    "run|1000|run, foreground (ms)"
    "sc.total|1000|lifecycle + Docker's default profile (ms)"
    "sc.create|1000|  create + profile (ms)"
    "ver|1000|--version start-up (ms)"
    "tp|1000|throughput, ${W:-2} workers (ctr/s)"
    "rss|1024|peak RSS of create (MiB)"
    "docker|1000|docker run --rm (ms)")

HDR=("metric, median (p25-p90)")
for n in "${NAMES[@]}"; do HDR+=("$n"); done
for i in "${!NAMES[@]}"; do [ "$i" != "$B" ] && [ "$B" -ge 0 ] && HDR+=("${NAMES[$i]}/$BASE"); done

TABLE=() # lines of cells separated by |
TABLE+=("$(IFS='|'; echo "${HDR[*]}")")
for r in "${ROWS[@]}"; do
    IFS='|' read -r key div label <<<"$r"
    cells=("$label") any=0 meds=()
    for i in "${!NAMES[@]}"; do
        m=$(med "$key" "$i" "$div")
        meds+=("$m")
        if [ "$m" = - ]; then cells+=(-); else any=1; cells+=("$m ($(spread "$key" "$i" "$div"))"); fi
    done
    [ "$any" = 1 ] || continue
    for i in "${!NAMES[@]}"; do
        [ "$i" != "$B" ] && [ "$B" -ge 0 ] && cells+=("$(ratio "${meds[$i]}" "${meds[$B]}")")
    done
    TABLE+=("$(IFS='|'; echo "${cells[*]}")")
done
cells=("binary KiB + shared libs KiB (count)")
for i in "${!NAMES[@]}"; do
    set -- $(cat "$D/size.$i" 2>/dev/null || echo "- - -")
    cells+=("$1 + $2 ($3)")
done
TABLE+=("$(IFS='|'; echo "${cells[*]}")")
cells=("failures")
for i in "${!NAMES[@]}"; do
    n=0
    for f in "$D"/fail.*."$i"; do [ -f "$f" ] && n=$((n + $(cat "$f"))); done
    cells+=("$n")
done
TABLE+=("$(IFS='|'; echo "${cells[*]}")")

# Targets of issue 16 for the runtime named aisbx against the baseline
# (docker: against runc, as the issue states it).
A=-1 R=-1
for i in "${!NAMES[@]}"; do [ "${NAMES[$i]}" = aisbx ] && A=$i; [ "${NAMES[$i]}" = runc ] && R=$i; done
TARGETS=()
target() { # LABEL KEY DIV OP LIMIT [AGAINST] (OP: le = aisbx <= LIMIT x base, ge)
    local a b r ok
    a=$(med "$2" "$A" "$3") b=$(med "$2" "${6:-$B}" "$3")
    [ "$a" = - ] || [ "$b" = - ] && return
    r=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')
    ok=$(awk -v r="$r" -v l="$5" -v op="$4" 'BEGIN { print ((op == "le" ? r <= l : r >= l) ? "met" : "NOT met") }')
    TARGETS+=("$1: ${r}x (target $([ "$4" = le ] && echo "<=" || echo ">=") ${5}x): $ok")
}
if [ "$A" -ge 0 ] && [ "$B" -ge 0 ] && [ "$A" != "$B" ]; then
    target "lifecycle aisbx/$BASE" lc.total 1000 le 0.6
    target "lifecycle with Docker's default profile aisbx/$BASE" sc.total 1000 le 0.6
    target "throughput aisbx/$BASE" tp 1000 ge 1.5
    target "create peak RSS aisbx/$BASE" rss 1024 le 1.0
fi
[ "$A" -ge 0 ] && [ "$R" -ge 0 ] && target "docker run --rm aisbx/runc" docker 1000 le 0.9 "$R"

FLOOR=""
if [ -s "$D/floor.forkexec" ]; then
    s1=$(stats "$D/floor.forkexec") s2=$(stats "$D/floor.unshare")
    FLOOR=$(set -- $s1; a="$3 $6 $4"; set -- $s2; awk -v a="$a" -v b="$3 $6 $4" 'BEGIN {
        split(a, x, " "); split(b, y, " ")
        printf "floor from the same shell, same run (median, p25-p90): fork+exec /bin/true %.2f ms (%.2f-%.2f), unshare --fork --pid --mount --net --uts --ipc /bin/true %.2f ms (%.2f-%.2f)", x[1] / 1000, x[2] / 1000, x[3] / 1000, y[1] / 1000, y[2] / 1000, y[3] / 1000 }')
fi

# ---- text table on stdout
ncol=$(( ${#HDR[@]} ))
printf '%s\n' "${TABLE[@]}" | awk -F'|' -v n="$ncol" '
    { for (c = 1; c <= NF; c++) { cell[NR, c] = $c; if (length($c) > w[c]) w[c] = length($c) } rows = NR }
    END { for (r = 1; r <= rows; r++) {
            line = sprintf("%-" w[1] "s", cell[r, 1])
            for (c = 2; c <= n; c++) line = line sprintf("  %" w[c] "s", cell[r, c])
            print line
            if (r == 1) { s = ""; for (c = 1; c <= n; c++) { for (k = 0; k < w[c] + (c > 1 ? 2 : 0); k++) s = s "-" } print s }
    } }'
[ -n "$FLOOR" ] && { echo; echo "$FLOOR"; }
echo "runs: n=$(meta n) rounds (+$(meta warm) warm-up), throughput $(meta workers) workers x $(meta per_worker) x $(meta trounds) rounds, RSS $(meta rss_k) samples; load at start $(meta load_start), at end $(meta load_end)"
[ ${#TARGETS[@]} -gt 0 ] && { echo "targets (issue 16, medians):"; printf '  %s\n' "${TARGETS[@]}"; }
[ -s "$D/errors.log" ] && { echo "errors (first 10):"; head -10 "$D/errors.log"; }

# ---- markdown
if [ -n "$MD" ]; then
    mkdir -p "$(dirname "$MD")"
    {
        echo "# aisbx benchmark"
        echo
        echo "Generated by \`hack/bench.sh$(meta args | sed 's/^./ &/')\` (\`make bench\` runs it without arguments) on $(meta date): $(meta host), container command \`$(meta cmd)\`."
        echo "Medians with p25-p90 in parentheses; ratios are median / median of $BASE (lower is better except throughput)."
        echo "aisbx always installs its mandatory seccomp floor; runc and crun run without a filter unless a row says otherwise; the Docker-profile rows give every runtime the same config ($(meta profile))."
        [ "$(meta systemd_cgroup)" = 1 ] && echo "Every runtime call had --systemd-cgroup (a transient scope per container)."
        echo
        echo "Runtimes:"
        while IFS='|' read -r n p e v; do
            echo "- **$n**: \`$p\`${e:+ with \`$e\`} ($v)"
        done <"$D/runtimes"
        echo
        printf '%s\n' "${TABLE[@]}" | awk -F'|' '{
            line = "|"; for (c = 1; c <= NF; c++) line = line " " $c " |"; print line
            if (NR == 1) { s = "|"; for (c = 1; c <= NF; c++) s = s (c == 1 ? " --- |" : " ---: |"); print s } }'
        echo
        [ -n "$FLOOR" ] && { echo "$FLOOR."; echo; }
        echo "Runs: n=$(meta n) rounds (+$(meta warm) warm-up), interleaved and rotated; throughput $(meta workers) workers x $(meta per_worker) lifecycles x $(meta trounds) rounds; RSS $(meta rss_k) samples. Load average at the start: $(meta load_start), at the end: $(meta load_end)."
        [ "$(meta hid_unified)" = 1 ] && echo "cgroup2 at /sys/fs/cgroup/unified (hugetlb) was hidden in a private mount namespace: all runtimes used cgroup v1."
        if [ ${#TARGETS[@]} -gt 0 ]; then
            echo
            echo "Targets (issue 16):"
            printf -- '- %s\n' "${TARGETS[@]}"
        fi
    } >"$MD"
    echo "wrote $MD"
fi

# ---- chart: latency medians (grouped bars) and throughput
if [ -n "$PLOT" ]; then
    command -v gnuplot >/dev/null || { echo "bench-report: no gnuplot, no chart" >&2; exit 0; }
    dat=$(mktemp /tmp/aisbx-bench-plot.XXXXXX)
    trap 'rm -f "$dat" "$dat.tp"' EXIT
    {
        printf 'metric'; printf ' "%s"' "${NAMES[@]}"; echo
        for r in "lc.total|lifecycle" "lc.create|create" "lc.start|start" "lc.delete|delete" "run|run" "sc.total|lifecycle+profile" "ver|startup"; do
            IFS='|' read -r key label <<<"$r"
            [ -s "$D/$key.0" ] || continue
            printf '"%s"' "$label"
            for i in "${!NAMES[@]}"; do m=$(med "$key" "$i"); printf ' %s' "${m/-/0}"; done
            echo
        done
    } >"$dat"
    {
        printf 'metric'; printf ' "%s"' "${NAMES[@]}"; echo
        printf '"%s workers"' "${W:-2}"
        for i in "${!NAMES[@]}"; do m=$(med tp "$i"); printf ' %s' "${m/-/0}"; done
        echo
    } >"$dat.tp"
    case $PLOT in
        *.svg) term="svg size 1000,420 dynamic font 'sans,11'" ;;
        *) term="pngcairo size 1000,420 font 'sans,10'" ;;
    esac
    gnuplot <<EOG || { echo "bench-report: gnuplot failed" >&2; exit 1; }
set terminal $term noenhanced
set output '$PLOT'
set multiplot title "aisbx, crun, runc: medians of $(meta n) rounds (busybox $(meta cmd); $(meta host))"
set tmargin 4
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set key top left
set grid ytics
set yrange [0:*]
set size 0.74,1
set origin 0,0
set title 'latency (ms, lower is better)'
set xtics rotate by -20
plot for [c=2:$((NRT + 1))] '$dat' using c:xtic(1) title columnheader(c)
set size 0.26,1
set origin 0.74,0
set title 'containers/s (higher is better)'
unset key
set xtics norotate
plot for [c=2:$((NRT + 1))] '$dat.tp' using c:xtic(1) title columnheader(c)
unset multiplot
EOG
    echo "wrote $PLOT"
fi
