#!/bin/sh
# Builds test_rootfs from this module's sources only (the tree is shared).
set -e
cd /work/main
B=build-rootfs
FL="-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-unused-parameter -I. -g ${SANFLAGS}"
SRC="runtime/resolve_in_root.c runtime/mount_options.c runtime/rootfs_prepare.c runtime/mounts.c runtime/devices.c runtime/pivot.c runtime/masked_paths.c runtime/sysctl.c"
OBJS=""
for f in $SRC; do o=$B/$(basename $f .c).o; cc $FL -c $f -o $o; OBJS="$OBJS $o"; done
# other people's files: built without -Werror (they may #define _GNU_SOURCE themselves)
for f in specs/error.c runtime/log.c; do o=$B/x_$(basename $f .c).o; cc -std=c11 -D_GNU_SOURCE -I. -g ${SANFLAGS} -w -c $f -o $o; OBJS="$OBJS $o"; done
cc $FL -o $B/test_rootfs tests/test_rootfs.c $OBJS -lcmocka
