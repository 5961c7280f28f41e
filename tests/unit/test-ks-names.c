/* Batch names at parse time: one .vmx spelled two ways ("[DS]  DIR//X",
 * "/vmfs/volumes/DS/DIR/X") in two VMs without --name would give two VMs
 * of one name: refused, naming both lines.  Different .vmx files, or the
 * same one with a --name each, pass.
 */
#include "kickstart.h"
#include "internal.h"
#include "unit.h"

static char *
parse (const char *text, int *r)
{
  struct ks_file ks;
  char *msgs = NULL;
  size_t msglen = 0;
  FILE *errs = open_memstream (&msgs, &msglen);

  memset (&ks, 0, sizeof ks);
  *r = ks_parse_string ("test.ks", text, strlen (text), NULL, &ks, errs);
  fclose (errs);
  ks_free (&ks);
  return msgs;
}

#define HEAD "source --type=ssh --server=esx --user=root --identity=/dev/null\n" \
  "destination --type=local --dir=/tmp\n"

int
main (void)
{
  static const struct { const char *second; bool ok; } cases[] = {
    { "vm --vmx=\"[ds1]  web/web.vmx\"", false },
    { "vm --vmx=\"[ds1] web//web.vmx\"", false },
    { "vm --vmx=\"[ds1] ./web/web.vmx\"", false },
    { "vm --vmx=/vmfs/volumes/ds1/web/web.vmx", false },
    { "vm --vmx=\"[ds1] web/web2.vmx\"", true },
    { "vm --vmx=\"[ds2] web/web.vmx\"", true },
    { "vm --vmx=/vmfs/volumes/ds1/web/web.vmx --name=other", true },
  };
  char text[512];
  char *msgs;
  int r;

  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; ++k) {
    snprintf (text, sizeof text, HEAD "vm --vmx=\"[ds1] web/web.vmx\"\n%s\n",
              cases[k].second);
    msgs = parse (text, &r);
    if (cases[k].ok)
      CHECK (r == 0 && (msgs == NULL || strstr (msgs, "same name") == NULL));
    else {
      CHECK (r == -1);
      CHECK_CONTAINS (msgs, "test.ks:4");
      CHECK_CONTAINS (msgs, "is the .vmx of the VM on line 3 ([ds1] "
                      "web/web.vmx): both would get the same name: give "
                      "each a different --name");
    }
    free (msgs);
  }
  /* The same string twice: still the message it had. */
  msgs = parse (HEAD "vm --vmx=\"[ds1] web/web.vmx\"\n"
                "vm --vmx=\"[ds1] web/web.vmx\"\n", &r);
  CHECK (r == -1);
  CHECK_CONTAINS (msgs, "twice (line 3)");
  CHECK (strstr (msgs, "same name") == NULL);
  free (msgs);
  return unit_done ("ks-names");
}
