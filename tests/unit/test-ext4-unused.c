/* ext4_unused.c on real filesystems made by mke2fs: the ranges it finds
 * are unused inode table slots and the empty journal, and zeroing them
 * leaves a filesystem that e2fsck finds clean, with its files intact.
 * Then on crafted ones (the filesystem is the guest's: hostile): sizes
 * and counts the kernel refuses are refused, and whatever the bytes, no
 * read is larger than its buffer (the san- build checks that) and no
 * range leaves the filesystem.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "unit.h"
#include "mem_device.h"

static char dir[] = "/tmp/v2vboot-ext4.XXXXXX";

static int
pread_fd (void *opaque, void *buf, size_t len, uint64_t off)
{
  int fd = *(int *) opaque;

  return pread (fd, buf, len, (off_t) off) == (ssize_t) len ? 0 : -1;
}

static uint16_t get16 (const unsigned char *p) { return p[0] | p[1] << 8; }
static uint32_t
get32 (const unsigned char *p)
{
  return (uint32_t) get16 (p) | (uint32_t) get16 (p + 2) << 16;
}
static void put16 (unsigned char *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void
put32 (unsigned char *p, uint32_t v)
{
  put16 (p, (uint16_t) v);
  put16 (p + 2, (uint16_t) (v >> 16));
}

/* v2v_ext4_unused on m: its return value; with 0, every range must lie
 * inside the image and past the primary superblock.
 */
static int
unused_mem (struct mem *m)
{
  struct v2v_ranges r;
  int ret = v2v_ext4_unused (read_mem, m, &r);
  size_t i;

  CHECK (ret == 0 || ret == 1 || ret == -1);
  CHECK (ret == 0 || (r.nr == 0 && r.ranges == NULL));
  for (i = 0; i < r.nr; ++i) {
    uint64_t off = r.ranges[i].off, len = r.ranges[i].len;
    if (off < 2048 || len == 0 || off > m->size || len > m->size - off) {
      CHECK (!"range inside the filesystem");
      fprintf (stderr, "  range %zu: %" PRIu64 "+%" PRIu64 " (image %zu)\n",
               i, off, len, m->size);
      break;
    }
  }
  free (r.ranges);
  return ret;
}

static int
sh (const char *fmt, const char *arg)
{
  char cmd[1024];

  snprintf (cmd, sizeof cmd, fmt, dir, arg, dir, dir, dir);
  return system (cmd);
}

/* Make a filesystem with mkfs_opts, find its ranges, zero them, fsck.
 * Returns the bytes found.
 */
static uint64_t
check_fs (const char *mkfs_opts, const char *tweak, int want_ret)
{
  struct v2v_ranges r;
  char img[256];
  int fd, ret;
  uint64_t total = 0;
  size_t i;
  static char zeros[1 << 16];

  snprintf (img, sizeof img, "%s/fs.img", dir);
  unlink (img);
  CHECK (sh ("mke2fs -q -F %2$s -d %1$s/files %1$s/fs.img 64M >/dev/null 2>&1",
             mkfs_opts) == 0);
  if (tweak)
    CHECK (sh ("debugfs -w -R '%2$s' %1$s/fs.img >/dev/null 2>&1", tweak) == 0);
  fd = open (img, O_RDWR);
  CHECK (fd >= 0);
  ret = v2v_ext4_unused (pread_fd, &fd, &r);
  CHECK (ret == want_ret);
  for (i = 0; i < r.nr; ++i) {
    uint64_t off = r.ranges[i].off, left = r.ranges[i].len;
    CHECK (off >= 4096);        /* never the superblock or boot block */
    total += left;
    while (left > 0) {
      size_t n = left < sizeof zeros ? left : sizeof zeros;
      CHECK (pwrite (fd, zeros, n, (off_t) off) == (ssize_t) n);
      off += n;
      left -= n;
    }
  }
  close (fd);
  free (r.ranges);
  if (tweak == NULL) {
    CHECK (sh ("e2fsck -fn %1$s/fs.img >%1$s/fsck.log 2>&1", "") == 0);
    CHECK (sh ("debugfs -R 'dump /etc/hello %1$s/out' %1$s/fs.img >/dev/null 2>&1"
               " && cmp -s %1$s/out %1$s/files/etc/hello", "") == 0);
  }
  return total;
}

