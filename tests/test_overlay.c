/* The hardening overlay: for each rule, a config that tries to escape it,
 * the exact hardened result and the change entries. Pure (plain data and
 * parsed JSON) except the facts/verify tests at the end, which use real
 * kernel objects (namespaces, sockets, prctl) created and removed here. */

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
static uint64_t cap_mask(const struct spec_strlist *l)
{
    uint64_t m = 0;
    for (size_t i = 0; i < l->n; i++) {
        int cap = cap_from_oci_name(l->v[i]);
        assert_true(cap >= 0);
        m |= 1ULL << cap;
    }
    return m;
}

static char *cfg_json(const char *proc, const char *root, const char *mounts, const char *lnx)
{
    return xasprintf(
        "{\"ociVersion\":\"1.2.0\","
        "\"process\":{%s\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"
        "\"root\":{\"path\":\"rootfs\"%s},"
        "\"mounts\":[%s],"
        "\"linux\":{%s}}",
        proc ? proc : "", root ? root : "", mounts ? mounts : "", lnx ? lnx : "");
}

static struct spec_config *parse(const char *json)
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

static struct aisbx_policy defpol(void)
{
    struct aisbx_policy p;
    policy_defaults(&p);
    return p;
}

static void harden_with(struct run *r, const char *proc, const char *root, const char *mounts,
                        const char *lnx, const struct overlay_facts *f,
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

static void harden(struct run *r, const char *proc, const char *root, const char *mounts,
                   const char *lnx)
{
    harden_with(r, proc, root, mounts, lnx, NULL, NULL);
}

static void run_free(struct run *r)
{
    spec_config_free(r->in);
    spec_config_free(r->out);
    overlay_changes_free(&r->ch);
}

static const struct overlay_change *find_change(const struct overlay_changes *ch, const char *field)
{
    for (size_t i = 0; i < ch->n; i++)
        if (strcmp(ch->v[i].field, field) == 0)
            return &ch->v[i];
    return NULL;
}

static void dump_changes(const struct overlay_changes *ch)
{
    for (size_t i = 0; i < ch->n; i++)
        fprintf(stderr, "  %s: %s -> %s (%s)\n", ch->v[i].field, ch->v[i].old_value,
                ch->v[i].new_value, ch->v[i].rule);
}

static void expect_change(const struct overlay_changes *ch, const char *field, const char *old,
                          const char *nv, const char *rule)
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

static const struct spec_namespace *find_ns(const struct spec_config *c, enum spec_ns_type t)
{
    const struct spec_namespace *r = NULL;
    for (size_t i = 0; i < c->linux_->n_namespaces; i++)
        if (c->linux_->namespaces[i].type == t) {
            assert_null(r); /* exactly one */
            r = &c->linux_->namespaces[i];
        }
    return r;
}

static const struct spec_mount *find_mount(const struct spec_config *c, const char *dest)
{
    for (size_t i = 0; i < c->n_mounts; i++)
        if (strcmp(c->mounts[i].destination, dest) == 0)
            return &c->mounts[i];
    return NULL;
}

static char *opts(const struct spec_mount *m)
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

static void expect_opts(const struct spec_config *c, const char *dest, const char *want)
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

/* ---- namespaces -------------------------------------------------------- */

static const struct {
    const char *type;
    enum spec_ns_type t;
    struct overlay_ns_fact fact;
    bool kept;
    const char *new_value;
    const char *rule;
} ns_cases[] = {
    {"network",
     SPEC_NS_NETWORK,
     {true, true, true, false, -1},
     false,
     "(new namespace; host namespace)",
     "network"},
    {"network",
     SPEC_NS_NETWORK,
     {true, false, false, false, -1},
     false,
     "(new namespace; has interfaces besides lo)",
     "network"},
    {"network", SPEC_NS_NETWORK, {true, false, true, false, -1}, true, NULL, NULL},
    {"network",
     SPEC_NS_NETWORK,
     {false, false, false, false, -1},
     false,
     "(new namespace; not a namespace)",
     "network"},
    {"pid",
     SPEC_NS_PID,
     {true, true, false, false, -1},
     false,
     "(new namespace; host namespace)",
     "namespaces"},
    {"ipc",
     SPEC_NS_IPC,
     {true, true, false, false, -1},
     false,
     "(new namespace; host namespace)",
     "namespaces"},
    {"uts",
     SPEC_NS_UTS,
     {true, true, false, false, -1},
     false,
     "(new namespace; host namespace)",
     "namespaces"},
    {"mount",
     SPEC_NS_MOUNT,
     {true, true, false, false, -1},
     false,
     "(new namespace; host namespace)",
     "namespaces"},
    {"cgroup",
     SPEC_NS_CGROUP,
     {true, true, false, false, -1},
     false,
     "(new namespace; host namespace)",
     "namespaces"},
    /* a CRI sandbox's namespace (not the host's) is joined */
    {"ipc", SPEC_NS_IPC, {true, false, false, false, -1}, true, NULL, NULL},
    {"pid", SPEC_NS_PID, {true, false, false, false, -1}, true, NULL, NULL},
    /* user and time are left as asked, even the host's */
    {"user", SPEC_NS_USER, {true, true, false, false, -1}, true, NULL, NULL},
    {"time", SPEC_NS_TIME, {true, true, false, false, -1}, true, NULL, NULL},
};

static void test_namespace_paths(void **state)
{
    for (size_t i = 0; i < sizeof(ns_cases) / sizeof(ns_cases[0]); i++) {
        char *lnx = xasprintf("\"namespaces\":[{\"type\":\"%s\",\"path\":\"/proc/1234/ns/x\"}]",
                              ns_cases[i].type);
        struct overlay_ns_fact nf = ns_cases[i].fact;
        struct overlay_facts f = {.ns = &nf, .n_ns = 1};
        struct run r;
        harden_with(&r, NULL, NULL, NULL, lnx, &f, NULL);
        const struct spec_namespace *ns = find_ns(r.out, ns_cases[i].t);
        assert_non_null(ns);
        char *field = xasprintf("linux.namespaces[%s].path", ns_cases[i].type);
        if (ns_cases[i].kept) {
            assert_non_null(ns->path);
            assert_string_equal(ns->path, "/proc/1234/ns/x");
            assert_null(find_change(&r.ch, field));
        } else {
            if (ns->path)
                fail_msg("case %zu: path kept", i);
            expect_change(&r.ch, field, "/proc/1234/ns/x", ns_cases[i].new_value, ns_cases[i].rule);
        }
        /* all of pid, network, ipc, uts, mount, cgroup are always there */
        for (int t = 0; t < SPEC_NS_COUNT; t++)
            if (t != SPEC_NS_USER && t != SPEC_NS_TIME)
                assert_non_null(find_ns(r.out, (enum spec_ns_type)t));
        free(field);
        free(lnx);
        run_free(&r);
    }
}

static void test_namespace_path_without_facts(void **state)
{
    struct run r;
    harden(&r, NULL, NULL, NULL,
           "\"namespaces\":[{\"type\":\"network\",\"path\":\"/var/run/netns/x\"}]");
    assert_null(find_ns(r.out, SPEC_NS_NETWORK)->path);
    expect_change(&r.ch, "linux.namespaces[network].path", "/var/run/netns/x",
                  "(new namespace; unverified)", "network");
    run_free(&r);
}

static void test_namespaces_added(void **state)
{
    struct run r;
    harden(&r, NULL, NULL, NULL, "\"namespaces\":[{\"type\":\"mount\"}]");
    assert_int_equal(r.out->linux_->n_namespaces, 6);
    /* the config's own entries first, then the added ones in a fixed order */
    assert_int_equal(r.out->linux_->namespaces[0].type, SPEC_NS_MOUNT);
    assert_int_equal(r.out->linux_->namespaces[1].type, SPEC_NS_PID);
    assert_int_equal(r.out->linux_->namespaces[2].type, SPEC_NS_NETWORK);
    expect_change(&r.ch, "linux.namespaces[network]", "(absent)", "(new namespace)", "network");
    expect_change(&r.ch, "linux.namespaces[pid]", "(absent)", "(new namespace)", "namespaces");
    expect_change(&r.ch, "linux.namespaces[cgroup]", "(absent)", "(new namespace)", "namespaces");
    assert_null(find_change(&r.ch, "linux.namespaces[mount]"));
    run_free(&r);

    /* no linux object at all */
    struct spec_config *c = parse("{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],"
                                  "\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"
                                  "\"root\":{\"path\":\"rootfs\"}}");
    struct spec_config *out = NULL;
    struct overlay_changes ch = {0};
    struct aisbx_policy p = defpol();
    aisbx_error *err = NULL;
    assert_int_equal(overlay_apply(c, NULL, &p, &out, &ch, &err), 0);
    assert_int_equal(out->linux_->n_namespaces, 6);
    assert_int_equal(out->linux_->resources->pids->limit, 256);
    spec_config_free(c);
    spec_config_free(out);
    overlay_changes_free(&ch);
}

/* ---- root, privileges, seccomp ---------------------------------------- */

static void test_root_nnp_seccomp(void **state)
{
    struct run r;
    harden(&r, "\"noNewPrivileges\":false,", ",\"readonly\":false", NULL, ALL_NS);
    assert_true(r.out->root->readonly);
    assert_true(r.out->process->no_new_privileges);
    expect_change(&r.ch, "root.readonly", "false", "true", "root");
    expect_change(&r.ch, "process.noNewPrivileges", "false", "true", "privileges");
    /* no seccomp in the config: it stays absent (the floor filter is added at start) */
    assert_null(r.out->linux_->seccomp);
    expect_change(&r.ch, "linux.seccomp", "(absent)", "(aisbx floor filter only)", "seccomp");
    run_free(&r);

    /* a config filter is kept as is */
    harden(&r, "\"noNewPrivileges\":true,", ",\"readonly\":true", NULL,
           ALL_NS ",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
                  "[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
    assert_non_null(r.out->linux_->seccomp);
    assert_string_equal(r.out->linux_->seccomp->default_action, "SCMP_ACT_ALLOW");
    assert_int_equal(r.out->linux_->seccomp->n_syscalls, 1);
    assert_null(find_change(&r.ch, "linux.seccomp"));
    assert_null(find_change(&r.ch, "root.readonly"));
    assert_null(find_change(&r.ch, "process.noNewPrivileges"));
    run_free(&r);
}

static void test_refusals(void **state)
{
    struct aisbx_policy p = defpol();
    struct spec_config *out = (void *)1;
    struct overlay_changes ch = {0};
    aisbx_error *err = NULL;
    struct spec_config *c = parse("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"}}");
    assert_int_equal(overlay_apply(c, NULL, &p, &out, &ch, &err), -1);
    assert_null(out);
    assert_non_null(strstr(err->msg, "no process"));
    aisbx_error_free(&err);
    spec_config_free(c);
    c = parse("{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\","
              "\"user\":{\"uid\":0,\"gid\":0}}}");
    assert_int_equal(overlay_apply(c, NULL, &p, &out, &ch, &err), -1);
    assert_non_null(strstr(err->msg, "no root"));
    aisbx_error_free(&err);
    spec_config_free(c);
    assert_int_equal(ch.n, 0);
    /* issue 10 item 14: an unknown capability name is an error, in any set */
    c = parse("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"sh\"],"
              "\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},\"capabilities\":{\"bounding\":"
              "[\"CAP_CHOWN\"],\"ambient\":[\"CAP_FOO\"]}}}");
    assert_int_equal(overlay_apply(c, NULL, &p, &out, &ch, &err), -1);
    assert_null(out);
    assert_non_null(strstr(err->msg, "process.capabilities: unknown capability \"CAP_FOO\""));
    assert_null(strstr(err->msg, "Invalid argument"));
    aisbx_error_free(&err);
    overlay_changes_free(&ch);
    struct spec_process *pr = c->process, *out_p = NULL;
    free(pr->capabilities->ambient.v[0]);
    pr->capabilities->ambient.v[0] = xstrdup("cap_chown"); /* libcap's spelling, not OCI's */
    assert_int_equal(overlay_apply_process(pr, &p, &out_p, &ch, &err), -1);
    assert_null(out_p);
    assert_non_null(strstr(err->msg, "unknown capability \"cap_chown\""));
    aisbx_error_free(&err);
    overlay_changes_free(&ch);
    spec_config_free(c);
}

/* ---- capabilities ------------------------------------------------------ */

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

static void test_caps_default_policy(void **state)
{
    struct run r;
    harden(&r, PRIV_CAPS, NULL, NULL, ALL_NS);
    const struct spec_capabilities *c = r.out->process->capabilities;
    assert_non_null(c);
    assert_int_equal(
        c->bounding.n + c->effective.n + c->permitted.n + c->inheritable.n + c->ambient.n, 0);
    assert_true(c->has_bounding && c->has_effective && c->has_permitted && c->has_inheritable &&
                c->has_ambient);
    expect_change(&r.ch, "process.capabilities.bounding", "[41 entries]", "[]", "capabilities");
    expect_change(&r.ch, "process.capabilities.ambient", "[41 entries]", "[]", "capabilities");
    run_free(&r);

    /* absent capabilities (= everything in runc) become explicit empty sets */
    harden(&r, NULL, NULL, NULL, ALL_NS);
    c = r.out->process->capabilities;
    assert_non_null(c);
    assert_true(c->has_bounding && c->bounding.n == 0);
    expect_change(&r.ch, "process.capabilities", NULL, "[] in every set", "capabilities");
    run_free(&r);
}

static void test_caps_policy(void **state)
{
    struct aisbx_policy p = defpol();
    p.allowed_caps = (1ULL << CAP_CHOWN) | (1ULL << CAP_KILL);
    struct run r;
    harden_with(&r,
                "\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\",\"CAP_CHOWN\",\"CAP_CHOWN\"],"
                "\"effective\":[\"CAP_CHOWN\",\"CAP_NET_RAW\"],\"permitted\":[\"CAP_CHOWN\"],"
                "\"inheritable\":[\"CAP_CHOWN\"],\"ambient\":[\"CAP_CHOWN\"]},",
                NULL, NULL, ALL_NS, NULL, &p);
    const struct spec_capabilities *c = r.out->process->capabilities;
    assert_int_equal(c->bounding.n, 1);
    assert_string_equal(c->bounding.v[0], "CAP_CHOWN");
    assert_int_equal(c->effective.n, 1);
    assert_string_equal(c->effective.v[0], "CAP_CHOWN");
    assert_int_equal(c->permitted.n, 1);
    assert_int_equal(c->inheritable.n, 0);
    assert_int_equal(c->ambient.n, 0);
    /* KILL is allowed but was not asked for: not granted */
    assert_false(spec_strlist_contains(&c->bounding, "CAP_KILL"));
    expect_change(&r.ch, "process.capabilities.bounding", "[CAP_SYS_ADMIN CAP_CHOWN CAP_CHOWN]",
                  "[CAP_CHOWN]", "capabilities");
    expect_change(&r.ch, "process.capabilities.effective", "[CAP_CHOWN CAP_NET_RAW]", "[CAP_CHOWN]",
                  "capabilities");
    assert_null(find_change(&r.ch, "process.capabilities.permitted"));
    expect_change(&r.ch, "process.capabilities.inheritable", "[CAP_CHOWN]", "[]", "capabilities");
    assert_int_equal(cap_mask(&c->bounding), 1ULL << CAP_CHOWN);
    run_free(&r);

    /* even a policy mask with a dangerous bit (policy_load refuses it) grants nothing dangerous */
    p.allowed_caps = ~0ULL;
    harden_with(&r, PRIV_CAPS, NULL, NULL, ALL_NS, NULL, &p);
    assert_int_equal(cap_mask(&r.out->process->capabilities->bounding), policy_safe_caps());
    run_free(&r);
}

/* ---- /proc, /sys ------------------------------------------------------- */

static void test_masked_readonly_paths(void **state)
{
    struct run r;
    harden(&r, NULL, NULL, NULL, ALL_NS ",\"maskedPaths\":[],\"readonlyPaths\":[\"/proc/bus\"]");
    const struct spec_linux *l = r.out->linux_;
    assert_int_equal(l->masked_paths.n, 29);
    static const char *const want[] = {
        "/proc/kcore",       "/proc/keys",       "/proc/kallsyms",
        "/sys/firmware",     "/sys/kernel",      "/sys/devices/virtual/powercap",
        "/proc/acpi",        "/proc/kpageflags", "/proc/kpagecount",
        "/proc/kpagecgroup", "/proc/key-users",  "/proc/buddyinfo"};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        assert_true(spec_strlist_contains(&l->masked_paths, want[i]));
    assert_int_equal(l->readonly_paths.n, 5);
    assert_string_equal(l->readonly_paths.v[0], "/proc/bus");
    assert_true(spec_strlist_contains(&l->readonly_paths, "/proc/sysrq-trigger"));
    expect_change(&r.ch, "linux.maskedPaths", "[0 paths]", NULL, "proc-sys");
    expect_change(&r.ch, "linux.readonlyPaths", "[1 paths]",
                  "added [/proc/fs /proc/irq /proc/sys /proc/sysrq-trigger]", "proc-sys");
    run_free(&r);

    /* extra entries of the config stay */
    harden(&r, NULL, NULL, NULL, ALL_NS ",\"maskedPaths\":[\"/proc/foo\"]");
    assert_int_equal(r.out->linux_->masked_paths.n, 30);
    assert_string_equal(r.out->linux_->masked_paths.v[0], "/proc/foo");
    run_free(&r);
}

static void test_sys_cgroup_ro(void **state)
{
    struct run r;
    harden(&r, NULL, NULL,
           "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
           "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"rw\"]},"
           "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\","
           "\"options\":[\"rw\",\"nosuid\"]},"
           "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
           "{\"destination\":\"/host-proc\",\"type\":\"proc\",\"source\":\"proc\"},"
           "{\"destination\":\"/mnt/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\"},"
           "{\"destination\":\"/mnt/disk\",\"type\":\"ext4\",\"source\":\"/dev/sda1\"}",
           ALL_NS);
    expect_opts(r.out, "/sys", "nosuid,noexec,nodev,ro");
    expect_opts(r.out, "/sys/fs/cgroup", "nosuid,nodev,ro");
    expect_opts(r.out, "/proc", "nosuid,nodev");
    expect_change(&r.ch, "mounts[/sys].options", "[nosuid noexec nodev rw]",
                  "[nosuid noexec nodev ro]", "proc-sys");
    assert_null(find_mount(r.out, "/host-proc"));
    assert_null(find_mount(r.out, "/mnt/sys"));
    assert_null(find_mount(r.out, "/mnt/disk"));
    expect_change(&r.ch, "mounts[/host-proc]", "proc proc", "(removed: proc outside /proc)",
                  "mounts");
    expect_change(&r.ch, "mounts[/mnt/disk]", "ext4 /dev/sda1",
                  "(removed: filesystem type not allowed)", "mounts");
    run_free(&r);
}

/* ---- devices ----------------------------------------------------------- */

static void test_devices(void **state)
{
    struct run r;
    harden(&r, NULL, NULL, NULL,
           ALL_NS ",\"devices\":["
                  "{\"path\":\"/dev/null\",\"type\":\"c\",\"major\":1,\"minor\":3},"
                  "{\"path\":\"/dev/sda\",\"type\":\"b\",\"major\":8,\"minor\":0},"
                  "{\"path\":\"/dev/kvm\",\"type\":\"c\",\"major\":10,\"minor\":232},"
                  "{\"path\":\"/dev/zero\",\"type\":\"c\",\"major\":8,\"minor\":0},"
                  "{\"path\":\"/dev/urandom\",\"type\":\"c\",\"major\":1,\"minor\":9},"
                  "{\"path\":\"/dev/console\",\"type\":\"c\",\"major\":5,\"minor\":1}],"
                  "\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]}");
    const struct spec_linux *l = r.out->linux_;
    assert_int_equal(l->n_devices, 2);
    assert_string_equal(l->devices[0].path, "/dev/null");
    assert_string_equal(l->devices[1].path, "/dev/urandom");
    expect_change(&r.ch, "linux.devices[1]", "/dev/sda b 8:0", "(removed)", "devices");
    expect_change(&r.ch, "linux.devices[2]", "/dev/kvm c 10:232", "(removed)", "devices");
    /* a "standard" name with another device's numbers is not standard */
    expect_change(&r.ch, "linux.devices[3]", "/dev/zero c 8:0", "(removed)", "devices");
    /* the host's console 5:1, never (ours is the pty bound on /dev/console) */
    expect_change(&r.ch, "linux.devices[5]", "/dev/console c 5:1", "(removed)", "devices");
    /* device cgroup: deny all, then exactly the standard set; "m" on the
     * nodes the init mknods (its own, not binds of the host's), no 5:1 */
    const struct spec_resources *res = l->resources;
    assert_int_equal(res->n_devices, 9);
    assert_false(res->devices[0].allow);
    assert_string_equal(res->devices[0].access, "rwm");
    static const int64_t mm[][2] = {{1, 3}, {1, 5}, {1, 7}, {1, 8},
                                    {1, 9}, {5, 0}, {5, 2}, {136, -1}};
    for (size_t i = 0; i < 8; i++) {
        assert_true(res->devices[i + 1].allow);
        assert_string_equal(res->devices[i + 1].type, "c");
        assert_int_equal(res->devices[i + 1].major, mm[i][0]);
        assert_int_equal(res->devices[i + 1].minor, mm[i][1]);
        assert_string_equal(res->devices[i + 1].access, mm[i][0] == 136 ? "rw" : "rwm");
    }
    expect_change(&r.ch, "linux.resources.devices", "[1 rules]", NULL, "devices");
    run_free(&r);

    harden(&r, "\"terminal\":true,", NULL, NULL,
           ALL_NS
           ",\"devices\":[{\"path\":\"/dev/console\",\"type\":\"c\",\"major\":5,"
           "\"minor\":1},{\"path\":\"/dev/pts/0\",\"type\":\"c\",\"major\":136,\"minor\":0}]");
    /* not even with a terminal */
    assert_int_equal(r.out->linux_->n_devices, 1);
    assert_string_equal(r.out->linux_->devices[0].path, "/dev/pts/0");
    expect_change(&r.ch, "linux.devices[0]", "/dev/console c 5:1", "(removed)", "devices");
    run_free(&r);
}

/* ---- binds ------------------------------------------------------------- */

enum bind_want { DROP, RO, RW, DEVICE };

static const struct {
    const char *source;
    enum bind_want want;
} bind_cases[] = {
    {"/", DROP},
    {"/run/k3s/containerd", DROP},
    {"/var/run/libvirt", DROP},
    {"/var/snap/microk8s/common/run", DROP},
    {"/var/lib/lxd", DROP},
    {"/run/buildkit", DROP},
    {"/proc", DROP},
    {"/proc/1/root", DROP},
    {"/sys/fs/cgroup", DROP},
    {"/dev", DROP},
    {"/dev/kvm", DROP},
    {"/var/run/docker.sock", DROP},
    {"/run/docker.sock", DROP},
    {"/run/containerd/containerd.sock", DROP},
    {"/run/containerd", DROP},
    {"/run", DROP},
    {"/var/run", DROP},
    {"/run/podman/podman.sock", DROP},
    {"/run/dbus/system_bus_socket", DROP},
    {"/run/systemd", DROP},
    {"/run/user/1000/bus", DROP},
    {"/home/u/app.sock", DROP},
    {"/var/lib/kubelet", DROP},
    {"/var/lib/kubelet/device-plugins", DROP},
    {"/etc", RO},
    {"/etc/ssl/certs", RO},
    {"/usr/share", RO},
    {"/lib/modules", RO},
    {"/lib64", RO},
    {"/root/.ssh", RO},
    {"/boot", RO},
    {"/run/secrets-of-host", RO},
    {"/var/lib/docker/image", RO},
    {"/var/lib/docker", RO},
    {"/var/lib/containerd/io.containerd.content.v1.content", RO},
    {"/var/lib/docker/containers/abc/config.v2.json", RO},
    {"/etc/../etc/passwd", RO},
    {"/srv/data", RW},
    {"/home/u/project", RW},
    {"/var/lib/docker/containers/abc/resolv.conf", RW},
    {"/var/lib/docker/containers/abc/hosts", RW},
    {"/var/lib/docker/containers/abc/hostname", RW},
    {"/var/lib/docker/containers/abc/mounts/shm", RW},
    {"/var/lib/docker/volumes/vol1/_data", RW},
    {"/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/s1/hosts", RW},
    {"/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/s1/resolv.conf", RW},
    {"/run/containerd/io.containerd.grpc.v1.cri/sandboxes/s1/shm", RW},
    {"/var/lib/kubelet/pods/uid1/volumes/kubernetes.io~empty-dir/cache", RW},
    {"/var/lib/kubelet/pods/uid1/etc-hosts", RW},
    {"/var/lib/kubelet/pods/uid1/containers/app/0a1b2c", RW},
    {"/run/containers/storage/overlay-containers/c1/userdata/resolv.conf", RW},
    {"/run/containers/storage/overlay-containers/c1/userdata/.containerenv", RW},
    {"/run/containers/storage/overlay-containers/c1/userdata/run/secrets", RW},
    {"/var/lib/containers/storage/overlay-containers/c1/userdata/hosts", RW},
    {"/run/containers/storage/overlay-containers/c1/userdata/config.json", RO},
    {"/run/user/1000/containers/overlay-containers/c1/userdata/hostname", RW},
    {"/dev/null", DEVICE},
    {"/dev/urandom", DEVICE},
};

static void test_binds(void **state)
{
    for (size_t i = 0; i < sizeof(bind_cases) / sizeof(bind_cases[0]); i++) {
        char *m = xasprintf("{\"destination\":\"/mnt/x\",\"type\":\"bind\",\"source\":\"%s\","
                            "\"options\":[\"rbind\",\"rw\",\"shared\"]}",
                            bind_cases[i].source);
        struct run r;
        harden(&r, NULL, NULL, m, ALL_NS);
        const struct spec_mount *mt = find_mount(r.out, "/mnt/x");
        const char *want = NULL;
        switch (bind_cases[i].want) {
        case DROP:
            if (mt)
                fail_msg("case %zu %s: not dropped", i, bind_cases[i].source);
            assert_non_null(find_change(&r.ch, "mounts[/mnt/x]"));
            break;
        case RO:
            want = "rbind,rprivate,nosuid,rnosuid,nodev,rnodev,ro,rro";
            break;
        case RW:
            want = "rbind,rw,rprivate,nosuid,rnosuid,nodev,rnodev";
            break;
        case DEVICE:
            want = "rbind,rw,rprivate,nosuid,rnosuid";
            break;
        }
        if (want) {
            if (!mt)
                fail_msg("case %zu %s: dropped", i, bind_cases[i].source);
            char *o = opts(mt);
            if (strcmp(o, want) != 0)
                fail_msg("case %zu %s: got %s, want %s", i, bind_cases[i].source, o, want);
            free(o);
            expect_change(&r.ch, "mounts[/mnt/x].options", "[rbind rw shared]", NULL,
                          bind_cases[i].want == RO ? "mounts" : "privileges");
        }
        free(m);
        run_free(&r);
    }
}

/* A bind is a bind whatever its type says (a "tmpfs" with a bind option is
 * mounted as one), and create learns which input each kept mount came from,
 * to mount the very source its fact judged. */
static void test_bind_origin(void **state)
{
    (void)state;
    struct overlay_bind_fact bf[3] = {
        {.exists = true, .resolved = "/srv/a", .fd = -1},
        {.exists = true, .is_root = true, .resolved = "/", .fd = -1},
        {.exists = true, .resolved = "/srv/c", .fd = -1},
    };
    struct overlay_facts f = {.binds = bf, .n_binds = 3};
    struct aisbx_policy pol = defpol();
    char *j = cfg_json(NULL, NULL,
                       "{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/srv/a\"},"
                       "{\"destination\":\"/x\",\"type\":\"tmpfs\",\"source\":\"/\","
                       "\"options\":[\"nosuid,rbind\"]},"
                       "{\"destination\":\"/c\",\"type\":\"none\",\"source\":\"/srv/c\","
                       "\"options\":[\"bind\"]}",
                       NULL);
    struct spec_config *in = parse(j), *out = NULL;
    free(j);
    struct overlay_changes ch = {0};
    size_t *origin = NULL;
    aisbx_error *err = NULL;
    assert_int_equal(overlay_apply_traced(in, &f, &pol, &out, &origin, &ch, &err), 0);
    assert_null(find_mount(out, "/x")); /* judged as a bind of the host's / */
    assert_int_equal(out->n_mounts, 4); /* /a, /c and the added /tmp and /dev */
    for (size_t i = 0; i < out->n_mounts; i++) {
        const char *d = out->mounts[i].destination;
        size_t want = !strcmp(d, "/a") ? 0 : !strcmp(d, "/c") ? 2 : OVERLAY_ADDED_MOUNT;
        assert_int_equal(origin[i], want);
    }
    free(origin);
    spec_config_free(in);
    spec_config_free(out);
    overlay_changes_free(&ch);
}

static void test_binds_with_facts(void **state)
{
    /* facts decide over the text: a socket with an innocent name, a symlink to /,
     * a renamed host /proc, a block device, a standard node */
    struct overlay_bind_fact bf[7] = {
        {.exists = true, .is_socket = true, .resolved = "/srv/api"},
        {.exists = true, .is_root = true, .resolved = "/"},
        {.exists = true, .is_proc_sys_dev = true, .resolved = "/mnt/hostproc"},
        {.exists = true, .is_device = true, .rdev_major = 8, .resolved = "/srv/disk"},
        {.exists = true,
         .is_device = true,
         .rdev_major = 1,
         .rdev_minor = 3,
         .resolved = "/dev/null"},
        {.exists = true, .resolved = "/etc/hostname"},
        /* an engine path that leads through a magic link: the fact wins */
        {.exists = true, .is_proc_sys_dev = true},
    };
    struct overlay_facts f = {.binds = bf, .n_binds = 7};
    struct run r;
    harden_with(&r, NULL, NULL,
                "{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/srv/api\"},"
                "{\"destination\":\"/b\",\"type\":\"bind\",\"source\":\"/srv/link\"},"
                "{\"destination\":\"/c\",\"type\":\"bind\",\"source\":\"/mnt/hostproc\"},"
                "{\"destination\":\"/d\",\"type\":\"bind\",\"source\":\"/srv/disk\"},"
                "{\"destination\":\"/e\",\"type\":\"bind\",\"source\":\"/srv/mynull\"},"
                "{\"destination\":\"/f\",\"source\":\"hostname\",\"options\":[\"bind\"]},"
                "{\"destination\":\"/g\",\"type\":\"bind\",\"source\":"
                "\"/var/lib/docker/containers/abc/mounts/shm/x\"}",
                ALL_NS, &f, NULL);
    assert_null(find_mount(r.out, "/g"));
    assert_null(find_mount(r.out, "/a"));
    assert_null(find_mount(r.out, "/b"));
    assert_null(find_mount(r.out, "/c"));
    assert_null(find_mount(r.out, "/d"));
    expect_change(&r.ch, "mounts[/a]", "bind /srv/api", "(removed: socket)", "mounts");
    expect_change(&r.ch, "mounts[/b]", "bind /srv/link", "(removed: bind of the host's /)",
                  "mounts");
    expect_change(&r.ch, "mounts[/c]", NULL, "(removed: host /proc, /sys or /dev)", "mounts");
    expect_change(&r.ch, "mounts[/d]", NULL, "(removed: device node)", "mounts");
    expect_opts(r.out, "/e", "rprivate,nosuid");
    expect_opts(r.out, "/f", "bind,rprivate,nosuid,nodev,ro");
    run_free(&r);
}

/* ---- tmpfs, /tmp ------------------------------------------------------- */

static const struct {
    const char *opts;
    const char *want;
} tmpfs_cases[] = {
    {"", "size=67108864,nosuid,nodev"},
    {"\"size=1g\"", "size=67108864,nosuid,nodev"},
    {"\"size=16m\"", "size=16m,nosuid,nodev"},
    {"\"size=50%\"", "size=67108864,nosuid,nodev"},
    {"\"size=0\"", "size=67108864,nosuid,nodev"},
    {"\"size=1k\",\"size=2g\"", "size=67108864,nosuid,nodev"},
    {"\"nr_blocks=10\"", "size=67108864,nosuid,nodev"},
    {"\"mode=755\",\"size=1048576\"", "mode=755,size=1048576,nosuid,nodev"},
    {"\"nosuid\",\"suid\",\"dev\",\"size=65536k\"", "nosuid,size=65536k,nodev"},
};

static void test_tmpfs(void **state)
{
    for (size_t i = 0; i < sizeof(tmpfs_cases) / sizeof(tmpfs_cases[0]); i++) {
        char *m = xasprintf("{\"destination\":\"/run\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
                            "\"options\":[%s]}",
                            tmpfs_cases[i].opts);
        struct run r;
        harden(&r, NULL, NULL, m, ALL_NS);
        expect_opts(r.out, "/run", tmpfs_cases[i].want);
        free(m);
        run_free(&r);
    }
    /* the /dev tmpfs keeps dev (it holds the standard nodes); devpts too */
    struct run r;
    harden(&r, NULL, NULL,
           "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
           "\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
           "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
           "\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\"]},"
           "{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\"}",
           ALL_NS);
    expect_opts(r.out, "/dev", "nosuid,strictatime,mode=755,size=65536k");
    expect_opts(r.out, "/dev/pts", "nosuid,noexec,newinstance,ptmxmode=0666,max=64");
    expect_opts(r.out, "/dev/mqueue", "nosuid,nodev");
    assert_null(find_change(&r.ch, "mounts[/dev].options"));
    assert_null(find_change(&r.ch, "mounts[/dev]"));
    expect_change(&r.ch, "mounts[/dev/pts].options", NULL,
                  "[nosuid noexec newinstance ptmxmode=0666 max=64]", "devices");
    run_free(&r);
}

/* Every devpts gets max= at most devpts_max (one container must not take
 * the host-wide pty pool), newinstance, and ptmxmode=0666 unless it has one. */
static const struct {
    const char *opts;
    uint64_t pol;
    const char *want;
} devpts_cases[] = {
    {"", 64, "max=64,newinstance,ptmxmode=0666,nosuid"},
    {"\"max=4096\"", 64, "max=64,newinstance,ptmxmode=0666,nosuid"},
    {"\"max=8\"", 64, "max=8,newinstance,ptmxmode=0666,nosuid"},
    {"\"max=8\",\"max=9\"", 64, "max=64,newinstance,ptmxmode=0666,nosuid"},
    {"\"max=-1\"", 64, "max=64,newinstance,ptmxmode=0666,nosuid"},
    {"\"max=1x\"", 64, "max=64,newinstance,ptmxmode=0666,nosuid"},
    {"\"max=\"", 64, "max=64,newinstance,ptmxmode=0666,nosuid"},
    {"\"max=100\"", 1024, "max=100,newinstance,ptmxmode=0666,nosuid"},
    {"\"max=100\"", 16, "max=16,newinstance,ptmxmode=0666,nosuid"},
    {"\"newinstance\",\"ptmxmode=0600\",\"max=2\"", 64, "newinstance,ptmxmode=0600,max=2,nosuid"},
};

static void test_devpts(void **state)
{
    for (size_t i = 0; i < sizeof(devpts_cases) / sizeof(devpts_cases[0]); i++) {
        char *m = xasprintf("{\"destination\":\"/dev/pts\",\"type\":\"devpts\","
                            "\"source\":\"devpts\",\"options\":[%s]}",
                            devpts_cases[i].opts);
        struct aisbx_policy p = defpol();
        p.devpts_max = devpts_cases[i].pol;
        struct run r;
        harden_with(&r, NULL, NULL, m, ALL_NS, NULL, &p);
        expect_opts(r.out, "/dev/pts", devpts_cases[i].want);
        /* idempotent: the output hardened again is unchanged */
        struct spec_config *again = NULL;
        struct overlay_changes ch2 = {0};
        aisbx_error *err = NULL;
        assert_int_equal(overlay_apply(r.out, NULL, &p, &again, &ch2, &err), 0);
        expect_opts(again, "/dev/pts", devpts_cases[i].want);
        assert_null(find_change(&ch2, "mounts[/dev/pts].options"));
        spec_config_free(again);
        overlay_changes_free(&ch2);
        free(m);
        run_free(&r);
    }
}

/* The root is nodev, so /dev is always a mount: runc's tmpfs when the config
 * has none, before any mount below /dev. */
static void test_dev_added(void **state)
{
    struct run r;
    harden(&r, NULL, NULL,
           "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
           "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\","
           "\"options\":[\"size=1m\"]}",
           ALL_NS);
    assert_int_equal(r.out->n_mounts, 4);
    assert_string_equal(r.out->mounts[1].destination, "/dev");
    assert_string_equal(r.out->mounts[1].type, "tmpfs");
    assert_string_equal(r.out->mounts[2].destination, "/dev/shm");
    expect_opts(r.out, "/dev", "nosuid,strictatime,mode=755,size=65536k");
    expect_change(&r.ch, "mounts[/dev]", "(absent)",
                  "tmpfs [nosuid strictatime mode=755 size=65536k]", "devices");
    run_free(&r);

    /* a config /dev (even a bind) is kept */
    harden(&r, NULL, NULL, "{\"destination\":\"/dev/\",\"type\":\"bind\",\"source\":\"/srv/d\"}",
           ALL_NS);
    assert_int_equal(r.out->n_mounts, 2);
    assert_string_equal(r.out->mounts[0].destination, "/dev/");
    assert_null(find_change(&r.ch, "mounts[/dev]"));
    run_free(&r);
}

/* Issue 10 item 8: an option that undoes a forced flag is removed from every
 * mount, recursive or not; comma-joined elements are judged one by one. */
static void test_mount_option_undo(void **state)
{
    struct run r;
    harden(&r, NULL, NULL,
           "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
           "\"options\":[\"rrw\",\"rw\",\"nosuid,rdev\",\"rsuid\"]},"
           "{\"destination\":\"/big\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
           "\"options\":[\"size=1k,size=100g\"]},"
           "{\"destination\":\"/big2\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
           "\"options\":[\"mode=755,size=100g\",\"rdev,rsuid\"]},"
           "{\"destination\":\"/e\",\"type\":\"bind\",\"source\":\"/etc/x\","
           "\"options\":[\"bind\",\"rrw\",\"rsuid\",\"rdev\"]},"
           "{\"destination\":\"/v\",\"type\":\"bind\",\"source\":\"/srv/v\","
           "\"options\":[\"rbind,rrw,rsuid\"]},"
           "{\"destination\":\"/c\",\"type\":\"context\",\"source\":\"x\","
           "\"options\":[\"bind,context=\\\"a:b:s0:c1,c2\\\"\"]},"
           /* a bind option binds whatever the type (as runtime/mounts.c does it) */
           "{\"destination\":\"/h1\",\"type\":\"tmpfs\",\"source\":\"/\","
           "\"options\":[\"rbind\"]},"
           "{\"destination\":\"/h2\",\"type\":\"none\",\"source\":\"/\","
           "\"options\":[\"nosuid,rbind\"]}",
           ALL_NS);
    expect_opts(r.out, "/sys", "nosuid,nodev,ro");
    expect_change(&r.ch, "mounts[/sys].options", "[rrw rw nosuid,rdev rsuid]", "[nosuid nodev ro]",
                  "proc-sys");
    expect_opts(r.out, "/big", "size=67108864,nosuid,nodev");
    expect_opts(r.out, "/big2", "mode=755,size=67108864,nosuid,nodev");
    expect_opts(r.out, "/e", "bind,rprivate,nosuid,nodev,ro");
    /* a volume keeps its mode (rrw), never its suid */
    expect_opts(r.out, "/v", "rbind,rrw,rprivate,nosuid,rnosuid,nodev,rnodev");
    /* commas inside double quotes stay in the value */
    expect_opts(r.out, "/c", "bind,context=\"a:b:s0:c1,c2\",rprivate,nosuid,nodev");
    assert_null(find_mount(r.out, "/h1"));
    assert_null(find_mount(r.out, "/h2"));
    expect_change(&r.ch, "mounts[/h1]", NULL, "(removed: bind of the host's /)", "mounts");
    expect_change(&r.ch, "mounts[/h2]", NULL, "(removed: bind of the host's /)", "mounts");
    run_free(&r);
}

static void test_tmp_added(void **state)
{
    struct run r;
    harden(&r, NULL, NULL,
           "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
           "{\"destination\":\"/tmp/cache\",\"type\":\"bind\",\"source\":\"/srv/c\"},"
           "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv/d\"}",
           ALL_NS);
    assert_int_equal(r.out->n_mounts, 5); /* with the added /dev */
    /* before /tmp/cache, which it would otherwise hide */
    assert_string_equal(r.out->mounts[1].destination, "/tmp");
    assert_string_equal(r.out->mounts[1].type, "tmpfs");
    expect_opts(r.out, "/tmp", "nosuid,nodev,noexec,mode=1777,size=67108864");
    expect_change(&r.ch, "mounts[/tmp]", "(absent)",
                  "tmpfs [nosuid nodev noexec mode=1777 size=67108864]", "tmpfs");
    run_free(&r);

    struct aisbx_policy p = defpol();
    p.tmp_exec = true;
    p.tmpfs_max = 1 << 20;
    harden_with(&r, NULL, NULL, NULL, ALL_NS, NULL, &p);
    assert_int_equal(r.out->n_mounts, 2);
    expect_opts(r.out, "/tmp", "nosuid,nodev,exec,mode=1777,size=1048576");
    run_free(&r);

    /* issue 10 item 12: no /tmp in the rootfs and none can be made: skipped */
    struct overlay_facts nf = {.rootfs_tmp_unmakeable = true};
    harden_with(&r, NULL, NULL, NULL, ALL_NS, &nf, NULL);
    assert_int_equal(r.out->n_mounts, 1); /* only the added /dev */
    assert_string_equal(r.out->mounts[0].destination, "/dev");
    expect_change(&r.ch, "mounts[/tmp]", "(absent)",
                  "(skipped: rootfs has no /tmp and it cannot be created)", "tmpfs");
    run_free(&r);

    /* a config /tmp (here a volume) is kept, not shadowed */
    harden(&r, NULL, NULL, "{\"destination\":\"/tmp/\",\"type\":\"bind\",\"source\":\"/srv/t\"}",
           ALL_NS);
    assert_int_equal(r.out->n_mounts, 2);
    assert_null(find_change(&r.ch, "mounts[/tmp]"));
    run_free(&r);
}

/* ---- resources --------------------------------------------------------- */

static const struct {
    const char *pids; /* JSON of linux.resources.pids or NULL */
    int64_t want;
} pids_cases[] = {
    {"{\"limit\":100000}", 256}, {NULL, 256}, {"{\"limit\":100}", 100}, {"{\"limit\":-1}", 256},
    {"{\"limit\":0}", 256},      {"{}", 256},
};

static void test_pids(void **state)
{
    for (size_t i = 0; i < sizeof(pids_cases) / sizeof(pids_cases[0]); i++) {
        char *l = pids_cases[i].pids
                      ? xasprintf(ALL_NS ",\"resources\":{\"pids\":%s}", pids_cases[i].pids)
                      : xstrdup(ALL_NS);
        struct run r;
        harden(&r, NULL, NULL, NULL, l);
        assert_true(r.out->linux_->resources->pids->has_limit);
        if (r.out->linux_->resources->pids->limit != pids_cases[i].want)
            fail_msg("case %zu: %lld", i, (long long)r.out->linux_->resources->pids->limit);
        if (pids_cases[i].want != 100)
            expect_change(&r.ch, "linux.resources.pids.limit", NULL, "256", "pids");
        else
            assert_null(find_change(&r.ch, "linux.resources.pids.limit"));
        free(l);
        run_free(&r);
    }
    struct run r;
    harden(&r, NULL, NULL, NULL, ALL_NS ",\"resources\":{\"pids\":{\"limit\":100000}}");
    expect_change(&r.ch, "linux.resources.pids.limit", "100000", "256", "pids");
    run_free(&r);
}

static void test_memory(void **state)
{
    struct run r;
    harden(&r, NULL, NULL, NULL,
           ALL_NS ",\"resources\":{\"memory\":{\"limit\":68719476736,\"swap\":-1}}");
    const struct spec_memory *m = r.out->linux_->resources->memory;
    assert_int_equal(m->limit, 1LL << 30);
    assert_int_equal(m->swap, 1LL << 30);
    expect_change(&r.ch, "linux.resources.memory.limit", "68719476736", "1073741824", "memory");
    expect_change(&r.ch, "linux.resources.memory.swap", "-1", "1073741824", "memory");
    run_free(&r);

    harden(&r, NULL, NULL, NULL,
           ALL_NS ",\"resources\":{\"memory\":{\"limit\":104857600,\"swap\":209715200}}");
    m = r.out->linux_->resources->memory;
    assert_int_equal(m->limit, 104857600);
    assert_int_equal(m->swap, 104857600);
    assert_null(find_change(&r.ch, "linux.resources.memory.limit"));
    expect_change(&r.ch, "linux.resources.memory.swap", "209715200", "104857600", "memory");
    run_free(&r);

    harden(&r, NULL, NULL, NULL, ALL_NS);
    m = r.out->linux_->resources->memory;
    assert_true(m->has_limit && m->has_swap);
    assert_int_equal(m->limit, 1LL << 30);
    expect_change(&r.ch, "linux.resources.memory.limit", "(absent)", "1073741824", "memory");
    run_free(&r);
}

static void test_unified(void **state)
{
    struct run r;
    harden(&r, NULL, NULL, NULL,
           ALL_NS ",\"resources\":{\"unified\":{\"pids.max\":\"max\",\"memory.max\":\"max\","
                  "\"memory.high\":\"1000000\",\"cgroup.procs\":\"1\",\"../x\":\"1\","
                  "\"cpu.weight\":\"100\"}}");
    const struct spec_kvlist *u = &r.out->linux_->resources->unified;
    assert_int_equal(u->n, 2);
    assert_non_null(spec_kvlist_get(u, "memory.high"));
    assert_non_null(spec_kvlist_get(u, "cpu.weight"));
    expect_change(&r.ch, "linux.resources.unified[pids.max]", "max", "(removed)", "resources");
    run_free(&r);
}

/* ---- sysctls, rlimits, oom -------------------------------------------- */

static const struct {
    const char *key, *value;
    bool kept;
} sysctl_cases[] = {
    {"net.ipv4.ip_forward", "1", true},
    {"net.ipv4.ip_local_port_range", "1024 65000", true},
    {"net.ipv4.tcp_congestion_control", "cubic", true},
    {"net.ipv4.conf.all.rp_filter", "-1", true},
    {"kernel.shmmax", "68719476736", true},
    {"kernel.msgmnb", "65536", true},
    {"kernel.sem", "250 32000 32 128", true},
    {"fs.mqueue.msg_max", "100", true},
    {"kernel.core_pattern", "|/bin/sh", false},
    {"kernel.core_pattern", "1", false},
    {"kernel.domainname", "x", false},
    {"kernel.shmmax", "1k", false},
    {"kernel.sem", "250  32000", false},
    {"kernel.sem", "250 ", false},
    {"net.ipv4.ip_forward", "1;2", false},
    {"net.ipv4.ip_forward", "", false},
    {"net.ipv4.conf.eth0/../../x", "1", false},
    {"net..x", "1", false},
    {"net.core.x", "Cubic", false},
    {"net.core.x", "a b\n", false},
    {"vm.overcommit_memory", "1", false},
    {"fs.protected_symlinks", "0", false},
};

static void test_sysctls(void **state)
{
    for (size_t i = 0; i < sizeof(sysctl_cases) / sizeof(sysctl_cases[0]); i++)
        if (ov_sysctl_allowed(sysctl_cases[i].key, sysctl_cases[i].value) != sysctl_cases[i].kept)
            fail_msg("case %zu: %s=%s", i, sysctl_cases[i].key, sysctl_cases[i].value);
    struct run r;
    harden(&r, NULL, NULL, NULL,
           ALL_NS ",\"sysctl\":{\"kernel.core_pattern\":\"|/tmp/x\",\"net.ipv4.ip_forward\":"
                  "\"1\"}");
    const struct spec_kvlist *s = &r.out->linux_->sysctl;
    assert_int_equal(s->n, 1);
    assert_string_equal(spec_kvlist_get(s, "net.ipv4.ip_forward"), "1");
    expect_change(&r.ch, "linux.sysctl[kernel.core_pattern]", "|/tmp/x", "(removed)", "sysctls");
    run_free(&r);
}

static const struct spec_rlimit *find_rlimit(const struct spec_process *p, const char *t)
{
    for (size_t i = 0; i < p->n_rlimits; i++)
        if (strcmp(p->rlimits[i].type, t) == 0)
            return &p->rlimits[i];
    return NULL;
}

static void test_rlimits_oom(void **state)
{
    struct run r;
    harden(&r,
           "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1048576,\"soft\":1048576},"
           "{\"type\":\"RLIMIT_CORE\",\"hard\":18446744073709551615,\"soft\":1024},"
           "{\"type\":\"RLIMIT_NPROC\",\"hard\":5000,\"soft\":5000}],\"oomScoreAdj\":-998,",
           NULL, NULL, ALL_NS);
    const struct spec_process *p = r.out->process;
    assert_int_equal(find_rlimit(p, "RLIMIT_NOFILE")->hard, 1024);
    assert_int_equal(find_rlimit(p, "RLIMIT_NOFILE")->soft, 1024);
    assert_int_equal(find_rlimit(p, "RLIMIT_CORE")->hard, 0);
    assert_int_equal(find_rlimit(p, "RLIMIT_CORE")->soft, 0);
    assert_int_equal(find_rlimit(p, "RLIMIT_NPROC")->hard, 5000);
    assert_int_equal(p->oom_score_adj, 0);
    expect_change(&r.ch, "process.rlimits[RLIMIT_NOFILE]", "1048576/1048576", "1024/1024",
                  "rlimits");
    expect_change(&r.ch, "process.rlimits[RLIMIT_CORE]", "1024/18446744073709551615", "0/0",
                  "rlimits");
    expect_change(&r.ch, "process.oomScoreAdj", "-998", "0", "oom");
    run_free(&r);

    /* absent ones are added; lower values and a positive oom score stay */
    harden(&r, "\"oomScoreAdj\":500,", NULL, NULL, ALL_NS);
    p = r.out->process;
    assert_int_equal(p->n_rlimits, 2);
    assert_string_equal(p->rlimits[0].type, "RLIMIT_CORE");
    assert_string_equal(p->rlimits[1].type, "RLIMIT_NOFILE");
    assert_int_equal(p->rlimits[1].hard, 1024);
    assert_int_equal(p->oom_score_adj, 500);
    expect_change(&r.ch, "process.rlimits[RLIMIT_NOFILE]", "(absent)", "1024/1024", "rlimits");
    run_free(&r);

    harden(&r, "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":512,\"soft\":256}],", NULL, NULL,
           ALL_NS);
    assert_int_equal(find_rlimit(r.out->process, "RLIMIT_NOFILE")->hard, 512);
    assert_int_equal(find_rlimit(r.out->process, "RLIMIT_NOFILE")->soft, 256);
    assert_null(find_change(&r.ch, "process.rlimits[RLIMIT_NOFILE]"));
    run_free(&r);
}

/* ---- whole-config properties ------------------------------------------ */

#define PRIVILEGED_MOUNTS                                                                          \
    "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"rw\"]},"     \
    "{\"destination\":\"/var/run/docker.sock\",\"type\":\"bind\",\"source\":"                      \
    "\"/var/run/docker.sock\",\"options\":[\"rbind\"]},"                                           \
    "{\"destination\":\"/host\",\"type\":\"bind\",\"source\":\"/\",\"options\":[\"rbind\"]},"      \
    "{\"destination\":\"/etc/resolv.conf\",\"type\":\"bind\",\"source\":"                          \
    "\"/var/lib/docker/containers/abc/resolv.conf\",\"options\":[\"rbind\",\"rprivate\"]}"

#define PRIVILEGED_LINUX                                                                           \
    "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"}],\"maskedPaths\":[],"                 \
    "\"readonlyPaths\":[],\"sysctl\":{\"kernel.core_pattern\":\"x\"},"                             \
    "\"resources\":{\"pids\":{\"limit\":-1},\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]},"   \
    "\"devices\":[{\"path\":\"/dev/sda\",\"type\":\"b\",\"major\":8,\"minor\":0}]"

