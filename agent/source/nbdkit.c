/* Serve a remote disk on a local NBD socket with nbdkit's curl plugin
 * (HTTPS) or ssh plugin (SSH: same known-hosts file and login as the
 * probe in source_ssh.c).
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

/* Append "key=value" (allocated, freed by the caller through strs). */
static const char *
kv (char **strs, size_t *ns, const char *key, const char *value)
{
  char *s;

  if (asprintf (&s, "%s=%s", key, value) == -1)
    return NULL;
  strs[(*ns)++] = s;
  return s;
}

int
v2v_nbdkit_start (struct run *run, struct disk_state *d, size_t i)
{
  const struct v2v_source *src = &run->cfg->source;
  CLEANUP_FREE char *log = NULL, *pwarg = NULL, *host = NULL;
  char *strs[8] = { NULL };
  const char *argv[24];
  size_t n = 0, ns = 0, k;
  char port[16];
  unsigned p = 22;
  int ret = -1;

  if (asprintf (&d->socket, "%s/disk%zu.sock", run->workdir, i) == -1 ||
      asprintf (&log, "%s/nbdkit-disk%zu.log", run->workdir, i) == -1 ||
      (run->password_file &&
       asprintf (&pwarg, "password=+%s", run->password_file) == -1))
    goto nomem;
  argv[n++] = "nbdkit";
  argv[n++] = "--exit-with-parent";
  argv[n++] = "--readonly";
  argv[n++] = "--foreground";
  argv[n++] = "--unix";
  argv[n++] = d->socket;
  /* retry-request retries a request on the same plugin connection: right
   * for curl, where each request is a new HTTP exchange, useless for ssh,
   * whose session is dead once dropped.  The retry filter reopens it. */
  argv[n++] = src->type == V2V_SOURCE_SSH ? "--filter=retry"
                                          : "--filter=retry-request";
  if (src->type == V2V_SOURCE_SSH) {
    if (v2v_split_server (src->server, &host, &p) == -1)
      goto out;
    snprintf (port, sizeof port, "%u", p);
    argv[n++] = "ssh";
    if (!(argv[n++] = kv (strs, &ns, "host", host)) ||
        !(argv[n++] = kv (strs, &ns, "port", port)) ||
        !(argv[n++] = kv (strs, &ns, "user", src->user)) ||
        !(argv[n++] = kv (strs, &ns, "path", d->remote_path)))
      goto nomem;
    if (src->identity && !(argv[n++] = kv (strs, &ns, "identity",
                                           src->identity)))
      goto nomem;
    if (src->known_hosts && !(argv[n++] = kv (strs, &ns, "known-hosts",
                                              src->known_hosts)))
      goto nomem;
  }
  else {
    argv[n++] = "curl";
    if (!(argv[n++] = kv (strs, &ns, "url", d->url)))
      goto nomem;
    /* https only, redirects included (the plugin applies protocols= to
     * both): never a quiet downgrade to http.
     */
    argv[n++] = "protocols=https";
    if (src->user && !(argv[n++] = kv (strs, &ns, "user", src->user)))
      goto nomem;
    if (src->insecure)
      argv[n++] = "sslverify=false";
    else if (run->cainfo && !(argv[n++] = kv (strs, &ns, "cainfo",
                                              run->cainfo)))
      goto nomem;
  }
  if (pwarg)
    argv[n++] = pwarg;
  if (src->type == V2V_SOURCE_SSH) {
    argv[n++] = "retries=5";
    argv[n++] = "retry-delay=2";
    argv[n++] = "retry-exponential=no";
  }
  else {
    argv[n++] = "retry-request-retries=5";
    argv[n++] = "retry-request-delay=2";
  }
  argv[n++] = "timeout=60";
  argv[n] = NULL;

  d->nbdkit_pid = v2v_spawn_logged (argv, log);
  if (d->nbdkit_pid == -1)
    goto out;
  if (wait_for_socket (d->nbdkit_pid, d->socket, log) == -1) {
    d->nbdkit_pid = 0;
    goto out;
  }
  ret = 0;
  goto out;
 nomem:
  v2v_error ("out of memory");
 out:
  for (k = 0; k < ns; ++k)
    free (strs[k]);
  return ret;
}

void
v2v_nbdkit_stop (struct disk_state *d)
{
  v2v_kill_wait (d->nbdkit_pid);
  d->nbdkit_pid = 0;
}
