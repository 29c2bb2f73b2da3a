#!/bin/bash
# Lint: clang-format over every C file, plus the layering rules.
#   cmd/ -> runtime/ -> specs/, never back up; cmd/ includes only
#   runtime/container.h and the base headers; yajl only inside specs/.
#   Inside runtime/, who may include whom (the table below, README "Layout").
#   The pure overlay files include no system interface headers.
#   No function prototype in a .c file (a .c file never declares another
#   file's function: that is what headers are for).
# hack/lint.sh [ROOT]   (ROOT defaults to the repo; LINT_SKIP_FORMAT=1 skips
# clang-format, for hack/lint-test.sh)
set -u
cd "${1:-$(dirname "$0")/..}" || exit 2
fail=0
bad() { echo "lint: $*"; fail=1; }

if [ "${LINT_SKIP_FORMAT:-0}" != 1 ]; then
    files=$(git ls-files '*.c' '*.h' 2>/dev/null; git ls-files -o --exclude-standard '*.c' '*.h' 2>/dev/null)
    [ -n "$files" ] || files=$(find cmd runtime specs tests -name '*.[ch]')
    for f in $(printf '%s\n' $files | sort -u); do
        [ -e "$f" ] || continue
        clang-format --dry-run -Werror "$f" >/dev/null 2>&1 ||
            bad "$f is not clang-formatted (run: clang-format -i $f)"
    done
fi

# --- cmd/ -> runtime/ -> specs/ -------------------------------------------------
for f in $(grep -lE '#include "(cmd|runtime)/' specs/*.[ch] 2>/dev/null); do
    bad "$f: specs/ must not include cmd/ or runtime/"
done
for f in $(grep -rlE '#include "cmd/' runtime 2>/dev/null); do
    bad "$f: runtime/ must not include cmd/"
done
for f in $(grep -rlE '#include <yajl' cmd runtime 2>/dev/null); do
    bad "$f: yajl is only used inside specs/"
done
base='container|log|fd_util|fault|cap_names'
grep -HoE '#include "runtime/[^"]*"' cmd/*.[ch] 2>/dev/null |
    grep -vE "\"runtime/($base)\.h\"" | while IFS= read -r l; do
    echo "lint: ${l%%:*}: cmd/ includes only runtime/container.h and the base headers (${l#*:})"
done | grep . && fail=1

# --- inside runtime/: who may include whom ------------------------------------------
# A file may always include its own folder, the base headers (runtime/*.h)
# and specs/. Beyond that:
declare -A may=(
    [lifecycle]="launch overlay cgroup seccomp kernel rootfs"
    [launch]="rootfs kernel seccomp cgroup overlay"
    [rootfs]="cgroup kernel"
    [kernel]=""
    [cgroup]=""
    [seccomp]=""
    [overlay]=""
)
for d in "${!may[@]}"; do
    [ -d "runtime/$d" ] || continue
    for f in runtime/"$d"/*.[ch]; do
        [ -e "$f" ] || continue
        for to in $(grep -oE '#include "runtime/[a-z_]+/' "$f" | cut -d/ -f2 | sort -u); do
            [ "$to" = "$d" ] && continue
            [[ " ${may[$d]} " == *" $to "* ]] || bad "$f: runtime/$d/ may not include runtime/$to/"
        done
    done
done
for f in runtime/*.[ch]; do
    [ -e "$f" ] || continue
    grep -qE '#include "runtime/[a-z_]+/' "$f" && [ "$f" != runtime/container.h ] &&
        bad "$f: a base file includes only other base headers"
done
# A folder's *_internal.h belongs to that folder (and tests/).
for h in runtime/*/*_internal.h; do
    [ -e "$h" ] || continue
    d=$(basename "$(dirname "$h")")
    for f in $(grep -rlF "#include \"$h\"" cmd runtime 2>/dev/null); do
        [[ $f == runtime/$d/* ]] || bad "$f: $h is internal to runtime/$d/"
    done
done

# --- the pure overlay: no syscalls, no I/O ------------------------------------------
pure="overlay.c overlay_linux.c overlay_mounts.c overlay_namespaces.c overlay_paths.c
      overlay_process.c overlay_resources.c overlay_util.c overlay_userns.c overlay.h overlay_internal.h overlay_paths.h"
allowed='errno|inttypes|stdarg|stdbool|stddef|stdint|stdio|stdlib|string'
for n in $pure; do
    f=runtime/overlay/$n
    [ -e "$f" ] || continue
    grep -HnoE '#include <[^>]+>' "$f" | grep -vE "<($allowed)\.h>" | while IFS= read -r l; do
        echo "lint: $l: the pure overlay includes no system interface header"
    done | grep . && fail=1
    grep -HnoE '#include "runtime/[^"]+"' "$f" |
        grep -vE '"runtime/(overlay/(overlay|overlay_internal|overlay_paths|overlay_facts|policy)|cap_names|userns_range)\.h"' |
        while IFS= read -r l; do echo "lint: $l: the pure overlay includes only pure headers"; done |
        grep . && fail=1
done

# --- no prototypes in .c files ---------------------------------------------------------
# A top-level statement that declares a function and ends in ';' (not static,
# not a typedef, not a macro use like COMMAND(x);).
for f in $(find cmd runtime specs -name '*.c' 2>/dev/null | sort); do
    awk -v f="$f" '
        /^#/ { next }
        depth == 0 && stmt == "" && /^[ \t]*$/ { next }
        {
            line = $0
            if (depth == 0) { stmt = stmt " " line; if (start == 0) start = NR }
            n = gsub(/\{/, "{", line); m = gsub(/\}/, "}", line)
            opened = depth
            depth += n - m
            if (opened == 0 && depth == 0) {
                if (stmt ~ /\)[ \t]*(__attribute__\(\(.*\)\))?[ \t]*;[ \t]*$/ && stmt ~ /^[ \t]*[A-Za-z_]/ &&
                    stmt !~ /^[ \t]*(static|typedef|extern)/ && stmt !~ /=/ && stmt !~ /^[ \t]*[A-Z_]+\(/ &&
                    stmt ~ /[A-Za-z_0-9]+[ \t*]+\**[A-Za-z_][A-Za-z_0-9]*\(/)
                    printf "lint: %s:%d: a function prototype in a .c file (declare it in a header)\n", f, start
                if (stmt ~ /[;}][ \t]*$/) { stmt = ""; start = 0 }
            } else if (depth == 0) { stmt = ""; start = 0 }
        }' "$f"
done | grep . && fail=1

# --- polling tests poll --------------------------------------------------------------------
# `wait_until N test "$(cmd)" = x` (or `grep x <(cmd)`) expands cmd once, before wait_until runs, so
# it polls a frozen value: a slow state change fails after N seconds although it
# happened. The condition must be a command wait_until runs each time.
grep -nE '(wait_until[ \t]+[0-9]+|wait_for)[ \t][^#'"'"']*(<\(|\$\([^(])' $(find integration hack -name '*.bats' -o -name '*.bash' 2>/dev/null | sort) \
    2>/dev/null | while IFS= read -r l; do
    echo "lint: $l: the polled condition is expanded once; pass a function (or eval '...') it can re-run"
done | grep . && fail=1

[ $fail -eq 0 ] && echo "lint: ok"
exit $fail
