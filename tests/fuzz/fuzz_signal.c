/* libFuzzer target: signal_parse on a NUL-terminated copy of arbitrary bytes.
 * A parsed signal must be in range and round-trip through signal_name().
 * Exception: 32 and 33 (below glibc's SIGRTMIN) have no name and come out as
 * "SIG32"; like runc, signal_parse does not take that form, so for it only
 * the number is checked. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/kernel/signals.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    int sig = -1;
    aisbx_error *err = NULL;
    if (signal_parse(s, &sig, &err) < 0) {
        aisbx_error_free(&err);
        free(s);
        return 0;
    }
    if (sig < 1 || sig >= _NSIG) {
        fprintf(stderr, "\"%s\" parsed to out-of-range signal %d\n", s, sig);
        abort();
    }
    const char *name = signal_name(sig);
    int again = -1;
    char *end;
    if (name && name[3] >= '0' && name[3] <= '9')
        again = (int)strtol(name + 3, &end, 10);
    else if (name && signal_parse(name, &again, &err) < 0)
        aisbx_error_free(&err);
    if (!name || again != sig) {
        fprintf(stderr, "signal %d (from \"%s\") does not round-trip via \"%s\"\n", sig, s,
                name ? name : "(null)");
        abort();
    }
    free(s);
    return 0;
}
