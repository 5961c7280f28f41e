/* struct v2v_config: freeing and copying one, field by field, from the
 * kickstart's command table (each field an option sets) and the list
 * below (each other field): a new option is freed and copied without a
 * line here.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "v2v.h"
#include "kickstart.h"

#define TOP V2V_FIELD_TOP
#define AT(f) offsetof (struct v2v_config, f)
#define SIZE(f) sizeof ((struct v2v_config *) 0)->f

/* The fields no kickstart option sets (an array before its fields). */
static const struct v2v_config_field other_fields[] = {
  /* network --map="FROM=TO", split at the last '=' */
  { V2V_FIELD_ARRAY, TOP, AT (netmaps), sizeof (struct v2v_netmap),
    AT (nr_netmaps) },
  { V2V_FIELD_STRING, AT (netmaps), offsetof (struct v2v_netmap, from), 0, 0 },
  { V2V_FIELD_STRING, AT (netmaps), offsetof (struct v2v_netmap, to), 0, 0 },
  { V2V_FIELD_VALUE, TOP, AT (after), SIZE (after), 0 },  /* poweroff ... */
  { V2V_FIELD_STRING, TOP, AT (workdir), 0, 0 },
  { V2V_FIELD_VALUE, TOP, AT (verbose), SIZE (verbose), 0 },
};

void
v2v_config_fields (v2v_config_field_fn fn, void *opaque)
{
  size_t i;

  ks_config_fields (fn, opaque);
  for (i = 0; i < sizeof other_fields / sizeof other_fields[0]; ++i)
    fn (&other_fields[i], opaque);
}

/* One pass over the fields of kind, in dst (and src, for a copy). */
struct pass {
  enum v2v_field_kind kind;
  struct v2v_config *dst;
  const struct v2v_config *src;
  bool failed;
};

#define FIELD(base, off, type) (*(type *) ((char *) (base) + (off)))

static void
free_string (char **s)
{
  if (*s) {
    explicit_bzero (*s, strlen (*s));     /* a password, a key */
    free (*s);
    *s = NULL;
  }
}

/* A string field, in dst (and src): freed, or copied. */
static void
string_at (struct pass *p, char *d, const char *s, size_t off)
{
  if (p->src == NULL)
    free_string (&FIELD (d, off, char *));
  else {
    const char *from = FIELD (s, off, const char *);
    FIELD (d, off, char *) = from ? strdup (from) : NULL;
    if (from && FIELD (d, off, char *) == NULL)
      p->failed = true;
  }
}

/* Finds the array field whose pointer is at offset in. */
struct find { size_t in; struct v2v_config_field a; };

static void
find_array (const struct v2v_config_field *f, void *opaque)
{
  struct find *fd = opaque;

  if (f->kind == V2V_FIELD_ARRAY && f->in == TOP && f->offset == fd->in)
    fd->a = *f;
}

static void
visit (const struct v2v_config_field *f, void *opaque)
{
  struct pass *p = opaque;
  struct find fd = { f->in, { .size = 0 } };
  char *dst = (char *) p->dst;
  size_t i, n;

  if (f->kind != p->kind)
    return;
  if (f->kind == V2V_FIELD_ARRAY && p->src == NULL) {
    free (FIELD (dst, f->offset, void *));
    FIELD (dst, f->offset, void *) = NULL;
    FIELD (dst, f->count, size_t) = 0;
  }
  else if (f->kind == V2V_FIELD_ARRAY) {
    /* The elements as they are; their strings in the string pass. */
    const void *from = FIELD (p->src, f->offset, void *const);
    void *a = NULL;
    n = FIELD (p->src, f->count, size_t);
    if (n > 0 && (a = calloc (n, f->size)) == NULL) {
      p->failed = true;
      n = 0;
    }
    if (a)
      memcpy (a, from, n * f->size);
    FIELD (dst, f->offset, void *) = a;
    FIELD (dst, f->count, size_t) = n;
  }
  else if (f->in == TOP)
    string_at (p, dst, (const char *) p->src, f->offset);
  else {
    /* In each element: the copy's elements were copied from src's. */
    v2v_config_fields (find_array, &fd);
    if (fd.a.size == 0)
      return;                   /* (no such array: test-config says so) */
    n = FIELD (dst, fd.a.count, size_t);
    for (i = 0; i < n; ++i) {
      char *e = FIELD (dst, f->in, char *) + i * fd.a.size;
      const char *se = p->src ? FIELD (p->src, f->in, const char *) +
                                i * fd.a.size : NULL;
      string_at (p, e, se, f->offset);
    }
  }
}

void
v2v_config_free (struct v2v_config *c)
{
  struct pass p = { V2V_FIELD_STRING, c, NULL, false };

  v2v_config_fields (visit, &p);        /* the strings, then */
  p.kind = V2V_FIELD_ARRAY;
  v2v_config_fields (visit, &p);        /* the arrays that held some */
}

int
v2v_config_copy (struct v2v_config *dst, const struct v2v_config *src)
{
  struct pass p = { V2V_FIELD_ARRAY, dst, src, false };

  *dst = *src;                          /* every value */
  v2v_config_fields (visit, &p);        /* arrays, then their strings */
  p.kind = V2V_FIELD_STRING;
  v2v_config_fields (visit, &p);
  if (p.failed) {
    v2v_config_free (dst);
    memset (dst, 0, sizeof *dst);
    errno = ENOMEM;
    return -1;
  }
  return 0;
}
