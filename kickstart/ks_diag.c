/* Kickstart messages: errors and warnings at FILE:LINE:COL, and the
 * masking of a URL's password, which every message, log and dump goes
 * through.  The parser, the commands, the checks and the printer all
 * call here; this file calls none of them.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ks_table.h"

#define MASK "********"

char *
ks_mask_url (const char *s)
{
  const char *p = s, *sep, *at, *colon;
  char *r;

  if (!isalpha ((unsigned char) *p))
    return NULL;
  while (isalnum ((unsigned char) *p) || *p == '+' || *p == '-' || *p == '.')
    p++;
  if (strncmp (p, "://", 3) != 0)
    return NULL;
  p += 3;
  sep = p + strcspn (p, "/?#");
  at = memrchr (p, '@', (size_t) (sep - p));
  colon = at ? memchr (p, ':', (size_t) (at - p)) : NULL;
  if (colon == NULL)
    return NULL;
  if (asprintf (&r, "%.*s" MASK "%s", (int) (colon + 1 - s), s, at) == -1)
    return NULL;
  return r;
}

char *
ks_mask_urls (const char *text)
{
  char *out = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&out, &len);
  const char *p = text, *sep;

  if (f == NULL)
    return NULL;
  while ((sep = strstr (p, "://")) != NULL) {
    const char *auth = sep + 3;
    const char *end = auth + strcspn (auth, "/?# \t\r\n");
    const char *at = memrchr (auth, '@', (size_t) (end - auth));
    const char *colon = at ? memchr (auth, ':', (size_t) (at - auth)) : NULL;

    if (colon == NULL) {
      fwrite (p, 1, (size_t) (end - p), f);
    } else {
      fwrite (p, 1, (size_t) (colon + 1 - p), f);
      fputs (MASK, f);
      fwrite (at, 1, (size_t) (end - at), f);
    }
    p = end;
  }
  fputs (p, f);
  if (fclose (f) != 0) {
    free (out);
    return NULL;
  }
  return out;
}

/* One message, at the file and line; any URL in it (an include's, the
 * file's own name) with its password masked.
 */
static void
report (struct ks_ctx *ctx, const char *kind, const char *fmt, va_list ap)
{
  char *msg = NULL, *line = NULL, *shown;
  int r;

  if (vasprintf (&msg, fmt, ap) == -1) {
    fprintf (ctx->errs, "%s: out of memory\n", ctx->name);
    return;
  }
  if (ctx->line > 0)
    r = asprintf (&line, "%s:%d:%d: %s%s", ctx->name, ctx->line,
                  ctx->col > 0 ? ctx->col : 1, kind, msg);
  else
    r = asprintf (&line, "%s: %s%s", ctx->name, kind, msg);
  shown = r == -1 ? NULL : ks_mask_urls (line);
  fprintf (ctx->errs, "%s\n", shown ? shown : "kickstart: out of memory");
  free (shown);
  free (line);
  free (msg);
}

void
ks_err (struct ks_ctx *ctx, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  report (ctx, "", fmt, ap);
  va_end (ap);
  ctx->errors++;
}

void
ks_warn (struct ks_ctx *ctx, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  report (ctx, "warning: ", fmt, ap);
  va_end (ap);
}
