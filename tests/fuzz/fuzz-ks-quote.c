/* libFuzzer target: ks_quote and ks_escape (kickstart/ks_quote.c).  A
 * string that ks_quote accepts must come back from the parser as the
 * same string; one it refuses, shown by ks_escape in a comment, must
 * leave that comment one line that runs nothing.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kickstart.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const struct ks_parse_opts partial = { .partial = true };

/* Parses text; returns 0 or -1. */
static int
parse (const char *text, struct ks_file *ks)
{
  FILE *null = fopen ("/dev/null", "w");
  int r;

  if (null == NULL)
    abort ();
  memset (ks, 0, sizeof *ks);
  r = ks_parse_string ("fuzz.ks", text, strlen (text), &partial, ks, null);
  fclose (null);
  return r;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *s = strndup ((const char *) data, size), *q, *e, *text = NULL;
  const char *why = NULL;
  struct ks_file ks;

  if (s == NULL)
    return 0;
  q = ks_quote (s, &why);
  if (q) {
    if (asprintf (&text, "source --type=https --server=e --user=u "
                  "--password=p\ndestination --type=local --dir=/t\n"
                  "vm --vmx=/a.vmx --datacenter=%s\n", q) == -1)
      abort ();
    if (s[0] != '\0') {
      if (parse (text, &ks) != 0 || ks.nr_vms != 1 ||
          strcmp (ks.vms[0].vm.datacenter, s) != 0)
        abort ();               /* quote then parse must give s back */
      ks_free (&ks);
    }
    free (text);
    free (q);
  }
  else if (why == NULL)
    abort ();
  e = ks_escape (s, 512);
  if (e) {
    size_t n = strlen (e);
    if (strpbrk (e, "\n\r") || (n > 0 && e[n - 1] == '\\'))
      abort ();
    if (asprintf (&text, "# skipped: %s: %s\nvm --vmx=/a.vmx\n", e,
                  why ? why : "") == -1)
      abort ();
    if (parse (text, &ks) != 0 || ks.pre || ks.nr_vms != 1)
      abort ();                 /* the comment is one comment line */
    ks_free (&ks);
    free (text);
    free (e);
  }
  free (s);
  return 0;
}
