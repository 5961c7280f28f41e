/* Blocks of an ext2/3/4 filesystem that hold nothing, although the
 * filesystem counts them as allocated, so that fstrim cannot free them:
 *
 *   - inode table slots past bg_itable_unused in each group (only when
 *     gdt_csum or metadata_csum protect that count, as the kernel and
 *     e2fsck then trust it), and whole tables of INODE_UNINIT groups;
 *   - the log blocks of an internal journal that is empty (cleanly
 *     unmounted: no needs_recovery flag, journal s_start == 0); its
 *     superblock (logical block 0) is kept;
 *   - the backup copies (groups other than 0) of the reserved GDT blocks
 *     kept for online resize: nothing is in them until a resize writes
 *     them.  The primary copies in group 0 are the resize inode's
 *     indirect blocks and are kept.
 *
 * On the test guest these are 112 MiB of zeros and 29 MiB of stale
 * journal that a plain copy would read from the source (docs/data-path.md).
 * The ranges are marked as zero in the overlay, so the copy neither reads
 * nor writes them.  Pure parsing over a read callback: unit-tested on
 * filesystems made by mke2fs and checked by e2fsck, and fuzzed
 * (tests/fuzz/fuzz-ext4.c).
 *
 * The filesystem is the guest's, so hostile: every size read from it is
 * checked (against what the kernel accepts) before it sizes a read, every
 * read goes into a buffer of at least its length, and every range found
 * lies inside the filesystem, past its primary superblock and GDT, and
 * the filesystem inside its device.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define EXT4_MAGIC 0xEF53
#define COMPAT_HAS_JOURNAL 0x4
#define COMPAT_RESIZE_INODE 0x10
#define COMPAT_SPARSE_SUPER2 0x200
#define RO_COMPAT_SPARSE_SUPER 0x1
#define INCOMPAT_RECOVER 0x4
#define INCOMPAT_JOURNAL_DEV 0x8
#define INCOMPAT_META_BG 0x10
#define INCOMPAT_64BIT 0x80
#define RO_COMPAT_GDT_CSUM 0x10
#define RO_COMPAT_METADATA_CSUM 0x400
#define BG_INODE_UNINIT 0x1
#define EXTENTS_FL 0x80000
#define EXTENT_MAGIC 0xF30A
#define JBD2_MAGIC 0xC03B3998U
#define MAX_GROUPS (1U << 20)
#define MAX_GDT_BYTES (64U << 20)   /* MAX_GROUPS descriptors of 64 bytes */
#define MAX_FS_BYTES (1ULL << 62)   /* so that no block offset overflows */
#define OLD_INODE_SIZE 128          /* i_flags and i_block lie in these */
#define I_FLAGS 0x20
#define I_BLOCK 0x28                /* 60 bytes: extent header + 4 extents */
#define I_BLOCK_LEN 60

static uint16_t le16 (const unsigned char *p) { return p[0] | p[1] << 8; }
static uint32_t
le32 (const unsigned char *p)
{
  return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 |
         (uint32_t) p[3] << 24;
}
static uint32_t
be32 (const unsigned char *p)
{
  return (uint32_t) p[3] | (uint32_t) p[2] << 8 | (uint32_t) p[1] << 16 |
         (uint32_t) p[0] << 24;
}

struct fs {
  v2v_read_fn read;
  void *opaque;
  uint64_t block_size, blocks;
  uint32_t first_data_block, inodes_per_group, blocks_per_group;
  uint32_t inode_size, desc_size, groups;
  uint32_t compat, incompat, ro_compat, journal_inum, reserved_gdt;
  uint64_t bytes;           /* blocks * block_size */
  uint64_t gdt_off;         /* where the primary GDT starts */
  size_t gdt_len;           /* groups * desc_size, at most MAX_GDT_BYTES */
  uint64_t meta_end;        /* end of the primary superblock, GDT and
                               reserved GDT: no range starts before it */
  unsigned char *gdt;       /* gdt_len bytes */
};

/* Adds [off, off+len) to r: 0, -1 when out of memory, or 1 when the
 * range is not inside the filesystem past its primary metadata (the
 * filesystem is not what we expect: the caller touches nothing).
 */
