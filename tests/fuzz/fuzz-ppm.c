/* libFuzzer target: the libvirt destination's screenshot, a PPM image
 * from the KVM host, made PNG (agent/verify/verify_png.c).  Besides what
 * the sanitizers catch: an image taken gives a PNG (its signature and
 * three chunks), one refused gives nothing.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2v_strbuf png = { 0 };
  int r = v2v_ppm_to_png ((const char *) data, size, &png);

  if (r == 0 && (png.len < 8 + 3 * 12 + 13 ||
                 memcmp (png.buf, "\x89PNG\r\n\x1a\n", 8) != 0))
    abort ();
  if (r == -1 && png.len != 0)
    abort ();
  free (png.buf);
  v2v_clear_error ();
  return 0;
}
