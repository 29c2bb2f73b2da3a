/* runtime/sync.h: both ends of the sync socket in one process (and a
 * forked child where the protocol needs a process to die or exec), and the
 * exec.fifo reader `start` uses, on pipes and on a real FIFO. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/launch/sync.h"

struct pair {
    int fd[2]; /* [0] parent, [1] child, as create.c and exec.c use them */
};

static int setup(void **state)
{
    struct pair *p = calloc(1, sizeof(*p));
    aisbx_error *e = NULL;
    if (!p || sync_pair(p->fd, &e) < 0) {
        aisbx_error_free(&e);
        free(p);
        return -1;
    }
    *state = p;
    return 0;
}

static int teardown(void **state)
{
    struct pair *p = *state;
    for (int i = 0; i < 2; i++)
        if (p->fd[i] >= 0)
            close(p->fd[i]);
    free(p);
    return 0;
}

static void close_child_end(struct pair *p)
{
    close(p->fd[1]);
    p->fd[1] = -1;
}

static void test_round_trip(void **state)
{
    struct pair *p = *state;
    static const struct {
        enum sync_type type;
        int32_t value;
        const char *text;
    } msgs[] = {
        {SYNC_GO, 4242, NULL},
        {SYNC_HOOKS, 0, NULL},
        {SYNC_HOOKS_DONE, 0, NULL},
        {SYNC_READY, 1, NULL},
        {SYNC_ERROR, EPERM, "mount /proc: Operation not permitted"},
        {SYNC_GO, -1, "a text"},
        {SYNC_READY, INT32_MAX, ""},
    };
    for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
        struct sync_msg m;
        aisbx_error *e = NULL;
        /* Both directions: the parent sends GO and HOOKS_DONE, the child the rest. */
        int from = i % 2, to = 1 - from;
        assert_int_equal(sync_send(p->fd[from], msgs[i].type, msgs[i].value, msgs[i].text, &e), 0);
        assert_int_equal(sync_recv(p->fd[to], &m, &e), 0);
        assert_null(e);
        assert_int_equal(m.type, msgs[i].type);
        assert_int_equal(m.value, msgs[i].value);
        assert_string_equal(m.text, msgs[i].text ? msgs[i].text : "");
    }
    /* sync_expect returns the record it wanted. */
    struct sync_msg m;
    aisbx_error *e = NULL;
    assert_int_equal(sync_send(p->fd[0], SYNC_GO, 77, NULL, &e), 0);
    assert_int_equal(sync_expect(p->fd[1], SYNC_GO, &m, &e), 0);
    assert_int_equal(m.value, 77);
}

/* The child's error arrives with its errnum and its text unchanged: no
 * second strerror, nothing dropped. */
static void test_error_errno(void **state)
{
    struct pair *p = *state;
    aisbx_error *child = NULL, *e = NULL;
    struct sync_msg m;
    aisbx_error_make(&child, ENOENT, "open %s", "/nonexistent");
    assert_string_equal(child->msg, "open /nonexistent: No such file or directory");
    assert_int_equal(sync_send(p->fd[1], SYNC_ERROR, child->errnum, child->msg, &e), 0);
    assert_int_equal(sync_recv(p->fd[0], &m, &e), 0);
    assert_int_equal(sync_error_from(&m, &e), -1);
    assert_int_equal(e->errnum, ENOENT);
    assert_string_equal(e->msg, child->msg);
    aisbx_error_free(&e);

    /* sync_expect too, whatever type it waited for. */
    assert_int_equal(sync_send(p->fd[1], SYNC_ERROR, EACCES, "x: Permission denied", &e), 0);
    assert_int_equal(sync_expect(p->fd[0], SYNC_READY, &m, &e), -1);
    assert_int_equal(e->errnum, EACCES);
    assert_string_equal(e->msg, "x: Permission denied");
    aisbx_error_free(&e);
    aisbx_error_free(&child);

    /* errnum 0 stays 0 (not a system error). */
    assert_int_equal(sync_send(p->fd[1], SYNC_ERROR, 0, "policy says no", &e), 0);
    assert_int_equal(sync_recv(p->fd[0], &m, &e), 0);
    assert_int_equal(sync_error_from(&m, &e), -1);
    assert_int_equal(e->errnum, 0);
    assert_string_equal(e->msg, "policy says no");
    aisbx_error_free(&e);
}

