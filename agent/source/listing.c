/* Directory listing pages of a datastore (ESXi's /folder browser, or any
 * server's index of the same tree): the entries they link to, decoded
 * from HTML and percent-encoding.  Pure (no network) so that it can be
 * fuzzed (tests/fuzz/fuzz-listing.c).  The page comes from the source
 * server and is hostile: a name that decodes to a NUL byte or a '/' is
 * dropped, since no datastore file has one; anything else is passed on
 * as is, for the caller to quote (ks_quote) when it prints it.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "internal.h"

static int
hexval (char c)
{
  return isdigit ((unsigned char) c) ? c - '0'
    : isxdigit ((unsigned char) c) ? (tolower ((unsigned char) c) - 'a' + 10)
    : -1;
}

static const struct { const char *entity; char c; } entities[] = {
  { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
  { "&#39;", '\'' }, { "&#x27;", '\'' }, { NULL, 0 },
};

/* The HTML character references of an attribute value, in place. */
static void
html_decode (char *s)
{
  char *w = s;
  size_t i;

  while (*s) {
    for (i = 0; entities[i].entity; ++i) {
      size_t n = strlen (entities[i].entity);
      if (strncmp (s, entities[i].entity, n) == 0) {
        *w++ = entities[i].c;
        s += n;
        break;
      }
    }
    if (entities[i].entity == NULL)
      *w++ = *s++;
  }
  *w = '\0';
}

int
v2v_percent_decode (char *s)
{
  char *w = s;
  int r = 0;

  for (; *s; ++s) {
    if (*s == '%' && hexval (s[1]) >= 0 && hexval (s[2]) >= 0) {
      char c = (char) (hexval (s[1]) * 16 + hexval (s[2]));
      if (c == '\0')
        r = -1;
      *w++ = c;
      s += 2;
    }
    else
      *w++ = *s;
  }
  *w = '\0';
  return r;
}

/* A name as a datastore file can have it: decoded, not empty, no NUL
 * byte and no '/'.
 */
static bool
decode_name (char *s)
{
  return v2v_percent_decode (s) == 0 && s[0] != '\0' && strchr (s, '/') == NULL;
}

void
v2v_listing_parse (char *page, bool want_ds, v2v_listing_fn fn, void *opaque)
{
  char *p = page;

  while ((p = strstr (p, "href=\"")) != NULL) {
    char *href = p + 6, *end = strchr (href, '"'), *q, *name;
    bool dir;
    size_t n;

    if (end == NULL)
      break;
    *end = '\0';
    p = end + 1;
    html_decode (href);
    q = strchr (href, '?');
    if (q)
      *q++ = '\0';
    if (want_ds && q) {
      char *ds = strstr (q, "dsName=");
      if (ds) {
        ds += 7;
        ds[strcspn (ds, "&")] = '\0';
        if (decode_name (ds) && fn (ds, true, opaque) != 0)
          return;
        continue;
      }
    }
    if (strchr (href, ':'))
      continue;                 /* another server, or mailto: and such */
    n = strlen (href);
    dir = n > 0 && href[n - 1] == '/';
    if (dir)
      href[--n] = '\0';
    name = strrchr (href, '/');
    name = name ? name + 1 : href;
    if (!decode_name (name) || name[0] == '.' || strcmp (name, "folder") == 0)
      continue;
    if (!dir && href[0] == '/' && strchr (name, '.') == NULL)
      dir = true;               /* ESXi: /folder/DIR?dcPath=... */
    if (fn (name, dir, opaque) != 0)
      return;
  }
}
