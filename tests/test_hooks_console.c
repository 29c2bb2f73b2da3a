/* Unit tests for runtime/hooks.c and runtime/console.c: real hook
 * processes (args, env, stdin, exit status, timeouts), real ptys and unix
 * sockets. Every temp dir and child is cleaned up. */
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
#include "runtime/kernel/console.h"
#include "runtime/kernel/hooks.h"
#include "runtime/kernel/proc_info.h"

/* ---- helpers ---------------------------------------------------------- */

static char *make_tmpdir(void)
{
    char *d = xstrdup("/tmp/aisbx-test-lc.XXXXXX");
    assert_non_null(mkdtemp(d));
    return d;
}

static void rm_rf(const char *dir)
{
    char *cmd = xasprintf("rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
}

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

static void write_script(const char *path, const char *body)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    assert_true(fd >= 0);
    assert_int_equal(write_all(fd, body, strlen(body)), 0);
    close(fd);
}

/* ---- hooks ------------------------------------------------------------ */

static struct spec_hook make_hook(const char *path, const char **args, const char **env,
                                  int timeout)
{
    struct spec_hook h = {0};
    h.path = xstrdup(path);
    size_t n = 0;
    while (args && args[n])
        n++;
    h.args.v = xmalloc0((n + 1) * sizeof(char *));
    for (size_t i = 0; i < n; i++)
        h.args.v[i] = xstrdup(args[i]);
    h.args.n = n;
    n = 0;
    while (env && env[n])
        n++;
    h.env.v = xmalloc0((n + 1) * sizeof(char *));
    for (size_t i = 0; i < n; i++)
        h.env.v[i] = xstrdup(env[i]);
    h.env.n = n;
    h.has_timeout = timeout > 0;
    h.timeout = timeout;
    return h;
}

static void free_hook(struct spec_hook *h)
{
    free(h->path);
    for (size_t i = 0; i < h->args.n; i++)
        free(h->args.v[i]);
    free(h->args.v);
    for (size_t i = 0; i < h->env.n; i++)
        free(h->env.v[i]);
    free(h->env.v);
}

static void test_hooks_args_env_stdin(void **state)
{
    char *dir = make_tmpdir();
    char *script = xasprintf("%s/hook.sh", dir);
    char *out = xasprintf("%s/out", dir);
    /* A shebang script cannot see its argv[0] (the kernel replaces it), so
     * the hook is /bin/sh itself with argv[0] "mysh", read back from
     * /proc/$$/cmdline. fd 77 is left open without CLOEXEC by the test:
     * the hook must not inherit it. */
    char *body = xasprintf("{ echo \"argv0=$(tr '\\0' '\\n' </proc/$$/cmdline | head -n1)\";\n"
                           "  echo \"args=$*\";\n"
                           "  echo \"env=$(env | grep -v '^PWD=' | sort | tr '\\n' ' ')\";\n"
                           "  echo \"stdin=$(cat)\";\n"
                           "  [ -e /proc/$$/fd/77 ] && echo leaked77;\n"
                           "  echo \"sigpipe=$(grep SigIgn /proc/$$/status)\"; } >%s\n",
                           out);
    write_script(script, body);
    int leak = open("/dev/null", O_RDONLY);
    assert_int_equal(dup2(leak, 77), 77);
    close(leak);
    const char *args[] = {"mysh", script, "one", "two words", NULL};
    const char *env[] = {"FOO=bar", "B=2", NULL};
    struct spec_hook h[2] = {make_hook("/bin/sh", args, env, 5),
                             make_hook("/bin/true", NULL, NULL, 0)};
    struct spec_hooklist l = {.v = h, .n = 2};
    aisbx_error *err = NULL;
    int r = hooks_run(&l, NULL, "prestart", "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\"}", &err);
    close(77);
    if (r < 0)
        fail_msg("%s", err->msg);
    char *got = slurp(out);
    assert_non_null(got);
    if (!strstr(got, "argv0=mysh\n") || !strstr(got, "args=one two words\n") ||
        !strstr(got, "env=B=2 FOO=bar \n") ||
        !strstr(got, "stdin={\"ociVersion\":\"1.2.0\",\"id\":\"c1\"}\n") ||
        strstr(got, "leaked77") || !strstr(got, "SigIgn:\t0000000000000000\n"))
        fail_msg("hook saw:\n%s", got);
    free(got);
    /* No args: the path is argv[0]; no env: an empty environment. The
     * state JSON still arrives on stdin. */
    char *script2 = xasprintf("%s/hook2.sh", dir);
    char *body2 = xasprintf("#!/bin/sh\n{ echo \"env=$(env | grep -v '^PWD=' | tr '\\n' ' ')\";"
                            " echo \"stdin=$(cat)\"; } >%s\n",
                            out);
    write_script(script2, body2);
    struct spec_hook h2 = make_hook(script2, NULL, NULL, 0);
    struct spec_hooklist l2 = {.v = &h2, .n = 1};
    assert_int_equal(hooks_run(&l2, NULL, "poststop", "{}", &err), 0);
    got = slurp(out);
    /* dash exports nothing but PWD from an empty environment. */
    if (strcmp(got, "env=\nstdin={}\n") != 0)
        fail_msg("hook saw:\n%s", got);
    free(got);
    free_hook(&h2);
    free(body2);
    free(script2);
    free_hook(&h[0]);
    free_hook(&h[1]);
    free(body);
    free(out);
    free(script);
    rm_rf(dir);
    free(dir);
}

