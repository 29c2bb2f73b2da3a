/* `events`: runc's stream (stats every interval, "oom" from the kernel's
 * notification) plus the sandbox's own events: "overlay" once with create's
 * change list, "pids-limit" and "oom-kill" whenever the cgroup's counters
 * of refused forks and OOM kills grow. The container's lock is held only
 * while its state is read: a stream runs for the container's whole life. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/cgroup_stats.h"
#include "runtime/kernel/proc_info.h"
#include "runtime/lifecycle/handle.h"
#include "runtime/lifecycle/state_store.h"
#include "runtime/log.h"

/* Between counter reads: the longest a pids-limit event waits when the
 * kernel sends no notification for pids.events (v1). */
#define COUNTER_TICK_MS 1000

struct stream {
    const char *id, *cgroup;
    events_emit_fn emit;
    void *arg;
    struct cgroup_counters last;
    bool v1_eventfd; /* the watch fd is v1's OOM eventfd (else inotify) */
};

static int emit_owned(struct stream *s, char *json, int r, aisbx_error **err)
{
    if (r == 0)
        r = s->emit(json, s->arg, err);
    free(json);
    return r;
}

static int emit_stats(struct stream *s, aisbx_error **err)
{
    struct spec_stats st;
    char *json = NULL;
    size_t len;
    if (cgroup_stats(s->cgroup, &st, err) < 0)
        return -1;
    int r = spec_event_stats_generate(s->id, &st, &json, &len, err);
    spec_stats_free(&st);
    return emit_owned(s, json, r, err);
}

static int emit_count(struct stream *s, const char *type, bool with_count, uint64_t n,
                      aisbx_error **err)
{
    char *json = NULL;
    size_t len;
    int r = spec_event_count_generate(type, s->id, with_count, n, &json, &len, err);
    return emit_owned(s, json, r, err);
}

/* The overlay's change list stored at create, one event. */
static int emit_overlay(struct stream *s, const char *text, aisbx_error **err)
{
    char *copy = xstrdup(text ? text : ""), *save = NULL, **v = NULL, *json = NULL;
    size_t n = 0, len;
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        v = xrealloc(v, (n + 1) * sizeof(*v));
        v[n++] = l;
    }
    int r = spec_event_overlay_generate(s->id, v, n, &json, &len, err);
    free(v);
    free(copy);
    return emit_owned(s, json, r, err);
}

/* New pids-limit / oom-kill counts since the last look. "oom" is runc's
 * event: on v2 the notification is a counter too; on v1 the eventfd woke
 * (v1_oom_woke), which it also does when the cgroup is removed, so it
 * counts only while the cgroup is still there (as runc checks). */
static int check_counters(struct stream *s, bool v1_oom_woke, aisbx_error **err)
{
    struct cgroup_counters c;
    aisbx_error *e = NULL;
    if (cgroup_counters(s->cgroup, &c, &e) < 0) {
        /* The cgroup went with the container: the caller ends the stream. */
        log_debug("events: %s", e->msg);
        aisbx_error_free(&e);
        return 0;
    }
    int r = 0;
    if (v1_oom_woke || (!s->v1_eventfd && (c.oom > s->last.oom || c.oom_kill > s->last.oom_kill)))
        r = emit_count(s, "oom", false, 0, err);
    if (r == 0 && c.oom_kill > s->last.oom_kill)
        r = emit_count(s, "oom-kill", true, c.oom_kill, err);
    if (r == 0 && c.pids_max > s->last.pids_max)
        r = emit_count(s, "pids-limit", true, c.pids_max, err);
    s->last = c;
    return r;
}

/* One stats event in the stream. As runc: a failed read is logged and the
 * stream goes on; only a failed write (the reader is gone) ends it. */
