#include <seccomp.h>
#include <stdio.h>

#include "cmd/commands.h"
#include "runtime/container.h"
#include "runtime/fault.h"

COMMAND(version)
{
    const struct scmp_version *v = seccomp_version();
    if (args_help_only(argc, argv, i))
        return 0;
    printf("aisbx version %s\ncommit: %s\nspec: %s\n", AISBX_VERSION, AISBX_COMMIT,
           SPEC_OCI_VERSION);
    if (v)
        printf("libseccomp: %u.%u.%u\n", v->major, v->minor, v->micro);
    if (FAULT_BUILD) {
        printf("build: test-only fault points (AISBX_FAULT_AT)\n");
        container_fault_points_print(stdout);
    }
    return 0;
}
