/* Print a configuration back as kickstart commands (dump-config), and the
 * list of every command and option, both from the command table.
 */
#include <stdio.h>
#include <string.h>

#include "kickstart.h"
#include "ks_table.h"

static const struct ks_command *
command (const char *name)
{
  const struct ks_command *c;

  for (c = ks_commands; c->name; ++c)
    if (strcmp (c->name, name) == 0)
      return c;
  return NULL;
}

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
  const struct ks_command *cmd = command (name);
  const struct ks_option *o;

  fputs (name, out);
  for (o = cmd->options; o->name; ++o) {
    const char *field = (const char *) target + o->offset;
    switch (o->type) {
    case KS_STRING:
      if (*(char *const *) field) {
        fprintf (out, " --%s=", o->name);
        print_quoted (out, *(char *const *) field);
      }
      break;
    case KS_UINT:
      if (*(const unsigned *) field)
        fprintf (out, " --%s=%u", o->name, *(const unsigned *) field);
      break;
    case KS_ENUM:
      if (o->choices[*(const int *) field][0])
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

void
ks_dump_config (const struct v2v_config *cfg, FILE *out)
{
  size_t i;

  print_command (out, "source", &cfg->source);
  print_command (out, "vm", &cfg->vm);
  for (i = 0; i < cfg->nr_disks; ++i)
    print_command (out, "disk", &cfg->disks[i]);
  print_command (out, "destination", &cfg->dest);
  for (i = 0; i < cfg->nr_netmaps; ++i) {
    fputs ("network --map=", out);
    {
      char buf[1024];
      snprintf (buf, sizeof buf, "%s=%s", cfg->netmaps[i].from,
                cfg->netmaps[i].to);
      print_quoted (out, buf);
    }
    fputc ('\n', out);
  }
  switch (cfg->after) {
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
