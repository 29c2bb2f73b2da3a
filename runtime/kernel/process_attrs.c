/* Scheduling, I/O priority, OOM score, personality and LSM exec labels of
 * the container process. Each is a thin, checked wrapper over one kernel
 * interface; values are validated by name here and by range in the kernel. */
#include "runtime/kernel/process_attrs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/fd_util.h"

static int write_file(const char *path, const char *data, aisbx_error **err)
{
    cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return aisbx_error_make(err, errno, "open %s", path);
    if (write_all(fd, data, strlen(data)) < 0)
        return aisbx_error_make(err, errno, "write %s", path);
    return 0;
}

int process_set_oom_score_adj(pid_t pid, int v, aisbx_error **err)
{
    char path[64], val[16];
    if (pid > 0)
        snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
    else
        snprintf(path, sizeof(path), "/proc/self/oom_score_adj");
    snprintf(val, sizeof(val), "%d", v);
    if (write_file(path, val, err) < 0)
        return aisbx_error_wrap(err, "setting oom_score_adj to %d", v);
    return 0;
}

/* <linux/ioprio.h> is not in every libc's kernel headers; the ABI is fixed. */
#define AISBX_IOPRIO_CLASS_SHIFT 13
#define AISBX_IOPRIO_WHO_PROCESS 1

int process_apply_io_priority(const struct spec_io_priority *p, aisbx_error **err)
{
    static const char *const classes[] = {NULL, "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
                                          "IOPRIO_CLASS_IDLE"};
    if (!p)
        return 0;
    int cls = 0;
    for (int i = 1; i < 4; i++)
        if (p->class_ && !strcmp(p->class_, classes[i]))
            cls = i;
    if (!cls)
        return aisbx_error_make(err, EINVAL, "unknown ioPriority class %s",
                                p->class_ ? p->class_ : "(none)");
    if (p->priority < 0 || p->priority > 7)
        return aisbx_error_make(err, EINVAL, "ioPriority priority %d not in 0..7",
                                (int)p->priority);
    int prio = (cls << AISBX_IOPRIO_CLASS_SHIFT) | p->priority;
    if (syscall(SYS_ioprio_set, AISBX_IOPRIO_WHO_PROCESS, 0, prio) < 0)
        return aisbx_error_make(err, errno, "ioprio_set(%s, %d)", p->class_, (int)p->priority);
    return 0;
}

/* The kernel's struct sched_attr (SCHED_ATTR_SIZE_VER1); glibc 2.36 lacks it. */
struct aisbx_sched_attr {
    uint32_t size, sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime, sched_deadline, sched_period;
    uint32_t sched_util_min, sched_util_max;
};

struct named {
    const char *name;
    unsigned int value;
};

static const struct named policies[] = {
    {"SCHED_OTHER", 0}, {"SCHED_FIFO", 1}, {"SCHED_RR", 2},       {"SCHED_BATCH", 3},
    {"SCHED_ISO", 4},   {"SCHED_IDLE", 5}, {"SCHED_DEADLINE", 6},
};
static const struct named sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

static int lookup(const struct named *t, size_t n, const char *name, unsigned int *v)
{
    for (size_t i = 0; name && i < n; i++)
        if (!strcmp(t[i].name, name)) {
            *v = t[i].value;
            return 0;
        }
    return -1;
}

int process_apply_scheduler(const struct spec_scheduler *s, aisbx_error **err)
{
    if (!s)
        return 0;
    struct aisbx_sched_attr a = {.size = sizeof(a)};
    unsigned int v;
    if (lookup(policies, sizeof(policies) / sizeof(policies[0]), s->policy, &v) < 0)
        return aisbx_error_make(err, EINVAL, "unknown scheduler policy %s",
                                s->policy ? s->policy : "(none)");
    a.sched_policy = v;
    for (size_t i = 0; i < s->flags.n; i++) {
        if (lookup(sched_flags, sizeof(sched_flags) / sizeof(sched_flags[0]), s->flags.v[i], &v) <
            0)
            return aisbx_error_make(err, EINVAL, "unknown scheduler flag %s", s->flags.v[i]);
        a.sched_flags |= v;
    }
    a.sched_nice = s->has_nice ? s->nice : 0;
    a.sched_priority = s->has_priority ? (uint32_t)s->priority : 0;
    a.sched_runtime = s->has_runtime ? s->runtime : 0;
    a.sched_deadline = s->has_deadline ? s->deadline : 0;
    a.sched_period = s->has_period ? s->period : 0;
    if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
        return aisbx_error_make(err, errno, "sched_setattr(%s, nice %d, priority %d)", s->policy,
                                (int)a.sched_nice, (int)a.sched_priority);
    return 0;
}

