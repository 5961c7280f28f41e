/* LUKS: crypttab lines give their name and source, sources match the
 * appliance's device by name or UUID; the kickstart's luks command takes
 * a key file or a key, and never shows the key in a dump or a saved
 * kickstart.
 */
#include <unistd.h>

#include "kickstart.h"
#include "internal.h"
#include "unit.h"

static char keyfile[] = "/tmp/v2vboot-unit-luks.XXXXXX";

static void
entry (const char *line, int want, const char *wname, const char *wsrc)
{
  char name[V2V_DM_NAME_MAX], src[64];
  int r = v2v_crypttab_entry (line, name, sizeof name, src, sizeof src);

  CHECK (r == want);
  if (r == 1 && want == 1) {
    CHECK_STR (name, wname);
    CHECK_STR (src, wsrc);
  }
}

/* Parse text; returns the messages (caller frees). */
static char *
parse (const char *text, struct ks_file *ks, int *r)
{
  char *msgs = NULL;
  size_t len = 0;
  FILE *errs = open_memstream (&msgs, &len);

  memset (ks, 0, sizeof *ks);
  *r = ks_parse_string ("test.ks", text, strlen (text), NULL, ks, errs);
  fclose (errs);
  return msgs;
}

static char *
print (const struct ks_file *ks, bool for_log)
{
  char *d = NULL;
  size_t len;
  FILE *f = open_memstream (&d, &len);

  if (for_log)
    ks_dump (ks, f);
  else
    ks_print_kickstart (ks, f);
  fclose (f);
  return d;
}

#define BASE \
  "source --type=https --server=esx --insecure\n" \
  "vm --vmx=\"[ds] a/a.vmx\"\n" \
  "destination --type=local --dir=/tmp\n"

static void
bad (const char *text, const char *want)
{
  struct ks_file ks;
  int r;
  char *msgs = parse (text, &ks, &r);

  CHECK (r == -1);
  CHECK_CONTAINS (msgs, want);
  free (msgs);
  ks_free (&ks);
}

int
main (void)
{
  struct ks_file ks;
  char *msgs, *d, *text;
  int r, fd;

  /* crypttab lines */
  entry ("sda2_crypt /dev/sda2 none luks,discard\n", 1, "sda2_crypt",
         "/dev/sda2");
  entry ("  luks-1234\tUUID=1234  none\n", 1, "luks-1234", "UUID=1234");
  entry ("root_crypt /dev/disk/by-uuid/ab-cd", 1, "root_crypt",
         "/dev/disk/by-uuid/ab-cd");
  entry ("# sda2_crypt /dev/sda2 none luks\n", 0, NULL, NULL);
  entry ("\n", 0, NULL, NULL);
  entry ("", 0, NULL, NULL);
  entry ("lonely\n", 0, NULL, NULL);
  entry ("bad/name /dev/sda2 none\n", 0, NULL, NULL);
  entry ("bad\"name /dev/sda2 none\n", 0, NULL, NULL);
  entry (".. /dev/sda2 none\n", 0, NULL, NULL);
  /* a source longer than the buffer is no entry, not a cut one */
  entry ("x /dev/disk/by-uuid/0123456789012345678901234567890123456789"
         "0123456789012345678901234567890123456789 none\n", 0, NULL, NULL);
  {
    char longname[300];
    memset (longname, 'a', sizeof longname);
    memcpy (longname + 200, " /dev/sda2\n", 12);
    entry (longname, 0, NULL, NULL);
  }

  /* sources */
  CHECK (v2v_crypttab_source_is ("/dev/sda2", "/dev/sda2", "u"));
  CHECK (v2v_crypttab_source_is ("/dev/hda2", "/dev/sda2", NULL));
  CHECK (!v2v_crypttab_source_is ("/dev/sda22", "/dev/sda2", "u"));
  CHECK (!v2v_crypttab_source_is ("/dev/sdb2", "/dev/sda2", "u"));
  CHECK (v2v_crypttab_source_is ("UUID=AbCd-1", "/dev/sda2", "abcd-1"));
  CHECK (v2v_crypttab_source_is ("/dev/disk/by-uuid/abcd-1", "/dev/sda2",
                                 "abcd-1"));
  CHECK (!v2v_crypttab_source_is ("UUID=abcd-2", "/dev/sda2", "abcd-1"));
  CHECK (!v2v_crypttab_source_is ("UUID=", "/dev/sda2", ""));
  CHECK (!v2v_crypttab_source_is ("UUID=abcd-1", "/dev/sda2", NULL));
  CHECK (!v2v_crypttab_source_is ("LABEL=root", "/dev/sda2", "root"));

  /* kickstart: luks --key-file */
  fd = mkstemp (keyfile);
  CHECK (fd >= 0);
  CHECK (write (fd, "sekrit-luks\n", 12) == 12);
  close (fd);
  if (asprintf (&text, BASE "luks --key-file=%s\n", keyfile) == -1)
    abort ();
  msgs = parse (text, &ks, &r);
  CHECK (r == 0);
  CHECK_STR (msgs, "");
  CHECK_STR (ks.base.luks.key_file, keyfile);
  CHECK (ks.base.luks.key == NULL);
  d = print (&ks, true);
  CHECK_CONTAINS (d, "luks --key-file=");
  CHECK_CONTAINS (d, keyfile);
  free (d);
  free (msgs);
  free (text);
  ks_free (&ks);

  /* kickstart: luks --key, masked in the dump and in a saved kickstart */
  msgs = parse (BASE "luks --key=sekrit-luks\n", &ks, &r);
  CHECK (r == 0);
  CHECK_CONTAINS (msgs, "test.ks:4:1: warning: luks: --key puts the LUKS "
                  "key in the kickstart");
  CHECK_STR (ks.base.luks.key, "sekrit-luks");
  d = print (&ks, true);
  CHECK_CONTAINS (d, "luks --key=********");
  CHECK (strstr (d, "sekrit") == NULL);
  free (d);
  d = print (&ks, false);
  CHECK (strstr (d, "sekrit") == NULL);
  free (d);
  free (msgs);
  ks_free (&ks);

  /* no luks command: nothing printed */
  msgs = parse (BASE, &ks, &r);
  CHECK (r == 0);
  d = print (&ks, true);
  CHECK (strstr (d, "luks") == NULL);
  free (d);
  free (msgs);
  ks_free (&ks);

  /* errors */
  bad (BASE "luks\n", "test.ks:4:1: luks: give --key-file=FILE");
  bad (BASE "luks --key=\"\"\n", "luks: --key: empty value");
  bad (BASE "luks --key=a --key-file=/etc/hostname\n",
       "luks: give --key-file or --key, not both");
  bad (BASE "luks --key-file=/nonexistent/key\n",
       "test.ks:4:1: luks: --key-file=/nonexistent/key: No such file or "
       "directory");
  bad (BASE "luks --key=a\nluks --key=b\n", "luks: given twice (first on "
       "line 4)");
  bad (BASE "luks --keyfile=x\n", "did you mean --key-file?");

  unlink (keyfile);
  return unit_done ("luks");
}
