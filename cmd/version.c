#include <seccomp.h>
#include <stdio.h>

#include "cmd/commands.h"

COMMAND(version)
{
    const struct scmp_version *v = seccomp_version();
    printf("aisbx version %s\ncommit: %s\nspec: %s\n", AISBX_VERSION, AISBX_COMMIT,
           SPEC_OCI_VERSION);
    if (v)
        printf("libseccomp: %u.%u.%u\n", v->major, v->minor, v->micro);
    return 0;
}
