/* What this build of aisbx supports, for `aisbx features`. Nothing checks
 * these lists against the parsers that implement them (spec_features.bats
 * only spot-checks a few entries): keep them in step by hand when a parser
 * learns or drops a value. */
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
