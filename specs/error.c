#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void oom(void)
{
    static const char m[] = "aisbx: out of memory\n";
    ssize_t r = write(2, m, sizeof(m) - 1);
    (void)r;
    abort();
}

void *xmalloc0(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        oom();
    return p;
}

char *xstrdup(const char *s)
{
    char *r = strdup(s ? s : "");
    if (!r)
        oom();
    return r;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *r = NULL;
    va_start(ap, fmt);
    if (vasprintf(&r, fmt, ap) < 0)
        oom();
    va_end(ap);
    return r;
}

/* The one way an error is made; with_strerror appends ": <strerror>". */
static int error_new(aisbx_error **err, int errnum, bool with_strerror, const char *fmt, va_list ap)
{
    char *msg = NULL;
    if (!err || *err)
        return -1;
    if (vasprintf(&msg, fmt, ap) < 0)
        oom();
    *err = xmalloc0(sizeof(**err));
    (*err)->errnum = errnum;
    if (errnum && with_strerror) {
        (*err)->msg = xasprintf("%s: %s", msg, strerror(errnum));
        free(msg);
    } else {
        (*err)->msg = msg;
    }
    return -1;
}

int aisbx_error_make(aisbx_error **err, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_new(err, errnum, true, fmt, ap);
    va_end(ap);
    return -1;
}

int aisbx_error_make_exact(aisbx_error **err, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_new(err, errnum, false, fmt, ap);
    va_end(ap);
    return -1;
}

int aisbx_error_wrap(aisbx_error **err, const char *fmt, ...)
{
    va_list ap;
    char *ctx = NULL, *msg;
    if (!err || !*err)
        return -1;
    va_start(ap, fmt);
    if (vasprintf(&ctx, fmt, ap) < 0)
        oom();
    va_end(ap);
    msg = xasprintf("%s: %s", ctx, (*err)->msg);
    free(ctx);
    free((*err)->msg);
    (*err)->msg = msg;
    return -1;
}

void aisbx_error_free(aisbx_error **err)
{
    if (!err || !*err)
        return;
    free((*err)->msg);
    free(*err);
    *err = NULL;
}

void aisbx_freep(void *p)
{
    free(*(void **)p);
}

void aisbx_closep(int *fd)
{
    if (*fd >= 0) {
        int saved = errno;
        close(*fd);
        errno = saved;
        *fd = -1;
    }
}
