/* The one error type of aisbx: an errno plus a message, created where a
 * failure happens and wrapped with context on its way up to cmd/, which is
 * the only place that prints it and chooses the exit status. */
#ifndef AISBX_SPECS_ERROR_H
#define AISBX_SPECS_ERROR_H

#include <stdlib.h>

typedef struct aisbx_error {
    int errnum; /* errno at the failure, 0 if not a system error */
    char *msg;  /* "context: context: cause[: strerror]" */
} aisbx_error;

/* Sets *err (if err and *err is still empty) and returns -1, so that
 * `return aisbx_error_make(err, errno, "open %s", p);` reads naturally. */
int aisbx_error_make(aisbx_error **err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Like aisbx_error_make, but the text is used exactly as formatted: errnum
 * is kept for callers that test it and no strerror is appended (for text
 * that already carries one, e.g. received from another process, or text an
 * engine matches exactly). */
int aisbx_error_make_exact(aisbx_error **err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prepends "context: " to an existing error; returns -1. */
int aisbx_error_wrap(aisbx_error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void aisbx_error_free(aisbx_error **err);

/* Cleanup attributes keep error paths short and leak-free. */
void aisbx_freep(void *p);
void aisbx_closep(int *fd);
#define cleanup_free __attribute__((cleanup(aisbx_freep)))
#define cleanup_close __attribute__((cleanup(aisbx_closep)))
#define cleanup_error __attribute__((cleanup(aisbx_error_free)))

/* Allocation failure is not recoverable in a short-lived runtime. */
void *xmalloc0(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
