/* cgroup: device rules, checked by opening devices from a child. */
#include "tests/cgroup_helpers.h"

/* ---- devices --------------------------------------------------------------- */

static int try_open(const char *p, int flags)
{
    int fd = open(p, flags);
    if (fd < 0)
        return errno;
    close(fd);
    return 0;
}

static void test_devices(void **state)
{
    struct spec_device_cgroup rules[] = {
        {.allow = false, .access = "rwm"},
        {.allow = true,
         .type = "c",
         .has_major = true,
         .major = 1,
         .has_minor = true,
         .minor = 3,
         .access = "rwm"},
        {.allow = true,
         .type = "c",
         .has_major = true,
         .major = 1,
         .has_minor = true,
         .minor = 5,
         .access = "r"},
        {.allow = true,
         .type = "c",
         .has_major = true,
         .major = 1,
         .has_minor = true,
         .minor = 8,
         .access = "rw"},
        {.allow = false,
         .type = "c",
         .has_major = true,
         .major = 1,
         .has_minor = true,
         .minor = 8,
         .access = "w"}, /* later rules win: /dev/random is read-only */
    };
    struct spec_resources r = {.devices = rules, .n_devices = 5};
    int p[2];
    assert_int_equal(pipe(p), 0);
    child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        char c;
        close(p[1]);
        if (read(p[0], &c, 1) != 1)
            _exit(100);
        int code = 0;
        code |= try_open("/dev/null", O_RDWR) != 0;
        code |= (try_open("/dev/zero", O_RDONLY) != 0) << 1;
        code |= (try_open("/dev/zero", O_WRONLY) != EPERM) << 2;
        code |= (try_open("/dev/full", O_RDONLY) != EPERM) << 3;
        code |= (try_open("/dev/random", O_RDONLY) != 0) << 4;
        code |= (try_open("/dev/random", O_WRONLY) != EPERM) << 5;
        _exit(code);
    }
    close(p[0]);
    ASSERT_OK(cgroup_create(path, &r, child, &e_));
    assert_int_equal(write(p[1], "g", 1), 1);
    close(p[1]);
    int st;
    assert_int_equal(waitpid(child, &st, 0), child);
    child = -1;
    assert_true(WIFEXITED(st));
    if (WEXITSTATUS(st) != 0)
        fail_msg("device checks failed, bits 0x%x", WEXITSTATUS(st));
    ASSERT_OK(cgroup_destroy(base, false, &e_));
}

int main(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "test_cgroup_devices: needs root\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_devices, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
