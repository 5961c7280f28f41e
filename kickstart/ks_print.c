/* Print a parsed file back as kickstart commands (dump-config), and the
 * list of every command and option, both from the command table.
 * Passwords are masked.
 */
#include <stdio.h>
#include <string.h>

#include "kickstart.h"
#include "ks_table.h"

static void
print_quoted (FILE *out, const char *s)
{
  bool plain = s[0] != '\0' && strpbrk (s, " \t\"'\\#[]") == NULL;

  if (plain) {
    fputs (s, out);
    return;
  }
  fputc ('"', out);
  for (; *s; ++s) {
    if (*s == '"' || *s == '\\')
      fputc ('\\', out);
    fputc (*s, out);
  }
  fputc ('"', out);
}

static void
print_command (FILE *out, const char *name, const void *target)
{
  const struct ks_command *cmd = ks_find_command (name);
  const struct ks_option *o;

  fputs (name, out);
  for (o = cmd->options; o->name; ++o) {
    const char *field = (const char *) target + o->offset;
    switch (o->type) {
    case KS_STRING:
      if (*(char *const *) field && strcmp (o->name, "password") == 0)
        fprintf (out, " --%s=********", o->name);
      else if (*(char *const *) field) {
        fprintf (out, " --%s=", o->name);
        print_quoted (out, *(char *const *) field);
      }
      break;
    case KS_UINT:
      if (*(const unsigned *) field)
        fprintf (out, " --%s=%u", o->name, *(const unsigned *) field);
      break;
    case KS_ENUM:
      if (*(const int *) field != 0)
        fprintf (out, " --%s=%s", o->name, o->choices[*(const int *) field]);
      break;
    case KS_FLAG:
      if (*(const bool *) field)
        fprintf (out, " --%s", o->name);
      break;
    }
  }
  fputc ('\n', out);
}

static void
print_map (FILE *out, const struct v2v_netmap *m)
{
  char buf[1024];

  snprintf (buf, sizeof buf, "%s=%s", m->from, m->to);
  fputs ("network --map=", out);
  print_quoted (out, buf);
  fputc ('\n', out);
}

static void
print_section (FILE *out, const char *name, const char *body)
{
  if (body)
    fprintf (out, "%s\n%s%%end\n", name, body);
}

void
ks_dump (const struct ks_file *ks, FILE *out)
{
  size_t i, j;

  for (i = 0; i < ks->nr_includes; ++i)
    fprintf (out, "# included %s\n", ks->includes[i]);
  print_command (out, "source", &ks->base.source);
  print_command (out, "destination", &ks->base.dest);
  {
    struct ks_options opts = { ks->base.options, ks->parallel };
    if (opts.o.no_fstrim || opts.o.keep_vmware_tools ||
        opts.o.block_driver || opts.o.virtio_win || opts.parallel)
      print_command (out, "options", &opts);
  }
  if (ks->log_file || ks->log_remote) {
    struct ks_log log = { ks->log_file, ks->log_remote };
    print_command (out, "log", &log);
  }
  for (i = 0; i < ks->nr_nics; ++i) {
    struct ks_network n = { NULL, ks->nics[i] };
    print_command (out, "network", &n);
  }
  for (i = 0; i < ks->nr_vms; ++i) {
    const struct ks_vm *v = &ks->vms[i];
    print_command (out, "vm", &v->vm);
    for (j = 0; j < v->nr_disks; ++j)
      print_command (out, "disk", &v->disks[j]);
    for (j = 0; j < v->nr_netmaps; ++j)
      print_map (out, &v->netmaps[j]);
  }
  print_section (out, "%pre", ks->pre);
  print_section (out, "%post", ks->post);
  print_section (out, "%onerror", ks->onerror);
  switch (ks->base.after) {
  case V2V_AFTER_POWEROFF: fputs ("poweroff\n", out); break;
  case V2V_AFTER_REBOOT: fputs ("reboot\n", out); break;
  case V2V_AFTER_SHELL: fputs ("shell\n", out); break;
  case V2V_AFTER_NONE: break;
  }
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
