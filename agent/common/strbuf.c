/* A growable string, for the text transforms of guest files, and a
 * growable list of strings.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int
v2v_sb_add (struct v2v_strbuf *sb, const char *s, size_t n)
{
  if (sb->failed)
    return -1;
  if (sb->len + n + 1 > sb->cap) {
    size_t cap = (sb->len + n + 1) * 2;
    char *nb = realloc (sb->buf, cap);
    if (nb == NULL) {
      sb->failed = true;
      return -1;
    }
    sb->buf = nb;
    sb->cap = cap;
  }
  memcpy (sb->buf + sb->len, s, n);
  sb->len += n;
  sb->buf[sb->len] = '\0';
  return 0;
}

int
v2v_sb_puts (struct v2v_strbuf *sb, const char *s)
{
  return v2v_sb_add (sb, s, strlen (s));
}

int
v2v_sb_printf (struct v2v_strbuf *sb, const char *fmt, ...)
{
  va_list ap;
  char *s;
  int r;

  va_start (ap, fmt);
  r = vasprintf (&s, fmt, ap);
  va_end (ap);
  if (r == -1) {
    sb->failed = true;
    return -1;
  }
  r = v2v_sb_add (sb, s, (size_t) r);
  free (s);
  return r;
}

/* The string (caller frees), or NULL if any append failed. */
char *
v2v_sb_finish (struct v2v_strbuf *sb)
{
  if (sb->failed) {
    free (sb->buf);
    return NULL;
  }
  if (sb->buf == NULL)
    return strdup ("");
  return sb->buf;
}

/* The last max bytes of a (log) file.  Caller frees. */
char *
v2v_read_file_tail (const char *path, size_t max)
{
  FILE *f = fopen (path, "re");
  char *buf;
  size_t n;
  long size;

  if (f == NULL)
    return NULL;
  buf = malloc (max + 1);
  if (buf == NULL) {
    fclose (f);
    return NULL;
  }
  if (fseek (f, 0, SEEK_END) == 0 && (size = ftell (f)) > (long) max)
    fseek (f, size - (long) max, SEEK_SET);
  else
    fseek (f, 0, SEEK_SET);
  n = fread (buf, 1, max, f);
  buf[n] = '\0';
  fclose (f);
  return buf;
}

/* Append a copy of s.  0, or -1 with errno set and v unchanged. */
int
v2v_strvec_add (struct v2v_string_vector *v, const char *s)
{
  char *copy;

  if (v2v_string_vector_reserve (v, 2) == -1)   /* s and the NULL */
    return -1;
  copy = strdup (s);
  if (copy == NULL)
    return -1;
  v->ptr[v->len++] = copy;
  v->ptr[v->len] = NULL;
  return 0;
}

/* The NULL-terminated list (caller frees it and its strings; an empty
 * list when nothing was added), v empty again.  NULL when out of memory,
 * with v unchanged.
 */
int
v2v_strvec_addf (struct v2v_string_vector *v, const char *fmt, ...)
{
  va_list ap;
  char *s;
  int r;

  va_start (ap, fmt);
  r = vasprintf (&s, fmt, ap);
  va_end (ap);
  if (r == -1)
    return -1;
  r = v2v_strvec_add (v, s);
  free (s);
  return r;
}

char **
v2v_strvec_take (struct v2v_string_vector *v)
{
  char **list;

  if (v2v_string_vector_reserve (v, 1) == -1)
    return NULL;
  v->ptr[v->len] = NULL;
  list = v->ptr;
  v->ptr = NULL;
  v->len = v->cap = 0;
  return list;
}

/* Free the strings and the array; v empty again. */
void
v2v_strvec_free (struct v2v_string_vector *v)
{
  size_t i;

  for (i = 0; i < v->len; ++i)
    free (v->ptr[i]);
  v2v_string_vector_reset (v);
}

/* Append a copy of s to a NULL-terminated list (which may be NULL):
 * O(n) per append, for short lists only (the string vector above is for
 * any list that can grow long).  Returns the new list; when out of
 * memory the list comes back unchanged, so the caller must check that s
 * is in it.
 */
char **
v2v_strv_append (char **strv, const char *s)
{
  size_t n = 0;
  char **nv;
  char *copy = strdup (s);

  while (strv && strv[n])
    n++;
  if (copy == NULL)
    return strv;
  nv = realloc (strv, (n + 2) * sizeof *nv);
  if (nv == NULL) {
    free (copy);
    return strv;
  }
  nv[n] = copy;
  nv[n + 1] = NULL;
  return nv;
}
