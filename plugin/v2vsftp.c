/* nbdkit-v2vsftp-plugin: one disk of an SSH source (ESXi shell or any
 * host with SFTP) served read-only with up to connections=N SFTP
 * sessions reading at once (NBDKIT_THREAD_MODEL_PARALLEL, pool.c).
 * nbdkit's own ssh plugin (Debian 12's 1.32) reads one request at a time,
 * and its retry filter serializes them too.
 *
 *   host=H port=P user=U path=/vmfs/volumes/...   the disk
 *   known-hosts=FILE  the host key must be in it (else ~/.ssh/known_hosts)
 *   identity=FILE or password=+FILE   the login (the password never in argv)
 *   connections=N     1..16 (default 4); timeout=S
 *   retries=N retry-delay=S   a failed read is retried on a new session
 *
 * As the engine's probe (agent/source/source_ssh.c): a host key that is
 * unknown or does not match is refused, and never retried.  A read that
 * ends before its count (the file shrank) is an error.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>
#include <libssh/sftp.h>

#define NBDKIT_API_VERSION 2
#include <nbdkit-plugin.h>

#include "pool.h"

#define THREAD_MODEL NBDKIT_THREAD_MODEL_PARALLEL

static char *host, *path, *known_hosts, *identity;
static unsigned port = 22;
static int64_t size = -1;

struct conn {
  ssh_session s;
  sftp_session sftp;
  sftp_file f;
};

static void
sftp_unload (void)
{
  pool_unload ();
  free (host); free (path); free (known_hosts); free (identity);
}

static int
sftp_config (const char *key, const char *value)
{
  unsigned n;
  int r;

  if (strcmp (key, "host") == 0)
    return pool_set_string (&host, value);
  if (strcmp (key, "path") == 0)
    return pool_set_string (&path, value);
  if (strcmp (key, "known-hosts") == 0)
    return pool_set_string (&known_hosts, value);
  if (strcmp (key, "identity") == 0)
    return pool_set_string (&identity, value);
  if (strcmp (key, "port") == 0) {
    if (nbdkit_parse_unsigned (key, value, &n) == -1)
      return -1;
    if (n < 1 || n > 65535) {
      nbdkit_error ("port=%u: out of range", n);
      return -1;
    }
    port = n;
    return 0;
  }
  r = pool_config (key, value);
  if (r == 1)
    nbdkit_error ("unknown parameter '%s'", key);
  return r == 0 ? 0 : -1;
}

static int
sftp_config_complete (void)
{
  if (host == NULL || pool_params.user == NULL || path == NULL) {
    nbdkit_error ("host=, user= and path= are required");
    return -1;
  }
  return 0;
}

static void
conn_close (void *p)
{
  struct conn *k = p;

  if (k->f)
    sftp_close (k->f);
  if (k->sftp)
    sftp_free (k->sftp);
  if (k->s) {
    ssh_disconnect (k->s);
    ssh_free (k->s);
  }
  free (k);
}

static int
verify_host (ssh_session s, bool *fatal)
{
  enum ssh_known_hosts_e r = ssh_session_is_known_server (s);

  if (r == SSH_KNOWN_HOSTS_OK)
    return 0;
  *fatal = r != SSH_KNOWN_HOSTS_ERROR;
  nbdkit_error ("%s: the host key is %s in %s: refused", host,
                r == SSH_KNOWN_HOSTS_CHANGED || r == SSH_KNOWN_HOSTS_OTHER
                ? "NOT the one" : "not found",
                known_hosts ? known_hosts : "~/.ssh/known_hosts");
  return -1;
}

static int
login (ssh_session s, bool *fatal)
{
  int r;

  if (identity) {
    ssh_key key = NULL;
    if (ssh_pki_import_privkey_file (identity, NULL, NULL, NULL, &key)
        != SSH_OK) {
      nbdkit_error ("identity=%s: cannot read the private key", identity);
      *fatal = true;
      return -1;
    }
    r = ssh_userauth_publickey (s, NULL, key);
    ssh_key_free (key);
  }
  else
    r = ssh_userauth_password (s, NULL, pool_params.password
                               ? pool_params.password : "");
  if (r == SSH_AUTH_SUCCESS)
    return 0;
  nbdkit_error ("%s: login as '%s' refused: %s", host, pool_params.user,
                ssh_get_error (s));
  return -1;
}

/* A session: connected, host key verified, logged in, the disk open. */
static int
conn_open (void **p, bool *fatal)
{
  struct conn *k = calloc (1, sizeof *k);

  if (k == NULL) {
    nbdkit_error ("calloc: %m");
    return -1;
  }
  k->s = ssh_new ();
  if (k->s == NULL) {
    nbdkit_error ("ssh_new failed");
    free (k);
    return -1;
  }
  ssh_options_set (k->s, SSH_OPTIONS_HOST, host);
  ssh_options_set (k->s, SSH_OPTIONS_PORT, &port);
  ssh_options_set (k->s, SSH_OPTIONS_USER, pool_params.user);
  ssh_options_set (k->s, SSH_OPTIONS_TIMEOUT, &pool_params.timeout);
  if (known_hosts)
    ssh_options_set (k->s, SSH_OPTIONS_KNOWNHOSTS, known_hosts);
  if (ssh_connect (k->s) != SSH_OK) {
    nbdkit_error ("%s: cannot connect: %s", host, ssh_get_error (k->s));
    goto fail;
  }
  if (verify_host (k->s, fatal) == -1 || login (k->s, fatal) == -1)
    goto fail;
  k->sftp = sftp_new (k->s);
  if (k->sftp == NULL || sftp_init (k->sftp) != SSH_OK) {
    nbdkit_error ("%s: SFTP: %s", host, ssh_get_error (k->s));
    goto fail;
  }
  k->f = sftp_open (k->sftp, path, O_RDONLY, 0);
  if (k->f == NULL) {
    nbdkit_error ("%s: %s: %s", host, path, ssh_get_error (k->s));
    goto fail;
  }
  *p = k;
  return 0;
 fail:
  conn_close (k);
  return -1;
}

