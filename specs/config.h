/* The OCI runtime-spec 1.2 config.json, the process object alone (exec
 * --process), LinuxResources alone (update --resources), as plain C data.
 *
 * Conventions, so that every module reads the structs the same way:
 *  - strings are NUL-terminated and heap-owned, NULL when absent;
 *  - string lists are NULL-terminated `char **` with a count beside them;
 *  - an optional scalar has a `has_<name>` flag; the value is meaningful only
 *    when the flag is set (the generator writes only what is present);
 *  - unsigned 64-bit values (masks, limits, device numbers) are uint64_t and
 *    round-trip exactly, including values above INT64_MAX;
 *  - spec_config_free() frees everything reachable from the struct.
 * Parsing and generating live in config_parse.c / config_gen.c; they are the
 * only code that knows about JSON. */
#ifndef AISBX_SPECS_CONFIG_H
#define AISBX_SPECS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define SPEC_OCI_VERSION "1.2.0"
/* Refuse configs larger than this before parsing: a real config is a few
 * tens of KiB, a seccomp profile pushes it to ~100 KiB. */
#define SPEC_MAX_CONFIG_BYTES (4u * 1024u * 1024u)

struct spec_strlist {
    char **v; /* NULL-terminated */
    size_t n;
};

struct spec_kv {
    char *key;
    char *value;
};

struct spec_kvlist {
    struct spec_kv *v;
    size_t n;
};

/* ---- process ---------------------------------------------------------- */

struct spec_console_size {
    uint32_t height, width;
};

struct spec_user {
    uint32_t uid, gid;
    bool has_umask;
    uint32_t umask;
    uint32_t *additional_gids;
    size_t n_additional_gids;
    char *username; /* Windows field, kept for round-trip */
};

struct spec_capabilities {
    struct spec_strlist bounding, effective, inheritable, permitted, ambient;
    /* Which sets were present in the JSON at all (absent != empty). */
    bool has_bounding, has_effective, has_inheritable, has_permitted, has_ambient;
};

struct spec_rlimit {
    char *type; /* "RLIMIT_NOFILE" */
    uint64_t hard, soft;
};

struct spec_io_priority {
    char *class_; /* IOPRIO_CLASS_RT | _BE | _IDLE */
    int32_t priority;
};

struct spec_scheduler {
    char *policy; /* SCHED_OTHER, SCHED_FIFO, ... */
    bool has_nice, has_priority, has_runtime, has_deadline, has_period;
    int32_t nice, priority;
    struct spec_strlist flags;
    uint64_t runtime, deadline, period;
};

struct spec_exec_cpu_affinity {
    char *initial, *final;
};

struct spec_process {
    bool terminal;
    bool has_console_size;
    struct spec_console_size console_size;
    struct spec_user user;
    struct spec_strlist args;
    char *command_line; /* Windows */
    struct spec_strlist env;
    char *cwd;
    struct spec_capabilities *capabilities; /* NULL when absent */
    struct spec_rlimit *rlimits;
    size_t n_rlimits;
    bool no_new_privileges;
    char *apparmor_profile;
    bool has_oom_score_adj;
    int32_t oom_score_adj;
    char *selinux_label;
    struct spec_io_priority *io_priority;
    struct spec_scheduler *scheduler;
    struct spec_exec_cpu_affinity *exec_cpu_affinity;
};

/* ---- root, mounts, hooks ---------------------------------------------- */

struct spec_root {
    char *path;
    bool readonly;
};

struct spec_id_mapping {
    uint32_t container_id, host_id, size;
};

struct spec_mount {
    char *destination;
    char *type;   /* may be NULL: then a bind if options say so */
    char *source; /* may be NULL */
    struct spec_strlist options;
    struct spec_id_mapping *uid_mappings, *gid_mappings;
    size_t n_uid_mappings, n_gid_mappings;
};

struct spec_hook {
    char *path;
    struct spec_strlist args, env;
    bool has_timeout;
    int32_t timeout; /* seconds, > 0 */
};

struct spec_hooklist {
    struct spec_hook *v;
    size_t n;
};

struct spec_hooks {
    struct spec_hooklist prestart; /* deprecated, still sent by docker */
    struct spec_hooklist create_runtime, create_container, start_container;
    struct spec_hooklist poststart, poststop;
};

/* ---- linux ------------------------------------------------------------ */

