/* SSH source (ESXi shell or any Linux host), through libssh and SFTP:
 * the host key is verified against the known-hosts file, then the login
 * (identity file or password), then every disk's size.  nbdkit's ssh
 * plugin, which serves the disks afterwards, uses the same library and
 * the same known-hosts file, so what passes here passes there.  Its
 * table of operations, v2v_source_ssh, is at the end; the SFTP walk that
 * finds VMs is in source_ssh_list.c.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include "internal.h"

/* "SHA256:..." of the server's host key.  Caller frees. */
static char *
host_key_fingerprint (ssh_session s)
{
  ssh_key key = NULL;
  unsigned char *hash = NULL;
  size_t len = 0;
  char *fp = NULL, *copy = NULL;

  if (ssh_get_server_publickey (s, &key) != SSH_OK)
    return NULL;
  if (ssh_get_publickey_hash (key, SSH_PUBLICKEY_HASH_SHA256, &hash,
                              &len) == 0)
    fp = ssh_get_fingerprint_hash (SSH_PUBLICKEY_HASH_SHA256, hash, len);
  ssh_clean_pubkey_hash (&hash);
  ssh_key_free (key);
  if (fp) {
    copy = strdup (fp);
    ssh_string_free_char (fp);
  }
  return copy;
}

static int
verify_host (struct run *run, ssh_session s)
{
  const struct v2v_source *src = &run->cfg->source;
  CLEANUP_FREE char *fp = host_key_fingerprint (s);
  const char *kh = src->known_hosts ? src->known_hosts
                   : "~/.ssh/known_hosts";

  switch (ssh_session_is_known_server (s)) {
  case SSH_KNOWN_HOSTS_OK:
    return 0;
  case SSH_KNOWN_HOSTS_CHANGED:
  case SSH_KNOWN_HOSTS_OTHER:
    v2v_error ("%s: the host key (%s) does NOT match the one in %s: "
               "someone may be intercepting the connection; if the host "
               "was reinstalled, replace its line in that file",
               src->server, fp ? fp : "unknown", kh);
    return -1;
  case SSH_KNOWN_HOSTS_NOT_FOUND:
  case SSH_KNOWN_HOSTS_UNKNOWN:
    /* trust-host-key only with the key to trust */
    v2v_error_kind (fp ? V2V_ERR_TRUST_HOST_KEY : V2V_ERR_OTHER, fp,
                    "%s: unknown host key %s: check it on the host "
                    "(ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then add "
                    "it to a known-hosts file (ssh-keyscan) and give "
                    "--known-hosts=FILE", src->server, fp ? fp : "");
    return -1;
  case SSH_KNOWN_HOSTS_ERROR:
  default:
    v2v_error ("%s: cannot check the host key: %s", src->server,
               ssh_get_error (s));
    return -1;
  }
}

static int
login (struct run *run, ssh_session s)
{
  const struct v2v_source *src = &run->cfg->source;
  int r;

  if (src->identity) {
    ssh_key key = NULL;
    if (ssh_pki_import_privkey_file (src->identity, NULL, NULL, NULL,
                                     &key) != SSH_OK) {
      v2v_error ("--identity=%s: cannot read the private key (is it a "
                 "key without a passphrase?)", src->identity);
      return -1;
    }
    r = ssh_userauth_publickey (s, NULL, key);
    ssh_key_free (key);
  }
  else
    r = ssh_userauth_password (s, NULL, run->password ? run->password : "");
  if (r == SSH_AUTH_SUCCESS)
    return 0;
  v2v_error_kind (V2V_ERR_AUTH, NULL, "%s: login as '%s' refused: wrong %s",
                  src->server, src->user,
                  src->identity ? "key (is it in the user's authorized_keys?)"
                  : "user or password");
  return -1;
}