static int
add_range (const struct fs *fs, struct v2v_ranges *r, uint64_t off,
           uint64_t len)
{
  struct v2v_range *nr;

  if (len == 0)
    return 0;
  if (off < fs->meta_end || off > fs->bytes || len > fs->bytes - off)
    return 1;
  if (r->nr > 0 && r->ranges[r->nr - 1].off + r->ranges[r->nr - 1].len == off) {
    r->ranges[r->nr - 1].len += len;
    return 0;
  }
  /* Room for a power of 2 of ranges, doubled when full: up to 2^20
   * groups give as many ranges, which growing one by one would copy
   * quadratically.
   */
  if ((r->nr & (r->nr - 1)) == 0) {
    nr = realloc (r->ranges, (r->nr ? 2 * r->nr : 1) * sizeof *nr);
    if (nr == NULL)
      return -1;
    r->ranges = nr;
  }
  nr = r->ranges;
  nr[r->nr].off = off;
  nr[r->nr].len = len;
  r->nr++;
  return 0;
}

static bool
is_power_of_2 (uint64_t n)
{
  return n != 0 && (n & (n - 1)) == 0;
}

/* 0 with fs filled in and checked, 1 if this is not an ext2/3/4
 * superblock with sizes the kernel would accept, -1 on a read error.
 */
static int
read_super (struct fs *fs)
{
  unsigned char sb[1024];
  uint32_t log;
  uint64_t groups, gdt_blocks, sb_block;

  if (fs->read (fs->opaque, sb, sizeof sb, 1024) == -1)
    return -1;
  if (le16 (sb + 0x38) != EXT4_MAGIC)
    return 1;
  log = le32 (sb + 0x18);
  if (log > 6)
    return 1;
  fs->block_size = 1024ULL << log;
  fs->first_data_block = le32 (sb + 0x14);
  fs->blocks_per_group = le32 (sb + 0x20);
  fs->inodes_per_group = le32 (sb + 0x28);
  fs->inode_size = le16 (sb + 0x58);
  fs->compat = le32 (sb + 0x5C);
  fs->incompat = le32 (sb + 0x60);
  fs->ro_compat = le32 (sb + 0x64);
  fs->journal_inum = le32 (sb + 0xE0);
  fs->reserved_gdt = le16 (sb + 0xCE);
  fs->blocks = le32 (sb + 0x4);
  fs->desc_size = 32;
  if (fs->incompat & INCOMPAT_64BIT) {
    fs->blocks |= (uint64_t) le32 (sb + 0x150) << 32;
    fs->desc_size = le16 (sb + 0xFE);
    if (fs->desc_size < 64 || fs->desc_size > 1024 ||
        !is_power_of_2 (fs->desc_size))
      return 1;
  }
  /* The superblock is block 1 with 1 KiB blocks, else in block 0; the
   * first group starts at block 1 or 0 (0 with bigalloc).
   */
  sb_block = fs->block_size == 1024 ? 1 : 0;
  if (fs->first_data_block > sb_block)
    return 1;
  if (fs->blocks_per_group == 0 ||
      fs->inodes_per_group == 0 || fs->inodes_per_group > 8 * fs->block_size ||
      fs->inode_size < OLD_INODE_SIZE || fs->inode_size > fs->block_size ||
      !is_power_of_2 (fs->inode_size) ||
      fs->blocks <= fs->first_data_block ||
      fs->blocks > MAX_FS_BYTES / fs->block_size)
    return 1;
  fs->bytes = fs->blocks * fs->block_size;
  groups = (fs->blocks - fs->first_data_block - 1) / fs->blocks_per_group + 1;
  if (groups > MAX_GROUPS || groups * fs->desc_size > MAX_GDT_BYTES)
    return 1;
  fs->groups = (uint32_t) groups;
  fs->gdt_len = (size_t) groups * fs->desc_size;
  fs->gdt_off = (sb_block + 1) * fs->block_size;
  gdt_blocks = (fs->gdt_len + fs->block_size - 1) / fs->block_size;
  fs->meta_end = (sb_block + 1 + gdt_blocks + fs->reserved_gdt) *
                 fs->block_size;
  if (fs->meta_end > fs->bytes)
    return 1;
  return 0;
}

