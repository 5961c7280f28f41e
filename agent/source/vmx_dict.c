/* VMware's dictionary syntax, the text of a .vmx and of a descriptor
 * .vmdk: lines of `name = "value"` read as VMware's own reader reads
 * them (open-vm-tools lib/dict/dictll.c, DictLL_UnmarshalLine), |XX
 * escapes undone, and an index for lookups by key in any case that also
 * finds a key given twice.  Pure and bounded (values of at most
 * DICT_MAX_VALUE bytes, at most DICT_MAX_PAIRS pairs); fuzzed with the
 * parsers that use it (tests/fuzz/fuzz-vmx.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "common/vector.h"

#define DICT_MAX_VALUE 1024
#define DICT_MAX_PAIRS 100000

DEFINE_VECTOR_TYPE (pair_vector, struct v2v_dict_pair);


static int
compare_order (const void *a, const void *b, void *opaque)
{
  const struct v2v_dict_pair *kv = opaque;
  int x = *(const int *) a, y = *(const int *) b;
  int c = strcasecmp (kv[x].key, kv[y].key);

  return c ? c : x - y;
}

/* Fill p->order for p->pairs[0 .. nr_pairs).  Returns 0 or -1 (out of
 * memory).
 */
static int
index_pairs (struct v2v_dict *p)
{
  int i, m = 0;
  const struct v2v_dict_pair *kv = p->pairs;

  p->conflict[0] = p->conflict[1] = p->same = -1;
  p->order = malloc (((size_t) p->nr_pairs + 1) * sizeof *p->order);
  if (p->order == NULL)
    return -1;
  for (i = 0; i < p->nr_pairs; ++i)
    p->order[i] = i;
  qsort_r (p->order, (size_t) p->nr_pairs, sizeof *p->order, compare_order,
           p->pairs);
  /* of a run of equal keys keep the last, and note the repeat */
  for (i = 0; i < p->nr_pairs; ++i) {
    if (i + 1 < p->nr_pairs && strcasecmp (kv[p->order[i]].key,
                                           kv[p->order[i + 1]].key) == 0) {
      if (strcmp (kv[p->order[i]].value, kv[p->order[i + 1]].value) != 0) {
        if (p->conflict[0] == -1) {
          p->conflict[0] = p->order[i];
          p->conflict[1] = p->order[i + 1];
        }
      }
      else if (p->same == -1)
        p->same = p->order[i + 1];
      continue;
    }
    p->order[m++] = p->order[i];
  }
  p->nr_order = m;
  return 0;
}

/* Frees what v2v_dict_parse made (and zeroes d). */
void
v2v_dict_free (struct v2v_dict *p)
{
  int i;

  for (i = 0; i < p->nr_pairs; ++i) {
    free (p->pairs[i].key);
    free (p->pairs[i].value);
  }
  free (p->pairs);
  free (p->order);
  memset (p, 0, sizeof *p);
}

static bool
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

/* One line [q, le) in VMware's dictionary syntax (open-vm-tools
 * lib/dict/dictll.c, DictLL_UnmarshalLine): a name without blanks, '='
 * or '#'; '='; a value either quoted (up to the next '"') or bare (up
 * to a blank or '#'); then only blanks and an optional '#' comment.
 * Sets the name and the raw value; false for a comment, a blank line or
 * a line VMware would not read as a pair.
 */
static bool
split_line (const char *q, const char *le, const char **k, const char **ke,
            const char **v, const char **ve)
{
  const char *t;

  while (q < le && is_blank (*q))
    q++;
  *k = *ke = q;
  while (*ke < le && !is_blank (**ke) && **ke != '=' && **ke != '#')
    (*ke)++;
  if (*ke == *k)
    return false;
  t = *ke;
  while (t < le && is_blank (*t))
    t++;
  if (t == le || *t != '=')
    return false;
  t++;
  while (t < le && is_blank (*t))
    t++;
  if (t < le && *t == '"') {
    *v = t + 1;
    *ve = memchr (*v, '"', (size_t) (le - *v));
    if (*ve == NULL)
      return false;
    t = *ve + 1;
  }
  else {
    *v = *ve = t;
    while (*ve < le && !is_blank (**ve) && **ve != '#')
      (*ve)++;
    t = *ve;
  }
  while (t < le && is_blank (*t))
    t++;
  return t == le || *t == '#';
}

