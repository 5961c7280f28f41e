/* HTTPS source (ESXi's /folder file access, or any HTTPS file server of
 * the same tree): before anything else, prove that every disk can be read
 * (credentials, TLS trust, path), and learn its size.  Each failure says
 * what the operator must fix, with its kind (v2v_last_error_kind) for
 * front ends.  Its table of operations, v2v_source_https, is at the end;
 * the /folder page walk is in source_https_list.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "internal.h"

/* A handle for a request to the source (v2v_curl_new with the source's
 * trust and login): https only, redirects (if follow) only to https.
 * Returns it or NULL with the error set.
 */
static CURL *
source_curl (struct run *run, const char *url, char *errbuf, bool follow)
{
  return v2v_curl_new (url, &(struct v2v_curl_setup) {
      .follow = follow, .connect_timeout = 15, .timeout = 60,
      .source = run, .errbuf = errbuf });
}

static int
tls_error (struct run *run, const char *errbuf)
{
  const char *server = run->cfg->source.server;
  CLEANUP_FREE char *pem = v2v_fetch_server_cert (server);
  CLEANUP_FREE char *fp = pem ? v2v_cert_fingerprint (pem) : NULL;
  CLEANUP_FREE char *weak = pem ? v2v_cert_weak_key (pem) : NULL;

  v2v_clear_error ();
  if (weak)
    v2v_error ("%s: the server's certificate (SHA-256 fingerprint %s) does "
               "not verify: %s", server, fp ? fp : "unknown", weak);
  else if (run->cfg->source.thumbprint)
    v2v_error ("%s: the pinned certificate (SHA-256 fingerprint %s) does not "
               "verify for this host name: %s; give the CA with --cacert, "
               "or --insecure", server, fp ? fp : "unknown", errbuf);
  else
    /* trust-cert only with the fingerprint to pin: the wizard asks
     * about that one */
    v2v_error_kind (fp ? V2V_ERR_TRUST_CERT : V2V_ERR_OTHER, fp,
                    "%s: certificate not trusted (SHA-256 fingerprint %s): "
                    "%s; if that fingerprint is your server's, pin it with "
                    "--thumbprint=%s, or give its CA with --cacert=FILE",
                    server, fp ? fp : "unknown", errbuf,
                    fp ? fp : "FINGERPRINT");
  return -1;
}

/* Explain a transfer that did not get an HTTP answer. */
static int
transport_error (struct run *run, CURLcode rc, const char *errbuf)
{
  const char *server = run->cfg->source.server;
  const char *why = errbuf[0] ? errbuf : curl_easy_strerror (rc);

  switch (rc) {
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CACERT_BADFILE:
    if (rc == CURLE_SSL_CACERT_BADFILE) {
      v2v_error ("%s: cannot use the CA file %s: %s", server,
                 run->cainfo ? run->cainfo : "(system)", why);
      return -1;
    }
    return tls_error (run, why);
  case CURLE_COULDNT_RESOLVE_HOST:
    v2v_error_kind (V2V_ERR_UNREACHABLE, NULL,
                    "%s: cannot resolve the host name: check --server and "
                    "the DNS settings", server);
    return -1;
  case CURLE_COULDNT_CONNECT:
    v2v_error_kind (V2V_ERR_UNREACHABLE, NULL,
                    "%s: cannot connect (%s): is the server up and listening "
                    "on that port?", server, why);
    return -1;
  case CURLE_OPERATION_TIMEDOUT:
    v2v_error_kind (V2V_ERR_UNREACHABLE, NULL,
                    "%s: timed out (%s): check the network path to the "
                    "server", server, why);
    return -1;
  default:
    v2v_error ("%s: %s", server, why);
    return -1;
  }
}

static int
http_error (struct run *run, long code, const char *label)
{
  const char *server = run->cfg->source.server;
  const char *user = run->cfg->source.user;

  switch (code) {
  case 401:
    v2v_error_kind (V2V_ERR_AUTH, NULL,
                    "%s: wrong user or password for '%s' (HTTP 401)", server,
                    user ? user : "");
    return -1;
  case 403:
    v2v_error_kind (V2V_ERR_AUTH, NULL,
                    "%s: user '%s' may not read %s (HTTP 403)", server,
                    user ? user : "", label);
    return -1;
  case 404:
    v2v_error_kind (V2V_ERR_NOT_FOUND, NULL,
                    "%s: no such file on datastore: %s (HTTP 404)", server,
                    label);
    return -1;
  default:
    v2v_error ("%s: %s: unexpected HTTP status %ld", server, label, code);
    return -1;
  }
}

