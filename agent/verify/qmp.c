/* A line-oriented JSON connection to a local Unix socket: qemu's QMP
 * monitor and the guest agent's channel both speak one JSON object a
 * line.  Lines are capped (qemu's are short); a longer one is cut.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "internal.h"

#define LINE_MAX_BYTES 8192

struct v2v_qmp {
  int fd;
  char buf[LINE_MAX_BYTES];
  size_t len;
};

/* Connects, retrying until timeout seconds (qemu creates the socket as
 * it starts).  Caller closes (v2v_qmp_close).  NULL (error set) if not.
 */
struct v2v_qmp *
v2v_qmp_connect (const char *path, double timeout)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  double end = v2v_now () + timeout;
  struct v2v_qmp *q;

  if (strlen (path) >= sizeof sa.sun_path) {
    v2v_error ("socket path too long: %s", path);
    return NULL;
  }
  strcpy (sa.sun_path, path);
  q = calloc (1, sizeof *q);
  if (q == NULL) {
    v2v_error ("out of memory");
    return NULL;
  }
  for (;;) {
    q->fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (q->fd == -1)
      break;
    if (connect (q->fd, (struct sockaddr *) &sa, sizeof sa) == 0)
      return q;
    close (q->fd);
    if (v2v_now () > end || v2v_cancelled ())
      break;
    usleep (100000);
  }
  v2v_error ("cannot connect to %s: %m", path);
  free (q);
  return NULL;
}

int
v2v_qmp_send (struct v2v_qmp *q, const char *json)
{
  size_t len = strlen (json), done = 0;

  while (done < len) {
    ssize_t n = send (q->fd, json + done, len - done, MSG_NOSIGNAL);
    if (n == -1) {
      if (errno == EINTR)
        continue;
      v2v_error ("qmp: send: %m");
      return -1;
    }
    done += (size_t) n;
  }
  return 0;
}

/* The lines in the buffer to fn; returns fn's first non-zero. */
static int
deliver (struct v2v_qmp *q, v2v_qmp_line_fn fn, void *opaque)
{
  char *nl;
  int r;

  while ((nl = memchr (q->buf, '\n', q->len)) != NULL) {
    size_t n = (size_t) (nl - q->buf) + 1;
    *nl = '\0';
    r = fn (q->buf, opaque);
    memmove (q->buf, q->buf + n, q->len - n);
    q->len -= n;
    if (r)
      return r;
  }
  if (q->len == sizeof q->buf - 1) {   /* a line too long: cut it */
    q->buf[q->len] = '\0';
    q->len = 0;
    return fn (q->buf, opaque);
  }
  return 0;
}

int
v2v_qmp_read (struct v2v_qmp *q, double timeout, v2v_qmp_line_fn fn,
              void *opaque)
{
  double end = v2v_now () + timeout;
  int r;

  for (;;) {
    struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
    double left = end - v2v_now ();
    ssize_t n;

    if ((r = deliver (q, fn, opaque)) != 0)
      return r;
    if (left < 0)
      left = 0;
    r = poll (&pfd, 1, (int) (left * 1000));
    if (r == -1 && errno == EINTR)
      continue;
    if (r <= 0)
      return 0;
    n = recv (q->fd, q->buf + q->len, sizeof q->buf - 1 - q->len, 0);
    if (n == -1 && errno == EINTR)
      continue;
    if (n <= 0)
      return -1;
    q->len += (size_t) n;
  }
}

void
v2v_qmp_close (struct v2v_qmp *q)
{
  if (q == NULL)
    return;
  close (q->fd);
  free (q);
}
