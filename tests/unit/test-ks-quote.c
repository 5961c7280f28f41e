/* ks_quote and ks_escape: every string the project prints as kickstart
 * comes back from our own parser as the same string, or is refused with
 * a reason; a refused one shown in a comment stays one comment line.
 * dump-config masks every secret and shows sections only by hash.
 */
#include "kickstart.h"
#include "unit.h"

/* Names as a hostile datastore could give them. */
static const char *const names[] = {
  "[datastore1] testvm/testvm.vmx",
  "plain",
  "",
  "a\"b",
  "\"",
  "\\",
  "ends in a backslash\\",
  "\\\"\\\\\"",
  "'single' quotes",
  "#comment-like",
  "# with space",
  "a # b",
  "%pre",
  "%end",
  "100% = 50%25",
  "key=value=more",
  "--not-an-option",
  "tab\there",
  "  leading and trailing spaces  ",
  "[ds] caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac/\xf0\x9f\x96\xa5.vmx",
  "x.vmx\" --name=evil # ",
  NULL
};

/* Names that a kickstart cannot hold, and the start of the reason. */
static const struct { const char *name, *why; } refused[] = {
  { "x.vmx\"\n%pre\necho INJECTED > marker\n%end\n#", "it holds a line break" },
  { "cr\rhere", "it holds a line break" },
  { "esc\x1b[2Jhere", "it holds a control character" },
  { "del\x7f", "it holds a control character" },
  { "c1 \xc2\x9b", "it holds a control character" },
  { "bad \xff utf-8", "it is not valid UTF-8" },
  { "cut \xc3", "it is not valid UTF-8" },
};

static struct ks_parse_opts partial = { .partial = true };

/* Parses TEXT; returns the parse's result and frees its messages. */
static int
parse (const char *text, struct ks_file *ks)
{
  char *msgs = NULL;
  size_t len = 0;
  FILE *errs = open_memstream (&msgs, &len);
  int r;

  memset (ks, 0, sizeof *ks);
  r = ks_parse_string ("q.ks", text, strlen (text), &partial, ks, errs);
  fclose (errs);
  if (r == -1)
    fprintf (stderr, "parse of:\n%s\nsaid:\n%s", text, msgs);
  free (msgs);
  return r;
}

static char *
dump (const struct ks_file *ks, int *r)
{
  char *d = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&d, &len);

  *r = ks_dump (ks, f);
  fclose (f);
  return d;
}

#define HEAD \
  "source --type=https --server=esx --user=root --password=pw\n" \
  "destination --type=local --dir=/tmp\n"

/* NAME as --datacenter, and as a directory in --vmx, through the parser
 * and then through dump-config and the parser again.
 */
static void
round_trip (const char *name)
{
  const char *why = "unset";
  char *vmx = NULL, *qv, *q = ks_quote (name, &why), *text = NULL, *d;
  struct ks_file ks, ks2;
  int r;

  CHECK (q != NULL && why == NULL);
  if (asprintf (&vmx, "[ds1] %s/x.vmx", name) == -1)
    abort ();
  qv = ks_quote (vmx, &why);
  CHECK (qv != NULL && why == NULL);
  if (q == NULL || qv == NULL)
    goto out;
  CHECK (strchr (q, '\n') == NULL);
  if (asprintf (&text, HEAD "vm --vmx=%s --datacenter=%s\n", qv, q) == -1)
    abort ();
  if (name[0] == '\0') {
    /* "" reads back as "", which --datacenter refuses as empty */
    CHECK_STR (q, "\"\"");
    CHECK (parse (text, &ks) == -1);
    ks_free (&ks);
    goto out;
  }
  CHECK (parse (text, &ks) == 0);
  CHECK (ks.nr_vms == 1);
  if (ks.nr_vms != 1)
    goto out_free;
  CHECK_STR (ks.vms[0].vm.vmx, vmx);
  CHECK_STR (ks.vms[0].vm.datacenter, name);
  d = dump (&ks, &r);
  CHECK (r == 0);
  CHECK (parse (d, &ks2) == 0);
  CHECK (ks2.nr_vms == 1);
  if (ks2.nr_vms == 1) {
    CHECK_STR (ks2.vms[0].vm.vmx, vmx);
    CHECK_STR (ks2.vms[0].vm.datacenter, name);
  }
  ks_free (&ks2);
  free (d);
 out_free:
  ks_free (&ks);
 out:
  free (text);
  free (q);
  free (qv);
  free (vmx);
}

/* ks_escape's result, compared and freed. */
static void
check_escape (const char *s, size_t max, const char *want)
{
  char *e = ks_escape (s, max);

  CHECK_STR (e, want);
  free (e);
}

static void
refusals (void)
{
  size_t i;
  char long_name[KS_MAX_WORD + 2];

  for (i = 0; i < sizeof refused / sizeof refused[0]; ++i) {
    const char *why = NULL;
    char *q = ks_quote (refused[i].name, &why), *e, *text;
    struct ks_file ks;
    CHECK (q == NULL);
    CHECK (why && strncmp (why, refused[i].why, strlen (refused[i].why)) == 0);
    free (q);
    /* shown escaped, it stays one comment line: nothing runs */
    e = ks_escape (refused[i].name, 1024);
    CHECK (e && strpbrk (e, "\n\r\x1b\x7f") == NULL);
    CHECK (e && e[strlen (e) - 1] != '\\');
    if (asprintf (&text, "# skipped: %s: %s\nvm --vmx=/x.vmx\n", e, why) == -1)
      abort ();
    CHECK (parse (text, &ks) == 0);
    CHECK (ks.pre == NULL && ks.nr_vms == 1);
    ks_free (&ks);
    free (text);
    free (e);
  }
  check_escape ("x.vmx\"\n%pre\n", 100, "\"x.vmx\\\"\\n%pre\\n\"");
  check_escape ("testvm (prod)", 100, "testvm (prod)");
  check_escape ("trailing\\", 100, "\"trailing\\\\\"");
  check_escape ("abcdef", 3, "\"abc\"...");

  memset (long_name, 'a', sizeof long_name - 1);
  long_name[sizeof long_name - 1] = '\0';
  {
    const char *why = NULL;
    char *q = ks_quote (long_name, &why);
    CHECK (q == NULL && why && strstr (why, "too long"));
    free (q);
  }
}

