/* Mount the guest's filesystems as inspection found them, parents
 * before children.
 */
#include <stdlib.h>
#include <string.h>

#include <guestfs.h>

#include "internal.h"

static int
compare_mountpoints (const void *a, const void *b)
{
  const char *const *pa = a, *const *pb = b;
  size_t la = strlen (pa[0]), lb = strlen (pb[0]);

  return la < lb ? -1 : la > lb ? 1 : strcmp (pa[0], pb[0]);
}

int
v2v_guest_mount_all (struct run *run, const char *root)
{
  guestfs_h *g = run->g;
  CLEANUP_FREE_STRV char **mps = guestfs_inspect_get_mountpoints (g, root);
  CLEANUP_FREE_STRVEC struct v2v_string_vector mounted = VECTOR_INIT;
  size_t n, i;

  if (mps == NULL)
    return v2v_guestfs_error (g, "inspect mountpoints");
  for (n = 0; mps[n]; n += 2)
    ;
  /* Pairs (mountpoint, device): mount parents before children. */
  qsort (mps, n / 2, 2 * sizeof (char *), compare_mountpoints);
  for (i = 0; i < n; i += 2) {
    if (guestfs_mount (g, mps[i + 1], mps[i]) == -1) {
      v2v_warning (run, "cannot mount %s on %s: %s", mps[i + 1], mps[i],
                   guestfs_last_error (g));
      continue;
    }
    if (v2v_strvec_add (&mounted, mps[i]) == -1) {
      v2v_error ("out of memory listing the mounted filesystems");
      return -1;
    }
  }
  if (mounted.len > 0) {
    run->guest.mountpoints = v2v_strvec_take (&mounted);
    if (run->guest.mountpoints == NULL) {
      v2v_error ("out of memory listing the mounted filesystems");
      return -1;
    }
  }
  return 0;
}
