/* Seccomp filters: the config's (linux.seccomp) and aisbx's floor, both
 * compiled with libseccomp in the runtime parent to classic BPF, then loaded
 * by the container's init just before execve with the raw seccomp(2) call
 * (so loading needs no allocation and no libseccomp state in the child).
 *
 * Order in init and exec, before execve: rlimits, I/O priority, scheduler,
 * exec labels (process_apply_privileged_attrs), personality, then
 * process_harden: caps_drop_bounding, credentials_apply, caps_apply,
 * PR_SET_NO_NEW_PRIVS, the config filter, then the floor LAST. When several
 * filters return the same kind of action (two ERRNOs) the kernel takes the
 * most recently loaded one, so the floor's ENOSYS for unknown syscalls wins
 * over a config default of EPERM and glibc's clone3 fallback keeps working.
 * The price: a config filter that denies seccomp(2) itself makes the floor
 * fail to load, and the start must then abort (fail closed). */
#ifndef AISBX_RUNTIME_SECCOMP_H
#define AISBX_RUNTIME_SECCOMP_H

#include <linux/filter.h>
#include <seccomp.h>
#include <stdbool.h>

#include "specs/config.h"

struct seccomp_program {
    struct sock_filter *filter; /* heap, len instructions */
    unsigned short len;
};

/* Compiles the config filter. Follows runc: unknown syscall names are
 * skipped, rules whose action equals the default action are skipped, several
 * conditions on the same argument index become separate rules (OR). Unknown
 * actions, architectures, operators or flags are errors naming the value. */
int seccomp_config_build(const struct spec_seccomp *s, struct seccomp_program *out,
                         aisbx_error **err);
/* seccomp_config_build through the program cache (seccomp_cache.h, family
 * "config", keyed by seccomp_config_cache_key): what launch uses. */
int seccomp_compile_config(const struct spec_seccomp *s, struct seccomp_program *out,
                           aisbx_error **err);
/* The normalised profile (every field the program depends on, strings
 * length-prefixed, in the config's order) after seccomp_cache_key_base.
 * Heap string; NULL if the binary has no build-id. */
char *seccomp_config_cache_key(const struct spec_seccomp *s);
/* Compiles aisbx's mandatory filter (seccomp_floor.h). */
int seccomp_compile_floor(struct seccomp_program *out, aisbx_error **err);

/* Loads with seccomp(SECCOMP_SET_MODE_FILTER, flags). (Not named
 * seccomp_load: libseccomp exports that symbol.) With
 * SECCOMP_FILTER_FLAG_NEW_LISTENER *listener_fd gets the notify fd, else -1.
 * Requires no_new_privs or CAP_SYS_ADMIN. Async-signal-safe apart from the
 * error path, so a forked child may call it. */
int seccomp_program_load(const struct seccomp_program *p, unsigned int flags, int *listener_fd,
                         aisbx_error **err);

/* Maps linux.seccomp.flags ("SECCOMP_FILTER_FLAG_LOG", ...) to kernel flags;
 * adds NEW_LISTENER when an action is SCMP_ACT_NOTIFY (and TSYNC_ESRCH when
 * TSYNC is combined with it, which the kernel requires). An unknown flag is
 * reported through *err (if err is not NULL) and otherwise ignored. */
unsigned int seccomp_flags_from_spec(const struct spec_seccomp *s, aisbx_error **err_unused_ok);
bool seccomp_uses_notify(const struct spec_seccomp *s);

void seccomp_program_free(struct seccomp_program *p);

/* Shared by the config and floor compilers: exports ctx as BPF into *out. */
int seccomp_export_program(scmp_filter_ctx ctx, struct seccomp_program *out, aisbx_error **err);

#endif
