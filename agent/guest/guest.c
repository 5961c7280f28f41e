/* The guest as libguestfs sees it through the overlays: launch, open
 * LUKS devices (luks.c), inspect, mount, free space, firmware, and fstrim
 * before the copy.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <guestfs.h>

#include "internal.h"

#define MIN_ROOT_FREE (20ULL << 20)  /* for edited files and .link files */
#define MIN_BOOT_FREE (50ULL << 20)  /* for a second initramfs while rebuilding */
#define ESP_GUID "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"

/* Report a libguestfs failure in the current stage. */
int
v2v_guestfs_error (guestfs_h *g, const char *what)
{
  const char *err = guestfs_last_error (g);

  v2v_error ("%s: %s", what, err ? err : "failed");
  return -1;
}

/* Whether qemu will get KVM: libguestfs's direct backend uses it when
 * /dev/kvm opens and force_tcg is not set.
 */
static bool
appliance_uses_kvm (guestfs_h *g)
{
  CLEANUP_FREE char *tcg = guestfs_get_backend_setting (g, "force_tcg");
  int fd;

  if (tcg != NULL)
    return false;
  fd = open ("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd == -1)
    return false;
  close (fd);
  return true;
}

/* Two vCPUs (the initramfs rebuilds and grub-mkconfig run side by
 * side), but no more than this machine has.
 */
static int
appliance_cpus (void)
{
  long n = sysconf (_SC_NPROCESSORS_ONLN);

  return n >= 2 ? 2 : 1;
}

int
v2v_guest_launch (struct run *run)
{
  guestfs_h *g;
  size_t i;

  g = guestfs_create ();
  if (g == NULL) {
    v2v_error ("cannot create a libguestfs handle");
    return -1;
  }
  run->g = g;
  guestfs_set_error_handler (g, NULL, NULL);
  /* Direct backend: qemu runs as us and can reach nbdkit's socket. */
  if (guestfs_set_backend (g, "direct") == -1 ||
      guestfs_set_memsize (g, 1536) == -1 ||
      guestfs_set_smp (g, appliance_cpus ()) == -1)
    return v2v_guestfs_error (g, "configure libguestfs");
  if (v2v_verbose)
    guestfs_set_verbose (g, getenv ("V2VBOOT_GUESTFS_DEBUG") != NULL);
  for (i = 0; i < run->nr_disks; ++i) {
    if (guestfs_add_drive_opts (g, run->disks[i].overlay,
                                GUESTFS_ADD_DRIVE_OPTS_FORMAT, "qcow2",
                                GUESTFS_ADD_DRIVE_OPTS_COPYONREAD, 1,
                                GUESTFS_ADD_DRIVE_OPTS_DISCARD, "besteffort",
                                -1) == -1)
      return v2v_guestfs_error (g, "add disk");
  }
  /* A virtio-win ISO: the last disk, mounted when the drivers are copied. */
  if (run->win.virtio_win && !run->win.virtio_win_is_dir &&
      guestfs_add_drive_opts (g, run->win.virtio_win,
                              GUESTFS_ADD_DRIVE_OPTS_FORMAT, "raw",
                              GUESTFS_ADD_DRIVE_OPTS_READONLY, 1, -1) == -1)
    return v2v_guestfs_error (g, "add the virtio-win ISO");
  if (appliance_uses_kvm (g))
    v2v_info (run, "starting the conversion appliance (KVM)");
  else
    v2v_info (run, "starting the conversion appliance under software "
              "emulation, no usable KVM: about 20 s, and the conversion "
              "several times slower");
  if (guestfs_launch (g) == -1)
    return v2v_guestfs_error (g, "launch the libguestfs appliance");
  if (guestfs_get_pid (g) > 0)
    v2v_track_child (guestfs_get_pid (g));
  if (run->win.virtio_win && !run->win.virtio_win_is_dir) {
    CLEANUP_FREE_STRV char **devs = guestfs_list_devices (g);
    size_t n = 0;

    while (devs && devs[n])
      n++;
    if (n != run->nr_disks + 1)
      return v2v_guestfs_error (g, "find the virtio-win ISO");
    run->win.iso_device = strdup (devs[run->nr_disks]);
  }
  return 0;
}

static int
compare_mountpoints (const void *a, const void *b)
{
  const char *const *pa = a, *const *pb = b;
  size_t la = strlen (pa[0]), lb = strlen (pb[0]);

  return la < lb ? -1 : la > lb ? 1 : strcmp (pa[0], pb[0]);
}

static int
mount_all (struct run *run, const char *root)
{
  guestfs_h *g = run->g;
  CLEANUP_FREE_STRV char **mps = guestfs_inspect_get_mountpoints (g, root);
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
    run->guest.mountpoints = v2v_strv_append (run->guest.mountpoints,
                                              mps[i]);
  }
  return 0;
}

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

