/* Inside the cgroup module only (runtime/cgroup*.c and tests/): the driver
 * table the facade (cgroup.c) dispatches through, the v1 hierarchy lookup,
 * and the per-version pieces the drivers are built from.
 *
 * Calls only go down, never back into a file that calls them:
 *   cgroup.c -> {cgroup_v1.c, cgroup_v2.c} -> cgroup_fs.c
 *   cgroup.c -> cgroup_systemd.c -> systemd_unit.c
 *   cgroup_v1.c -> cgroup_v1_resources.c -> cgroup_v1_hier.c -> cgroup_fs.c
 *   cgroup_v2.c -> cgroup_v2_devices.c
 * (hack/callgraph.sh checks it). */
#ifndef AISBX_RUNTIME_CGROUP_INTERNAL_H
#define AISBX_RUNTIME_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/cgroup_fs.h"
#include "specs/config.h"
#include "specs/error.h"

/* One cgroup manager. The facade checks the path (absolute, no "..") before
 * any call and adds the "<verb> cgroup <path>" context to errors of create,
 * enter, update, freeze and destroy; the driver does the rest. */
struct cg_driver {
    /* Creates the cgroup, applies r (may be NULL) and moves pid in (pid <= 0:
     * no move); removes what it created on failure. */
    int (*create)(const char *path, const struct spec_resources *r, pid_t pid, aisbx_error **err);
    int (*enter)(const char *path, pid_t pid, aisbx_error **err);
    /* --systemd-cgroup: systemd has created the cgroup (and moved pid in);
     * applies r inside it without touching its parents (they are systemd's). */
    int (*adopt)(const char *path, const struct spec_resources *r, pid_t pid, aisbx_error **err);
    /* r is not NULL. Device rules are left alone. */
    int (*update)(const char *path, const struct spec_resources *r, aisbx_error **err);
    /* Waits until the cgroup is FROZEN / THAWED. */
    int (*freeze)(const char *path, bool freeze, aisbx_error **err);
    int (*is_frozen)(const char *path, bool *frozen, aisbx_error **err);
    /* v2: cgroup.kill for SIGKILL when the kernel has it, else signals every
     * pid; v1: signals every pid, frozen meanwhile for SIGKILL. */
    int (*kill_all)(const char *path, int sig, aisbx_error **err);
    /* rmdir everywhere, deepest first; ENOENT is success. */
    int (*destroy)(const char *path, aisbx_error **err);
    /* The directory whose cgroup.procs (and sub-cgroups) list the
     * container's processes; heap, NULL with err. */
    char *(*procs_dir)(const char *path, aisbx_error **err);
    /* The directory holding controller's files; heap, NULL if that
     * controller is not mounted. v2 has one directory for all. */
    char *(*dir)(const char *controller, const char *path);
};
/* cgroup_v1.c, cgroup_v2.c. cgroup.c picks one. */
extern const struct cg_driver cg_v1, cg_v2;

/* ---- cgroup_systemd.c: the unit, through aisbx-systemd ---- */

/* path is the unit's expected cgroup path (systemd_unit.h; one under
 * user@UID.service is the user's manager's unit); the unit is started with
 * pid in it and r's systemd-owned properties, and the call returns once
 * systemd's job is done, with *actual the unit's ControlGroup as systemd
 * reports it (heap; checked to name the same unit). */
int cg_systemd_start(const char *path, const struct spec_resources *r, pid_t pid, char **actual,
                     aisbx_error **err);
int cg_systemd_set(const char *path, const struct spec_resources *r, aisbx_error **err);
/* Moves pid into the unit's cgroup through its manager. */
int cg_systemd_attach(const char *path, pid_t pid, aisbx_error **err);
/* Stops the unit (a unit already gone is success) and resets it if failed. */
int cg_systemd_stop(const char *path, aisbx_error **err);

/* ---- cgroup_v1_hier.c: the v1 hierarchies ---- */

/* A v1 hierarchy we use: its mount point and the controllers on it. */
struct cg_hier {
    char *mount;
    char *controllers; /* "cpu,cpuacct"; "" for the unified one */
    bool unified;      /* a hybrid host's cgroup2 mount (no controller) */
};
/* Every mounted v1 hierarchy carrying one of the controllers we manage,
 * one entry per hierarchy (named ones such as name=systemd are skipped),
 * and the unified hierarchy if the host is hybrid (cgroup2 mounted beside
 * v1, at /sys/fs/cgroup/unified on Debian and systemd hosts). */
int cg_v1_hierarchies(struct cg_hier **out, size_t *n, aisbx_error **err);
void cg_v1_hierarchies_free(struct cg_hier *h, size_t n);
bool cg_hier_has(const struct cg_hier *h, const char *controller);
/* The hierarchy carrying controller, or NULL. */
const struct cg_hier *cg_v1_find(const struct cg_hier *h, size_t n, const char *controller);
char *cg_v1_dir(const char *controller, const char *path); /* NULL if not mounted */
int cg_v1_self_join_open(const char *path, struct cgroup_self_join *sj, aisbx_error **err);

/* ---- cgroup_v1_resources.c ---- */

/* Writes r's limits (update: device rules are left alone). */
int cg_v1_apply(const char *path, const struct spec_resources *r, bool update, aisbx_error **err);

/* ---- cgroup_v2.c, cgroup_v2_devices.c ---- */

char *cg_v2_dir(const char *path);

/* Loads the device filter for rules (runc's semantics: the rules are
 * replayed like the v1 kernel list, default deny, later rules win) and
 * attaches it to the cgroup dir with BPF_F_ALLOW_MULTI. */
int cg_v2_devices_apply(int dirfd, const struct spec_device_cgroup *rules, size_t n,
                        aisbx_error **err);

#endif
