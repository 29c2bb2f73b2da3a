#!/usr/bin/env python3
"""Swaps two paths atomically (renameat2 RENAME_EXCHANGE) in a tight loop,
as a container writing to a shared volume would, until killed.
    swap.py PATH_A PATH_B"""
import ctypes
import sys

libc = ctypes.CDLL(None, use_errno=True)
RENAME_EXCHANGE = 2
AT_FDCWD = -100
a, b = sys.argv[1].encode(), sys.argv[2].encode()
while True:
    if libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) != 0:
        sys.exit("renameat2: errno %d" % ctypes.get_errno())
