#!/usr/bin/env python3
"""A minimal seccomp agent for the NOTIFY test: listens on a unix socket,
receives one listener fd with SCM_RIGHTS plus the containerProcessState
JSON, records the JSON and whether the fd is a real seccomp listener
(anon_inode:seccomp notify), then closes it: notified syscalls then fail
with ENOSYS in the container."""
import array, os, socket, sys

path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(1)
open(out + ".ready", "w").close()
c, _ = s.accept()
fds = array.array("i")
msg, anc, _, _ = c.recvmsg(65536, socket.CMSG_LEN(4 * fds.itemsize))
for level, typ, data in anc:
    if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
        fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
with open(out, "w") as f:
    f.write(msg.decode() + "\n")
    for fd in fds:
        f.write("fd " + os.readlink("/proc/self/fd/%d" % fd) + "\n")
        os.close(fd)
