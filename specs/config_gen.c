/* C structs -> config.json / process / resources JSON. Only what is present
 * is written (has_ flags, non-NULL pointers); an array that was present but
 * empty stays present, so parse -> generate -> parse is lossless. Key order
 * follows runc's `spec` output. */
#include "config_internal.h"

static void gen_strlist(struct json_gen *g, const char *key, const struct spec_strlist *l,
                        bool present)
{
    if (l->v || present)
        json_gen_kv_strings(g, key, l->v, l->n);
}

/* ---- process ---------------------------------------------------------------- */

static void gen_user(struct json_gen *g, const struct spec_user *u)
{
    json_gen_key(g, "user");
    json_gen_map_open(g);
    json_gen_kv_u64(g, "uid", u->uid);
    json_gen_kv_u64(g, "gid", u->gid);
    if (u->has_umask)
        json_gen_kv_u64(g, "umask", u->umask);
    if (u->additional_gids) {
        json_gen_key(g, "additionalGids");
        json_gen_array_open(g);
        for (size_t i = 0; i < u->n_additional_gids; i++)
            json_gen_u64(g, u->additional_gids[i]);
        json_gen_array_close(g);
    }
    json_gen_kv_string(g, "username", u->username);
    json_gen_map_close(g);
}

static void gen_caps(struct json_gen *g, const struct spec_capabilities *c)
{
    if (!c)
        return;
    json_gen_key(g, "capabilities");
    json_gen_map_open(g);
    gen_strlist(g, "bounding", &c->bounding, c->has_bounding);
    gen_strlist(g, "effective", &c->effective, c->has_effective);
    gen_strlist(g, "inheritable", &c->inheritable, c->has_inheritable);
    gen_strlist(g, "permitted", &c->permitted, c->has_permitted);
    gen_strlist(g, "ambient", &c->ambient, c->has_ambient);
    json_gen_map_close(g);
}

static void gen_scheduler(struct json_gen *g, const struct spec_scheduler *s)
{
    if (!s)
        return;
    json_gen_key(g, "scheduler");
    json_gen_map_open(g);
    json_gen_kv_string(g, "policy", s->policy);
    if (s->has_nice)
        json_gen_kv_i64(g, "nice", s->nice);
    if (s->has_priority)
        json_gen_kv_i64(g, "priority", s->priority);
    gen_strlist(g, "flags", &s->flags, false);
    if (s->has_runtime)
        json_gen_kv_u64(g, "runtime", s->runtime);
    if (s->has_deadline)
        json_gen_kv_u64(g, "deadline", s->deadline);
    if (s->has_period)
        json_gen_kv_u64(g, "period", s->period);
    json_gen_map_close(g);
}

void spec_gen_process(struct json_gen *g, const struct spec_process *p)
{
    json_gen_map_open(g);
    if (p->terminal)
        json_gen_kv_bool(g, "terminal", true);
    if (p->has_console_size) {
        json_gen_key(g, "consoleSize");
        json_gen_map_open(g);
        json_gen_kv_u64(g, "height", p->console_size.height);
        json_gen_kv_u64(g, "width", p->console_size.width);
        json_gen_map_close(g);
    }
    gen_user(g, &p->user);
    gen_strlist(g, "args", &p->args, false);
    json_gen_kv_string(g, "commandLine", p->command_line);
    gen_strlist(g, "env", &p->env, false);
    json_gen_kv_string(g, "cwd", p->cwd);
    gen_caps(g, p->capabilities);
    if (p->rlimits) {
        json_gen_key(g, "rlimits");
        json_gen_array_open(g);
        for (size_t i = 0; i < p->n_rlimits; i++) {
            json_gen_map_open(g);
            json_gen_kv_string(g, "type", p->rlimits[i].type);
            json_gen_kv_u64(g, "hard", p->rlimits[i].hard);
            json_gen_kv_u64(g, "soft", p->rlimits[i].soft);
            json_gen_map_close(g);
        }
        json_gen_array_close(g);
    }
    if (p->no_new_privileges)
        json_gen_kv_bool(g, "noNewPrivileges", true);
    json_gen_kv_string(g, "apparmorProfile", p->apparmor_profile);
    if (p->has_oom_score_adj)
        json_gen_kv_i64(g, "oomScoreAdj", p->oom_score_adj);
    json_gen_kv_string(g, "selinuxLabel", p->selinux_label);
    if (p->io_priority) {
        json_gen_key(g, "ioPriority");
        json_gen_map_open(g);
        json_gen_kv_string(g, "class", p->io_priority->class_);
        json_gen_kv_i64(g, "priority", p->io_priority->priority);
        json_gen_map_close(g);
    }
    gen_scheduler(g, p->scheduler);
    if (p->exec_cpu_affinity) {
        json_gen_key(g, "execCPUAffinity");
        json_gen_map_open(g);
        json_gen_kv_string(g, "initial", p->exec_cpu_affinity->initial);
        json_gen_kv_string(g, "final", p->exec_cpu_affinity->final);
        json_gen_map_close(g);
    }
    json_gen_map_close(g);
}

