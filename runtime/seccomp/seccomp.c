/* The config's seccomp filter: linux.seccomp -> libseccomp -> classic BPF,
 * plus the raw loader and the seccomp-agent hand-off shared with the floor. */
#include "runtime/seccomp/seccomp.h"

#include <ctype.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/fd_util.h"
#include "runtime/log.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

#define MAX_ARGS 6

static int parse_action(const char *name, bool has_errno, uint32_t errno_ret, uint32_t *act,
                        aisbx_error **err)
{
    uint32_t ret = has_errno ? errno_ret : EPERM;
    if (!name)
        return aisbx_error_make(err, EINVAL, "seccomp: missing action");
    if (!strcmp(name, "SCMP_ACT_KILL") || !strcmp(name, "SCMP_ACT_KILL_THREAD"))
        *act = SCMP_ACT_KILL_THREAD;
    else if (!strcmp(name, "SCMP_ACT_KILL_PROCESS"))
        *act = SCMP_ACT_KILL_PROCESS;
    else if (!strcmp(name, "SCMP_ACT_TRAP"))
        *act = SCMP_ACT_TRAP;
    else if (!strcmp(name, "SCMP_ACT_ERRNO"))
        *act = SCMP_ACT_ERRNO(ret);
    else if (!strcmp(name, "SCMP_ACT_TRACE"))
        *act = SCMP_ACT_TRACE(ret);
    else if (!strcmp(name, "SCMP_ACT_ALLOW"))
        *act = SCMP_ACT_ALLOW;
    else if (!strcmp(name, "SCMP_ACT_LOG"))
        *act = SCMP_ACT_LOG;
    else if (!strcmp(name, "SCMP_ACT_NOTIFY"))
        *act = SCMP_ACT_NOTIFY;
    else
        return aisbx_error_make(err, EINVAL, "seccomp: unknown action %s", name);
    return 0;
}

static int parse_op(const char *name, enum scmp_compare *op, aisbx_error **err)
{
    static const struct {
        const char *name;
        enum scmp_compare op;
    } ops[] = {
        {"SCMP_CMP_NE", SCMP_CMP_NE},
        {"SCMP_CMP_LT", SCMP_CMP_LT},
        {"SCMP_CMP_LE", SCMP_CMP_LE},
        {"SCMP_CMP_EQ", SCMP_CMP_EQ},
        {"SCMP_CMP_GE", SCMP_CMP_GE},
        {"SCMP_CMP_GT", SCMP_CMP_GT},
        {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
    };
    for (size_t i = 0; name && i < sizeof(ops) / sizeof(ops[0]); i++)
        if (!strcmp(name, ops[i].name)) {
            *op = ops[i].op;
            return 0;
        }
    return aisbx_error_make(err, EINVAL, "seccomp: unknown operator %s", name ? name : "(none)");
}

/* "SCMP_ARCH_X86_64" -> libseccomp's "x86_64" -> token. */
static int parse_arch(const char *name, uint32_t *token, aisbx_error **err)
{
    char lower[32];
    const char *p = name && !strncmp(name, "SCMP_ARCH_", 10) ? name + 10 : "";
    size_t i = 0;
    for (; p[i] && i < sizeof(lower) - 1; i++)
        lower[i] = (char)tolower((unsigned char)p[i]);
    lower[i] = '\0';
    *token = *p && !p[i] ? seccomp_arch_resolve_name(lower) : 0;
    if (!*token)
        return aisbx_error_make(err, EINVAL, "seccomp: unknown architecture %s",
                                name ? name : "(none)");
    return 0;
}

static int to_cmp(const struct spec_seccomp_arg *a, struct scmp_arg_cmp *c, aisbx_error **err)
{
    enum scmp_compare op = _SCMP_CMP_MIN;
    if (parse_op(a->op, &op, err) < 0)
        return -1;
    if (a->index >= MAX_ARGS)
        return aisbx_error_make(err, EINVAL, "seccomp: argument index %u out of range", a->index);
    /* As runc: for MASKED_EQ "value" is the mask and "valueTwo" the datum. */
    *c = (struct scmp_arg_cmp){
        .arg = a->index, .op = op, .datum_a = a->value, .datum_b = a->value_two};
    return 0;
}

static int add_syscall_rules(scmp_filter_ctx ctx, const struct spec_seccomp_syscall *sc,
                             uint32_t act, aisbx_error **err)
{
    struct scmp_arg_cmp conds[MAX_ARGS];
    unsigned int per_index[MAX_ARGS] = {0};
    bool split = false;
    if (sc->n_args > MAX_ARGS)
        return aisbx_error_make(err, EINVAL, "seccomp: more than %d argument conditions", MAX_ARGS);
    for (size_t i = 0; i < sc->n_args; i++) {
        if (to_cmp(&sc->args[i], &conds[i], err) < 0)
            return -1;
        if (++per_index[conds[i].arg] > 1)
            split = true;
    }
    for (size_t k = 0; k < sc->names.n; k++) {
        const char *name = sc->names.v[k];
        int nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR) {
            log_debug("seccomp: skipping unknown syscall %s", name);
            continue;
        }
        int rc = 0;
        /* libseccomp cannot AND two conditions on one argument; runc adds
         * them as separate rules, so do we (same semantics for engines). */
        if (split) {
            for (size_t i = 0; i < sc->n_args && rc >= 0; i++)
                rc = seccomp_rule_add_array(ctx, act, nr, 1, &conds[i]);
        } else {
            rc = seccomp_rule_add_array(ctx, act, nr, (unsigned int)sc->n_args, conds);
        }
        if (rc < 0)
            return aisbx_error_make(err, -rc, "seccomp: adding rule for %s", name);
    }
    return 0;
}