/* dump-config holds no secret: passwords, a URL's password, section
 * bodies (shown as length and SHA-256).
 */
static void
secrets (void)
{
  const char *text =
    "source --type=https --server=esx --user=root --password=Pa55-w0rd\n"
    "destination --type=local --dir=/tmp\n"
    "options --virtio-win=https://me:Virt10-pw@files.example.com/v.iso\n"
    "log --remote=syslog://u:Sys-pw@10.0.0.9\n"
    "vm --vmx=\"[ds] a/a.vmx\"\n"
    "%pre\necho Pre-pw >/tmp/pw\ncat >/tmp/key <<K\n"
    "-----BEGIN OPENSSH PRIVATE KEY-----\nKeyBody\nK\n%end\n"
    "%post\necho Post-secret\n%end\n"
    "%onerror\necho Err-secret\n%end\n";
  struct ks_file ks;
  char *d;
  int r;

  CHECK (parse (text, &ks) == 0);
  d = dump (&ks, &r);
  CHECK (r == 0);
  CHECK (strstr (d, "Pa55-w0rd") == NULL);
  CHECK (strstr (d, "Virt10-pw") == NULL);
  CHECK (strstr (d, "Sys-pw") == NULL);
  CHECK (strstr (d, "Pre-pw") == NULL);
  CHECK (strstr (d, "PRIVATE KEY") == NULL && strstr (d, "KeyBody") == NULL);
  CHECK (strstr (d, "Post-secret") == NULL && strstr (d, "Err-secret") == NULL);
  CHECK_CONTAINS (d, "--password=********");
  CHECK_CONTAINS (d, "--virtio-win=https://me:********@files.example.com/v.iso");
  CHECK_CONTAINS (d, "--remote=syslog://u:********@10.0.0.9");
  /* the body's length and hash: echo Post-secret\n is 17 bytes */
  CHECK_CONTAINS (d, "%post\n# not shown: 17 bytes, sha256 "
                  "4be07c7f31b7c9a536403e387bb4df540708bd8906a252cb88332e33a5f1d465"
                  "\n%end\n");
  free (d);

  /* a kickstart to run (the wizard's) keeps URLs and sections */
  {
    char *k = NULL;
    size_t klen = 0;
    FILE *f = open_memstream (&k, &klen);
    CHECK (ks_print_kickstart (&ks, f) == 0);
    fclose (f);
    CHECK (strstr (k, "Pa55-w0rd") == NULL);
    CHECK_CONTAINS (k, "--virtio-win=https://me:Virt10-pw@files.example.com/v.iso");
    CHECK_CONTAINS (k, "%post\necho Post-secret\n%end\n");
    free (k);
  }
  ks_free (&ks);
}

/* A value that cannot be written makes its command a comment, and the
 * dump fails (the wizard then refuses to save).
 */
static void
unwritable (void)
{
  struct ks_file ks = { 0 };
  struct ks_vm vm = { 0 };
  char *d;
  int r;

  vm.vm.vmx = (char *) "[ds] x.vmx\"\n%pre\necho INJECTED\n%end\n#/a.vmx";
  ks.vms = &vm;
  ks.nr_vms = 1;
  d = dump (&ks, &r);
  CHECK (r == -1);
  CHECK_CONTAINS (d, "# skipped: vm --vmx=\"[ds] x.vmx\\\"\\n%pre\\necho "
                  "INJECTED\\n%end\\n#/a.vmx\": it holds a line break");
  CHECK (strstr (d, "\n%pre") == NULL);
  free (d);

  /* Each value fits a word, but quoting makes the line longer than the
   * parser reads: refused, not written.
   */
  {
    char big[1301];
    size_t i;
    for (i = 0; i < 1300; ++i)
      big[i] = i % 13 < 5 ? '"' : 'a';
    big[1300] = '\0';
    vm.vm.vmx = vm.vm.datacenter = vm.vm.name = big;
    d = dump (&ks, &r);
    CHECK (r == -1);
    CHECK_CONTAINS (d, "# skipped: vm: the line would be ");
    CHECK (strstr (d, "\nvm ") == NULL && strncmp (d, "vm ", 3) != 0);
    free (d);
  }
}

/* The kernel command line's keys become kickstart lines: a value with a
 * newline (from a --cmdline=FILE) must not start a line of its own.
 */
static void
cmdline (void)
{
  struct ks_cmdline cl = { 0 };
  char *msgs = NULL;
  size_t len = 0;
  FILE *errs = open_memstream (&msgs, &len);

  CHECK (ks_cmdline_parse ("ro \"v2v.vm.name=a\n%pre\necho x\n%end\" v2v.disk.path=/a",
                           &cl, errs) == -1);
  fclose (errs);
  CHECK_CONTAINS (msgs, "v2v.vm.name: it holds a line break");
  CHECK (cl.text == NULL || strstr (cl.text, "\n%pre") == NULL);
  ks_cmdline_free (&cl);
  free (msgs);
}

int
main (void)
{
  size_t i;

  for (i = 0; names[i]; ++i)
    round_trip (names[i]);
  refusals ();
  secrets ();
  cmdline ();
  unwritable ();
  return unit_done ("test-ks-quote");
}
