/* The OCI `state` object as runc prints it, plus what aisbx persists about a
 * container in <root>/<id>/state.json (the `internal` fields). */
#ifndef AISBX_SPECS_STATE_H
#define AISBX_SPECS_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

struct spec_state {
    /* Printed by `state` (runc's format). */
    char *oci_version, *id, *status, *bundle, *rootfs, *created, *owner;
    int pid; /* 0 when stopped */
    struct spec_kvlist annotations;
    /* Internal (persisted, not printed). */
    uint64_t pid_start_time; /* /proc/<pid>/stat field 22: guards against pid reuse */
    char *cgroup_path;       /* resolved absolute cgroup path, "" if none */
    bool systemd_cgroup;
    bool use_terminal;
};

/* Keys of the internal fields in state.json. The "aisbx." prefix keeps them
 * apart from any key a future runtime-spec adds to the state object. */
#define SPEC_STATE_KEY_PID_START_TIME "aisbx.pidStartTime"  /* number (uint64) */
#define SPEC_STATE_KEY_CGROUP_PATH "aisbx.cgroupPath"       /* string */
#define SPEC_STATE_KEY_SYSTEMD_CGROUP "aisbx.systemdCgroup" /* boolean */
#define SPEC_STATE_KEY_TERMINAL "aisbx.terminal"            /* boolean */

/* internal=true writes the internal fields too (state.json); false gives
 * exactly what `aisbx state` prints. */
int spec_state_generate(const struct spec_state *s, bool internal, bool pretty, char **out,
                        size_t *len, aisbx_error **err);
/* `list --format json`: an array of public states ("[]" when n == 0, where
 * runc prints null). */
int spec_state_list_generate(struct spec_state *const *states, size_t n, bool pretty, char **out,
                             size_t *len, aisbx_error **err);
/* Reads either form; "id" is required, unknown keys are ignored, absent
 * internal fields read as 0 / "" / false. */
/* The runtime-spec's containerProcessState, sent with a seccomp listener fd
 * to linux.seccomp.listenerPath. */
int spec_process_state_generate(const struct spec_state *s, int pid, const char *metadata,
                                char **out, size_t *len, aisbx_error **err);
int spec_state_parse(const char *buf, size_t len, struct spec_state **out, aisbx_error **err);
void spec_state_free(struct spec_state *s);

#endif
