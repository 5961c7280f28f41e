/* A screenshot as PNG: libvirt's qemu driver hands the screen over as a
 * binary PPM ("P6", maxval 255: what qemu's screendump writes), which
 * is 3 bytes a pixel and no viewer's first choice; the operator gets the
 * PNG the summary names, as from the directory destination's boot.
 * The PPM comes from the KVM host: its header is read with bounds
 * (tests/fuzz/fuzz-verify-signs.c), a short or odd image is refused.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "internal.h"

#define MAX_SIDE 16384      /* pixels: more than any screen qemu emulates */

/* The next decimal field of the header at *p (whitespace and '#'
 * comments skipped), or -1.
 */
static long
header_number (const char *ppm, size_t len, size_t *p)
{
  long n = 0;
  size_t digits = 0;

  while (*p < len) {
    if (ppm[*p] == '#') {
      while (*p < len && ppm[*p] != '\n')
        ++*p;
    }
    else if (strchr (" \t\r\n", ppm[*p]) && ppm[*p] != '\0')
      ++*p;
    else
      break;
  }
  while (*p < len && ppm[*p] >= '0' && ppm[*p] <= '9' && digits < 6) {
    n = n * 10 + (ppm[*p] - '0');
    ++*p;
    ++digits;
  }
  return digits == 0 || (*p < len && ppm[*p] >= '0' && ppm[*p] <= '9')
    ? -1 : n;
}

static void
put_u32 (unsigned char *b, uint32_t v)
{
  b[0] = (unsigned char) (v >> 24);
  b[1] = (unsigned char) (v >> 16);
  b[2] = (unsigned char) (v >> 8);
  b[3] = (unsigned char) v;
}

/* One PNG chunk: length, type, data, CRC of type and data. */
static int
put_chunk (struct v2v_strbuf *png, const char *type,
           const unsigned char *data, size_t len)
{
  unsigned char b[4];
  uLong crc = crc32 (0, (const Bytef *) type, 4);

  if (len > 0x7fffffff)
    return -1;
  if (len)                          /* (crc32 of NULL restarts the CRC) */
    crc = crc32 (crc, data, (uInt) len);
  put_u32 (b, (uint32_t) len);
  if (v2v_sb_add (png, (const char *) b, 4) == -1 ||
      v2v_sb_add (png, type, 4) == -1 ||
      (len && v2v_sb_add (png, (const char *) data, len) == -1))
    return -1;
  put_u32 (b, (uint32_t) crc);
  return v2v_sb_add (png, (const char *) b, 4);
}

int
v2v_ppm_to_png (const char *ppm, size_t len, struct v2v_strbuf *png)
{
  size_t p = 2, row, y;
  long w, h, maxval;
  unsigned char ihdr[13];
  CLEANUP_FREE unsigned char *raw = NULL, *z = NULL;
  uLongf zlen;

  if (len < 2 || memcmp (ppm, "P6", 2) != 0 ||
      (w = header_number (ppm, len, &p)) <= 0 ||
      (h = header_number (ppm, len, &p)) <= 0 ||
      (maxval = header_number (ppm, len, &p)) != 255 ||
      w > MAX_SIDE || h > MAX_SIDE || p >= len) {
    v2v_error ("the screenshot is not a P6 PPM image of at most %d pixels "
               "a side", MAX_SIDE);
    return -1;
  }
  ++p;                              /* the one whitespace before the pixels */
  row = (size_t) w * 3;
  if ((len - p) / row < (size_t) h) {
    v2v_error ("the screenshot is cut short (%zu bytes of pixels for %ldx%ld)",
               len - p, w, h);
    return -1;
  }
  /* Each row behind its filter byte (0: none). */
  raw = malloc ((row + 1) * (size_t) h);
  zlen = compressBound ((uLong) ((row + 1) * (size_t) h));
  z = malloc (zlen);
  if (raw == NULL || z == NULL) {
    v2v_error ("out of memory");
    return -1;
  }
  for (y = 0; y < (size_t) h; ++y) {
    raw[y * (row + 1)] = 0;
    memcpy (raw + y * (row + 1) + 1, ppm + p + y * row, row);
  }
  if (compress2 (z, &zlen, raw, (uLong) ((row + 1) * (size_t) h), 6) != Z_OK) {
    v2v_error ("cannot compress the screenshot");
    return -1;
  }
  put_u32 (ihdr, (uint32_t) w);
  put_u32 (ihdr + 4, (uint32_t) h);
  ihdr[8] = 8;                      /* bits per sample */
  ihdr[9] = 2;                      /* RGB */
  ihdr[10] = ihdr[11] = ihdr[12] = 0;
  if (v2v_sb_add (png, "\x89PNG\r\n\x1a\n", 8) == -1 ||
      put_chunk (png, "IHDR", ihdr, sizeof ihdr) == -1 ||
      put_chunk (png, "IDAT", z, zlen) == -1 ||
      put_chunk (png, "IEND", NULL, 0) == -1) {
    v2v_error ("out of memory");
    return -1;
  }
  return 0;
}
