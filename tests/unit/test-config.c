/* struct v2v_config: v2v_config_fields knows every field, so that
 * v2v_config_free frees every string and v2v_config_copy copies every
 * one (a field it missed would be shared by the copy, then freed
 * twice); a copy owns all its strings; a parsed kickstart's config
 * copies and frees without a leak (the san- build runs LeakSanitizer).
 */
#include <stdint.h>

#include "kickstart.h"
#include "ks_table.h"
#include "unit.h"

#define NAMES_MAX 16

/* Bytes of a struct that fields cover: 0 none, else how many times. */
struct cover {
  const char *what;
  size_t in;                  /* V2V_FIELD_TOP or an array's offset */
  size_t size;
  size_t count;               /* an array's: offset of its count */
  unsigned char *bytes;
};

static struct cover covers[NAMES_MAX];
static size_t nr_covers;

static void
mark (struct cover *c, size_t off, size_t len)
{
  size_t i;

  if (off + len > c->size || off + len < off) {
    fprintf (stderr, "%s: a field at %zu (%zu bytes) is past its end "
             "(%zu)\n", c->what, off, len, c->size);
    CHECK (!"field past the end of its struct");
    return;
  }
  for (i = off; i < off + len; ++i)
    c->bytes[i]++;
}

static struct cover *
cover_of (size_t in)
{
  size_t i;

  for (i = 0; i < nr_covers; ++i)
    if (covers[i].in == in)
      return &covers[i];
  return NULL;
}

static void
collect_arrays (const struct v2v_config_field *f, void *opaque)
{
  (void) opaque;
  if (f->kind != V2V_FIELD_ARRAY)
    return;
  CHECK (f->in == V2V_FIELD_TOP);
  CHECK (cover_of (f->offset) == NULL);     /* one array, once */
  if (nr_covers == NAMES_MAX)
    return;
  covers[nr_covers].what = "an array's element";
  covers[nr_covers].in = f->offset;
  covers[nr_covers].size = f->size;
  covers[nr_covers].count = f->count;
  covers[nr_covers].bytes = calloc (1, f->size);
  nr_covers++;
}

static void
cover_field (const struct v2v_config_field *f, void *opaque)
{
  struct cover *c = cover_of (f->in);

  (void) opaque;
  CHECK (c != NULL);            /* an element field of a known array */
  if (c == NULL)
    return;
  switch (f->kind) {
  case V2V_FIELD_STRING:
    mark (c, f->offset, sizeof (char *));
    break;
  case V2V_FIELD_VALUE:
    CHECK (f->size > 0);
    mark (c, f->offset, f->size);
    break;
  case V2V_FIELD_ARRAY:
    mark (c, f->offset, sizeof (void *));
    mark (c, f->count, sizeof (size_t));
    break;
  }
}

/* Every byte of struct v2v_config, and of each array's element, is in
 * one field at most, and no pointer-sized aligned word is in none: a
 * field nobody listed (padding is never a whole aligned word).
 */
static void
test_every_field_known (void)
{
  size_t i, w;

  nr_covers = 0;
  covers[nr_covers].what = "struct v2v_config";
  covers[nr_covers].in = V2V_FIELD_TOP;
  covers[nr_covers].size = sizeof (struct v2v_config);
  covers[nr_covers].bytes = calloc (1, sizeof (struct v2v_config));
  nr_covers++;
  v2v_config_fields (collect_arrays, NULL);
  CHECK (nr_covers >= 3);       /* the config, disks, netmaps */
  v2v_config_fields (cover_field, NULL);
  for (i = 0; i < nr_covers; ++i) {
    struct cover *c = &covers[i];
    for (w = 0; w < c->size; ++w) {
      if (c->bytes[w] > 1) {
        fprintf (stderr, "%s: byte %zu is in %u fields\n", c->what, w,
                 c->bytes[w]);
        CHECK (!"two fields overlap");
        break;
      }
    }
    for (w = 0; w + sizeof (void *) <= c->size; w += sizeof (void *)) {
      size_t k;
      for (k = w; k < w + sizeof (void *) && c->bytes[k] == 0; ++k)
        ;
      if (k == w + sizeof (void *)) {
        fprintf (stderr, "%s: bytes %zu to %zu are in no field that "
                 "v2v_config_fields knows: a new field?  Give it a "
                 "kickstart option (kickstart/ks_commands.c) or add it "
                 "to the list in agent/pipeline/config.c\n", c->what, w,
                 w + sizeof (void *) - 1);
        CHECK (!"a field is unknown to v2v_config_free and v2v_config_copy");
      }
    }
    free (c->bytes);
  }
}

/* Fill a config through the field list: every string a distinct
 * strdup, every array two elements, every value a non-zero byte.
 */
struct fill { struct v2v_config *c; int n; int pass; };

static void
fill_field (const struct v2v_config_field *f, void *opaque)
{
  struct fill *fl = opaque;
  char *base = (char *) fl->c;
  char buf[32];
  size_t i, n = 1, size = 0;

  if (fl->pass == 0) {
    if (f->kind == V2V_FIELD_ARRAY) {
      *(void **) (base + f->offset) = calloc (2, f->size);
      *(size_t *) (base + f->count) = 2;
    }
    else if (f->kind == V2V_FIELD_VALUE && f->in == V2V_FIELD_TOP)
      memset (base + f->offset, 1, f->size);
    return;
  }
  if (f->kind != V2V_FIELD_STRING)
    return;
  if (f->in != V2V_FIELD_TOP) {
    /* In each element of its array (collect_arrays has its size). */
    struct cover *c = cover_of (f->in);
    if (c == NULL)
      return;
    size = c->size;
    n = 2;
    base = *(char **) (base + f->in);
  }
  for (i = 0; i < n; ++i) {
    snprintf (buf, sizeof buf, "string %d", fl->n++);
    *(char **) (base + i * size + f->offset) = strdup (buf);
  }
}