static int
hex_digit (char c)
{
  return c >= '0' && c <= '9' ? c - '0'
    : c >= 'a' && c <= 'f' ? c - 'a' + 10
    : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The value [v, ve) with VMware's escapes undone: "|XX" (two hex
 * digits) is the byte 0xXX ("|22" a quote, "|7C" a pipe, "|0A" a line
 * feed); a '|' not followed by two hex digits stands for itself.
 * Caller frees; NULL if out of memory or if the value holds a NUL
 * ("|00"), which no C string can carry (errno 0 then).
 */
static char *
unescape (const char *v, const char *ve)
{
  char *out = malloc ((size_t) (ve - v) + 1), *o = out;

  errno = ENOMEM;
  if (out == NULL)
    return NULL;
  while (v < ve) {
    int hi, lo;
    if (*v == '|' && ve - v >= 3 && (hi = hex_digit (v[1])) >= 0 &&
        (lo = hex_digit (v[2])) >= 0) {
      if (hi == 0 && lo == 0) {
        free (out);
        errno = 0;
        return NULL;
      }
      *o++ = (char) (hi * 16 + lo);
      v += 3;
    }
    else
      *o++ = *v++;
  }
  *o = '\0';
  return out;
}

/* Split text into key/value pairs and index them.  A UTF-8 byte order
 * mark is skipped and a CR before the LF is dropped (Workstation on
 * Windows writes CRLF).  Returns 0 or -1 (out of memory); p is freed
 * with free_pairs either way.
 */
int
v2v_dict_parse (const char *text, size_t len, struct v2v_dict *p)
{
  const char *q = text, *end = text + len;
  struct pair_vector v = { 0 };
  unsigned line = 0;

  memset (p, 0, sizeof *p);
  p->conflict[0] = p->conflict[1] = p->same = -1;
  if (len >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    q += 3;
  while (q < end) {
    const char *eol = memchr (q, '\n', (size_t) (end - q));
    const char *le = eol ? eol : end;
    const char *k, *ke, *val, *ve;
    struct v2v_dict_pair e;

    line++;
    if (le > q && le[-1] == '\r')
      le--;
    if (!split_line (q, le, &k, &ke, &val, &ve) ||
        ve - val > DICT_MAX_VALUE || v.len >= DICT_MAX_PAIRS) {
      q = eol ? eol + 1 : end;
      continue;
    }
    q = eol ? eol + 1 : end;
    e.line = line;
    e.key = strndup (k, (size_t) (ke - k));
    e.value = unescape (val, ve);
    if (e.value == NULL && errno == 0) {     /* "|00": not a value */
      free (e.key);
      continue;
    }
    if (!e.key || !e.value || pair_vector_append (&v, e) == -1) {
      free (e.key);
      free (e.value);
      p->pairs = v.ptr;
      return -1;
    }
    p->pairs = v.ptr;
    p->nr_pairs = (int) v.len;
  }
  return index_pairs (p);
}

/* The value of the last assignment to key, in any case, or NULL. */
const char *
v2v_dict_get (const struct v2v_dict *p, const char *key)
{
  int lo = 0, hi = p->nr_order;

  while (lo < hi) {
    int mid = lo + (hi - lo) / 2;
    const struct v2v_dict_pair *kv = &p->pairs[p->order[mid]];
    int c = strcasecmp (key, kv->key);
    if (c == 0)
      return kv->value;
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return NULL;
}

bool
v2v_dict_get_bool (const struct v2v_dict *pairs, const char *key)
{
  const char *v = v2v_dict_get (pairs, key);

  return v && (strcasecmp (v, "true") == 0 || strcmp (v, "1") == 0);
}

bool
v2v_dict_get_uint (const struct v2v_dict *pairs, const char *key,
                   unsigned max, unsigned *ret)
{
  const char *v = v2v_dict_get (pairs, key);
  char *end;
  unsigned long u;

  if (v == NULL || !isdigit ((unsigned char) v[0]))
    return false;
  u = strtoul (v, &end, 10);
  if (*end != '\0' || u == 0 || u > max)
    return false;
  *ret = (unsigned) u;
  return true;
}
