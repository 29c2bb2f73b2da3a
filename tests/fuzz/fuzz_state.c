/* libFuzzer target: spec_state_parse on arbitrary bytes; on success, generate, reparse
 * and free (a parsed value must always generate something parseable). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "specs/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct spec_state *v = NULL;
    aisbx_error *err = NULL;
    if (spec_state_parse((const char *)data, size, &v, &err) < 0) {
        aisbx_error_free(&err);
        return 0;
    }
    bool pretty = size & 1;
    char *out = NULL;
    size_t len = 0;
    if (spec_state_generate(v, true, pretty, &out, &len, &err) < 0)
        abort(); /* generating a parsed value must not fail */
    struct spec_state *v2 = NULL;
    if (spec_state_parse(out, len, &v2, &err) < 0) {
        fprintf(stderr, "reparse failed: %s\n%s\n", err->msg, out);
        abort();
    }
    spec_state_free(v2);
    free(out);

    spec_state_free(v);
    return 0;
}
