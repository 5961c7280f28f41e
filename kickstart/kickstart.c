/* Kickstart parser: split the text into lines and %sections, tokenise
 * each command line, set its options through the command table, then
 * check the whole (nbdkit's .config then .config_complete).  Every
 * problem is reported, as FILE:LINE:COL, before the parse fails.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/vector.h"
#include "ks_table.h"

#define MAX_WORDS 64
#define MAX_OPTIONS 32           /* per command, in the table */

static void parse_text (struct ks_ctx *ctx, const char *name,
                        const char *text, size_t len);
static void include (struct ks_ctx *ctx, char *url);

/* ---- setting one option ---- */

static void
set_option (struct ks_ctx *ctx, const struct ks_command *cmd,
            const struct ks_option *opt, void *target, const char *value)
{
  char *field = (char *) target + opt->offset;
  size_t i;

  switch (opt->type) {
  case KS_FLAG:
    if (value)
      ks_err (ctx, "%s: --%s takes no value", cmd->name, opt->name);
    else
      *(bool *) field = true;
    return;
  case KS_STRING:
    if (value[0] == '\0')
      ks_err (ctx, "%s: --%s: empty value", cmd->name, opt->name);
    else if ((*(char **) field = strdup (value)) == NULL)
      ks_err (ctx, "out of memory");
    return;
  case KS_UINT: {
    char *end;
    unsigned long v;
    errno = 0;
    v = strtoul (value, &end, 10);
    if (!isdigit ((unsigned char) value[0]) || *end != '\0' || errno != 0 ||
        v < opt->min || v > opt->max)
      ks_err (ctx, "%s: --%s=%s: expected a whole number from %u to %u",
              cmd->name, opt->name, value, opt->min, opt->max);
    else
      *(unsigned *) field = (unsigned) v;
    return;
  }
  case KS_ENUM:
    for (i = 0; opt->choices[i]; ++i) {
      if (opt->choices[i][0] && strcmp (opt->choices[i], value) == 0) {
        *(int *) field = (int) i;
        return;
      }
    }
    ks_err (ctx, "%s: --%s=%s: expected %s", cmd->name, opt->name, value,
            opt->metavar);
    return;
  }
}

/* ---- tokenising ---- */

/* Split a line into words in place: "..." and '...' quote, \ escapes
 * outside single quotes, # starts a comment at the start of a word.
 * cols[i] is the column where word i starts.  Returns the number of
 * words, or -1 with the error reported.
 */
static int
split_words (struct ks_ctx *ctx, char *line, char **words, int *cols)
{
  char *r = line, *w;
  int n = 0;

  for (;;) {
    char quote = 0;
    while (*r == ' ' || *r == '\t')
      r++;
    if (*r == '\0' || *r == '#')
      return n;
    ctx->col = (int) (r - line) + 1;
    if (n == MAX_WORDS) {
      ks_err (ctx, "too many words on one line (at most %d)", MAX_WORDS);
      return -1;
    }
    cols[n] = ctx->col;
    words[n++] = w = r;
    for (; *r; ++r) {
      if (quote) {
        if (*r == quote) { quote = 0; continue; }
        if (*r == '\\' && quote == '"' && (r[1] == '"' || r[1] == '\\'))
          r++;
        *w++ = *r;
      }
      else if (*r == '"' || *r == '\'')
        quote = *r;
      else if (*r == ' ' || *r == '\t')
        break;
      else {
        if (*r == '\\' && r[1])
          r++;
        *w++ = *r;
      }
    }
    if (quote) {
      ks_err (ctx, "unterminated %c quote", quote);
      return -1;
    }
    if (*r)
      r++;
    *w = '\0';
  }
}

static void
unknown_command (struct ks_ctx *ctx, const char *word)
{
  const char *s = ks_suggest_command (word);

  if (s)
    ks_err (ctx, "unknown command '%s' (did you mean '%s'?)", word, s);
  else
    ks_err (ctx, "unknown command '%s'", word);
}

/* One option word (words[*i]), with its value in the word or the next.
 * seen[] marks the options this line has set already.
 */
