/* Finding the executable the way runc does (Go's exec.LookPath with the
 * container's PATH), so a missing program fails at create with the texts
 * docker maps to exit 127/126. */
#ifndef AISBX_RUNTIME_EXEC_PATH_H
#define AISBX_RUNTIME_EXEC_PATH_H

#include "specs/config.h"

int exec_path_lookup(const char *file, const struct spec_strlist *env, char **out,
                     aisbx_error **err);

#endif
