/* libFuzzer target: the datastore listing pages (agent/source/listing.c), as a
 * source server sends them to list-vms and the wizard, and their
 * percent-decoding.  Every name given out must be what a datastore file
 * can be called: not empty, no '/', its length that of a C string.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
entry (const char *name, bool is_dir, void *opaque)
{
  size_t *n = opaque;

  (void) is_dir;
  if (name[0] == '\0' || strchr (name, '/'))
    abort ();
  return ++*n > 100000;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *page = malloc (size + 1);
  size_t n = 0;
  int want_ds;

  if (page == NULL)
    return 0;
  for (want_ds = 0; want_ds <= 1; ++want_ds) {
    memcpy (page, data, size);
    page[size] = '\0';
    v2v_listing_parse (page, want_ds, entry, &n);
  }
  memcpy (page, data, size);
  page[size] = '\0';
  {
    size_t before = strlen (page);
    if (v2v_percent_decode (page) == 0 && strlen (page) > before)
      abort ();
  }
  free (page);
  return 0;
}
