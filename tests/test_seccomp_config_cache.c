/* The config's filter through the program cache (seccomp_config_cache.c):
 * the key tells apart profiles that differ in one field, a hit gives the
 * bytes a fresh compile gives and a program that behaves the same, a
 * corrupt, truncated or foreign entry is rebuilt, concurrent creates agree,
 * and the family stays bounded (least recently used evicted). Each test
 * works in its own mkdtemp directory and removes it. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/seccomp/seccomp.h"
#include "runtime/seccomp/seccomp_cache.h"
#include "tests/seccomp_cache_helpers.h"

/* A small profile in Docker's shape: default ERRNO(EPERM), an allowlist,
 * argument rules, an errnoRet rule. Mutable: tests change one field. */
static char *arches_v[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
static char *flags_v[] = {"SECCOMP_FILTER_FLAG_LOG"};
static char *allow_v[] = {"read",  "write",      "exit",   "exit_group",   "getpid",
                          "brk",   "mmap",       "munmap", "rt_sigreturn", "close",
                          "fstat", "newfstatat", "getcwd", "openat"};
static char *pers_v[] = {"personality"};
static char *clone3_v[] = {"clone3"};
static struct spec_seccomp_arg pers_args[] = {{.index = 0, .value = 8, .op = "SCMP_CMP_EQ"}};
static struct spec_seccomp_syscall rules[3];
static struct spec_seccomp prof;

static void reset_profile(void)
{
    pers_args[0] = (struct spec_seccomp_arg){.index = 0, .value = 8, .op = "SCMP_CMP_EQ"};
    rules[0] = (struct spec_seccomp_syscall){.names = {allow_v, 14}, .action = "SCMP_ACT_ALLOW"};
    rules[1] = (struct spec_seccomp_syscall){
        .names = {pers_v, 1}, .action = "SCMP_ACT_ALLOW", .args = pers_args, .n_args = 1};
    rules[2] = (struct spec_seccomp_syscall){.names = {clone3_v, 1},
                                             .action = "SCMP_ACT_ERRNO",
                                             .has_errno_ret = true,
                                             .errno_ret = ENOSYS};
    prof = (struct spec_seccomp){.default_action = "SCMP_ACT_ERRNO",
                                 .has_default_errno_ret = true,
                                 .default_errno_ret = EPERM,
                                 .architectures = {arches_v, 3},
                                 .flags = {flags_v, 1},
                                 .syscalls = rules,
                                 .n_syscalls = 3};
}

struct fx {
    char dir[64];
};

static int compiles;

static int counting_compile(const void *arg, struct seccomp_program *out, aisbx_error **err)
{
    compiles++;
    return seccomp_config_build(arg, out, err);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    strcpy(f->dir, "/tmp/aisbx-cfgcache.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    unsetenv(SECCOMP_CACHE_ENV);
    reset_profile();
    compiles = 0;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    cache_rm_tree(f->dir);
    free(f);
    unsetenv(SECCOMP_CACHE_ENV);
    return 0;
}

/* Through the cache in dir; checks the program equals a fresh compile. */
static struct seccomp_cache_report fetch(const char *dir, const struct spec_seccomp *s)
{
    struct seccomp_program p, fresh;
    struct seccomp_cache_report rep;
    aisbx_error *err = NULL;
    char *key = seccomp_config_cache_key(s);
    assert_non_null(key);
    if (seccomp_cache_fetch(dir, "config", key, counting_compile, s, &p, &rep, &err) < 0)
        fail_msg("fetch: %s", err->msg);
    if (seccomp_config_build(s, &fresh, &err) < 0)
        fail_msg("build: %s", err->msg);
    assert_int_equal(p.len, fresh.len);
    assert_memory_equal(p.filter, fresh.filter, (size_t)p.len * sizeof(struct sock_filter));
    seccomp_program_free(&p);
    seccomp_program_free(&fresh);
    free(key);
    return rep;
}

static char *only_entry(const char *dir)
{
    char *cmd = xasprintf("ls -1 '%s'/config-*.bpf", dir);
    FILE *fp = popen(cmd, "r");
    free(cmd);
    char line[512] = "", extra[512];
    assert_non_null(fp);
    assert_non_null(fgets(line, sizeof(line), fp));
    assert_null(fgets(extra, sizeof(extra), fp));
    pclose(fp);
    line[strcspn(line, "\n")] = '\0';
    return xstrdup(line);
}

/* ---- the key ------------------------------------------------------------ */

static char *key_now(void)
{
    char *k = seccomp_config_cache_key(&prof);
    assert_non_null(k);
    return k;
}

/* Each mutation of one field must give a key unlike the base and unlike
 * every other mutation; undoing it gives the base key back. */
static void test_key_tells_one_field_apart(void **state)
{
    (void)state;
    enum { N = 12 };
    char *keys[N + 1];
    static char *two_arches[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"};
    static char *no_flags[] = {NULL};
    static char *shuffled[] = {"write", "read",       "exit",   "exit_group",   "getpid",
                               "brk",   "mmap",       "munmap", "rt_sigreturn", "close",
                               "fstat", "newfstatat", "getcwd", "openat"};
    static char *newline_name[] = {"read\nwrite"};
    int n = 0;
    keys[n++] = key_now();
    for (int m = 0; m < N; m++) {
        reset_profile();
        switch (m) {
        case 0:
            pers_args[0].value = 9;
            break; /* one argument value */
        case 1:
            pers_args[0].op = "SCMP_CMP_NE";
            break; /* one operator */
        case 2:
            pers_args[0].index = 1;
            break; /* one argument index */
        case 3:
            prof.architectures = (struct spec_strlist){two_arches, 2};
            break; /* arch */
        case 4:
            prof.flags = (struct spec_strlist){no_flags, 0};
            break; /* flag */
        case 5:
            rules[2].errno_ret = EPERM;
            break; /* one errnoRet */
        case 6:
            prof.default_errno_ret = EACCES;
            break; /* default errno */
        case 7:
            rules[0].names = (struct spec_strlist){shuffled, 14};
            break; /* order */
        case 8:
            rules[0].names.n = 13;
            break; /* one name fewer */
        case 9:
            rules[1].action = "SCMP_ACT_LOG";
            break; /* one action */
        case 10:
            prof.n_syscalls = 2;
            break; /* one rule fewer */
        case 11:
            rules[0].names = (struct spec_strlist){newline_name, 1};
            break; /* framing */
        }
        keys[n++] = key_now();
    }
    for (int i = 0; i < n; i++)
        for (int k = i + 1; k < n; k++)
            if (!strcmp(keys[i], keys[k]))
                fail_msg("mutations %d and %d give the same key", i - 1, k - 1);
    reset_profile();
    char *again = key_now();
    assert_string_equal(again, keys[0]);
    /* The listener does not change the program: same key. */
    prof.listener_path = "/run/agent.sock";
    prof.listener_metadata = "x";
    char *listener = key_now();
    assert_string_equal(listener, keys[0]);
    /* The key names the code and environment too. */
    assert_non_null(strstr(keys[0], "\nbuild-id "));
    assert_non_null(strstr(keys[0], "\nlibseccomp "));
    assert_non_null(strstr(keys[0], "\nkernel "));
    assert_non_null(strstr(keys[0], "\narches 3 16:SCMP_ARCH_X86_64"));
    free(listener);
    free(again);
    for (int i = 0; i < n; i++)
        free(keys[i]);
}

/* Two profiles differing in one argument get two entries, each used for its
 * own profile only. */
static void test_distinct_profiles_distinct_entries(void **state)
{
    struct fx *f = *state;
    assert_int_equal(fetch(f->dir, &prof).status, SECCOMP_CACHE_ABSENT);
    pers_args[0].value = 0;
    assert_int_equal(fetch(f->dir, &prof).status, SECCOMP_CACHE_ABSENT);
    assert_int_equal(cache_count_entries(f->dir, "^config-.*\\.bpf$"), 2);
    assert_int_equal(fetch(f->dir, &prof).status, SECCOMP_CACHE_HIT);
    reset_profile();
    assert_int_equal(fetch(f->dir, &prof).status, SECCOMP_CACHE_HIT);
    assert_int_equal(compiles, 2);
}

/* The cached program behaves as the profile says. */
static void test_cached_program_behaves(void **state)
{
    struct fx *f = *state;
    fetch(f->dir, &prof);
    struct seccomp_program p;
    struct seccomp_cache_report rep;
    aisbx_error *err = NULL;
    char *key = key_now();
    assert_int_equal(
        seccomp_cache_fetch(f->dir, "config", key, counting_compile, &prof, &p, &rep, &err), 0);
    assert_int_equal(rep.status, SECCOMP_CACHE_HIT);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
            seccomp_program_load(&p, 0, NULL, NULL) < 0)
            _exit(10);
        if (syscall(SYS_clone3, NULL, 0) != -1 || errno != ENOSYS)
            _exit(11);
        if (syscall(SYS_personality, 0xffffffffUL) != -1 || errno != EPERM)
            _exit(12); /* only personality(8) is allowed */
        if (syscall(SYS_personality, 8UL) == -1)
            _exit(13);
        if (syscall(SYS_mkdirat, AT_FDCWD, "/nonexistent/x", 0700) != -1 || errno != EPERM)
            _exit(14); /* not listed: the default */
        if (syscall(SYS_getpid) <= 0)
            _exit(15);
        syscall(SYS_exit_group, 0);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    seccomp_program_free(&p);
    free(key);
}

/* ---- bad entries -------------------------------------------------------- */

static void test_flipped_truncated_foreign_rebuilt(void **state)
{
    struct fx *f = *state;
    fetch(f->dir, &prof);
    char *path = only_entry(f->dir);
    unsigned char *buf;
    size_t n;
    cache_read_file(path, &buf, &n);

    buf[n - 5] ^= 0x01; /* one flipped bit in the program */
    cache_write_file(path, buf, n);
    struct seccomp_cache_report rep = fetch(f->dir, &prof);
    assert_int_equal(rep.status, SECCOMP_CACHE_INVALID);
    assert_non_null(strstr(rep.why, "checksum"));
    assert_true(rep.stored);
    assert_int_equal(fetch(f->dir, &prof).status, SECCOMP_CACHE_HIT);
    buf[n - 5] ^= 0x01;

    cache_write_file(path, buf, n - 1); /* truncated */
    rep = fetch(f->dir, &prof);
    assert_int_equal(rep.status, SECCOMP_CACHE_INVALID);
    assert_int_equal(fetch(f->dir, &prof).status, SECCOMP_CACHE_HIT);

    /* Foreign: written by another build (the version in the stored key
     * differs) with a checksum made to match: only the key check sees it. */
    char *key = key_now();
    size_t key_len = strlen(key), plen = n - key_len - 32; /* 32: the header */
    char *ver = memmem(buf + 32, key_len, "\naisbx ", 7);
    assert_non_null(ver);
    ver[7] = ver[7] == '9' ? '8' : '9';
    uint64_t h = seccomp_cache_hash(SECCOMP_CACHE_HASH_INIT, buf + 32, key_len);
    h = seccomp_cache_hash(h, buf + 32 + key_len, plen);
    memcpy(buf + 24, &h, sizeof(h));
    cache_write_file(path, buf, n);
    rep = fetch(f->dir, &prof);
    assert_int_equal(rep.status, SECCOMP_CACHE_INVALID);
    assert_non_null(strstr(rep.why, "key mismatch"));
    assert_int_equal(fetch(f->dir, &prof).status, SECCOMP_CACHE_HIT);
    assert_int_equal(compiles, 4);
    free(key);
    free(buf);
    free(path);
}

/* ---- many creates at once ------------------------------------------------ */

/* 6 processes, 25 fetches each, over 3 profiles, starting from an empty
 * directory: each result equals a fresh compile (fetch() checks), no
 * temporary file is left, the final entries are hits. */
static void test_concurrent_writers(void **state)
{
    struct fx *f = *state;
    enum { PROCS = 6, ROUNDS = 25 };
    pid_t pids[PROCS];
    for (int i = 0; i < PROCS; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            for (int r = 0; r < ROUNDS; r++) {
                reset_profile();
                pers_args[0].value = (uint64_t)((i + r) % 3);
                struct seccomp_program p, fresh;
                aisbx_error *err = NULL;
                char *key = seccomp_config_cache_key(&prof);
                if (!key ||
                    seccomp_cache_fetch(f->dir, "config", key, counting_compile, &prof, &p, NULL,
                                        &err) < 0 ||
                    seccomp_config_build(&prof, &fresh, &err) < 0)
                    _exit(20);
                if (p.len != fresh.len ||
                    memcmp(p.filter, fresh.filter, (size_t)p.len * sizeof(struct sock_filter)))
                    _exit(21);
                seccomp_program_free(&p);
                seccomp_program_free(&fresh);
                free(key);
            }
            _exit(0);
        }
    }
    for (int i = 0; i < PROCS; i++) {
        int st;
        assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
    }
    assert_int_equal(cache_count_entries(f->dir, "\\.tmp$"), 0);
    assert_int_equal(cache_count_entries(f->dir, "^config-.*\\.bpf$"), 3);
    for (int v = 0; v < 3; v++) {
        pers_args[0].value = (uint64_t)v;
        assert_int_equal(fetch(f->dir, &prof).status, SECCOMP_CACHE_HIT);
    }
}

/* ---- bounded ------------------------------------------------------------ */

/* 40 profiles: at most 32 entries stay; the one used recently survives. */
static void test_bounded_least_recently_used_evicted(void **state)
{
    struct fx *f = *state;
    pers_args[0].value = 1000;
    assert_int_equal(fetch(f->dir, &prof).status, SECCOMP_CACHE_ABSENT);
    for (uint64_t v = 0; v < 40; v++) {
        pers_args[0].value = v;
        assert_int_equal(fetch(f->dir, &prof).status, SECCOMP_CACHE_ABSENT);
        assert_true(cache_count_entries(f->dir, "^config-.*\\.bpf$") <= 32);
        pers_args[0].value = 1000; /* used between every two new ones */
        assert_int_equal(fetch(f->dir, &prof).status, SECCOMP_CACHE_HIT);
    }
    assert_int_equal(cache_count_entries(f->dir, "^config-.*\\.bpf$"), 32);
    pers_args[0].value = 0; /* the oldest of the 40: evicted */
    assert_int_equal(fetch(f->dir, &prof).status, SECCOMP_CACHE_ABSENT);
    pers_args[0].value = 39; /* the newest: kept */
    assert_int_equal(fetch(f->dir, &prof).status, SECCOMP_CACHE_HIT);
}

static void test_disabled_writes_nothing(void **state)
{
    struct fx *f = *state;
    setenv(SECCOMP_CACHE_ENV, "0", 1);
    assert_int_equal(fetch(f->dir, &prof).status, SECCOMP_CACHE_OFF);
    assert_int_equal(fetch(f->dir, &prof).status, SECCOMP_CACHE_OFF);
    assert_int_equal(compiles, 2);
    assert_int_equal(cache_count_entries(f->dir, "."), 0);
}

/* A profile that does not compile is an error every time, cached or not,
 * and leaves no entry. */
static void test_bad_profile_not_cached(void **state)
{
    struct fx *f = *state;
    rules[1].action = "SCMP_ACT_NO_SUCH";
    for (int i = 0; i < 2; i++) {
        struct seccomp_program p;
        aisbx_error *err = NULL;
        char *key = key_now();
        assert_int_equal(
            seccomp_cache_fetch(f->dir, "config", key, counting_compile, &prof, &p, NULL, &err),
            -1);
        assert_non_null(strstr(err->msg, "SCMP_ACT_NO_SUCH"));
        aisbx_error_free(&err);
        free(key);
    }
    assert_int_equal(compiles, 2);
    assert_int_equal(cache_count_entries(f->dir, "."), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_key_tells_one_field_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_distinct_profiles_distinct_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cached_program_behaves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flipped_truncated_foreign_rebuilt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_writers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bounded_least_recently_used_evicted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disabled_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_profile_not_cached, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
