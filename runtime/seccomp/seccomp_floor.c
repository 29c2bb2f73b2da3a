/* The floor filter's entry point: seccomp_compile_floor reads the program
 * from the program cache (seccomp_cache.c) or has seccomp_floor_build.c
 * compile it. The rest of this file is what the cache key is made of.
 * The key must change whenever the compiled bytes could: the floor tables
 * (hashed here), the code that turns them into rules (the binary's build-id),
 * libseccomp (its run-time version, the library can be upgraded under us),
 * the architecture, and the kernel (libseccomp probes it for supported
 * actions). A stale key component can only cause a recompile, never the
 * use of another build's program. */
#include <elf.h>
#include <inttypes.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "runtime/seccomp/seccomp_cache.h"
#include "runtime/seccomp/seccomp_floor.h"

#ifndef AISBX_VERSION
#define AISBX_VERSION "unknown"
#endif
#ifndef AISBX_COMMIT
#define AISBX_COMMIT "unknown"
#endif

#define NOTE_ALIGN(n) (((n) + 3u) & ~3u)

struct build_id {
    char hex[2 * 64 + 1];
};

/* The main program's NT_GNU_BUILD_ID: the linker hashes the whole output
 * into it, so any change to the floor's code yields another id. */
static int find_build_id(struct dl_phdr_info *info, size_t size, void *data)
{
    struct build_id *id = data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE)
            continue;
        const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
        const unsigned char *end = p + ph->p_memsz;
        while (p + sizeof(ElfW(Nhdr)) <= end) {
            const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
            const unsigned char *name = p + sizeof(*nh);
            const unsigned char *desc = name + NOTE_ALIGN(nh->n_namesz);
            if (desc + nh->n_descsz > end)
                break;
            if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 && !memcmp(name, "GNU", 4) &&
                nh->n_descsz > 0 && nh->n_descsz <= 64) {
                for (size_t k = 0; k < nh->n_descsz; k++)
                    snprintf(id->hex + 2 * k, 3, "%02x", desc[k]);
                return 1;
            }
            p = desc + NOTE_ALIGN(nh->n_descsz);
        }
    }
    return 1; /* the first object is the main program: stop there */
}

static uint64_t hash_names(uint64_t h, const char *const *v, size_t n)
{
    h = seccomp_cache_hash(h, &n, sizeof(n));
    for (size_t i = 0; i < n; i++)
        h = seccomp_cache_hash(h, v[i], strlen(v[i]) + 1);
    return h;
}

static uint64_t hash_u32(uint64_t h, const uint32_t *v, size_t n)
{
    h = seccomp_cache_hash(h, &n, sizeof(n));
    return seccomp_cache_hash(h, v, n * sizeof(*v));
}

static uint64_t floor_tables_hash(void)
{
    uint64_t h = SECCOMP_CACHE_HASH_INIT;
    h = hash_names(h, floor_allow, floor_allow_n);
    h = hash_names(h, floor_eperm, floor_eperm_n);
    h = hash_names(h, floor_enosys, floor_enosys_n);
    h = seccomp_cache_hash(h, &floor_allow_raw_n, sizeof(floor_allow_raw_n));
    for (size_t i = 0; i < floor_allow_raw_n; i++) {
        h = seccomp_cache_hash(h, floor_allow_raw[i].name, strlen(floor_allow_raw[i].name) + 1);
        h = seccomp_cache_hash(h, &floor_allow_raw[i].nr_x86_64, sizeof(int));
    }
    h = hash_u32(h, &floor_clone_new_flags, 1);
    h = hash_u32(h, floor_socket_families, floor_socket_families_n);
    h = hash_u32(h, floor_inet_types, floor_inet_types_n);
    h = hash_u32(h, floor_netlink_protocols, floor_netlink_protocols_n);
    h = hash_u32(h, floor_personalities, floor_personalities_n);
    h = hash_u32(h, floor_denied_ioctls, floor_denied_ioctls_n);
    return h;
}

char *seccomp_floor_cache_key(void)
{
    struct build_id id = {{0}};
    dl_iterate_phdr(find_build_id, &id);
    if (!id.hex[0])
        return NULL;
    struct utsname u;
    if (uname(&u) < 0)
        return NULL;
    const struct scmp_version *v = seccomp_version();
    return xasprintf("aisbx-floor 1\naisbx %s %s\nbuild-id %s\nlibseccomp %u.%u.%u\n"
                     "arch 0x%08x\nkernel %s %s %s\ntables %016" PRIx64 "\n",
                     AISBX_VERSION, AISBX_COMMIT, id.hex, v->major, v->minor, v->micro,
                     seccomp_arch_native(), u.release, u.version, u.machine, floor_tables_hash());
}

static int compile_floor(struct seccomp_program *out, aisbx_error **err)
{
    return seccomp_floor_build(out, NULL, err);
}

int seccomp_floor_cached(const char *dir, struct seccomp_program *out,
                         struct seccomp_cache_report *rep, aisbx_error **err)
{
    cleanup_free char *key = seccomp_floor_cache_key();
    return seccomp_cache_fetch(dir, "floor", key, compile_floor, out, rep, err);
}

/* Through the program cache (seccomp_cache.h): the floor does not depend on
 * the config, so later containers read the bytes a fresh compile produced. */
static const char *floor_cache_dir = SECCOMP_CACHE_DIR;

void seccomp_floor_set_cache_dir(const char *dir)
{
    floor_cache_dir = dir;
}

int seccomp_compile_floor(struct seccomp_program *out, aisbx_error **err)
{
    return seccomp_floor_cached(floor_cache_dir, out, NULL, err);
}
