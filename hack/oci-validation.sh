#!/bin/bash
# hack/oci-validation.sh - the OCI runtime-tools validation programs
# (validation/*/*.go of github.com/opencontainers/runtime-tools, each a TAP
# producer that runs `runtimetest` inside a container) against any runtime,
# as the README's "OCI runtime-tools validation" table was measured. Not part
# of CI: it needs a runtime-tools checkout, which this repository does not
# carry. Commit 0105384 (the one Debian 12 packages) has its vendor/ tree, so
# it builds offline with Debian's Go 1.19.
#
#   hack/oci-validation.sh --src DIR [--out DIR] RUNTIME [NAME ...]
#
#   --src   a runtime-tools checkout; `make runtimetest validation-executables`
#           is run there when the programs are missing.
#   --out   where the TAP files go (default /tmp/oci-validation.<runtime name>).
#   NAME    validation programs to run (default: all), e.g. hooks_stdin.
#
# Each program runs under a 120 s timeout. Prints, per program, the outer
# "ok"/"not ok" counts, then `oci-validation: RUNTIME programs=N clean=N`
# (clean: no "not ok" line at all).
set -uo pipefail

die() { echo "oci-validation: $*" >&2; exit 1; }
src='' out=''
while [ $# -gt 0 ]; do
    case $1 in
    --src) src=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) break ;;
    esac
done
[ $# -ge 1 ] || die "usage: $0 --src DIR [--out DIR] RUNTIME [NAME ...]"
rt=$(command -v "$1") || die "runtime $1 not found"
rt=$(readlink -f "$rt")
shift
[ "$(id -u)" = 0 ] || die "must run as root"
[ -d "$src/validation" ] || die "--src: no validation/ in '$src'"
src=$(readlink -f "$src")
out=${out:-/tmp/oci-validation.$(basename "$rt")}

cd "$src" || exit 1
if [ ! -x runtimetest ] || ! ls validation/*/*.t >/dev/null 2>&1; then
    command -v go >/dev/null || die "the programs are not built in $src and go is missing"
    GOFLAGS=-mod=vendor make runtimetest validation-executables >/dev/null ||
        die "building the validation programs failed"
fi

rm -rf "$out"
mkdir -p "$out"
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for t in validation/*/*.t; do names+=("$(basename "$t" .t)"); done
fi
echo "oci-validation: $rt, ${#names[@]} programs, $(date -u '+%F %T') UTC, load $(cut -d' ' -f1 /proc/loadavg)"
for n in "${names[@]}"; do
    t=validation/$n/$n.t
    [ -x "$t" ] || die "no program $t"
    RUNTIME=$rt timeout -k 5 120 "$t" >"$out/$n.tap" 2>&1 </dev/null
    rc=$?
    ok=$(grep -cE '^ok ' "$out/$n.tap")
    nok=$(grep -cE '^not ok ' "$out/$n.tap")
    printf '%-34s rc=%-3s ok=%-4s not-ok=%s\n' "$n" "$rc" "$ok" "$nok"
done | tee "$out/summary"
clean=$(awk '$2 == "rc=0" && $4 == "not-ok=0"' "$out/summary" | wc -l)
echo "oci-validation: $(basename "$rt") programs=${#names[@]} clean=$clean (TAP in $out)"
