/* Inspection: open LUKS devices (luks.c), find the one operating system
 * on the disks, check that it can be converted, then mount it and check
 * its free space.
 */
#include <string.h>

#include <guestfs.h>

#include "internal.h"

int
v2v_guest_inspect (struct run *run)
{
  guestfs_h *g = run->g;
  CLEANUP_FREE_STRV char **roots = NULL;
  struct v2v_guest *gi = &run->guest;
  struct v2v_luks_devs luks = VECTOR_INIT;
  int r;

  /* Encrypted devices first: what is inside them is the guest. */
  r = v2v_luks_open (run, &luks);
  if (r == 0) {
    roots = guestfs_inspect_os (g);
    if (roots && roots[0] && !roots[1] && luks.len > 0) {
      r = v2v_luks_use_crypttab_names (run, roots[0], &luks);
      if (r == 1) {
        v2v_cleanup_free_strv (&roots);
        roots = guestfs_inspect_os (g);
      }
    }
  }
  v2v_luks_free (&luks);
  if (r == -1)
    return -1;
  if (roots == NULL)
    return v2v_guestfs_error (g, "inspection");
  if (roots[0] == NULL) {
    if (v2v_windows_diagnose (run) == -1)
      return -1;
    v2v_error ("no operating system found on the disks: are these the "
               "VM's system disks?");
    return -1;
  }
  if (roots[1] != NULL) {
    v2v_error ("several operating systems found (%s, %s): multi-boot "
               "guests are not supported", roots[0], roots[1]);
    return -1;
  }
  gi->root = strdup (roots[0]);
  gi->type = guestfs_inspect_get_type (g, gi->root);
  gi->distro = guestfs_inspect_get_distro (g, gi->root);
  gi->product = guestfs_inspect_get_product_name (g, gi->root);
  gi->arch = guestfs_inspect_get_arch (g, gi->root);
  gi->major = guestfs_inspect_get_major_version (g, gi->root);
  gi->minor = guestfs_inspect_get_minor_version (g, gi->root);
  if (!gi->root || !gi->type || !gi->distro || !gi->product || !gi->arch)
    return v2v_guestfs_error (g, "inspection");
  v2v_info (run, "found %s %s %d.%d (%s, \"%s\") on %s", gi->type,
            gi->distro, gi->major, gi->minor, gi->arch, gi->product,
            gi->root);
  if (strcmp (gi->type, "linux") != 0 && strcmp (gi->type, "windows") != 0) {
    v2v_error ("%s guests (%s) cannot be converted yet", gi->type,
               gi->product);
    return -1;
  }
  if (strcmp (gi->arch, "x86_64") != 0 && strcmp (gi->arch, "i386") != 0) {
    v2v_error ("guest architecture %s is not supported: x86 only",
               gi->arch);
    return -1;
  }
  gi->firmware = v2v_guest_firmware (g);
  if (strcmp (gi->type, "windows") == 0 && v2v_windows_inspect (run) == -1)
    return -1;
  if (v2v_guest_mount_all (run, gi->root) == -1 ||
      v2v_guest_check_space (run) == -1)
    return -1;
  v2v_info (run, "guest firmware %s, %" PRIu64 " MiB used in its "
            "filesystems", gi->firmware == V2V_FW_UEFI ? "UEFI" : "BIOS",
            gi->used_bytes >> 20);
  return 0;
}
