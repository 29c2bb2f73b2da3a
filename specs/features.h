/* The `features` document of the runtime-spec (features.md): what this
 * runtime understands. The CLI fills the struct; this module only writes
 * it. Following the spec, an empty list or an unknown boolean is omitted
 * ("unknown"), never written as "not supported". */
#ifndef AISBX_SPECS_FEATURES_H
#define AISBX_SPECS_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* A feature flag the spec models as *bool: unknown is not false. */
enum spec_tristate { SPEC_UNKNOWN = 0, SPEC_FALSE, SPEC_TRUE };

struct spec_features_cgroup {
    enum spec_tristate v1, v2, systemd, systemd_user, rdma;
};

struct spec_features_seccomp {
    enum spec_tristate enabled;
    struct spec_strlist actions, operators, archs, known_flags, supported_flags;
};

struct spec_features_linux {
    struct spec_strlist namespaces;   /* "pid", "network", ... */
    struct spec_strlist capabilities; /* "CAP_CHOWN", ... */
    struct spec_features_cgroup cgroup;
    struct spec_features_seccomp seccomp;
    enum spec_tristate apparmor_enabled;
    enum spec_tristate selinux_enabled;
    enum spec_tristate intel_rdt_enabled;
    enum spec_tristate idmap_mounts_enabled; /* mountExtensions.idmap.enabled */
    enum spec_tristate net_devices_enabled;  /* netDevices.enabled */
};

struct spec_features {
    char *oci_version_min, *oci_version_max; /* NULL: omitted */
    struct spec_strlist hooks;               /* "prestart", "createRuntime", ... */
    struct spec_strlist mount_options;       /* "ro", "nosuid", ... */
    bool has_linux;                          /* write the "linux" object */
    struct spec_features_linux linux_;
    struct spec_kvlist annotations; /* "org.opencontainers.runc.version", ... */
    struct spec_strlist potentially_unsafe_config_annotations;
};

int spec_features_generate(const struct spec_features *f, bool pretty, char **out, size_t *len,
                           aisbx_error **err);
/* Frees the strings and lists inside *f (not f itself). */
void spec_features_clear(struct spec_features *f);

#endif
