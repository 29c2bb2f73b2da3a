/* Freeing and deep-copying the config structs. Every free function accepts
 * a partially filled (zeroed) struct, which is what a failed parse leaves. */
#include <string.h>

#include "config_internal.h"

/* ---- free ------------------------------------------------------------------ */

static void free_hooklist(struct spec_hooklist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].path);
        spec_strlist_free(&l->v[i].args);
        spec_strlist_free(&l->v[i].env);
    }
    free(l->v);
}

static void free_hooks(struct spec_hooks *h)
{
    if (!h)
        return;
    free_hooklist(&h->prestart);
    free_hooklist(&h->create_runtime);
    free_hooklist(&h->create_container);
    free_hooklist(&h->start_container);
    free_hooklist(&h->poststart);
    free_hooklist(&h->poststop);
    free(h);
}

static void free_caps(struct spec_capabilities *c)
{
    if (!c)
        return;
    spec_strlist_free(&c->bounding);
    spec_strlist_free(&c->effective);
    spec_strlist_free(&c->inheritable);
    spec_strlist_free(&c->permitted);
    spec_strlist_free(&c->ambient);
    free(c);
}

void spec_process_free(struct spec_process *p)
{
    if (!p)
        return;
    free(p->user.additional_gids);
    free(p->user.username);
    spec_strlist_free(&p->args);
    free(p->command_line);
    spec_strlist_free(&p->env);
    free(p->cwd);
    free_caps(p->capabilities);
    for (size_t i = 0; i < p->n_rlimits; i++)
        free(p->rlimits[i].type);
    free(p->rlimits);
    free(p->apparmor_profile);
    free(p->selinux_label);
    if (p->io_priority)
        free(p->io_priority->class_);
    free(p->io_priority);
    if (p->scheduler) {
        free(p->scheduler->policy);
        spec_strlist_free(&p->scheduler->flags);
    }
    free(p->scheduler);
    if (p->exec_cpu_affinity) {
        free(p->exec_cpu_affinity->initial);
        free(p->exec_cpu_affinity->final);
    }
    free(p->exec_cpu_affinity);
    free(p);
}

static void free_blkio(struct spec_blkio *b)
{
    if (!b)
        return;
    free(b->weight_device);
    free(b->throttle_read_bps.v);
    free(b->throttle_write_bps.v);
    free(b->throttle_read_iops.v);
    free(b->throttle_write_iops.v);
    free(b);
}

void spec_resources_free(struct spec_resources *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_devices; i++) {
        free(r->devices[i].type);
        free(r->devices[i].access);
    }
    free(r->devices);
    free(r->memory);
    if (r->cpu) {
        free(r->cpu->cpus);
        free(r->cpu->mems);
    }
    free(r->cpu);
    free_blkio(r->block_io);
    for (size_t i = 0; i < r->n_hugepage_limits; i++)
        free(r->hugepage_limits[i].page_size);
    free(r->hugepage_limits);
    if (r->network) {
        for (size_t i = 0; i < r->network->n_priorities; i++)
            free(r->network->priorities[i].name);
        free(r->network->priorities);
    }
    free(r->network);
    free(r->pids);
    for (size_t i = 0; i < r->n_rdma; i++)
        free(r->rdma[i].device);
    free(r->rdma);
    spec_kvlist_free(&r->unified);
    free(r);
}

static void free_seccomp(struct spec_seccomp *s)
{
    if (!s)
        return;
    free(s->default_action);
    spec_strlist_free(&s->architectures);
    spec_strlist_free(&s->flags);
    free(s->listener_path);
    free(s->listener_metadata);
    for (size_t i = 0; i < s->n_syscalls; i++) {
        struct spec_seccomp_syscall *sc = &s->syscalls[i];
        spec_strlist_free(&sc->names);
        free(sc->action);
        for (size_t j = 0; j < sc->n_args; j++)
            free(sc->args[j].op);
        free(sc->args);
    }
    free(s->syscalls);
    free(s);
}

