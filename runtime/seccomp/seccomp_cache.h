/* A file cache of compiled seccomp programs, so that aisbx's floor (the same
 * for every container) and the config's filter (the same for every `docker
 * run` with Docker's default profile) are built by libseccomp once per
 * binary, profile and kernel instead of once per container (~4-10 ms here).
 *
 * An entry is <dir>/<name>-<hash of key>.bpf: a header (magic, format,
 * lengths, checksum), the full key text, then the program. It is used only
 * if every byte checks out: the directory and file are owned by us and not
 * writable by anyone else, the size is exact, the stored key equals the
 * expected key byte for byte, and the checksum matches. Anything else is a
 * miss: the program is compiled and the entry rewritten (atomically, by
 * rename). Cache failures never fail the caller; only the compile can.
 *
 * Families: "floor" (one key per build) keeps its 8 newest entries, "config"
 * (one key per distinct profile) its 32 most recently used; a hit refreshes
 * the entry's mtime, so eviction drops the least recently used. A key is
 * the complete text the program depends on (the entry stores it and it is
 * compared byte for byte, the file name only hashes it), so two profiles
 * never share an entry even if their hashes collide. */
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

/* arg: what the program is compiled from (NULL for the floor). */
typedef int (*seccomp_compile_fn)(const void *arg, struct seccomp_program *out, aisbx_error **err);

/* Keys longer than this are not cached (compiled every time). Docker's
 * default profile makes a key of about 8 KiB. */
#define SECCOMP_CACHE_KEY_MAX (256u * 1024u)

/* Fills *out from dir's entry for (name, key), or calls compile(arg) and
 * stores the result. name: [a-z0-9-]+ . key NULL: not cacheable. rep may be
 * NULL. Returns compile()'s result on a miss, 0 on a hit. */
int seccomp_cache_fetch(const char *dir, const char *name, const char *key,
                        seccomp_compile_fn compile, const void *arg, struct seccomp_program *out,
                        struct seccomp_cache_report *rep, aisbx_error **err);

/* The directory every cached compile uses: SECCOMP_CACHE_DIR unless set.
 * Rootless: the user cannot use root's cache, so its own under its state
 * root (0700, the user's) instead; dir must outlive every compile. */
const char *seccomp_cache_dir(void);
void seccomp_cache_set_dir(const char *dir);

/* The part of every key that names the code and environment a program was
 * compiled by: aisbx version and commit, the binary's GNU build-id (any code
 * change), libseccomp's run-time version, native arch, kernel release and
 * version. Heap string ending in a newline; NULL when the binary has no
 * build-id (then nothing is cached). */
char *seccomp_cache_key_base(void);

/* FNV-1a, 64 bits: names entries and checks their bytes (corruption, not
 * forgery: only the cache's owner can write there). */
uint64_t seccomp_cache_hash(uint64_t h, const void *data, size_t n);
#define SECCOMP_CACHE_HASH_INIT 0xcbf29ce484222325ULL

#endif
