/* Swap partitions are recreated empty instead of copied. */


#include <guestfs.h>

#include "internal.h"

/* Recreate a swap partition empty with its UUID and label: its old
 * contents are never needed after a cold migration, so none of it is
 * copied.
 */
void
v2v_guest_trim_swap (struct run *run, const char *dev)
{
  guestfs_h *g = run->g;
  CLEANUP_FREE char *uuid = guestfs_vfs_uuid (g, dev);
  CLEANUP_FREE char *label = guestfs_vfs_label (g, dev);

  if (uuid == NULL || guestfs_blkdiscard (g, dev) == -1 ||
      guestfs_mkswap_opts (g, dev,
                           GUESTFS_MKSWAP_OPTS_UUID, uuid,
                           GUESTFS_MKSWAP_OPTS_LABEL, label ? label : "",
                           -1) == -1) {
    v2v_warning (run, "swap %s is copied whole: %s", dev,
                 guestfs_last_error (g));
    return;
  }
  v2v_debug ("swap %s discarded and recreated with UUID %s", dev, uuid);
}
