/* Signal names as `kill` accepts them: engines send numbers ("15"), users
 * type names ("KILL", "SIGTERM", "term") and realtime forms ("RTMIN+3"). */
#ifndef AISBX_RUNTIME_SIGNALS_H
#define AISBX_RUNTIME_SIGNALS_H

#include "specs/error.h"

/* Parses a number 1.._NSIG-1, a name with or without "SIG" in any case,
 * RTMIN, RTMIN+n, RTMAX, RTMAX-n. */
int signal_parse(const char *s, int *sig, aisbx_error **err);
/* "SIGTERM", "SIGRTMIN+3", or NULL for an invalid number. The string is
 * static, or (realtime forms) valid until the next call in this thread. */
const char *signal_name(int sig);

/* Every signal back to its default action and none blocked, as a new
 * program expects. The raw syscall: glibc's sigaction() refuses its two
 * internal real-time signals (32, 33), which a parent such as make may have
 * left ignored. */
void signals_reset_all(void);

#endif
