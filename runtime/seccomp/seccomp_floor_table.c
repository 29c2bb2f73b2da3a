/* The floor seccomp policy as data, in one place to read and review.
 * Start: Docker's default profile (moby profiles/seccomp/default.json), minus
 * the syscalls the floor denies on purpose (they are simply absent below),
 * minus 32-bit-only names (the floor is native-only). Anything not listed
 * here fails with ENOSYS, so new kernel syscalls are denied until someone
 * adds them here on purpose. */
#include <linux/netlink.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "runtime/seccomp/seccomp_floor.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

const char *const floor_allow[] = {
    /* Files and directories: what every shell, interpreter and compiler does. */
    "access",
    "chdir",
    "chmod",
    "chown",
    "close",
    "close_range",
    "copy_file_range",
    "creat",
    "dup",
    "dup2",
    "dup3",
    "faccessat",
    "faccessat2",
    "fadvise64",
    "fallocate",
    "fchdir",
    "fchmod",
    "fchmodat",
    "fchown",
    "fchownat",
    "fcntl",
    "fdatasync",
    "flock",
    "fstat",
    "fstatfs",
    "fsync",
    "ftruncate",
    "futimesat",
    "getcwd",
    "getdents",
    "getdents64",
    "lchown",
    "link",
    "linkat",
    "lseek",
    "lstat",
    "mkdir",
    "mkdirat",
    "newfstatat",
    "open",
    "openat",
    "openat2",
    "pread64",
    "preadv",
    "preadv2",
    "pwrite64",
    "pwritev",
    "pwritev2",
    "read",
    "readahead",
    "readlink",
    "readlinkat",
    "readv",
    "rename",
    "renameat",
    "renameat2",
    "rmdir",
    "sendfile",
    "splice",
    "stat",
    "statfs",
    "statx",
    "symlink",
    "symlinkat",
    "sync",
    "sync_file_range",
    "syncfs",
    "tee",
    "truncate",
    "umask",
    "unlink",
    "unlinkat",
    "utime",
    "utimensat",
    "utimes",
    "vmsplice",
    "write",
    "writev",
    /* mknod: FIFOs and sockets; device nodes are refused by the device cgroup and
     * the missing CAP_MKNOD. */
    "mknod",
    "mknodat",
    /* Extended attributes (file capabilities need CAP_SETFCAP, which is dropped). */
    "fgetxattr",
    "flistxattr",
    "fremovexattr",
    "fsetxattr",
    "getxattr",
    "lgetxattr",
    "listxattr",
    "llistxattr",
    "lremovexattr",
    "lsetxattr",
    "removexattr",
    "setxattr",
    /* Change notification and event loops. */
    "epoll_create",
    "epoll_create1",
    "epoll_ctl",
    "epoll_pwait",
    "epoll_pwait2",
    "epoll_wait",
    "eventfd",
    "eventfd2",
    "inotify_add_watch",
    "inotify_init",
    "inotify_init1",
    "inotify_rm_watch",
    "pause",
    "poll",
    "ppoll",
    "pselect6",
    "select",
    "signalfd",
    "signalfd4",
    "timerfd_create",
    "timerfd_gettime",
    "timerfd_settime",
    /* Memory. mlock is bounded by RLIMIT_MEMLOCK; memfd_secret is off unless the
     * host enables it. */
    "brk",
    "madvise",
    "membarrier",
    "memfd_create",
    "memfd_secret",
    "mincore",
    "mlock",
    "mlock2",
    "mlockall",
    "mmap",
    "mprotect",
    "mremap",
    "msync",
    "munlock",
    "munlockall",
    "munmap",
    "pkey_alloc",
    "pkey_free",
    "pkey_mprotect",
    "remap_file_pages",
    /* Processes and threads. clone is allowed by an argument rule (no CLONE_NEW*),
     * clone3 gets ENOSYS so that glibc falls back to clone. */
    "execve",
    "execveat",
    "exit",
    "exit_group",
    "fork",
    "vfork",
    "wait4",
    "waitid",
    "kill",
    "tgkill",
    "tkill",
    "pidfd_open",
    "pidfd_send_signal",
    "process_mrelease",
    "getpid",
    "getppid",
    "gettid",
    "getpgid",
    "getpgrp",
    "getsid",
    "setpgid",
    "setsid",
    "prctl",
    "arch_prctl",
    "set_tid_address",
    "set_robust_list",
    "get_robust_list",
    "rseq",
    "get_thread_area",
    "set_thread_area",
    "futex",
    "futex_waitv",
    "restart_syscall",
    "seccomp",
    /* Signals. */
    "rt_sigaction",
    "rt_sigpending",
    "rt_sigprocmask",
    "rt_sigqueueinfo",
    "rt_sigreturn",
    "rt_sigsuspend",
    "rt_sigtimedwait",
    "rt_tgsigqueueinfo",
    "sigaltstack",
    /* Credentials: changes are bounded by the process's own capabilities. */
    "capget",
    "capset",
    "getegid",
    "geteuid",
    "getgid",
    "getgroups",
    "getresgid",
    "getresuid",
    "getuid",
    "setfsgid",
    "setfsuid",
    "setgid",
    "setgroups",
    "setregid",
    "setresgid",
    "setresuid",
    "setreuid",
    "setuid",
    /* Limits, scheduling, accounting of the process itself (raising needs
     * CAP_SYS_NICE / CAP_SYS_RESOURCE, both dropped). */
    "getpriority",
    "setpriority",
    "getrlimit",
    "setrlimit",
    "prlimit64",
    "getrusage",
    "ioprio_get",
    "ioprio_set",
    "sched_getaffinity",
    "sched_getattr",
    "sched_getparam",
    "sched_get_priority_max",
    "sched_get_priority_min",
    "sched_getscheduler",
    "sched_rr_get_interval",
    "sched_setaffinity",
    "sched_setattr",
    "sched_setparam",
    "sched_setscheduler",
    "sched_yield",
    "getcpu",
    "sysinfo",
    "times",
    "uname",
    /* Time (reading it, sleeping, timers; setting the clock is EPERM below). */
    "alarm",
    "clock_getres",
    "clock_gettime",
    "clock_nanosleep",
    "getitimer",
    "gettimeofday",
    "nanosleep",
    "setitimer",
    "time",
    "timer_create",
    "timer_delete",
    "timer_getoverrun",
    "timer_gettime",
    "timer_settime",
    /* Sockets (socket/socketpair themselves have argument rules). */
    "accept",
    "accept4",
    "bind",
    "connect",
    "getpeername",
    "getsockname",
    "getsockopt",
    "listen",
    "recvfrom",
    "recvmmsg",
    "recvmsg",
    "sendmmsg",
    "sendmsg",
    "sendto",
    "setsockopt",
    "shutdown",
    /* Pipes and SysV / POSIX IPC (private to the container's ipc namespace). */
    "pipe",
    "pipe2",
    "mq_getsetattr",
    "mq_notify",
    "mq_open",
    "mq_timedreceive",
    "mq_timedsend",
    "mq_unlink",
    "msgctl",
    "msgget",
    "msgrcv",
    "msgsnd",
    "semctl",
    "semget",
    "semop",
    "semtimedop",
    "shmat",
    "shmctl",
    "shmdt",
    "shmget",
    /* Unprivileged self-sandboxing, which only ever reduces rights. */
    "landlock_add_rule",
    "landlock_create_ruleset",
    "landlock_restrict_self",
    /* Random numbers. */
    "getrandom",
};
const size_t floor_allow_n = N(floor_allow);

