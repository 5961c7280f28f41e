/* The engine's last error (per thread, like libnbd's), debug logging and
 * the current stage name that prefixes both.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static __thread char *last_error;
static __thread enum v2v_error_kind last_kind;
static __thread char *last_detail;
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

enum v2v_error_kind
v2v_last_error_kind (void)
{
  return last_error ? last_kind : V2V_ERR_OTHER;
}

const char *
v2v_last_error_detail (void)
{
  return last_error && last_detail ? last_detail : "";
}

const char *
v2v_error_kind_name (enum v2v_error_kind kind)
{
  static const char *const names[] = {
    [V2V_ERR_OTHER] = "other",
    [V2V_ERR_TRUST_CERT] = "trust-cert",
    [V2V_ERR_TRUST_HOST_KEY] = "trust-host-key",
    [V2V_ERR_AUTH] = "auth",
    [V2V_ERR_NOT_FOUND] = "not-found",
    [V2V_ERR_UNREACHABLE] = "unreachable",
    [V2V_ERR_CANCELLED] = "cancelled",
  };

  if ((size_t) kind < sizeof names / sizeof names[0] && names[kind])
    return names[kind];
  return "other";
}

void
v2v_clear_error (void)
{
  free (last_error);
  free (last_detail);
  last_error = last_detail = NULL;
  last_kind = V2V_ERR_OTHER;
}

/* Move this thread's last error into *e (and clear it here): for a
 * thread that hands its error to another (copy_disks.c).
 */
void
v2v_error_take (struct v2v_saved_error *e)
{
  e->message = last_error;
  e->kind = last_kind;
  e->detail = last_detail;
  last_error = last_detail = NULL;
  last_kind = V2V_ERR_OTHER;
}

/* Make *e (from v2v_error_take, in any thread) this thread's last error;
 * e is empty after.
 */
void
v2v_error_put (struct v2v_saved_error *e)
{
  v2v_clear_error ();
  last_error = e->message;
  last_kind = e->kind;
  last_detail = e->detail;
  e->message = e->detail = NULL;
}

static void
set_error (enum v2v_error_kind kind, const char *detail,
           const char *fmt, va_list ap)
{
  char *msg = NULL, *full = NULL;

  if (vasprintf (&msg, fmt, ap) == -1)
    msg = NULL;
  if (msg == NULL || asprintf (&full, "%s: %s", stage, msg) == -1)
    full = NULL;
  free (msg);
  v2v_clear_error ();
  last_error = full ? full : strdup ("out of memory");
  last_kind = kind;
  last_detail = detail ? strdup (detail) : NULL;
  v2v_debug ("error: %s", last_error);
}

void
v2v_error (const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  set_error (V2V_ERR_OTHER, NULL, fmt, ap);
  va_end (ap);
}

void
v2v_error_kind (enum v2v_error_kind kind, const char *detail,
                const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  set_error (kind, detail, fmt, ap);
  va_end (ap);
}

void
v2v_debug (const char *fmt, ...)
{
  va_list ap;

  if (!v2v_verbose)
    return;
  flockfile (stderr);             /* one line, whatever other threads say */
  fprintf (stderr, "v2vboot: %s: ", stage);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  funlockfile (stderr);
}

/* Out of memory, as the current stage's error.  Returns -1, for
 * "return v2v_oom ();".
 */
int
v2v_oom (void)
{
  v2v_error ("out of memory");
  return -1;
}

/* asprintf that reports out of memory (v2v_oom) when it fails: -1 then,
 * and *strp NULL.
 */
int
v2v_asprintf (char **strp, const char *fmt, ...)
{
  va_list ap;
  int r;

  va_start (ap, fmt);
  r = vasprintf (strp, fmt, ap);
  va_end (ap);
  if (r == -1) {
    *strp = NULL;
    return v2v_oom ();
  }
  return r;
}
