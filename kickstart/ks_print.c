/* Print a parsed file back as kickstart commands (dump-config; the
 * wizard's saved kickstart, ks_print_kickstart), and the list of every
 * command and option, both from the command table.  Every value goes through ks_quote, so
 * the output parses back to the same strings; a value that cannot be
 * written turns its command into a "# skipped" comment.  The output may
 * go to a log (the image's init keeps it), so it holds no secret:
 * passwords and the password of a URL are masked, and a %pre, %post or
 * %onerror body is shown only as its length and SHA-256.  A kickstart
 * to run (ks_print_kickstart) keeps URLs and sections as they are, and
 * never has a --password either.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "kickstart.h"
#include "ks_table.h"

#define MASK "********"

/* Options whose whole value is a secret. */
static bool
is_secret (const struct ks_option *o)
{
  return strcmp (o->name, "password") == 0 || strcmp (o->name, "key") == 0;
}

/* Appends " --NAME=VALUE" to the line; returns 0, or -1 with a "#
 * skipped" comment in *skip (caller frees) when VALUE cannot be written.
 */
static int
put_string (FILE *line, const char *cmd, const char *name, const char *value,
            bool for_log, char **skip)
{
  const char *why;
  char *masked = for_log ? ks_mask_url (value) : NULL;
  char *q = ks_quote (masked ? masked : value, &why);

  if (q == NULL) {
    char *e = ks_escape (masked ? masked : value, 256);
    if (asprintf (skip, "# skipped: %s --%s=%s: %s\n", cmd, name,
                  e ? e : "?", why) == -1)
      *skip = NULL;
    free (e);
    free (masked);
    return -1;
  }
  fprintf (line, " --%s=%s", name, q);
  free (q);
  free (masked);
  return 0;
}

/* One command line; returns 0, or -1 if it was written as a comment
 * because a value cannot be written.
 */
static int
print_command (FILE *out, const char *name, const void *target,
               bool for_log)
{
  const struct ks_command *cmd = ks_find_command (name);
  const struct ks_option *o;
  char *buf = NULL, *skip = NULL;
  size_t len = 0;
  FILE *line = open_memstream (&buf, &len);
  int r = 0;

  if (line == NULL)
    return -1;
  fputs (name, line);
  for (o = cmd->options; o->name && r == 0; ++o) {
    const char *field = (const char *) target + o->offset;
    const char *str;
    switch (o->type) {
    case KS_STRING:
      str = *(char *const *) field;
      if (str && is_secret (o))
        fprintf (line, " --%s=" MASK, o->name);
      else if (str)
        r = put_string (line, name, o->name, str, for_log, &skip);
      break;
    case KS_UINT:
      if (*(const unsigned *) field)
        fprintf (line, " --%s=%u", o->name, *(const unsigned *) field);
      break;
    case KS_ENUM:
      if (*(const int *) field != 0)
        fprintf (line, " --%s=%s", o->name, o->choices[*(const int *) field]);
      break;
    case KS_FLAG:
      if (*(const bool *) field)
        fprintf (line, " --%s", o->name);
      break;
    }
  }
  fputc ('\n', line);
  if (fclose (line) == EOF)
    r = -1;
  else if (r == 0 && len - 1 > KS_MAX_LINE) {
    /* Quoting made it longer than the parser reads back. */
    fprintf (out, "# skipped: %s: the line would be %zu bytes, longer than "
             "the %d a kickstart line may have\n", name, len - 1,
             KS_MAX_LINE);
    r = -1;
  }
  else
    fputs (r == 0 ? buf : skip ? skip : "# skipped: out of memory\n", out);
  free (buf);
  free (skip);
  return r;
}

static int
print_map (FILE *out, const struct v2v_netmap *m, bool for_log)
{
  struct ks_network n = { NULL, { 0 } };
  int r;

  /* The parser splits at the last '='. */
  if (strchr (m->to, '=')) {
    char *e = ks_escape (m->to, 256);
    fprintf (out, "# skipped: network --map: destination %s: it holds an "
             "'=', which --map cannot hold\n", e ? e : "?");
    free (e);
    return -1;
  }
  if (asprintf (&n.map, "%s=%s", m->from, m->to) == -1)
    return -1;
  r = print_command (out, "network", &n, for_log);
  free (n.map);
  return r;
}

