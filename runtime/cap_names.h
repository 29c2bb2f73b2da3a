/* The one capability name lookup, shared by the policy loader, the overlay
 * (which must stay free of syscalls) and the code that applies and verifies
 * the sets. Pure: libcap's name table, no kernel query. Whether this kernel
 * has a capability is the caller's question (caps_from_names). */
#ifndef AISBX_RUNTIME_CAP_NAMES_H
#define AISBX_RUNTIME_CAP_NAMES_H

/* OCI name "CAP_CHOWN" -> 0 (its bit). -1 for NULL, for anything that is not
 * "CAP_" plus upper case, digits and '_' (libcap alone would also take
 * "cap_chown" and "3"), and for a name libcap does not know. */
int cap_from_oci_name(const char *name);

#endif