/* A clean ext4 (4 KiB blocks, 64bit, journal in inode 8 in group 0),
 * then one field at a time set to what the kernel would refuse, then
 * every byte of the superblock, the first group descriptor and the
 * journal inode set to a few values.
 */
static void
crafted (void)
{
  struct mem m;
  unsigned char *sb, *gd, *ino, *eh;
  char img[256];
  int fd;
  size_t i, v;
  static const unsigned char vals[] = { 0x00, 0x01, 0x07, 0x80, 0xFF };
  static const uint16_t desc_sizes[] = { 0, 16, 33, 48, 63, 65, 96, 2048 };

  snprintf (img, sizeof img, "%s/fs.img", dir);
  unlink (img);
  CHECK (sh ("mke2fs -q -F -t ext4 -b 4096 -O 64bit %1$s/fs.img 32M"
             " >/dev/null 2>&1", "") == 0);
  fd = open (img, O_RDONLY);
  CHECK (fd >= 0);
  m.size = 32 << 20;
  m.data = malloc (m.size);
  if (fd < 0 || m.data == NULL ||
      pread (fd, m.data, m.size, 0) != (ssize_t) m.size) {
    CHECK (!"read the image");
    return;
  }
  close (fd);
  sb = m.data + 1024;
  gd = m.data + 4096;
  CHECK (get16 (sb + 0xFE) == 64 && get32 (sb + 0xE0) == 8);
  ino = m.data + (size_t) get32 (gd + 0x8) * 4096 + 7 * get16 (sb + 0x58);
  eh = ino + 0x28;
  CHECK (get16 (eh) == 0xF30A && get16 (eh + 2) >= 1);
  CHECK (unused_mem (&m) == 0);

  /* inode_size: up to the block size, a power of 2 (was read whole
   * into a 1 KiB buffer).
   */
  put16 (sb + 0x58, 4096);
  CHECK (unused_mem (&m) != -1);
  put16 (sb + 0x58, 3000);
  CHECK (unused_mem (&m) == 1);
  put16 (sb + 0x58, 8192);
  CHECK (unused_mem (&m) == 1);
  put32 (sb + 0x18, 6);         /* 64 KiB blocks, 32 KiB inodes */
  put16 (sb + 0x58, 32768);
  CHECK (unused_mem (&m) != -1);
  put32 (sb + 0x18, 2);
  put16 (sb + 0x58, 256);
  CHECK (unused_mem (&m) == 0);
  /* desc_size of a 64bit filesystem: 64 to 1024, a power of 2 */
  for (i = 0; i < sizeof desc_sizes / sizeof desc_sizes[0]; ++i) {
    put16 (sb + 0xFE, desc_sizes[i]);
    CHECK (unused_mem (&m) == 1);
  }
  put16 (sb + 0xFE, 64);
  CHECK (unused_mem (&m) == 0);
  /* a group count past 2^32, that truncated to 2 */
  {
    uint32_t lo = get32 (sb + 0x4), bpg = get32 (sb + 0x20);
    put32 (sb + 0x150, bpg);              /* 2^32 groups more */
    CHECK (unused_mem (&m) == 1);
    put32 (sb + 0x150, 0);
    /* 2^20 groups of 1024-byte descriptors: a 1 GiB GDT */
    put32 (sb + 0x4, 1U << 20);
    put32 (sb + 0x20, 1);
    put16 (sb + 0xFE, 1024);
    CHECK (unused_mem (&m) == 1);
    put32 (sb + 0x4, lo);
    put32 (sb + 0x20, bpg);
    put16 (sb + 0xFE, 64);
  }
  /* inodes_per_group past a bitmap block: tables past the end */
  {
    uint32_t ipg = get32 (sb + 0x28);
    put32 (sb + 0x28, 0xFFFFFFFF);
    CHECK (unused_mem (&m) == 1);
    put32 (sb + 0x28, ipg);
  }
  /* the first data block is 0 with 4 KiB blocks */
  put32 (sb + 0x14, 5);
  CHECK (unused_mem (&m) == 1);
  put32 (sb + 0x14, 0);
  CHECK (unused_mem (&m) == 0);
  /* the journal's extent header: more entries than i_block holds, or
   * than eh_max says; a deeper tree is left alone
   */
  {
    uint16_t entries = get16 (eh + 2), max = get16 (eh + 4);
    put16 (eh + 2, 5);
    put16 (eh + 4, 5);
    CHECK (unused_mem (&m) == 1);
    put16 (eh + 2, 0xFFFF);
    put16 (eh + 4, 0xFFFF);
    CHECK (unused_mem (&m) == 1);
    put16 (eh + 4, max);
    put16 (eh + 2, max + 1);
    CHECK (unused_mem (&m) == 1);
    put16 (eh + 2, entries);
    put16 (eh + 6, 1);
    CHECK (unused_mem (&m) == 0);
    put16 (eh + 6, 0xFFFF);
    CHECK (unused_mem (&m) == 0);
    put16 (eh + 6, 0);
  }
  /* the journal's first extent: empty (its length would wrap), past the
   * end, or over the superblock
   */
  {
    unsigned char *e = eh + 12, ext[12];
    memcpy (ext, e, sizeof ext);
    put16 (e + 4, 0);
    CHECK (unused_mem (&m) == 1);
    memcpy (e, ext, sizeof ext);
    put16 (e + 6, 0xFFFF);
    CHECK (unused_mem (&m) == 1);
    memcpy (e, ext, sizeof ext);
    {                           /* a journal superblock in the last block */
      uint32_t last = get32 (sb + 0x4) - 1;
      unsigned char keep[1024];
      memcpy (keep, m.data + (size_t) last * 4096, sizeof keep);
      memcpy (m.data + (size_t) last * 4096,
              m.data + (size_t) get32 (e + 8) * 4096, 1024);
      put32 (e + 8, last);
      CHECK (unused_mem (&m) == 1);
      memcpy (m.data + (size_t) last * 4096, keep, sizeof keep);
    }
    memcpy (e, ext, sizeof ext);
    CHECK (unused_mem (&m) == 0);
  }
  /* a filesystem larger than its device (a partition shrunk under it):
   * its ranges could land on the next partition
   */
  m.size -= 4096;
  CHECK (unused_mem (&m) == 1);
  m.size += 4096;
  CHECK (unused_mem (&m) == 0);
  /* every byte, a few values each: no crash, no range outside */
  for (i = 0; i < 0x160; ++i)
    for (v = 0; v < sizeof vals; ++v) {
      unsigned char old = sb[i];
      sb[i] = vals[v];
      unused_mem (&m);
      sb[i] = old;
    }
  for (i = 0; i < 64; ++i)
    for (v = 0; v < sizeof vals; ++v) {
      unsigned char old = gd[i];
      gd[i] = vals[v];
      unused_mem (&m);
      gd[i] = old;
    }
  for (i = 0; i < 128; ++i)
    for (v = 0; v < sizeof vals; ++v) {
      unsigned char old = ino[i];
      ino[i] = vals[v];
      unused_mem (&m);
      ino[i] = old;
    }
  CHECK (unused_mem (&m) == 0);
  free (m.data);
}

