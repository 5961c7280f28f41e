/* libFuzzer target: the XFS log reader (agent/guest/xfs_log.c), which
 * reads the guest's superblock and the cycle numbers of its log's
 * blocks.  The input is the start of a device (seed: tests/fuzz/
 * corpus-xfs-log, a mkfs.xfs superblock whose log was moved to block
 * 16, with the log's first block in cycle 1); bytes past it read as
 * zeros up to a 1 TiB device, and reads past that fail.  Besides what
 * the sanitizers catch, a range found must lie inside the log the
 * superblock describes, past its first block.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "device_input.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static uint64_t
be (const struct input *in, size_t off, size_t n)
{
  unsigned char b[8];
  uint64_t v = 0;
  size_t i;

  read_input ((void *) in, b, n, off);
  for (i = 0; i < n; ++i)
    v = v << 8 | b[i];
  return v;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct input in = { data, size };
  struct v2v_range r;
  uint64_t bs, logstart, agblocks, agblklog, loff, llen;
  int ret;

  ret = v2v_xfs_log_unused (read_input, &in, &r);
  if (ret != 0 && ret != 1 && ret != -1)
    abort ();
  if (ret != 0) {
    if (r.off != 0 || r.len != 0)
      abort ();
    return 0;
  }
  /* The superblock's own idea of where the log is. */
  bs = be (&in, 4, 4);
  logstart = be (&in, 48, 8);
  agblocks = be (&in, 84, 4);
  agblklog = be (&in, 124, 1);
  if (agblklog == 0 || agblklog > 31 || bs > 65536)
    abort ();                   /* accepted what it must refuse */
  loff = ((logstart >> agblklog) * agblocks +
          (logstart & ((1ULL << agblklog) - 1))) * bs;
  llen = be (&in, 96, 4) * bs;
  if (r.len == 0 || r.off <= loff || r.off > loff + llen ||
      r.len > loff + llen - r.off)
    abort ();
  return 0;
}
