/* Unit tests for runtime/state_store.c: the per-container state directory
 * under a temp root (create/open errors, atomic files, state.json round
 * trip and corruption, flock exclusion across processes, removal, listing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/lifecycle/state_store.h"

struct fixture {
    char *tmp;  /* mkdtemp dir */
    char *root; /* tmp/a/b/root: not created yet */
};

static int setup(void **state)
{
    struct fixture *f = xmalloc0(sizeof(*f));
    f->tmp = xstrdup("/tmp/aisbx-test-state.XXXXXX");
    if (!mkdtemp(f->tmp))
        return -1;
    f->root = xasprintf("%s/a/b/root", f->tmp);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char *cmd = xasprintf("rm -rf '%s'", f->tmp);
    int r = system(cmd);
    free(cmd);
    free(f->root);
    free(f->tmp);
    free(f);
    return r == 0 ? 0 : -1;
}

static void must(int r, aisbx_error **err)
{
    if (r < 0)
        fail_msg("%s", *err ? (*err)->msg : "(no error)");
}

static void test_root_and_create(void **state)
{
    struct fixture *f = *state;
    aisbx_error *err = NULL;
    must(state_root_ensure(f->root, &err), &err);
    must(state_root_ensure(f->root, &err), &err); /* idempotent */
    struct stat st;
    assert_int_equal(stat(f->root, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0700);

    int dfd = -1;
    must(state_dir_create(f->root, "c1", &dfd, &err), &err);
    assert_true(dfd >= 0);
    assert_true(fcntl(dfd, F_GETFD) & FD_CLOEXEC);
    assert_int_equal(fstat(dfd, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0700);
    close(dfd);

    assert_int_equal(state_dir_create(f->root, "c1", &dfd, &err), -1);
    assert_string_equal(err->msg, "container with given ID already exists");
    assert_int_equal(err->errnum, EEXIST);
    aisbx_error_free(&err);

    must(state_dir_open(f->root, "c1", &dfd, &err), &err);
    close(dfd);
    assert_int_equal(state_dir_open(f->root, "nope", &dfd, &err), -1);
    assert_string_equal(err->msg, "container \"nope\" does not exist");
    assert_int_equal(err->errnum, ENOENT);
    aisbx_error_free(&err);

    /* A regular file where the root should be. */
    char *file = xasprintf("%s/file", f->tmp);
    int fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    close(fd);
    assert_int_equal(state_root_ensure(file, &err), -1);
    assert_non_null(err);
    aisbx_error_free(&err);
    char *under = xasprintf("%s/x", file);
    assert_int_equal(state_root_ensure(under, &err), -1);
    assert_int_equal(err->errnum, ENOTDIR);
    aisbx_error_free(&err);
    free(under);
    free(file);
}

static void test_write_read_atomic(void **state)
{
    struct fixture *f = *state;
    aisbx_error *err = NULL;
    int dfd = -1;
    must(state_root_ensure(f->root, &err), &err);
    must(state_dir_create(f->root, "c1", &dfd, &err), &err);
    must(state_write_file(dfd, "f", "first", 5, &err), &err);
    struct stat st1;
    assert_int_equal(fstatat(dfd, "f", &st1, 0), 0);
    assert_int_equal(st1.st_mode & 0777, 0600);
    /* A reader holding the old file keeps seeing the old content: the
     * write replaced the file (new inode), it did not rewrite it. */
    int old = openat(dfd, "f", O_RDONLY | O_CLOEXEC);
    must(state_write_file(dfd, "f", "second!", 7, &err), &err);
    char buf[16] = {0};
    assert_int_equal(pread(old, buf, sizeof(buf) - 1, 0), 5);
    assert_string_equal(buf, "first");
    close(old);
    struct stat st2;
    assert_int_equal(fstatat(dfd, "f", &st2, 0), 0);
    assert_true(st1.st_ino != st2.st_ino);

    char *b = NULL;
    size_t n = 0;
    must(state_read_file(dfd, "f", &b, &n, 100, &err), &err);
    assert_int_equal(n, 7);
    assert_string_equal(b, "second!");
    free(b);
    assert_int_equal(state_read_file(dfd, "f", &b, &n, 3, &err), -1);
    assert_non_null(strstr(err->msg, "larger than 3 bytes"));
    aisbx_error_free(&err);
    assert_int_equal(state_read_file(dfd, "missing", &b, &n, 100, &err), -1);
    assert_int_equal(err->errnum, ENOENT);
    aisbx_error_free(&err);

    /* No temp files left behind (the lock file is made by create). */
    char *cmd = xasprintf("test $(ls -A '%s/c1' | grep -vx lock | wc -l) -eq 1", f->root);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    close(dfd);
}

static struct spec_state *sample_state(void)
{
    struct spec_state *s = xmalloc0(sizeof(*s));
    s->oci_version = xstrdup("1.2.0");
    s->id = xstrdup("c1");
    s->status = xstrdup("created");
    s->bundle = xstrdup("/tmp/bundle");
    s->rootfs = xstrdup("/tmp/bundle/rootfs");
    s->created = xstrdup("2026-11-25T05:39:16.123456789Z");
    s->owner = xstrdup("");
    s->pid = 4242;
    s->pid_start_time = 123456789012ULL;
    s->cgroup_path = xstrdup("/sys/fs/cgroup/pids/docker/c1");
    s->systemd_cgroup = false;
    s->use_terminal = true;
    s->annotations.n = 1;
    s->annotations.v = xmalloc0(sizeof(struct spec_kv));
    s->annotations.v[0].key = xstrdup("org.example/key");
    s->annotations.v[0].value = xstrdup("value \"quoted\"");
    return s;
}

static void test_save_load(void **state)
{
    struct fixture *f = *state;
    aisbx_error *err = NULL;
    int dfd = -1;
    must(state_root_ensure(f->root, &err), &err);
    must(state_dir_create(f->root, "c1", &dfd, &err), &err);

    /* A dir without state.json (create died early) reads as missing. */
    struct spec_state *s = NULL;
    assert_int_equal(state_load(dfd, "c1", &s, &err), -1);
    assert_string_equal(err->msg, "container \"c1\" does not exist");
    assert_int_equal(err->errnum, ENOENT);
    aisbx_error_free(&err);

    struct spec_state *in = sample_state();
    must(state_save(dfd, in, &err), &err);
    must(state_load(dfd, "c1", &s, &err), &err);
    assert_string_equal(s->id, "c1");
    assert_string_equal(s->status, "created");
    assert_string_equal(s->bundle, "/tmp/bundle");
    assert_string_equal(s->created, in->created);
    assert_int_equal(s->pid, 4242);
    assert_true(s->pid_start_time == 123456789012ULL);
    assert_string_equal(s->cgroup_path, in->cgroup_path);
    assert_true(s->use_terminal);
    assert_int_equal(s->annotations.n, 1);
    assert_string_equal(s->annotations.v[0].value, "value \"quoted\"");
    spec_state_free(s);
    spec_state_free(in);

    /* Truncated and garbage state.json: an error naming the file. */
    char *b = NULL;
    size_t n = 0;
    must(state_read_file(dfd, STATE_FILE, &b, &n, STATE_MAX_BYTES, &err), &err);
    must(state_write_file(dfd, STATE_FILE, b, n / 2, &err), &err);
    free(b);
    s = NULL;
    assert_int_equal(state_load(dfd, "c1", &s, &err), -1);
    assert_null(s);
    assert_non_null(strstr(err->msg, "load state of container c1: corrupt state.json"));
    aisbx_error_free(&err);
    must(state_write_file(dfd, STATE_FILE, "\x01garbage", 8, &err), &err);
    assert_int_equal(state_load(dfd, "c1", &s, &err), -1);
    assert_non_null(strstr(err->msg, "corrupt state.json"));
    aisbx_error_free(&err);
    must(state_write_file(dfd, STATE_FILE, "", 0, &err), &err);
    assert_int_equal(state_load(dfd, "c1", &s, &err), -1);
    assert_string_equal(err->msg, "load state of container c1: state.json is empty");
    aisbx_error_free(&err);
    close(dfd);
}

static void test_lock_excludes_other_process(void **state)
{
    struct fixture *f = *state;
    aisbx_error *err = NULL;
    int dfd = -1, lfd = -1;
    must(state_root_ensure(f->root, &err), &err);
    must(state_dir_create(f->root, "c1", &dfd, &err), &err);
    must(state_lock(dfd, &lfd, &err), &err);
    assert_true(fcntl(lfd, F_GETFD) & FD_CLOEXEC);

    /* A second process (its own open file description) cannot take it. */
    char *lock = xasprintf("%s/c1/lock", f->root);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(lock, O_RDWR | O_CLOEXEC);
        if (fd < 0)
            _exit(10);
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            _exit(11);
        _exit(errno == EWOULDBLOCK ? 0 : 12);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);

    /* A forked state_lock blocks until we release. */
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* The inherited lfd shares our lock: drop it, as a fresh command
         * process would not have it. */
        close(lfd);
        close(p[0]);
        aisbx_error *e = NULL;
        int l2 = -1;
        if (state_lock(dfd, &l2, &e) < 0)
            _exit(20);
        if (write(p[1], "L", 1) != 1)
            _exit(21);
        _exit(0);
    }
    close(p[1]);
    struct timeval tv = {.tv_sec = 0, .tv_usec = 300000};
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    int ready = select(p[0] + 1, &rs, NULL, NULL, &tv);
    close(lfd); /* release: the child gets the lock now */
    char c = 0;
    ssize_t got = read(p[0], &c, 1);
    close(p[0]);
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_int_equal(ready, 0); /* it was blocked while we held the lock */
    assert_int_equal(got, 1);
    assert_int_equal(c, 'L');
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    free(lock);
    close(dfd);
}