static int
conn_pread (void *p, void *buf, uint32_t count, uint64_t offset)
{
  struct conn *k = p;
  char *b = buf;
  ssize_t r;

  if (sftp_seek64 (k->f, offset) != 0) {
    nbdkit_error ("%s: seek: %s", path, ssh_get_error (k->s));
    return -1;
  }
  while (count > 0) {
    r = sftp_read (k->f, b, count);
    if (r < 0) {
      nbdkit_error ("%s: read: %s", path, ssh_get_error (k->s));
      return -1;
    }
    if (r == 0) {
      nbdkit_error ("%s: read: the file ends %" PRIu32 " bytes early",
                    path, count);
      return -1;
    }
    b += r;
    count -= (uint32_t) r;
  }
  return 0;
}

static const struct pool_ops sftp_ops = {
  .open = conn_open, .close = conn_close, .pread = conn_pread,
};

/* The disk's size, once for the process, on a first session. */
static int
sftp_get_ready (void)
{
  struct conn *k;
  sftp_attributes a;
  bool fatal = false;

  pool_init (&sftp_ops);
  if (conn_open ((void **) &k, &fatal) == -1)
    return -1;
  a = sftp_fstat (k->f);
  if (a == NULL)
    nbdkit_error ("%s: stat: %s", path, ssh_get_error (k->s));
  else {
    size = (int64_t) a->size;
    sftp_attributes_free (a);
  }
  conn_close (k);
  pool_set_size (size);
  return size < 0 ? -1 : 0;
}

static struct nbdkit_plugin plugin = {
  .name = "v2vsftp",
  .longname = "v2vboot SSH source, parallel SFTP sessions",
  .version = "1",
  .unload = sftp_unload,
  .config = sftp_config,
  .config_complete = sftp_config_complete,
  .config_help = "host= [port=] user= path= [known-hosts=FILE] "
                 "[identity=FILE | password=+FILE] [connections=1..16]",
  .get_ready = sftp_get_ready,
  POOL_NBD_CALLBACKS,
  .errno_is_preserved = 0,
};

NBDKIT_REGISTER_PLUGIN (plugin)