static void test_input_not_mutated_and_deterministic(void **state)
{
    char *j = cfg_json(PRIV_CAPS "\"oomScoreAdj\":-5,", ",\"readonly\":false", PRIVILEGED_MOUNTS,
                       PRIVILEGED_LINUX);
    struct spec_config *in = parse(j);
    free(j);
    char *before = NULL, *after = NULL, *o1 = NULL, *o2 = NULL;
    size_t n;
    aisbx_error *err = NULL;
    assert_int_equal(spec_config_generate(in, false, &before, &n, &err), 0);
    struct aisbx_policy p = defpol();
    struct spec_config *out1 = NULL, *out2 = NULL;
    struct overlay_changes c1 = {0}, c2 = {0};
    assert_int_equal(overlay_apply(in, NULL, &p, &out1, &c1, &err), 0);
    assert_int_equal(overlay_apply(in, NULL, &p, &out2, &c2, &err), 0);
    assert_int_equal(spec_config_generate(in, false, &after, &n, &err), 0);
    assert_string_equal(before, after);
    assert_int_equal(spec_config_generate(out1, false, &o1, &n, &err), 0);
    assert_int_equal(spec_config_generate(out2, false, &o2, &n, &err), 0);
    assert_string_equal(o1, o2);
    assert_int_equal(c1.n, c2.n);
    for (size_t i = 0; i < c1.n; i++) {
        assert_string_equal(c1.v[i].field, c2.v[i].field);
        assert_string_equal(c1.v[i].new_value, c2.v[i].new_value);
    }
    /* the privileged config got the floor: spot checks */
    assert_true(out1->root->readonly);
    assert_null(find_mount(out1, "/var/run/docker.sock"));
    assert_null(find_mount(out1, "/host"));
    expect_opts(out1, "/etc/resolv.conf", "rbind,rprivate,nosuid,rnosuid,nodev,rnodev");
    assert_int_equal(out1->linux_->resources->pids->limit, 256);

    /* idempotent: the overlay of a hardened config changes nothing (the
     * seccomp entry is a note about the floor filter, not an edit) */
    struct spec_config *out3 = NULL;
    struct overlay_changes c3 = {0};
    assert_int_equal(overlay_apply(out1, NULL, &p, &out3, &c3, &err), 0);
    if (c3.n != 1 || strcmp(c3.v[0].rule, "seccomp") != 0) {
        dump_changes(&c3);
        fail_msg("second pass changed %zu fields", c3.n);
    }
    free(before);
    free(after);
    free(o1);
    free(o2);
    spec_config_free(in);
    spec_config_free(out1);
    spec_config_free(out2);
    spec_config_free(out3);
    overlay_changes_free(&c1);
    overlay_changes_free(&c2);
    overlay_changes_free(&c3);
}

