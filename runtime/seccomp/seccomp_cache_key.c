/* The part of a cache key shared by every family (seccomp_cache.h): which
 * code compiled the program and for which library, architecture and kernel.
 * The key must change whenever the compiled bytes could: the code that turns
 * rules into BPF (the binary's build-id), libseccomp (its run-time version,
 * the library can be upgraded under us), the architecture, and the kernel
 * (libseccomp probes it for supported actions). A stale key component can
 * only cause a recompile, never the use of another build's program. */
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "runtime/seccomp/seccomp_cache.h"

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
 * into it, so any change to the compilers' code yields another id. */
static int find_build_id(struct dl_phdr_info *info, size_t size, void *data)
{
    struct build_id *id = data;
    (void)size;
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

char *seccomp_cache_key_base(void)
{
    struct build_id id = {{0}};
    dl_iterate_phdr(find_build_id, &id);
    if (!id.hex[0])
        return NULL;
    struct utsname u;
    if (uname(&u) < 0)
        return NULL;
    const struct scmp_version *v = seccomp_version();
    return xasprintf("aisbx %s %s\nbuild-id %s\nlibseccomp %u.%u.%u\narch 0x%08x\n"
                     "kernel %s %s %s\n",
                     AISBX_VERSION, AISBX_COMMIT, id.hex, v->major, v->minor, v->micro,
                     seccomp_arch_native(), u.release, u.version, u.machine);
}