static int
check_space (struct run *run)
{
  size_t i;
  bool boot_separate = false;

  run->guest.used_bytes = 0;
  for (i = 0; run->guest.mountpoints && run->guest.mountpoints[i]; ++i) {
    const char *mp = run->guest.mountpoints[i];
    uint64_t avail, used;

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

static enum v2v_firmware
detect_firmware (guestfs_h *g)
{
  CLEANUP_FREE_STRV char **parts = guestfs_list_partitions (g);
  size_t i;

  for (i = 0; parts && parts[i]; ++i) {
    CLEANUP_FREE char *dev = guestfs_part_to_dev (g, parts[i]);
    CLEANUP_FREE char *type = dev ? guestfs_part_get_parttype (g, dev) : NULL;
    CLEANUP_FREE char *guid = NULL;
    int n;

    if (type == NULL || strcmp (type, "gpt") != 0)
      continue;
    n = guestfs_part_to_partnum (g, parts[i]);
    if (n < 1)
      continue;
    guid = guestfs_part_get_gpt_type (g, dev, n);
    if (guid && strcasecmp (guid, ESP_GUID) == 0)
      return V2V_FW_UEFI;
  }
  return V2V_FW_BIOS;
}

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
  gi->firmware = detect_firmware (g);
  if (strcmp (gi->type, "windows") == 0 && v2v_windows_inspect (run) == -1)
    return -1;
  if (mount_all (run, gi->root) == -1 || check_space (run) == -1)
    return -1;
  v2v_info (run, "guest firmware %s, %" PRIu64 " MiB used in its "
            "filesystems", gi->firmware == V2V_FW_UEFI ? "UEFI" : "BIOS",
            gi->used_bytes >> 20);
  return 0;
}

/* Recreate a swap partition empty with its UUID and label: its old
 * contents are never needed after a cold migration, so none of it is
 * copied.
 */
static void
trim_swap (struct run *run, const char *dev)
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

/* ext2/3/4 metadata that holds nothing: see ext4_unused.c. */
static void
find_unused_metadata (struct run *run, char **fses)
{
  size_t i, j;

  for (i = 0; fses && fses[i]; i += 2) {
    struct device_reader r = { run->g, fses[i] };
    struct v2v_ranges found;
    struct disk_state *d;
    size_t disk;
    uint64_t start;

    if (strncmp (fses[i + 1], "ext", 3) != 0 ||
        partition_offset (run->g, fses[i], &disk, &start) == -1 ||
        disk >= run->nr_disks)
      continue;
    if (v2v_ext4_unused (read_device, &r, &found) != 0)
      continue;
    d = &run->disks[disk];
    for (j = 0; j < found.nr; ++j) {
      struct v2v_range *nr = realloc (d->unused.ranges,
                                      (d->unused.nr + 1) * sizeof *nr);
      if (nr == NULL)
        break;
      d->unused.ranges = nr;
      nr[d->unused.nr].off = start + found.ranges[j].off;
      nr[d->unused.nr].len = found.ranges[j].len;
      d->unused.nr++;
    }
    free (found.ranges);
  }
}

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
      trim_swap (run, fses[i]);
  if (!run->cfg->options.no_fstrim)
    find_unused_metadata (run, fses);
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
