/* KVM for the test boot where it works, TCG where it does not or where
 * the operator (or a test) refuses it: V2VBOOT_VERIFY_ACCEL=tcg, or
 * libguestfs's own force_tcg in LIBGUESTFS_BACKEND_SETTINGS.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

bool
v2v_verify_use_kvm (void)
{
  const char *accel = getenv ("V2VBOOT_VERIFY_ACCEL");
  const char *lg = getenv ("LIBGUESTFS_BACKEND_SETTINGS");

  if (accel && strcmp (accel, "tcg") == 0)
    return false;
  if (!(accel && strcmp (accel, "kvm") == 0) && lg &&
      strstr (lg, "force_tcg"))
    return false;
  return v2v_kvm_opens ();
}