/* A session to the source, connected but not yet verified or logged in. */
static ssh_session
open_session (const struct v2v_source *src)
{
  CLEANUP_FREE char *host = NULL;
  unsigned port = 22;
  long timeout = 15;
  ssh_session s;

  if (v2v_split_server (src->server, &host, &port) == -1)
    return NULL;
  s = ssh_new ();
  if (s == NULL) {
    v2v_error ("ssh_new failed");
    return NULL;
  }
  ssh_options_set (s, SSH_OPTIONS_HOST, host);
  ssh_options_set (s, SSH_OPTIONS_PORT, &port);
  ssh_options_set (s, SSH_OPTIONS_USER, src->user);
  ssh_options_set (s, SSH_OPTIONS_TIMEOUT, &timeout);
  if (src->known_hosts)
    ssh_options_set (s, SSH_OPTIONS_KNOWNHOSTS, src->known_hosts);
  if (ssh_connect (s) != SSH_OK) {
    v2v_error_kind (V2V_ERR_UNREACHABLE, NULL,
                    "%s: cannot connect: %s: is sshd up and listening on "
                    "that port?", src->server, ssh_get_error (s));
    ssh_free (s);
    return NULL;
  }
  return s;
}

/* The operator confirmed that the host key with this fingerprint is the
 * host's: add it to the source's known-hosts file, if the host still
 * presents that key.
 */
int
v2v_ssh_trust_host (const struct v2v_config *cfg, const char *fingerprint)
{
  const struct v2v_source *src = &cfg->source;
  ssh_session s;
  CLEANUP_FREE char *fp = NULL;
  int r = -1;

  v2v_clear_error ();
  v2v_set_stage ("source");
  if (src->known_hosts == NULL) {
    v2v_error ("no known-hosts file to add the key to");
    return -1;
  }
  s = open_session (src);
  if (s == NULL)
    return -1;
  fp = host_key_fingerprint (s);
  if (fp == NULL || strcmp (fp, fingerprint) != 0)
    v2v_error ("%s: the host now presents key %s, not the %s you trusted: "
               "someone may be intercepting the connection", src->server,
               fp ? fp : "unknown", fingerprint);
  else if (ssh_session_update_known_hosts (s) != SSH_OK)
    v2v_error ("%s: cannot write %s: %s", src->server, src->known_hosts,
               ssh_get_error (s));
  else
    r = 0;
  ssh_disconnect (s);
  ssh_free (s);
  return r;
}

/* The session, the host key verified, logged in, SFTP started (connect). */
static int
src_ssh_connect (struct run *run)
{
  const struct v2v_source *src = &run->cfg->source;
  ssh_session s = open_session (src);

  if (s == NULL)
    return -1;
  run->ssh = s;
  if (verify_host (run, s) == -1 || login (run, s) == -1)
    return -1;
  run->sftp = sftp_new (s);
  if (run->sftp == NULL || sftp_init (run->sftp) != SSH_OK) {
    v2v_error ("%s: SFTP is not available: %s (on ESXi, enable the SSH "
               "service)", src->server, ssh_get_error (s));
    return -1;
  }
  return 0;
}

static void
src_ssh_close (struct run *run)
{
  if (run->sftp)
    sftp_free (run->sftp);
  run->sftp = NULL;
  if (run->ssh) {
    ssh_disconnect (run->ssh);
    ssh_free (run->ssh);
  }
  run->ssh = NULL;
}

static int
sftp_failure (struct run *run, const char *label, const char *path)
{
  const char *server = run->cfg->source.server;

  switch (sftp_get_error (run->sftp)) {
  case SSH_FX_NO_SUCH_FILE:
  case SSH_FX_NO_SUCH_PATH:
    v2v_error_kind (V2V_ERR_NOT_FOUND, NULL,
                    "%s: no such file on datastore: %s (%s)", server, label,
                    path);
    break;
  case SSH_FX_PERMISSION_DENIED:
    v2v_error_kind (V2V_ERR_AUTH, NULL, "%s: user '%s' may not read %s (%s)",
                    server, run->cfg->source.user, label, path);
    break;
  default:
    v2v_error ("%s: %s: %s", server, path, ssh_get_error (run->ssh));
  }
  return -1;
}

