/* process.terminal: a pty whose master goes to the engine over
 * --console-socket (SCM_RIGHTS, as runc does) and whose slave becomes the
 * container process's controlling terminal and stdio. */
#ifndef AISBX_RUNTIME_CONSOLE_H
#define AISBX_RUNTIME_CONSOLE_H

#include "specs/error.h"

/* A new pty: *master is O_RDWR|O_NOCTTY|O_CLOEXEC, *slave_path "/dev/pts/N". */
int console_open_pty(int *master, char **slave_path, aisbx_error **err);
/* Sends the master over sock, the engine's --console-socket, with the name
 * "/dev/ptmx" as data (runc: utils.SendFd(socket, pty.Name(), pty.Fd())).
 * create and exec connect it (fd_connect_unix) while the host path is still
 * reachable; the container's init / exec process sends from inside. */
int console_send_master(int sock, int master, aisbx_error **err);
/* Before create does anything: the path exists and is a socket. */
int console_check_socket(const char *socket_path, aisbx_error **err);
/* In the forked child, before exec: setsid, open the slave (not CLOEXEC),
 * make it the controlling terminal, dup2 onto 0, 1, 2. */
int console_make_controlling(const char *slave_path, aisbx_error **err);
/* TIOCSWINSZ; height = rows, width = columns. */
int console_set_size(int fd, unsigned height, unsigned width, aisbx_error **err);

#endif