enum spec_ns_type {
    SPEC_NS_PID,
    SPEC_NS_NETWORK,
    SPEC_NS_MOUNT,
    SPEC_NS_IPC,
    SPEC_NS_UTS,
    SPEC_NS_USER,
    SPEC_NS_CGROUP,
    SPEC_NS_TIME,
    SPEC_NS_COUNT
};

struct spec_namespace {
    enum spec_ns_type type;
    char *path; /* NULL: create a new one */
};

struct spec_device {
    char *path;
    char *type; /* c, b, u, p */
    int64_t major, minor;
    bool has_file_mode, has_uid, has_gid;
    uint32_t file_mode, uid, gid;
};

struct spec_device_cgroup {
    bool allow;
    char *type; /* a, c, b; NULL = all */
    bool has_major, has_minor;
    int64_t major, minor; /* -1 = wildcard when present */
    char *access;         /* rwm */
};

struct spec_memory {
    bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp, has_swappiness;
    int64_t limit, reservation, swap, kernel, kernel_tcp; /* -1 = unlimited */
    uint64_t swappiness;
    bool has_disable_oom_killer, disable_oom_killer;
    bool has_use_hierarchy, use_hierarchy;
    bool has_check_before_update, check_before_update;
};

struct spec_cpu {
    bool has_shares, has_quota, has_burst, has_period, has_realtime_runtime, has_realtime_period,
        has_idle;
    uint64_t shares, burst, period, realtime_period;
    int64_t quota, realtime_runtime, idle;
    char *cpus, *mems;
};

struct spec_weight_device {
    int64_t major, minor;
    bool has_weight, has_leaf_weight;
    uint16_t weight, leaf_weight;
};

struct spec_throttle_device {
    int64_t major, minor;
    uint64_t rate;
};

struct spec_throttle_list {
    struct spec_throttle_device *v;
    size_t n;
};

struct spec_blkio {
    bool has_weight, has_leaf_weight;
    uint16_t weight, leaf_weight;
    struct spec_weight_device *weight_device;
    size_t n_weight_device;
    struct spec_throttle_list throttle_read_bps, throttle_write_bps, throttle_read_iops,
        throttle_write_iops;
};

struct spec_hugepage_limit {
    char *page_size; /* "2MB" */
    uint64_t limit;
};

struct spec_net_priority {
    char *name;
    uint32_t priority;
};

struct spec_network_resources {
    bool has_class_id;
    uint32_t class_id;
    struct spec_net_priority *priorities;
    size_t n_priorities;
};

struct spec_pids {
    bool has_limit;
    int64_t limit; /* <= 0: unlimited */
};

struct spec_rdma {
    char *device;
    bool has_hca_handles, has_hca_objects;
    uint32_t hca_handles, hca_objects;
};

struct spec_resources {
    struct spec_device_cgroup *devices;
    size_t n_devices;
    struct spec_memory *memory;
    struct spec_cpu *cpu;
    struct spec_blkio *block_io;
    struct spec_hugepage_limit *hugepage_limits;
    size_t n_hugepage_limits;
    struct spec_network_resources *network;
    struct spec_pids *pids;
    struct spec_rdma *rdma;
    size_t n_rdma;
    struct spec_kvlist unified; /* cgroup v2 file -> value */
};

struct spec_seccomp_arg {
    uint32_t index;
    uint64_t value, value_two;
    bool has_value_two;
    char *op; /* SCMP_CMP_EQ, ... */
};

struct spec_seccomp_syscall {
    struct spec_strlist names;
    char *action; /* SCMP_ACT_ERRNO, ... */
    bool has_errno_ret;
    uint32_t errno_ret;
    struct spec_seccomp_arg *args;
    size_t n_args;
};

struct spec_seccomp {
    char *default_action;
    bool has_default_errno_ret;
    uint32_t default_errno_ret;
    struct spec_strlist architectures;
    struct spec_strlist flags;
    char *listener_path;
    char *listener_metadata;
    struct spec_seccomp_syscall *syscalls;
    size_t n_syscalls;
};

struct spec_intel_rdt {
    char *clos_id, *l3_cache_schema, *mem_bw_schema;
    bool has_enable_cmt, enable_cmt, has_enable_mbm, enable_mbm;
};

struct spec_personality {
    char *domain; /* LINUX | LINUX32 */
    struct spec_strlist flags;
};

struct spec_time_offset {
    char *clock; /* "monotonic" | "boottime" */
    int64_t secs;
    uint32_t nanosecs;
};