struct cmp { const struct v2v_config *a, *b; int strings, bad; };

static void
compare_field (const struct v2v_config_field *f, void *opaque)
{
  struct cmp *cm = opaque;
  const char *a = (const char *) cm->a, *b = (const char *) cm->b;
  size_t i, n = 1, size = 0;

  if (f->kind == V2V_FIELD_VALUE && f->in == V2V_FIELD_TOP) {
    cm->bad += memcmp (a + f->offset, b + f->offset, f->size) != 0;
    return;
  }
  if (f->kind == V2V_FIELD_ARRAY) {
    cm->bad += *(const size_t *) (a + f->count) !=
               *(const size_t *) (b + f->count);
    cm->bad += *(char *const *) (a + f->offset) != NULL &&
               *(char *const *) (a + f->offset) ==
               *(char *const *) (b + f->offset);
    return;
  }
  if (f->kind != V2V_FIELD_STRING)
    return;
  if (f->in != V2V_FIELD_TOP) {
    struct cover *c = cover_of (f->in);
    if (c == NULL)
      return;
    size = c->size;
    n = *(const size_t *) (a + c->count);
    a = *(char *const *) (a + f->in);
    b = *(char *const *) (b + f->in);
    if (a == NULL || b == NULL)
      n = 0;
  }
  for (i = 0; i < n; ++i) {
    const char *sa = *(char *const *) (a + i * size + f->offset);
    const char *sb = *(char *const *) (b + i * size + f->offset);
    if (sa == NULL && sb == NULL)
      continue;
    cm->strings++;
    if (sa == NULL || sb == NULL || sa == sb || strcmp (sa, sb) != 0) {
      fprintf (stderr, "field at %zu (in %zu): %p \"%s\" / %p \"%s\"\n",
               f->offset, f->in, (const void *) sa, sa ? sa : "",
               (const void *) sb, sb ? sb : "");
      cm->bad++;
    }
  }
}

static void
test_copy_owns_every_string (void)
{
  struct v2v_config c = { 0 }, copy;
  struct fill fl = { &c, 0, 0 };
  struct cmp cm = { &c, &copy, 0, 0 };

  v2v_config_fields (fill_field, &fl);
  fl.pass = 1;
  v2v_config_fields (fill_field, &fl);
  CHECK (fl.n > 20);
  CHECK (v2v_config_copy (&copy, &c) == 0);
  v2v_config_fields (compare_field, &cm);
  CHECK (cm.strings == fl.n);
  CHECK (cm.bad == 0);
  v2v_config_free (&c);
  v2v_config_free (&copy);
  CHECK (c.disks == NULL && c.nr_disks == 0 && c.source.server == NULL);
}

/* A kickstart that sets every string option a config keeps, from the
 * table: its VM's config (a borrowed view) copies to one that owns
 * each of them.
 */
static void
test_parsed_config_copies (void)
{
  const struct ks_command *cmd;
  const struct ks_option *o;
  char *text = NULL, *msgs = NULL;
  size_t len = 0, mlen = 0;
  FILE *f = open_memstream (&text, &len), *errs;
  struct ks_parse_opts opts = { .partial = true };
  struct ks_file ks = { 0 };
  struct v2v_config view, copy;
  struct cmp cm = { &view, &copy, 0, 0 };
  int n = 0, want = 0;

  for (cmd = ks_commands; cmd->name; ++cmd) {
    if (cmd->kept == KS_NOT_KEPT)
      continue;
    fputs (cmd->name, f);
    for (o = cmd->options; o->name; ++o) {
      if (o->type == KS_STRING) {
        fprintf (f, " --%s=v%d", o->name, n++);
        want++;
      }
    }
    fputc ('\n', f);
  }
  fputs ("network --map=\"VM Network=default\"\n", f);
  want += 2;
  fclose (f);
  errs = open_memstream (&msgs, &mlen);
  ks_parse_string ("all.ks", text, len, &opts, &ks, errs);  /* not valid */
  fclose (errs);
  CHECK (ks.nr_vms == 1);
  if (ks.nr_vms == 1) {
    ks_vm_config (&ks, 0, &view);
    CHECK (v2v_config_copy (&copy, &view) == 0);
    v2v_config_fields (compare_field, &cm);
    CHECK (cm.strings == want);
    CHECK (cm.bad == 0);
    v2v_config_free (&copy);
  }
  ks_free (&ks);
  free (text);
  free (msgs);
}

int
main (void)
{
  test_every_field_known ();
  /* cover_of needs the arrays' element sizes from here on */
  nr_covers = 0;
  v2v_config_fields (collect_arrays, NULL);
  test_copy_owns_every_string ();
  test_parsed_config_copies ();
  for (size_t i = 0; i < nr_covers; ++i)
    free (covers[i].bytes);
  return unit_done ("config");
}