/* sync_fail in a real child: the record, then the child's exit. */
static void test_sync_fail_child(void **state)
{
    struct pair *p = *state;
    struct sync_msg m;
    aisbx_error *e = NULL;
    int status;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        aisbx_error *err = NULL;
        close(p->fd[0]);
        aisbx_error_make(&err, EBUSY, "mount %s", "/sys");
        sync_fail(p->fd[1], err);
    }
    close_child_end(p);
    assert_int_equal(sync_recv(p->fd[0], &m, &e), 0);
    assert_int_equal(m.type, SYNC_ERROR);
    assert_int_equal(sync_error_from(&m, &e), -1);
    assert_int_equal(e->errnum, EBUSY);
    assert_string_equal(e->msg, "mount /sys: Device or resource busy");
    aisbx_error_free(&e);
    assert_int_equal(sync_recv(p->fd[0], &m, &e), 1); /* then EOF */
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 1);
}

static void test_truncation(void **state)
{
    struct pair *p = *state;
    struct sync_msg m;
    aisbx_error *e = NULL;
    char *big = malloc(SYNC_TEXT_MAX + 100);
    assert_non_null(big);
    memset(big, 'a', SYNC_TEXT_MAX + 99);
    big[SYNC_TEXT_MAX + 99] = '\0';
    assert_int_equal(SYNC_TEXT_MAX, 4087);
    assert_int_equal(sizeof(struct sync_msg), 4096);
    assert_int_equal(sync_send(p->fd[1], SYNC_ERROR, 5, big, &e), 0);
    assert_int_equal(sync_recv(p->fd[0], &m, &e), 0);
    assert_int_equal(strlen(m.text), SYNC_TEXT_MAX);
    assert_memory_equal(m.text, big, SYNC_TEXT_MAX);
    /* exactly at the limit: nothing lost */
    big[SYNC_TEXT_MAX] = '\0';
    big[SYNC_TEXT_MAX - 1] = 'z';
    assert_int_equal(sync_send(p->fd[1], SYNC_ERROR, 5, big, &e), 0);
    assert_int_equal(sync_recv(p->fd[0], &m, &e), 0);
    assert_string_equal(m.text, big);
    free(big);
}

static void test_malformed(void **state)
{
    struct pair *p = *state;
    struct sync_msg m;
    struct {
        const char *what;
        size_t len;
        uint32_t type;
    } bad[] = {
        {"empty header", 1, SYNC_GO},
        {"short header", offsetof(struct sync_msg, text) - 1, SYNC_GO},
        {"type 0", offsetof(struct sync_msg, text), 0},
        {"type past the enum", offsetof(struct sync_msg, text), SYNC_LAST + 1},
        {"type huge", offsetof(struct sync_msg, text) + 3, 0xffffffffu},
        {"longer than a record", sizeof(struct sync_msg) + 1, SYNC_GO},
    };
    char *buf = calloc(1, sizeof(struct sync_msg) + 64);
    assert_non_null(buf);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        aisbx_error *e = NULL;
        print_message("%s\n", bad[i].what);
        memset(buf, 'x', sizeof(struct sync_msg) + 64);
        memcpy(buf, &bad[i].type, sizeof(uint32_t));
        assert_int_equal(send(p->fd[1], buf, bad[i].len, 0), (ssize_t)bad[i].len);
        assert_int_equal(sync_recv(p->fd[0], &m, &e), -1);
        assert_string_equal(e->msg, "sync: malformed message");
        aisbx_error_free(&e);
    }
    /* A header-only record is fine (empty text), and a text with no NUL
     * still comes out terminated. */
    aisbx_error *e = NULL;
    memset(buf, 'x', sizeof(struct sync_msg));
    uint32_t t = SYNC_READY;
    memcpy(buf, &t, sizeof(t));
    assert_int_equal(send(p->fd[1], buf, sizeof(struct sync_msg), 0),
                     (ssize_t)sizeof(struct sync_msg));
    assert_int_equal(sync_recv(p->fd[0], &m, &e), 0);
    assert_int_equal(strlen(m.text), SYNC_TEXT_MAX);
    assert_int_equal(send(p->fd[1], buf, offsetof(struct sync_msg, text) + 5, 0),
                     (ssize_t)offsetof(struct sync_msg, text) + 5);
    assert_int_equal(sync_recv(p->fd[0], &m, &e), 0);
    assert_string_equal(m.text, "xxxxx");
    free(buf);
}