/* Perform the request; any answer but 200 or 206 is reported as an
 * error that says what to fix.
 */
static int
perform (struct run *run, CURL *curl, const char *url, const char *label,
         const char *errbuf)
{
  CURLcode rc = curl_easy_perform (curl);
  long code = 0;

  if (rc != CURLE_OK) {
    CLEANUP_FREE char *refused = v2v_curl_refused_redirect (curl, url, rc);
    if (refused) {
      v2v_error ("%s: %s", run->cfg->source.server, refused);
      return -1;
    }
    return transport_error (run, rc, errbuf);
  }
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &code);
  if (code != 200 && code != 206)
    return http_error (run, code, label);
  return 0;
}

/* Size of the disk from a HEAD, or from a 1-byte ranged GET when the
 * server does not say on HEAD.
 */
static int
https_probe_disk (struct run *run, struct disk_state *d)
{
  CURL *curl;
  long code = 0;
  curl_off_t len = -1;
  char errbuf[CURL_ERROR_SIZE] = "";
  int ret = -1;

  curl = source_curl (run, d->url, errbuf, false);
  if (curl == NULL)
    return -1;
  curl_easy_setopt (curl, CURLOPT_NOBODY, 1L);
  if (perform (run, curl, d->url, d->label, errbuf) == -1)
    goto out;
  curl_easy_getinfo (curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &len);
  if (len < 0) {
    struct curl_header *h = NULL;
    const char *slash;

    curl_easy_setopt (curl, CURLOPT_NOBODY, 0L);
    curl_easy_setopt (curl, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt (curl, CURLOPT_RANGE, "0-0");
    if (perform (run, curl, d->url, d->label, errbuf) == -1)
      goto out;
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &code);
    if (code == 206 &&
        curl_easy_header (curl, "Content-Range", 0, CURLH_HEADER, -1, &h)
        == CURLHE_OK && (slash = strchr (h->value, '/')) != NULL) {
      char *end;
      unsigned long long v = strtoull (slash + 1, &end, 10);
      if (end != slash + 1 && *end == '\0')
        len = (curl_off_t) v;
    }
  }
  if (len <= 0) {
    v2v_error ("%s: %s: the server does not say how large the disk is",
               run->cfg->source.server, d->label);
    goto out;
  }
  if (len % 512 != 0)
    v2v_warning (run, "%s: size %" PRIu64 " is not a multiple of 512: "
                 "is this a disk image?", d->label, (uint64_t) len);
  d->size = (uint64_t) len;
  v2v_debug ("%s: %" PRIu64 " bytes", d->url, d->size);
  ret = 0;
 out:
  curl_easy_cleanup (curl);
  return ret;
}

/* GET a small file (a .vmx, a descriptor) of at most max bytes.  Returns
 * its contents, NUL-terminated (caller frees), and its length.
 */
char *
v2v_https_get (struct run *run, const char *url, const char *label,
               size_t max, size_t *len)
{
  char errbuf[CURL_ERROR_SIZE] = "";
  /* directories of the datastore browser may redirect to DIR/ */
  CURL *curl = source_curl (run, url, errbuf, true);
  struct v2v_curl_body b = { .max = max };
  int r;

  if (curl == NULL)
    return NULL;
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, v2v_curl_collect);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &b);
  r = perform (run, curl, url, label, errbuf);
  curl_easy_cleanup (curl);
  if (b.nomem) {
    v2v_error ("out of memory");
    r = -1;
  }
  else if (b.too_big) {
    v2v_clear_error ();
    v2v_error ("%s is larger than %zu bytes: is it the right file?", label,
               max);
    r = -1;
  }
  if (r == -1) {
    free (b.buf);
    return NULL;
  }
  *len = b.len;
  if (b.buf == NULL && (b.buf = strdup ("")) == NULL)
    v2v_error ("out of memory");
  return b.buf;
}

/* GET url into the file path, with the source's trust and login (the
 * caller checks that url is on the source server): for files that are
 * too big for memory, such as a virtio-win ISO on a datastore.
 */
