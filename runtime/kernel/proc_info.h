/* What /proc says about a pid, and the timestamps runc prints. A pid alone
 * can be reused after the container exits, so liveness always compares the
 * start time recorded at create (/proc/<pid>/stat field 22). */
#ifndef AISBX_RUNTIME_PROC_INFO_H
#define AISBX_RUNTIME_PROC_INFO_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "specs/error.h"

/* Field 22 (starttime, clock ticks since boot). ENOENT/ESRCH in the error's
 * errnum when the process is gone. */
int proc_start_time(pid_t pid, uint64_t *t, aisbx_error **err);
/* Exists, has the same start time, and is not a zombie (Z) or dead (X). */
bool proc_is_alive(pid_t pid, uint64_t start_time);
/* A pidfd of pid while it is still the process started at start_time (the
 * pidfd pins it; then the start time is checked), so that a recycled pid
 * is never signalled, followed or joined. -1 with errno: ESRCH when gone
 * or recycled, ENOSYS without pidfd_open (kernels before 5.3, valgrind). */
int proc_pidfd_checked(pid_t pid, uint64_t start_time);
/* Field 3 (R, S, D, Z, T, t, X, I, ...). Returns 0, or -1 with errno. */
int proc_state_char(pid_t pid, char *c);
/* "2026-11-25T05:39:16.123456789Z": UTC, nanoseconds, like runc's `created`
 * (Go RFC3339Nano: trailing zeros of the fraction are dropped). */
char *time_rfc3339_nano_now(void);
/* "2026-11-25T05:39:16Z": for log lines. */
char *time_rfc3339_now(void);

/* Zeroes this process's argv strings, so /proc/<pid>/cmdline (readable by
 * anyone who sees the pid, dumpable or not) shows nothing: a process about
 * to become visible in a container must not show the engine's command
 * line. Only for a process that no longer reads its argv. */
void proc_wipe_cmdline(void);

#endif
