/* Progress events for the operator: one line of text each on stderr (the
 * copy line redrawn in place on a terminal), and with --machine-readable
 * also one JSON object each on stdout (stderr then shows the copy at each
 * tenth only).  Every event but the copy's ticks also goes to the log
 * sinks (log --file, log --remote); copies are logged at each tenth.
 *
 * docs/events.md documents every event and field (test-events-doc.sh
 * checks it against this file).
 *
 * If the reader of the progress (stdout with --machine-readable, stderr
 * otherwise) goes away (a closed pipe: `| head`, a wizard that died),
 * the run is cancelled as by SIGTERM, so that its cleanup runs; SIGPIPE
 * is caught (main.c), never fatal.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

struct cli_output cli_out;
static bool copy_line_open;
static int logged_tenth[64];

static void log_only (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2)));

/* The reader of the progress went away: cancel, once. */
static void
reader_gone (void)
{
  if (cli_out.reader_gone)
    return;
  cli_out.reader_gone = true;
  (cli_out.machine_readable ? cli_say : log_only) ("the reader of the progress on %s went away (closed pipe): "
            "cancelling", cli_out.machine_readable ? "stdout" : "stderr");
  if (cli_out.on_reader_gone)
    cli_out.on_reader_gone ();
}

/* After a write to the progress channel f. */
static void
check_write (FILE *f, bool progress_channel)
{
  if (ferror (f)) {
    if (errno == EPIPE && progress_channel)
      reader_gone ();
    clearerr (f);
  }
}

int
cli_progress_fd (void)
{
  int fd = cli_out.machine_readable ? 1 : 2;
  struct stat st;

  if (fstat (fd, &st) == -1 ||
      !(S_ISFIFO (st.st_mode) || S_ISSOCK (st.st_mode)))
    return -1;
  return fd;
}

bool
cli_check_reader (void)
{
  struct pollfd p = { .fd = cli_progress_fd (), .events = 0 };

  if (cli_out.reader_gone)
    return true;
  if (p.fd >= 0 && poll (&p, 1, 0) == 1 &&
      (p.revents & (POLLERR | POLLHUP)))
    reader_gone ();
  return cli_out.reader_gone;
}

void
cli_json_string (FILE *f, const char *s)
{
  fputc ('"', f);
  for (; s && *s; ++s) {
    unsigned char c = (unsigned char) *s;
    if (c == '"' || c == '\\')
      fprintf (f, "\\%c", c);
    else if (c == '\n')
      fputs ("\\n", f);
    else if (c < 0x20)
      fprintf (f, "\\u%04x", c);
    else
      fputc (c, f);
  }
  fputc ('"', f);
}


/* An event's message in JSON, with any URL's password masked (the
 * engine's messages may quote a URL: a virtio-win download, a redirect).
 */
static void
json_message (const char *msg)
{
  char *shown = msg ? ks_mask_urls (msg) : NULL;

  cli_json_string (stdout, shown ? shown : msg);
  free (shown);
}
static void
print_json (const struct v2v_event *ev)
{
  static const char *const names[] = {
    [V2V_EVENT_STAGE] = "stage", [V2V_EVENT_COPY] = "copy",
    [V2V_EVENT_INFO] = "info", [V2V_EVENT_WARNING] = "warning",
    [V2V_EVENT_ERROR] = "error", [V2V_EVENT_DONE] = "done",
  };

  if (cli_out.reader_gone)
    return;
  printf ("{\"event\":\"%s\"", names[ev->type]);
  if (cli_out.vm) {
    fputs (",\"vm\":", stdout);
    cli_json_string (stdout, cli_out.vm);
  }
  switch (ev->type) {
  case V2V_EVENT_STAGE:
    fputs (",\"stage\":", stdout);
    cli_json_string (stdout, ev->stage);
    if (ev->disk >= 0)
      printf (",\"disk\":%d", ev->disk);
    break;
  case V2V_EVENT_COPY:
    printf (",\"disk\":%d,\"done\":%llu,\"total\":%llu,\"rate\":%.4g",
            ev->disk, (unsigned long long) ev->done,
            (unsigned long long) ev->total, ev->rate);
    break;
  case V2V_EVENT_INFO:
  case V2V_EVENT_WARNING:
  case V2V_EVENT_ERROR:
    fputs (",\"stage\":", stdout);
    cli_json_string (stdout, ev->stage);
    fputs (",\"message\":", stdout);
    json_message (ev->message);
    if (ev->type == V2V_EVENT_ERROR) {
      /* What kind of error, for a front end to act on without reading
       * the message (docs/events.md); the detail (a fingerprint, a host
       * key) only when there is one.
       */
      const char *detail = v2v_last_error_detail ();

      fputs (",\"kind\":", stdout);
      cli_json_string (stdout, v2v_error_kind_name (v2v_last_error_kind ()));
      if (detail && *detail) {
        fputs (",\"detail\":", stdout);
        json_message (detail);
      }
    }
    break;
  case V2V_EVENT_DONE:
    printf (",\"ok\":%s,\"message\":", ev->ok ? "true" : "false");
    json_message (ev->message);
    if (ev->ok) {
      fputs (",\"name\":", stdout);
      cli_json_string (stdout, ev->vm_name);
      fputs (",\"output\":", stdout);
      cli_json_string (stdout, ev->output);
      if (ev->next) {
        fputs (",\"next\":", stdout);
        cli_json_string (stdout, ev->next);
      }
    }
    if (ev->verify) {
      printf (",\"booted\":%s,\"verify\":", ev->verify_ok ? "true" : "false");
      cli_json_string (stdout, ev->verify);
    }
    if (ev->screenshot) {
      fputs (",\"screenshot\":", stdout);
      cli_json_string (stdout, ev->screenshot);
    }
    break;
  }
  fputs ("}\n", stdout);
  fflush (stdout);
  check_write (stdout, true);
}

