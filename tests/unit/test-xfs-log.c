/* xfs_log.c on filesystems made by mkfs.xfs: the empty part of the log
 * it finds lies past the head, and zeroing it leaves a filesystem that
 * xfs_repair -n finds clean, with the same log head.  Then on crafted
 * ones (the filesystem is the guest's: hostile): a log that wrapped, a
 * block written past the window, and numbers the kernel refuses report
 * nothing, and whatever the bytes, no read leaves the image (the san-
 * build checks the buffers) and the range stays inside the log.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "unit.h"
#include "mem_device.h"

static char dir[] = "/tmp/v2vboot-xfs.XXXXXX";

static uint32_t
get32 (const unsigned char *p)
{
  return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 |
         (uint32_t) p[2] << 8 | p[3];
}
static void
put32 (unsigned char *p, uint32_t v)
{
  p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static int
sh (const char *fmt)
{
  char cmd[1024];

  snprintf (cmd, sizeof cmd, fmt, dir, dir, dir, dir);
  return system (cmd);
}

/* The log's byte offset and length, from the superblock, by hand. */
static void
log_of (const unsigned char *sb, uint64_t *off, uint64_t *len)
{
  uint64_t logstart = (uint64_t) get32 (sb + 48) << 32 | get32 (sb + 52);
  uint32_t bs = get32 (sb + 4), agblocks = get32 (sb + 84);
  unsigned agblklog = sb[124];

  *off = ((logstart >> agblklog) * agblocks +
          (logstart & ((1ULL << agblklog) - 1))) * bs;
  *len = (uint64_t) get32 (sb + 96) * bs;
}

/* v2v_xfs_log_unused on m: its return value; with 0 the range must be
 * inside the image.
 */
static int
unused_mem (struct mem *m, struct v2v_range *r)
{
  int ret = v2v_xfs_log_unused (read_mem, m, r);

  CHECK (ret == 0 || ret == 1 || ret == -1);
  if (ret == 0)
    CHECK (r->len > 0 && r->off <= m->size && r->len <= m->size - r->off);
  else
    CHECK (r->len == 0);
  return ret;
}

int
main (void)
{
  char img[256];
  struct mem m;
  struct v2v_range r;
  uint64_t loff, llen;
  struct stat st;
  size_t i;
  int fd;

  CHECK (mkdtemp (dir) != NULL);
  snprintf (img, sizeof img, "%s/fs.img", dir);

  /* A fresh filesystem: one unmount record at the head. */
  CHECK (sh ("truncate -s 512M %s/fs.img && mkfs.xfs -q -f %s/fs.img") == 0);
  CHECK (sh ("xfs_logprint -t %s/fs.img 2>/dev/null | grep 'log tail' >%s/head") == 0);
  fd = open (img, O_RDWR);
  CHECK (fd >= 0);
  CHECK (fstat (fd, &st) == 0);
  m.size = (size_t) st.st_size;
  m.data = malloc (m.size);
  CHECK (m.data != NULL);
  CHECK (pread (fd, m.data, m.size, 0) == (ssize_t) m.size);
  log_of (m.data, &loff, &llen);
  CHECK (unused_mem (&m, &r) == 0);
  /* Past the head and its 4 MiB window, up to the log's end. */
  CHECK (r.off >= loff + (4 << 20) && r.off + r.len == loff + llen);
  CHECK (r.len >= llen - (5 << 20));
  memset (m.data + r.off, 0, r.len);
  CHECK (pwrite (fd, m.data + r.off, r.len, (off_t) r.off) == (ssize_t) r.len);
  close (fd);
  CHECK (sh ("xfs_repair -n %s/fs.img >%s/repair.log 2>&1") == 0);
  CHECK (sh ("xfs_logprint -t %s/fs.img 2>/dev/null | grep 'log tail' | "
             "cmp -s - %s/head") == 0);

  /* A block written past the window: the log is not what it seems. */
  {
    struct v2v_range r0 = r;
    put32 (m.data + r0.off, 1);
    CHECK (unused_mem (&m, &r) == 1);
    put32 (m.data + r0.off, 0);
  }
  /* The last block in a later cycle: the log wrapped. */
  put32 (m.data + loff + llen - 512, 2);
  CHECK (unused_mem (&m, &r) == 1);
  put32 (m.data + loff + llen - 512, 0);
  CHECK (unused_mem (&m, &r) == 0);
  /* A cycle the first one cannot have, where the search looks first. */
  {
    unsigned char save[4], *mid = m.data + loff + (llen / 512 - 1) / 2 * 512;
    memcpy (save, mid, 4);
    put32 (mid, 7);
    CHECK (unused_mem (&m, &r) == 1);
    memcpy (mid, save, 4);
  }

  /* Fields the kernel refuses, or a log outside the filesystem. */
  {
    static const struct { size_t off; uint32_t v; } bad[] = {
      { 4, 0 }, { 4, 3000 }, { 4, 1U << 20 },     /* block size */
      { 84, 0 }, { 88, 0 },                       /* AG size, count */
      { 96, 0 }, { 96, 0xFFFFFFFF },              /* log blocks */
      { 48, 0xFFFFFFFF }, { 52, 0xFFFFFFFF },     /* log start */
      { 8, 0xFFFFFFFF },                          /* data blocks */
      { 0, 0x58465300 },                          /* magic */
    };
    for (i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
      unsigned char save[4];
      memcpy (save, m.data + bad[i].off, 4);
      put32 (m.data + bad[i].off, bad[i].v);
      if (unused_mem (&m, &r) == 0) {
        CHECK (!"a refused superblock field");
        fprintf (stderr, "  offset %zu = %" PRIu32 "\n", bad[i].off, bad[i].v);
      }
      memcpy (m.data + bad[i].off, save, 4);
    }
    m.data[124] = 40;                             /* agblklog */
    CHECK (unused_mem (&m, &r) == 1);
    m.data[124] = 15;
  }
  /* Every byte of the superblock set to a few values: whatever it says,
   * reads stay in the image and the range in it.
   */
  for (i = 0; i < 512; ++i) {
    static const unsigned char vals[] = { 0, 1, 0x7f, 0x80, 0xff };
    unsigned char save = m.data[i];
    size_t v;
    for (v = 0; v < sizeof vals; ++v) {
      m.data[i] = vals[v];
      unused_mem (&m, &r);
    }
    m.data[i] = save;
  }
  /* Truncated images: every read past the end fails. */
  {
    size_t sizes[] = { 0, 100, 512, (size_t) loff, (size_t) (loff + llen - 1) };
    size_t full = m.size;
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; ++i) {
      m.size = sizes[i];
      CHECK (unused_mem (&m, &r) != 0);
    }
    m.size = full;
  }
  free (m.data);
  sh ("rm -rf %s");
  return unit_done ("xfs-log");
}
