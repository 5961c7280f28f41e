/* Writing strings into kickstart text: one word that our own parser
 * (split_words in kickstart.c) reads back as the same string, or a
 * refusal with the reason; and an escaped form for comments, that shows
 * any string on one line.  Everything the project prints as kickstart
 * (list-vms, dump-config, the wizard's saved kickstart) goes through
 * these: names come from datastores, .vmx files and guests, and are
 * hostile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kickstart.h"

/* Length of the UTF-8 sequence at s as the parser accepts it (its
 * valid_utf8), or 0 if the parser would refuse the line.
 */
static size_t
utf8_len (const unsigned char *s)
{
  size_t more, k;

  if (s[0] < 0x80)
    return 1;
  if (s[0] >= 0xc2 && s[0] <= 0xdf) more = 1;
  else if ((s[0] & 0xf0) == 0xe0) more = 2;
  else if (s[0] >= 0xf0 && s[0] <= 0xf4) more = 3;
  else return 0;
  for (k = 1; k <= more; ++k)
    if ((s[k] & 0xc0) != 0x80)
      return 0;
  return more + 1;
}

/* C0 controls, DEL, and C1 controls (U+0080 to U+009F, as UTF-8). */
static bool
is_control (const unsigned char *s, size_t n)
{
  return (n == 1 && (s[0] < 0x20 || s[0] == 0x7f)) ||
         (n == 2 && s[0] == 0xc2 && s[1] < 0xa0);
}

/* Bytes of ks_quote's output for str (with its quotes, if any). */
static size_t
quoted_len (const char *str, bool plain)
{
  size_t n = strlen (str) + (plain ? 0 : 2);

  if (!plain)
    for (; *str; ++str)
      n += *str == '"' || *str == '\\';
  return n;
}

char *
ks_quote (const char *str, const char **why)
{
  const unsigned char *s = (const unsigned char *) str;
  size_t len = strlen (str), i, n, w;
  bool plain = len > 0 && strpbrk (str, " \t\"'\\#[]") == NULL;
  char *out;

  *why = NULL;
  for (i = 0; i < len; i += n) {
    n = utf8_len (s + i);
    if (n == 0) {
      *why = "it is not valid UTF-8";
      return NULL;
    }
    if (s[i] == '\n' || s[i] == '\r') {
      *why = "it holds a line break, which a kickstart word cannot hold";
      return NULL;
    }
    if (s[i] != '\t' && is_control (s + i, n)) {
      *why = "it holds a control character";
      return NULL;
    }
  }
  if (quoted_len (str, plain) > KS_MAX_WORD) {
    *why = "it is too long for a kickstart line";
    return NULL;
  }
  out = malloc (2 * len + 3);
  if (out == NULL) {
    *why = "out of memory";
    return NULL;
  }
  if (plain) {
    memcpy (out, str, len + 1);
    return out;
  }
  w = 0;
  out[w++] = '"';
  for (i = 0; i < len; ++i) {
    if (s[i] == '"' || s[i] == '\\')
      out[w++] = '\\';
    out[w++] = (char) s[i];
  }
  out[w++] = '"';
  out[w] = '\0';
  return out;
}

/* Whether ks_escape may show str as it is. */
static bool
printable (const unsigned char *s, size_t len)
{
  size_t i, n;

  for (i = 0; i < len; i += n) {
    n = utf8_len (s + i);
    if (n == 0 || is_control (s + i, n) || s[i] == '"' || s[i] == '\\')
      return false;
  }
  return true;
}

char *
ks_escape (const char *str, size_t max)
{
  const unsigned char *s = (const unsigned char *) str;
  size_t len = strlen (str), i, n, w = 0;
  char *out;

  if (len <= max && printable (s, len))
    return strdup (str);
  out = malloc (4 * (max < len ? max : len) + 8);
  if (out == NULL)
    return NULL;
  out[w++] = '"';
  for (i = 0; i < len && i < max; i += n) {
    n = utf8_len (s + i);
    if (n > 0 && i + n > max)
      break;
    if (n == 0 || is_control (s + i, n)) {
      n = 1;
      switch (s[i]) {
      case '\n': memcpy (out + w, "\\n", 2); w += 2; break;
      case '\r': memcpy (out + w, "\\r", 2); w += 2; break;
      case '\t': memcpy (out + w, "\\t", 2); w += 2; break;
      default:
        w += (size_t) snprintf (out + w, 5, "\\x%02x", s[i]);
      }
    }
    else if (s[i] == '"' || s[i] == '\\') {
      out[w++] = '\\';
      out[w++] = (char) s[i];
    }
    else {
      memcpy (out + w, s + i, n);
      w += n;
    }
  }
  out[w++] = '"';
  if (i < len) {
    memcpy (out + w, "...", 3);
    w += 3;
  }
  out[w] = '\0';
  return out;
}