static int
https_download (struct run *run, const char *url, const char *label,
                    const char *path)
{
  char errbuf[CURL_ERROR_SIZE] = "";
  CURL *curl;
  FILE *f = fopen (path, "we");
  int r;

  if (f == NULL) {
    v2v_error ("cannot download %s into %s: %m", label, path);
    return -1;
  }
  /* Big files: no overall limit, but a stall of a minute is an error. */
  curl = v2v_curl_new (url, &(struct v2v_curl_setup) {
      .connect_timeout = 15, .timeout = 0, .low_speed = true,
      .source = run, .errbuf = errbuf });
  if (curl == NULL) {
    fclose (f);
    return -1;
  }
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, NULL);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, f);
  r = perform (run, curl, url, label, errbuf);
  curl_easy_cleanup (curl);
  if (fclose (f) != 0 && r == 0) {
    v2v_error ("cannot write %s: %m", path);
    r = -1;
  }
  return r;
}

/* Work out TLS trust once for the whole source (connect). */
static int
https_trust (struct run *run)
{
  const struct v2v_source *src = &run->cfg->source;

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
static int
https_probe (struct run *run)
{
  size_t i;

  for (i = 0; i < run->nr_disks; ++i) {
    struct disk_state *d = &run->disks[i];
    struct v2v_disk where = { .path = d->path,
                              .datacenter = (char *) d->datacenter };

    d->url = v2v_https_url (run->cfg->source.server, &where);
    if (d->url == NULL)
      return -1;
    if (https_probe_disk (run, d) == -1)
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
static char *
https_get_path (struct run *run, const char *path, const char *datacenter,
                size_t max, size_t *len)
{
  struct v2v_disk where = { .path = (char *) path,
                            .datacenter = (char *) datacenter };
  CLEANUP_FREE char *url = v2v_https_url (run->cfg->source.server, &where);

  return url ? v2v_https_get (run, url, path, max, len) : NULL;
}

/* nbdkit's curl plugin: https only, redirects included (the plugin
 * applies protocols= to both), never a quiet downgrade to http.
 * retry-request retries a request on the same plugin connection: right
 * for curl, where each request is a new HTTP exchange.
 */
static int
https_nbdkit_args (struct run *run, struct disk_state *d,
                   struct v2v_nbdkit_args *a)
{
  const struct v2v_source *src = &run->cfg->source;

  if (v2v_nbdkit_arg (a, "--filter=retry-request") == -1 ||
      v2v_nbdkit_arg (a, "curl") == -1 ||
      v2v_nbdkit_kv (a, "url", d->url) == -1 ||
      v2v_nbdkit_arg (a, "protocols=https") == -1 ||
      (src->user && v2v_nbdkit_kv (a, "user", src->user) == -1))
    return -1;
  if (src->insecure) {
    if (v2v_nbdkit_arg (a, "sslverify=false") == -1)
      return -1;
  }
  else if (run->cainfo && v2v_nbdkit_kv (a, "cainfo", run->cainfo) == -1)
    return -1;
  if (v2v_nbdkit_password (run, a) == -1 ||
      v2v_nbdkit_arg (a, "retry-request-retries=5") == -1 ||
      v2v_nbdkit_arg (a, "retry-request-delay=2") == -1)
    return -1;
  return 0;
}

static char *
https_url (struct run *run, const struct v2v_disk *where)
{
  return v2v_https_url (run->cfg->source.server, where);
}

/* Is url on the source's server, so that its trust and login apply? */
static bool
https_url_is_ours (struct run *run, const char *url)
{
  const struct v2v_source *src = &run->cfg->source;
  size_t n = src->server ? strlen (src->server) : 0;

  return n > 0 && strncmp (url, "https://", 8) == 0 &&
    strncmp (url + 8, src->server, n) == 0 && url[8 + n] == '/';
}

const struct v2v_source_ops v2v_source_https = {
  .name = "https",
  .connect = https_trust,
  .close = https_close,
  .check_login = v2v_https_check_login,
  .probe = https_probe,
  .get = https_get_path,
  .nbdkit_args = https_nbdkit_args,
  .list_vms = v2v_https_list_vms,
  .list_where = "/folder, every datastore",
  .url = https_url,
  .url_is_ours = https_url_is_ours,
  .download = https_download,
};
