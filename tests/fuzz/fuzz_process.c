/* libFuzzer target: spec_process_parse on arbitrary bytes; on success, generate, reparse
 * and free (a parsed value must always generate something parseable). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "specs/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct spec_process *v = NULL;
    aisbx_error *err = NULL;
    if (spec_process_parse((const char *)data, size, &v, &err) < 0) {
        aisbx_error_free(&err);
        return 0;
    }
    bool pretty = size & 1;
    char *out = NULL;
    size_t len = 0;
    if (spec_process_generate(v, pretty, &out, &len, &err) < 0)
        abort(); /* generating a parsed value must not fail */
    struct spec_process *v2 = NULL;
    if (spec_process_parse(out, len, &v2, &err) < 0) {
        fprintf(stderr, "reparse failed: %s\n%s\n", err->msg, out);
        abort();
    }
    spec_process_free(v2);
    free(out);
    struct spec_process *d = spec_process_dup(v);
    spec_process_free(d);
    spec_process_free(v);
    return 0;
}
