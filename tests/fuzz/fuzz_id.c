/* libFuzzer target: container_id_validate on a NUL-terminated copy of
 * arbitrary bytes, checked against an independent statement of the rule:
 * [A-Za-z0-9][A-Za-z0-9_+.-]*, 1..CONTAINER_ID_MAX bytes. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/lifecycle/container_id.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool expected_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > CONTAINER_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || !strchr("_+.-", c)))
            return false;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    aisbx_error *err = NULL;
    bool ok = container_id_validate(s, &err) == 0;
    if (!ok) {
        if (!err) {
            fprintf(stderr, "rejected id without an error\n");
            abort();
        }
        aisbx_error_free(&err);
    }
    if (ok != expected_valid(s)) {
        fprintf(stderr, "id \"%s\" (%zu bytes): validate says %s\n", s, strlen(s),
                ok ? "valid" : "invalid");
        abort();
    }
    free(s);
    return 0;
}
