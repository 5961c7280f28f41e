/* Serve a remote disk on a local NBD socket with nbdkit: the common
 * options here, the plugin and its arguments from the source's
 * nbdkit_args (our plugins, plugin/: v2vhttps for HTTPS, v2vsftp for
 * SSH, with the same trust and login as the probes, reading up to
 * options --connections requests at once).
 *
 * Why nbdkit and not qemu's curl driver (docs/data-path.md): our plugins
 * read exactly the ranges they are asked for (qemu's curl driver reads
 * ahead 256 KiB per request), take a CA file (qemu's curl driver has only
 * the system store), read the password from a file, and retry a failed
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
    if (v2v_reap (pid, &status, WNOHANG) == pid) {
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

static void
free_owned (char *s)
{
  free (s);
}

int
v2v_nbdkit_start (struct run *run, struct disk_state *d, size_t i)
{
  const struct v2v_source_ops *ops = v2v_source_ops_for (run->cfg->source.type);
  struct v2v_nbdkit_args a = { VECTOR_INIT, VECTOR_INIT };
  CLEANUP_FREE char *log = NULL;
  int ret = -1;

  if (ops == NULL) {
    v2v_error ("no source to serve the disks from");
    return -1;
  }
  if (asprintf (&d->socket, "%s/disk%zu.sock", run->workdir, i) == -1) {
    d->socket = NULL;
    v2v_error ("out of memory");
    return -1;
  }
  if (asprintf (&log, "%s/nbdkit-disk%zu.log", run->workdir, i) == -1) {
    log = NULL;
    v2v_error ("out of memory");
    return -1;
  }
  if (v2v_nbdkit_arg (&a, "nbdkit") == -1 ||
      v2v_nbdkit_arg (&a, "--exit-with-parent") == -1 ||
      v2v_nbdkit_arg (&a, "--readonly") == -1 ||
      v2v_nbdkit_arg (&a, "--foreground") == -1 ||
      v2v_nbdkit_arg (&a, "--unix") == -1 ||
      v2v_nbdkit_arg (&a, d->socket) == -1 ||
      ops->nbdkit_args (run, d, &a) == -1 ||
      v2v_nbdkit_arg (&a, "timeout=60") == -1 ||
      v2v_nbdkit_arg (&a, NULL) == -1)
    goto out;

  d->nbdkit_pid = v2v_spawn_logged (a.argv.ptr, log);
  if (d->nbdkit_pid == -1)
    goto out;
  if (wait_for_socket (d->nbdkit_pid, d->socket, log) == -1) {
    d->nbdkit_pid = 0;
    goto out;
  }
  ret = 0;
 out:
  v2v_argv_vector_reset (&a.argv);
  v2v_owned_vector_free_all (&a.owned, free_owned);
  return ret;
}

void
v2v_nbdkit_stop (struct disk_state *d)
{
  v2v_kill_wait (d->nbdkit_pid);
  d->nbdkit_pid = 0;
}
