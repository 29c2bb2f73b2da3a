/* Shared by the tests/test_overlay_*.c files (one binary each, so the
 * fixtures are static inline here).
 * The hardening overlay: for each rule, a config that tries to escape it,
 * the exact hardened result and the change entries. Pure (plain data and
 * parsed JSON) except the facts/verify tests, which use real
 * kernel objects (namespaces, sockets, prctl) created and removed here. */
#ifndef AISBX_TESTS_OVERLAY_HELPERS_H
#define AISBX_TESTS_OVERLAY_HELPERS_H

// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <errno.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/cap_names.h"
#include "runtime/launch/verify.h"
#include "runtime/overlay/overlay.h"
#include "runtime/overlay/overlay_internal.h"
#include "specs/config.h"

/* ---- fixtures ---------------------------------------------------------- */

/* Mask of a hardened capability list; every name must be known. */
static inline uint64_t cap_mask(const struct spec_strlist *l)
{
    uint64_t m = 0;
    for (size_t i = 0; i < l->n; i++) {
        int cap = cap_from_oci_name(l->v[i]);
        assert_true(cap >= 0);
        m |= 1ULL << cap;
    }
    return m;
}

static inline char *cfg_json(const char *proc, const char *root, const char *mounts,
                             const char *lnx)
{
    return xasprintf(
        "{\"ociVersion\":\"1.2.0\","
        "\"process\":{%s\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"
        "\"root\":{\"path\":\"rootfs\"%s},"
        "\"mounts\":[%s],"
        "\"linux\":{%s}}",
        proc ? proc : "", root ? root : "", mounts ? mounts : "", lnx ? lnx : "");
}

static inline struct spec_config *parse(const char *json)
{
    struct spec_config *c = NULL;
    aisbx_error *err = NULL;
    if (spec_config_parse(json, strlen(json), &c, &err) < 0)
        fail_msg("parse: %s\n%s", err->msg, json);
    return c;
}

struct run {
    struct spec_config *in, *out;
    struct overlay_changes ch;
};

static inline struct aisbx_policy defpol(void)
{
    struct aisbx_policy p;
    policy_defaults(&p);
    return p;
}

static inline void harden_with(struct run *r, const char *proc, const char *root,
                               const char *mounts, const char *lnx, const struct overlay_facts *f,
                               const struct aisbx_policy *pol)
{
    struct aisbx_policy d = defpol();
    char *j = cfg_json(proc, root, mounts, lnx);
    memset(r, 0, sizeof(*r));
    r->in = parse(j);
    free(j);
    aisbx_error *err = NULL;
    if (overlay_apply(r->in, f, pol ? pol : &d, &r->out, &r->ch, &err) < 0)
        fail_msg("overlay_apply: %s", err->msg);
    assert_non_null(r->out);
}

static inline void harden(struct run *r, const char *proc, const char *root, const char *mounts,
                          const char *lnx)
{
    harden_with(r, proc, root, mounts, lnx, NULL, NULL);
}

static inline void run_free(struct run *r)
{
    spec_config_free(r->in);
    spec_config_free(r->out);
    overlay_changes_free(&r->ch);
}

static inline const struct overlay_change *find_change(const struct overlay_changes *ch,
                                                       const char *field)
{
    for (size_t i = 0; i < ch->n; i++)
        if (strcmp(ch->v[i].field, field) == 0)
            return &ch->v[i];
    return NULL;
}

static inline void dump_changes(const struct overlay_changes *ch)
{
    for (size_t i = 0; i < ch->n; i++)
        fprintf(stderr, "  %s: %s -> %s (%s)\n", ch->v[i].field, ch->v[i].old_value,
                ch->v[i].new_value, ch->v[i].rule);
}

static inline void expect_change(const struct overlay_changes *ch, const char *field,
                                 const char *old, const char *nv, const char *rule)
{
    const struct overlay_change *c = find_change(ch, field);
    if (!c) {
        dump_changes(ch);
        fail_msg("no change for %s", field);
    }
    if ((old && strcmp(c->old_value, old) != 0) || (nv && strcmp(c->new_value, nv) != 0) ||
        (rule && strcmp(c->rule, rule) != 0))
        fail_msg("%s: got %s -> %s (%s), want %s -> %s (%s)", field, c->old_value, c->new_value,
                 c->rule, old ? old : "*", nv ? nv : "*", rule ? rule : "*");
}

