/* Progress events: the engine's only channel to its front end.  One
 * event at a time reaches the front end's callback, whatever thread
 * sends it (the disks' copies run in threads of their own:
 * copy_disks.c), so that it writes each as whole lines.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

/* Recursive: a callback may itself make the engine say something. */
static pthread_mutex_t emit_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

static void
emit (struct run *run, struct v2v_event *ev)
{
  if (run->progress == NULL)
    return;
  pthread_mutex_lock (&emit_lock);
  run->progress (ev, run->opaque);
  pthread_mutex_unlock (&emit_lock);
}

int
v2v_event_stage (struct run *run, const char *name, int disk)
{
  struct v2v_event ev = { .type = V2V_EVENT_STAGE, .stage = name,
                          .disk = disk };

  if (v2v_cancelled ()) {
    v2v_error ("cancelled before this stage");
    return -1;
  }
  v2v_set_stage (name);
  emit (run, &ev);
  return 0;
}

void
v2v_event_copy (struct run *run, int disk, uint64_t done, uint64_t total,
                double rate)
{
  struct v2v_event ev = { .type = V2V_EVENT_COPY, .stage = "copy",
                          .disk = disk, .done = done, .total = total,
                          .rate = rate };

  emit (run, &ev);
}

static void
message (struct run *run, enum v2v_event_type type, const char *fmt,
         va_list ap)
{
  char *msg;
  struct v2v_event ev = { .type = type, .stage = v2v_stage (), .disk = -1 };

  if (vasprintf (&msg, fmt, ap) == -1)
    return;
  ev.message = msg;
  emit (run, &ev);
  free (msg);
}

void
v2v_info (struct run *run, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  message (run, V2V_EVENT_INFO, fmt, ap);
  va_end (ap);
}

void
v2v_warning (struct run *run, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  message (run, V2V_EVENT_WARNING, fmt, ap);
  va_end (ap);
}

void
v2v_event_error (struct run *run)
{
  struct v2v_event ev = { .type = V2V_EVENT_ERROR, .stage = v2v_stage (),
                          .disk = -1, .message = v2v_last_error () };

  emit (run, &ev);
}

void
v2v_event_done (struct run *run, bool ok, const char *summary)
{
  struct v2v_event ev = { .type = V2V_EVENT_DONE, .stage = "done",
                          .disk = -1, .ok = ok, .message = summary };

  if (ok) {
    ev.vm_name = run->name;
    /* As the output described itself (v2v_dest_describe, before). */
    ev.output = run->dest_text ? run->dest_text : "the destination";
    ev.next = run->next_text;
  }
  ev.verify = run->verify_text;
  ev.verify_ok = run->verify_ok;
  ev.screenshot = run->screenshot;
  emit (run, &ev);
}

double
v2v_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}
