/* Before the copy: fstrim the filesystems, recreate swap, find unused
 * ext4 metadata, shut the appliance down, and zero what is unused in
 * the overlays.
 */
#include <string.h>

#include <guestfs.h>

#include "internal.h"

int
v2v_guest_trim (struct run *run)
{
  guestfs_h *g = run->g;
  CLEANUP_FREE_STRV char **fses = NULL;
  size_t i;

  if (run->cfg->options.no_fstrim)
    v2v_info (run, "no fstrim (options --no-fstrim): free space that holds "
              "old data is copied too");
  for (i = 0; !run->cfg->options.no_fstrim && run->guest.mountpoints &&
       run->guest.mountpoints[i]; ++i) {
    const char *mp = run->guest.mountpoints[i];
    if (guestfs_fstrim (g, mp, -1) == -1)
      v2v_warning (run, "fstrim %s: %s: its free space will be copied",
                   mp, guestfs_last_error (g));
  }
  if (guestfs_umount_all (g) == -1)
    return v2v_guestfs_error (g, "unmount");
  fses = guestfs_list_filesystems (g);
  for (i = 0; fses && fses[i]; i += 2)
    if (strcmp (fses[i + 1], "swap") == 0)
      v2v_guest_trim_swap (run, fses[i]);
  if (!run->cfg->options.no_fstrim)
    v2v_guest_unused_metadata (run, fses);
  v2v_untrack_child (guestfs_get_pid (g));   /* libguestfs reaps it */
  if (guestfs_shutdown (g) == -1)
    return v2v_guestfs_error (g, "shut down the appliance");
  guestfs_close (g);
  run->g = NULL;
  for (i = 0; i < run->nr_disks; ++i)
    if (v2v_overlay_zero_unused (run, &run->disks[i]) == -1)
      return -1;
  return 0;
}
