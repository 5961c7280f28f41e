/* The network screen's Test: a TCP connection to HOST[:PORT] (443 by
 * default) within 5 s, its outcome on the status or error line.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wizard.h"

void
tcp_probe (const char *target)
{
  char host[FIELD], *colon;
  const char *port = "443";
  struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
  int fd = -1, r;

  snprintf (host, sizeof host, "%s", target);
  colon = strrchr (host, ':');
  if (colon && !strchr (colon, ']')) {
    *colon = '\0';
    port = colon + 1;
  }
  if (host[0] == '[') {
    memmove (host, host + 1, strlen (host));
    host[strcspn (host, "]")] = '\0';
  }
  ui_status (-6, "Testing %s ...", target);
  r = getaddrinfo (host, port, &hints, &res);
  if (r != 0) {
    ui_error ("%s: cannot resolve: %s", target, gai_strerror (r));
    return;
  }
  fd = socket (res->ai_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd >= 0 && connect (fd, res->ai_addr, res->ai_addrlen) == -1 &&
      errno == EINPROGRESS) {
    struct pollfd p = { .fd = fd, .events = POLLOUT };
    int err = ETIMEDOUT;
    socklen_t l = sizeof err;
    if (poll (&p, 1, 5000) == 1)
      getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &l);
    errno = err;
  }
  else if (fd >= 0)
    errno = 0;
  if (fd >= 0 && errno == 0)
    ui_status (-6, "%s: reachable (TCP connection accepted)", target);
  else
    ui_error ("%s: not reachable: %s: check the cable, the address and the "
              "gateway", target, strerror (errno));
  if (fd >= 0)
    close (fd);
  freeaddrinfo (res);
}
