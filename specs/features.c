/* The runtime-spec `features` document -> JSON. Key order follows runc. */
#include "features.h"

#include "config_internal.h"

static void gen_list(struct json_gen *g, const char *key, const struct spec_strlist *l)
{
    if (l->n) /* omitempty: an empty list means "unknown" */
        json_gen_kv_strings(g, key, l->v, l->n);
}

static void gen_tristate(struct json_gen *g, const char *key, enum spec_tristate t)
{
    if (t != SPEC_UNKNOWN)
        json_gen_kv_bool(g, key, t == SPEC_TRUE);
}

/* {"<key>": {"enabled": b}}, omitted when unknown. */
static void gen_enabled(struct json_gen *g, const char *key, enum spec_tristate t)
{
    if (t == SPEC_UNKNOWN)
        return;
    json_gen_key(g, key);
    json_gen_map_open(g);
    gen_tristate(g, "enabled", t);
    json_gen_map_close(g);
}

static void gen_linux(struct json_gen *g, const struct spec_features_linux *l)
{
    const struct spec_features_cgroup *c = &l->cgroup;
    const struct spec_features_seccomp *s = &l->seccomp;
    json_gen_key(g, "linux");
    json_gen_map_open(g);
    gen_list(g, "namespaces", &l->namespaces);
    gen_list(g, "capabilities", &l->capabilities);
    json_gen_key(g, "cgroup");
    json_gen_map_open(g);
    gen_tristate(g, "v1", c->v1);
    gen_tristate(g, "v2", c->v2);
    gen_tristate(g, "systemd", c->systemd);
    gen_tristate(g, "systemdUser", c->systemd_user);
    gen_tristate(g, "rdma", c->rdma);
    json_gen_map_close(g);
    json_gen_key(g, "seccomp");
    json_gen_map_open(g);
    gen_tristate(g, "enabled", s->enabled);
    gen_list(g, "actions", &s->actions);
    gen_list(g, "operators", &s->operators);
    gen_list(g, "archs", &s->archs);
    gen_list(g, "knownFlags", &s->known_flags);
    gen_list(g, "supportedFlags", &s->supported_flags);
    json_gen_map_close(g);
    gen_enabled(g, "apparmor", l->apparmor_enabled);
    gen_enabled(g, "selinux", l->selinux_enabled);
    gen_enabled(g, "intelRdt", l->intel_rdt_enabled);
    if (l->idmap_mounts_enabled != SPEC_UNKNOWN) {
        json_gen_key(g, "mountExtensions");
        json_gen_map_open(g);
        gen_enabled(g, "idmap", l->idmap_mounts_enabled);
        json_gen_map_close(g);
    }
    gen_enabled(g, "netDevices", l->net_devices_enabled);
    json_gen_map_close(g);
}

int spec_features_generate(const struct spec_features *f, bool pretty, char **out, size_t *len,
                           aisbx_error **err)
{
    struct json_gen *g = json_gen_new(pretty);
    json_gen_map_open(g);
    json_gen_kv_string(g, "ociVersionMin", f->oci_version_min);
    json_gen_kv_string(g, "ociVersionMax", f->oci_version_max);
    gen_list(g, "hooks", &f->hooks);
    gen_list(g, "mountOptions", &f->mount_options);
    if (f->has_linux)
        gen_linux(g, &f->linux_);
    spec_gen_kvlist(g, "annotations", &f->annotations);
    gen_list(g, "potentiallyUnsafeConfigAnnotations", &f->potentially_unsafe_config_annotations);
    json_gen_map_close(g);
    return json_gen_finish(g, out, len, err);
}

void spec_features_clear(struct spec_features *f)
{
    if (!f)
        return;
    free(f->oci_version_min);
    free(f->oci_version_max);
    spec_strlist_free(&f->hooks);
    spec_strlist_free(&f->mount_options);
    spec_strlist_free(&f->linux_.namespaces);
    spec_strlist_free(&f->linux_.capabilities);
    spec_strlist_free(&f->linux_.seccomp.actions);
    spec_strlist_free(&f->linux_.seccomp.operators);
    spec_strlist_free(&f->linux_.seccomp.archs);
    spec_strlist_free(&f->linux_.seccomp.known_flags);
    spec_strlist_free(&f->linux_.seccomp.supported_flags);
    spec_kvlist_free(&f->annotations);
    spec_strlist_free(&f->potentially_unsafe_config_annotations);
}
