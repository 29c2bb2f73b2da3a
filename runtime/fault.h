/* Test-only crash points for the fault-injection suite. In a build made
 * with -DAISBX_FAULT_POINTS, FAULT_POINT("name") kills the calling process
 * with SIGKILL when $AISBX_FAULT_AT equals "name" — the runtime or the
 * container init dying at exactly that step. In a release build the macro
 * is empty: no getenv, no code. `aisbx --version` says which build it is. */
#ifndef AISBX_RUNTIME_FAULT_H
#define AISBX_RUNTIME_FAULT_H

#ifdef AISBX_FAULT_POINTS
void fault_point(const char *name);
/* A step of a step table: the point "<table>:<step>" (init.c, exec.c). */
void fault_point_step(const char *table, const char *step);
#define FAULT_POINT(name) fault_point(name)
#define FAULT_STEP(table, step) fault_point_step(table, step)
#define FAULT_BUILD 1
#else
#define FAULT_POINT(name) ((void)0)
#define FAULT_STEP(table, step) ((void)0)
#define FAULT_BUILD 0
#endif

#endif