static void
parse_option (struct ks_ctx *ctx, const struct ks_command *cmd, void *target,
              char **words, int *cols, int n, int *i, bool *seen)
{
  char *name = words[*i], *value = NULL, *eq;
  const struct ks_option *opt;

  ctx->col = cols[*i];
  if (strncmp (name, "--", 2) != 0) {
    opt = cmd->positional ? ks_find_option (cmd, cmd->positional) : NULL;
    if (opt == NULL) {
      ks_err (ctx, "%s: unexpected '%s' (options look like --name=value)",
              cmd->name, name);
      return;
    }
    value = name;
  }
  else {
    name += 2;
    eq = strchr (name, '=');
    if (eq) {
      *eq = '\0';
      value = eq + 1;
    }
    opt = ks_find_option (cmd, name);
  }
  if (opt == NULL) {
    const char *s = ks_suggest_option (cmd, name);
    if (s)
      ks_err (ctx, "%s: unknown option --%s (did you mean --%s?)",
              cmd->name, name, s);
    else if (cmd->options[0].name == NULL)
      ks_err (ctx, "%s: takes no options", cmd->name);
    else
      ks_err (ctx, "%s: unknown option --%s", cmd->name, name);
    return;
  }
  if (value == NULL && opt->type != KS_FLAG) {
    if (*i + 1 < n && strncmp (words[*i + 1], "--", 2) != 0)
      value = words[++*i];
    else {
      ks_err (ctx, "%s: --%s needs a value (--%s=%s)", cmd->name,
              opt->name, opt->name, opt->metavar);
      return;
    }
  }
  if (seen[opt - cmd->options]) {
    ks_err (ctx, "%s: --%s given twice", cmd->name, opt->name);
    return;
  }
  seen[opt - cmd->options] = true;
  set_option (ctx, cmd, opt, target, value);
}

static void
parse_line (struct ks_ctx *ctx, char *line)
{
  char *words[MAX_WORDS];
  int cols[MAX_WORDS];
  bool seen[MAX_OPTIONS] = { false };
  int n, i, errors = ctx->errors;
  const struct ks_command *cmd;
  void *target;

  n = split_words (ctx, line, words, cols);
  if (n <= 0)
    return;
  ctx->col = cols[0];
  cmd = ks_find_command (words[0]);
  if (cmd == NULL) {
    unknown_command (ctx, words[0]);
    return;
  }
  target = cmd->target (ctx);
  if (target == NULL)
    return;
  for (i = 1; i < n; ++i)
    parse_option (ctx, cmd, target, words, cols, n, &i, seen);
  ctx->col = cols[0];
  if (cmd->complete)
    cmd->complete (ctx, target, ctx->errors != errors);
  if (ctx->include_url) {
    char *url = ctx->include_url;
    ctx->include_url = NULL;
    include (ctx, url);
  }
}

/* ---- sections ---- */

static char **
section_body (struct ks_ctx *ctx, const char *header)
{
  struct ks_file *ks = ctx->ks;

  if (strcmp (header, "%pre") == 0) return &ks->pre;
  if (strcmp (header, "%post") == 0) return &ks->post;
  if (strcmp (header, "%onerror") == 0) return &ks->onerror;
  return NULL;
}

/* A "%name" line that opens a section: returns where its body goes, or
 * NULL (error reported).
 */
static char **
open_section (struct ks_ctx *ctx, char *line)
{
  char *words[MAX_WORDS];
  int cols[MAX_WORDS];
  int n = split_words (ctx, line, words, cols);
  char **body;

  if (n <= 0)
    return NULL;
  ctx->col = cols[0];
  body = section_body (ctx, words[0]);
  if (body == NULL) {
    if (strcmp (words[0], "%end") == 0)
      ks_err (ctx, "%%end without a section to end");
    else
      ks_err (ctx, "unknown section '%s' (expected %%pre, %%post or "
              "%%onerror)", words[0]);
    return NULL;
  }
  if (n > 1) {
    ctx->col = cols[1];
    ks_err (ctx, "%s: takes no options (the body is run by /bin/sh)",
            words[0]);
  }
  if (*body) {
    ks_err (ctx, "%s: given twice", words[0]);
    return NULL;
  }
  *body = strdup ("");
  if (*body == NULL) {
    ks_err (ctx, "out of memory");
    return NULL;
  }
  return body;
}

/* Append a line to a section's body of *blen bytes in *bcap: the buffer
 * doubles, so a body of many short lines costs linear time.
 */
static void
append_line (struct ks_ctx *ctx, char **body, size_t *blen, size_t *bcap,
             const char *line, size_t len)
{
  void *b = *body;

  if (v2v_vector_reserve (&b, bcap, *blen, len + 2, 1) == -1) {
    ks_err (ctx, "out of memory");
    return;
  }
  *body = b;
  memcpy (*body + *blen, line, len);
  (*body)[*blen + len] = '\n';
  (*body)[*blen + len + 1] = '\0';
  *blen += len + 1;
}

static bool
is_end (const char *line, size_t len)
{
  while (len > 0 && isspace ((unsigned char) line[len - 1]))
    len--;
  while (len > 0 && isspace ((unsigned char) *line))
    line++, len--;
  return len == 4 && memcmp (line, "%end", 4) == 0;
}

