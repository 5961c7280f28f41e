/* The part of an XFS internal log that holds nothing: the blocks past
 * the log's head in its first cycle, which no log write has reached
 * since mkfs.xfs zeroed them.  A clean guest's 64 MiB log typically has
 * a few MiB of records and the rest zeros, that the source (HTTPS
 * cannot report holes) would serve and the copy read for nothing.
 *
 * The head is found as the kernel finds it (xlog_find_zeroed): every
 * 512-byte block of the log starts with the cycle number of the write
 * that made it (a record header holds it after its magic); the log is
 * written in order from block 0, so in the first cycle (block 0 in
 * cycle 1, the last block in cycle 0) the blocks in cycle 0 are the
 * tail past the first one, found by binary search.  Writes in flight
 * when a guest stops can land past a zero block, so a window of
 * WINDOW bytes (twice the kernel's 8 log buffers of 256 KiB) past the
 * first zero block is kept, and blocks spread over the rest are checked
 * to be in cycle 0; the rest is reported.  Anything else (an external
 * log, a log that wrapped, numbers out of range) reports nothing.
 *
 * Pure parsing over a read callback, as ext4_unused.c: unit-tested on
 * filesystems made by mkfs.xfs (tests/unit/test-xfs-log.c) and fuzzed
 * (tests/fuzz/fuzz-xfs-log.c).  The filesystem is the guest's: every
 * number read from it is checked before it places a read, and the range
 * lies inside the log, inside the filesystem.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define XFS_SB_MAGIC 0x58465342U      /* "XFSB" */
#define XLOG_HEADER_MAGIC 0xFEEDBABEU
#define BB 512                        /* the log's basic block */
#define WINDOW (4U << 20)
#define CHECKS 8                      /* blocks checked past the window */

static uint32_t
be32 (const unsigned char *p)
{
  return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 |
         (uint32_t) p[2] << 8 | (uint32_t) p[3];
}

static uint64_t
be64 (const unsigned char *p)
{
  return (uint64_t) be32 (p) << 32 | be32 (p + 4);
}

struct log {
  v2v_read_fn read;
  void *opaque;
  uint64_t off;             /* byte offset of the log in the filesystem */
  uint64_t nbb;             /* its length in basic blocks */
};

/* The cycle of log block bb (< nbb) into *cycle: 0, or -1 on a read
 * error.
 */
static int
cycle_of (const struct log *l, uint64_t bb, uint32_t *cycle)
{
  unsigned char b[BB];         /* all of it: the device must hold it */

  if (l->read (l->opaque, b, sizeof b, l->off + bb * BB) == -1)
    return -1;
  *cycle = be32 (b) == XLOG_HEADER_MAGIC ? be32 (b + 4) : be32 (b);
  return 0;
}

/* 0 with l filled in from the superblock, 1 if it is not an XFS
 * filesystem with an internal log this code understands, -1 on a read
 * error.
 */
static int
read_super (struct log *l)
{
  unsigned char sb[BB];
  uint32_t blocksize, agblocks, agcount, logblocks, agblklog;
  uint64_t dblocks, logstart, agno, agbno;

  if (l->read (l->opaque, sb, sizeof sb, 0) == -1)
    return -1;
  if (be32 (sb) != XFS_SB_MAGIC)
    return 1;
  blocksize = be32 (sb + 4);
  dblocks = be64 (sb + 8);
  logstart = be64 (sb + 48);
  agblocks = be32 (sb + 84);
  agcount = be32 (sb + 88);
  logblocks = be32 (sb + 96);
  agblklog = sb[124];
  /* What xfs_validate_sb_common accepts, as far as it matters here. */
  if (blocksize < 512 || blocksize > 65536 || (blocksize & (blocksize - 1)) ||
      agblocks == 0 || agcount == 0 || agblklog == 0 || agblklog > 31 ||
      (1ULL << agblklog) < agblocks ||
      dblocks > (uint64_t) agcount * agblocks || dblocks > (1ULL << 48) ||
      logstart == 0 || logblocks == 0)
    return 1;
  agno = logstart >> agblklog;
  agbno = logstart & ((1ULL << agblklog) - 1);
  if (agno >= agcount || agbno >= agblocks || logblocks > agblocks - agbno)
    return 1;                   /* an internal log lies in one AG */
  l->off = (agno * agblocks + agbno) * blocksize;
  l->nbb = (uint64_t) logblocks * (blocksize / BB);
  if (l->off + l->nbb * BB > dblocks * blocksize)
    return 1;
  return 0;
}

/* Returns 0 with *r (bytes from the start of the filesystem) the log's
 * blocks that hold nothing, 1 if there are none this code can vouch
 * for, -1 on a read error.
 */
int
v2v_xfs_log_unused (v2v_read_fn read, void *opaque, struct v2v_range *r)
{
  struct log l = { .read = read, .opaque = opaque };
  uint64_t lo, hi, start, i;
  uint32_t first, last, c;
  int ret;

  r->off = r->len = 0;
  ret = read_super (&l);
  if (ret != 0)
    return ret;
  if (cycle_of (&l, 0, &first) == -1 || cycle_of (&l, l.nbb - 1, &last) == -1)
    return -1;
  if (first != 1 || last != 0)
    return 1;                   /* wrapped, zeroed, or not what we expect */
  /* cycle (lo) == 1, cycle (hi) == 0: the first zero block is in (lo, hi]. */
  lo = 0;
  hi = l.nbb - 1;
  while (hi - lo > 1) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (cycle_of (&l, mid, &c) == -1)
      return -1;
    if (c == 0)
      hi = mid;
    else if (c == 1)
      lo = mid;
    else
      return 1;                 /* a cycle the first one cannot have */
  }
  start = hi + WINDOW / BB;
  if (start >= l.nbb)
    return 1;
  /* The rest must be in cycle 0 where it is looked at. */
  for (i = 0; i < CHECKS; ++i) {
    uint64_t bb = start + (l.nbb - 1 - start) * i / (CHECKS - 1);
    if (cycle_of (&l, bb, &c) == -1)
      return -1;
    if (c != 0)
      return 1;
  }
  r->off = l.off + start * BB;
  r->len = (l.nbb - start) * BB;
  return 0;
}