struct spec_linux {
    struct spec_namespace *namespaces;
    size_t n_namespaces;
    struct spec_id_mapping *uid_mappings, *gid_mappings;
    size_t n_uid_mappings, n_gid_mappings;
    struct spec_device *devices;
    size_t n_devices;
    char *cgroups_path;
    struct spec_resources *resources;
    struct spec_kvlist sysctl;
    struct spec_seccomp *seccomp;
    char *rootfs_propagation;
    struct spec_strlist masked_paths, readonly_paths;
    bool has_masked_paths, has_readonly_paths;
    char *mount_label;
    struct spec_intel_rdt *intel_rdt;
    struct spec_personality *personality;
    struct spec_time_offset *time_offsets;
    size_t n_time_offsets;
};

/* ---- the whole config ------------------------------------------------- */

struct spec_config {
    char *oci_version;
    struct spec_process *process; /* required by create; NULL if absent */
    struct spec_root *root;       /* required on Linux */
    char *hostname, *domainname;
    struct spec_mount *mounts;
    size_t n_mounts;
    struct spec_hooks *hooks;
    struct spec_kvlist annotations;
    struct spec_linux *linux_; /* `linux` is a predefined macro in GNU C */
};

/* ---- parse / generate / free ------------------------------------------ */

/* Every parser takes a buffer of `len` bytes (need not be NUL-terminated),
 * refuses more than SPEC_MAX_CONFIG_BYTES, ignores unknown keys, and reports
 * the first wrong type or missing required key with its JSON path, e.g.
 * "linux.resources.pids.limit: expected integer". */
int spec_config_parse(const char *buf, size_t len, struct spec_config **out, aisbx_error **err);
int spec_config_parse_file(const char *path, struct spec_config **out, aisbx_error **err);
/* A process.json (exec --process): as config.json's process, but "user" may
 * be absent (0:0), as runc reads it. */
int spec_process_parse(const char *buf, size_t len, struct spec_process **out, aisbx_error **err);
int spec_resources_parse(const char *buf, size_t len, struct spec_resources **out,
                         aisbx_error **err);

/* Generators return a heap string (pretty-printed when `pretty`). */
int spec_config_generate(const struct spec_config *c, bool pretty, char **out, size_t *len,
                         aisbx_error **err);
int spec_process_generate(const struct spec_process *p, bool pretty, char **out, size_t *len,
                          aisbx_error **err);
int spec_resources_generate(const struct spec_resources *r, bool pretty, char **out, size_t *len,
                            aisbx_error **err);

void spec_config_free(struct spec_config *c);
void spec_process_free(struct spec_process *p);
void spec_resources_free(struct spec_resources *r);

/* Deep copies, used by the overlay so it never mutates its input. */
struct spec_config *spec_config_dup(const struct spec_config *c);
struct spec_process *spec_process_dup(const struct spec_process *p);
struct spec_resources *spec_resources_dup(const struct spec_resources *r);

/* Small helpers every module needs. */
const char *spec_ns_type_name(enum spec_ns_type t); /* "pid", "network", ... */
int spec_ns_type_from_name(const char *name);       /* -1 if unknown */
void spec_strlist_push(struct spec_strlist *l, const char *s);
void spec_strlist_free(struct spec_strlist *l);
bool spec_strlist_contains(const struct spec_strlist *l, const char *s);
/* Every entry NAME=VALUE with a non-empty NAME, else runc's error
 * `invalid environment variable: "X"` (POSIX environ strings; a shell
 * would silently drop the rest). */
int spec_env_check(const struct spec_strlist *env, aisbx_error **err);
/* Each element split on commas (outside double quotes: SELinux
 * context="...:c1,c2"), empty pieces dropped: ["nosuid,size=1k", "ro"] ->
 * [nosuid size=1k ro]. out->v is never NULL; the caller frees it. The one
 * reading of an options list, for the overlay and the mount code alike. */
void spec_mount_options_split(const struct spec_strlist *in, struct spec_strlist *out);
/* `name` is one of the options, judged after splitting. */
bool spec_mount_options_has(const struct spec_strlist *opts, const char *name);
/* A bind mount, whatever its type says: type "bind", or a "bind"/"rbind"
 * option (also inside a comma-joined element), as runc parses it. The one
 * definition the overlay, its facts and the mount code share. */
bool spec_mount_is_bind(const struct spec_mount *m);
void spec_kvlist_set(struct spec_kvlist *l, const char *key, const char *value);
const char *spec_kvlist_get(const struct spec_kvlist *l, const char *key);
void spec_kvlist_free(struct spec_kvlist *l);

#endif