/* Group g's inode table (g < fs->groups: inside fs->gdt). */
static uint64_t
inode_table (const struct fs *fs, uint32_t g)
{
  const unsigned char *d = fs->gdt + (size_t) g * fs->desc_size;
  uint64_t b = le32 (d + 0x8);

  if (fs->desc_size >= 64)
    b |= (uint64_t) le32 (d + 0x28) << 32;
  return b;
}

static int
unused_inode_tables (struct fs *fs, struct v2v_ranges *r)
{
  uint64_t table_bytes = (uint64_t) fs->inodes_per_group * fs->inode_size;
  uint32_t g;
  int ret;

  if (!(fs->ro_compat & (RO_COMPAT_GDT_CSUM | RO_COMPAT_METADATA_CSUM)))
    return 0;                   /* itable_unused is not maintained */
  for (g = 0; g < fs->groups; ++g) {
    const unsigned char *d = fs->gdt + (size_t) g * fs->desc_size;
    uint32_t unused = le16 (d + 0x1C), used;
    uint64_t table = inode_table (fs, g), start, end;

    if (fs->desc_size >= 64)
      unused |= (uint32_t) le16 (d + 0x32) << 16;
    if (le16 (d + 0x12) & BG_INODE_UNINIT)
      unused = fs->inodes_per_group;
    if (unused > fs->inodes_per_group || table == 0 || table >= fs->blocks)
      return 1;                 /* not what we expect: touch nothing */
    used = fs->inodes_per_group - unused;
    /* Whole blocks only, past the last used inode. */
    start = table * fs->block_size +
            ((uint64_t) used * fs->inode_size + fs->block_size - 1) /
            fs->block_size * fs->block_size;
    end = table * fs->block_size + table_bytes;
    if (start < end && (ret = add_range (fs, r, start, end - start)) != 0)
      return ret;
  }
  return 0;
}

static bool
is_power_of (uint32_t n, uint32_t base)
{
  while (n > 1 && n % base == 0)
    n /= base;
  return n == 1;
}

/* Does group g hold a backup superblock (and GDT)? */
static bool
has_backup (const struct fs *fs, uint32_t g)
{
  if (!(fs->ro_compat & RO_COMPAT_SPARSE_SUPER))
    return true;
  return g == 0 || g == 1 || is_power_of (g, 3) || is_power_of (g, 5) ||
         is_power_of (g, 7);
}

static int
reserved_gdt_backups (struct fs *fs, struct v2v_ranges *r)
{
  uint64_t gdt_blocks = (fs->gdt_len + fs->block_size - 1) / fs->block_size;
  uint32_t g;
  int ret;

  if (!(fs->compat & COMPAT_RESIZE_INODE) ||
      (fs->compat & COMPAT_SPARSE_SUPER2) || fs->reserved_gdt == 0 ||
      fs->reserved_gdt > fs->blocks_per_group)
    return 0;
  for (g = 1; g < fs->groups; ++g) {
    uint64_t start;

    if (!has_backup (fs, g))
      continue;
    start = fs->first_data_block + (uint64_t) g * fs->blocks_per_group +
            1 + gdt_blocks;
    if (start + fs->reserved_gdt > fs->blocks)
      return 1;
    ret = add_range (fs, r, start * fs->block_size,
                     (uint64_t) fs->reserved_gdt * fs->block_size);
    if (ret != 0)
      return ret;
  }
  return 0;
}

