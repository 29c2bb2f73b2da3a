/* config.json and the process object -> C structs. Unknown keys are
 * ignored (forward compatibility, as runc does); wrong types and missing
 * required keys fail with the JSON path. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_internal.h"

/* ---- process ---------------------------------------------------------- */

static int parse_user(const struct json_at *p, struct spec_user *u, bool optional,
                      aisbx_error **err)
{
    struct json_at o, a;
    size_t n;
    int got = json_get_object(p, "user", optional ? 0 : JSON_REQUIRED, &o, err);
    if (got < 0)
        return -1;
    if (!got) /* optional and absent: 0:0, as runc reads a process.json */
        return 0;
    if (json_get_u32(&o, "uid", JSON_REQUIRED, &u->uid, err) < 0 ||
        json_get_u32(&o, "gid", JSON_REQUIRED, &u->gid, err) < 0)
        return -1;
    int r = json_get_u32(&o, "umask", 0, &u->umask, err);
    if (r < 0)
        return -1;
    u->has_umask = r;
    r = json_get_array(&o, "additionalGids", 0, &a, &n, err);
    if (r < 0)
        return -1;
    if (r) {
        u->additional_gids = xmalloc0(n * sizeof(uint32_t));
        u->n_additional_gids = n;
        for (size_t i = 0; i < n; i++) {
            struct json_at e = json_elem(&a, i);
            if (json_as_u32(&e, &u->additional_gids[i], err) < 0)
                return -1;
        }
    }
    return json_get_string(&o, "username", 0, &u->username, err);
}

static int parse_caps(const struct json_at *p, struct spec_process *proc, aisbx_error **err)
{
    struct json_at o;
    int r = json_get_object(p, "capabilities", 0, &o, err);
    if (r <= 0)
        return r;
    struct spec_capabilities *c = proc->capabilities = xmalloc0(sizeof(*c));
    struct {
        const char *key;
        struct spec_strlist *l;
        bool *has;
    } sets[] = {
        {"bounding", &c->bounding, &c->has_bounding},
        {"effective", &c->effective, &c->has_effective},
        {"inheritable", &c->inheritable, &c->has_inheritable},
        {"permitted", &c->permitted, &c->has_permitted},
        {"ambient", &c->ambient, &c->has_ambient},
    };
    for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
        r = spec_parse_strlist(&o, sets[i].key, 0, sets[i].l, err);
        if (r < 0)
            return -1;
        *sets[i].has = r;
    }
    return 0;
}

static int parse_rlimit(const struct json_at *e, void *elem, aisbx_error **err)
{
    struct spec_rlimit *r = elem;
    if (json_get_string(e, "type", JSON_REQUIRED, &r->type, err) < 0 ||
        json_get_u64(e, "hard", JSON_REQUIRED, &r->hard, err) < 0 ||
        json_get_u64(e, "soft", JSON_REQUIRED, &r->soft, err) < 0)
        return -1;
    return 0;
}

static int parse_console_size(const struct json_at *p, struct spec_process *proc, aisbx_error **err)
{
    struct json_at o;
    int r = json_get_object(p, "consoleSize", 0, &o, err);
    if (r <= 0)
        return r;
    proc->has_console_size = true;
    if (json_get_u32(&o, "height", JSON_REQUIRED, &proc->console_size.height, err) < 0 ||
        json_get_u32(&o, "width", JSON_REQUIRED, &proc->console_size.width, err) < 0)
        return -1;
    return 0;
}

static int parse_io_priority(const struct json_at *p, struct spec_process *proc, aisbx_error **err)
{
    struct json_at o;
    int r = json_get_object(p, "ioPriority", 0, &o, err);
    if (r <= 0)
        return r;
    struct spec_io_priority *io = proc->io_priority = xmalloc0(sizeof(*io));
    if (json_get_string(&o, "class", JSON_REQUIRED, &io->class_, err) < 0 ||
        json_get_i32(&o, "priority", 0, &io->priority, err) < 0)
        return -1;
    return 0;
}

static int parse_scheduler(const struct json_at *p, struct spec_process *proc, aisbx_error **err)
{
    struct json_at o;
    int r = json_get_object(p, "scheduler", 0, &o, err);
    if (r <= 0)
        return r;
    struct spec_scheduler *s = proc->scheduler = xmalloc0(sizeof(*s));
    if (json_get_string(&o, "policy", JSON_REQUIRED, &s->policy, err) < 0 ||
        spec_parse_strlist(&o, "flags", 0, &s->flags, err) < 0)
        return -1;
    if ((r = json_get_i32(&o, "nice", 0, &s->nice, err)) < 0)
        return -1;
    s->has_nice = r;
    if ((r = json_get_i32(&o, "priority", 0, &s->priority, err)) < 0)
        return -1;
    s->has_priority = r;
    if ((r = json_get_u64(&o, "runtime", 0, &s->runtime, err)) < 0)
        return -1;
    s->has_runtime = r;
    if ((r = json_get_u64(&o, "deadline", 0, &s->deadline, err)) < 0)
        return -1;
    s->has_deadline = r;
    if ((r = json_get_u64(&o, "period", 0, &s->period, err)) < 0)
        return -1;
    s->has_period = r;
    return 0;
}