void spec_linux_free(struct spec_linux *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n_namespaces; i++)
        free(l->namespaces[i].path);
    free(l->namespaces);
    free(l->uid_mappings);
    free(l->gid_mappings);
    for (size_t i = 0; i < l->n_devices; i++) {
        free(l->devices[i].path);
        free(l->devices[i].type);
    }
    free(l->devices);
    free(l->cgroups_path);
    spec_resources_free(l->resources);
    spec_kvlist_free(&l->sysctl);
    free_seccomp(l->seccomp);
    free(l->rootfs_propagation);
    spec_strlist_free(&l->masked_paths);
    spec_strlist_free(&l->readonly_paths);
    free(l->mount_label);
    if (l->intel_rdt) {
        free(l->intel_rdt->clos_id);
        free(l->intel_rdt->l3_cache_schema);
        free(l->intel_rdt->mem_bw_schema);
    }
    free(l->intel_rdt);
    if (l->personality) {
        free(l->personality->domain);
        spec_strlist_free(&l->personality->flags);
    }
    free(l->personality);
    for (size_t i = 0; i < l->n_time_offsets; i++)
        free(l->time_offsets[i].clock);
    free(l->time_offsets);
    free(l);
}

void spec_config_free(struct spec_config *c)
{
    if (!c)
        return;
    free(c->oci_version);
    spec_process_free(c->process);
    if (c->root)
        free(c->root->path);
    free(c->root);
    free(c->hostname);
    free(c->domainname);
    for (size_t i = 0; i < c->n_mounts; i++) {
        struct spec_mount *m = &c->mounts[i];
        free(m->destination);
        free(m->type);
        free(m->source);
        spec_strlist_free(&m->options);
        free(m->uid_mappings);
        free(m->gid_mappings);
    }
    free(c->mounts);
    free_hooks(c->hooks);
    spec_kvlist_free(&c->annotations);
    spec_linux_free(c->linux_);
    free(c);
}

/* ---- dup ------------------------------------------------------------------- */

