#!/bin/bash
# clang-format check over every C file, plus the layering rule:
# cmd/ -> runtime/ -> specs/, never back up, and yajl only inside specs/.
set -u
cd "$(dirname "$0")/.."
fail=0
files=$(git ls-files '*.c' '*.h' 2>/dev/null; git ls-files -o --exclude-standard '*.c' '*.h')
files=$(printf '%s\n' $files | sort -u)
for f in $files; do
    if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
        echo "lint: $f is not clang-formatted (run: clang-format -i $f)"
        fail=1
    fi
done
if grep -lE '#include "(cmd|runtime)/' specs/*.[ch] 2>/dev/null; then
    echo "lint: specs/ must not include cmd/ or runtime/"; fail=1
fi
if grep -lE '#include "cmd/' runtime/*.[ch] 2>/dev/null; then
    echo "lint: runtime/ must not include cmd/"; fail=1
fi
if grep -lE '#include <yajl' cmd/*.[ch] runtime/*.[ch] 2>/dev/null; then
    echo "lint: yajl is only used inside specs/"; fail=1
fi
[ $fail -eq 0 ] && echo "lint: ok"
exit $fail
