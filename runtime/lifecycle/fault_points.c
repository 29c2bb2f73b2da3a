/* The fault build's list of step fault points, generated from the step
 * tables themselves (init.c, exec.c): integration/faults.bats loops over
 * what this prints instead of keeping its own copy. */
#include <stdio.h>

#include "runtime/container.h"
#include "runtime/launch/exec.h"
#include "runtime/launch/init.h"

void container_fault_points_print(FILE *out)
{
    size_t n;
    const struct init_step *s = init_step_table(&n);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "fault-point: init:%s %s\n", s[i].name, s[i].stage);
    const char *const *e = exec_step_names(&n);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "fault-point: exec:%s exec\n", e[i]);
}
