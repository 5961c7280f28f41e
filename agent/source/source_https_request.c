/* Requests to an HTTPS source: a disk's size, a small GET, a download
 * into a file, each with the source's trust and login (v2v_curl_new), and
 * each failure explained: what the operator must fix, with its kind
 * (v2v_last_error_kind) for front ends.  The source's operations that
 * use them are in source_https.c.
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

/* Explain a transfer that did not get an HTTP answer (rc a CURLcode):
 * the TLS trust, the name, the connection; returns -1.
 */
int
v2v_https_transport_error (struct run *run, int rc, const char *errbuf)
{
  const char *server = run->cfg->source.server;
  const char *why = errbuf[0] ? errbuf : curl_easy_strerror ((CURLcode) rc);

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
    return v2v_https_transport_error (run, rc, errbuf);
  }
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &code);
  if (code != 200 && code != 206)
    return http_error (run, code, label);
  return 0;
}

/* Size of the disk from a HEAD, or from a 1-byte ranged GET when the
 * server does not say on HEAD.
 */
int
v2v_https_probe_disk (struct run *run, struct disk_state *d)
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
int
v2v_https_download (struct run *run, const char *url, const char *label,
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