static void test_unexpected_type(void **state)
{
    struct pair *p = *state;
    struct sync_msg m;
    aisbx_error *e = NULL;
    assert_int_equal(sync_send(p->fd[1], SYNC_HOOKS, 0, NULL, &e), 0);
    assert_int_equal(sync_expect(p->fd[0], SYNC_READY, &m, &e), -1);
    assert_string_equal(e->msg, "sync: expected ready, got hooks");
    assert_int_equal(e->errnum, 0);
    aisbx_error_free(&e);
    assert_int_equal(sync_send(p->fd[0], SYNC_HOOKS_DONE, 0, NULL, &e), 0);
    assert_int_equal(sync_expect(p->fd[1], SYNC_GO, &m, &e), -1);
    assert_string_equal(e->msg, "sync: expected go, got hooks-done");
    aisbx_error_free(&e);
}

static void test_eof_before_ready(void **state)
{
    struct pair *p = *state;
    struct sync_msg m;
    aisbx_error *e = NULL;
    assert_int_equal(sync_send(p->fd[1], SYNC_HOOKS, 0, NULL, &e), 0);
    close_child_end(p);
    assert_int_equal(sync_recv(p->fd[0], &m, &e), 0); /* what was sent still arrives */
    assert_int_equal(m.type, SYNC_HOOKS);
    assert_int_equal(sync_recv(p->fd[0], &m, &e), 1);
    assert_null(e);
    assert_int_equal(sync_expect(p->fd[0], SYNC_READY, &m, &e), -1);
    assert_string_equal(e->msg, "sync: peer exited before ready");
    aisbx_error_free(&e);
    /* a send to a gone peer is an error, not a SIGPIPE */
    assert_int_equal(sync_send(p->fd[0], SYNC_GO, 1, NULL, &e), -1);
    assert_int_equal(e->errnum, EPIPE);
    aisbx_error_free(&e);
}

/* exec's success signal: the socket is close-on-exec, so a child that
 * execs closes it and the parent sees EOF with nothing before it. */
static void test_eof_at_exec(void **state)
{
    struct pair *p = *state;
    struct sync_msg m;
    aisbx_error *e = NULL;
    int status;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct sync_msg gm;
        aisbx_error *ce = NULL;
        close(p->fd[0]);
        if (sync_expect(p->fd[1], SYNC_GO, &gm, &ce) < 0)
            _exit(3);
        execl("/bin/sleep", "sleep", "1", (char *)NULL);
        _exit(4);
    }
    close_child_end(p);
    assert_int_equal(sync_send(p->fd[0], SYNC_GO, pid, NULL, &e), 0);
    assert_int_equal(sync_recv(p->fd[0], &m, &e), 1);
    /* EOF came at the exec, not at the exit: the child still runs */
    assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* --- exec.fifo ------------------------------------------------------- */

/* A writer child: writes each chunk, then exits. */
static pid_t fifo_writer(int wfd, const char *const *chunks, size_t n)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(chunks[i]);
        if (write(wfd, chunks[i], len) != (ssize_t)len)
            _exit(2);
        usleep(10000); /* let the reader see the chunks apart */
    }
    _exit(0);
}

