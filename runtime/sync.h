// clang-format off
/* The parent/child sync protocol between `aisbx create` (or `exec`) and the
 * process it clones. One SOCK_SEQPACKET socketpair; each message is a
 * struct sync_msg. Every step of the child can fail with SYNC_ERROR, whose
 * text becomes the create/exec error the engine shows.
 *
 * | step | from   | message         | meaning                                  | answer          |
 * |------|--------|-----------------|------------------------------------------|-----------------|
 * | 1    | parent | SYNC_GO         | id mappings written, cgroup joined,      | -               |
 * |      |        |                 | oom_score_adj set; value = child's pid   |                 |
 * |      |        |                 | on the host (its pid ns hides it)        |                 |
 * | 2    | child  | SYNC_HOOKS      | mounts done, before pivot_root: run the  | SYNC_HOOKS_DONE |
 * |      |        |                 | prestart + createRuntime hooks (sent     |                 |
 * |      |        |                 | only when the config has any)            |                 |
 * | 3    | child  | SYNC_READY      | set up; next it blocks on exec.fifo:     | -               |
 * |      |        |                 | the parent writes pid file + state, exits|                 |
 * | any  | child  | SYNC_ERROR      | text = the failure; the child exits      | -               |
 *
 * create: EOF on the socket before SYNC_READY means the child died; the
 * parent reports its exit status. exec: after SYNC_GO the child joins the
 * container and execs; EOF (the socket is close-on-exec) means execve
 * succeeded, SYNC_ERROR says why not. After `start`, the init reports
 * through exec.fifo instead (init.c, start.c). */
// clang-format on
#ifndef AISBX_RUNTIME_SYNC_H
#define AISBX_RUNTIME_SYNC_H

#include <stdint.h>

#include "specs/error.h"

enum sync_type {
    SYNC_GO = 1,
    SYNC_HOOKS,
    SYNC_HOOKS_DONE,
    SYNC_READY,
    SYNC_ERROR,
};

struct sync_msg {
    uint32_t type;
    int32_t value;
    char text[4088];
};

int sync_pair(int fds[2], aisbx_error **err);
int sync_send(int fd, enum sync_type type, int32_t value, const char *text, aisbx_error **err);
/* Returns 0 with *msg filled, 1 on EOF, -1 on error. */
int sync_recv(int fd, struct sync_msg *msg, aisbx_error **err);
/* Receives and requires a given type; EOF or SYNC_ERROR become errors. */
int sync_expect(int fd, enum sync_type type, struct sync_msg *msg, aisbx_error **err);
/* Child side: reports err (or text) to the parent and exits. */
__attribute__((noreturn)) void sync_fail(int fd, aisbx_error *err);

#endif