static void test_facts_mismatch(void **state)
{
    struct spec_config *in = parse("{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],"
                                   "\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"
                                   "\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":"
                                   "\"/a\",\"type\":\"bind\",\"source\":\"/srv\"}]}");
    struct overlay_bind_fact bf[2] = {{0}};
    struct overlay_facts f = {.binds = bf, .n_binds = 2};
    struct aisbx_policy p = defpol();
    struct spec_config *out = NULL;
    struct overlay_changes ch = {0};
    aisbx_error *err = NULL;
    assert_int_equal(overlay_apply(in, &f, &p, &out, &ch, &err), -1);
    assert_non_null(strstr(err->msg, "facts"));
    aisbx_error_free(&err);
    spec_config_free(in);
}

/* ---- exec --process and update --resources ----------------------------- */

static void test_exec_process(void **state)
{
    const char *j = "{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
                    "\"noNewPrivileges\":false,\"oomScoreAdj\":-100,"
                    "\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\",\"CAP_CHOWN\"],"
                    "\"effective\":[\"CAP_SYS_ADMIN\"]}}";
    struct spec_process *in = NULL, *out = NULL;
    aisbx_error *err = NULL;
    assert_int_equal(spec_process_parse(j, strlen(j), &in, &err), 0);
    struct aisbx_policy p = defpol();
    struct overlay_changes ch = {0};
    assert_int_equal(overlay_apply_process(in, &p, &out, &ch, &err), 0);
    assert_true(out->no_new_privileges);
    assert_int_equal(out->capabilities->bounding.n, 0);
    assert_int_equal(out->capabilities->effective.n, 0);
    assert_int_equal(out->oom_score_adj, 0);
    assert_int_equal(find_rlimit(out, "RLIMIT_CORE")->hard, 0);
    assert_int_equal(find_rlimit(out, "RLIMIT_NOFILE")->hard, 1024);
    expect_change(&ch, "noNewPrivileges", "false", "true", "privileges");
    expect_change(&ch, "capabilities.bounding", "[CAP_SYS_ADMIN CAP_CHOWN]", "[]", "capabilities");
    expect_change(&ch, "oomScoreAdj", "-100", "0", "oom");
    /* input untouched */
    assert_false(in->no_new_privileges);
    assert_int_equal(in->capabilities->bounding.n, 2);
    spec_process_free(in);
    spec_process_free(out);
    overlay_changes_free(&ch);
}

