/* nbdkit's command line as it is built (nbdkit.c starts it; each
 * source's nbdkit_args adds its filter, plugin and plugin arguments):
 * growing without a bound of its own, every string it made freed with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int
v2v_nbdkit_arg (struct v2v_nbdkit_args *a, const char *s)
{
  if (v2v_argv_vector_append (&a->argv, s) == -1) {
    v2v_error ("out of memory");
    return -1;
  }
  return 0;
}

int
v2v_nbdkit_kv (struct v2v_nbdkit_args *a, const char *key, const char *value)
{
  char *s;

  if (asprintf (&s, "%s=%s", key, value) == -1) {
    v2v_error ("out of memory");
    return -1;
  }
  if (v2v_owned_vector_append (&a->owned, s) == -1) {
    free (s);
    v2v_error ("out of memory");
    return -1;
  }
  return v2v_nbdkit_arg (a, s);
}

int
v2v_nbdkit_password (struct run *run, struct v2v_nbdkit_args *a)
{
  CLEANUP_FREE char *file = NULL;

  if (run->password_file == NULL)
    return 0;
  if (asprintf (&file, "+%s", run->password_file) == -1) {
    v2v_error ("out of memory");
    return -1;
  }
  return v2v_nbdkit_kv (a, "password", file);
}
