/* The kickstart parser keeps its state in its context, not in statics:
 * a parse started from inside another (an include's fetch) and parses
 * in two threads at once each give what the same parse alone gives.
 */
#include <pthread.h>

#include "kickstart.h"
#include "unit.h"

/* Lines that go through each scratch target (network, options, log,
 * include), many of them, so that two threads are likely to be in one
 * at the same time.
 */
static char *
make_text (const char *tag, int maps)
{
  char *t = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&t, &len);
  int i;

  fprintf (f, "source --type=https --server=%s.example.com\n"
           "destination --type=local --dir=/tmp\n"
           "options --no-fstrim --virtio-win=/%s.iso\n"
           "log --file=/var/log/%s.log\n"
           "include http://h/%s.ks\n", tag, tag, tag, tag);
  for (i = 0; i < maps; ++i) {
    fprintf (f, "network --map=\"%s net %d=br%d\"\n", tag, i, i);
    if (i < 60)                 /* (at most 64 NICs) */
      fprintf (f, "network --device=eth%d --bootproto=static "
               "--ip=10.0.%d.1 --netmask=255.255.255.0\n", i, i);
  }
  fclose (f);
  return t;
}

static int
fetch (const char *url, char **text, size_t *len, char **error,
       void *opaque)
{
  const char *tag = strrchr (url, '/') + 1;

  (void) error; (void) opaque;
  if (asprintf (text, "vm --name=%.*s-vm\ndisk --path=/d/%.*s.vmdk\n",
                (int) strcspn (tag, "."), tag, (int) strcspn (tag, "."),
                tag) == -1)
    return -1;
  *len = strlen (*text);
  return 0;
}

/* The dump of text's parse, or NULL if it failed. */
static char *
parse_dump (const char *text, ks_fetch_fn fn, void *opaque)
{
  struct ks_parse_opts opts = { .fetch = fn, .opaque = opaque };
  struct ks_file ks = { 0 };
  char *d = NULL, *msgs = NULL;
  size_t dlen = 0, mlen = 0;
  FILE *errs = open_memstream (&msgs, &mlen), *out;
  int r = ks_parse_string ("t.ks", text, strlen (text), &opts, &ks, errs);

  fclose (errs);
  if (r == 0) {
    out = open_memstream (&d, &dlen);
    ks_dump (&ks, out);
    fclose (out);
  }
  else
    fprintf (stderr, "%s", msgs);
  ks_free (&ks);
  free (msgs);
  return d;
}

/* ---- a parse inside another's include ---- */

struct nested { const char *inner_text; char *inner_dump; };

static int
fetch_nested (const char *url, char **text, size_t *len, char **error,
              void *opaque)
{
  struct nested *n = opaque;

  if (n->inner_dump == NULL)
    n->inner_dump = parse_dump (n->inner_text, fetch, NULL);
  return fetch (url, text, len, error, NULL);
}

static void
test_nested (void)
{
  char *outer = make_text ("outer", 3), *inner = make_text ("inner", 2);
  char *outer_alone = parse_dump (outer, fetch, NULL);
  char *inner_alone = parse_dump (inner, fetch, NULL);
  struct nested n = { inner, NULL };
  char *outer_nested = parse_dump (outer, fetch_nested, &n);

  CHECK (outer_alone != NULL && inner_alone != NULL);
  CHECK_CONTAINS (outer_alone, "network --map=\"outer net 2=br2\"");
  CHECK_STR (outer_nested, outer_alone);
  CHECK_STR (n.inner_dump, inner_alone);
  free (outer); free (inner); free (outer_alone); free (inner_alone);
  free (outer_nested); free (n.inner_dump);
}

/* ---- two threads ---- */

struct job { const char *text; const char *want; int rounds, bad; };

static void *
run_job (void *opaque)
{
  struct job *j = opaque;
  int i;

  for (i = 0; i < j->rounds; ++i) {
    char *d = parse_dump (j->text, fetch, NULL);
    if (d == NULL || strcmp (d, j->want) != 0)
      j->bad++;
    free (d);
  }
  return NULL;
}

static void
test_threads (void)
{
  char *ta = make_text ("alpha", 100), *tb = make_text ("beta", 100);
  char *wa = parse_dump (ta, fetch, NULL), *wb = parse_dump (tb, fetch, NULL);
  struct job a = { ta, wa, 200, 0 }, b = { tb, wb, 200, 0 };
  pthread_t th;

  CHECK (wa != NULL && wb != NULL);
  if (wa && wb) {
    CHECK (pthread_create (&th, NULL, run_job, &a) == 0);
    run_job (&b);
    pthread_join (th, NULL);
    if (a.bad || b.bad)
      fprintf (stderr, "threads: %d and %d of %d parses differ\n", a.bad,
               b.bad, a.rounds);
    CHECK (a.bad == 0);
    CHECK (b.bad == 0);
  }
  free (ta); free (tb); free (wa); free (wb);
}

int
main (void)
{
  test_nested ();
  test_threads ();
  return unit_done ("ks-reentrant");
}
