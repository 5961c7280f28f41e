/* libFuzzer target: the ext2/3/4 metadata reader (agent/guest/ext4_unused.c),
 * which reads the guest's superblock, group descriptors, journal inode,
 * extent tree and journal superblock.  The input is the start of a
 * device (seeds: tests/fuzz/corpus-ext4, the first blocks of tiny mke2fs
 * filesystems, made by make-corpus-ext4.sh); bytes past it read as
 * zeros up to a 1 TiB device, and reads past that fail.  Besides what
 * the sanitizers catch, every range found must lie inside the filesystem
 * the superblock describes and past the primary superblock.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "device_input.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static uint32_t
le32 (const struct input *in, size_t off)
{
  unsigned char b[4];

  read_input ((void *) in, b, 4, off);
  return (uint32_t) b[0] | (uint32_t) b[1] << 8 | (uint32_t) b[2] << 16 |
         (uint32_t) b[3] << 24;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct input in = { data, size };
  struct v2v_ranges r;
  uint64_t blocks, fs_bytes;
  uint32_t log;
  size_t i;
  int ret;

  ret = v2v_ext4_unused (read_input, &in, &r);
  if (ret != 0 && ret != 1 && ret != -1)
    abort ();
  if (ret != 0) {
    if (r.nr != 0 || r.ranges != NULL)
      abort ();
    return 0;
  }
  /* The superblock's own idea of the filesystem's size. */
  log = le32 (&in, 1024 + 0x18);
  blocks = le32 (&in, 1024 + 0x4);
  if (le32 (&in, 1024 + 0x60) & 0x80)         /* 64bit */
    blocks |= (uint64_t) le32 (&in, 1024 + 0x150) << 32;
  if (log > 6 || blocks > (UINT64_MAX >> 16))
    abort ();                   /* accepted what it must refuse */
  fs_bytes = blocks << (10 + log);
  for (i = 0; i < r.nr; ++i) {
    uint64_t off = r.ranges[i].off, len = r.ranges[i].len;
    if (off < 2048 || len == 0 || off > fs_bytes || len > fs_bytes - off)
      abort ();
  }
  free (r.ranges);
  return 0;
}
