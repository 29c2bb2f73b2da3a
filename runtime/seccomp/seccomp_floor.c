/* The floor filter's entry point: seccomp_compile_floor reads the program
 * from the program cache (seccomp_cache.c) or has seccomp_floor_build.c
 * compile it. The rest of this file is what the cache key is made of: the
 * shared base (seccomp_cache_key.c: build-id, libseccomp, arch, kernel) and
 * a hash of the floor tables. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "runtime/seccomp/seccomp_cache.h"
#include "runtime/seccomp/seccomp_floor.h"

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
    cleanup_free char *base = seccomp_cache_key_base();
    if (!base)
        return NULL;
    return xasprintf("aisbx-floor 1\n%stables %016" PRIx64 "\n", base, floor_tables_hash());
}

static int compile_floor(const void *unused, struct seccomp_program *out, aisbx_error **err)
{
    (void)unused;
    return seccomp_floor_build(out, NULL, err);
}

int seccomp_floor_cached(const char *dir, struct seccomp_program *out,
                         struct seccomp_cache_report *rep, aisbx_error **err)
{
    cleanup_free char *key = seccomp_floor_cache_key();
    return seccomp_cache_fetch(dir, "floor", key, compile_floor, NULL, out, rep, err);
}

/* Through the program cache (seccomp_cache.h): the floor does not depend on
 * the config, so later containers read the bytes a fresh compile produced. */
int seccomp_compile_floor(struct seccomp_program *out, aisbx_error **err)
{
    return seccomp_floor_cached(seccomp_cache_dir(), out, NULL, err);
}