static int build_config(scmp_filter_ctx ctx, const struct spec_seccomp *s, uint32_t def,
                        aisbx_error **err)
{
    int rc;
    if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0)
        return aisbx_error_make(err, -rc, "seccomp: setting filter attributes");
    for (size_t i = 0; i < s->architectures.n; i++) {
        uint32_t token;
        if (parse_arch(s->architectures.v[i], &token, err) < 0)
            return -1;
        rc = seccomp_arch_add(ctx, token);
        if (rc < 0 && rc != -EEXIST)
            return aisbx_error_make(err, -rc, "seccomp: adding architecture %s",
                                    s->architectures.v[i]);
    }
    for (size_t i = 0; i < s->n_syscalls; i++) {
        const struct spec_seccomp_syscall *sc = &s->syscalls[i];
        uint32_t act;
        if (parse_action(sc->action, sc->has_errno_ret, sc->errno_ret, &act, err) < 0)
            return -1;
        if (act == def)
            continue; /* libseccomp refuses it; it changes nothing anyway */
        if (add_syscall_rules(ctx, sc, act, err) < 0)
            return -1;
    }
    return 0;
}

int seccomp_config_build(const struct spec_seccomp *s, struct seccomp_program *out,
                         aisbx_error **err)
{
    uint32_t def;
    aisbx_error *ferr = NULL;
    memset(out, 0, sizeof(*out));
    if (!s->default_action)
        return aisbx_error_make(err, EINVAL, "seccomp: defaultAction is required");
    if (parse_action(s->default_action, s->has_default_errno_ret, s->default_errno_ret, &def, err) <
        0)
        return -1;
    /* The init and the exec stub still write (errors, the sync fifo) once
     * the filter is on: notifying write, or everything, could leave them
     * waiting on an agent forever. runc refuses both, with these texts. */
    if (!strcmp(s->default_action, "SCMP_ACT_NOTIFY"))
        return aisbx_error_make(err, EINVAL, "SCMP_ACT_NOTIFY cannot be used as default action");
    for (size_t i = 0; i < s->n_syscalls; i++)
        for (size_t k = 0;
             s->syscalls[i].action && !strcmp(s->syscalls[i].action, "SCMP_ACT_NOTIFY") &&
             k < s->syscalls[i].names.n;
             k++)
            if (!strcmp(s->syscalls[i].names.v[k], "write"))
                return aisbx_error_make(err, EINVAL,
                                        "SCMP_ACT_NOTIFY cannot be used for the write syscall");
    seccomp_flags_from_spec(s, &ferr); /* refuse unknown flags up front */
    if (ferr) {
        *err = ferr;
        return -1;
    }
    scmp_filter_ctx ctx = seccomp_init(def);
    if (!ctx)
        return aisbx_error_make(err, EINVAL, "seccomp: seccomp_init failed");
    int rc = build_config(ctx, s, def, err);
    if (rc == 0)
        rc = seccomp_export_program(ctx, out, err);
    seccomp_release(ctx);
    return rc;
}

