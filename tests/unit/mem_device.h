/* A filesystem image in memory as a device for the filesystem readers'
 * read callback (test-ext4-unused.c, test-xfs-log.c): reads past its
 * end fail, as a device's do.
 */
#ifndef V2V_UNIT_MEM_DEVICE_H
#define V2V_UNIT_MEM_DEVICE_H

#include <stdint.h>
#include <string.h>

struct mem {
  unsigned char *data;
  size_t size;
};

static int
read_mem (void *opaque, void *buf, size_t len, uint64_t off)
{
  const struct mem *m = opaque;

  if (off > m->size || len > m->size - off)
    return -1;
  memcpy (buf, m->data + off, len);
  return 0;
}

#endif
