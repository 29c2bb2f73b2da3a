/* Unit tests for the small lifecycle blocks: container ids, signal names,
 * /proc liveness, fd helpers (hooks and console: test_hooks_console.c).
 * Real processes; every temp dir and child is cleaned up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/fd_util.h"
#include "runtime/kernel/proc_info.h"
#include "runtime/kernel/signals.h"
#include "runtime/lifecycle/container_id.h"

/* ---- helpers ---------------------------------------------------------- */

static char *slurp(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    char *b = NULL;
    size_t n;
    int r = read_all(fd, &b, &n, 1 << 20);
    close(fd);
    return r < 0 ? NULL : b;
}

/* ---- container ids ---------------------------------------------------- */

static void expect_id_error(const char *id, const char *msg)
{
    aisbx_error *err = NULL;
    assert_int_equal(container_id_validate(id, &err), -1);
    assert_non_null(err);
    assert_string_equal(err->msg, msg);
    aisbx_error_free(&err);
}

static void test_id_valid(void **state)
{
    const char *ok[] = {"a", "Z", "0", "abc-DEF_1.2+3", "9..", "x-", "sha256.deadbeef"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        aisbx_error *err = NULL;
        assert_int_equal(container_id_validate(ok[i], &err), 0);
        assert_null(err);
    }
    char *max = xmalloc0(CONTAINER_ID_MAX + 1);
    memset(max, 'a', CONTAINER_ID_MAX);
    aisbx_error *err = NULL;
    assert_int_equal(container_id_validate(max, &err), 0);
    free(max);
}

static void test_id_invalid(void **state)
{
    expect_id_error("../x",
                    "invalid container id \"../x\": must match [A-Za-z0-9][A-Za-z0-9_+.-]*");
    expect_id_error("/", "invalid container id \"/\": must match [A-Za-z0-9][A-Za-z0-9_+.-]*");
    expect_id_error("a/b", "invalid container id \"a/b\": must match [A-Za-z0-9][A-Za-z0-9_+.-]*");
    expect_id_error(".", "invalid container id \".\": must match [A-Za-z0-9][A-Za-z0-9_+.-]*");
    expect_id_error("..", "invalid container id \"..\": must match [A-Za-z0-9][A-Za-z0-9_+.-]*");
    expect_id_error("-a", "invalid container id \"-a\": must match [A-Za-z0-9][A-Za-z0-9_+.-]*");
    expect_id_error("a b", "invalid container id \"a b\": must match [A-Za-z0-9][A-Za-z0-9_+.-]*");
    expect_id_error("caf\xc3\xa9",
                    "invalid container id \"caf\xc3\xa9\": must match [A-Za-z0-9][A-Za-z0-9_+.-]*");
    expect_id_error("", "container id is empty");
    expect_id_error(NULL, "container id is empty");
    char *big = xmalloc0(CONTAINER_ID_MAX + 2);
    memset(big, 'a', CONTAINER_ID_MAX + 1);
    expect_id_error(big, "container id is longer than 1024 characters");
    free(big);
}

/* ---- signals ---------------------------------------------------------- */

static int parse_sig(const char *s)
{
    int sig = -1;
    aisbx_error *err = NULL;
    if (signal_parse(s, &sig, &err) < 0) {
        aisbx_error_free(&err);
        return -1;
    }
    assert_null(err);
    return sig;
}

static void test_signal_forms(void **state)
{
    assert_int_equal(parse_sig("9"), SIGKILL);
    assert_int_equal(parse_sig("15"), SIGTERM);
    assert_int_equal(parse_sig("10"), SIGUSR1);
    assert_int_equal(parse_sig("64"), 64);
    assert_int_equal(parse_sig("KILL"), SIGKILL);
    assert_int_equal(parse_sig("SIGKILL"), SIGKILL);
    assert_int_equal(parse_sig("SIGkill"), SIGKILL);
    assert_int_equal(parse_sig("sigterm"), SIGTERM);
    assert_int_equal(parse_sig("term"), SIGTERM);
    assert_int_equal(parse_sig("HUP"), SIGHUP);
    assert_int_equal(parse_sig("winch"), SIGWINCH);
    assert_int_equal(parse_sig("SIGCHLD"), SIGCHLD);
    assert_int_equal(parse_sig("RTMIN"), SIGRTMIN);
    assert_int_equal(parse_sig("SIGRTMIN"), SIGRTMIN);
    assert_int_equal(parse_sig("RTMIN+3"), SIGRTMIN + 3);
    assert_int_equal(parse_sig("sigrtmin+1"), SIGRTMIN + 1);
    assert_int_equal(parse_sig("RTMAX"), SIGRTMAX);
    assert_int_equal(parse_sig("RTMAX-2"), SIGRTMAX - 2);
    assert_int_equal(SIGRTMIN, 34); /* glibc's, the value runc's table uses */
}

