#include "runtime/kernel/proc_info.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "runtime/fd_util.h"

/* Reads /proc/<pid>/stat and returns a pointer just past the LAST ')':
 * comm may itself contain ')' and spaces, so the first one proves nothing. */
static int read_stat_tail(pid_t pid, char **buf, const char **tail)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t n;
    int r = read_all(fd, buf, &n, 64 * 1024);
    int saved = errno;
    close(fd);
    if (r < 0) {
        errno = saved;
        return -1;
    }
    char *p = strrchr(*buf, ')');
    if (!p || p[1] != ' ') {
        free(*buf);
        *buf = NULL;
        errno = EBADMSG;
        return -1;
    }
    *tail = p + 2; /* field 3 */
    return 0;
}

int proc_state_char(pid_t pid, char *c)
{
    char *buf = NULL;
    const char *tail;
    if (pid <= 0) {
        errno = ESRCH;
        return -1;
    }
    if (read_stat_tail(pid, &buf, &tail) < 0)
        return -1;
    *c = tail[0];
    free(buf);
    return 0;
}

/* Field 3 and field 22 from one read, so that liveness checks see one
 * consistent snapshot. Returns 0, or -1 with errno (EBADMSG: unparsable). */
/* Field `field` (>= 3) of a stat line, from its tail (field 3); NULL if
 * the line is shorter. */
static const char *stat_field(const char *tail, int field)
{
    const char *p = tail;
    for (int f = 3; f < field && p; f++) {
        p = strchr(p, ' ');
        if (p)
            p++;
    }
    return p;
}

static int read_state_and_start(pid_t pid, char *state, uint64_t *start)
{
    char *buf = NULL;
    const char *p;
    if (pid <= 0) {
        errno = ESRCH;
        return -1;
    }
    if (read_stat_tail(pid, &buf, &p) < 0)
        return -1;
    *state = p[0];
    p = stat_field(p, 22);
    char *end = NULL;
    unsigned long long v = 0;
    if (p) {
        errno = 0;
        v = strtoull(p, &end, 10);
    }
    bool bad = !p || end == p || errno || (*end != ' ' && *end != '\n' && *end != '\0');
    free(buf);
    if (bad) {
        errno = EBADMSG;
        return -1;
    }
    *start = (uint64_t)v;
    return 0;
}

int proc_start_time(pid_t pid, uint64_t *t, aisbx_error **err)
{
    char state;
    if (read_state_and_start(pid, &state, t) < 0)
        return aisbx_error_make(err, errno, "read start time from /proc/%d/stat", (int)pid);
    return 0;
}

bool proc_is_alive(pid_t pid, uint64_t start_time)
{
    char state;
    uint64_t t;
    if (read_state_and_start(pid, &state, &t) < 0)
        return false;
    return state != 'Z' && state != 'X' && state != 'x' && t == start_time;
}

int proc_pidfd_checked(pid_t pid, uint64_t start_time)
{
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd >= 0 && !proc_is_alive(pid, start_time)) {
        close(fd);
        errno = ESRCH;
        return -1;
    }
    return fd;
}

static char *format_now(bool nanos)
{
    struct timespec ts;
    struct tm tm;
    char date[32];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
    if (!nanos || ts.tv_nsec == 0)
        return xasprintf("%sZ", date);
    /* Go's RFC3339Nano (what runc prints) drops trailing zeros of the
     * fraction; do the same so `state` output matches runc's shape. */
    char frac[16];
    snprintf(frac, sizeof(frac), "%09ld", ts.tv_nsec);
    for (size_t i = strlen(frac); i > 0 && frac[i - 1] == '0'; i--)
        frac[i - 1] = '\0';
    return xasprintf("%s.%sZ", date, frac);
}

char *time_rfc3339_nano_now(void)
{
    return format_now(true);
}

char *time_rfc3339_now(void)
{
    return format_now(false);
}

void proc_wipe_cmdline(void)
{
    char *buf = NULL;
    const char *tail, *p;
    if (read_stat_tail(getpid(), &buf, &tail) < 0)
        return;
    /* arg_start and arg_end: fields 48 and 49 */
    unsigned long long start = 0, end = 0;
    if ((p = stat_field(tail, 48)))
        start = strtoull(p, NULL, 10);
    if ((p = stat_field(tail, 49)))
        end = strtoull(p, NULL, 10);
    free(buf);
    if (start && end > start && end - start < (1u << 24))
        memset((void *)(uintptr_t)start, 0, (size_t)(end - start));
}
