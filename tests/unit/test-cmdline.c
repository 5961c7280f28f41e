/* The kernel command line: v2v.ks= and its settings, the v2v.COMMAND.
 * OPTION keys turned into kickstart lines (quotes, flags, repeats, a new
 * line per repeated option), and each bad key's message.
 */
#include "kickstart.h"
#include "unit.h"

static char *
parse (const char *line, struct ks_cmdline *cl, int *r)
{
  char *msgs = NULL;
  size_t len = 0;
  FILE *errs = open_memstream (&msgs, &len);

  *r = ks_cmdline_parse (line, cl, errs);
  fclose (errs);
  return msgs;
}

static void
good (void)
{
  struct ks_cmdline cl;
  struct ks_file ks = { 0 };
  char *msgs;
  int r;

  msgs = parse ("BOOT_IMAGE=/vmlinuz ro quiet v2v.ks=https://10.0.2.2:8443/"
                "a.ks v2v.ks.thumbprint=AB:CD v2v.ks.retry=7 ks=ignored\n",
                &cl, &r);
  CHECK (r == 0);
  CHECK_STR (msgs, "");
  CHECK_STR (cl.ks_url, "https://10.0.2.2:8443/a.ks");
  CHECK_STR (cl.ks_thumbprint, "AB:CD");
  CHECK (cl.ks_retry == 7 && cl.text == NULL && cl.nr_keys == 0);
  ks_cmdline_free (&cl);
  free (msgs);

  msgs = parse ("console=ttyS0 v2v.source.type=https "
                "v2v.source.server=esx1:443 v2v.source.insecure "
                "\"v2v.vm.vmx=[datastore1] web 01/web 01.vmx\" "
                "v2v.vm.name=web01 v2v.destination.type=local "
                "v2v.destination.dir=/mnt/out v2v.network.map=\"VM Network="
                "default\" v2v.poweroff", &cl, &r);
  CHECK (r == 0);
  CHECK (cl.ks_retry == 3 && cl.ks_url == NULL && cl.nr_keys == 9);
  CHECK_STR (cl.text,
             "source --type=\"https\" --server=\"esx1:443\" --insecure\n"
             "vm --vmx=\"[datastore1] web 01/web 01.vmx\" --name=\"web01\"\n"
             "destination --type=\"local\" --dir=\"/mnt/out\"\n"
             "network --map=\"VM Network=default\"\n"
             "poweroff\n");
  /* what it makes is a kickstart the parser takes */
  CHECK (ks_parse_string ("cmdline", cl.text, strlen (cl.text), NULL, &ks,
                          stderr) == 0);
  CHECK (ks.nr_vms == 1 && ks.base.source.insecure);
  CHECK_STR (ks.vms[0].netmaps[0].to, "default");
  ks_free (&ks);
  ks_cmdline_free (&cl);
  free (msgs);

  /* a repeated option starts a new line of a repeatable command */
  msgs = parse ("v2v.vm.name=a v2v.disk.path=/a.img v2v.disk.path=/b.img "
                "v2v.vm.name=b v2v.disk.path=/c.img", &cl, &r);
  CHECK (r == 0);
  CHECK_STR (cl.text, "vm --name=\"a\"\ndisk --path=\"/a.img\"\n"
             "disk --path=\"/b.img\"\nvm --name=\"b\"\n"
             "disk --path=\"/c.img\"\n");
  ks_cmdline_free (&cl);
  free (msgs);

  /* quotes anywhere in a word are removed; backslashes survive */
  msgs = parse ("v2v.disk.path=\"[ds] a\\b.vmdk\"", &cl, &r);
  CHECK (r == 0);
  CHECK_STR (cl.text, "disk --path=\"[ds] a\\\\b.vmdk\"\n");
  ks_cmdline_free (&cl);
  free (msgs);

  /* nothing for us: the wizard starts */
  msgs = parse ("ro quiet console=tty1", &cl, &r);
  CHECK (r == 0 && cl.ks_url == NULL && cl.text == NULL);
  ks_cmdline_free (&cl);
  free (msgs);
}

static const struct { const char *line, *want; } bad[] = {
  { "v2v.sorce.type=https", "v2v.sorce.type: unknown command 'sorce' (did you mean v2v.source?)" },
  { "v2v.vm.nme=x", "v2v.vm.nme: vm has no option --nme (did you mean --name?)" },
  { "v2v.source.insecure=yes", "v2v.source.insecure: takes no value" },
  { "v2v.vm.name", "v2v.vm.name: needs a value (KEY=VALUE)" },
  { "v2v.vm=x", "v2v.vm: expected v2v.vm.OPTION=VALUE" },
  { "v2v.source.server=a v2v.source.server=b", "v2v.source.server given twice" },
  { "v2v.ks=http://a/ks v2v.ks=http://b/ks", "v2v.ks given twice" },
  { "v2v.ks=", "v2v.ks needs a value" },
  { "v2v.ks.retry=lots v2v.ks=http://a", "v2v.ks.retry=lots: expected a whole number from 0 to 100" },
  { "v2v.ks.retry=101 v2v.ks=http://a", "expected a whole number from 0 to 100" },
  { "v2v.ks.timeout=3", "v2v.ks.timeout: unknown (expected v2v.ks, v2v.ks.cacert" },
  { "v2v.ks=http://a/ks v2v.vm.name=x", "give v2v.ks=URL or v2v.COMMAND.OPTION keys, not both" },
  { "v2v.ks.thumbprint=AB", "v2v.ks.cacert and v2v.ks.thumbprint go with v2v.ks=https://" },
};

static void
bad_lines (void)
{
  size_t i;

  for (i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    struct ks_cmdline cl;
    int r;
    char *msgs = parse (bad[i].line, &cl, &r);
    CHECK (r == -1);
    CHECK_CONTAINS (msgs, bad[i].want);
    CHECK_CONTAINS (msgs, "kernel command line: ");
    ks_cmdline_free (&cl);
    free (msgs);
  }
}

int
main (void)
{
  good ();
  bad_lines ();
  return unit_done ("cmdline");
}
