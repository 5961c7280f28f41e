/* ext4_unused.c on real filesystems made by mke2fs: the ranges it finds
 * are unused inode table slots and the empty journal, and zeroing them
 * leaves a filesystem that e2fsck finds clean, with its files intact.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "unit.h"

static char dir[] = "/tmp/v2vboot-ext4.XXXXXX";

static int
pread_fd (void *opaque, void *buf, size_t len, uint64_t off)
{
  int fd = *(int *) opaque;

  return pread (fd, buf, len, (off_t) off) == (ssize_t) len ? 0 : -1;
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
  sh ("rm -rf %1$s", "");
  return unit_done ("ext4-unused");
}
