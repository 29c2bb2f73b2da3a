/* The `linux` section of config.json -> C structs (resources live in
 * config_parse_resources.c). */
#include <string.h>

#include "config_internal.h"

static int parse_namespace(const struct json_at *e, void *elem, aisbx_error **err)
{
    struct spec_namespace *ns = elem;
    cleanup_free char *type = NULL;
    if (json_get_string(e, "type", JSON_REQUIRED, &type, err) < 0)
        return -1;
    int t = spec_ns_type_from_name(type);
    if (t < 0) {
        struct json_at m = json_member(e, "type");
        return json_error(err, &m, "unknown namespace type \"%.64s\"", type);
    }
    ns->type = (enum spec_ns_type)t;
    return json_get_string(e, "path", 0, &ns->path, err) < 0 ? -1 : 0;
}

static int parse_device(const struct json_at *e, void *elem, aisbx_error **err)
{
    struct spec_device *d = elem;
    int r;
    if (json_get_string(e, "path", JSON_REQUIRED, &d->path, err) < 0 ||
        json_get_string(e, "type", JSON_REQUIRED, &d->type, err) < 0 ||
        json_get_i64(e, "major", 0, &d->major, err) < 0 ||
        json_get_i64(e, "minor", 0, &d->minor, err) < 0)
        return -1;
    if ((r = json_get_u32(e, "fileMode", 0, &d->file_mode, err)) < 0)
        return -1;
    d->has_file_mode = r;
    if ((r = json_get_u32(e, "uid", 0, &d->uid, err)) < 0)
        return -1;
    d->has_uid = r;
    if ((r = json_get_u32(e, "gid", 0, &d->gid, err)) < 0)
        return -1;
    d->has_gid = r;
    return 0;
}

/* ---- seccomp ------------------------------------------------------------ */

static int parse_seccomp_arg(const struct json_at *e, void *elem, aisbx_error **err)
{
    struct spec_seccomp_arg *a = elem;
    int r;
    if (json_get_u32(e, "index", JSON_REQUIRED, &a->index, err) < 0 ||
        json_get_u64(e, "value", JSON_REQUIRED, &a->value, err) < 0)
        return -1;
    if ((r = json_get_u64(e, "valueTwo", 0, &a->value_two, err)) < 0)
        return -1;
    a->has_value_two = r;
    return json_get_string(e, "op", JSON_REQUIRED, &a->op, err) < 0 ? -1 : 0;
}

static int parse_syscall(const struct json_at *e, void *elem, aisbx_error **err)
{
    struct spec_seccomp_syscall *s = elem;
    int r;
    if (spec_parse_strlist(e, "names", JSON_REQUIRED, &s->names, err) < 0 ||
        json_get_string(e, "action", JSON_REQUIRED, &s->action, err) < 0)
        return -1;
    if ((r = json_get_u32(e, "errnoRet", 0, &s->errno_ret, err)) < 0)
        return -1;
    s->has_errno_ret = r;
    return spec_parse_array(e, "args", 0, sizeof(*s->args), parse_seccomp_arg, &s->args, &s->n_args,
                            err) < 0
               ? -1
               : 0;
}

static int parse_seccomp(const struct json_at *o, struct spec_linux *l, aisbx_error **err)
{
    struct json_at m;
    int r = json_get_object(o, "seccomp", 0, &m, err);
    if (r <= 0)
        return r;
    struct spec_seccomp *s = l->seccomp = xmalloc0(sizeof(*s));
    if (json_get_string(&m, "defaultAction", JSON_REQUIRED, &s->default_action, err) < 0)
        return -1;
    if ((r = json_get_u32(&m, "defaultErrnoRet", 0, &s->default_errno_ret, err)) < 0)
        return -1;
    s->has_default_errno_ret = r;
    if (spec_parse_strlist(&m, "architectures", 0, &s->architectures, err) < 0 ||
        spec_parse_strlist(&m, "flags", 0, &s->flags, err) < 0 ||
        json_get_string(&m, "listenerPath", 0, &s->listener_path, err) < 0 ||
        json_get_string(&m, "listenerMetadata", 0, &s->listener_metadata, err) < 0 ||
        spec_parse_array(&m, "syscalls", 0, sizeof(*s->syscalls), parse_syscall, &s->syscalls,
                         &s->n_syscalls, err) < 0)
        return -1;
    return 0;
}

/* ---- small objects ------------------------------------------------------- */