static void test_signal_errors(void **state)
{
    aisbx_error *err = NULL;
    int sig = 0;
    assert_int_equal(signal_parse("FOO", &sig, &err), -1);
    assert_string_equal(err->msg, "unknown signal \"FOO\"");
    aisbx_error_free(&err);
    assert_int_equal(signal_parse("SIGFOO", &sig, &err), -1);
    assert_string_equal(err->msg, "unknown signal \"SIGFOO\"");
    aisbx_error_free(&err);
    const char *bad[] = {"0",        "65",       "99999999999999999999",
                         "-9",       "9x",       " 9",
                         "",         "SIG",      "RTMIN+",
                         "RTMIN+31", "RTMAX-31", "RTMIN-1",
                         "RTMAX+1",  "KILLX"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(signal_parse(bad[i], &sig, &err), -1);
        assert_non_null(err);
        aisbx_error_free(&err);
    }
    assert_int_equal(signal_parse("65", &sig, &err), -1);
    assert_non_null(strstr(err->msg, "65"));
    aisbx_error_free(&err);
    assert_int_equal(parse_sig("RTMIN+30"), SIGRTMAX);
}

static void test_signal_names(void **state)
{
    assert_string_equal(signal_name(SIGKILL), "SIGKILL");
    assert_string_equal(signal_name(SIGTERM), "SIGTERM");
    assert_string_equal(signal_name(SIGCHLD), "SIGCHLD");
    assert_string_equal(signal_name(SIGIO), "SIGIO");
    assert_string_equal(signal_name(SIGRTMIN), "SIGRTMIN");
    assert_string_equal(signal_name(SIGRTMIN + 3), "SIGRTMIN+3");
    assert_string_equal(signal_name(SIGRTMAX - 1), "SIGRTMAX-1");
    assert_string_equal(signal_name(SIGRTMAX), "SIGRTMAX");
    assert_null(signal_name(0));
    assert_null(signal_name(65));
    /* Every valid number round-trips through its name. */
    for (int s = 1; s < _NSIG; s++) {
        const char *n = signal_name(s);
        assert_non_null(n);
        if (s == 32 || s == 33)
            continue; /* glibc-internal, named "SIG32"/"SIG33" */
        char *copy = xstrdup(n);
        assert_int_equal(parse_sig(copy), s);
        free(copy);
    }
}

/* ---- proc_info -------------------------------------------------------- */

static void test_proc_self(void **state)
{
    uint64_t a = 0, b = 0;
    aisbx_error *err = NULL;
    assert_int_equal(proc_start_time(getpid(), &a, &err), 0);
    assert_int_equal(proc_start_time(getpid(), &b, &err), 0);
    assert_true(a > 0);
    assert_true(a == b);
    assert_true(proc_is_alive(getpid(), a));
    assert_false(proc_is_alive(getpid(), a + 1));
    char c = 0;
    assert_int_equal(proc_state_char(getpid(), &c), 0);
    assert_int_equal(c, 'R');
    assert_false(proc_is_alive(0, a));
    assert_false(proc_is_alive(-1, a));
    assert_int_equal(proc_start_time(0, &a, &err), -1);
    aisbx_error_free(&err);
}

/* comm with ") " in it must not confuse the parser: the start time of a
 * child renamed "a) b) c" equals the one from a plain read. */
static void test_proc_tricky_comm(void **state)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        int fd = open("/proc/self/comm", O_WRONLY);
        if (fd < 0 || write(fd, "a) b) 9 9", 9) < 0)
            _exit(1);
        close(fd);
        close(p[1]);
        pause();
        _exit(0);
    }
    close(p[1]);
    char x;
    assert_int_equal(read(p[0], &x, 1), 0); /* child closed: comm is set */
    close(p[0]);
    /* Collect everything first, then kill and reap, then assert: a failed
     * assertion must not leave the child behind. */
    char *stat = xasprintf("/proc/%d/stat", pid);
    char *s = slurp(stat);
    free(stat);
    uint64_t t = 0;
    aisbx_error *err = NULL;
    int r = proc_start_time(pid, &t, &err);
    bool alive = proc_is_alive(pid, t);
    char c = 0;
    int rs = proc_state_char(pid, &c);
    uint64_t expect = 0;
    if (s) {
        /* Independent parse: field 22 counted from the end of "(a) b) 9 9)". */
        const char *q = strstr(s, "(a) b) 9 9) ");
        if (q) {
            q += strlen("(a) b) 9 9) ");
            for (int f = 3; f < 22 && q; f++) {
                q = strchr(q, ' ');
                if (q)
                    q++;
            }
            if (q)
                expect = strtoull(q, NULL, 10);
        }
    }
    free(s);
    kill(pid, SIGKILL);
    assert_int_equal(waitpid(pid, NULL, 0), pid);
    assert_int_equal(r, 0);
    assert_true(expect > 0);
    assert_true(t == expect);
    assert_true(alive);
    assert_int_equal(rs, 0);
    assert_true(c == 'S' || c == 'R');
}

