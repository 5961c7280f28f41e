/* Filesystem metadata that holds nothing, so that the copy neither
 * reads it from the source nor writes it: ext2/3/4's (ext4_unused.c),
 * as ranges of the disks that the overlay marks as zero after the
 * appliance stops; the empty part of an XFS log (xfs_log.c), zeroed
 * through the appliance, as XFS is often in LVM where a device's
 * offset on its disk is not one number.
 */
#include <stdlib.h>
#include <string.h>

#include <guestfs.h>

#include "internal.h"

struct device_reader {
  guestfs_h *g;
  const char *dev;
};

static int
read_device (void *opaque, void *buf, size_t len, uint64_t off)
{
  struct device_reader *r = opaque;

  while (len > 0) {
    size_t n = len > (1 << 20) ? (1 << 20) : len, got;
    char *data = guestfs_pread_device (r->g, r->dev, (int) n, (int64_t) off,
                                       &got);
    if (data == NULL || got != n) {
      free (data);
      return -1;
    }
    memcpy (buf, data, n);
    free (data);
    buf = (char *) buf + n;
    off += n;
    len -= n;
  }
  return 0;
}

/* Where the partition dev starts on its disk, and which disk it is. */
static int
partition_offset (guestfs_h *g, const char *dev, size_t *disk,
                  uint64_t *start)
{
  CLEANUP_FREE char *parent = NULL;
  struct guestfs_partition_list *parts;
  int partnum, i;

  if (strncmp (dev, "/dev/sd", 7) != 0)
    return -1;                  /* LVM, md...: not a plain offset */
  partnum = guestfs_part_to_partnum (g, dev);
  parent = partnum > 0 ? guestfs_part_to_dev (g, dev) : strdup (dev);
  if (parent == NULL)
    return -1;
  i = guestfs_device_index (g, parent);
  if (i < 0)
    return -1;
  *disk = (size_t) i;
  *start = 0;
  if (partnum <= 0)
    return 0;
  parts = guestfs_part_list (g, parent);
  if (parts == NULL)
    return -1;
  for (i = 0; i < (int) parts->len; ++i)
    if (parts->val[i].part_num == partnum)
      *start = parts->val[i].part_start;
  guestfs_free_partition_list (parts);
  return *start > 0 ? 0 : -1;
}

#define ZERO_CHUNK (1U << 20)

/* Zero [off, off+len) of dev through the appliance, whole overlay
 * clusters only (a partial one would be read from the source).  The
 * overlay then holds zeros there, which the copy reads locally and does
 * not write.
 */
static int
zero_device_range (guestfs_h *g, const char *dev, uint64_t off, uint64_t len)
{
  const uint64_t c = V2V_OVERLAY_CLUSTER;
  uint64_t start = (off + c - 1) / c * c, end = (off + len) / c * c;
  CLEANUP_FREE char *zeros = calloc (1, ZERO_CHUNK);

  if (zeros == NULL)
    return -1;
  while (start < end) {
    size_t n = end - start > ZERO_CHUNK ? ZERO_CHUNK : (size_t) (end - start);
    int w = guestfs_pwrite_device (g, dev, zeros, n, (int64_t) start);
    if (w <= 0)
      return -1;
    start += (uint64_t) w;
  }
  return 0;
}

/* The empty part of an XFS log: see xfs_log.c. */
static void
xfs_empty_log (struct run *run, const char *dev)
{
  struct device_reader r = { run->g, dev };
  struct v2v_range found;
  int ret = v2v_xfs_log_unused (read_device, &r, &found);

  if (ret == -1)
    v2v_debug ("%s: XFS log not read: copied whole", dev);
  if (ret != 0)
    return;
  if (zero_device_range (run->g, dev, found.off, found.len) == -1) {
    v2v_warning (run, "%s: cannot zero the empty part of its XFS log: %s",
                 dev, guestfs_last_error (run->g));
    return;
  }
  v2v_info (run, "%s: %" PRIu64 " MiB of empty XFS log will be neither "
            "read nor copied", dev, found.len >> 20);
}

/* Metadata that holds nothing: see ext4_unused.c and xfs_log.c. */
void
v2v_guest_unused_metadata (struct run *run, char **fses)
{
  size_t i, j;

  for (i = 0; fses && fses[i]; i += 2) {
    struct device_reader r = { run->g, fses[i] };
    struct v2v_ranges found;
    struct disk_state *d;
    struct v2v_range *nr;
    size_t disk;
    uint64_t start;
    int ret;

    if (strcmp (fses[i + 1], "xfs") == 0) {
      xfs_empty_log (run, fses[i]);
      continue;
    }
    if (strncmp (fses[i + 1], "ext", 3) != 0 ||
        partition_offset (run->g, fses[i], &disk, &start) == -1 ||
        disk >= run->nr_disks)
      continue;
    ret = v2v_ext4_unused (read_device, &r, &found);
    if (ret == -1)
      v2v_debug ("%s: ext4 metadata not read (read error or out of "
                 "memory): copied whole", fses[i]);
    if (ret != 0)
      continue;
    d = &run->disks[disk];
    if (found.nr == 0) {
      free (found.ranges);
      continue;
    }
    /* Room for all of this filesystem's ranges at once. */
    nr = found.nr <= SIZE_MAX / sizeof *nr - d->unused.nr
      ? realloc (d->unused.ranges, (d->unused.nr + found.nr) * sizeof *nr)
      : NULL;
    if (nr == NULL) {
      v2v_warning (run, "out of memory: the unused metadata of %s is "
                   "copied", fses[i]);
      free (found.ranges);
      continue;
    }
    d->unused.ranges = nr;
    for (j = 0; j < found.nr; ++j) {
      d->unused.ranges[d->unused.nr].off = start + found.ranges[j].off;
      d->unused.ranges[d->unused.nr].len = found.ranges[j].len;
      d->unused.nr++;
    }
    free (found.ranges);
  }
}