static void
vsay (bool to_stderr, const char *fmt, va_list ap)
{
  char *msg = NULL, *line = NULL, *shown;

  if (vasprintf (&msg, fmt, ap) == -1)
    return;
  shown = ks_mask_urls (msg);     /* a URL's password never shows */
  if (shown &&
      asprintf (&line, "v2vboot%s%s%s: %s", cli_out.vm ? "[" : "",
                cli_out.vm ? cli_out.vm : "", cli_out.vm ? "]" : "",
                shown) != -1) {
    if (to_stderr) {
      if (copy_line_open) {
        fputc ('\n', stderr);
        copy_line_open = false;
      }
      fprintf (stderr, "%s\n", line);
      check_write (stderr, !cli_out.machine_readable);
    }
    cli_log (line);
  }
  free (line);
  free (shown);
  free (msg);
}

void
cli_say (const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  vsay (true, fmt, ap);
  va_end (ap);
}

/* Only to the log sinks (what stderr shows differently, or not at all). */
static void
log_only (const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  vsay (false, fmt, ap);
  va_end (ap);
}

static void
copy_line (const struct v2v_event *ev)
{
  double pct = ev->total ? 100.0 * ev->done / ev->total : 100.0;
  int tenth = (int) (pct / 10);
  bool ticks = !cli_out.machine_readable;   /* every tick on stderr */

  if (ticks && !cli_out.reader_gone) {
    fprintf (stderr, "%sv2vboot%s%s%s: copy disk %d: %5.1f%% %llu/%llu MiB "
             "%.1f MiB/s%s", cli_out.tty ? "\r" : "",
             cli_out.vm ? "[" : "", cli_out.vm ? cli_out.vm : "",
             cli_out.vm ? "]" : "", ev->disk, pct,
             (unsigned long long) ev->done >> 20,
             (unsigned long long) ev->total >> 20, ev->rate / 1048576.0,
             cli_out.tty ? "" : "\n");
    check_write (stderr, true);
    copy_line_open = cli_out.tty;
  }
  if (ev->disk >= 0 && ev->disk < 64 &&
      (tenth > logged_tenth[ev->disk] || ev->done == 0)) {
    void (*say) (const char *, ...) = ticks ? log_only : cli_say;
    logged_tenth[ev->disk] = tenth;
    say ("copy disk %d: %.0f%% %llu/%llu MiB %.1f MiB/s", ev->disk,
         pct, (unsigned long long) ev->done >> 20,
         (unsigned long long) ev->total >> 20, ev->rate / 1048576.0);
  }
}

/* An error of the front end's own engine call (resolving vm --inventory,
 * listing): on stderr, and with --machine-readable as an error event too,
 * so that a reader of the events learns why (and its kind) as it does for
 * a run's errors.
 */
void
cli_error (void)
{
  const char *last = v2v_last_error () ? v2v_last_error () : "failed";
  char *masked = ks_mask_urls (last);
  const char *e = masked ? masked : last;
  const char *colon = strstr (e, ": ");
  char *stage = colon ? strndup (e, (size_t) (colon - e)) : NULL;
  struct v2v_event ev = {
    .type = V2V_EVENT_ERROR, .disk = -1,
    .stage = stage ? stage : "", .message = colon ? colon + 2 : e,
  };

  fprintf (stderr, "v2vboot-agent: error: %s\n", e);
  if (cli_out.machine_readable) {
    print_json (&ev);
    fflush (stdout);
  }
  free (stage);
  free (masked);
}

/* Human lines go to stderr in both modes (with --machine-readable the
 * JSON goes to stdout as well).
 */
void
cli_progress (const struct v2v_event *ev, void *opaque)
{
  (void) opaque;
  if (cli_out.machine_readable)
    print_json (ev);
  switch (ev->type) {
  case V2V_EVENT_STAGE:
    if (ev->disk >= 0)
      cli_say ("== %s (disk %d)", ev->stage, ev->disk);
    else
      cli_say ("== %s", ev->stage);
    break;
  case V2V_EVENT_COPY:
    copy_line (ev);
    break;
  case V2V_EVENT_INFO:
    cli_say ("%s: %s", ev->stage, ev->message);
    break;
  case V2V_EVENT_WARNING:
    cli_say ("warning: %s", ev->message);
    break;
  case V2V_EVENT_ERROR:
    log_only ("error: %s", ev->message);
    break;                      /* the batch prints the error once */
  case V2V_EVENT_DONE:
    if (ev->ok)
      cli_say ("%s", ev->message);
    break;
  }
}
