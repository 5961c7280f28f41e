/* libFuzzer target: the kickstart parser and dump-config printer, which
 * read files fetched over the network at boot.  An include is answered
 * with the same bytes, so nested parsing is fuzzed too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kickstart.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

struct input { const uint8_t *data; size_t size; };

static int
fetch_same (const char *url, char **text, size_t *len, char **error,
            void *opaque)
{
  const struct input *in = opaque;

  (void) url; (void) error;
  *text = malloc (in->size + 1);
  if (*text == NULL)
    return -1;
  memcpy (*text, in->data, in->size);
  *len = in->size;
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct input in = { data, size };
  struct ks_parse_opts opts = { fetch_same, &in };
  struct ks_file ks = { 0 };
  FILE *null = fopen ("/dev/null", "w");

  if (null == NULL)
    return 0;
  if (ks_parse_string ("fuzz.ks", (const char *) data, size, &opts, &ks,
                       null) == 0)
    ks_dump (&ks, null);
  ks_free (&ks);
  fclose (null);
  return 0;
}
