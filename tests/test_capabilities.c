/* Capabilities and credentials on the real kernel, checked from a forked
 * child through /proc/self/status. */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/kernel/capabilities.h"
#include "runtime/kernel/credentials.h"

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                                            \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fputc('\n', stderr);                                                                       \
        return 1;                                                                                  \
    } while (0)

#define BIT(c) (UINT64_C(1) << (c))

static int run_child(int (*fn)(void *), void *arg)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGSEGV, SIG_DFL);
        int rc = fn(arg);
        fflush(NULL);
        _exit(rc);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    if (WIFSIGNALED(st))
        fail_msg("child killed by signal %d", WTERMSIG(st));
    return WEXITSTATUS(st);
}

/* Reads "CapEff:\t0000000000000401" style lines. */
static int status_caps(const char *key, uint64_t *v)
{
    FILE *f = fopen("/proc/self/status", "re");
    char line[256];
    size_t kl = strlen(key);
    int rc = -1;
    while (f && fgets(line, sizeof(line), f))
        if (!strncmp(line, key, kl) && line[kl] == ':') {
            *v = strtoull(line + kl + 1, NULL, 16);
            rc = 0;
            break;
        }
    if (f)
        fclose(f);
    return rc;
}

#define EXPECT_SET(key, want)                                                                      \
    do {                                                                                           \
        uint64_t got_;                                                                             \
        if (status_caps(key, &got_) < 0)                                                           \
            FAIL("no %s in /proc/self/status", key);                                               \
        if (got_ != (want))                                                                        \
            FAIL("%s = %#llx, want %#llx", key, (unsigned long long)got_,                          \
                 (unsigned long long)(want));                                                      \
    } while (0)

static struct spec_strlist list(char **v)
{
    size_t n = 0;
    while (v[n])
        n++;
    return (struct spec_strlist){v, n};
}

static void test_caps_from_names(void **state)
{
    char *names[] = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL};
    struct spec_strlist l = list(names);
    uint64_t mask;
    aisbx_error *err = NULL;
    assert_int_equal(caps_from_names(&l, &mask, &err), 0);
    assert_int_equal(mask, BIT(CAP_CHOWN) | BIT(CAP_KILL) | BIT(CAP_NET_BIND_SERVICE));

    char *bad[] = {"CAP_CHOWN", "CAP_MAKE_COFFEE", NULL};
    l = list(bad);
    assert_int_equal(caps_from_names(&l, &mask, &err), -1);
    assert_non_null(err);
    assert_non_null(strstr(err->msg, "CAP_MAKE_COFFEE"));
    aisbx_error_free(&err);

    assert_int_equal(caps_from_names(NULL, &mask, &err), 0);
    assert_int_equal(mask, 0);
}

static char *chown_only[] = {"CAP_CHOWN", NULL};
static char *chown_kill[] = {"CAP_CHOWN", "CAP_KILL", NULL};
static char *none[] = {NULL};

static int child_root_chown(void *arg)
{
    struct spec_capabilities c = {.bounding = list(chown_kill),
                                  .effective = list(chown_only),
                                  .permitted = list(chown_kill),
                                  .inheritable = list(none),
                                  .ambient = list(none)};
    aisbx_error *err = NULL;
    if (caps_drop_bounding(&c, &err) < 0 || caps_apply(&c, &err) < 0)
        FAIL("%s", err->msg);
    EXPECT_SET("CapBnd", BIT(CAP_CHOWN) | BIT(CAP_KILL));
    EXPECT_SET("CapEff", BIT(CAP_CHOWN));
    EXPECT_SET("CapPrm", BIT(CAP_CHOWN) | BIT(CAP_KILL));
    EXPECT_SET("CapInh", 0);
    EXPECT_SET("CapAmb", 0);
    /* The dropped caps are really gone: mknod of a device needs CAP_MKNOD. */
    if (mknod("/tmp/aisbx-never-dev", S_IFCHR | 0600, makedev(1, 3)) == 0 || errno != EPERM)
        FAIL("mknod without CAP_MKNOD: %s", strerror(errno));
    return 0;
}

static void test_root_only_chown(void **state)
{
    assert_int_equal(run_child(child_root_chown, NULL), 0);
}

