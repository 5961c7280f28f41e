/* KVM for the test boot where it works, TCG where it does not or where
 * the operator (or a test) refuses it: V2VBOOT_VERIFY_ACCEL=tcg, or
 * libguestfs's own force_tcg in LIBGUESTFS_BACKEND_SETTINGS.  The
 * refusal holds wherever the boot runs: on this host, or on a libvirt
 * destination's host (verify_libvirt.c asks that host for KVM).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

bool
v2v_verify_kvm_refused (void)
{
  const char *accel = getenv ("V2VBOOT_VERIFY_ACCEL");
  const char *lg = getenv ("LIBGUESTFS_BACKEND_SETTINGS");

  if (accel && strcmp (accel, "tcg") == 0)
    return true;
  return !(accel && strcmp (accel, "kvm") == 0) && lg &&
    strstr (lg, "force_tcg");
}

bool
v2v_verify_use_kvm (void)
{
  return !v2v_verify_kvm_refused () && v2v_kvm_opens ();
}