int
main (void)
{
  uint64_t n;

  if (mkdtemp (dir) == NULL ||
      sh ("mkdir -p %1$s/files/etc && seq 1 20000 >%1$s/files/etc/hello", "") != 0)
    return 1;

  /* ext4 defaults (metadata_csum, 4 MiB journal): itables and journal */
  n = check_fs ("-t ext4", NULL, 0);
  CHECK (n > 4 * 1024 * 1024);
  /* 1 KiB blocks: first_data_block = 1 */
  n = check_fs ("-t ext4 -b 1024", NULL, 0);
  CHECK (n > 4 * 1024 * 1024);
  /* no checksums: itable_unused is not trusted, the journal still is */
  n = check_fs ("-t ext4 -O ^metadata_csum,^uninit_bg", NULL, 0);
  CHECK (n > 3 * 1024 * 1024 && n < 5 * 1024 * 1024);
  /* ext3: block-mapped journal, no checksums: only the resize reserve */
  n = check_fs ("-t ext3", NULL, 0);
  CHECK (n > 0 && n < 1024 * 1024);
  n = check_fs ("-t ext3 -O ^resize_inode", NULL, 0);
  CHECK (n == 0);
  /* a journal that needs recovery is kept whole */
  {
    uint64_t clean = check_fs ("-t ext4 -O ^metadata_csum,^uninit_bg", NULL, 0);
    uint64_t dirty = check_fs ("-t ext4 -O ^metadata_csum,^uninit_bg",
                               "feature needs_recovery", 0);
    CHECK (clean >= dirty + 3 * 1024 * 1024);
  }
  /* grown offline (resize2fs uses reserved GDT blocks), then zeroed */
  n = check_fs ("-t ext4 -b 1024", NULL, 0);
  CHECK (sh ("truncate -s 512M %1$s/fs.img && e2fsck -fy %1$s/fs.img >/dev/null 2>&1;"
             " resize2fs %1$s/fs.img >/dev/null 2>&1", "") == 0);
  {
    struct v2v_ranges r;
    char img[256];
    int fd;
    size_t i;
    static char zeros[4096];
    snprintf (img, sizeof img, "%s/fs.img", dir);
    fd = open (img, O_RDWR);
    CHECK (v2v_ext4_unused (pread_fd, &fd, &r) == 0 && r.nr > 0);
    for (i = 0; i < r.nr; ++i)
      for (uint64_t o = 0; o < r.ranges[i].len; o += sizeof zeros)
        CHECK (pwrite (fd, zeros, sizeof zeros,
                       (off_t) (r.ranges[i].off + o)) == sizeof zeros);
    close (fd);
    free (r.ranges);
    CHECK (sh ("e2fsck -fn %1$s/fs.img >%1$s/fsck.log 2>&1", "") == 0);
    CHECK (sh ("debugfs -R 'dump /etc/hello %1$s/out' %1$s/fs.img >/dev/null 2>&1"
               " && cmp -s %1$s/out %1$s/files/etc/hello", "") == 0);
  }
  /* not ext*: nothing, and says so */
  CHECK (sh ("truncate -s 1M %1$s/zero.img", "") == 0);
  {
    struct v2v_ranges r;
    char img[256];
    int fd;
    snprintf (img, sizeof img, "%s/zero.img", dir);
    fd = open (img, O_RDONLY);
    CHECK (v2v_ext4_unused (pread_fd, &fd, &r) == 1 && r.nr == 0);
    close (fd);
  }
  /* inode_size past the 1 KiB the journal inode used to be read into:
   * a stack overflow before; the inode tables and journal are found.
   */
  n = check_fs ("-t ext4 -b 4096 -I 2048", NULL, 0);
  CHECK (n > 4 * 1024 * 1024);
  n = check_fs ("-t ext4 -b 4096 -I 4096 -N 2048", NULL, 0);
  CHECK (n > 4 * 1024 * 1024);
  crafted ();
  sh ("rm -rf %1$s", "");
  return unit_done ("ext4-unused");
}