static int
empty_journal (struct fs *fs, struct v2v_ranges *r)
{
  unsigned char inode[OLD_INODE_SIZE], jsb[1024];
  uint32_t ino = fs->journal_inum, idx, i, entries;
  uint64_t table, off, first_phys = 0;
  const unsigned char *eh;
  int ret;

  if (!(fs->compat & COMPAT_HAS_JOURNAL) ||
      (fs->incompat & (INCOMPAT_RECOVER | INCOMPAT_JOURNAL_DEV)) ||
      ino == 0 || (ino - 1) / fs->inodes_per_group >= fs->groups)
    return 0;
  table = inode_table (fs, (ino - 1) / fs->inodes_per_group);
  idx = (ino - 1) % fs->inodes_per_group;
  if (table >= fs->blocks)
    return 1;
  off = table * fs->block_size + (uint64_t) idx * fs->inode_size;
  /* Only the first 128 bytes: whatever inode_size says, they hold the
   * flags and the extent tree root that are read here.
   */
  if (off > fs->bytes - sizeof inode)
    return 1;
  if (fs->read (fs->opaque, inode, sizeof inode, off) == -1)
    return -1;
  if (!(le32 (inode + I_FLAGS) & EXTENTS_FL))
    return 0;                   /* block-mapped (ext3): left alone */
  eh = inode + I_BLOCK;
  if (le16 (eh) != EXTENT_MAGIC || le16 (eh + 6) != 0)
    return 0;                   /* only a depth-0 extent tree */
  entries = le16 (eh + 2);
  /* The header and its entries, 12 bytes each, fill i_block at most. */
  if (entries > le16 (eh + 4) || 12 + 12 * entries > I_BLOCK_LEN)
    return 1;
  /* The journal superblock (logical 0) must say the log is empty. */
  for (i = 0; i < entries; ++i) {
    const unsigned char *e = eh + 12 + 12 * i;
    if (le32 (e) == 0 && le16 (e + 4) != 0 && le16 (e + 4) <= 32768)
      first_phys = (uint64_t) le16 (e + 6) << 32 | le32 (e + 8);
  }
  if (first_phys == 0 || first_phys >= fs->blocks)
    return 1;
  if (fs->read (fs->opaque, jsb, sizeof jsb, first_phys * fs->block_size) == -1)
    return -1;
  if (be32 (jsb) != JBD2_MAGIC || be32 (jsb + 0x1C) != 0)
    return 0;                   /* not empty: it may need replaying */
  for (i = 0; i < entries; ++i) {
    const unsigned char *e = eh + 12 + 12 * i;
    uint64_t lblk = le32 (e), len = le16 (e + 4);
    uint64_t phys = (uint64_t) le16 (e + 6) << 32 | le32 (e + 8);

    if (len == 0 || len > 32768)
      continue;                 /* empty, or an unwritten extent */
    if (phys >= fs->blocks || len > fs->blocks - phys)
      return 1;
    if (lblk == 0) {            /* keep the journal superblock */
      phys++;
      len--;
    }
    ret = add_range (fs, r, phys * fs->block_size, len * fs->block_size);
    if (ret != 0)
      return ret;
  }
  return 0;
}

/* Returns 0 with the ranges (bytes from the start of the filesystem, in
 * ascending order within each kind; caller frees r->ranges), 1 if this
 * is not an ext2/3/4 filesystem this code understands (no ranges), or -1
 * on a read error.
 */
int
v2v_ext4_unused (v2v_read_fn read, void *opaque, struct v2v_ranges *r)
{
  struct fs fs = { .read = read, .opaque = opaque };
  int ret;

  r->ranges = NULL;
  r->nr = 0;
  ret = read_super (&fs);
  if (ret != 0)
    return ret;
  if (fs.incompat & INCOMPAT_META_BG)
    return 1;
  /* The filesystem must fit its device (a partition shrunk under it, or
   * a lying superblock, would put ranges on the next partition): its
   * last sector must be readable.
   */
  {
    unsigned char last[512];
    if (fs.read (opaque, last, sizeof last, fs.bytes - sizeof last) == -1)
      return 1;
  }
  fs.gdt = malloc (fs.gdt_len);
  if (fs.gdt == NULL)
    return -1;
  ret = fs.read (opaque, fs.gdt, fs.gdt_len, fs.gdt_off);
  if (ret == 0)
    ret = unused_inode_tables (&fs, r);
  if (ret == 0)
    ret = empty_journal (&fs, r);
  if (ret == 0)
    ret = reserved_gdt_backups (&fs, r);
  free (fs.gdt);
  if (ret != 0) {
    free (r->ranges);
    r->ranges = NULL;
    r->nr = 0;
  }
  return ret;
}