static const struct {
    const char *json;
    bool has_pids;
    int64_t pids;
    int64_t mem, swap; /* -2: no memory object */
    size_t n_changes;
} update_cases[] = {
    /* docker update sends zeros for everything it does not change */
    {"{\"pids\":{\"limit\":0},\"memory\":{\"limit\":0,\"swap\":0}}", true, 0, 0, 0, 0},
    {"{\"pids\":{\"limit\":10000}}", true, 256, -2, -2, 1},
    {"{\"pids\":{\"limit\":-1}}", true, 256, -2, -2, 1},
    {"{\"pids\":{\"limit\":100}}", true, 100, -2, -2, 0},
    {"{\"memory\":{\"limit\":68719476736,\"swap\":-1}}", false, 0, 1LL << 30, 1LL << 30, 2},
    {"{\"memory\":{\"limit\":104857600,\"swap\":0}}", false, 0, 104857600, 104857600, 1},
    {"{\"memory\":{\"limit\":104857600,\"swap\":104857600}}", false, 0, 104857600, 104857600, 0},
    {"{\"memory\":{\"limit\":0,\"swap\":-1}}", false, 0, 0, 0, 1},
    {"{\"cpu\":{\"shares\":512}}", false, 0, -2, -2, 0},
    {"{\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]}", false, 0, -2, -2, 1},
};

