/* libFuzzer target: the kernel command line parser (v2v.ks= and the
 * v2v.COMMAND.OPTION keys), and the kickstart it makes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kickstart.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *line = malloc (size + 1);
  struct ks_cmdline cl;
  FILE *null = fopen ("/dev/null", "w");

  if (line == NULL || null == NULL)
    goto out;
  memcpy (line, data, size);
  line[size] = '\0';            /* /proc/cmdline is a C string */
  if (ks_cmdline_parse (line, &cl, null) == 0 && cl.text) {
    struct ks_file ks = { 0 };
    if (ks_parse_string ("cmdline", cl.text, strlen (cl.text), NULL, &ks,
                         null) == 0)
      ks_dump (&ks, null);
    ks_free (&ks);
  }
  ks_cmdline_free (&cl);
 out:
  free (line);
  if (null)
    fclose (null);
  return 0;
}
