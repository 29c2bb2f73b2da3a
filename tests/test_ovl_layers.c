/* The overlay layer parser (ovl_layers.c) on mountinfo texts as the kernel
 * writes them: escapes, relative layers, the last mount wins, non-overlays. */

// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <string.h>

#include "runtime/kernel/ovl_layers.h"

#define DOCKER                                                                                     \
    "30 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"                                      \
    "312 30 0:52 / /var/lib/docker/overlay2/abc/merged rw,relatime - overlay overlay "             \
    "rw,lowerdir=/var/lib/docker/overlay2/l/AAA:/var/lib/docker/overlay2/l/BBB,"                   \
    "upperdir=/var/lib/docker/overlay2/abc/diff,workdir=/var/lib/docker/overlay2/abc/work,"        \
    "xino=off\n"

static void test_docker_absolute(void **state)
{
    struct ovl_layers l;
    aisbx_error *err = NULL;
    assert_int_equal(ovl_layers_parse(DOCKER, "/var/lib/docker/overlay2/abc/merged", &l, &err), 1);
    assert_string_equal(l.upper, "/var/lib/docker/overlay2/abc/diff");
    assert_int_equal(l.n_lower, 2);
    assert_string_equal(l.lower[0], "/var/lib/docker/overlay2/l/AAA");
    assert_string_equal(l.lower[1], "/var/lib/docker/overlay2/l/BBB");
    ovl_layers_free(&l);
    /* not an overlay, not mounted */
    assert_int_equal(ovl_layers_parse(DOCKER, "/", &l, &err), 0);
    assert_int_equal(ovl_layers_parse(DOCKER, "/srv", &l, &err), 0);
}

static void test_relative_and_escapes(void **state)
{
    /* docker mounts from its overlay2 dir with relative layers; a space
     * (\040), a comma (\054) and a colon (\:) in layer paths */
    const char *t = "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
                    "2 1 0:9 / /run/my\\040root rw - overlay overlay "
                    "rw,lowerdir=l/A\\054B:l/with\\:colon:/abs/x\\040y,"
                    "upperdir=/data/ovl/id\\0401/diff,workdir=/data/ovl/id\\0401/work\n";
    struct ovl_layers l;
    aisbx_error *err = NULL;
    assert_int_equal(ovl_layers_parse(t, "/run/my root", &l, &err), 1);
    assert_string_equal(l.upper, "/data/ovl/id 1/diff");
    assert_int_equal(l.n_lower, 3);
    assert_string_equal(l.lower[0], "/data/ovl/l/A,B");
    assert_string_equal(l.lower[1], "/data/ovl/l/with:colon");
    assert_string_equal(l.lower[2], "/abs/x y");
    ovl_layers_free(&l);
}

static void test_last_mount_wins_and_readonly(void **state)
{
    /* an overlay mounted over another at the same place: the top one; a
     * read-only overlay (no upper dir) with absolute layers and "::" */
    const char *t = "5 1 0:9 / /r rw - overlay overlay rw,lowerdir=/a,upperdir=/u/x/diff,"
                    "workdir=/u/x/work\n"
                    "6 5 0:10 / /r ro - overlay overlay ro,lowerdir=/b:/c::/d\n";
    struct ovl_layers l;
    aisbx_error *err = NULL;
    assert_int_equal(ovl_layers_parse(t, "/r", &l, &err), 1);
    assert_null(l.upper);
    assert_int_equal(l.n_lower, 3);
    assert_string_equal(l.lower[0], "/b");
    assert_string_equal(l.lower[2], "/d");
    ovl_layers_free(&l);
    /* relative layers without an upper dir cannot be resolved */
    t = "6 5 0:10 / /r ro - overlay overlay ro,lowerdir=l/b\n";
    assert_int_equal(ovl_layers_parse(t, "/r", &l, &err), -1);
    assert_non_null(strstr(err->msg, "relative"));
    aisbx_error_free(&err);
    /* a malformed line */
    t = "6 5 0:10 / /r ro overlay overlay ro,lowerdir=/b\n";
    assert_int_equal(ovl_layers_parse(t, "/r", &l, &err), -1);
    aisbx_error_free(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_docker_absolute),
        cmocka_unit_test(test_relative_and_escapes),
        cmocka_unit_test(test_last_mount_wins_and_readonly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
