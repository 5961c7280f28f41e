/* libFuzzer target: the verify stage's readers of what the test boot
 * left (agent/verify/verify_signs.c): the serial console (written by the
 * guest, so hostile) and a NIC's packet capture, each fed in pieces cut
 * where the input's first byte says.  Besides what the sanitizers catch:
 * the capture's offset never passes what was given, and the frames
 * counted never exceed what the bytes could hold.
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
  struct v2v_console_scan s = { 0 };
  struct v2v_pcap_count c = { 0 };
  const char *buf = (const char *) data;
  size_t step, i, given = 0;

  if (size == 0)
    return 0;
  step = data[0] ? data[0] : 1;
  for (i = 1; i < size; i += step)
    v2v_console_scan (&s, buf + i, size - i < step ? size - i : step);
  if (strlen (s.tail) >= sizeof s.tail)
    abort ();
  for (i = 1; i < size; i += step) {
    given = i + step < size ? i + step : size;
    if (v2v_pcap_count (&c, buf + 1 + c.offset, given - 1 - c.offset) == -1)
      break;
    if (c.offset > given - 1 || c.frames * 16 > c.offset)
      abort ();
  }
  return 0;
}
