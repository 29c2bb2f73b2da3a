/* Host path classes used by the mount rules (see overlay_paths.c). Paths
 * are absolute and lexically clean. */
#ifndef AISBX_RUNTIME_OVERLAY_PATHS_H
#define AISBX_RUNTIME_OVERLAY_PATHS_H

#include <stdbool.h>
#include <stdint.h>

/* An engine's per-container file or volume directory: stays writable. */
bool ovp_engine_rw(const char *p);
/* ... or one under the storage root of the engine that made `rootfs` (the
 * container's root.path), wherever that root is (docker's data-root,
 * containers-storage's graphroot): R/overlay2/<layer>/merged -> R/volumes/<name>/
 * _data/... and R/containers/<id>/{hosts,...,mounts/...}; R/overlay/<layer>/merged
 * -> R/volumes/<name>/_data/.... */
bool ovp_engine_rw_for(const char *p, const char *rootfs);
/* A control socket, an ancestor of one, or inside a daemon's socket dir. */
bool ovp_socket_path(const char *p);
/* Within /etc, /boot, /root, /usr, /bin, /sbin, /lib*, /run, /var/lib/{docker,
 * containerd,kubelet,containers}: forced read-only. */
bool ovp_system_tree(const char *p);
/* /dev/{null,zero,full,random,urandom,tty} (with the right numbers when checked). */
bool ovp_standard_device(const char *p, bool check_rdev, uint32_t major, uint32_t minor);

#endif