int seccomp_export_program(scmp_filter_ctx ctx, struct seccomp_program *out, aisbx_error **err)
{
    /* libseccomp 2.5 exports only to an fd (seccomp_export_bpf_mem is 2.6). */
    memset(out, 0, sizeof(*out));
    cleanup_close int fd = memfd_create("aisbx-seccomp", MFD_CLOEXEC);
    if (fd < 0)
        return aisbx_error_make(err, errno, "seccomp: memfd_create");
    int rc = seccomp_export_bpf(ctx, fd);
    if (rc < 0)
        return aisbx_error_make(err, -rc, "seccomp: exporting BPF");
    struct stat st;
    if (fstat(fd, &st) < 0)
        return aisbx_error_make(err, errno, "seccomp: fstat");
    size_t n = (size_t)st.st_size / sizeof(struct sock_filter);
    if (n == 0 || n > BPF_MAXINSNS || (size_t)st.st_size % sizeof(struct sock_filter))
        return aisbx_error_make(err, E2BIG, "seccomp: filter has %zu bytes, not loadable",
                                (size_t)st.st_size);
    struct sock_filter *f = xmalloc0((size_t)st.st_size);
    if (pread(fd, f, (size_t)st.st_size, 0) != st.st_size) {
        free(f);
        return aisbx_error_make(err, errno ? errno : EIO, "seccomp: reading BPF back");
    }
    out->filter = f;
    out->len = (unsigned short)n;
    return 0;
}

int seccomp_program_load(const struct seccomp_program *p, unsigned int flags, int *listener_fd,
                         aisbx_error **err)
{
    struct sock_fprog prog = {.len = p->len, .filter = p->filter};
    if (listener_fd)
        *listener_fd = -1;
    long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
    if (r < 0) {
        if (errno == EACCES)
            return aisbx_error_make(err, errno,
                                    "seccomp: loading filter needs no_new_privs or CAP_SYS_ADMIN");
        return aisbx_error_make(err, errno, "seccomp: loading filter (flags 0x%x)", flags);
    }
    if (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) {
        if (listener_fd)
            *listener_fd = (int)r;
        else
            close((int)r);
    }
    return 0;
}

bool seccomp_uses_notify(const struct spec_seccomp *s)
{
    if (!s)
        return false;
    if (s->default_action && !strcmp(s->default_action, "SCMP_ACT_NOTIFY"))
        return true;
    for (size_t i = 0; i < s->n_syscalls; i++)
        if (s->syscalls[i].action && !strcmp(s->syscalls[i].action, "SCMP_ACT_NOTIFY"))
            return true;
    return false;
}

unsigned int seccomp_flags_from_spec(const struct spec_seccomp *s, aisbx_error **err_unused_ok)
{
    static const struct {
        const char *name;
        unsigned int flag;
    } known[] = {
        {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
        {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
        {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
        {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
    };
    unsigned int flags = 0;
    if (!s)
        return 0;
    for (size_t i = 0; i < s->flags.n; i++) {
        size_t k = 0;
        for (; k < sizeof(known) / sizeof(known[0]); k++)
            if (!strcmp(s->flags.v[i], known[k].name))
                break;
        if (k == sizeof(known) / sizeof(known[0]))
            aisbx_error_make(err_unused_ok, EINVAL, "seccomp: unknown flag %s", s->flags.v[i]);
        else
            flags |= known[k].flag;
    }
    if (seccomp_uses_notify(s)) {
        flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        if (flags & SECCOMP_FILTER_FLAG_TSYNC)
            flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    } else {
        flags &= ~(unsigned int)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
    }
    return flags;
}

void seccomp_program_free(struct seccomp_program *p)
{
    if (!p)
        return;
    free(p->filter);
    p->filter = NULL;
    p->len = 0;
}
