/* The booted image's kernel command line: where the kickstart is
 * (v2v.ks=URL and its v2v.ks.* settings), or the kickstart itself as
 * v2v.COMMAND.OPTION=VALUE keys, turned into kickstart lines so that the
 * one parser checks them.
 *
 * Words are split at spaces; double quotes group ("v2v.vm.vmx=[ds] a/a.vmx"
 * or v2v.vm.vmx="[ds] a/a.vmx") and are removed, so a value cannot hold
 * a double quote (as with the kernel's own parameters).  An option joins the
 * last line of its command unless that line has it already; then a new
 * line starts (vm, disk, network and include may repeat).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kickstart.h"
#include "ks_table.h"

#define MAX_CMDLINE 65536
#define MAX_GEN_LINES 256

struct gen_line {
  const struct ks_command *cmd;
  char *text;
  const struct ks_option *set[32];
  size_t nr_set;
};

static bool
repeatable (const struct ks_command *cmd)
{
  return strcmp (cmd->name, "vm") == 0 || strcmp (cmd->name, "disk") == 0 ||
         strcmp (cmd->name, "network") == 0 ||
         strcmp (cmd->name, "include") == 0;
}

static int
out_of_memory (FILE *errs)
{
  fprintf (errs, "kernel command line: out of memory\n");
  return -1;
}

static int
append (char **text, FILE *errs, const char *fmt, const char *a,
        const char *b)
{
  char *s;

  if (asprintf (&s, fmt, *text ? *text : "", a, b ? b : "") == -1)
    return out_of_memory (errs);
  free (*text);
  *text = s;
  return 0;
}

/* " --opt" or " --opt=\"value\"", the value quoted by ks_quote (quotes
 * never reach here: the splitter removes them); a value that a
 * kickstart line cannot hold (a newline, a control character) is an
 * error.
 */
static int
append_option (struct gen_line *l, const struct ks_option *opt,
               const char *value, FILE *errs, const char *key)
{
  const char *why;
  char *q;
  int r;

  if (l->nr_set == sizeof l->set / sizeof l->set[0])
    return -1;
  l->set[l->nr_set++] = opt;
  if (value == NULL)
    return append (&l->text, errs, "%s --%s", opt->name, NULL);
  q = ks_quote (value, &why);
  if (q == NULL) {
    fprintf (errs, "kernel command line: %s: %s\n", key, why);
    return -1;
  }
  /* Plain words are quoted too: they hold no '"' or '\\'. */
  r = append (&l->text, errs,
              q[0] == '"' ? "%s --%s=%s" : "%s --%s=\"%s\"", opt->name, q);
  free (q);
  return r;
}

static struct gen_line *
line_for (struct gen_line *lines, size_t *n, const struct ks_command *cmd,
          const struct ks_option *opt, FILE *errs, const char *key)
{
  size_t i, k;

  for (i = *n; i-- > 0;) {
    if (lines[i].cmd != cmd)
      continue;
    for (k = 0; k < lines[i].nr_set; ++k)
      if (lines[i].set[k] == opt)
        break;
    if (k == lines[i].nr_set)
      return &lines[i];
    if (!repeatable (cmd)) {
      fprintf (errs, "kernel command line: %s given twice\n", key);
      return NULL;
    }
    break;
  }
  if (*n == MAX_GEN_LINES) {
    fprintf (errs, "kernel command line: too many v2v keys\n");
    return NULL;
  }
  memset (&lines[*n], 0, sizeof lines[*n]);
  lines[*n].cmd = cmd;
  lines[*n].text = strdup (cmd->name);
  if (lines[*n].text == NULL) {
    out_of_memory (errs);
    return NULL;
  }
  return &lines[(*n)++];
}

/* One v2v.CMD[.OPTION][=VALUE] key (without "v2v."). */
static int
command_key (const char *key, char *rest, const char *value,
             struct gen_line *lines, size_t *n, FILE *errs)
{
  char *dot = strchr (rest, '.');
  const struct ks_command *cmd;
  const struct ks_option *opt = NULL;
  struct gen_line *l;

  if (dot)
    *dot = '\0';
  cmd = ks_find_command (rest);
  if (cmd == NULL) {
    const char *s = ks_suggest_command (rest);
    fprintf (errs, "kernel command line: %s: unknown command '%s'%s%s%s\n",
             key, rest, s ? " (did you mean v2v." : "", s ? s : "",
             s ? "?)" : "");
    return -1;
  }
  if (dot == NULL) {
    if (value || cmd->options[0].name) {
      fprintf (errs, "kernel command line: %s: expected v2v.%s.OPTION=VALUE"
               "\n", key, cmd->name);
      return -1;
    }
    l = line_for (lines, n, cmd, NULL, errs, key);
    return l ? 0 : -1;
  }
  opt = ks_find_option (cmd, dot + 1);
  if (opt == NULL) {
    const char *s = ks_suggest_option (cmd, dot + 1);
    fprintf (errs, "kernel command line: %s: %s has no option --%s%s%s%s\n",
             key, cmd->name, dot + 1, s ? " (did you mean --" : "",
             s ? s : "", s ? "?)" : "");
    return -1;
  }
  if ((opt->type == KS_FLAG) != (value == NULL)) {
    fprintf (errs, "kernel command line: %s: %s\n", key,
             opt->type == KS_FLAG ? "takes no value"
             : "needs a value (KEY=VALUE)");
    return -1;
  }
  l = line_for (lines, n, cmd, opt, errs, key);
  if (l == NULL || append_option (l, opt, value, errs, key) == -1)
    return -1;
  return 0;
}

