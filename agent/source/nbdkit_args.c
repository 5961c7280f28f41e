/* nbdkit's command line as it is built (nbdkit.c starts it; each
 * source's nbdkit_args adds its plugin and plugin arguments): growing
 * without a bound of its own, every string it made freed with it.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Append s, made by the caller (NULL: out of memory), freed with a. */
static int
own (struct v2v_nbdkit_args *a, char *s)
{
  if (s == NULL || v2v_owned_vector_append (&a->owned, s) == -1) {
    free (s);
    v2v_error ("out of memory");
    return -1;
  }
  return v2v_nbdkit_arg (a, s);
}

int
v2v_nbdkit_kv (struct v2v_nbdkit_args *a, const char *key, const char *value)
{
  char *s;

  if (asprintf (&s, "%s=%s", key, value) == -1)
    s = NULL;
  return own (a, s);
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

#define V2V_DEFAULT_CONNECTIONS 4

/* Our plugin (plugin/, docs/data-path.md): build/nbdkit-NAME-plugin.so
 * beside the agent when it runs from the build directory, else NAME from
 * nbdkit's plugin directory (where the image installs it).  Its pool
 * retries a failed read on a new connection, 5 times 2 s apart.
 */
int
v2v_nbdkit_our_plugin (struct run *run, struct v2v_nbdkit_args *a,
                       const char *name)
{
  char self[PATH_MAX], path[PATH_MAX + 64], n[16];
  ssize_t len = readlink ("/proc/self/exe", self, sizeof self - 1);
  unsigned c = run->cfg->options.connections;

  if (len > 0) {
    self[len] = '\0';
    snprintf (path, sizeof path, "%s/nbdkit-%s-plugin.so", dirname (self),
              name);
  }
  if (len > 0 && access (path, R_OK) == 0 ? own (a, strdup (path)) == -1
      : v2v_nbdkit_arg (a, name) == -1)
    return -1;
  snprintf (n, sizeof n, "%u", c ? c : V2V_DEFAULT_CONNECTIONS);
  if (v2v_nbdkit_kv (a, "connections", n) == -1 ||
      v2v_nbdkit_arg (a, "retries=5") == -1 ||
      v2v_nbdkit_arg (a, "retry-delay=2") == -1)
    return -1;
  return 0;
}