static void test_remove_and_list(void **state)
{
    struct fixture *f = *state;
    aisbx_error *err = NULL;
    char **ids = NULL;
    size_t n = 99;
    /* Missing root: no ids, no error. */
    must(state_list_ids(f->root, &ids, &n, &err), &err);
    assert_int_equal(n, 0);
    state_ids_free(ids, n);

    must(state_root_ensure(f->root, &err), &err);
    const char *names[] = {"zeta", "alpha", "Beta", "m1", "m10", "m2"};
    for (size_t i = 0; i < 6; i++) {
        int dfd;
        must(state_dir_create(f->root, names[i], &dfd, &err), &err);
        close(dfd);
    }
    /* Not containers: a file and a dot dir in the root. */
    char *p = xasprintf("%s/stray-file", f->root);
    close(open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
    free(p);
    p = xasprintf("%s/.hidden", f->root);
    assert_int_equal(mkdir(p, 0700), 0);
    free(p);
    must(state_list_ids(f->root, &ids, &n, &err), &err);
    assert_int_equal(n, 6);
    const char *sorted[] = {"Beta", "alpha", "m1", "m10", "m2", "zeta"};
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(ids[i], sorted[i]);
    state_ids_free(ids, n);

    /* Fill one dir with a file, a fifo, a socket, a symlink (to a file
     * outside that must survive) and a subdir; remove it all. */
    int dfd;
    must(state_dir_open(f->root, "alpha", &dfd, &err), &err);
    int lfd;
    must(state_lock(dfd, &lfd, &err), &err);
    close(lfd);
    must(state_write_file(dfd, "state.json", "{}", 2, &err), &err);
    assert_int_equal(mkfifoat(dfd, "exec.fifo", 0600), 0);
    char *outside = xasprintf("%s/outside", f->tmp);
    close(open(outside, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
    assert_int_equal(symlinkat(outside, dfd, "link"), 0);
    assert_int_equal(mkdirat(dfd, "sub", 0700), 0);
    int sfd = openat(dfd, "sub", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    assert_int_equal(mkfifoat(sfd, "inner", 0600), 0);
    close(sfd);
    char *sockp = xasprintf("%s/alpha/notify.sock", f->root);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strcpy(a.sun_path, sockp);
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
    close(s);
    close(dfd);

    must(state_dir_remove(f->root, "alpha", &err), &err);
    char *dir = xasprintf("%s/alpha", f->root);
    assert_int_equal(access(dir, F_OK), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(access(outside, F_OK), 0);
    must(state_dir_remove(f->root, "alpha", &err), &err); /* ENOENT is fine */
    must(state_list_ids(f->root, &ids, &n, &err), &err);
    assert_int_equal(n, 5);
    assert_string_equal(ids[0], "Beta");
    state_ids_free(ids, n);
    free(dir);
    free(sockp);
    free(outside);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_root_and_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_read_atomic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_excludes_other_process, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_and_list, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
