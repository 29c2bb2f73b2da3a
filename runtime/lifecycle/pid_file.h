/* Writing the pid file engines read as soon as create or exec returns:
 * atomically (temp file + rename), digits only, as runc. */
#ifndef AISBX_RUNTIME_PID_FILE_H
#define AISBX_RUNTIME_PID_FILE_H

#include <sys/types.h>

#include "specs/error.h"

int pid_file_write(const char *path, pid_t pid, aisbx_error **err);

#endif