static void test_update_resources(void **state)
{
    struct aisbx_policy p = defpol();
    for (size_t i = 0; i < sizeof(update_cases) / sizeof(update_cases[0]); i++) {
        struct spec_resources *in = NULL, *out = NULL;
        aisbx_error *err = NULL;
        const char *j = update_cases[i].json;
        if (spec_resources_parse(j, strlen(j), &in, &err) < 0)
            fail_msg("parse %s: %s", j, err->msg);
        struct overlay_changes ch = {0};
        assert_int_equal(overlay_apply_resources(in, &p, &out, &ch, &err), 0);
        if (update_cases[i].has_pids)
            assert_int_equal(out->pids->limit, update_cases[i].pids);
        else
            assert_true(!out->pids);
        if (update_cases[i].mem == -2) {
            assert_null(out->memory);
        } else {
            assert_int_equal(out->memory->limit, update_cases[i].mem);
            assert_int_equal(out->memory->swap, update_cases[i].swap);
        }
        assert_int_equal(out->n_devices, 0);
        if (ch.n != update_cases[i].n_changes) {
            dump_changes(&ch);
            fail_msg("case %zu: %zu changes", i, ch.n);
        }
        spec_resources_free(in);
        spec_resources_free(out);
        overlay_changes_free(&ch);
    }
}