static char *sdup(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* Copies n elements of size sz (plain data); NULL stays NULL. */
static void *mdup(const void *p, size_t n, size_t sz)
{
    if (!p)
        return NULL;
    void *r = xmalloc0(n * sz);
    if (n)
        memcpy(r, p, n * sz);
    return r;
}

/* A struct copied whole first, so that every scalar comes along; the
 * pointers in it are then replaced by deep copies. */
#define SHALLOW(dst, src) ((dst) = mdup((src), 1, sizeof(*(src))))

static void strlist_dup(struct spec_strlist *dst, const struct spec_strlist *src)
{
    dst->v = NULL;
    dst->n = 0;
    if (!src->v)
        return;
    dst->v = xmalloc0((src->n + 1) * sizeof(char *));
    for (size_t i = 0; i < src->n; i++)
        dst->v[i] = xstrdup(src->v[i]);
    dst->n = src->n;
}

static void kvlist_dup(struct spec_kvlist *dst, const struct spec_kvlist *src)
{
    dst->v = NULL;
    dst->n = 0;
    if (!src->n)
        return;
    dst->v = xmalloc0(src->n * sizeof(*dst->v));
    for (size_t i = 0; i < src->n; i++) {
        dst->v[i].key = xstrdup(src->v[i].key);
        dst->v[i].value = xstrdup(src->v[i].value);
    }
    dst->n = src->n;
}

struct spec_process *spec_process_dup(const struct spec_process *p)
{
    struct spec_process *d;
    if (!p)
        return NULL;
    SHALLOW(d, p);
    d->user.additional_gids =
        mdup(p->user.additional_gids, p->user.n_additional_gids, sizeof(uint32_t));
    d->user.username = sdup(p->user.username);
    strlist_dup(&d->args, &p->args);
    d->command_line = sdup(p->command_line);
    strlist_dup(&d->env, &p->env);
    d->cwd = sdup(p->cwd);
    if (p->capabilities) {
        SHALLOW(d->capabilities, p->capabilities);
        strlist_dup(&d->capabilities->bounding, &p->capabilities->bounding);
        strlist_dup(&d->capabilities->effective, &p->capabilities->effective);
        strlist_dup(&d->capabilities->inheritable, &p->capabilities->inheritable);
        strlist_dup(&d->capabilities->permitted, &p->capabilities->permitted);
        strlist_dup(&d->capabilities->ambient, &p->capabilities->ambient);
    }
    d->rlimits = mdup(p->rlimits, p->n_rlimits, sizeof(*p->rlimits));
    for (size_t i = 0; i < p->n_rlimits; i++)
        d->rlimits[i].type = sdup(p->rlimits[i].type);
    d->apparmor_profile = sdup(p->apparmor_profile);
    d->selinux_label = sdup(p->selinux_label);
    if (p->io_priority) {
        SHALLOW(d->io_priority, p->io_priority);
        d->io_priority->class_ = sdup(p->io_priority->class_);
    }
    if (p->scheduler) {
        SHALLOW(d->scheduler, p->scheduler);
        d->scheduler->policy = sdup(p->scheduler->policy);
        strlist_dup(&d->scheduler->flags, &p->scheduler->flags);
    }
    if (p->exec_cpu_affinity) {
        SHALLOW(d->exec_cpu_affinity, p->exec_cpu_affinity);
        d->exec_cpu_affinity->initial = sdup(p->exec_cpu_affinity->initial);
        d->exec_cpu_affinity->final = sdup(p->exec_cpu_affinity->final);
    }
    return d;
}

static void throttle_dup(struct spec_throttle_list *dst, const struct spec_throttle_list *src)
{
    dst->v = mdup(src->v, src->n, sizeof(*src->v));
    dst->n = src->n;
}

struct spec_resources *spec_resources_dup(const struct spec_resources *r)
{
    struct spec_resources *d;
    if (!r)
        return NULL;
    SHALLOW(d, r);
    d->devices = mdup(r->devices, r->n_devices, sizeof(*r->devices));
    for (size_t i = 0; i < r->n_devices; i++) {
        d->devices[i].type = sdup(r->devices[i].type);
        d->devices[i].access = sdup(r->devices[i].access);
    }
    d->memory = r->memory ? mdup(r->memory, 1, sizeof(*r->memory)) : NULL;
    if (r->cpu) {
        SHALLOW(d->cpu, r->cpu);
        d->cpu->cpus = sdup(r->cpu->cpus);
        d->cpu->mems = sdup(r->cpu->mems);
    }
    if (r->block_io) {
        const struct spec_blkio *b = r->block_io;
        SHALLOW(d->block_io, b);
        d->block_io->weight_device =
            mdup(b->weight_device, b->n_weight_device, sizeof(*b->weight_device));
        throttle_dup(&d->block_io->throttle_read_bps, &b->throttle_read_bps);
        throttle_dup(&d->block_io->throttle_write_bps, &b->throttle_write_bps);
        throttle_dup(&d->block_io->throttle_read_iops, &b->throttle_read_iops);
        throttle_dup(&d->block_io->throttle_write_iops, &b->throttle_write_iops);
    }
    d->hugepage_limits =
        mdup(r->hugepage_limits, r->n_hugepage_limits, sizeof(*r->hugepage_limits));
    for (size_t i = 0; i < r->n_hugepage_limits; i++)
        d->hugepage_limits[i].page_size = sdup(r->hugepage_limits[i].page_size);
    if (r->network) {
        SHALLOW(d->network, r->network);
        d->network->priorities =
            mdup(r->network->priorities, r->network->n_priorities, sizeof(*r->network->priorities));
        for (size_t i = 0; i < r->network->n_priorities; i++)
            d->network->priorities[i].name = sdup(r->network->priorities[i].name);
    }
    d->pids = r->pids ? mdup(r->pids, 1, sizeof(*r->pids)) : NULL;
    d->rdma = mdup(r->rdma, r->n_rdma, sizeof(*r->rdma));
    for (size_t i = 0; i < r->n_rdma; i++)
        d->rdma[i].device = sdup(r->rdma[i].device);
    kvlist_dup(&d->unified, &r->unified);
    return d;
}

static struct spec_seccomp *seccomp_dup(const struct spec_seccomp *s)
{
    struct spec_seccomp *d;
    if (!s)
        return NULL;
    SHALLOW(d, s);
    d->default_action = sdup(s->default_action);
    strlist_dup(&d->architectures, &s->architectures);
    strlist_dup(&d->flags, &s->flags);
    d->listener_path = sdup(s->listener_path);
    d->listener_metadata = sdup(s->listener_metadata);
    d->syscalls = mdup(s->syscalls, s->n_syscalls, sizeof(*s->syscalls));
    for (size_t i = 0; i < s->n_syscalls; i++) {
        const struct spec_seccomp_syscall *sc = &s->syscalls[i];
        struct spec_seccomp_syscall *dc = &d->syscalls[i];
        strlist_dup(&dc->names, &sc->names);
        dc->action = sdup(sc->action);
        dc->args = mdup(sc->args, sc->n_args, sizeof(*sc->args));
        for (size_t j = 0; j < sc->n_args; j++)
            dc->args[j].op = sdup(sc->args[j].op);
    }
    return d;
}

static struct spec_linux *linux_dup(const struct spec_linux *l)
{
    struct spec_linux *d;
    if (!l)
        return NULL;
    SHALLOW(d, l);
    d->namespaces = mdup(l->namespaces, l->n_namespaces, sizeof(*l->namespaces));
    for (size_t i = 0; i < l->n_namespaces; i++)
        d->namespaces[i].path = sdup(l->namespaces[i].path);
    d->uid_mappings = mdup(l->uid_mappings, l->n_uid_mappings, sizeof(*l->uid_mappings));
    d->gid_mappings = mdup(l->gid_mappings, l->n_gid_mappings, sizeof(*l->gid_mappings));
    d->devices = mdup(l->devices, l->n_devices, sizeof(*l->devices));
    for (size_t i = 0; i < l->n_devices; i++) {
        d->devices[i].path = sdup(l->devices[i].path);
        d->devices[i].type = sdup(l->devices[i].type);
    }
    d->cgroups_path = sdup(l->cgroups_path);
    d->resources = spec_resources_dup(l->resources);
    kvlist_dup(&d->sysctl, &l->sysctl);
    d->seccomp = seccomp_dup(l->seccomp);
    d->rootfs_propagation = sdup(l->rootfs_propagation);
    strlist_dup(&d->masked_paths, &l->masked_paths);
    strlist_dup(&d->readonly_paths, &l->readonly_paths);
    d->mount_label = sdup(l->mount_label);
    if (l->intel_rdt) {
        SHALLOW(d->intel_rdt, l->intel_rdt);
        d->intel_rdt->clos_id = sdup(l->intel_rdt->clos_id);
        d->intel_rdt->l3_cache_schema = sdup(l->intel_rdt->l3_cache_schema);
        d->intel_rdt->mem_bw_schema = sdup(l->intel_rdt->mem_bw_schema);
    }
    if (l->personality) {
        SHALLOW(d->personality, l->personality);
        d->personality->domain = sdup(l->personality->domain);
        strlist_dup(&d->personality->flags, &l->personality->flags);
    }
    d->time_offsets = mdup(l->time_offsets, l->n_time_offsets, sizeof(*l->time_offsets));
    for (size_t i = 0; i < l->n_time_offsets; i++)
        d->time_offsets[i].clock = sdup(l->time_offsets[i].clock);
    return d;
}

static void hooklist_dup(struct spec_hooklist *dst, const struct spec_hooklist *src)
{
    dst->v = mdup(src->v, src->n, sizeof(*src->v));
    dst->n = src->n;
    for (size_t i = 0; i < src->n; i++) {
        dst->v[i].path = sdup(src->v[i].path);
        strlist_dup(&dst->v[i].args, &src->v[i].args);
        strlist_dup(&dst->v[i].env, &src->v[i].env);
    }
}

struct spec_config *spec_config_dup(const struct spec_config *c)
{
    struct spec_config *d;
    if (!c)
        return NULL;
    SHALLOW(d, c);
    d->oci_version = sdup(c->oci_version);
    d->process = spec_process_dup(c->process);
    if (c->root) {
        SHALLOW(d->root, c->root);
        d->root->path = sdup(c->root->path);
    }
    d->hostname = sdup(c->hostname);
    d->domainname = sdup(c->domainname);
    d->mounts = mdup(c->mounts, c->n_mounts, sizeof(*c->mounts));
    for (size_t i = 0; i < c->n_mounts; i++) {
        const struct spec_mount *m = &c->mounts[i];
        struct spec_mount *dm = &d->mounts[i];
        dm->destination = sdup(m->destination);
        dm->type = sdup(m->type);
        dm->source = sdup(m->source);
        strlist_dup(&dm->options, &m->options);
        dm->uid_mappings = mdup(m->uid_mappings, m->n_uid_mappings, sizeof(*m->uid_mappings));
        dm->gid_mappings = mdup(m->gid_mappings, m->n_gid_mappings, sizeof(*m->gid_mappings));
    }
    if (c->hooks) {
        SHALLOW(d->hooks, c->hooks);
        hooklist_dup(&d->hooks->prestart, &c->hooks->prestart);
        hooklist_dup(&d->hooks->create_runtime, &c->hooks->create_runtime);
        hooklist_dup(&d->hooks->create_container, &c->hooks->create_container);
        hooklist_dup(&d->hooks->start_container, &c->hooks->start_container);
        hooklist_dup(&d->hooks->poststart, &c->hooks->poststart);
        hooklist_dup(&d->hooks->poststop, &c->hooks->poststop);
    }
    kvlist_dup(&d->annotations, &c->annotations);
    d->linux_ = linux_dup(c->linux_);
    return d;
}
