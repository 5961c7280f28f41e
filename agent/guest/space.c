/* Free space in the guest's filesystems: enough for the conversion's
 * edits and a new initramfs, and what is used (for the output's check),
 * each filesystem counted once: btrfs subvolumes mounted on / and /home
 * are one filesystem, and statvfs gives each of them all of it.
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

/* The device mounted on MP, from guestfs_mountpoints' pairs (device,
 * mountpoint); NULL if not there.
 */
static const char *
device_of (char *const *mounted, const char *mp)
{
  size_t i;

  for (i = 0; mounted && mounted[i] && mounted[i + 1]; i += 2)
    if (strcmp (mounted[i + 1], mp) == 0)
      return mounted[i];
  return NULL;
}

/* Whether the filesystem on MP was counted already: an earlier mount
 * point has the same device.
 */
static bool
counted_before (char *const *mounted, char *const *mps, size_t n)
{
  const char *dev = device_of (mounted, mps[n]);
  size_t i;

  for (i = 0; dev && i < n; ++i) {
    const char *other = device_of (mounted, mps[i]);
    if (other && strcmp (other, dev) == 0)
      return true;
  }
  return false;
}

int
v2v_guest_check_space (struct run *run)
{
  CLEANUP_FREE_STRV char **mounted = guestfs_mountpoints (run->g);
  char *const *mps = run->guest.mountpoints;
  size_t i;
  bool boot_separate = false;

  /* (if guestfs_mountpoints failed, each mount point is counted) */
  run->guest.used_bytes = 0;
  for (i = 0; mps && mps[i]; ++i) {
    const char *mp = mps[i];
    uint64_t avail = 0, used = 0;   /* set by free_space (gcc cannot tell) */

    if (free_space (run, mp, &avail, &used) == -1)
      return -1;
    if (!counted_before (mounted, mps, i))
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
