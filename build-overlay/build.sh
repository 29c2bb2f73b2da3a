#!/bin/sh
# private build of the overlay module and its tests (SAN=1 for sanitizers)
set -e
cd /work/main
OUT=build-overlay/${SAN:+san}obj
mkdir -p $OUT
OPT="-O1 -g"
[ -n "$SAN" ] && OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
CF="-std=c11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-unused-parameter -I. $OPT $(pkg-config --cflags libseccomp yajl libcap)"
for f in specs/*.c runtime/fd_util.c runtime/policy.c runtime/overlay*.c runtime/verify.c; do
  o=$OUT/$(echo $f | tr / _ | sed 's/\.c$/.o/')
  if grep -q '^#define _GNU_SOURCE' $f; then cc $CF -c $f -o $o; else cc $CF -D_GNU_SOURCE -c $f -o $o; fi
done
for t in test_policy test_overlay; do
  [ -f tests/$t.c ] || continue
  cc $CF -D_GNU_SOURCE tests/$t.c $OUT/*.o -o build-overlay/${SAN:+san-}$t $(pkg-config --libs libseccomp yajl libcap) -lcmocka
done