/* ---- the text ---- */

/* The next physical line of [*p, end): its length without the newline
 * (and a \r before it); *p moves past it.
 */
static size_t
next_line (const char **p, const char *end, const char **start)
{
  const char *eol = memchr (*p, '\n', (size_t) (end - *p));
  size_t l = eol ? (size_t) (eol - *p) : (size_t) (end - *p);

  *start = *p;
  *p = eol ? eol + 1 : end;
  if (l > 0 && (*start)[l - 1] == '\r')
    l--;
  return l;
}

static bool
valid_utf8 (const unsigned char *s, size_t n)
{
  size_t i = 0, k, more;

  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf) more = 1;
    else if ((c & 0xf0) == 0xe0) more = 2;
    else if (c >= 0xf0 && c <= 0xf4) more = 3;
    else return false;
    for (k = 1; k <= more; ++k)
      if (i + k >= n || (s[i + k] & 0xc0) != 0x80)
        return false;
    i += more + 1;
  }
  return true;
}

/* ---- includes ---- */

/* Before fetching an include of url: false, with the error reported
 * once, when it would go past KS_MAX_INCLUDE_DEPTH or KS_MAX_INCLUDES;
 * after such an error every later include is refused without a word.
 */
static bool
include_begin (struct ks_ctx *ctx, const char *url)
{
  if (ctx->include_stop)
    return false;
  if (ctx->depth >= KS_MAX_INCLUDE_DEPTH) {
    ks_err (ctx, "include %s: more than %d includes deep (does it include "
            "itself?)", url, KS_MAX_INCLUDE_DEPTH);
    ctx->include_stop = true;
    return false;
  }
  if (ctx->nr_included >= KS_MAX_INCLUDES) {
    ks_err (ctx, "include %s: more than %d files included in all, nested "
            "ones counted (the limit of a kickstart): include each shared "
            "file once", url, KS_MAX_INCLUDES);
    ctx->include_stop = true;
    return false;
  }
  ctx->nr_included++;
  return true;
}

/* The text of an include, before it is parsed: false (error reported at
 * the include line) when the included files together would pass
 * KS_MAX_INCLUDE_BYTES.
 */
static bool
include_fits (struct ks_ctx *ctx, const char *name, size_t len)
{
  if (len > KS_MAX_INCLUDE_BYTES - ctx->included_bytes) {
    ks_err (ctx, "include %s: the included files would pass %d bytes in "
            "all (the limit of a kickstart, nested ones counted)", name,
            KS_MAX_INCLUDE_BYTES);
    ctx->include_stop = true;
    return false;
  }
  ctx->included_bytes += len;
  return true;
}

/* An include line's URL (owned): fetched, and its text read as if it
 * stood in place of the line.
 */
static void
include (struct ks_ctx *ctx, char *url)
{
  struct ks_file *ks = ctx->ks;
  char **slot, *text = NULL, *error = NULL;
  size_t len = 0;

  if (!include_begin (ctx, url)) {
    free (url);
    return;
  }
  slot = ks_append (ctx, &ks->includes, &ks->nr_includes, &ctx->cap_includes,
                    sizeof *slot, SIZE_MAX);
  if (slot == NULL) {
    free (url);
    return;
  }
  *slot = url;
  if (ctx->opts == NULL || ctx->opts->fetch == NULL) {
    ks_err (ctx, "include %s: including is not possible here", url);
    return;
  }
  if (ctx->opts->fetch (url, &text, &len, &error, ctx->opts->opaque) == -1) {
    ks_err (ctx, "include %s: %s", url, error ? error : "cannot fetch");
    free (error);
    return;
  }
  ctx->depth++;
  parse_text (ctx, url, text, len);
  ctx->depth--;
  free (text);
}