/* ---- helpers ----------------------------------------------------------- */

static void test_path_helpers(void **state)
{
    static const char *const clean[][2] = {
        {"/", "/"},        {"//a//b/", "/a/b"},   {"/a/./b", "/a/b"},
        {"/a/../..", "/"}, {"/a/b/../c", "/a/c"}, {"a/b", "/a/b"},
        {"", "/"},         {"/..", "/"},
    };
    for (size_t i = 0; i < sizeof(clean) / sizeof(clean[0]); i++) {
        char *c = ov_path_clean(clean[i][0]);
        assert_string_equal(c, clean[i][1]);
        free(c);
    }
    assert_true(ov_path_within("/etc/x", "/etc"));
    assert_true(ov_path_within("/etc", "/etc"));
    assert_false(ov_path_within("/etcx", "/etc"));
    assert_true(ov_path_within("/x", "/"));
    uint64_t v;
    assert_true(ov_parse_size("64m", &v) && v == 64ULL << 20);
    assert_true(ov_parse_size("10", &v) && v == 10);
    assert_false(ov_parse_size("10%", &v));
    assert_false(ov_parse_size("-1", &v));
    assert_false(ov_parse_size("99999999999999999999", &v));
    assert_false(ov_parse_size("17179869184g", &v));
}

/* ---- facts (real kernel objects) --------------------------------------- */