static int parse_intel_rdt(const struct json_at *o, struct spec_linux *l, aisbx_error **err)
{
    struct json_at m;
    int r = json_get_object(o, "intelRdt", 0, &m, err);
    if (r <= 0)
        return r;
    struct spec_intel_rdt *i = l->intel_rdt = xmalloc0(sizeof(*i));
    if (json_get_string(&m, "closID", 0, &i->clos_id, err) < 0 ||
        json_get_string(&m, "l3CacheSchema", 0, &i->l3_cache_schema, err) < 0 ||
        json_get_string(&m, "memBwSchema", 0, &i->mem_bw_schema, err) < 0)
        return -1;
    if ((r = json_get_bool(&m, "enableCMT", 0, &i->enable_cmt, err)) < 0)
        return -1;
    i->has_enable_cmt = r;
    if ((r = json_get_bool(&m, "enableMBM", 0, &i->enable_mbm, err)) < 0)
        return -1;
    i->has_enable_mbm = r;
    return 0;
}

static int parse_personality(const struct json_at *o, struct spec_linux *l, aisbx_error **err)
{
    struct json_at m;
    int r = json_get_object(o, "personality", 0, &m, err);
    if (r <= 0)
        return r;
    struct spec_personality *p = l->personality = xmalloc0(sizeof(*p));
    if (json_get_string(&m, "domain", JSON_REQUIRED, &p->domain, err) < 0 ||
        spec_parse_strlist(&m, "flags", 0, &p->flags, err) < 0)
        return -1;
    return 0;
}

/* timeOffsets is a map keyed by clock name, not an array. */
static int parse_time_offsets(const struct json_at *o, struct spec_linux *l, aisbx_error **err)
{
    struct json_at m;
    int r = json_get_object(o, "timeOffsets", 0, &m, err);
    if (r <= 0)
        return r;
    size_t n;
    size_t *idx = spec_object_unique_keys(&m, &n);
    l->time_offsets = xmalloc0(n * sizeof(*l->time_offsets));
    for (size_t i = 0; i < n; i++) {
        const char *clock;
        struct json_at e = json_object_entry(&m, idx[i], &clock);
        struct spec_time_offset *t = &l->time_offsets[l->n_time_offsets++];
        t->clock = xstrdup(clock);
        if (json_expect_object(&e, err) < 0 || json_get_i64(&e, "secs", 0, &t->secs, err) < 0 ||
            json_get_u32(&e, "nanosecs", 0, &t->nanosecs, err) < 0) {
            free(idx);
            return -1;
        }
    }
    free(idx);
    return 0;
}

static int parse_linux_fields(const struct json_at *o, struct spec_linux *l, aisbx_error **err)
{
    int r;
    struct json_at m;
    if (spec_parse_array(o, "namespaces", 0, sizeof(*l->namespaces), parse_namespace,
                         &l->namespaces, &l->n_namespaces, err) < 0 ||
        spec_parse_id_mappings(o, "uidMappings", &l->uid_mappings, &l->n_uid_mappings, err) < 0 ||
        spec_parse_id_mappings(o, "gidMappings", &l->gid_mappings, &l->n_gid_mappings, err) < 0 ||
        spec_parse_array(o, "devices", 0, sizeof(*l->devices), parse_device, &l->devices,
                         &l->n_devices, err) < 0 ||
        json_get_string(o, "cgroupsPath", 0, &l->cgroups_path, err) < 0 ||
        spec_parse_string_map(o, "sysctl", &l->sysctl, err) < 0 || parse_seccomp(o, l, err) < 0 ||
        json_get_string(o, "rootfsPropagation", 0, &l->rootfs_propagation, err) < 0)
        return -1;
    m = json_member(o, "resources");
    if (json_present(&m) && spec_parse_resources_at(&m, &l->resources, err) < 0)
        return -1;
    if ((r = spec_parse_strlist(o, "maskedPaths", 0, &l->masked_paths, err)) < 0)
        return -1;
    l->has_masked_paths = r;
    if ((r = spec_parse_strlist(o, "readonlyPaths", 0, &l->readonly_paths, err)) < 0)
        return -1;
    l->has_readonly_paths = r;
    if (json_get_string(o, "mountLabel", 0, &l->mount_label, err) < 0 ||
        parse_intel_rdt(o, l, err) < 0 || parse_personality(o, l, err) < 0 ||
        parse_time_offsets(o, l, err) < 0)
        return -1;
    return 0;
}

int spec_parse_linux_at(const struct json_at *at, struct spec_linux **out, aisbx_error **err)
{
    if (json_expect_object(at, err) < 0)
        return -1;
    /* Stored before filling so the caller's free releases a partial parse. */
    *out = xmalloc0(sizeof(**out));
    return parse_linux_fields(at, *out, err);
}
