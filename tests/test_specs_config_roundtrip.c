/* specs/ config.json: generate/parse round-trips, deep dup, minimal and
 * odd documents, parsing a file, and what generate leaves out. */
#include "tests/specs_config_helpers.h"

/* parse -> generate -> parse -> generate is a fixed point, in both
 * layouts, and the digits of the u64 maxima survive. */
static void test_roundtrip(void **state)
{
    struct spec_config *c = parse_ok(FULL);
    for (int pretty = 0; pretty <= 1; pretty++) {
        char *a = gen(c, pretty);
        assert_non_null(strstr(a, "18446744073709551615"));
        struct spec_config *c2 = parse_ok(a);
        char *b = gen(c2, pretty);
        assert_string_equal(a, b);
        assert_true(c2->linux_->seccomp->syscalls[4].args[0].value == UINT64_MAX);
        assert_true(c2->linux_->seccomp->syscalls[4].args[0].value_two == UINT64_MAX);
        assert_true(c2->process->rlimits[0].hard == UINT64_MAX);
        assert_true(c2->linux_->resources->hugepage_limits[0].limit == UINT64_MAX);
        assert_true(c2->linux_->resources->block_io->throttle_read_bps.v[0].rate == UINT64_MAX);
        free(a);
        free(b);
        spec_config_free(c2);
    }
    spec_config_free(c);
}

static void test_dup_is_deep(void **state)
{
    struct spec_config *c = parse_ok(FULL);
    struct spec_config *d = spec_config_dup(c);
    char *a = gen(c, false), *b = gen(d, false);
    assert_string_equal(a, b);
    /* Changing the copy leaves the original alone. */
    free(d->process->args.v[0]);
    d->process->args.v[0] = xstrdup("/other");
    d->linux_->resources->pids->limit = 1;
    spec_strlist_push(&d->process->capabilities->bounding, "CAP_SYS_ADMIN");
    spec_kvlist_set(&d->annotations, "k", "v");
    char *a2 = gen(c, false);
    assert_string_equal(a, a2);
    spec_config_free(d);
    char *a3 = gen(c, false);
    assert_string_equal(a, a3);
    free(a);
    free(a2);
    free(a3);
    free(b);
    spec_config_free(c);
    assert_null(spec_config_dup(NULL));
    assert_null(spec_process_dup(NULL));
    assert_null(spec_resources_dup(NULL));
}

static void test_minimal(void **state)
{
    struct spec_config *c = parse_ok("{\"ociVersion\":\"1.0.0\"}");
    assert_null(c->process);
    assert_null(c->root);
    assert_null(c->linux_);
    assert_int_equal(c->n_mounts, 0);
    char *a = gen(c, false);
    assert_string_equal(a, "{\"ociVersion\":\"1.0.0\"}");
    free(a);
    spec_config_free(c);
    /* null is absent, as in Go */
    c = parse_ok("{\"ociVersion\":\"1.0.0\",\"process\":null,\"linux\":null,\"mounts\":null}");
    assert_null(c->process);
    spec_config_free(c);
}

static void test_unknown_keys_ignored(void **state)
{
    struct spec_config *c = parse_ok(
        "{\"ociVersion\":\"1.2.0\",\"future\":{\"a\":[1,2,{\"b\":null}]},\"windows\":{},"
        "\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":1,\"gid\":2,\"x\":true},\"new\":1},"
        "\"linux\":{\"netDevices\":{\"eth0\":{}},\"memoryPolicy\":{},\"resources\":{\"x\":1,"
        "\"pids\":{\"limit\":5,\"y\":\"z\"}},\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
        "\"z\":[]}},\"mounts\":[{\"destination\":\"/x\",\"w\":1}]}");
    assert_int_equal(c->process->user.gid, 2);
    assert_int_equal(c->linux_->resources->pids->limit, 5);
    assert_string_equal(c->mounts[0].destination, "/x");
    spec_config_free(c);
}

static void test_duplicate_keys_last_wins(void **state)
{
    struct spec_config *c = parse_ok("{\"ociVersion\":\"1\",\"hostname\":\"a\",\"hostname\":\"b\","
                                     "\"annotations\":{\"k\":\"1\",\"j\":\"x\",\"k\":\"2\"}}");
    assert_string_equal(c->hostname, "b");
    assert_int_equal(c->annotations.n, 2);
    assert_string_equal(spec_kvlist_get(&c->annotations, "k"), "2");
    spec_config_free(c);
}

static void test_parse_file(void **state)
{
    char path[] = "/tmp/aisbx-test-config-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, FULL, strlen(FULL)), (ssize_t)strlen(FULL));
    close(fd);
    struct spec_config *c = NULL;
    aisbx_error *err = NULL;
    assert_int_equal(spec_config_parse_file(path, &c, &err), 0);
    assert_string_equal(c->hostname, "pod");
    spec_config_free(c);
    /* errors carry the file name */
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_int_equal(write(fd, "{}", 2), 2);
    close(fd);
    assert_int_equal(spec_config_parse_file(path, &c, &err), -1);
    char *want = xasprintf("%s: ociVersion: missing required key", path);
    assert_string_equal(err->msg, want);
    free(want);
    aisbx_error_free(&err);
    unlink(path);
    assert_int_equal(spec_config_parse_file(path, &c, &err), -1);
    assert_int_equal(err->errnum, ENOENT);
    aisbx_error_free(&err);
    assert_int_equal(spec_config_parse_file("/tmp", &c, &err), -1);
    aisbx_error_free(&err);
}

static void test_generate_omits_absent(void **state)
{
    struct spec_config *c = xmalloc0(sizeof(*c));
    c->process = xmalloc0(sizeof(*c->process));
    c->process->cwd = xstrdup("/");
    spec_strlist_push(&c->process->args, "true");
    c->linux_ = xmalloc0(sizeof(*c->linux_));
    c->linux_->resources = xmalloc0(sizeof(*c->linux_->resources));
    c->linux_->resources->pids = xmalloc0(sizeof(struct spec_pids));
    c->linux_->resources->pids->has_limit = true;
    c->linux_->resources->pids->limit = 256;
    char *a = gen(c, false);
    assert_string_equal(a, "{\"ociVersion\":\"1.2.0\",\"process\":{\"user\":{\"uid\":0,\"gid\":0},"
                           "\"args\":[\"true\"],\"cwd\":\"/\"},\"linux\":{\"resources\":"
                           "{\"pids\":{\"limit\":256}}}}");
    free(a);
    spec_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_dup_is_deep),
        cmocka_unit_test(test_minimal),
        cmocka_unit_test(test_unknown_keys_ignored),
        cmocka_unit_test(test_duplicate_keys_last_wins),
        cmocka_unit_test(test_parse_file),
        cmocka_unit_test(test_generate_omits_absent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