static int parse_cpu_affinity(const struct json_at *p, struct spec_process *proc, aisbx_error **err)
{
    struct json_at o;
    int r = json_get_object(p, "execCPUAffinity", 0, &o, err);
    if (r <= 0)
        return r;
    struct spec_exec_cpu_affinity *a = proc->exec_cpu_affinity = xmalloc0(sizeof(*a));
    if (json_get_string(&o, "initial", 0, &a->initial, err) < 0 ||
        json_get_string(&o, "final", 0, &a->final, err) < 0)
        return -1;
    return 0;
}

static int parse_process_fields(const struct json_at *o, struct spec_process *p, bool user_optional,
                                aisbx_error **err)
{
    int r;
    if (json_get_bool(o, "terminal", 0, &p->terminal, err) < 0 ||
        parse_console_size(o, p, err) < 0 || parse_user(o, &p->user, user_optional, err) < 0 ||
        spec_parse_strlist(o, "args", 0, &p->args, err) < 0 ||
        json_get_string(o, "commandLine", 0, &p->command_line, err) < 0 ||
        spec_parse_strlist(o, "env", 0, &p->env, err) < 0 ||
        json_get_string(o, "cwd", JSON_REQUIRED, &p->cwd, err) < 0 || parse_caps(o, p, err) < 0 ||
        spec_parse_array(o, "rlimits", 0, sizeof(*p->rlimits), parse_rlimit, &p->rlimits,
                         &p->n_rlimits, err) < 0 ||
        json_get_bool(o, "noNewPrivileges", 0, &p->no_new_privileges, err) < 0 ||
        json_get_string(o, "apparmorProfile", 0, &p->apparmor_profile, err) < 0)
        return -1;
    if ((r = json_get_i32(o, "oomScoreAdj", 0, &p->oom_score_adj, err)) < 0)
        return -1;
    p->has_oom_score_adj = r;
    if (json_get_string(o, "selinuxLabel", 0, &p->selinux_label, err) < 0 ||
        parse_io_priority(o, p, err) < 0 || parse_scheduler(o, p, err) < 0 ||
        parse_cpu_affinity(o, p, err) < 0)
        return -1;
    return 0;
}

int spec_parse_process_at(const struct json_at *at, bool user_optional, struct spec_process **out,
                          aisbx_error **err)
{
    *out = NULL;
    if (json_expect_object(at, err) < 0)
        return -1;
    struct spec_process *p = xmalloc0(sizeof(*p));
    if (parse_process_fields(at, p, user_optional, err) < 0) {
        spec_process_free(p);
        return -1;
    }
    *out = p;
    return 0;
}

/* ---- root, mounts, hooks ---------------------------------------------- */

static int parse_mount(const struct json_at *e, void *elem, aisbx_error **err)
{
    struct spec_mount *m = elem;
    if (json_get_string(e, "destination", JSON_REQUIRED, &m->destination, err) < 0 ||
        json_get_string(e, "type", 0, &m->type, err) < 0 ||
        json_get_string(e, "source", 0, &m->source, err) < 0 ||
        spec_parse_strlist(e, "options", 0, &m->options, err) < 0 ||
        spec_parse_id_mappings(e, "uidMappings", &m->uid_mappings, &m->n_uid_mappings, err) < 0 ||
        spec_parse_id_mappings(e, "gidMappings", &m->gid_mappings, &m->n_gid_mappings, err) < 0)
        return -1;
    return 0;
}

static int parse_hook(const struct json_at *e, void *elem, aisbx_error **err)
{
    struct spec_hook *h = elem;
    int r;
    if (json_get_string(e, "path", JSON_REQUIRED, &h->path, err) < 0 ||
        spec_parse_strlist(e, "args", 0, &h->args, err) < 0 ||
        spec_parse_strlist(e, "env", 0, &h->env, err) < 0)
        return -1;
    if ((r = json_get_i32(e, "timeout", 0, &h->timeout, err)) < 0)
        return -1;
    h->has_timeout = r;
    return 0;
}

