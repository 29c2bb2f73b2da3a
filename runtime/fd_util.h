/* Small file-descriptor helpers shared by the lifecycle code: closing
 * everything a container must not inherit, full reads/writes, and passing
 * an fd over a unix socket (the console master, as runc does). */
#ifndef AISBX_RUNTIME_FD_UTIL_H
#define AISBX_RUNTIME_FD_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "specs/error.h"

/* Closes every fd >= 3 + preserve_fds (runc's --preserve-fds keeps fds
 * 3..3+n-1 open for the container). close_range(2) when the kernel has it,
 * else a /proc/self/fd scan. */
int fds_close_from(int preserve_fds, aisbx_error **err);
/* Returns 0, or -1 with errno set. */
int fd_set_cloexec(int fd, bool on);
/* Retries on EINTR and short writes; returns 0, or -1 with errno set. */
int write_all(int fd, const void *buf, size_t n);
/* Reads to EOF into a NUL-terminated heap buffer (*n excludes the NUL).
 * More than max bytes -> -1 with errno EFBIG. Returns 0 or -1 with errno. */
int read_all(int fd, char **buf, size_t *n, size_t max);
/* Sends fd with SCM_RIGHTS and `name` as the message data (runc's
 * utils.SendFd sends the file's name, "/dev/ptmx" for a console master).
 * Returns 0 or -1 with errno. */
int fd_send_fd(int sock, int fd, const char *name);
/* Receives one fd (made O_CLOEXEC) and, if name is non-NULL, the message
 * data as a heap string. Returns 0 or -1 with errno (EBADMSG: no fd sent). */
int fd_recv_fd(int sock, int *fd, char **name);

/* A unix stream socket connected to `path` (close-on-exec); `what` names it
 * in the error ("console socket"). */
int fd_connect_unix(const char *path, int *fd, const char *what, aisbx_error **err);

#endif
