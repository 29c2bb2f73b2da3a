#include "runtime/lifecycle/features.h"

#include <ctype.h>
#include <sys/capability.h>
#include <sys/stat.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/kernel/process_attrs.h"

const char *const features_mount_options[] = {
    "acl",        "async",      "atime",      "bind",        "defaults",    "dev",
    "diratime",   "dirsync",    "exec",       "idmap",       "iversion",    "lazytime",
    "loud",       "mand",       "noacl",      "noatime",     "nodev",       "nodiratime",
    "noexec",     "noiversion", "nolazytime", "nomand",      "norelatime",  "nostrictatime",
    "nosuid",     "private",    "rbind",      "relatime",    "remount",     "ridmap",
    "ro",         "rprivate",   "rshared",    "rslave",      "runbindable", "rw",
    "shared",     "silent",     "slave",      "strictatime", "suid",        "sync",
    "unbindable", NULL,
};

const char *const features_seccomp_actions[] = {
    "SCMP_ACT_ALLOW",       "SCMP_ACT_ERRNO",
    "SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
    "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY",      "SCMP_ACT_TRACE",
    "SCMP_ACT_TRAP",        NULL,
};

const char *const features_seccomp_operators[] = {
    "SCMP_CMP_EQ", "SCMP_CMP_GE",        "SCMP_CMP_GT", "SCMP_CMP_LE",
    "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL,
};

const char *const features_seccomp_archs[] = {
    "SCMP_ARCH_X86_64",  "SCMP_ARCH_X86", "SCMP_ARCH_X32",
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", NULL,
};

const char *const features_seccomp_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    NULL,
};

static const char *const hooks[] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
    NULL};
static const char *const namespaces[] = {"cgroup", "ipc", "mount", "network", "pid",
                                         "user",   "uts", "time",  NULL};

static void push_all(struct spec_strlist *l, const char *const *v)
{
    for (; *v; v++)
        spec_strlist_push(l, *v);
}

static enum spec_tristate tri(bool b)
{
    return b ? SPEC_TRUE : SPEC_FALSE;
}

void runtime_features(struct spec_features *f)
{
    f->oci_version_min = xstrdup("1.0.0");
    f->oci_version_max = xstrdup(SPEC_OCI_VERSION);
    push_all(&f->hooks, hooks);
    push_all(&f->mount_options, features_mount_options);
    f->has_linux = true;
    push_all(&f->linux_.namespaces, namespaces);
    for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++) {
        char *n = cap_to_name(c);
        if (!n)
            continue;
        for (char *p = n; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        spec_strlist_push(&f->linux_.capabilities, n);
        cap_free(n);
    }
    f->linux_.cgroup.v1 = SPEC_TRUE;
    f->linux_.cgroup.v2 = SPEC_TRUE;
    f->linux_.cgroup.systemd = SPEC_TRUE;      /* --systemd-cgroup, with aisbx-systemd */
    f->linux_.cgroup.systemd_user = SPEC_TRUE; /* rootless: the user's systemd --user */
    f->linux_.cgroup.rdma = SPEC_TRUE;
    f->linux_.seccomp.enabled = SPEC_TRUE;
    push_all(&f->linux_.seccomp.actions, features_seccomp_actions);
    push_all(&f->linux_.seccomp.operators, features_seccomp_operators);
    push_all(&f->linux_.seccomp.archs, features_seccomp_archs);
    push_all(&f->linux_.seccomp.known_flags, features_seccomp_flags);
    push_all(&f->linux_.seccomp.supported_flags, features_seccomp_flags);
    f->linux_.apparmor_enabled = tri(process_apparmor_enabled(""));
    f->linux_.selinux_enabled = tri(process_selinux_enabled(""));
    f->linux_.intel_rdt_enabled = SPEC_FALSE;
    /* binds with mounts[].uidMappings/gidMappings or idmap/ridmap (issue 14) */
    f->linux_.idmap_mounts_enabled = SPEC_TRUE;
    f->linux_.net_devices_enabled = SPEC_FALSE;
    spec_kvlist_set(&f->annotations, "run.aisbx.version", AISBX_VERSION);
    spec_kvlist_set(&f->annotations, "run.aisbx.commit", AISBX_COMMIT);
    spec_kvlist_set(&f->annotations, "run.aisbx.overlay", "mandatory");
}