/* ---- mounts, hooks, config ------------------------------------------------------ */

static void gen_mounts(struct json_gen *g, const struct spec_config *c)
{
    if (!c->mounts)
        return;
    json_gen_key(g, "mounts");
    json_gen_array_open(g);
    for (size_t i = 0; i < c->n_mounts; i++) {
        const struct spec_mount *m = &c->mounts[i];
        json_gen_map_open(g);
        json_gen_kv_string(g, "destination", m->destination);
        json_gen_kv_string(g, "type", m->type);
        json_gen_kv_string(g, "source", m->source);
        gen_strlist(g, "options", &m->options, false);
        spec_gen_id_mappings(g, "uidMappings", m->uid_mappings, m->n_uid_mappings);
        spec_gen_id_mappings(g, "gidMappings", m->gid_mappings, m->n_gid_mappings);
        json_gen_map_close(g);
    }
    json_gen_array_close(g);
}

static void gen_hooklist(struct json_gen *g, const char *key, const struct spec_hooklist *l)
{
    if (!l->v)
        return;
    json_gen_key(g, key);
    json_gen_array_open(g);
    for (size_t i = 0; i < l->n; i++) {
        const struct spec_hook *h = &l->v[i];
        json_gen_map_open(g);
        json_gen_kv_string(g, "path", h->path);
        gen_strlist(g, "args", &h->args, false);
        gen_strlist(g, "env", &h->env, false);
        if (h->has_timeout)
            json_gen_kv_i64(g, "timeout", h->timeout);
        json_gen_map_close(g);
    }
    json_gen_array_close(g);
}

static void gen_hooks(struct json_gen *g, const struct spec_hooks *h)
{
    if (!h)
        return;
    json_gen_key(g, "hooks");
    json_gen_map_open(g);
    gen_hooklist(g, "prestart", &h->prestart);
    gen_hooklist(g, "createRuntime", &h->create_runtime);
    gen_hooklist(g, "createContainer", &h->create_container);
    gen_hooklist(g, "startContainer", &h->start_container);
    gen_hooklist(g, "poststart", &h->poststart);
    gen_hooklist(g, "poststop", &h->poststop);
    json_gen_map_close(g);
}

int spec_config_generate(const struct spec_config *c, bool pretty, char **out, size_t *len,
                         aisbx_error **err)
{
    struct json_gen *g = json_gen_new(pretty);
    json_gen_map_open(g);
    json_gen_kv_string(g, "ociVersion", c->oci_version ? c->oci_version : SPEC_OCI_VERSION);
    if (c->process) {
        json_gen_key(g, "process");
        spec_gen_process(g, c->process);
    }
    if (c->root) {
        json_gen_key(g, "root");
        json_gen_map_open(g);
        json_gen_kv_string(g, "path", c->root->path);
        if (c->root->readonly)
            json_gen_kv_bool(g, "readonly", true);
        json_gen_map_close(g);
    }
    json_gen_kv_string(g, "hostname", c->hostname);
    json_gen_kv_string(g, "domainname", c->domainname);
    gen_mounts(g, c);
    gen_hooks(g, c->hooks);
    spec_gen_kvlist(g, "annotations", &c->annotations);
    if (c->linux_) {
        json_gen_key(g, "linux");
        spec_gen_linux(g, c->linux_);
    }
    json_gen_map_close(g);
    return json_gen_finish(g, out, len, err);
}

int spec_process_generate(const struct spec_process *p, bool pretty, char **out, size_t *len,
                          aisbx_error **err)
{
    struct json_gen *g = json_gen_new(pretty);
    spec_gen_process(g, p);
    return json_gen_finish(g, out, len, err);
}

int spec_resources_generate(const struct spec_resources *r, bool pretty, char **out, size_t *len,
                            aisbx_error **err)
{
    struct json_gen *g = json_gen_new(pretty);
    spec_gen_resources(g, r);
    return json_gen_finish(g, out, len, err);
}