static inline const struct spec_namespace *find_ns(const struct spec_config *c, enum spec_ns_type t)
{
    const struct spec_namespace *r = NULL;
    for (size_t i = 0; i < c->linux_->n_namespaces; i++)
        if (c->linux_->namespaces[i].type == t) {
            assert_null(r); /* exactly one */
            r = &c->linux_->namespaces[i];
        }
    return r;
}

static inline const struct spec_mount *find_mount(const struct spec_config *c, const char *dest)
{
    for (size_t i = 0; i < c->n_mounts; i++)
        if (strcmp(c->mounts[i].destination, dest) == 0)
            return &c->mounts[i];
    return NULL;
}

static inline char *opts(const struct spec_mount *m)
{
    size_t len = 1;
    for (size_t i = 0; i < m->options.n; i++)
        len += strlen(m->options.v[i]) + 1;
    char *s = xmalloc0(len);
    for (size_t i = 0; i < m->options.n; i++) {
        if (i)
            strcat(s, ",");
        strcat(s, m->options.v[i]);
    }
    return s;
}

static inline void expect_opts(const struct spec_config *c, const char *dest, const char *want)
{
    const struct spec_mount *m = find_mount(c, dest);
    if (!m)
        fail_msg("no mount at %s", dest);
    char *o = opts(m);
    if (strcmp(o, want) != 0)
        fail_msg("%s options: got %s, want %s", dest, o, want);
    free(o);
}

#define ALL_NS                                                                                     \
    "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},"                \
    "{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"cgroup\"}]"

/* Every capability, for the privileged configs (capabilities, whole-config). */
#define ALL_CAPS                                                                                   \
    "[\"CAP_CHOWN\",\"CAP_DAC_OVERRIDE\",\"CAP_DAC_READ_SEARCH\",\"CAP_FOWNER\",\"CAP_FSETID\","   \
    "\"CAP_KILL\",\"CAP_SETGID\",\"CAP_SETUID\",\"CAP_SETPCAP\",\"CAP_LINUX_IMMUTABLE\","          \
    "\"CAP_NET_BIND_SERVICE\",\"CAP_NET_BROADCAST\",\"CAP_NET_ADMIN\",\"CAP_NET_RAW\","            \
    "\"CAP_IPC_LOCK\",\"CAP_IPC_OWNER\",\"CAP_SYS_MODULE\",\"CAP_SYS_RAWIO\",\"CAP_SYS_CHROOT\","  \
    "\"CAP_SYS_PTRACE\",\"CAP_SYS_PACCT\",\"CAP_SYS_ADMIN\",\"CAP_SYS_BOOT\",\"CAP_SYS_NICE\","    \
    "\"CAP_SYS_RESOURCE\",\"CAP_SYS_TIME\",\"CAP_SYS_TTY_CONFIG\",\"CAP_MKNOD\",\"CAP_LEASE\","    \
    "\"CAP_AUDIT_WRITE\",\"CAP_AUDIT_CONTROL\",\"CAP_SETFCAP\",\"CAP_MAC_OVERRIDE\","              \
    "\"CAP_MAC_ADMIN\",\"CAP_SYSLOG\",\"CAP_WAKE_ALARM\",\"CAP_BLOCK_SUSPEND\",\"CAP_AUDIT_"       \
    "READ\","                                                                                      \
    "\"CAP_PERFMON\",\"CAP_BPF\",\"CAP_CHECKPOINT_RESTORE\"]"

#define PRIV_CAPS                                                                                  \
    "\"capabilities\":{\"bounding\":" ALL_CAPS ",\"effective\":" ALL_CAPS                          \
    ",\"permitted\":" ALL_CAPS ",\"inheritable\":" ALL_CAPS ",\"ambient\":" ALL_CAPS "},"

static inline const struct spec_rlimit *find_rlimit(const struct spec_process *p, const char *t)
{
    for (size_t i = 0; i < p->n_rlimits; i++)
        if (strcmp(p->rlimits[i].type, t) == 0)
            return &p->rlimits[i];
    return NULL;
}

#endif
