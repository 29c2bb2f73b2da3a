/* The compiled-program cache (runtime/seccomp_cache.c) with the real floor:
 * a miss compiles and stores, a hit returns the very bytes a fresh compile
 * produces, and every kind of bad entry is rejected and rebuilt. Each test
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

#include "runtime/seccomp/seccomp_cache.h"
#include "runtime/seccomp/seccomp_floor.h"
#include "tests/seccomp_cache_helpers.h"

struct fx {
    char dir[64];
    char *key;
    struct seccomp_program fresh; /* seccomp_floor_build, no cache */
};

static int compiles;

static int counting_compile(const void *arg, struct seccomp_program *out, aisbx_error **err)
{
    (void)arg;
    compiles++;
    return seccomp_floor_build(out, NULL, err);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    aisbx_error *err = NULL;
    strcpy(f->dir, "/tmp/aisbx-sccache.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    f->key = seccomp_floor_cache_key();
    if (!f->key || seccomp_floor_build(&f->fresh, NULL, &err) < 0)
        return -1;
    unsetenv(SECCOMP_CACHE_ENV);
    compiles = 0;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    cache_rm_tree(f->dir);
    free(f->key);
    seccomp_program_free(&f->fresh);
    free(f);
    unsetenv(SECCOMP_CACHE_ENV);
    return 0;
}

static void assert_same_program(const struct seccomp_program *a, const struct seccomp_program *b)
{
    assert_int_equal(a->len, b->len);
    assert_memory_equal(a->filter, b->filter, (size_t)a->len * sizeof(struct sock_filter));
}

/* One fetch through the cache; checks the result equals a fresh compile. */
static struct seccomp_cache_report fetch(struct fx *f, const char *dir, const char *key)
{
    struct seccomp_program p;
    struct seccomp_cache_report rep;
    aisbx_error *err = NULL;
    int rc = seccomp_cache_fetch(dir, "floor", key, counting_compile, NULL, &p, &rep, &err);
    if (rc < 0)
        fail_msg("fetch: %s", err->msg);
    assert_same_program(&p, &f->fresh);
    seccomp_program_free(&p);
    return rep;
}

/* The single entry in dir (the test directories hold nothing else). */
static char *entry_path(const char *dir)
{
    char *cmd = xasprintf("ls -1 '%s'/floor-*.bpf 2>/dev/null", dir);
    FILE *fp = popen(cmd, "r");
    free(cmd);
    char line[512] = "", extra[512];
    assert_non_null(fp);
    assert_non_null(fgets(line, sizeof(line), fp));
    assert_null(fgets(extra, sizeof(extra), fp)); /* exactly one entry */
    pclose(fp);
    line[strcspn(line, "\n")] = '\0';
    return xstrdup(line);
}

static void test_miss_stores_then_hit_is_identical(void **state)
{
    struct fx *f = *state;
    struct seccomp_cache_report rep = fetch(f, f->dir, f->key);
    assert_int_equal(rep.status, SECCOMP_CACHE_ABSENT);
    assert_true(rep.stored);
    assert_int_equal(compiles, 1);

    char *path = entry_path(f->dir);
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0600);

    for (int i = 0; i < 3; i++) {
        rep = fetch(f, f->dir, f->key);
        assert_int_equal(rep.status, SECCOMP_CACHE_HIT);
        assert_null(rep.why);
        assert_false(rep.stored);
    }
    assert_int_equal(compiles, 1); /* hits do not compile */
    free(path);
}

/* Missing components are created root-only; a directory others can enter
 * is not used (compiled, nothing written). */
