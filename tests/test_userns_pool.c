/* The user namespace pool: /etc/subuid+subgid texts -> pool (pure), and
 * the slot directory with its lock, members and garbage collection, on a
 * temporary directory (never /run/aisbx-userns, never the real subuid). */

// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/lifecycle/userns_pool.h"
#include "runtime/lifecycle/userns_slots.h"

static void expect_pool_error(const char *u, const char *g, const char *msg)
{
    struct userns_pool p;
    aisbx_error *err = NULL;
    assert_int_equal(userns_pool_from_subid(u, g, &p, &err), -1);
    assert_non_null(err);
    if (!strstr(err->msg, msg))
        fail_msg("error \"%s\" lacks \"%s\"", err->msg, msg);
    aisbx_error_free(&err);
}

static void test_pool_default(void **state)
{
    struct userns_pool p;
    aisbx_error *err = NULL;
    assert_int_equal(userns_pool_from_subid(NULL, NULL, &p, &err), 0);
    assert_int_equal(p.base, 0x70000000u);
    assert_int_equal(p.slots, 4096u); /* up to 0x7FFFFFFF */
    assert_int_equal(userns_pool_slot_base(&p, 4095) + 65535u, 0x7FFFFFFFu);
    (void)state;
}

static void test_pool_entry(void **state)
{
    struct userns_pool p;
    aisbx_error *err = NULL;
    const char *t = "# comment\nalice:100000:65536\n\naisbx:1048576:655360\n";
    assert_int_equal(userns_pool_from_subid(t, t, &p, &err), 0);
    assert_int_equal(p.base, 1048576u);
    assert_int_equal(p.slots, 10u);
    assert_int_equal(userns_pool_slot_base(&p, 3), 1048576u + 3 * 65536u);
    /* a count that is not a multiple: whole slots only */
    t = "aisbx:1048576:100000\n";
    assert_int_equal(userns_pool_from_subid(t, t, &p, &err), 0);
    assert_int_equal(p.slots, 1u);
}

static void test_pool_refused(void **state)
{
    /* only in one file, or different ranges */
    expect_pool_error("aisbx:1048576:65536\n", "", "differ");
    expect_pool_error("aisbx:1048576:65536\n", "aisbx:1114112:65536\n", "differ");
    /* misaligned, too small, at 0 */
    expect_pool_error("aisbx:1000000:65536\n", "aisbx:1000000:65536\n", "multiple of 65536");
    expect_pool_error("aisbx:1048576:1000\n", "aisbx:1048576:1000\n", "multiple of 65536");
    expect_pool_error("aisbx:0:65536\n", "aisbx:0:65536\n", "multiple of 65536");
    /* two entries */
    expect_pool_error("aisbx:1048576:65536\naisbx:2097152:65536\n", "aisbx:1048576:65536\n",
                      "second aisbx entry");
    /* malformed lines */
    expect_pool_error("bob:100000\n", NULL, "/etc/subuid line 1: not owner:start:count");
    expect_pool_error(NULL, "# c\nbob:-1:5\n", "/etc/subgid line 2: not owner:start:count");
    expect_pool_error("bob:4294967295:2\n", NULL, "not owner:start:count");
    /* another user's ids inside the default pool, in either file */
    expect_pool_error("bob:1879048192:65536\n", NULL,
                      "/etc/subuid line 1: bob's ids 1879048192-1879113727 overlap the pool");
    expect_pool_error(NULL, "alice:100000:65536\ncarol:2147418112:65536\n",
                      "/etc/subgid line 2: carol's ids");
    /* ... or inside an explicit one */
    expect_pool_error("aisbx:1048576:655360\nbob:1100000:10\n", "aisbx:1048576:655360\n",
                      "bob's ids 1100000-1100009 overlap");
    (void)state;
}

static void test_pool_load_files(void **state)
{
    char d[] = "/tmp/aisbx-pool-XXXXXX";
    assert_non_null(mkdtemp(d));
    char u[64], g[64];
    snprintf(u, sizeof(u), "%s/subuid", d);
    snprintf(g, sizeof(g), "%s/subgid", d);
    struct userns_pool p;
    aisbx_error *err = NULL;
    /* missing files: the default */
    assert_int_equal(userns_pool_load(u, g, &p, &err), 0);
    assert_int_equal(p.base, USERNS_POOL_DEFAULT_BASE);
    FILE *f = fopen(u, "w");
    fputs("aisbx:2097152:131072\n", f);
    fclose(f);
    f = fopen(g, "w");
    fputs("aisbx:2097152:131072\n", f);
    fclose(f);
    assert_int_equal(userns_pool_load(u, g, &p, &err), 0);
    assert_int_equal(p.base, 2097152u);
    assert_int_equal(p.slots, 2u);
    unlink(u);
    unlink(g);
    rmdir(d);
}

