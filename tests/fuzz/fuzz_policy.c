/* libFuzzer target: spec_policy_parse on arbitrary bytes; on success, generate, reparse
 * and free (a parsed value must always generate something parseable). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "specs/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct spec_policy *v = NULL;
    aisbx_error *err = NULL;
    if (spec_policy_parse((const char *)data, size, &v, &err) < 0) {
        aisbx_error_free(&err);
        return 0;
    }
    /* the policy has no generator */
    spec_policy_free(v);
    return 0;
}