/* Newer than libseccomp 2.5.4's tables; glibc tries them first. Numbers are
 * x86_64 (on other architectures these entries are skipped). */
const struct floor_raw_syscall floor_allow_raw[] = {
    {"cachestat", 451},  {"fchmodat2", 452},  {"map_shadow_stack", 453},
    {"futex_wake", 454}, {"futex_wait", 455}, {"futex_requeue", 456},
    {"mseal", 462},
};
const size_t floor_allow_raw_n = N(floor_allow_raw);

const char *const floor_eperm[] = {
    /* Reading or changing other processes. */
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "process_madvise",
    "pidfd_getfd",
    "kcmp",
    /* Kernel keyrings are not namespaced. */
    "add_key",
    "request_key",
    "keyctl",
    /* Large kernel attack surface, needs privileges a container never has. */
    "bpf",
    "perf_event_open",
    "userfaultfd",
    /* File handles bypass the mount namespace (the "shocker" escape). */
    "open_by_handle_at",
    "name_to_handle_at",
    /* Namespaces and mounts are set up by aisbx only. */
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "open_tree",
    "move_mount",
    "mount_setattr",
    /* Host-wide state: kernel, modules, swap, accounting, quota, log, clocks. */
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "quotactl",
    "quotactl_fd",
    "syslog",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    /* Raw port I/O. */
    "iopl",
    "ioperm",
    /* Host identity and terminal hang-up. */
    "sethostname",
    "setdomainname",
    "vhangup",
};
const size_t floor_eperm_n = N(floor_eperm);

const char *const floor_enosys[] = {
    /* clone3 passes flags in memory seccomp cannot read: refuse it so that glibc
     * uses clone, whose flags we can check. */
    "clone3",
    /* io_uring and AIO run syscalls from kernel context, out of the filter's
     * reach; libraries fall back to plain I/O on ENOSYS. */
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "io_setup",
    "io_submit",
    "io_getevents",
    "io_cancel",
    "io_destroy",
    "io_pgetevents",
};
const size_t floor_enosys_n = N(floor_enosys);

/* clone: every namespace flag. CLONE_NEWTIME shares its bit with the exit
 * signal byte of clone(2) (it is only meaningful for clone3/unshare), but no
 * valid exit signal has bit 7 set, so refusing it costs nothing. */
const uint32_t floor_clone_new_flags = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |
                                       CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWTIME;

/* socket/socketpair families: local, IP, and netlink (checked further below).
 * AF_PACKET, AF_VSOCK, AF_ALG, AF_BLUETOOTH etc. get EPERM. */
const uint32_t floor_socket_families[] = {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK};
const size_t floor_socket_families_n = N(floor_socket_families);

/* AF_INET/AF_INET6 types (a1 & 0xf strips SOCK_NONBLOCK/SOCK_CLOEXEC):
 * no SOCK_RAW, no SOCK_PACKET. */
const uint32_t floor_inet_types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};
const size_t floor_inet_types_n = N(floor_inet_types);

/* AF_NETLINK: routing only (ip addr/route show, getifaddrs). Audit, netfilter,
 * uevents etc. get EPERM. */
const uint32_t floor_netlink_protocols[] = {NETLINK_ROUTE};
const size_t floor_netlink_protocols_n = N(floor_netlink_protocols);

/* personality: PER_LINUX and the query value; anything else could disable
 * ASLR (ADDR_NO_RANDOMIZE) or enable READ_IMPLIES_EXEC. */
const uint32_t floor_personalities[] = {0x0, 0xffffffff};
const size_t floor_personalities_n = N(floor_personalities);

/* ioctl: TIOCSTI injects input into a terminal, TIOCLINUX reaches the console. */
const uint32_t floor_denied_ioctls[] = {TIOCSTI, TIOCLINUX};
const size_t floor_denied_ioctls_n = N(floor_denied_ioctls);
