/* Serve a remote disk on a local NBD socket with nbdkit's curl plugin.
 *
 * Why nbdkit and not qemu's curl driver (docs/data-path.md): nbdkit reads
 * exactly the ranges it is asked for (qemu's curl driver reads ahead
 * 256 KiB per request), takes a CA file (qemu's curl driver has only the
 * system store), reads the password from a file, and retries a failed
 * request.  The server is read-only (-r): nothing can write the source.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define NBDKIT_START_TIMEOUT 30 /* seconds */

static int
wait_for_socket (pid_t pid, const char *sock, const char *log)
{
  struct timespec ts = { 0, 50 * 1000 * 1000 };
  struct stat st;
  int i, status;

  for (i = 0; i < NBDKIT_START_TIMEOUT * 20; ++i) {
    if (stat (sock, &st) == 0 && S_ISSOCK (st.st_mode))
      return 0;
    if (waitpid (pid, &status, WNOHANG) == pid) {
      CLEANUP_FREE char *text = v2v_read_file_tail (log, 2048);
      v2v_error ("nbdkit exited before serving the disk: %s",
                 text ? v2v_last_line (text) : "see the log");
      return -1;
    }
    nanosleep (&ts, NULL);
  }
  v2v_error ("nbdkit did not start within %d s", NBDKIT_START_TIMEOUT);
  return -1;
}

int
v2v_nbdkit_start (struct run *run, struct disk_state *d, size_t i)
{
  const struct v2v_source *src = &run->cfg->source;
  CLEANUP_FREE char *url = NULL, *user = NULL, *password = NULL;
  CLEANUP_FREE char *cainfo = NULL, *log = NULL;
  const char *argv[20];
  size_t n = 0;

  if (asprintf (&d->socket, "%s/disk%zu.sock", run->workdir, i) == -1 ||
      asprintf (&log, "%s/nbdkit-disk%zu.log", run->workdir, i) == -1 ||
      asprintf (&url, "url=%s", d->url) == -1) {
    v2v_error ("out of memory");
    return -1;
  }
  argv[n++] = "nbdkit";
  argv[n++] = "--exit-with-parent";
  argv[n++] = "--readonly";
  argv[n++] = "--foreground";
  argv[n++] = "--unix";
  argv[n++] = d->socket;
  argv[n++] = "--filter=retry-request";
  argv[n++] = "curl";
  argv[n++] = url;
  argv[n++] = "retry-request-retries=5";
  argv[n++] = "retry-request-delay=2";
  argv[n++] = "timeout=60";
  if (src->user) {
    if (asprintf (&user, "user=%s", src->user) == -1 ||
        asprintf (&password, "password=+%s", run->password_file) == -1) {
      v2v_error ("out of memory");
      return -1;
    }
    argv[n++] = user;
    argv[n++] = password;
  }
  if (src->insecure)
    argv[n++] = "sslverify=false";
  else if (run->cainfo) {
    if (asprintf (&cainfo, "cainfo=%s", run->cainfo) == -1) {
      v2v_error ("out of memory");
      return -1;
    }
    argv[n++] = cainfo;
  }
  argv[n] = NULL;

  d->nbdkit_pid = v2v_spawn_logged (argv, log);
  if (d->nbdkit_pid == -1)
    return -1;
  if (wait_for_socket (d->nbdkit_pid, d->socket, log) == -1) {
    d->nbdkit_pid = 0;
    return -1;
  }
  return 0;
}

void
v2v_nbdkit_stop (struct disk_state *d)
{
  v2v_kill_wait (d->nbdkit_pid);
  d->nbdkit_pid = 0;
}