static void test_hooks_failures(void **state)
{
    char *dir = make_tmpdir();
    char *script = xasprintf("%s/exit3.sh", dir);
    write_script(script, "#!/bin/sh\necho hook-stderr-passes >&2\nexit 3\n");
    struct spec_hook h[3] = {make_hook("/bin/true", NULL, NULL, 0),
                             make_hook(script, NULL, NULL, 0),
                             make_hook("/bin/true", NULL, NULL, 0)};
    struct spec_hooklist l = {.v = h, .n = 3};
    aisbx_error *err = NULL;
    assert_int_equal(hooks_run(&l, NULL, "createRuntime", "{}", &err), -1);
    char *want = xasprintf("createRuntime hook #1 (%s) failed: exit status 3", script);
    assert_string_equal(err->msg, want);
    free(want);
    aisbx_error_free(&err);

    /* Killed by a signal. */
    const char *kargs[] = {"sh", "-c", "kill -USR1 $$", NULL};
    struct spec_hook k = make_hook("/bin/sh", kargs, NULL, 0);
    struct spec_hooklist kl = {.v = &k, .n = 1};
    assert_int_equal(hooks_run(&kl, NULL, "poststart", "{}", &err), -1);
    assert_string_equal(
        err->msg,
        "poststart hook #0 (/bin/sh) failed: killed by signal 10 (user defined signal 1)");
    aisbx_error_free(&err);
    free_hook(&k);

    /* exec failure names the hook and the cause. */
    struct spec_hook m = make_hook("/nonexistent/hook", NULL, NULL, 0);
    struct spec_hooklist ml = {.v = &m, .n = 1};
    assert_int_equal(hooks_run(&ml, NULL, "prestart", "{}", &err), -1);
    assert_int_equal(err->errnum, ENOENT);
    assert_non_null(strstr(err->msg, "prestart hook #0 (/nonexistent/hook) failed: exec"));
    aisbx_error_free(&err);
    free_hook(&m);

    /* A hook that never reads a large stdin still finishes (EPIPE ignored,
     * and we are not killed by SIGPIPE). */
    size_t big = 1 << 20;
    char *json = xmalloc0(big + 1);
    memset(json, ' ', big);
    struct spec_hook t = make_hook("/bin/true", NULL, NULL, 0);
    struct spec_hooklist tl = {.v = &t, .n = 1};
    assert_int_equal(hooks_run(&tl, NULL, "prestart", json, &err), 0);
    free(json);
    free_hook(&t);
    assert_int_equal(hooks_run(NULL, NULL, "prestart", "{}", &err), 0);

    for (int i = 0; i < 3; i++)
        free_hook(&h[i]);
    free(script);
    rm_rf(dir);
    free(dir);
}

static void test_hooks_timeout(void **state)
{
    char *dir = make_tmpdir();
    char *script = xasprintf("%s/slow.sh", dir);
    char *pidf = xasprintf("%s/sleep.pid", dir);
    /* The shell forks sleep (not exec), so killing only the hook would
     * leave the sleeper behind. */
    char *body = xasprintf("#!/bin/sh\nsleep 10 &\necho $! >%s\nwait\n", pidf);
    write_script(script, body);
    struct spec_hook h = make_hook(script, NULL, NULL, 1);
    struct spec_hooklist l = {.v = &h, .n = 1};
    aisbx_error *err = NULL;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_int_equal(hooks_run(&l, NULL, "prestart", "{}", &err), -1);
    clock_gettime(CLOCK_MONOTONIC, &b);
    char *want = xasprintf("prestart hook #0 (%s) timed out after 1 s", script);
    assert_string_equal(err->msg, want);
    aisbx_error_free(&err);
    double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    assert_true(secs >= 0.9 && secs < 5);
    char *p = slurp(pidf);
    assert_non_null(p);
    pid_t sleeper = (pid_t)atoi(p);
    assert_true(sleeper > 0);
    /* Gone or a zombie waiting for init to reap it. */
    bool gone = false;
    for (int i = 0; i < 200 && !gone; i++) {
        char c;
        gone = proc_state_char(sleeper, &c) < 0 || c == 'Z';
        if (!gone)
            usleep(10000);
    }
    assert_true(gone);
    /* A plain `sleep 10` hook: exec'd directly, killed directly. */
    const char *sargs[] = {"sleep", "10", NULL};
    struct spec_hook s = make_hook("/bin/sleep", sargs, NULL, 1);
    struct spec_hooklist sl = {.v = &s, .n = 1};
    assert_int_equal(hooks_run(&sl, NULL, "poststop", "{}", &err), -1);
    assert_string_equal(err->msg, "poststop hook #0 (/bin/sleep) timed out after 1 s");
    aisbx_error_free(&err);
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1); /* nothing left unreaped */
    assert_int_equal(errno, ECHILD);
    free_hook(&s);
    free(p);
    free(want);
    free(body);
    free(pidf);
    free_hook(&h);
    free(script);
    rm_rf(dir);
    free(dir);
}