static void test_proc_zombie_and_reaped(void **state)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(0);
    uint64_t t = 0;
    aisbx_error *err = NULL;
    /* Read its start time while it may still be running or already a zombie. */
    int r = proc_start_time(pid, &t, &err);
    assert_int_equal(r, 0);
    /* Wait until it is a zombie (not yet reaped). */
    char c = 0;
    for (int i = 0; i < 2000; i++) {
        assert_int_equal(proc_state_char(pid, &c), 0);
        if (c == 'Z')
            break;
        usleep(1000);
    }
    assert_int_equal(c, 'Z');
    assert_false(proc_is_alive(pid, t));
    assert_int_equal(waitpid(pid, NULL, 0), pid);
    assert_false(proc_is_alive(pid, t));
    assert_int_equal(proc_state_char(pid, &c), -1);
    assert_int_equal(proc_start_time(pid, &t, &err), -1);
    assert_non_null(err);
    assert_int_equal(err->errnum, ENOENT);
    aisbx_error_free(&err);
}

static void test_time_format(void **state)
{
    char *n = time_rfc3339_nano_now();
    char *s = time_rfc3339_now();
    /* 2026-11-25T05:39:16[.fraction]Z */
    assert_true(strlen(n) >= 20 && strlen(n) <= 30);
    assert_int_equal(n[4], '-');
    assert_int_equal(n[10], 'T');
    assert_int_equal(n[strlen(n) - 1], 'Z');
    if (strlen(n) > 20) {
        assert_int_equal(n[19], '.');
        assert_true(n[strlen(n) - 2] != '0'); /* Go trims trailing zeros */
    }
    assert_int_equal(strlen(s), 20);
    assert_int_equal(s[19], 'Z');
    struct tm tm = {0};
    assert_non_null(strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm));
    time_t back = timegm(&tm);
    assert_true(labs((long)(back - time(NULL))) <= 2);
    assert_memory_equal(n, s, 19);
    free(n);
    free(s);
}

/* ---- fd helpers ------------------------------------------------------- */

static void test_fds_close_from(void **state)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        /* Put something at 3 and 4, keep 3 (preserve 1), 4 must go. */
        if (dup2(p[1], 3) < 0 || dup2(p[1], 4) < 0 || dup2(p[1], 50) < 0)
            _exit(10);
        aisbx_error *e = NULL;
        if (fds_close_from(1, &e) < 0)
            _exit(11);
        if (fcntl(3, F_GETFD) < 0)
            _exit(12);
        if (fcntl(4, F_GETFD) >= 0 || fcntl(50, F_GETFD) >= 0)
            _exit(13);
        if (fds_close_from(-1, &e) == 0)
            _exit(14);
        _exit(0);
    }
    close(p[1]);
    close(p[0]);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_fd_misc(void **state)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(fd_set_cloexec(p[0], true), 0);
    assert_true(fcntl(p[0], F_GETFD) & FD_CLOEXEC);
    assert_int_equal(fd_set_cloexec(p[0], false), 0);
    assert_false(fcntl(p[0], F_GETFD) & FD_CLOEXEC);
    assert_int_equal(fd_set_cloexec(9999, true), -1);
    assert_int_equal(write_all(p[1], "hello", 5), 0);
    close(p[1]);
    char *b = NULL;
    size_t n = 0;
    assert_int_equal(read_all(p[0], &b, &n, 100), 0);
    assert_int_equal(n, 5);
    assert_string_equal(b, "hello");
    free(b);
    close(p[0]);
    /* Over the limit. */
    assert_int_equal(pipe(p), 0);
    assert_int_equal(write_all(p[1], "0123456789", 10), 0);
    close(p[1]);
    assert_int_equal(read_all(p[0], &b, &n, 9), -1);
    assert_int_equal(errno, EFBIG);
    close(p[0]);
    /* fd passing over a socketpair, including an empty name. */
    int sp[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
    assert_int_equal(fd_send_fd(sp[0], 0, NULL), 0);
    int got = -1;
    assert_int_equal(fd_recv_fd(sp[1], &got, NULL), 0);
    assert_true(got > 2);
    assert_true(fcntl(got, F_GETFD) & FD_CLOEXEC);
    close(got);
    /* Plain data without an fd is an error. */
    assert_int_equal(write(sp[0], "x", 1), 1);
    assert_int_equal(fd_recv_fd(sp[1], &got, NULL), -1);
    assert_int_equal(errno, EBADMSG);
    close(sp[0]);
    close(sp[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_id_valid),         cmocka_unit_test(test_id_invalid),
        cmocka_unit_test(test_signal_forms),     cmocka_unit_test(test_signal_errors),
        cmocka_unit_test(test_signal_names),     cmocka_unit_test(test_proc_self),
        cmocka_unit_test(test_proc_tricky_comm), cmocka_unit_test(test_proc_zombie_and_reaped),
        cmocka_unit_test(test_time_format),      cmocka_unit_test(test_fds_close_from),
        cmocka_unit_test(test_fd_misc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
