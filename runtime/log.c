#include "runtime/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_file_fd = -1;
static bool log_json;
static bool log_debug_on;
static bool log_quiet;

static const char *const level_names[] = {"error", "warning", "info", "debug"};

int log_init(const char *path, bool json, bool debug, aisbx_error **err)
{
    log_json = json;
    log_debug_on = debug;
    if (path && *path) {
        log_file_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (log_file_fd < 0)
            return aisbx_error_make(err, errno, "open log file %s", path);
    }
    return 0;
}

int log_fd(void)
{
    return log_file_fd;
}

void log_close(void)
{
    if (log_file_fd >= 0)
        close(log_file_fd);
    log_file_fd = -1;
}

void log_set_quiet(bool quiet)
{
    log_quiet = quiet;
}

/* JSON string escaping by hand: log.c sits in runtime/ and must not pull in
 * the JSON backend, and a log line must never fail to be written. */
static size_t json_escape(char *dst, size_t cap, const char *s)
{
    size_t o = 0;
    for (; *s && o + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            dst[o++] = '\\';
            dst[o++] = (char)c;
        } else if (c == '\n') {
            dst[o++] = '\\';
            dst[o++] = 'n';
        } else if (c < 0x20) {
            o += (size_t)snprintf(dst + o, cap - o, "\\u%04x", c);
        } else {
            dst[o++] = (char)c;
        }
    }
    dst[o] = '\0';
    return o;
}

static void now_rfc3339(char *buf, size_t n)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
}

static void log_vmsg(enum log_level level, bool stderr_ok, const char *fmt, va_list ap)
{
    char msg[4096], line[8192 + 128], ts[64];
    int saved = errno;
    ssize_t r;

    if (level == LOG_DEBUG && !log_debug_on)
        return;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    /* One line per message: engines read the log line by line. */
    for (char *p = msg; *p; p++)
        if (*p == '\n' && !log_json)
            *p = ' ';

    if (log_file_fd >= 0) {
        now_rfc3339(ts, sizeof(ts));
        if (log_json) {
            char esc[8192];
            json_escape(esc, sizeof(esc), msg);
            snprintf(line, sizeof(line), "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n",
                     level_names[level], esc, ts);
        } else {
            snprintf(line, sizeof(line), "time=\"%s\" level=%s msg=\"%s\"\n", ts,
                     level_names[level], msg);
        }
        r = write(log_file_fd, line, strlen(line));
        (void)r;
    }
    if (level == LOG_ERROR || (stderr_ok && !log_quiet && log_file_fd < 0 && level != LOG_INFO)) {
        /* With JSON logs an engine is reading (podman shows our stderr
         * behind its own "aisbx: " prefix): the bare message, as runc. */
        snprintf(line, sizeof(line), "%s%s%s\n",
                 log_json ? "" : "aisbx: ", level == LOG_WARNING ? "warning: " : "", msg);
        r = write(2, line, strlen(line));
        (void)r;
    }
    errno = saved;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, true, fmt, ap);
    va_end(ap);
}

void log_file_only(enum log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, log_debug_on, fmt, ap);
    va_end(ap);
}