/* A fresh slot directory under a temp dir (the slot code creates it). */
static char tmpdir[64], slotdir[96];

static int setup_dir(void **state)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/aisbx-slots-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(slotdir, sizeof(slotdir), "%s/userns", tmpdir);
    return 0;
}

static int teardown_dir(void **state)
{
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static int count_slots(void)
{
    DIR *d = opendir(slotdir);
    int n = 0;
    struct dirent *de;
    if (!d)
        return -1;
    while ((de = readdir(d)))
        n += de->d_name[0] >= '0' && de->d_name[0] <= '9';
    closedir(d);
    return n;
}

static const struct userns_pool small = {.base = 1048576, .slots = 3};

static void test_claim_release(void **state)
{
    aisbx_error *err = NULL;
    uint32_t a, b, c;
    assert_int_equal(userns_slot_claim(slotdir, &small, "/run/aisbx", "one", &a, &err), 0);
    assert_int_equal(userns_slot_claim(slotdir, &small, "/run/aisbx", "two", &b, &err), 0);
    /* the same id under another --root is another container */
    assert_int_equal(userns_slot_claim(slotdir, &small, "/tmp/other", "one", &c, &err), 0);
    assert_int_equal(a, 0);
    assert_int_equal(b, 1);
    assert_int_equal(c, 2);
    struct stat st;
    assert_int_equal(stat(slotdir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    /* full */
    uint32_t d;
    assert_int_equal(userns_slot_claim(slotdir, &small, "/run/aisbx", "four", &d, &err), -1);
    assert_int_equal(err->errnum, ENOSPC);
    assert_non_null(strstr(err->msg, "all 3 ranges of the pool in use"));
    aisbx_error_free(&err);
    assert_int_equal(count_slots(), 3);
    /* delete frees the slot, the lowest free one is reused */
    assert_int_equal(userns_slot_release(slotdir, b, "/run/aisbx", "two", &err), 0);
    assert_int_equal(count_slots(), 2);
    assert_int_equal(userns_slot_claim(slotdir, &small, "/run/aisbx", "four", &d, &err), 0);
    assert_int_equal(d, 1);
    /* releasing twice (collected already) is fine */
    assert_int_equal(userns_slot_release(slotdir, b, "/run/aisbx", "four", &err), 0);
    assert_int_equal(userns_slot_release(slotdir, b, "/run/aisbx", "four", &err), 0);
    assert_int_equal(userns_slot_release(slotdir, a, "/run/aisbx", "one", &err), 0);
    assert_int_equal(userns_slot_release(slotdir, c, "/tmp/other", "one", &err), 0);
    assert_int_equal(count_slots(), 0);
}

/* A `create` killed before it could release: its member names a dead
 * process, and the next claim (or a release, or gc) takes the slot back. */
static void test_gc_dead_claimer(void **state)
{
    aisbx_error *err = NULL;
    uint32_t s;
    pid_t pid = fork();
    if (pid == 0) {
        uint32_t k;
        _exit(userns_slot_claim(slotdir, &small, "/r", "killed", &k, NULL) == 0 && k == 0 ? 0 : 1);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_int_equal(count_slots(), 1);
    /* the dead member is collected and slot 0 handed out again */
    assert_int_equal(userns_slot_claim(slotdir, &small, "/r", "next", &s, &err), 0);
    assert_int_equal(s, 0);
    assert_int_equal(userns_slot_release(slotdir, s, "/r", "next", &err), 0);
    assert_int_equal(count_slots(), 0);
}

/* The owner moves to the init: the slot lives as long as that process,
 * not the claimer. */
static void test_gc_owner(void **state)
{
    aisbx_error *err = NULL;
    uint32_t s;
    int go[2];
    assert_int_equal(pipe(go), 0);
    pid_t init = fork();
    if (init == 0) {
        char c;
        close(go[1]);
        _exit(read(go[0], &c, 1) == 0 ? 0 : 1);
    }
    close(go[0]);
    assert_int_equal(userns_slot_claim(slotdir, &small, "/r", "c", &s, &err), 0);
    assert_int_equal(userns_slot_set_owner(slotdir, s, "/r", "c", init, &err), 0);
    /* our own process is not what holds it any more, but the init lives */
    assert_int_equal(userns_slots_gc(slotdir, &err), 0);
    assert_int_equal(count_slots(), 1);
    close(go[1]);
    int st;
    assert_int_equal(waitpid(init, &st, 0), init);
    assert_int_equal(userns_slots_gc(slotdir, &err), 1);
    assert_int_equal(count_slots(), 0);
    /* a dot file (a writer killed before its rename) is collected too */
    assert_int_equal(mkdir(slotdir, 0700) == 0 || errno == EEXIST, 1);
    char p[160];
    snprintf(p, sizeof(p), "%s/2", slotdir);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof(p), "%s/2/.half", slotdir);
    close(open(p, O_CREAT | O_WRONLY, 0600));
    assert_int_equal(userns_slots_gc(slotdir, &err), 1);
    assert_int_equal(count_slots(), 0);
}

/* A container that joins another's user namespace holds the slot too:
 * the slot goes only when both members are gone. */
static void test_join(void **state)
{
    aisbx_error *err = NULL;
    uint32_t s;
    int go[2];
    assert_int_equal(pipe(go), 0);
    pid_t x = fork();
    if (x == 0) {
        char c;
        close(go[1]);
        uint32_t k;
        if (userns_slot_claim(slotdir, &small, "/r", "x", &k, NULL) < 0 || k != 0)
            _exit(2);
        _exit(read(go[0], &c, 1) == 0 ? 0 : 1);
    }
    close(go[0]);
    /* wait for x's claim */
    for (int i = 0; i < 500 && count_slots() < 1; i++)
        usleep(10000);
    assert_int_equal(count_slots(), 1);
    assert_int_equal(userns_slot_join(slotdir, 0, "/r", "joiner", &err), 0);
    close(go[1]); /* x goes first */
    int st;
    assert_int_equal(waitpid(x, &st, 0), x);
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_int_equal(userns_slots_gc(slotdir, &err), 1);
    assert_int_equal(count_slots(), 1); /* the joiner still holds it */
    assert_int_equal(userns_slot_claim(slotdir, &small, "/r", "other", &s, &err), 0);
    assert_int_equal(s, 1);
    assert_int_equal(userns_slot_release(slotdir, 0, "/r", "joiner", &err), 0);
    assert_int_equal(userns_slot_release(slotdir, 1, "/r", "other", &err), 0);
    assert_int_equal(count_slots(), 0);
}

/* N processes claim at once: the lock gives each its own slot. */
static void test_concurrent_claims(void **state)
{
    enum { N = 12 };
    const struct userns_pool pool = {.base = 1048576, .slots = 64};
    int res[2], hold[2];
    pid_t pids[N];
    assert_int_equal(pipe(res), 0);
    assert_int_equal(pipe(hold), 0);
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            char id[16], c;
            uint32_t k = UINT32_MAX;
            close(res[0]);
            close(hold[1]);
            snprintf(id, sizeof(id), "c%d", i);
            if (userns_slot_claim(slotdir, &pool, "/r", id, &k, NULL) < 0)
                k = UINT32_MAX;
            if (write(res[1], &k, sizeof(k)) != sizeof(k))
                _exit(2);
            /* stay alive (holding the slot) until the parent has them all */
            _exit(read(hold[0], &c, 1) == 0 ? 0 : 1);
        }
    }
    close(res[1]);
    close(hold[0]);
    unsigned char seen[64] = {0};
    for (int i = 0; i < N; i++) {
        uint32_t k;
        assert_int_equal(read(res[0], &k, sizeof(k)), sizeof(k));
        assert_true(k < N); /* the lowest N slots, each once */
        assert_int_equal(seen[k], 0);
        seen[k] = 1;
    }
    assert_int_equal(count_slots(), N);
    close(hold[1]);
    for (int i = 0; i < N; i++) {
        int st;
        assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
        assert_int_equal(WEXITSTATUS(st), 0);
    }
    close(res[0]);
    aisbx_error *err = NULL;
    assert_int_equal(userns_slots_gc(slotdir, &err), N);
    assert_int_equal(count_slots(), 0);
}

static void test_dir_refused(void **state)
{
    aisbx_error *err = NULL;
    uint32_t s;
    assert_int_equal(mkdir(slotdir, 0777), 0);
    assert_int_equal(chmod(slotdir, 0777), 0);
    assert_int_equal(userns_slot_claim(slotdir, &small, "/r", "c", &s, &err), -1);
    assert_non_null(strstr(err->msg, "nobody else may write"));
    aisbx_error_free(&err);
    assert_int_equal(rmdir(slotdir), 0);
    /* a symlink in its place is not followed */
    assert_int_equal(symlink(tmpdir, slotdir), 0);
    assert_int_equal(userns_slot_claim(slotdir, &small, "/r", "c", &s, &err), -1);
    aisbx_error_free(&err);
    assert_int_equal(unlink(slotdir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool_default),
        cmocka_unit_test(test_pool_entry),
        cmocka_unit_test(test_pool_refused),
        cmocka_unit_test(test_pool_load_files),
        cmocka_unit_test_setup_teardown(test_claim_release, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_gc_dead_claimer, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_gc_owner, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_join, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_concurrent_claims, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_dir_refused, setup_dir, teardown_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
