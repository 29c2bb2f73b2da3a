/* Shared by tests/test_seccomp_cache.c and tests/test_seccomp_config_cache.c
 * (one binary each, so the helpers are static inline here): the cache
 * directory's entries counted, an entry read and rewritten (to corrupt it),
 * the directory removed. */
#ifndef AISBX_TESTS_SECCOMP_CACHE_HELPERS_H
#define AISBX_TESTS_SECCOMP_CACHE_HELPERS_H

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "specs/error.h"

/* Names in dir (dot files too) matching the grep regex re. */
static inline int cache_count_entries(const char *dir, const char *re)
{
    char *cmd = xasprintf("cd '%s' && ls -1A | grep -c -- '%s' || true", dir, re);
    FILE *fp = popen(cmd, "r");
    free(cmd);
    int n = -1;
    assert_non_null(fp);
    assert_int_equal(fscanf(fp, "%d", &n), 1);
    pclose(fp);
    return n;
}

static inline void cache_read_file(const char *path, unsigned char **buf, size_t *n)
{
    struct stat st;
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(fstat(fd, &st), 0);
    *n = (size_t)st.st_size;
    *buf = xmalloc0(*n + 1);
    assert_int_equal(read(fd, *buf, *n), (ssize_t)*n);
    close(fd);
}

static inline void cache_write_file(const char *path, const void *buf, size_t n)
{
    int fd = open(path, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, buf, n), (ssize_t)n);
    close(fd);
}

static inline void cache_rm_tree(const char *dir)
{
    char *cmd = xasprintf("rm -rf -- '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cleanup of %s failed\n", dir);
    free(cmd);
}

#endif
