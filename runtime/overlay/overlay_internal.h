/* Helpers shared by the overlay_*.c rule groups; not a public interface. */
#ifndef AISBX_RUNTIME_OVERLAY_INTERNAL_H
#define AISBX_RUNTIME_OVERLAY_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/overlay/overlay.h"

/* Records one change; old/new are copied (NULL -> "(absent)"). */
void ov_change(struct overlay_changes *c, const char *rule, const char *old_value,
               const char *new_value, const char *field_fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Lexically cleaned absolute path: "//a/./b/" -> "/a/b"; ".." pops. Heap. */
char *ov_path_clean(const char *p);
/* p equals dir or lies below it (component-wise); both cleaned. */
bool ov_path_within(const char *p, const char *dir);
/* Number of components below dir, -1 if p is not within dir. */
int ov_path_depth_below(const char *p, const char *dir);
/* Component i (0-based) of p below dir, written into buf; false if absent. */
bool ov_path_component(const char *p, const char *dir, int i, char *buf, size_t len);

/* Short description of a list: "[]", "[a b c]", "[41 entries]". Heap. */
char *ov_list_summary(const struct spec_strlist *l);
/* "[a b c]" with every entry, however many. */
char *ov_list_join(const struct spec_strlist *l);

/* Removes every element equal to s (returns how many). */
size_t ov_strlist_remove(struct spec_strlist *l, const char *s);
/* Pushes s unless present; true if pushed. */
bool ov_strlist_ensure(struct spec_strlist *l, const char *s);

/* Rule groups, each edits `c` in place (c is the overlay's own copy). */
int ov_namespaces(struct spec_config *c, const struct spec_config *in,
                  const struct overlay_facts *facts, struct overlay_changes *ch, aisbx_error **err);
int ov_process(struct spec_process *p, const struct aisbx_policy *pol, const char *prefix,
               struct overlay_changes *ch, aisbx_error **err);
/* origin (NULL or room for in->n_mounts + 2 entries): for each kept mount,
 * the index of the input mount it came from, OVERLAY_ADDED_MOUNT for one
 * the overlay added. */
int ov_mounts(struct spec_config *c, const struct spec_config *in,
              const struct overlay_facts *facts, const struct aisbx_policy *pol, size_t *origin,
              struct overlay_changes *ch, aisbx_error **err);
/* overlay_userns.c: after ov_mounts (origin as there, may be NULL). */
int ov_userns(struct spec_config *c, const struct overlay_facts *facts,
              const struct aisbx_policy *pol, const size_t *origin, struct overlay_changes *ch,
              aisbx_error **err);
void ov_linux_paths(struct spec_linux *l, struct overlay_changes *ch);
void ov_sysctls(struct spec_linux *l, struct overlay_changes *ch);
void ov_devices(struct spec_linux *l, bool terminal, struct overlay_changes *ch);
void ov_resources_create(struct spec_resources *r, const struct aisbx_policy *pol,
                         struct overlay_changes *ch);
void ov_unified(struct spec_kvlist *u, const char *prefix, struct overlay_changes *ch);

/* Exposed for tests of the value grammar. */
bool ov_sysctl_allowed(const char *key, const char *value);
/* Parses a tmpfs size= value ("64m", "1048576", "2G"); false for "%" or junk. */
bool ov_parse_size(const char *s, uint64_t *out);

#endif
