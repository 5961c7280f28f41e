/* agent/common/strbuf.c's string list (v2v_strvec_*): copies, always
 * NULL-terminated, amortised O(1) growth; and registry.c's REG_MULTI_SZ
 * reader built on it, which was quadratic (a hostile 1 MiB value took
 * about 30 s).  Times are CPU times, so a loaded machine does not fail
 * the bounds.  The hivex calls registry.c makes are replaced by stubs
 * that serve one value (the executable's definitions come before
 * libguestfs's).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <guestfs.h>

#include "unit.h"
#include "internal.h"

static char *value;
static size_t value_len;

int64_t
guestfs_hivex_node_get_value (guestfs_h *g, int64_t node, const char *key)
{
  (void) g; (void) node; (void) key;
  return 1;
}

int64_t
guestfs_hivex_value_type (guestfs_h *g, int64_t v)
{
  (void) g; (void) v;
  return 7;                     /* REG_MULTI_SZ */
}

char *
guestfs_hivex_value_value (guestfs_h *g, int64_t v, size_t *size_r)
{
  char *p = malloc (value_len);

  (void) g; (void) v;
  if (p == NULL)
    return NULL;
  memcpy (p, value, value_len);
  *size_r = value_len;
  return p;
}

static double
cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

#define ITEMS 100000

static void
test_strvec (void)
{
  struct v2v_string_vector v = VECTOR_INIT;
  char buf[32], **list;
  size_t i, reallocs = 0, cap = 0;
  bool ok = true, terminated = true;
  double t;

  /* take of an empty list: an empty list, not NULL */
  list = v2v_strvec_take (&v);
  CHECK (list != NULL && list[0] == NULL);
  free (list);

  t = cpu_now ();
  for (i = 0; i < ITEMS && ok; ++i) {
    snprintf (buf, sizeof buf, "item %zu", i);
    ok = v2v_strvec_add (&v, buf) == 0;
    if (v.cap != cap) {
      reallocs++;
      cap = v.cap;
    }
    if (ok && v.ptr[v.len] != NULL)
      terminated = false;
  }
  t = cpu_now () - t;
  printf ("strvec: %d strings added in %.3f s CPU, %zu reallocs\n", ITEMS,
          t, reallocs);
  CHECK (ok && v.len == ITEMS);
  CHECK (terminated);
  CHECK (reallocs <= 20);       /* doubling, not one per string */
  CHECK (t < 2.0);
  /* copies, not the caller's buffer */
  CHECK_STR (v.ptr[0], "item 0");
  CHECK_STR (v.ptr[ITEMS - 1], "item 99999");
  list = v2v_strvec_take (&v);
  CHECK (v.ptr == NULL && v.len == 0 && v.cap == 0);
  CHECK (list != NULL && list[ITEMS] == NULL);
  CHECK (list != NULL && strcmp (list[12345], "item 12345") == 0);
  v2v_cleanup_free_strv (&list);

  /* free: the strings and the array, v reusable */
  CHECK (v2v_strvec_add (&v, "a") == 0 && v2v_strvec_add (&v, "b") == 0);
  v2v_strvec_free (&v);
  CHECK (v.ptr == NULL && v.len == 0);
  CHECK (v2v_strvec_add (&v, "c") == 0 && v.len == 1);
  {
    CLEANUP_FREE_STRVEC struct v2v_string_vector w = VECTOR_INIT;
    CHECK (v2v_strvec_add (&w, "freed by the cleanup attribute") == 0);
  }
  v2v_strvec_free (&v);
}

/* A 1 MiB REG_MULTI_SZ of one-character strings: 262143 of them. */
static void
test_reg_multi (void)
{
  struct run run = { 0 };
  size_t n = (1 << 20) / 4 - 1, i, count = 0;
  char **list;
  double t;

  value_len = n * 4 + 2;
  value = calloc (1, value_len);
  if (value == NULL) {
    CHECK (value != NULL);
    return;
  }
  for (i = 0; i < n; ++i)
    value[i * 4] = (char) ('a' + i % 26);      /* "x\0", then the NUL */
  t = cpu_now ();
  list = v2v_reg_get_multi (&run, 1, "key");
  t = cpu_now () - t;
  while (list && list[count])
    count++;
  printf ("strvec: a %zu-byte REG_MULTI_SZ, %zu strings, read in %.3f s "
          "CPU\n", value_len, count, t);
  CHECK (count == n);
  CHECK (t < 2.0);
  CHECK (list != NULL && strcmp (list[0], "a") == 0 &&
         strcmp (list[n - 1], (char[]) { (char) ('a' + (n - 1) % 26), 0 })
         == 0);
  v2v_cleanup_free_strv (&list);

  /* a short one: two strings, then the empty one that ends the list */
  memcpy (value, "o\0k\0\0\0n\0o\0\0\0\0\0", 14);
  value_len = 14;
  list = v2v_reg_get_multi (&run, 1, "key");
  CHECK (list != NULL && list[0] && strcmp (list[0], "ok") == 0 &&
         list[1] && strcmp (list[1], "no") == 0 && list[2] == NULL);
  v2v_cleanup_free_strv (&list);
  free (value);
}

int
main (void)
{
  test_strvec ();
  test_reg_multi ();
  return unit_done ("strvec");
}
