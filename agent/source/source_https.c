/* HTTPS source (ESXi's /folder file access, or any HTTPS file server of
 * the same tree): its table of operations, v2v_source_https.  Before
 * anything else, prove that every disk can be read (credentials, TLS
 * trust, path), and learn its size.  The requests themselves and their
 * errors are in source_https_request.c, the /folder page walk in
 * source_https_list.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Work out TLS trust once for the whole source (connect). */
int
v2v_https_trust (struct run *run)
{
  const struct v2v_source *src = &run->cfg->source;

  if (run->cainfo)
    return 0;                   /* worked out already (a power re-check) */
  if (src->insecure)
    v2v_warning (run, "%s: TLS certificate NOT verified (--insecure)",
                 src->server);
  else if (src->thumbprint) {
    run->cainfo = v2v_pin_certificate (run->workdir, src->server,
                                       src->thumbprint);
    if (run->cainfo == NULL)
      return -1;
  }
  else if (src->cacert) {
    run->cainfo = strdup (src->cacert);
    if (run->cainfo == NULL) {
      v2v_error ("out of memory");
      return -1;
    }
  }
  return 0;
}

/* Every disk's URL and size (probe). */
int
v2v_https_probe (struct run *run)
{
  size_t i;

  for (i = 0; i < run->nr_disks; ++i) {
    struct disk_state *d = &run->disks[i];
    struct v2v_disk where = { .path = d->path,
                              .datacenter = (char *) d->datacenter };

    d->url = v2v_https_url (run->cfg->source.server, &where);
    if (d->url == NULL)
      return -1;
    if (v2v_https_probe_disk (run, d) == -1)
      return -1;
    v2v_info (run, "disk %zu: %s: %" PRIu64 " bytes", i, d->label, d->size);
  }
  return 0;
}

static void
https_close (struct run *run)
{
  (void) run;                   /* each request has its own connection */
}

/* A small file at a datastore path (get). */
char *
v2v_https_get_path (struct run *run, const char *path,
                    const char *datacenter, size_t max, size_t *len)
{
  struct v2v_disk where = { .path = (char *) path,
                            .datacenter = (char *) datacenter };
  CLEANUP_FREE char *url = v2v_https_url (run->cfg->source.server, &where);

  return url ? v2v_https_get (run, url, path, max, len) : NULL;
}

/* Our v2vhttps plugin (plugin/v2vhttps.c): the disk's range requests,
 * up to options --connections at once, https only (redirects too), the
 * same trust and login as the engine's own requests (curl.c).
 */
int
v2v_https_nbdkit_args (struct run *run, struct disk_state *d,
                       struct v2v_nbdkit_args *a)
{
  const struct v2v_source *src = &run->cfg->source;

  if (v2v_nbdkit_our_plugin (run, a, "v2vhttps") == -1 ||
      v2v_nbdkit_kv (a, "url", d->url) == -1 ||
      (src->user && v2v_nbdkit_kv (a, "user", src->user) == -1))
    return -1;
  if (src->insecure) {
    if (v2v_nbdkit_arg (a, "sslverify=false") == -1)
      return -1;
  }
  else if (run->cainfo && v2v_nbdkit_kv (a, "cainfo", run->cainfo) == -1)
    return -1;
  return v2v_nbdkit_password (run, a);
}

char *
v2v_https_url_of (struct run *run, const struct v2v_disk *where)
{
  return v2v_https_url (run->cfg->source.server, where);
}

/* Is url on the source's server, so that its trust and login apply? */
bool
v2v_https_url_is_ours (struct run *run, const char *url)
{
  const struct v2v_source *src = &run->cfg->source;
  size_t n = src->server ? strlen (src->server) : 0;

  return n > 0 && strncmp (url, "https://", 8) == 0 &&
    strncmp (url + 8, src->server, n) == 0 && url[8 + n] == '/';
}

const struct v2v_source_ops v2v_source_https = {
  .name = "https",
  .connect = v2v_https_trust,
  .close = https_close,
  .check_login = v2v_https_check_login,
  .probe = v2v_https_probe,
  .get = v2v_https_get_path,
  .nbdkit_args = v2v_https_nbdkit_args,
  .list_vms = v2v_https_list_vms,
  .list_where = "/folder, every datastore",
  .url = v2v_https_url_of,
  .url_is_ours = v2v_https_url_is_ours,
  .download = v2v_https_download,
  .power_state = v2v_https_power_state,   /* source_https_power.c */
};