/* Every disk's path on the host and size (probe). */
static int
src_ssh_probe (struct run *run)
{
  size_t i;

  for (i = 0; i < run->nr_disks; ++i) {
    struct disk_state *d = &run->disks[i];
    struct v2v_disk where = { .path = d->path };
    sftp_attributes a;

    d->remote_path = v2v_ssh_path (&where);
    if (d->remote_path == NULL)
      return -1;
    a = sftp_stat (run->sftp, d->remote_path);
    if (a == NULL)
      return sftp_failure (run, d->label, d->remote_path);
    d->size = a->size;
    sftp_attributes_free (a);
    if (d->size == 0) {
      v2v_error ("%s: %s is empty", run->cfg->source.server, d->label);
      return -1;
    }
    v2v_info (run, "disk %zu: %s: %" PRIu64 " bytes", i, d->label, d->size);
  }
  return 0;
}

/* Read a small file (at most max bytes) over SFTP.  Caller frees. */
static char *
ssh_get (struct run *run, const char *path, const char *label,
             size_t max, size_t *len)
{
  sftp_file f = sftp_open (run->sftp, path, O_RDONLY, 0);
  char *buf;
  size_t n = 0;
  ssize_t r = 0;

  if (f == NULL) {
    sftp_failure (run, label, path);
    return NULL;
  }
  buf = malloc (max + 1);
  if (buf == NULL) {
    sftp_close (f);
    v2v_error ("out of memory");
    return NULL;
  }
  while (n <= max && (r = sftp_read (f, buf + n, max + 1 - n)) > 0)
    n += (size_t) r;
  sftp_close (f);
  if (r < 0) {
    free (buf);
    sftp_failure (run, label, path);
    return NULL;
  }
  if (n > max) {
    free (buf);
    v2v_error ("%s is larger than %zu bytes: is it the right file?", label,
               max);
    return NULL;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

/* A small file at a datastore path (get). */
static char *
src_ssh_get_path (struct run *run, const char *path, const char *datacenter,
              size_t max, size_t *len)
{
  struct v2v_disk where = { .path = (char *) path,
                            .datacenter = (char *) datacenter };
  CLEANUP_FREE char *loc = v2v_ssh_path (&where);

  return loc ? ssh_get (run, loc, path, max, len) : NULL;
}

/* The session has been proved by the login in connect. */
static int
src_ssh_check_login (struct run *run, const char *datacenter)
{
  (void) run; (void) datacenter;
  return 0;
}

/* Our v2vsftp plugin (plugin/v2vsftp.c), up to options --connections
 * sessions at once, with the same known-hosts file and login as
 * connect.  Its pool makes a new session when one drops (nbdkit's retry
 * filter would do that too, but serializes every request).
 */
static int
src_ssh_nbdkit_args (struct run *run, struct disk_state *d,
                 struct v2v_nbdkit_args *a)
{
  const struct v2v_source *src = &run->cfg->source;
  CLEANUP_FREE char *host = NULL;
  char port[16];
  unsigned p = 22;

  if (v2v_split_server (src->server, &host, &p) == -1)
    return -1;
  snprintf (port, sizeof port, "%u", p);
  if (v2v_nbdkit_our_plugin (run, a, "v2vsftp") == -1 ||
      v2v_nbdkit_kv (a, "host", host) == -1 ||
      v2v_nbdkit_kv (a, "port", port) == -1 ||
      v2v_nbdkit_kv (a, "user", src->user) == -1 ||
      v2v_nbdkit_kv (a, "path", d->remote_path) == -1 ||
      (src->identity && v2v_nbdkit_kv (a, "identity", src->identity) == -1) ||
      (src->known_hosts &&
       v2v_nbdkit_kv (a, "known-hosts", src->known_hosts) == -1))
    return -1;
  return v2v_nbdkit_password (run, a);
}

const struct v2v_source_ops v2v_source_ssh = {
  .name = "ssh",
  .connect = src_ssh_connect,
  .close = src_ssh_close,
  .check_login = src_ssh_check_login,
  .probe = src_ssh_probe,
  .get = src_ssh_get_path,
  .nbdkit_args = src_ssh_nbdkit_args,
  .list_vms = v2v_ssh_list_vms,
  .list_where = "/vmfs/volumes/*/*/",
  .power_state = v2v_ssh_power_state,     /* source_ssh_power.c */
  .shutdown = v2v_ssh_shutdown,
  /* no URLs: a datastore path for virtio-win needs an HTTPS source */
};