static int parse_hooks(const struct json_at *o, struct spec_config *c, aisbx_error **err)
{
    struct json_at h;
    int r = json_get_object(o, "hooks", 0, &h, err);
    if (r <= 0)
        return r;
    struct spec_hooks *hk = c->hooks = xmalloc0(sizeof(*hk));
    struct {
        const char *key;
        struct spec_hooklist *l;
    } lists[] = {
        {"prestart", &hk->prestart},
        {"createRuntime", &hk->create_runtime},
        {"createContainer", &hk->create_container},
        {"startContainer", &hk->start_container},
        {"poststart", &hk->poststart},
        {"poststop", &hk->poststop},
    };
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
        if (spec_parse_array(&h, lists[i].key, 0, sizeof(struct spec_hook), parse_hook,
                             &lists[i].l->v, &lists[i].l->n, err) < 0)
            return -1;
    return 0;
}

static int parse_root(const struct json_at *o, struct spec_config *c, aisbx_error **err)
{
    struct json_at r;
    int present = json_get_object(o, "root", 0, &r, err);
    if (present <= 0)
        return present;
    c->root = xmalloc0(sizeof(*c->root));
    if (json_get_string(&r, "path", JSON_REQUIRED, &c->root->path, err) < 0 ||
        json_get_bool(&r, "readonly", 0, &c->root->readonly, err) < 0)
        return -1;
    return 0;
}

static int parse_config_fields(const struct json_at *o, struct spec_config *c, aisbx_error **err)
{
    struct json_at m;
    if (json_get_string(o, "ociVersion", JSON_REQUIRED, &c->oci_version, err) < 0 ||
        parse_root(o, c, err) < 0 || json_get_string(o, "hostname", 0, &c->hostname, err) < 0 ||
        json_get_string(o, "domainname", 0, &c->domainname, err) < 0 ||
        spec_parse_array(o, "mounts", 0, sizeof(*c->mounts), parse_mount, &c->mounts, &c->n_mounts,
                         err) < 0 ||
        parse_hooks(o, c, err) < 0 ||
        spec_parse_string_map(o, "annotations", &c->annotations, err) < 0)
        return -1;
    m = json_member(o, "process");
    if (json_present(&m) && spec_parse_process_at(&m, false, &c->process, err) < 0)
        return -1;
    m = json_member(o, "linux");
    if (json_present(&m) && spec_parse_linux_at(&m, &c->linux_, err) < 0)
        return -1;
    return 0;
}

int spec_config_parse(const char *buf, size_t len, struct spec_config **out, aisbx_error **err)
{
    json_node *tree;
    *out = NULL;
    if (json_parse(buf, len, SPEC_MAX_CONFIG_BYTES, "config", &tree, err) < 0)
        return -1;
    struct json_at root = json_root(tree, "");
    struct spec_config *c = xmalloc0(sizeof(*c));
    if (json_expect_object(&root, err) < 0 || parse_config_fields(&root, c, err) < 0) {
        json_free(tree);
        spec_config_free(c);
        return -1;
    }
    json_free(tree);
    *out = c;
    return 0;
}

int spec_config_parse_file(const char *path, struct spec_config **out, aisbx_error **err)
{
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    *out = NULL;
    if (fd < 0)
        return aisbx_error_make(err, errno, "open %s", path);
    if (fstat(fd, &st) < 0)
        return aisbx_error_make(err, errno, "stat %s", path);
    if (!S_ISREG(st.st_mode))
        return aisbx_error_make(err, EINVAL, "%s: not a regular file", path);
    if ((uint64_t)st.st_size > SPEC_MAX_CONFIG_BYTES)
        return aisbx_error_make(err, EFBIG, "%s: %lld bytes is more than the limit of %u", path,
                                (long long)st.st_size, SPEC_MAX_CONFIG_BYTES);
    /* Read one byte past the limit so a file that grows under us is still
     * refused rather than silently truncated. */
    size_t cap = SPEC_MAX_CONFIG_BYTES + 1, len = 0;
    cleanup_free char *buf = xmalloc0(cap);
    for (;;) {
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return aisbx_error_make(err, errno, "read %s", path);
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len == cap)
            break;
    }
    if (spec_config_parse(buf, len, out, err) < 0)
        return aisbx_error_wrap(err, "%s", path);
    return 0;
}

int spec_process_parse(const char *buf, size_t len, struct spec_process **out, aisbx_error **err)
{
    json_node *tree;
    *out = NULL;
    if (json_parse(buf, len, SPEC_MAX_CONFIG_BYTES, "process", &tree, err) < 0)
        return -1;
    struct json_at root = json_root(tree, "process");
    int r = spec_parse_process_at(&root, true, out, err);
    json_free(tree);
    return r;
}