/* More kickstart text into ctx->ks: the main file, or an include. */
static void
parse_text (struct ks_ctx *ctx, const char *name, const char *text,
            size_t len)
{
  const char *saved_name = ctx->name, *p = text, *end = text + len;
  int saved_line = ctx->line, section_line = 0;
  char **section = NULL;
  size_t section_len = 0, section_cap = 0;
  char *line;

  if (ctx->depth > 0 && !include_fits (ctx, name, len))
    return;
  ctx->name = name;
  ctx->line = 0;
  ctx->col = 0;
  if (len > KS_MAX_FILE) {
    ks_err (ctx, "larger than %d bytes: is this a kickstart?", KS_MAX_FILE);
    goto out;
  }
  line = malloc (KS_MAX_LINE + 1);
  if (line == NULL) {
    ks_err (ctx, "out of memory");
    goto out;
  }
  while (p < end) {
    size_t n = 0;
    bool too_long = false, bad = false;
    const char *start;
    size_t l;

    ctx->line++;
    ctx->col = 0;
    l = next_line (&p, end, &start);
    if (section) {
      if (is_end (start, l))
        section = NULL;
      else if (memchr (start, '\0', l) || l > KS_MAX_LINE)
        ks_err (ctx, "NUL byte or overlong line in a section");
      else
        append_line (ctx, section, &section_len, &section_cap, start, l);
      continue;
    }
    /* Join continuation lines ending in a backslash. */
    for (;;) {
      if (memchr (start, '\0', l) || !valid_utf8 ((const unsigned char *) start, l))
        bad = true;
      if (n + l > KS_MAX_LINE)
        too_long = true;
      else {
        memcpy (line + n, start, l);
        n += l;
      }
      if (!too_long && n > 0 && line[n - 1] == '\\' && p < end) {
        n--;
        ctx->line++;
        l = next_line (&p, end, &start);
        continue;
      }
      break;
    }
    line[n] = '\0';
    if (bad)
      ks_err (ctx, "NUL byte or invalid UTF-8: is this a text file?");
    else if (too_long)
      ks_err (ctx, "line longer than %d bytes", KS_MAX_LINE);
    else {
      const char *s = line + strspn (line, " \t");
      if (s[0] == '%') {
        section = open_section (ctx, line);
        if (section) {
          section_line = ctx->line;
          section_len = 0;
          section_cap = 1;      /* open_section's strdup ("") */
        }
      }
      else
        parse_line (ctx, line);
    }
  }
  free (line);
  if (section) {
    ctx->line = section_line;
    ctx->col = 1;
    ks_err (ctx, "section not closed: add a line %%end after its body");
  }
 out:
  ctx->name = saved_name;
  ctx->line = saved_line;
}

/* ---- the whole ---- */

int
ks_parse_string (const char *name, const char *text, size_t len,
                 const struct ks_parse_opts *opts, struct ks_file *ks,
                 FILE *errs)
{
  struct ks_ctx ctx = { .name = name, .errs = errs, .ks = ks, .opts = opts,
                        .main_name = name };

  parse_text (&ctx, name, text, len);
  ks_validate (&ctx);
  free (ctx.early_disks);       /* moved into the VM by ks_validate, or
                                   reported */
  return ctx.errors ? -1 : 0;
}

int
ks_parse_file (const char *file, const struct ks_parse_opts *opts,
               struct ks_file *ks, FILE *errs)
{
  FILE *f = fopen (file, "re");
  char *buf;
  size_t n;
  int r;

  if (f == NULL) {
    fprintf (errs, "%s: %s\n", file, strerror (errno));
    return -1;
  }
  buf = malloc (KS_MAX_FILE + 1);
  if (buf == NULL) {
    fprintf (errs, "%s: out of memory\n", file);
    fclose (f);
    return -1;
  }
  n = fread (buf, 1, KS_MAX_FILE + 1, f);
  if (ferror (f)) {
    fprintf (errs, "%s: %s\n", file, strerror (errno));
    fclose (f);
    free (buf);
    return -1;
  }
  fclose (f);
  r = ks_parse_string (file, buf, n, opts, ks, errs);
  free (buf);
  return r;
}

/* A VM's own parts, freed as a config holding only them. */
static void
free_vm (struct ks_vm *v)
{
  struct v2v_config c = {
    .vm = v->vm, .disks = v->disks, .nr_disks = v->nr_disks,
    .netmaps = v->netmaps, .nr_netmaps = v->nr_netmaps,
  };

  v2v_config_free (&c);
}

void
ks_free (struct ks_file *ks)
{
  size_t i;

  v2v_config_free (&ks->base);
  for (i = 0; i < ks->nr_vms; ++i)
    free_vm (&ks->vms[i]);
  free (ks->vms);
  for (i = 0; i < ks->nr_nics; ++i)
    ks_nic_free (&ks->nics[i]);
  free (ks->nics);
  free (ks->pre);
  free (ks->post);
  free (ks->onerror);
  free (ks->log_file);
  free (ks->log_remote);
  for (i = 0; i < ks->nr_includes; ++i)
    free (ks->includes[i]);
  free (ks->includes);
  memset (ks, 0, sizeof *ks);
}

void
ks_vm_config (const struct ks_file *ks, size_t i, struct v2v_config *cfg)
{
  const struct ks_vm *v = &ks->vms[i];

  *cfg = ks->base;
  cfg->vm = v->vm;
  cfg->disks = v->disks;
  cfg->nr_disks = v->nr_disks;
  cfg->netmaps = v->netmaps;
  cfg->nr_netmaps = v->nr_netmaps;
}
