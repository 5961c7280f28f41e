/* Reading fields of the agent's JSON events: one object per line, flat
 * but for the summary's list, strings with the escapes the agent writes
 * (\" \\ \n \uXXXX).  A value is found by its key at the top level.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wizard.h"

/* Where the value of "key" starts, or NULL. */
static const char *
find (const char *line, const char *key)
{
  char pat[80];
  const char *p = line;
  int depth = 0;

  snprintf (pat, sizeof pat, "\"%s\":", key);
  for (; *p; ++p) {
    if (*p == '"') {            /* skip a string, or match the key */
      if (depth == 1 && strncmp (p, pat, strlen (pat)) == 0)
        return p + strlen (pat);
      for (++p; *p && *p != '"'; ++p)
        if (*p == '\\' && p[1])
          ++p;
      if (!*p)
        return NULL;
    }
    else if (*p == '{' || *p == '[')
      depth++;
    else if (*p == '}' || *p == ']')
      depth--;
  }
  return NULL;
}

bool
json_get_string (const char *line, const char *key, char *buf, size_t len)
{
  const char *p = find (line, key);
  size_t n = 0;

  if (p == NULL || *p != '"' || len == 0)
    return false;
  for (++p; *p && *p != '"' && n + 1 < len; ++p) {
    char c = *p;
    if (c == '\\') {
      ++p;
      if (*p == 'n') c = '\n';
      else if (*p == 'u' && strlen (p) >= 5) {
        c = (char) strtol ((char[]) { p[1], p[2], p[3], p[4], 0 }, NULL, 16);
        p += 4;
      }
      else if (*p) c = *p;
      else break;
    }
    buf[n++] = c;
  }
  buf[n] = '\0';
  return true;
}

bool
json_get_number (const char *line, const char *key, double *v)
{
  const char *p = find (line, key);
  char *end;

  if (p == NULL)
    return false;
  *v = strtod (p, &end);
  return end != p;
}

bool
json_get_bool (const char *line, const char *key, bool *v)
{
  const char *p = find (line, key);

  if (p == NULL)
    return false;
  if (strncmp (p, "true", 4) == 0)
    *v = true;
  else if (strncmp (p, "false", 5) == 0)
    *v = false;
  else
    return false;
  return true;
}
