// clang-format off
/* The protocol between `aisbx create` (or `exec`) and the process it
 * clones, on two channels.
 *
 * 1. The sync socket: one SOCK_SEQPACKET socketpair (close-on-exec); each
 *    record is one struct sync_msg, header plus a NUL-terminated text of at
 *    most SYNC_TEXT_MAX bytes (longer text is cut). Any step of the child
 *    can fail with SYNC_ERROR: value = the errnum, text = the whole message
 *    (strerror included), which sync_error_from turns back into the same
 *    error the child had, for the engine to show.
 *
 * create (init.c <-> create.c):
 * | step | from   | message         | meaning                                  | answer          |
 * |------|--------|-----------------|------------------------------------------|-----------------|
 * | 0    | child  | SYNC_JOINED     | v1 cgroupfs: it moved itself into the    | -               |
 * |      |        |                 | cgroup (cgroup_self_join; sent only then)|                 |
 * | 1    | parent | SYNC_GO         | id mappings written, cgroup joined,      | -               |
 * |      |        |                 | oom_score_adj set; value = child's pid   |                 |
 * |      |        |                 | on the host (its pid ns hides it)        |                 |
 * | 2    | child  | SYNC_HOOKS      | mounts done, before pivot_root: run the  | SYNC_HOOKS_DONE |
 * |      |        |                 | prestart + createRuntime hooks (sent     |                 |
 * |      |        |                 | only when the config has any)            |                 |
 * | 3    | child  | SYNC_READY      | set up; value = its pid; next it waits   | -               |
 * |      |        |                 | for `start` (channel 2): the parent      |                 |
 * |      |        |                 | writes pid file + state and exits        |                 |
 * | any  | child  | SYNC_ERROR      | value = errnum, text = the failure; the  | -               |
 * |      |        |                 | child exits                              |                 |
 * EOF before SYNC_READY: the child died; create reports its exit status.
 * Any other type is refused.
 *
 * exec (exec.c, both children on the same socket):
 * | step | from         | message     | meaning                               | answer        |
 * |------|--------------|-------------|---------------------------------------|---------------|
 * | 0    | intermediate | SYNC_JOINED | v1 cgroupfs: it moved itself into the | -             |
 * |      |              |             | cgroup (cgroup_self_join; sent only   |               |
 * |      |              |             | then; v2: born in it, nothing sent)   |               |
 * | 1    | parent       | SYNC_GO     | the intermediate is in the cgroup     | -             |
 * | 2    | intermediate | SYNC_READY  | namespaces joined, exec process       | -             |
 * |      |              |             | forked; value = its host pid; then it |               |
 * |      |              |             | exits                                 |               |
 * | 3    | parent       | SYNC_GO     | value = the exec process's host pid   | -             |
 * | 4    | exec process | EOF         | it exec'd: the socket is              | -             |
 * |      |              |             | close-on-exec                         |               |
 * | any  | child        | SYNC_ERROR  | value = errnum, text = the failure    | -             |
 * EOF at step 0 or 2 means the intermediate died; any other type is refused.
 * EOF at step 4 comes with the runtime's execve of the sealed stub
 * (sealed_exec.h): a failing execve of the program in the stub shows only
 * as the process's exit status 126/127.
 *
 * 2. exec.fifo, after SYNC_READY (create's init <-> `start`): a named FIFO
 *    in the state dir, raw bytes (the freestanding stub,
 *    runtime/stub/exec_stub.c, cannot build a struct sync_msg), one writer:
 * | order | from | bytes          | meaning                                           |
 * |-------|------|----------------|---------------------------------------------------|
 * | 1     | init | (open for      | blocks until `start` opens the read end           |
 * |       |      |  writing)      |                                                   |
 * | 2     | init | "0"            | released: the startContainer hooks and the execve |
 * |       |      |                | of the program follow                             |
 * | 3a    | init | EOF            | the program was exec'd (the fifo is close-on-exec)|
 * | 3b    | init | text, then EOF | a hook or the execve failed: the text (no newline,|
 * |       |      |                | no errnum; the stub writes at most 511 bytes) is  |
 * |       |      |                | the error `start` reports; the init exits         |
 * EOF before "0": the init died before it was released. `start` reads with
 * sync_fifo_collect, at most SYNC_FIFO_TEXT_MAX bytes of text. */
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
    SYNC_JOINED,
    SYNC_LAST = SYNC_JOINED, /* sync_recv refuses any type past it */
};

struct sync_msg {
    uint32_t type;
    int32_t value;
    char text[4088];
};

/* Longest text a record carries (the rest of the field is its NUL). */
#define SYNC_TEXT_MAX (sizeof(((struct sync_msg *)0)->text) - 1)
/* Longest error text `start` takes from exec.fifo. */
#define SYNC_FIFO_TEXT_MAX 4095

int sync_pair(int fds[2], aisbx_error **err);
int sync_send(int fd, enum sync_type type, int32_t value, const char *text, aisbx_error **err);
/* Returns 0 with *msg filled, 1 on EOF, -1 on error (a record shorter than
 * the header, longer than struct sync_msg or of an unknown type is one). */
int sync_recv(int fd, struct sync_msg *msg, aisbx_error **err);
/* Receives and requires a given type; EOF, SYNC_ERROR (via sync_error_from)
 * or another type become errors. */
int sync_expect(int fd, enum sync_type type, struct sync_msg *msg, aisbx_error **err);
/* The error a SYNC_ERROR record carries: errnum m->value, text m->text
 * verbatim (it already holds the child's strerror). Returns -1. */
int sync_error_from(const struct sync_msg *m, aisbx_error **err);
/* Child side: reports err (or text) to the parent and exits. */
__attribute__((noreturn)) void sync_fail(int fd, aisbx_error *err);

/* `start`: reads exec.fifo's read end to its end (channel 2 above). 0 when
 * "0" then EOF came (the program runs); -1 with the init's text, or with
 * "container init exited before start" on EOF before "0". Blocks until the
 * writer writes or leaves: a fifo no writer has opened yet would block
 * forever, so `start` first polls it with a liveness check. */
int sync_fifo_collect(int fd, aisbx_error **err);

#endif
