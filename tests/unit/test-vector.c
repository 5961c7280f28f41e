/* agent/common/vector.h: growth, order, overflow, reset. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "common/vector.h"

DEFINE_VECTOR_TYPE (int_vector, int);
DEFINE_VECTOR_TYPE (string_vector, char *);

static void
free_string (char *s)
{
  free (s);
}

int
main (void)
{
  struct int_vector v = VECTOR_INIT;
  struct string_vector sv = VECTOR_INIT;
  size_t i, reallocs = 0, cap = 0;
  int ok = 1;

  for (i = 0; i < 100000; ++i) {
    if (int_vector_append (&v, (int) i) == -1) {
      ok = 0;
      break;
    }
    if (v.cap != cap) {
      reallocs++;
      cap = v.cap;
    }
  }
  CHECK (ok && v.len == 100000);
  /* doubling: about log2(100000/4) growths, not one per element */
  CHECK (reallocs <= 20);
  for (i = 0, ok = 1; i < v.len; ++i)
    ok &= v.ptr[i] == (int) i;
  CHECK (ok);
  int_vector_remove (&v, 0);
  CHECK (v.len == 99999 && v.ptr[0] == 1 && v.ptr[99998] == 99999);
  int_vector_remove (&v, v.len - 1);
  CHECK (v.len == 99998 && v.ptr[v.len - 1] == 99998);

  /* An impossible reservation fails and leaves the vector as it was. */
  CHECK (int_vector_reserve (&v, SIZE_MAX - 1) == -1);
  CHECK (v.len == 99998 && v.ptr[0] == 1);
  CHECK (int_vector_reserve (&v, SIZE_MAX / 2) == -1);
  CHECK (v.len == 99998);
  int_vector_reset (&v);
  CHECK (v.ptr == NULL && v.len == 0 && v.cap == 0);
  CHECK (int_vector_append (&v, 7) == 0 && v.len == 1 && v.ptr[0] == 7);
  int_vector_reset (&v);

  CHECK (string_vector_append (&sv, strdup ("a")) == 0);
  CHECK (string_vector_append (&sv, strdup ("b")) == 0);
  CHECK (sv.len == 2 && strcmp (sv.ptr[1], "b") == 0);
  string_vector_free_all (&sv, free_string);
  CHECK (sv.len == 0 && sv.ptr == NULL);
  return unit_done ("vector");
}