static int
ks_key (struct ks_cmdline *cl, const char *key, const char *value,
        FILE *errs)
{
  char **field = NULL;

  if (strcmp (key, "v2v.ks") == 0) field = &cl->ks_url;
  else if (strcmp (key, "v2v.ks.cacert") == 0) field = &cl->ks_cacert;
  else if (strcmp (key, "v2v.ks.thumbprint") == 0) field = &cl->ks_thumbprint;
  else if (strcmp (key, "v2v.ks.retry") == 0) {
    char *end;
    unsigned long v;
    errno = 0;
    v = value ? strtoul (value, &end, 10) : 0;
    if (value == NULL || value[0] < '0' || value[0] > '9' || *end ||
        errno || v > 100) {
      fprintf (errs, "kernel command line: v2v.ks.retry=%s: expected a "
               "whole number from 0 to 100\n", value ? value : "");
      return -1;
    }
    cl->ks_retry = (unsigned) v;
    return 0;
  }
  else {
    fprintf (errs, "kernel command line: %s: unknown (expected v2v.ks, "
             "v2v.ks.cacert, v2v.ks.thumbprint or v2v.ks.retry)\n", key);
    return -1;
  }
  if (value == NULL || value[0] == '\0') {
    fprintf (errs, "kernel command line: %s needs a value (%s=...)\n", key,
             key);
    return -1;
  }
  if (*field) {
    fprintf (errs, "kernel command line: %s given twice\n", key);
    return -1;
  }
  *field = strdup (value);
  return *field ? 0 : out_of_memory (errs);
}

/* The next word of the command line, quotes removed, into buf. */
static const char *
next_word (const char *p, char *buf, size_t *len)
{
  bool quoted = false;
  size_t n = 0;

  while (*p == ' ' || *p == '\t' || *p == '\n')
    p++;
  for (; *p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n')); ++p) {
    if (*p == '"')
      quoted = !quoted;
    else
      buf[n++] = *p;
  }
  buf[n] = '\0';
  *len = n;
  return p;
}

int
ks_cmdline_parse (const char *cmdline, struct ks_cmdline *cl, FILE *errs)
{
  struct gen_line *lines = NULL;
  size_t n = 0, i, len;
  const char *p = cmdline;
  char *word = NULL;
  int errors = 0;

  memset (cl, 0, sizeof *cl);
  cl->ks_retry = 3;
  if (strlen (cmdline) > MAX_CMDLINE) {
    fprintf (errs, "kernel command line: longer than %d bytes\n",
             MAX_CMDLINE);
    return -1;
  }
  word = malloc (strlen (cmdline) + 1);
  lines = calloc (MAX_GEN_LINES, sizeof *lines);
  if (word == NULL || lines == NULL) {
    free (word);
    free (lines);
    return out_of_memory (errs);
  }
  for (;;) {
    char *eq;
    const char *value = NULL;

    p = next_word (p, word, &len);
    if (len == 0 && *p == '\0')
      break;
    if (strncmp (word, "v2v.", 4) != 0)
      continue;                 /* the kernel's or init's */
    eq = strchr (word, '=');
    if (eq) {
      *eq = '\0';
      value = eq + 1;
    }
    if (strcmp (word, "v2v.ks") == 0 || strncmp (word, "v2v.ks.", 7) == 0)
      errors += ks_key (cl, word, value, errs) == -1;
    else {
      char *rest = strdup (word + 4);
      if (rest == NULL)
        errors += out_of_memory (errs) == -1;
      else {
        errors += command_key (word, rest, value, lines, &n, errs) == -1;
        cl->nr_keys++;
        free (rest);
      }
    }
  }
  if (cl->ks_url && cl->nr_keys) {
    fprintf (errs, "kernel command line: give v2v.ks=URL or v2v.COMMAND."
             "OPTION keys, not both\n");
    errors++;
  }
  if ((cl->ks_cacert || cl->ks_thumbprint) && !cl->ks_url) {
    fprintf (errs, "kernel command line: v2v.ks.cacert and v2v.ks.thumbprint "
             "go with v2v.ks=https://...\n");
    errors++;
  }
  for (i = 0; i < n; ++i) {
    if (errors == 0 && lines[i].text &&
        append (&cl->text, errs, "%s%s\n", lines[i].text, NULL) == -1)
      errors++;
    free (lines[i].text);
  }
  free (lines);
  free (word);
  return errors ? -1 : 0;
}

void
ks_cmdline_free (struct ks_cmdline *cl)
{
  free (cl->ks_url);
  free (cl->ks_cacert);
  free (cl->ks_thumbprint);
  free (cl->text);
  memset (cl, 0, sizeof *cl);
}