/* ---- console ---------------------------------------------------------- */

static void test_console_pty_and_send(void **state)
{
    char *dir = make_tmpdir();
    char *sock = xasprintf("%s/console.sock", dir);
    int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(l >= 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strcpy(a.sun_path, sock);
    assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(l, 1), 0);
    aisbx_error *err = NULL;
    assert_int_equal(console_check_socket(sock, &err), 0);

    int master = -1;
    char *slave = NULL;
    assert_int_equal(console_open_pty(&master, &slave, &err), 0);
    assert_true(isatty(master));
    assert_int_equal(strncmp(slave, "/dev/pts/", 9), 0);
    assert_true(fcntl(master, F_GETFD) & FD_CLOEXEC);
    assert_int_equal(console_set_size(master, 40, 120, &err), 0);

    int to_engine = -1; /* create connects before the container exists */
    assert_int_equal(fd_connect_unix(sock, &to_engine, "console socket", &err), 0);
    assert_int_equal(console_send_master(to_engine, master, &err), 0); /* backlog holds it */
    close(to_engine);
    int c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
    assert_true(c >= 0);
    int got = -1;
    char *name = NULL;
    assert_int_equal(fd_recv_fd(c, &got, &name), 0);
    assert_string_equal(name, "/dev/ptmx");
    assert_true(isatty(got));
    struct stat s1, s2;
    assert_int_equal(fstat(master, &s1), 0);
    assert_int_equal(fstat(got, &s2), 0);
    assert_true(s1.st_rdev == s2.st_rdev && s1.st_ino == s2.st_ino);
    char *pn = ptsname(got);
    assert_string_equal(pn, slave);

    /* A child makes the slave its controlling terminal and stdio, and the
     * received master sees its output and the size we set. */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        aisbx_error *cerr = NULL;
        if (console_make_controlling(slave, &cerr) < 0)
            _exit(2);
        execl("/bin/sh", "sh", "-c", "tty; stty size", (char *)NULL);
        _exit(3);
    }
    char buf[256] = {0};
    size_t n = 0;
    while (n < sizeof(buf) - 1) {
        ssize_t r = read(got, buf + n, sizeof(buf) - 1 - n);
        if (r <= 0)
            break; /* EIO once the slave side is closed */
        n += (size_t)r;
        if (strstr(buf, "120\r\n"))
            break;
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    char *want = xasprintf("%s\r\n40 120\r\n", slave);
    assert_string_equal(buf, want);
    free(want);

    free(name);
    close(got);
    close(c);
    close(master);
    free(slave);
    close(l);
    free(sock);
    rm_rf(dir);
    free(dir);
}

static void test_console_check_socket_errors(void **state)
{
    char *dir = make_tmpdir();
    char *f = xasprintf("%s/regular", dir);
    write_script(f, "x");
    aisbx_error *err = NULL;
    assert_int_equal(console_check_socket(f, &err), -1);
    char *want = xasprintf("console socket %s is not a unix socket", f);
    assert_string_equal(err->msg, want);
    aisbx_error_free(&err);
    free(want);
    char *missing = xasprintf("%s/missing.sock", dir);
    assert_int_equal(console_check_socket(missing, &err), -1);
    assert_int_equal(err->errnum, ENOENT);
    aisbx_error_free(&err);
    /* Nobody listening: connecting fails with a clear error. */
    int to_engine = -1;
    assert_int_equal(fd_connect_unix(missing, &to_engine, "console socket", &err), -1);
    assert_non_null(strstr(err->msg, "connect to console socket"));
    aisbx_error_free(&err);
    if (to_engine >= 0)
        close(to_engine);
    /* A socket that cannot carry the fd: the send error names the console socket. */
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    assert_int_equal(console_send_master(pipefd[1], pipefd[0], &err), -1);
    assert_non_null(strstr(err->msg, "send the pty master to the console socket"));
    aisbx_error_free(&err);
    close(pipefd[0]);
    close(pipefd[1]);
    free(missing);
    free(f);
    rm_rf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hooks_args_env_stdin),
        cmocka_unit_test(test_hooks_failures),
        cmocka_unit_test(test_hooks_timeout),
        cmocka_unit_test(test_console_pty_and_send),
        cmocka_unit_test(test_console_check_socket_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
