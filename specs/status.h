/* A container's status as a type. The OCI strings ("created", ...) exist
 * only where state.json, `state` and `list` are written or read; everything
 * else compares enum values, and the legal transitions are the predicates
 * below, so a misspelled state is a compile error and each rule is written
 * once. */
#ifndef AISBX_SPECS_STATUS_H
#define AISBX_SPECS_STATUS_H

#include <stdbool.h>

#include "error.h"

enum container_status {
    CS_CREATING, /* create has the state dir locked: the init is being set up */
    CS_CREATED,  /* the init waits for `start` on exec.fifo */
    CS_RUNNING,
    CS_PAUSED, /* the cgroup is frozen */
    CS_STOPPED,
};

/* The runtime-spec's name ("creating" ... "stopped"); "unknown" for a value
 * outside the enum. */
const char *container_status_name(enum container_status s);
/* The inverse of container_status_name: exactly the five OCI names. */
int container_status_parse(const char *s, enum container_status *out, aisbx_error **err);

/* `start` releases only a container that waits for it. */
static inline bool cs_can_start(enum container_status s)
{
    return s == CS_CREATED;
}

/* The program runs (maybe frozen): `exec` may join it, and only
 * `delete --force` may end it. */
static inline bool cs_is_live(enum container_status s)
{
    return s == CS_RUNNING || s == CS_PAUSED;
}

/* runc pauses a created container too (start then refuses until resume). */
static inline bool cs_can_pause(enum container_status s)
{
    return s == CS_RUNNING || s == CS_CREATED;
}

static inline bool cs_can_resume(enum container_status s)
{
    return s == CS_PAUSED;
}

/* A created container is deleted without --force, as runc does: its
 * program never ran. */
static inline bool cs_can_delete_without_force(enum container_status s)
{
    return !cs_is_live(s);
}

/* Processes may exist (an init cloned by create counts): `kill`, `update`
 * and `ps` have something to act on. */
static inline bool cs_has_processes(enum container_status s)
{
    return s != CS_STOPPED;
}

/* poststop hooks run only for a container that was created. */
static inline bool cs_runs_poststop(enum container_status s)
{
    return s != CS_CREATING;
}

#endif