static void test_directory_rules(void **state)
{
    struct fx *f = *state;
    char *nested = xasprintf("%s/a/b", f->dir);
    struct seccomp_cache_report rep = fetch(f, nested, f->key);
    assert_int_equal(rep.status, SECCOMP_CACHE_ABSENT);
    struct stat st;
    assert_int_equal(stat(nested, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);

    assert_int_equal(chmod(nested, 0755), 0);
    rep = fetch(f, nested, f->key);
    assert_int_equal(rep.status, SECCOMP_CACHE_OFF);
    assert_false(rep.stored);
    assert_int_equal(compiles, 2);

    /* A symlink as the directory is refused too. */
    assert_int_equal(chmod(nested, 0700), 0);
    char *link = xasprintf("%s/link", f->dir);
    assert_int_equal(symlink(nested, link), 0);
    rep = fetch(f, link, f->key);
    assert_int_equal(rep.status, SECCOMP_CACHE_OFF);
    free(link);
    free(nested);
}

static void test_corrupt_entry_is_recompiled(void **state)
{
    struct fx *f = *state;
    fetch(f, f->dir, f->key);
    char *path = entry_path(f->dir);
    unsigned char *buf;
    size_t n;
    cache_read_file(path, &buf, &n);

    /* One flipped bit in the program: checksum. */
    buf[n - 3] ^= 0x10;
    cache_write_file(path, buf, n);
    struct seccomp_cache_report rep = fetch(f, f->dir, f->key);
    assert_int_equal(rep.status, SECCOMP_CACHE_INVALID);
    assert_non_null(strstr(rep.why, "checksum"));
    assert_true(rep.stored);
    assert_int_equal(fetch(f, f->dir, f->key).status, SECCOMP_CACHE_HIT);

    /* Truncated (a torn write): size. */
    buf[n - 3] ^= 0x10;
    cache_write_file(path, buf, n - 8);
    assert_int_equal(fetch(f, f->dir, f->key).status, SECCOMP_CACHE_INVALID);
    assert_int_equal(fetch(f, f->dir, f->key).status, SECCOMP_CACHE_HIT);

    /* Garbage and an empty file: header. */
    memset(buf, 'x', n);
    cache_write_file(path, buf, n);
    assert_int_equal(fetch(f, f->dir, f->key).status, SECCOMP_CACHE_INVALID);
    cache_write_file(path, buf, 0);
    assert_int_equal(fetch(f, f->dir, f->key).status, SECCOMP_CACHE_INVALID);
    assert_int_equal(fetch(f, f->dir, f->key).status, SECCOMP_CACHE_HIT);
    assert_int_equal(compiles, 5); /* first miss + four rejected entries */

    /* Writable by others, or owned by someone else: not trusted. */
    assert_int_equal(chmod(path, 0622), 0);
    assert_int_equal(fetch(f, f->dir, f->key).status, SECCOMP_CACHE_INVALID);
    assert_int_equal(chown(path, 65534, 65534), 0);
    assert_int_equal(fetch(f, f->dir, f->key).status, SECCOMP_CACHE_INVALID);
    assert_int_equal(fetch(f, f->dir, f->key).status, SECCOMP_CACHE_HIT);
    free(buf);
    free(path);
}

/* An entry whose stored key names another aisbx version (checksum made to
 * match, so only the key check can catch it) is rebuilt. */
static void test_wrong_version_is_recompiled(void **state)
{
    struct fx *f = *state;
    fetch(f, f->dir, f->key);
    char *path = entry_path(f->dir);
    unsigned char *buf;
    size_t n;
    cache_read_file(path, &buf, &n);
    char *ver = (char *)memmem(buf, n, "\naisbx ", 7);
    assert_non_null(ver);
    ver[7] = ver[7] == '9' ? '8' : '9'; /* first digit of the version */
    size_t key_len = strlen(f->key), hdr = n - key_len - (size_t)f->fresh.len * 8;
    uint64_t h = seccomp_cache_hash(SECCOMP_CACHE_HASH_INIT, buf + hdr, key_len);
    h = seccomp_cache_hash(h, buf + hdr + key_len, (size_t)f->fresh.len * 8);
    memcpy(buf + hdr - sizeof(h), &h, sizeof(h)); /* checksum ends the header */
    cache_write_file(path, buf, n);

    struct seccomp_cache_report rep = fetch(f, f->dir, f->key);
    assert_int_equal(rep.status, SECCOMP_CACHE_INVALID);
    assert_non_null(strstr(rep.why, "key mismatch"));
    assert_int_equal(compiles, 2);
    assert_int_equal(fetch(f, f->dir, f->key).status, SECCOMP_CACHE_HIT);

    /* Another key (another aisbx build, libseccomp or kernel) is another
     * entry; both stay usable side by side. */
    char *other = xasprintf("%slibseccomp 9.9.9\n", f->key);
    assert_int_equal(fetch(f, f->dir, other).status, SECCOMP_CACHE_ABSENT);
    assert_int_equal(cache_count_entries(f->dir, "^floor-.*\\.bpf$"), 2);
    assert_int_equal(fetch(f, f->dir, f->key).status, SECCOMP_CACHE_HIT);
    assert_int_equal(fetch(f, f->dir, other).status, SECCOMP_CACHE_HIT);
    free(other);
    free(buf);
    free(path);
}

/* Many builds over time: only the 8 newest entries are kept. */
static void test_old_entries_are_pruned(void **state)
{
    struct fx *f = *state;
    char *last = NULL;
    for (int i = 0; i < 12; i++) {
        free(last);
        last = xasprintf("%sbuild %d\n", f->key, i);
        assert_int_equal(fetch(f, f->dir, last).status, SECCOMP_CACHE_ABSENT);
        assert_true(cache_count_entries(f->dir, "^floor-.*\\.bpf$") <= 8);
    }
    assert_int_equal(cache_count_entries(f->dir, "^floor-.*\\.bpf$"), 8);
    assert_int_equal(fetch(f, f->dir, last).status, SECCOMP_CACHE_HIT);
    free(last);
}

static void test_disabled_and_keyless(void **state)
{
    struct fx *f = *state;
    setenv(SECCOMP_CACHE_ENV, "0", 1);
    struct seccomp_cache_report rep = fetch(f, f->dir, f->key);
    assert_int_equal(rep.status, SECCOMP_CACHE_OFF);
    assert_false(rep.stored);
    unsetenv(SECCOMP_CACHE_ENV);
    rep = fetch(f, f->dir, NULL); /* no build-id: never cached */
    assert_int_equal(rep.status, SECCOMP_CACHE_OFF);
    assert_int_equal(compiles, 2);
    char *cmd = xasprintf("test -z \"$(ls -A '%s')\"", f->dir);
    assert_int_equal(system(cmd), 0); /* nothing written */
    free(cmd);
}

static void test_key_names_its_inputs(void **state)
{
    struct fx *f = *state;
    const struct scmp_version *v = seccomp_version();
    char *lib = xasprintf("libseccomp %u.%u.%u\n", v->major, v->minor, v->micro);
    assert_non_null(strstr(f->key, lib));
    assert_non_null(strstr(f->key, "\nbuild-id "));
    assert_non_null(strstr(f->key, "\ntables "));
    assert_non_null(strstr(f->key, "\nkernel "));
    char *again = seccomp_floor_cache_key();
    assert_string_equal(again, f->key); /* stable within a build */
    free(again);
    free(lib);
}

/* The cached program really is the floor: loaded in a child, it denies. */
static void test_cached_program_loads_and_denies(void **state)
{
    struct fx *f = *state;
    fetch(f, f->dir, f->key);
    struct seccomp_program p;
    struct seccomp_cache_report rep;
    aisbx_error *err = NULL;
    assert_int_equal(seccomp_floor_cached(f->dir, &p, &rep, &err), 0);
    assert_int_equal(rep.status, SECCOMP_CACHE_HIT);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
            seccomp_program_load(&p, 0, NULL, NULL) < 0)
            _exit(10);
        if (syscall(SYS_reboot, 0, 0, 0, NULL) != -1 || errno != EPERM)
            _exit(11);
        if (syscall(1000) != -1 || errno != ENOSYS)
            _exit(12);
        if (getpid() <= 0)
            _exit(13);
        _exit(0);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    seccomp_program_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_miss_stores_then_hit_is_identical, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_entry_is_recompiled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_version_is_recompiled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_entries_are_pruned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disabled_and_keyless, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_names_its_inputs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cached_program_loads_and_denies, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