/* A section, by its length and SHA-256 only: %pre is where a PXE set-up
 * writes its passwords and keys.  The body's hash is that of its lines
 * as the file has them, each ending in a newline.
 */
static void
print_section (FILE *out, const char *name, const char *body, bool for_log)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned mdlen = 0, i;
  size_t len;

  if (body == NULL)
    return;
  if (!for_log) {
    fprintf (out, "%s\n%s%%end\n", name, body);
    return;
  }
  len = strlen (body);
  fprintf (out, "%s\n# not shown: %zu bytes", name, len);
  if (EVP_Digest (body, len, md, &mdlen, EVP_sha256 (), NULL) == 1) {
    fputs (", sha256 ", out);
    for (i = 0; i < mdlen; ++i)
      fprintf (out, "%02x", md[i]);
  }
  fputs ("\n%end\n", out);
}

static int
dump (const struct ks_file *ks, FILE *out, bool for_log)
{
  size_t i, j;
  int r = 0;

  for (i = 0; i < ks->nr_includes; ++i) {
    char *masked = for_log ? ks_mask_url (ks->includes[i]) : NULL;
    char *e = ks_escape (masked ? masked : ks->includes[i], 512);
    fprintf (out, "# included %s\n", e ? e : "?");
    free (e);
    free (masked);
  }
  r |= print_command (out, "source", &ks->base.source, for_log);
  r |= print_command (out, "destination", &ks->base.dest, for_log);
  {
    struct ks_options opts = { ks->base.options, ks->parallel };
    if (opts.o.no_fstrim || opts.o.keep_vmware_tools ||
        opts.o.block_driver || opts.o.virtio_win || opts.parallel ||
        opts.o.shutdown_source || opts.o.connections ||
        opts.o.verify_boot || opts.o.verify_timeout ||
        opts.o.verify_report_only)
      r |= print_command (out, "options", &opts, for_log);
  }
  if (ks->base.luks.key_file || ks->base.luks.key)
    r |= print_command (out, "luks", &ks->base.luks, for_log);
  if (ks->log_file || ks->log_remote) {
    struct ks_log log = { ks->log_file, ks->log_remote };
    r |= print_command (out, "log", &log, for_log);
  }
  for (i = 0; i < ks->nr_nics; ++i) {
    struct ks_network n = { NULL, ks->nics[i] };
    r |= print_command (out, "network", &n, for_log);
  }
  for (i = 0; i < ks->nr_vms; ++i) {
    const struct ks_vm *v = &ks->vms[i];
    r |= print_command (out, "vm", &v->vm, for_log);
    for (j = 0; j < v->nr_disks; ++j)
      r |= print_command (out, "disk", &v->disks[j], for_log);
    for (j = 0; j < v->nr_netmaps; ++j)
      r |= print_map (out, &v->netmaps[j], for_log);
  }
  print_section (out, "%pre", ks->pre, for_log);
  print_section (out, "%post", ks->post, for_log);
  print_section (out, "%onerror", ks->onerror, for_log);
  switch (ks->base.after) {
  case V2V_AFTER_POWEROFF: fputs ("poweroff\n", out); break;
  case V2V_AFTER_REBOOT: fputs ("reboot\n", out); break;
  case V2V_AFTER_SHELL: fputs ("shell\n", out); break;
  case V2V_AFTER_NONE: break;
  }
  return r ? -1 : 0;
}

int
ks_dump (const struct ks_file *ks, FILE *out)
{
  return dump (ks, out, true);
}

int
ks_print_kickstart (const struct ks_file *ks, FILE *out)
{
  return dump (ks, out, false);
}

void
ks_list_options (FILE *out)
{
  const struct ks_command *c;
  const struct ks_option *o;

  for (c = ks_commands; c->name; ++c) {
    if (c->options[0].name == NULL)
      fprintf (out, "%s\n", c->name);

    for (o = c->options; o->name; ++o)
      fprintf (out, "%s --%s\n", c->name, o->name);
  }
}
