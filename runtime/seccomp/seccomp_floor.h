/* aisbx's mandatory seccomp filter (README.md, "The hardening overlay", the
 * seccomp rule).
 * It is installed in every container in addition to the config's filter.
 * The policy itself lives as data in seccomp_floor_table.c;
 * seccomp_floor_build.c turns it into libseccomp rules; seccomp_floor.c is
 * the entry point (seccomp_compile_floor, in seccomp.h), which goes through
 * the program cache. Calls only go down: seccomp_floor.c ->
 * seccomp_floor_build.c -> seccomp_floor_table.c, seccomp_floor.c ->
 * seccomp_cache.c. */
#ifndef AISBX_RUNTIME_SECCOMP_FLOOR_H
#define AISBX_RUNTIME_SECCOMP_FLOOR_H

#include <stddef.h>
#include <stdint.h>

#include "specs/error.h"

struct seccomp_program;
struct seccomp_cache_report;

/* Syscalls allowed without looking at arguments. Names libseccomp cannot
 * resolve on the native architecture are skipped (they fall to ENOSYS). */
extern const char *const floor_allow[];
extern const size_t floor_allow_n;

/* Syscalls that always fail with EPERM: they reach host-wide or cross-process
 * state (or the kernel's attack surface) that a container never needs. */
extern const char *const floor_eperm[];
extern const size_t floor_eperm_n;

/* Syscalls that fail with ENOSYS. That is also the filter's default action,
 * so the list only documents intent (and the tests check it): libc falls
 * back to an older call, which is then filtered by the rules above. */
extern const char *const floor_enosys[];
extern const size_t floor_enosys_n;

/* Syscalls newer than the libseccomp we build with, by x86_64 number, that
 * are safe to allow (glibc uses them first when present). */
struct floor_raw_syscall {
    const char *name;
    int nr_x86_64;
};
extern const struct floor_raw_syscall floor_allow_raw[];
extern const size_t floor_allow_raw_n;

/* Argument policies. All comparisons are masked equality on the low 32 bits
 * (the kernel reads these arguments as int / unsigned int). */
extern const uint32_t floor_clone_new_flags;   /* clone: none of these bits */
extern const uint32_t floor_socket_families[]; /* socket/socketpair a0 */
extern const size_t floor_socket_families_n;
extern const uint32_t floor_inet_types[]; /* a1 & 0xf for AF_INET/AF_INET6 */
extern const size_t floor_inet_types_n;
extern const uint32_t floor_netlink_protocols[]; /* a2 for AF_NETLINK */
extern const size_t floor_netlink_protocols_n;
extern const uint32_t floor_personalities[]; /* personality a0 */
extern const size_t floor_personalities_n;
extern const uint32_t floor_denied_ioctls[]; /* ioctl a1 -> EPERM */
extern const size_t floor_denied_ioctls_n;

/* What the last compile produced, for logs and tests. */
struct seccomp_floor_stats {
    size_t allowed;     /* syscalls allowed unconditionally */
    size_t conditional; /* syscalls with argument rules */
    size_t eperm;       /* syscalls denied with EPERM */
    size_t skipped;     /* table names unknown to libseccomp here */
    size_t rules;       /* libseccomp rules added in total */
    size_t insns;       /* BPF instructions */
};

/* Builds the floor program for the native architecture. */
int seccomp_floor_build(struct seccomp_program *out, struct seccomp_floor_stats *stats,
                        aisbx_error **err);

/* The floor's key: seccomp_cache_key_base (aisbx version and commit, the
 * binary's GNU build-id, libseccomp's run-time version, native arch, kernel)
 * and a hash of every floor table. Heap string; NULL when the binary has no
 * build-id (then the floor is never cached). */
char *seccomp_floor_cache_key(void);

/* seccomp_floor_build through the cache in `dir` (seccomp_cache_dir() in
 * production). */
int seccomp_floor_cached(const char *dir, struct seccomp_program *out,
                         struct seccomp_cache_report *rep, aisbx_error **err);

#endif