int process_apply_personality(const struct spec_personality *p, aisbx_error **err)
{
    if (!p)
        return 0;
    unsigned long persona;
    if (p->domain && !strcmp(p->domain, "LINUX"))
        persona = PER_LINUX;
    else if (p->domain && !strcmp(p->domain, "LINUX32"))
        persona = PER_LINUX32;
    else
        return aisbx_error_make(err, EINVAL, "unknown personality domain %s",
                                p->domain ? p->domain : "(none)");
    if (p->flags.n)
        return aisbx_error_make(err, EINVAL, "personality flag %s is not supported", p->flags.v[0]);
    if (personality(persona) < 0)
        return aisbx_error_make(err, errno, "personality(%s)", p->domain);
    return 0;
}

/* runc's apparmor.IsEnabled, read on the host before any pivot_root (the
 * container's /sys has no securityfs): the module parameter says Y. */
bool process_apparmor_enabled(const char *sysroot)
{
    char c = 0;
    cleanup_free char *path = xasprintf("%s/sys/module/apparmor/parameters/enabled", sysroot);
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    return fd >= 0 && read(fd, &c, 1) == 1 && c == 'Y';
}

/* The loaded profiles as securityfs lists them ("name (mode)" per line).
 * 1 loaded, 0 not, -1 the list cannot be read (securityfs not mounted):
 * then the kernel's answer to the exec attribute decides. */
static int apparmor_profile_loaded(const char *sysroot, const char *name)
{
    cleanup_free char *path = xasprintf("%s/sys/kernel/security/apparmor/profiles", sysroot);
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    char *line = NULL;
    size_t cap = 0, len = strlen(name);
    int found = 0;
    while (!found && getline(&line, &cap, f) > 0)
        found = strncmp(line, name, len) == 0 && strncmp(line + len, " (", 2) == 0;
    free(line);
    fclose(f);
    return found;
}

/* selinuxfs validates a context the way libselinux's security_check_context
 * does: writing it to /sys/fs/selinux/context fails with EINVAL if it is
 * not a valid one. */
static int selinux_check_label(const char *sysroot, const char *label, aisbx_error **err)
{
    cleanup_free char *path = xasprintf("%s/sys/fs/selinux/context", sysroot);
    cleanup_close int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return 0; /* cannot ask: the kernel checks it at execve */
    if (write(fd, label, strlen(label) + 1) < 0 && errno == EINVAL)
        return aisbx_error_make(err, 0, "selinux label %s is not a valid context on this host",
                                label);
    return 0;
}

bool process_selinux_enabled(const char *sysroot)
{
    cleanup_free char *path = xasprintf("%s/sys/fs/selinux/enforce", sysroot);
    return access(path, F_OK) == 0;
}

int process_check_exec_labels(const char *sysroot, const char *apparmor_profile,
                              const char *selinux_label, aisbx_error **err)
{
    if (apparmor_profile && *apparmor_profile) {
        if (!process_apparmor_enabled(sysroot))
            return aisbx_error_make(err, 0,
                                    "apparmor profile %s requested but AppArmor is not enabled",
                                    apparmor_profile);
        /* "unconfined" is no profile, and always accepted. */
        if (strcmp(apparmor_profile, "unconfined") != 0 &&
            apparmor_profile_loaded(sysroot, apparmor_profile) == 0)
            return aisbx_error_make(err, 0,
                                    "apparmor profile %s is not loaded (apparmor_parser -r "
                                    "PROFILE loads it)",
                                    apparmor_profile);
    }
    if (selinux_label && *selinux_label) {
        if (!process_selinux_enabled(sysroot))
            return aisbx_error_make(err, 0, "selinux label %s requested but SELinux is not enabled",
                                    selinux_label);
        if (selinux_check_label(sysroot, selinux_label, err) < 0)
            return -1;
    }
    return 0;
}

/* Per-thread attr first: the calling thread is the one that will execve. */
static int write_attr(const char *const *paths, const char *data, aisbx_error **err)
{
    for (; *paths; paths++) {
        if (access(*paths, F_OK) == 0)
            return write_file(*paths, data, err);
    }
    return aisbx_error_make(err, ENOENT, "no LSM exec attribute file");
}

int process_set_exec_labels(const char *apparmor_profile, const char *selinux_label,
                            aisbx_error **err)
{
    if (apparmor_profile && *apparmor_profile) {
        static const char *const paths[] = {"/proc/thread-self/attr/apparmor/exec",
                                            "/proc/thread-self/attr/exec", NULL};
        cleanup_free char *data = xasprintf("exec %s", apparmor_profile);
        if (write_attr(paths, data, err) < 0) {
            if ((*err)->errnum == ENOENT)
                return aisbx_error_wrap(err, "apparmor profile %s is not loaded", apparmor_profile);
            return aisbx_error_wrap(err, "setting apparmor profile %s", apparmor_profile);
        }
    }
    if (selinux_label && *selinux_label) {
        static const char *const paths[] = {"/proc/thread-self/attr/exec", NULL};
        if (write_attr(paths, selinux_label, err) < 0)
            return aisbx_error_wrap(err, "setting selinux exec label %s", selinux_label);
    }
    return 0;
}