static void test_facts_gather(void **state)
{
    char dir[] = "/tmp/aisbx-test-facts.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sock[64];
    snprintf(sock, sizeof(sock), "%s/api", dir);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);

    /* a child in a fresh network namespace: not the host's, only lo */
    int ready[2], done[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(done), 0);
    pid_t child = fork();
    if (child == 0) {
        char c;
        close(ready[0]);
        close(done[1]);
        if (unshare(CLONE_NEWNET) < 0)
            _exit(1);
        if (write(ready[1], "x", 1) != 1)
            _exit(1);
        ssize_t r = read(done[0], &c, 1); /* until the parent is done */
        (void)r;
        _exit(0);
    }
    close(ready[1]);
    close(done[0]);
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);

    char *j = xasprintf(
        "{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\","
        "\"user\":{\"uid\":0,\"gid\":0}},\"root\":{\"path\":\"r\"},"
        "\"mounts\":[{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"%s\"},"
        "{\"destination\":\"/b\",\"type\":\"bind\",\"source\":\"/proc/self/root\"},"
        "{\"destination\":\"/c\",\"type\":\"bind\",\"source\":\"/dev/null\"},"
        "{\"destination\":\"/d\",\"type\":\"bind\",\"source\":\"/\"},"
        "{\"destination\":\"/e\",\"type\":\"bind\",\"source\":\"api\"},"
        "{\"destination\":\"/f\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},"
        "{\"destination\":\"/g\",\"type\":\"bind\",\"source\":\"/sys/fs\"},"
        "{\"destination\":\"/h\",\"type\":\"bind\",\"source\":\"%s/nope\"}],"
        "\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"/proc/self/ns/net\"},"
        "{\"type\":\"ipc\",\"path\":\"/proc/self/ns/ipc\"},"
        "{\"type\":\"network\",\"path\":\"/proc/%d/ns/net\"},"
        "{\"type\":\"uts\",\"path\":\"/proc/%d/ns/net\"},{\"type\":\"pid\"}]}}",
        sock, dir, (int)child, (int)child);
    struct spec_config *cfg = parse(j);
    free(j);
    struct overlay_facts f;
    aisbx_error *err = NULL;
    assert_int_equal(overlay_facts_gather(cfg, dir, &f, &err), 0);
    assert_int_equal(f.n_ns, 5);
    assert_true(f.ns[0].exists && f.ns[0].is_host);
    assert_true(f.ns[1].exists && f.ns[1].is_host);
    assert_true(f.ns[2].exists && !f.ns[2].is_host && f.ns[2].only_lo);
    assert_false(f.ns[3].exists); /* a net namespace given as uts */
    assert_true(f.ns[3].wrong_type && f.ns[3].fd < 0);
    assert_true(f.ns[2].fd >= 0); /* kept for create to join */
    assert_false(f.ns[4].exists);
    assert_int_equal(f.n_binds, 8);
    assert_true(f.binds[0].exists && f.binds[0].is_socket);
    assert_string_equal(f.binds[0].resolved, sock);
    assert_true(f.binds[1].is_proc_sys_dev); /* magic link not followed */
    assert_true(f.binds[2].is_device && f.binds[2].rdev_major == 1 && f.binds[2].rdev_minor == 3);
    assert_true(f.binds[3].is_root);
    assert_true(f.binds[4].is_socket); /* relative to the bundle */
    assert_null(f.binds[5].resolved);
    assert_true(f.binds[6].is_proc_sys_dev);
    assert_false(f.binds[7].exists);

    /* and the overlay with these facts */
    struct aisbx_policy pol = defpol();
    struct spec_config *out = NULL;
    struct overlay_changes ch = {0};
    /* the spec: a path of the wrong type is an error */
    assert_int_equal(overlay_apply(cfg, &f, &pol, &out, &ch, &err), -1);
    assert_non_null(strstr(err->msg, "is not a namespace of type uts"));
    aisbx_error_free(&err);
    overlay_changes_free(&ch);
    f.ns[3].wrong_type = false; /* as if it could not be opened: a new one */
    assert_int_equal(overlay_apply(cfg, &f, &pol, &out, &ch, &err), 0);
    assert_null(find_mount(out, "/a"));
    assert_null(find_mount(out, "/b"));
    expect_opts(out, "/c", "rprivate,nosuid");
    assert_null(find_mount(out, "/d"));
    assert_null(find_mount(out, "/e"));
    assert_null(find_mount(out, "/g"));
    assert_non_null(find_mount(out, "/h"));
    expect_change(&ch, "linux.namespaces[network].path", "/proc/self/ns/net",
                  "(new namespace; host namespace)", "network");
    expect_change(&ch, "linux.namespaces[ipc].path", "/proc/self/ns/ipc",
                  "(new namespace; host namespace)", "namespaces");
    spec_config_free(out);
    overlay_changes_free(&ch);

    overlay_facts_free(&f);
    spec_config_free(cfg);
    close(done[1]);
    close(ready[0]);
    waitpid(child, NULL, 0);
    close(s);
    unlink(sock);
    rmdir(dir);
}

/* Issue 10 item 9: a bind of a dir whose tree holds a root-owned unix socket
 * is dropped (real socket, scanned by overlay_facts_gather); a clean dir is
 * kept; a symlink to the socket's dir is not followed by the scan; an engine
 * volume is exempt. */
