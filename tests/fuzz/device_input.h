/* The fuzz input as the start of a device: bytes past it read as zeros
 * up to a 1 TiB device, and reads past that fail (fuzz-ext4.c,
 * fuzz-xfs-log.c: the filesystem readers' read callback).
 */
#ifndef V2V_FUZZ_DEVICE_INPUT_H
#define V2V_FUZZ_DEVICE_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define DEVICE_SIZE (1ULL << 40)

struct input { const uint8_t *data; size_t size; };

static int
read_input (void *opaque, void *buf, size_t len, uint64_t off)
{
  const struct input *in = opaque;
  size_t n = 0;

  if (off > DEVICE_SIZE || len > DEVICE_SIZE - off)
    return -1;
  if (off < in->size) {
    n = in->size - off < len ? in->size - off : len;
    memcpy (buf, in->data + off, n);
  }
  memset ((char *) buf + n, 0, len - n);
  return 0;
}

#endif