static int child_null_caps(void *arg)
{
    aisbx_error *err = NULL;
    if (caps_drop_bounding(NULL, &err) < 0 || caps_apply(NULL, &err) < 0)
        FAIL("%s", err->msg);
    EXPECT_SET("CapBnd", 0);
    EXPECT_SET("CapEff", 0);
    EXPECT_SET("CapPrm", 0);
    EXPECT_SET("CapInh", 0);
    EXPECT_SET("CapAmb", 0);
    return 0;
}

static void test_null_means_empty(void **state)
{
    assert_int_equal(run_child(child_null_caps, NULL), 0);
}

/* The order init uses: bounding, credentials (KEEPCAPS), then the sets. */
static int child_user(void *arg)
{
    uint32_t gids[] = {2000, 2001};
    struct spec_user u = {.uid = 1000,
                          .gid = 1001,
                          .has_umask = true,
                          .umask = 027,
                          .additional_gids = gids,
                          .n_additional_gids = 2};
    struct spec_capabilities c = {.bounding = list(chown_only),
                                  .effective = list(chown_only),
                                  .permitted = list(chown_only),
                                  .inheritable = list(chown_only),
                                  .ambient = list(chown_only)};
    aisbx_error *err = NULL;
    if (caps_drop_bounding(&c, &err) < 0 || credentials_apply(&u, &err) < 0 ||
        caps_apply(&c, &err) < 0)
        FAIL("%s", err->msg);
    uid_t r, e, s;
    gid_t rg, eg, sg;
    if (getresuid(&r, &e, &s) || r != 1000 || e != 1000 || s != 1000)
        FAIL("uids %u %u %u", r, e, s);
    if (getresgid(&rg, &eg, &sg) || rg != 1001 || eg != 1001 || sg != 1001)
        FAIL("gids %u %u %u", rg, eg, sg);
    gid_t g[8];
    int n = getgroups(8, g);
    if (n != 2 || g[0] != 2000 || g[1] != 2001)
        FAIL("groups: %d", n);
    mode_t m = umask(0);
    if (m != 027)
        FAIL("umask %o", m);
    if (prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) != 0)
        FAIL("KEEPCAPS still set");
    EXPECT_SET("CapEff", BIT(CAP_CHOWN));
    EXPECT_SET("CapPrm", BIT(CAP_CHOWN));
    EXPECT_SET("CapInh", BIT(CAP_CHOWN));
    EXPECT_SET("CapAmb", BIT(CAP_CHOWN));
    EXPECT_SET("CapBnd", BIT(CAP_CHOWN));
    return 0;
}

static void test_user_switch_keeps_spec_caps(void **state)
{
    assert_int_equal(run_child(child_user, NULL), 0);
}

static int child_user_default_umask(void *arg)
{
    struct spec_user u = {.uid = 65534, .gid = 65534};
    aisbx_error *err = NULL;
    umask(0);
    if (credentials_apply(&u, &err) < 0 || caps_apply(NULL, &err) < 0)
        FAIL("%s", err->msg);
    if (umask(0) != 0022)
        FAIL("default umask not 0022");
    gid_t g[4];
    if (getgroups(4, g) != 0)
        FAIL("supplementary groups left");
    if (getuid() != 65534)
        FAIL("uid");
    EXPECT_SET("CapEff", 0);
    EXPECT_SET("CapPrm", 0);
    return 0;
}

static void test_user_defaults(void **state)
{
    assert_int_equal(run_child(child_user_default_umask, NULL), 0);
}

/* Effective beyond permitted cannot be set: an error, not a silent drop. */
static int child_eff_not_permitted(void *arg)
{
    struct spec_capabilities c = {.effective = list(chown_kill), .permitted = list(chown_only)};
    aisbx_error *err = NULL;
    if (caps_apply(&c, &err) == 0)
        FAIL("caps_apply accepted effective beyond permitted");
    aisbx_error_free(&err);
    return 0;
}

static void test_effective_beyond_permitted(void **state)
{
    assert_int_equal(run_child(child_eff_not_permitted, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_caps_from_names),  cmocka_unit_test(test_root_only_chown),
        cmocka_unit_test(test_null_means_empty), cmocka_unit_test(test_user_switch_keeps_spec_caps),
        cmocka_unit_test(test_user_defaults),    cmocka_unit_test(test_effective_beyond_permitted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