static void test_socket_scan(void **state)
{
    char dir[] = "/tmp/aisbx-test-scan.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *sub = xasprintf("%s/with/sub", dir), *with = xasprintf("%s/with", dir);
    char *clean = xasprintf("%s/clean", dir), *lnk = xasprintf("%s/clean/l", dir);
    assert_int_equal(mkdir(with, 0755), 0);
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_int_equal(mkdir(clean, 0755), 0);
    assert_int_equal(symlink(sub, lnk), 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/s.sock", sub);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
    char *j = xasprintf("{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\","
                        "\"user\":{\"uid\":0,\"gid\":0}},\"root\":{\"path\":\"r\"},\"mounts\":["
                        "{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"%s\"},"
                        "{\"destination\":\"/b\",\"type\":\"bind\",\"source\":\"%s\"},"
                        "{\"destination\":\"/c\",\"type\":\"bind\",\"source\":\"%s\"}],"
                        "\"linux\":{}}",
                        with, clean, sub);
    struct spec_config *cfg = parse(j);
    free(j);
    struct overlay_facts f;
    aisbx_error *err = NULL;
    assert_int_equal(overlay_facts_gather(cfg, dir, &f, &err), 0);
    assert_true(f.binds[0].has_foreign_socket);
    assert_false(f.binds[1].has_foreign_socket);
    assert_true(f.binds[2].has_foreign_socket);
    struct aisbx_policy pol = defpol();
    struct spec_config *out = NULL;
    struct overlay_changes ch = {0};
    assert_int_equal(overlay_apply(cfg, &f, &pol, &out, &ch, &err), 0);
    assert_null(find_mount(out, "/a"));
    assert_null(find_mount(out, "/c"));
    assert_non_null(find_mount(out, "/b"));
    expect_change(&ch, "mounts[/a]", NULL, "(removed: holds a control socket)", "mounts");
    spec_config_free(out);
    overlay_changes_free(&ch);
    overlay_facts_free(&f);
    spec_config_free(cfg);
    close(s);
    unlink(sa.sun_path);
    unlink(lnk);
    rmdir(sub);
    rmdir(with);
    rmdir(clean);
    rmdir(dir);
    free(sub);
    free(with);
    free(clean);
    free(lnk);

    /* pure: the fact decides, except for the engine's own volumes */
    struct overlay_bind_fact bf[2] = {
        {.exists = true, .has_foreign_socket = true, .resolved = "/srv/data"},
        {.exists = true, .has_foreign_socket = true, .resolved = "/var/lib/docker/volumes/v/_data"},
    };
    struct overlay_facts pf = {.binds = bf, .n_binds = 2};
    struct run r;
    harden_with(&r, NULL, NULL,
                "{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/srv/data\"},"
                "{\"destination\":\"/v\",\"type\":\"bind\",\"source\":"
                "\"/var/lib/docker/volumes/v/_data\"}",
                ALL_NS, &pf, NULL);
    assert_null(find_mount(r.out, "/a"));
    assert_non_null(find_mount(r.out, "/v"));
    run_free(&r);
}

/* ---- verify (real prctl, seccomp, namespaces; in children) ------------- */

/* overlay_facts_rootfs on a real directory: writable, read-only bind, with tmp,
 * and a user namespace whose root does not own the directory. */
static void test_facts_rootfs(void **state)
{
    char dir[] = "/tmp/aisbx-ut-rootfs.XXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_int_equal(chmod(dir, 0755), 0);
    struct spec_config *c = parse("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"}}");
    struct overlay_facts f = {0};
    overlay_facts_rootfs(c, dir, &f);
    assert_false(f.rootfs_tmp_unmakeable);
    assert_int_equal(mount(dir, dir, NULL, MS_BIND, NULL), 0);
    int r = mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL);
    if (r == 0)
        overlay_facts_rootfs(c, dir, &f);
    assert_int_equal(umount2(dir, MNT_DETACH), 0);
    assert_int_equal(r, 0);
    assert_true(f.rootfs_tmp_unmakeable);
    spec_config_free(c);
    /* user namespace, owner (root) not mapped, no write for others */
    c = parse("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":"
              "[{\"type\":\"user\"}],\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,"
              "\"size\":65536}],\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,"
              "\"size\":65536}]}}");
    overlay_facts_rootfs(c, dir, &f);
    assert_true(f.rootfs_tmp_unmakeable);
    assert_int_equal(chmod(dir, 0777), 0);
    overlay_facts_rootfs(c, dir, &f);
    assert_false(f.rootfs_tmp_unmakeable);
    assert_int_equal(chmod(dir, 0755), 0);
    /* a tmp that exists is a mount point whatever else holds */
    char *t = xasprintf("%s/tmp", dir);
    assert_int_equal(mkdir(t, 0755), 0);
    overlay_facts_rootfs(c, dir, &f);
    assert_false(f.rootfs_tmp_unmakeable);
    assert_int_equal(rmdir(t), 0);
    free(t);
    spec_config_free(c);
    assert_int_equal(rmdir(dir), 0);
}

static void test_verify_parse_status(void **state)
{
    const char *st = "Name:\tsh\nCapInh:\t0000000000000000\nCapPrm:\t0000000000000001\n"
                     "CapEff:\t0000000000000001\nCapBnd:\t00000000000000a1\n"
                     "CapAmb:\t0000000000000000\nNoNewPrivs:\t1\nSeccomp:\t2\n";
    uint64_t e, p, i, a, b;
    int m;
    assert_int_equal(verify_parse_status(st, &e, &p, &i, &a, &b, &m), 0);
    assert_int_equal(e, 1);
    assert_int_equal(p, 1);
    assert_int_equal(i, 0);
    assert_int_equal(b, 0xa1);
    assert_int_equal(m, 2);
    assert_int_equal(verify_parse_status("Name:\tx\n", &e, &p, &i, &a, &b, &m), -1);
}

/* Runs fn in a child; returns its exit status (0 = checks passed). */
static int in_child(int (*fn)(void))
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn());
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 99;
}

static int child_all_good(void)
{
    aisbx_error *err = NULL;
    /* the floor's state, reproduced: empty netns, read-only root (in a private
     * mount ns, remounting a bind of / read-only is not possible without
     * touching the host's mounts, so that check is done on its own) */
    if (unshare(CLONE_NEWNET) < 0)
        return 10;
    if (verify_net_only_lo(&err) < 0)
        return 11;
    if (verify_no_new_privs(&err) == 0)
        return 12; /* not set yet: must fail */
    if (!strstr(err->msg, "overlay verification failed: no_new_privs is not set"))
        return 13;
    aisbx_error_free(&err);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return 14;
    if (verify_no_new_privs(&err) < 0)
        return 15;
    if (verify_seccomp_filter(&err) == 0)
        return 16;
    aisbx_error_free(&err);
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx || seccomp_load(ctx) < 0)
        return 17;
    seccomp_release(ctx);
    if (verify_seccomp_filter(&err) < 0)
        return 18;
    /* capabilities: drop to exactly CHOWN in all but inh/amb via the expected masks */
    struct verify_expect e;
    struct spec_process proc = {0};
    proc.capabilities = xmalloc0(sizeof(*proc.capabilities));
    spec_strlist_push(&proc.capabilities->bounding, "CAP_CHOWN");
    if (verify_expect_from_process(&proc, &e, &err) < 0)
        return 19;
    if (e.bnd != 1ULL << CAP_CHOWN || e.eff != 0 || !e.net_only_lo)
        return 19;
    spec_strlist_free(&proc.capabilities->bounding);
    free(proc.capabilities);
    /* as root with full caps, expecting none must fail naming the set */
    memset(&e, 0, sizeof(e));
    if (verify_caps(&e, &err) == 0)
        return 20;
    if (!strstr(err->msg, "capability set effective is"))
        return 21;
    aisbx_error_free(&err);
    return 0;
}

static void test_verify_checks(void **state)
{
    assert_int_equal(in_child(child_all_good), 0);
    /* the test's own (host) network namespace: fails when it has more than lo */
    struct if_nameindex *ifs = if_nameindex();
    assert_non_null(ifs);
    bool more = false;
    for (struct if_nameindex *i = ifs; i->if_index; i++)
        more |= strcmp(i->if_name, "lo") != 0;
    if_freenameindex(ifs);
    aisbx_error *err = NULL;
    assert_int_equal(verify_net_only_lo(&err), more ? -1 : 0);
    if (more) {
        assert_non_null(strstr(err->msg, "overlay verification failed: network namespace has "
                                         "interface "));
        aisbx_error_free(&err);
    }
}

static int child_verify_floor_fails(void)
{
    aisbx_error *err = NULL;
    struct verify_expect e = {.net_only_lo = false};
    /* the host root of the test machine is writable: the floor check must say so */
    if (verify_floor(&e, &err) == 0)
        return 1;
    if (!strstr(err->msg, "overlay verification failed: root filesystem is writable"))
        return 2;
    aisbx_error_free(&err);
    return 0;
}

/* In a private mount namespace (dropped when the child exits), the child's
 * copy of / is made read-only: the host's mounts are not touched. */
static int child_root_readonly(void)
{
    aisbx_error *err = NULL;
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return 1;
    if (verify_root_readonly(&err) == 0)
        return 2; /* still writable */
    aisbx_error_free(&err);
    if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
        return 3;
    if (verify_root_readonly(&err) < 0)
        return 4;
    return 0;
}

static void test_verify_root_readonly(void **state)
{
    if (access("/", W_OK) != 0)
        skip();
    assert_int_equal(in_child(child_root_readonly), 0);
}

static void test_verify_floor_fails(void **state)
{
    if (access("/", W_OK) != 0)
        skip();
    assert_int_equal(in_child(child_verify_floor_fails), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_namespace_paths),
        cmocka_unit_test(test_namespace_path_without_facts),
        cmocka_unit_test(test_namespaces_added),
        cmocka_unit_test(test_root_nnp_seccomp),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_caps_default_policy),
        cmocka_unit_test(test_caps_policy),
        cmocka_unit_test(test_masked_readonly_paths),
        cmocka_unit_test(test_sys_cgroup_ro),
        cmocka_unit_test(test_devices),
        cmocka_unit_test(test_binds),
        cmocka_unit_test(test_binds_with_facts),
        cmocka_unit_test(test_bind_origin),
        cmocka_unit_test(test_tmpfs),
        cmocka_unit_test(test_mount_option_undo),
        cmocka_unit_test(test_tmp_added),
        cmocka_unit_test(test_devpts),
        cmocka_unit_test(test_dev_added),
        cmocka_unit_test(test_pids),
        cmocka_unit_test(test_memory),
        cmocka_unit_test(test_unified),
        cmocka_unit_test(test_sysctls),
        cmocka_unit_test(test_rlimits_oom),
        cmocka_unit_test(test_input_not_mutated_and_deterministic),
        cmocka_unit_test(test_facts_mismatch),
        cmocka_unit_test(test_exec_process),
        cmocka_unit_test(test_update_resources),
        cmocka_unit_test(test_path_helpers),
        cmocka_unit_test(test_facts_gather),
        cmocka_unit_test(test_facts_rootfs),
        cmocka_unit_test(test_socket_scan),
        cmocka_unit_test(test_verify_parse_status),
        cmocka_unit_test(test_verify_checks),
        cmocka_unit_test(test_verify_root_readonly),
        cmocka_unit_test(test_verify_floor_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
