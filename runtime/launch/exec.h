/* `exec` (exec.c; its entry point, container_exec, is in container.h): the
 * names of its two step tables — the joining process, then the exec
 * process — in order, for the fault build's listing ("exec:<name>"). */
#ifndef AISBX_RUNTIME_EXEC_H
#define AISBX_RUNTIME_EXEC_H

#include <stddef.h>

const char *const *exec_step_names(size_t *n);

#endif
