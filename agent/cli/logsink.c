/* Where the run's log also goes (kickstart "log"): a file, appended one
 * whole line per write so that VMs converted in parallel do not mix their
 * lines, and a remote syslog server over UDP (RFC 3164 lines, facility
 * local0).  Events never hold passwords, so neither do the logs; the
 * file is made 0600 all the same.
 */
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "v2v.h"

static int log_fd = -1;
static int syslog_fd = -1;
static char hostname[64] = "v2vboot";

static int
open_syslog (const char *remote)
{
  char *host = NULL;
  char port[16];
  unsigned p = 0;
  struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *res = NULL;
  int r;

  if (v2v_split_server (remote + strlen ("syslog://"), &host, &p) == -1) {
    fprintf (stderr, "v2vboot-agent: log --remote=%s: expected "
             "syslog://HOST[:PORT]\n", remote);
    return -1;
  }
  snprintf (port, sizeof port, "%u", p ? p : 514);
  r = getaddrinfo (host, port, &hints, &res);
  free (host);
  if (r != 0) {
    fprintf (stderr, "v2vboot-agent: log --remote=%s: %s\n", remote,
             gai_strerror (r));
    return -1;
  }
  syslog_fd = socket (res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (syslog_fd == -1 ||
      connect (syslog_fd, res->ai_addr, res->ai_addrlen) == -1) {
    fprintf (stderr, "v2vboot-agent: log --remote=%s: %m\n", remote);
    if (syslog_fd >= 0)
      close (syslog_fd);
    syslog_fd = -1;
  }
  freeaddrinfo (res);
  return syslog_fd == -1 ? -1 : 0;
}

int
cli_log_open (const char *file, const char *remote)
{
  gethostname (hostname, sizeof hostname - 1);
  if (file) {
    struct stat st;
    log_fd = open (file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (log_fd == -1) {
      fprintf (stderr, "v2vboot-agent: log --file=%s: %m\n", file);
      return -1;
    }
    /* Root's only, like the image's other logs, even if the file was
     * there before with a wider mode (not a terminal or a pipe).
     */
    if (fstat (log_fd, &st) == 0 && S_ISREG (st.st_mode) &&
        (st.st_mode & 077) && st.st_uid == geteuid () &&
        fchmod (log_fd, 0600) == -1)
      fprintf (stderr, "v2vboot-agent: log --file=%s: chmod 0600: %m\n",
               file);
  }
  if (remote && open_syslog (remote) == -1)
    return -1;
  return 0;
}

void
cli_log (const char *line)
{
  char stamp[64], *s = NULL;
  time_t now;
  struct tm tm;
  int n;

  if (log_fd == -1 && syslog_fd == -1)
    return;
  now = time (NULL);
  if (log_fd >= 0) {
    localtime_r (&now, &tm);
    strftime (stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
    n = asprintf (&s, "%s %s\n", stamp, line);
    if (n > 0 && write (log_fd, s, (size_t) n) != n)
      { /* the console has the same lines */ }
    free (s);
    s = NULL;
  }
  if (syslog_fd >= 0) {
    localtime_r (&now, &tm);
    strftime (stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
    /* <134> = facility local0 (16) * 8 + severity info (6) */
    n = asprintf (&s, "<134>%s %s v2vboot-agent[%d]: %s", stamp, hostname,
                  (int) getpid (), line);
    if (n > 0)
      send (syslog_fd, s, (size_t) n, MSG_DONTWAIT);
    free (s);
  }
}

void
cli_log_close (void)
{
  if (log_fd >= 0)
    close (log_fd);
  if (syslog_fd >= 0)
    close (syslog_fd);
  log_fd = syslog_fd = -1;
}
