/* The user namespace every container of a root runtime gets (issue 14),
 * on the runtime side of the pure overlay (overlay_userns.c decides):
 *   before the overlay: may this runtime give one (root of the initial
 *     user namespace, not rootless), and if the policy and the config call
 *     for one, claim a slot of the pool (userns_slots.h) for the facts;
 *   after it: make the template namespace the init joins last, idmap the
 *     clone of the root and of each bind that has an id mapping (the
 *     overlay's by class, or the config's mounts[].uidMappings), recording
 *     every fallback as a change (policy userns_idmap "required": refused);
 *   delete: release the slot. */
#ifndef AISBX_RUNTIME_USERNS_SETUP_H
#define AISBX_RUNTIME_USERNS_SETUP_H

#include "runtime/lifecycle/bundle.h"
#include "specs/state.h"

/* State annotation: the slot of the pool the container holds. */
#define USERNS_SLOT_ANNOTATION "run.aisbx.userns-slot"

/* id NULL (`check`): nothing is claimed, the pool's first range stands in. */
int userns_setup_claim(const struct aisbx_context *ctx, const char *id,
                       const struct spec_config *raw, struct overlay_facts *f,
                       struct hardened_bundle *b, aisbx_error **err);
/* dry_run (`check`): no namespace is made, nothing idmapped; the change
 * list shows what create would do to the root. */
int userns_setup_mounts(struct hardened_bundle *b, bool dry_run, aisbx_error **err);
/* create succeeded: the slot now lives as long as the init. */
int userns_setup_keep(struct hardened_bundle *b, pid_t init, aisbx_error **err);
/* The slot held by a container whose state is s (no annotation: none). */
int userns_setup_release(const char *root, const struct spec_state *s, aisbx_error **err);

#endif
