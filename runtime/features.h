/* What this build of aisbx supports, for `aisbx features`. The lists are
 * checked against the parsers that implement them by tests/test_features.c,
 * so the document cannot claim what the code does not do. */
#ifndef AISBX_RUNTIME_FEATURES_H
#define AISBX_RUNTIME_FEATURES_H

#include "specs/features.h"

extern const char *const features_mount_options[];
extern const char *const features_seccomp_actions[];
extern const char *const features_seccomp_operators[];
extern const char *const features_seccomp_archs[];
extern const char *const features_seccomp_flags[];

void runtime_features(struct spec_features *f);

#endif