static int stats_tick(struct stream *s, aisbx_error **err)
{
    aisbx_error *e = NULL;
    if (emit_stats(s, &e) == 0 || !e)
        return 0;
    if (e->errnum == EPIPE || e->errnum == EBADF || e->errnum == ENOSPC) {
        *err = e;
        return -1;
    }
    log_error("%s", e->msg);
    aisbx_error_free(&e);
    return 0;
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int stream(struct stream *s, int pidfd, long long interval, aisbx_error **err)
{
    int watch = -1;
    if (cgroup_oom_watch(s->cgroup, &watch, err) < 0)
        return -1;
    s->v1_eventfd = cgroup_version() == CGROUP_V1;
    int r = check_counters(s, false, err);
    long long next = now_ns() + interval;
    while (r == 0) {
        struct pollfd p[2] = {{.fd = pidfd, .events = POLLIN}, {.fd = watch, .events = POLLIN}};
        long long wait_ms = (next - now_ns() + 999999) / 1000000;
        if (wait_ms > COUNTER_TICK_MS)
            wait_ms = COUNTER_TICK_MS;
        if (wait_ms < 0)
            wait_ms = 0;
        int n = poll(p, watch >= 0 ? 2 : 1, (int)wait_ms);
        if (n < 0 && errno != EINTR) {
            r = aisbx_error_make(err, errno, "poll");
            break;
        }
        bool woke = n > 0 && (p[1].revents & POLLIN);
        if (woke)
            cgroup_oom_watch_drain(watch);
        r = check_counters(s, woke && s->v1_eventfd, err);
        if (n > 0 && p[0].revents)
            break; /* the init exited: the counters above were the last look */
        if (r == 0 && now_ns() >= next) {
            if ((r = stats_tick(s, err)) < 0)
                break;
            next += interval;
            if (next < now_ns())
                next = now_ns() + interval;
        }
    }
    if (watch >= 0)
        close(watch);
    return r;
}

int container_events(const struct aisbx_context *ctx, const char *id,
                     const struct events_options *o, events_emit_fn emit, void *arg,
                     aisbx_error **err)
{
    struct container_handle h;
    char *overlay = NULL;
    size_t len = 0;
    aisbx_error *e = NULL;
    if (handle_open(ctx, id, &h, err) < 0)
        return -1;
    /* runc's order: the container first, then the interval, then its status. */
    if (o->interval_ns <= 0) {
        handle_close(&h);
        return aisbx_error_make(err, 0, "duration interval must be greater than 0");
    }
    if (h.status == CS_STOPPED) {
        handle_close(&h);
        return aisbx_error_make(err, 0, "container with id %s is not running", id);
    }
    if (!h.state->cgroup_path || !*h.state->cgroup_path) {
        handle_close(&h);
        return aisbx_error_make(err, EOPNOTSUPP,
                                "events: container %s has no cgroup (rootless without a "
                                "delegated cgroup)",
                                id);
    }
    if (!o->stats_only &&
        state_read_file(h.dirfd, OVERLAY_LOG, &overlay, &len, STATE_MAX_BYTES, &e) < 0) {
        log_debug("events: %s", e->msg);
        aisbx_error_free(&e);
    }
    char *cgroup = xstrdup(h.state->cgroup_path);
    pid_t pid = h.state->pid;
    uint64_t start = h.state->pid_start_time;
    handle_close(&h);

    struct stream s = {.id = id, .cgroup = cgroup, .emit = emit, .arg = arg};
    int r;
    if (o->stats_only) {
        r = emit_stats(&s, err);
    } else {
        int pidfd = proc_pidfd_checked(pid, start); /* readable once it exits */
        /* A stats event first, at once (runc's first comes one interval
         * later; its own tests read the first line as stats), then the
         * overlay's. */
        r = stats_tick(&s, err);
        if (r == 0)
            r = emit_overlay(&s, overlay, err);
        if (r == 0 && pidfd >= 0)
            r = stream(&s, pidfd, o->interval_ns, err);
        else if (r == 0) /* gone meanwhile: the last counters, as at its end */
            r = check_counters(&s, false, err);
        if (pidfd >= 0)
            close(pidfd);
    }
    free(overlay);
    free(cgroup);
    return r;
}
