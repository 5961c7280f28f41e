/* Before the copy: fstrim every filesystem on the disks, recreate swap,
 * find unused ext4 metadata, shut the appliance down, and zero what is
 * unused in the overlays.
 *
 * Every filesystem, not only those inspection mounted: a Windows
 * "System Reserved" or recovery partition, an ESP, a /boot the guest
 * does not mount.  Each is mounted read-write alone on / (ntfs-3g for
 * NTFS, as libguestfs's mount does), trimmed and unmounted: what fstrim
 * discards becomes a zero cluster in the overlay, never read from the
 * source.  A btrfs filesystem is trimmed once, through its device: its
 * subvolumes share its free space.  The free extents of LVM volume
 * groups are discarded too.
 */
#include <stdio.h>
#include <string.h>

#include <guestfs.h>

#include "internal.h"

/* Filesystems that hold no free space to trim, or that cannot be
 * mounted: swap is recreated (swap.c), LUKS is reached through its
 * opened mapping, which list_filesystems lists too.
 */
static bool
trimmable (const char *dev, const char *type)
{
  static const char *const skip[] = { "swap", "unknown", "crypto_LUKS",
                                      "iso9660", "udf", "squashfs", NULL };
  size_t i;

  if (strncmp (dev, "btrfsvol:", 9) == 0)
    return false;
  for (i = 0; skip[i]; ++i)
    if (strcmp (type, skip[i]) == 0)
      return false;
  return true;
}

/* The virtio-win ISO, when it is a disk of the appliance, is not the
 * guest's.
 */
static bool
is_virtio_win (struct run *run, const char *dev)
{
  const char *iso = run->win.iso_device;

  return iso != NULL && strncmp (dev, iso, strlen (iso)) == 0;
}

/* Trim one filesystem; add what it uses to *used (each filesystem
 * once: btrfs subvolumes mounted apart would count it twice).  Returns
 * true if it was trimmed.
 */
static bool
trim_one (struct run *run, const char *dev, const char *type,
          uint64_t *used)
{
  guestfs_h *g = run->g;
  struct guestfs_statvfs *st;
  bool trimmed = false;

  if (guestfs_mount (g, dev, "/") == -1) {
    v2v_warning (run, "fstrim %s (%s): cannot mount it: %s: its free "
                 "space will be copied", dev, type, guestfs_last_error (g));
    return false;
  }
  st = guestfs_statvfs (g, "/");
  if (st != NULL) {
    *used += (uint64_t) (st->blocks - st->bfree) * (uint64_t) st->frsize;
    guestfs_free_statvfs (st);
  }
  if (guestfs_fstrim (g, "/", -1) == -1)
    v2v_warning (run, "fstrim %s (%s): %s: its free space will be copied",
                 dev, type, guestfs_last_error (g));
  else {
    v2v_info (run, "trimmed %s (%s)", dev, type);
    trimmed = true;
  }
  if (guestfs_umount (g, "/") == -1)
    v2v_warning (run, "unmount %s: %s", dev, guestfs_last_error (g));
  return trimmed;
}

#define FREE_LV "v2vboot-free-space"

/* The free extents of each volume group belong to no filesystem, and
 * hold zeros or old data that the copy would read: an LV over all of
 * them, discarded and removed, as virt-sparsify does.  The guest's VG
 * keeps its LVs; only its metadata's sequence number moves on.
 */
static void
trim_vg_free_space (struct run *run)
{
  guestfs_h *g = run->g;
  CLEANUP_FREE_STRV char **vgs = guestfs_vgs (g);
  size_t i;

  for (i = 0; vgs && vgs[i]; ++i) {
    CLEANUP_FREE char *lv = NULL;
    int64_t size;

    if (asprintf (&lv, "/dev/%s/%s", vgs[i], FREE_LV) == -1)
      return;
    if (guestfs_lvcreate_free (g, FREE_LV, vgs[i], 100) == -1) {
      v2v_debug ("VG %s: no free extents to discard: %s", vgs[i],
                 guestfs_last_error (g));
      continue;
    }
    size = guestfs_blockdev_getsize64 (g, lv);
    if (guestfs_blkdiscard (g, lv) == -1)
      v2v_warning (run, "VG %s: its free extents cannot be discarded: %s: "
                   "they will be copied", vgs[i], guestfs_last_error (g));
    else if (size > 0)
      v2v_info (run, "VG %s: %" PRId64 " MiB of free extents discarded",
                vgs[i], size >> 20);
    if (guestfs_lvremove (g, lv) == -1)
      v2v_warning (run, "VG %s: cannot remove %s: %s", vgs[i], lv,
                   guestfs_last_error (g));
  }
}

int
v2v_guest_trim (struct run *run)
{
  guestfs_h *g = run->g;
  CLEANUP_FREE_STRV char **fses = NULL;
  size_t i, nr_fs = 0, nr_trimmed = 0;
  uint64_t used = 0;

  if (run->cfg->options.no_fstrim)
    v2v_info (run, "no fstrim (options --no-fstrim): free space that holds "
              "old data is copied too");
  if (guestfs_umount_all (g) == -1)
    return v2v_guestfs_error (g, "unmount");
  fses = guestfs_list_filesystems (g);
  if (fses == NULL)
    return v2v_guestfs_error (g, "list the filesystems");
  for (i = 0; fses[i]; i += 2) {
    if (is_virtio_win (run, fses[i]))
      continue;
    if (strcmp (fses[i + 1], "swap") == 0)
      v2v_guest_trim_swap (run, fses[i]);
    else if (!run->cfg->options.no_fstrim &&
             trimmable (fses[i], fses[i + 1])) {
      nr_fs++;
      nr_trimmed += trim_one (run, fses[i], fses[i + 1], &used);
    }
  }
  if (!run->cfg->options.no_fstrim)
    trim_vg_free_space (run);
  if (nr_fs > 0)
    v2v_info (run, "%zu of %zu filesystems trimmed, %" PRIu64 " MiB used "
              "in them", nr_trimmed, nr_fs, used >> 20);
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
