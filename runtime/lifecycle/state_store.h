/* The per-container state directory <root>/<id>/: state.json (internal
 * form), a lock file serialising commands on one container, and whatever
 * else a command keeps there (fifos, sockets). Ids must be validated
 * (container_id_validate) before they reach these functions. */
#ifndef AISBX_RUNTIME_STATE_STORE_H
#define AISBX_RUNTIME_STATE_STORE_H

#include <stddef.h>

#include "specs/error.h"
#include "specs/state.h"

#define STATE_FILE "state.json"
#define STATE_LOCK_FILE "lock"
/* state.json is a few KiB even with many annotations. */
#define STATE_MAX_BYTES (4u * 1024u * 1024u)

/* mkdir -p root, mode 0700 for the directories it creates. */
int state_root_ensure(const char *root, aisbx_error **err);
/* Creates <root>/<id> (0700) exclusively; exists -> "container with given
 * ID already exists" (runc 1.1's exact text, errnum EEXIST, no strerror
 * suffix). *dirfd is O_DIRECTORY|O_CLOEXEC. */
int state_dir_create(const char *root, const char *id, int *dirfd, aisbx_error **err);
/* The same error when <root>/<id> exists already, before any work: create
 * checks first, as runc does, so a taken id neither loads the bundle nor
 * looks at (and warns about) the other container's cgroup. A race with
 * another create is still settled by state_dir_create's mkdir. */
int state_dir_check_free(const char *root, const char *id, aisbx_error **err);
/* Missing -> `container "<id>" does not exist` (errnum ENOENT but no strerror
 * suffix; engines match "does not exist"). */
int state_dir_open(const char *root, const char *id, int *dirfd, aisbx_error **err);
/* flock(LOCK_EX) on <dir>/lock; blocks until the holder is done. Close
 * *lockfd to release. It is O_CLOEXEC so an exec'd container never holds
 * it, but a forked child that does not exec shares the lock until it
 * closes its copy too. */
int state_lock(int dirfd, int *lockfd, aisbx_error **err);
/* Atomic replace: a temp file in the same dir, then rename(2). */
int state_write_file(int dirfd, const char *name, const char *buf, size_t len, aisbx_error **err);
/* Whole file, NUL-terminated; larger than max -> error. */
int state_read_file(int dirfd, const char *name, char **buf, size_t *len, size_t max,
                    aisbx_error **err);
/* state.json with the internal fields. */
int state_save(int dirfd, const struct spec_state *s, aisbx_error **err);
/* Missing state.json -> `container "<id>" does not exist`, errnum ENOENT (a half-created
 * dir); corrupt -> an error naming the file. */
int state_load(int dirfd, const char *id, struct spec_state **s, aisbx_error **err);
/* rm -r <root>/<id> (regular files, fifos, sockets, symlinks, subdirs;
 * never follows symlinks or crosses mounts). Missing is not an error. */
int state_dir_remove(const char *root, const char *id, aisbx_error **err);
/* Names of the directories under root, sorted; missing root -> 0 ids.
 * Free with state_ids_free. */
int state_list_ids(const char *root, char ***ids, size_t *n, aisbx_error **err);
void state_ids_free(char **ids, size_t n);

#endif
