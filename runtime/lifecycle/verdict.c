#include "runtime/lifecycle/verdict.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/lifecycle/state_store.h"
#include "runtime/log.h"

char *verdict_text(const struct cgroup_counters *c, int exit_status)
{
    char *s = xstrdup(""), *n;
    const char *sep = "";
    if (c->has_pids) {
        n = xasprintf("%s%spids cap hit %" PRIu64 " time%s", s, sep, c->pids_max,
                      c->pids_max == 1 ? "" : "s");
        free(s);
        s = n;
        sep = "; ";
    }
    if (c->has_oom_kill) {
        n = xasprintf("%s%s%" PRIu64 " OOM kill%s", s, sep, c->oom_kill,
                      c->oom_kill == 1 ? "" : "s");
        free(s);
        s = n;
        sep = "; ";
    }
    if (exit_status >= 0) {
        n = xasprintf("%s%sexit status %d", s, sep, exit_status);
        free(s);
        s = n;
    }
    return s;
}

static int stored_exit_status(const struct container_handle *h)
{
    char *buf = NULL;
    size_t len = 0;
    aisbx_error *e = NULL;
    int status = -1;
    if (state_read_file(h->dirfd, EXIT_STATUS_FILE, &buf, &len, 32, &e) == 0) {
        char *end = NULL;
        long v = strtol(buf, &end, 10);
        if (end != buf && v >= 0 && v <= 255)
            status = (int)v;
    }
    aisbx_error_free(&e);
    free(buf);
    return status;
}

char *verdict_compute(const struct container_handle *h)
{
    const struct spec_state *s = h->state;
    struct cgroup_counters c;
    aisbx_error *e = NULL;
    if (!s->cgroup_path || !*s->cgroup_path)
        return NULL;
    if (cgroup_counters(s->cgroup_path, &c, &e) < 0) {
        log_debug("verdict: %s", e->msg);
        aisbx_error_free(&e);
        return NULL;
    }
    return verdict_text(&c, stored_exit_status(h));
}

char *verdict_update(const struct container_handle *h)
{
    aisbx_error *e = NULL;
    char *text = verdict_compute(h), *old = text ? verdict_load(h) : NULL;
    /* A stopped container's counters rarely move: most calls write nothing. */
    if (text && (!old || strcmp(old, text) != 0) &&
        state_write_file(h->dirfd, VERDICT_FILE, text, strlen(text), &e) < 0) {
        log_debug("verdict: %s", e->msg);
        aisbx_error_free(&e);
    }
    free(old);
    return text;
}

char *verdict_load(const struct container_handle *h)
{
    char *buf = NULL;
    size_t len = 0;
    aisbx_error *e = NULL;
    if (state_read_file(h->dirfd, VERDICT_FILE, &buf, &len, 4096, &e) < 0) {
        aisbx_error_free(&e);
        return NULL;
    }
    return buf;
}

void verdict_note_exit(const struct aisbx_context *ctx, const char *id, int status)
{
    int dirfd = -1;
    aisbx_error *e = NULL;
    char buf[16];
    snprintf(buf, sizeof(buf), "%d", status);
    if (state_dir_open(ctx->root, id, &dirfd, &e) < 0 ||
        state_write_file(dirfd, EXIT_STATUS_FILE, buf, strlen(buf), &e) < 0) {
        log_debug("verdict: %s", e->msg);
        aisbx_error_free(&e);
    }
    if (dirfd >= 0)
        close(dirfd);
}

void verdict_log_kept(const struct aisbx_context *ctx, const char *id)
{
    struct container_handle h;
    aisbx_error *e = NULL;
    if (handle_open(ctx, id, &h, &e) < 0) {
        log_debug("verdict: %s", e->msg);
        aisbx_error_free(&e);
        return;
    }
    char *v = verdict_update(&h);
    if (v)
        log_info("verdict: container %s: %s", id, v);
    free(v);
    handle_close(&h);
}
