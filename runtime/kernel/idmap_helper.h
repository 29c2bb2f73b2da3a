/* newuidmap / newgidmap (shadow's uidmap package): found on $PATH as runc
 * finds them, opened once, judged on that open file (a regular file owned
 * by root that nobody else may write), and executed through the same fd
 * (execveat AT_EMPTY_PATH), so a rename between the check and the exec
 * runs nothing else. */
#ifndef AISBX_RUNTIME_IDMAP_HELPER_H
#define AISBX_RUNTIME_IDMAP_HELPER_H

#include <stddef.h>
#include <sys/types.h>

#include "specs/config.h"

/* Pure: the helper's argv tail "pid c h n c h n ..." into argv (at most
 * max entries including the NULL); returns the count or -1 if it does not
 * fit. The strings live in buf. */
int idmap_helper_argv(pid_t pid, const struct spec_id_mapping *m, size_t n, char *buf,
                      size_t buflen, char **argv, size_t max);

/* Runs `name pid map...`; its first stderr line becomes the error. */
int idmap_helper_run(const char *name, pid_t pid, const struct spec_id_mapping *m, size_t n,
                     aisbx_error **err);

#endif
