#include "runtime/lifecycle/container_id.h"

#include <stdbool.h>
#include <string.h>

/* Not isalnum(): it depends on the locale, and ids must be plain ASCII. */
static bool is_alnum_ascii(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int container_id_validate(const char *id, aisbx_error **err)
{
    if (!id || !*id)
        return aisbx_error_make(err, 0, "container id is empty");
    size_t len = strnlen(id, CONTAINER_ID_MAX + 1);
    if (len > CONTAINER_ID_MAX)
        return aisbx_error_make(err, 0, "container id is longer than %d characters",
                                CONTAINER_ID_MAX);
    bool ok = is_alnum_ascii((unsigned char)id[0]);
    for (size_t i = 1; ok && i < len; i++) {
        unsigned char c = (unsigned char)id[i];
        ok = is_alnum_ascii(c) || c == '_' || c == '+' || c == '.' || c == '-';
    }
    if (!ok)
        return aisbx_error_make(err, 0,
                                "invalid container id \"%s\": must match "
                                "[A-Za-z0-9][A-Za-z0-9_+.-]*",
                                id);
    return 0;
}
