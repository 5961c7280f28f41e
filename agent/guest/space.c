/* Free space in the guest's filesystems: enough for the conversion's
 * edits and a new initramfs, and what is used (for the output's check).
 */
#include <stdbool.h>
#include <string.h>

#include <guestfs.h>

#include "internal.h"

#define MIN_ROOT_FREE (20ULL << 20)  /* for edited files and .link files */
#define MIN_BOOT_FREE (50ULL << 20)  /* for a second initramfs while rebuilding */

static int
free_space (struct run *run, const char *mp, uint64_t *avail, uint64_t *used)
{
  struct guestfs_statvfs *st = guestfs_statvfs (run->g, mp);

  if (st == NULL)
    return v2v_guestfs_error (run->g, mp);
  *avail = (uint64_t) st->bavail * (uint64_t) st->frsize;
  *used = (uint64_t) (st->blocks - st->bfree) * (uint64_t) st->frsize;
  guestfs_free_statvfs (st);
  return 0;
}

int
v2v_guest_check_space (struct run *run)
{
  size_t i;
  bool boot_separate = false;

  run->guest.used_bytes = 0;
  for (i = 0; run->guest.mountpoints && run->guest.mountpoints[i]; ++i) {
    const char *mp = run->guest.mountpoints[i];
    uint64_t avail = 0, used = 0;   /* set by free_space (gcc cannot tell) */

    if (free_space (run, mp, &avail, &used) == -1)
      return -1;
    run->guest.used_bytes += used;
    if (strcmp (mp, "/boot") == 0) {
      boot_separate = true;
      if (avail < MIN_BOOT_FREE) {
        v2v_error ("the guest's /boot has %" PRIu64 " MiB free; the new "
                   "initramfs needs %llu MiB: remove old kernels in the "
                   "guest and try again", avail >> 20, MIN_BOOT_FREE >> 20);
        return -1;
      }
    }
    if (strcmp (mp, "/") == 0) {
      uint64_t need = MIN_ROOT_FREE;
      if (!boot_separate)
        need += MIN_BOOT_FREE;
      if (avail < need) {
        v2v_error ("the guest's / has %" PRIu64 " MiB free; the conversion "
                   "needs %" PRIu64 " MiB: free space in the guest and try "
                   "again", avail >> 20, need >> 20);
        return -1;
      }
    }
  }
  return 0;
}
