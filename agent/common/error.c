/* The engine's last error (per thread, like libnbd's), debug logging and
 * the current stage name that prefixes both.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static __thread char *last_error;
static __thread const char *stage = "v2vboot";
bool v2v_verbose;

const char *
v2v_last_error (void)
{
  return last_error;
}

void
v2v_set_stage (const char *name)
{
  stage = name;
}

const char *
v2v_stage (void)
{
  return stage;
}

void
v2v_clear_error (void)
{
  free (last_error);
  last_error = NULL;
}

void
v2v_error (const char *fmt, ...)
{
  va_list ap;
  char *msg = NULL, *full = NULL;

  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) == -1)
    msg = NULL;
  va_end (ap);
  if (msg == NULL || asprintf (&full, "%s: %s", stage, msg) == -1)
    full = NULL;
  free (msg);
  free (last_error);
  last_error = full ? full : strdup ("out of memory");
  v2v_debug ("error: %s", last_error);
}

void
v2v_debug (const char *fmt, ...)
{
  va_list ap;

  if (!v2v_verbose)
    return;
  fprintf (stderr, "v2vboot: %s: ", stage);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
}
