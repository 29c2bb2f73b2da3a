/* The config's filter through the program cache: engines send the same
 * profile (Docker's default) with nearly every container, and libseccomp
 * takes several milliseconds to compile it.
 *
 * The key is the profile as seccomp_config_build reads it: every field it
 * uses, in the config's order (rule order can change libseccomp's output),
 * strings length-prefixed (a name with a newline cannot forge another
 * field), NULL distinct from "". Not in the key: listenerPath and
 * listenerMetadata (the program does not depend on them). The flags are in
 * the key although only the load uses them: cheap, and no reasoning needed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/seccomp/seccomp.h"
#include "runtime/seccomp/seccomp_cache.h"

static void put_str(FILE *f, const char *s)
{
    if (!s)
        fputs(" -", f);
    else
        fprintf(f, " %zu:%s", strlen(s), s);
}

static void put_list(FILE *f, const char *what, const struct spec_strlist *l)
{
    fprintf(f, "%s %zu", what, l->n);
    for (size_t i = 0; i < l->n; i++)
        put_str(f, l->v[i]);
    fputc('\n', f);
}

char *seccomp_config_cache_key(const struct spec_seccomp *s)
{
    cleanup_free char *base = seccomp_cache_key_base();
    if (!base)
        return NULL;
    char *key = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&key, &len);
    if (!f)
        return NULL;
    fprintf(f, "aisbx-config 1\n%sdefault", base);
    put_str(f, s->default_action);
    fprintf(f, " errno %d %" PRIu32 "\n", s->has_default_errno_ret, s->default_errno_ret);
    put_list(f, "arches", &s->architectures);
    put_list(f, "flags", &s->flags);
    fprintf(f, "syscalls %zu\n", s->n_syscalls);
    for (size_t i = 0; i < s->n_syscalls; i++) {
        const struct spec_seccomp_syscall *sc = &s->syscalls[i];
        put_list(f, "names", &sc->names);
        fputs("action", f);
        put_str(f, sc->action);
        fprintf(f, " errno %d %" PRIu32 " args %zu\n", sc->has_errno_ret, sc->errno_ret,
                sc->n_args);
        for (size_t k = 0; k < sc->n_args; k++) {
            const struct spec_seccomp_arg *a = &sc->args[k];
            fprintf(f, "arg %" PRIu32 " %" PRIu64 " %" PRIu64 " %d", a->index, a->value,
                    a->value_two, a->has_value_two);
            put_str(f, a->op);
            fputc('\n', f);
        }
    }
    if (fclose(f) != 0) {
        free(key);
        return NULL;
    }
    return key;
}

static int compile_config(const void *arg, struct seccomp_program *out, aisbx_error **err)
{
    return seccomp_config_build(arg, out, err);
}

int seccomp_compile_config(const struct spec_seccomp *s, struct seccomp_program *out,
                           aisbx_error **err)
{
    cleanup_free char *key = seccomp_config_cache_key(s);
    return seccomp_cache_fetch(seccomp_cache_dir(), "config", key, compile_config, s, out, NULL,
                               err);
}
