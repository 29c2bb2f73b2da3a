/* Which container holds which slot of the user namespace pool
 * (userns_pool.h), shared by every aisbx on the host whatever its --root:
 * a directory (USERNS_SLOTS_DIR) with a lock file taken with flock(2), and
 * one directory per claimed slot ("0", "1", ...) holding one member file
 * per container that uses it. A member file records the process whose life
 * holds the slot: the `create` process while it builds the container, then
 * the container's init (pid and /proc start time, so a reused pid does not
 * count). Under the lock, members whose process is gone are removed and
 * empty slot directories with them (garbage collection on every claim and
 * release), so a `create` killed with SIGKILL or a container that died
 * without `delete` leaks no slot for longer than the next call. A range
 * needs to live only as long as the container's processes: idmapped
 * mounts leave on-disk ids unchanged, so nothing outlives them. */
#ifndef AISBX_RUNTIME_USERNS_SLOTS_H
#define AISBX_RUNTIME_USERNS_SLOTS_H

#include <stdint.h>
#include <sys/types.h>

#include "runtime/lifecycle/userns_pool.h"
#include "specs/error.h"

#define USERNS_SLOTS_DIR "/run/aisbx-userns"

/* The container (state root + id) claims the lowest free slot of the pool;
 * the calling process holds it until userns_slot_set_owner. dir is created
 * (0700) if missing; it must be a directory owned by us that nobody else
 * may write. */
int userns_slot_claim(const char *dir, const struct userns_pool *pool, const char *root,
                      const char *id, uint32_t *slot, aisbx_error **err);
/* The container shares slot `slot` with the container whose user namespace
 * it joins (a pod, --ipc/--pid/--net=container:X): its own member keeps the
 * range held while it runs, whoever goes first. The calling process holds
 * it until userns_slot_set_owner. */
int userns_slot_join(const char *dir, uint32_t slot, const char *root, const char *id,
                     aisbx_error **err);
/* From now on the slot lives as long as pid (the init). */
int userns_slot_set_owner(const char *dir, uint32_t slot, const char *root, const char *id,
                          pid_t pid, aisbx_error **err);
/* The container's member goes (a missing one is fine: collected already);
 * the slot directory goes if it is empty. */
int userns_slot_release(const char *dir, uint32_t slot, const char *root, const char *id,
                        aisbx_error **err);
/* Removes dead members and empty slots; returns how many members went. */
int userns_slots_gc(const char *dir, aisbx_error **err);

#endif