static int collect_from(const char *const *chunks, size_t n, aisbx_error **err)
{
    int fds[2], status;
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -100;
    pid_t pid = fifo_writer(fds[1], chunks, n);
    close(fds[1]);
    int r = sync_fifo_collect(fds[0], err);
    close(fds[0]);
    waitpid(pid, &status, 0);
    return r;
}

static void test_fifo_released(void **state)
{
    aisbx_error *e = NULL;
    const char *const ok[] = {"0"};
    assert_int_equal(collect_from(ok, 1, &e), 0);
    assert_null(e);
}

static void test_fifo_error_text(void **state)
{
    aisbx_error *e = NULL;
    const char *const one[] = {"0some error"};
    assert_int_equal(collect_from(one, 1, &e), -1);
    assert_string_equal(e->msg, "some error");
    assert_int_equal(e->errnum, 0);
    aisbx_error_free(&e);
    /* the stub's shape: "0" at release, the text later, in pieces */
    const char *const parts[] = {"0", "startContainer hook #0 (/bin/false)",
                                 " failed: ", "exit status 1"};
    assert_int_equal(collect_from(parts, 4, &e), -1);
    assert_string_equal(e->msg, "startContainer hook #0 (/bin/false) failed: exit status 1");
    aisbx_error_free(&e);
    /* no release byte: the whole text is the error */
    const char *const bare[] = {"exec /x: errno 2"};
    assert_int_equal(collect_from(bare, 1, &e), -1);
    assert_string_equal(e->msg, "exec /x: errno 2");
    aisbx_error_free(&e);
}

static void test_fifo_immediate_eof(void **state)
{
    aisbx_error *e = NULL;
    assert_int_equal(collect_from(NULL, 0, &e), -1);
    assert_string_equal(e->msg, "container init exited before start");
    aisbx_error_free(&e);
}

static void test_fifo_text_limit(void **state)
{
    aisbx_error *e = NULL;
    char *big = malloc(SYNC_FIFO_TEXT_MAX + 501);
    assert_non_null(big);
    big[0] = '0';
    memset(big + 1, 'b', SYNC_FIFO_TEXT_MAX + 499);
    big[SYNC_FIFO_TEXT_MAX + 500] = '\0';
    const char *const chunks[] = {big};
    assert_int_equal(collect_from(chunks, 1, &e), -1);
    assert_int_equal(strlen(e->msg), SYNC_FIFO_TEXT_MAX);
    assert_memory_equal(e->msg, big + 1, SYNC_FIFO_TEXT_MAX);
    aisbx_error_free(&e);
    free(big);
}

/* A real FIFO opened as `start` opens it (O_NONBLOCK read end first), the
 * writer opening it afterwards as the init does. */
static void test_fifo_named(void **state)
{
    char dir[] = "/tmp/aisbx-test-sync.XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/exec.fifo", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    for (int round = 0; round < 2; round++) {
        aisbx_error *e = NULL;
        int status;
        int rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        assert_true(rfd >= 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            int wfd = open(path, O_WRONLY | O_CLOEXEC);
            if (wfd < 0 || write(wfd, "0", 1) != 1)
                _exit(2);
            usleep(20000);
            if (round == 1 && write(wfd, "exec /bin/nope: errno 2", 23) != 23)
                _exit(2);
            /* round 0: the exec closes it (close-on-exec) */
            if (round == 0)
                execl("/bin/true", "true", (char *)NULL);
            _exit(127);
        }
        int r = sync_fifo_collect(rfd, &e);
        close(rfd);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (round == 0) {
            assert_int_equal(r, 0);
            assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        } else {
            assert_int_equal(r, -1);
            assert_string_equal(e->msg, "exec /bin/nope: errno 2");
            aisbx_error_free(&e);
        }
    }
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_errno, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sync_fail_child, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unexpected_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eof_before_ready, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eof_at_exec, setup, teardown),
        cmocka_unit_test(test_fifo_released),
        cmocka_unit_test(test_fifo_error_text),
        cmocka_unit_test(test_fifo_immediate_eof),
        cmocka_unit_test(test_fifo_text_limit),
        cmocka_unit_test(test_fifo_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
