/* Runtime logging. Engines read `--log FILE --log-format json` and take the
 * last {"level":"error","msg":...} line as the failure reason (engines.md),
 * so the file is always created and every message goes there. */
#ifndef AISBX_RUNTIME_LOG_H
#define AISBX_RUNTIME_LOG_H

#include <stdbool.h>

#include "specs/error.h"

enum log_level { LOG_ERROR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

/* path may be NULL (stderr only). Creates the file (O_APPEND) at once. */
int log_init(const char *path, bool json, bool debug, aisbx_error **err);
/* Writes a line to the log file (if any). Errors also go to stderr as
 * "aisbx: msg"; warnings go to stderr only when there is no log file, so
 * `ps`/`state` keep a clean stderr for engines that parse it. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
/* A message for the log file only (stderr too only with --debug): the
 * overlay's change list, which would drown a terminal on every run and is
 * kept in the state dir and shown by `aisbx check` anyway. */
void log_file_only(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The log fd, for a forked child that must report before exec (-1 if none). */
int log_fd(void);
/* A child about to exec the user process closes it (it is O_CLOEXEC anyway). */
void log_close(void);
/* Forget stderr mirroring of warnings (used by commands whose stdout+stderr is parsed). */
void log_set_quiet(bool quiet);

#endif
