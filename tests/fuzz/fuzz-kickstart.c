/* libFuzzer target: the kickstart parser and dump-config printer, which
 * read files fetched over the network at boot.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kickstart.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2v_config cfg = { 0 };
  FILE *null = fopen ("/dev/null", "w");

  if (null == NULL)
    return 0;
  if (ks_parse_string ("fuzz.ks", (const char *) data, size, &cfg, null) == 0)
    ks_dump_config (&cfg, null);
  v2v_config_free (&cfg);
  fclose (null);
  return 0;
}
