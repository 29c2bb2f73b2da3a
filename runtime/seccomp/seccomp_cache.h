/* A file cache of compiled seccomp programs, so that a filter that does not
 * depend on the container's config (aisbx's floor) is built by libseccomp
 * once per binary and kernel instead of once per container (~4-6 ms here).
 *
 * An entry is <dir>/<name>-<hash of key>.bpf: a header (magic, format,
 * lengths, checksum), the full key text, then the program. It is used only
 * if every byte checks out: the directory and file are owned by us and not
 * writable by anyone else, the size is exact, the stored key equals the
 * expected key byte for byte, and the checksum matches. Anything else is a
 * miss: the program is compiled and the entry rewritten (atomically, by
 * rename). Cache failures never fail the caller; only the compile can. */
#ifndef AISBX_RUNTIME_SECCOMP_CACHE_H
#define AISBX_RUNTIME_SECCOMP_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/seccomp/seccomp.h"

/* Root-only (0700): below the default state root, on tmpfs, so a reboot
 * (kernel change) empties it. */
#define SECCOMP_CACHE_DIR "/run/aisbx/.cache"
/* AISBX_SECCOMP_CACHE=0 in the environment: always compile (benchmarks,
 * tests that must not leave files behind). */
#define SECCOMP_CACHE_ENV "AISBX_SECCOMP_CACHE"

enum seccomp_cache_status {
    SECCOMP_CACHE_HIT,     /* loaded from the file */
    SECCOMP_CACHE_ABSENT,  /* no entry: compiled */
    SECCOMP_CACHE_INVALID, /* entry rejected (corrupt, other key, bad owner/mode): compiled */
    SECCOMP_CACHE_OFF,     /* cache unusable or disabled: compiled */
};

struct seccomp_cache_report {
    enum seccomp_cache_status status;
    bool stored;     /* a fresh entry was written */
    const char *why; /* static text: why the entry was not used (NULL on a hit) */
};

typedef int (*seccomp_compile_fn)(struct seccomp_program *out, aisbx_error **err);

/* Fills *out from dir's entry for (name, key), or calls compile() and stores
 * the result. name: [a-z0-9-]+ . rep may be NULL. Returns compile()'s result
 * on a miss, 0 on a hit. */
int seccomp_cache_fetch(const char *dir, const char *name, const char *key,
                        seccomp_compile_fn compile, struct seccomp_program *out,
                        struct seccomp_cache_report *rep, aisbx_error **err);

/* FNV-1a, 64 bits: names entries and checks their bytes (corruption, not
 * forgery: only the cache's owner can write there). */
uint64_t seccomp_cache_hash(uint64_t h, const void *data, size_t n);
#define SECCOMP_CACHE_HASH_INIT 0xcbf29ce484222325ULL

#endif
