/* The systemd cgroup driver's pure half: runc's "slice:prefix:name"
 * cgroupsPath turned into a unit, its slice and its cgroupfs path, and the
 * container's (hardened) resources turned into the unit properties systemd
 * owns. No D-Bus here (cgroup_systemd.c runs aisbx-systemd for that), so
 * every rule is unit-tested (tests/test_cgroup_systemd.c). */
#ifndef AISBX_RUNTIME_CGROUP_SYSTEMD_UNIT_H
#define AISBX_RUNTIME_CGROUP_SYSTEMD_UNIT_H

#include <stdbool.h>

#include "specs/config.h"
#include "specs/error.h"

struct systemd_unit {
    char *slice; /* "system.slice" */
    char *unit;  /* "docker-<id>.scope" (or "<name>.slice") */
    char *path;  /* "/system.slice/docker-<id>.scope" in the cgroup hierarchy */
    bool user;   /* a unit of a user's manager (path under its user@UID.service) */
};

/* The cgroup of uid's systemd --user as logind makes it
 * ("/user.slice/user-UID.slice/user@UID.service"): the expected root of a
 * rootless container's unit until systemd's own answer replaces it. Heap. */
char *systemd_user_root(unsigned uid);

/* user_root: NULL for the system manager, else the user manager's cgroup
 * (above), the unit then placed under it and the default slice being
 * "user.slice" (runc's rootless default).
 * runc's rules: "" -> "system.slice:aisbx:<id>"; otherwise exactly three
 * colon-separated fields, an empty slice meaning system.slice; a name ending
 * in ".slice" is the unit itself, else the unit is "prefix-name.scope"
 * ("name.scope" without a prefix). Slice names are checked as systemd does
 * (".slice" suffix, no "/", no "--", no leading or trailing "-"). */
int systemd_unit_from_spec(const char *cgroups_path, const char *id, const char *user_root,
                           struct systemd_unit *u, aisbx_error **err);
/* The reverse, for a cgroup path stored in the state: the last component is
 * the unit, the one before it the slice ("-.slice" at the top); below a
 * "user@UID.service" component the unit is that user manager's (u->user). */
int systemd_unit_from_path(const char *path, struct systemd_unit *u, aisbx_error **err);
void systemd_unit_free(struct systemd_unit *u);

/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice"; "-.slice" -> "".
 * NULL (errno EINVAL) for a name systemd would refuse. Heap. */
char *systemd_slice_path(const char *slice);

/* The unit properties for r as aisbx-systemd's NAME=SIG:VALUE strings,
 * appended to out: TasksMax, MemoryMax, MemoryLow, MemorySwapMax, CPUWeight,
 * CPUQuotaPerSecUSec, CPUQuotaPeriodUSec, AllowedCPUs, AllowedMemoryNodes
 * with runc's conversions, and (create only: with_devices) DevicePolicy=strict
 * plus one DeviceAllow per allowed rule, so that a `systemctl daemon-reload`
 * re-applies the floor's values and systemd's own device filter allows no
 * more than the floor's. proc_devices is the text of /proc/devices (for
 * "char-NAME" classes of whole-major rules); a rule systemd cannot express is
 * left out (systemd's filter is then stricter, never looser). */
int systemd_unit_props(const struct spec_resources *r, bool with_devices, const char *proc_devices,
                       struct spec_strlist *out, aisbx_error **err);

#endif
