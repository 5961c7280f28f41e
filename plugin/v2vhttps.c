/* nbdkit-v2vhttps-plugin: one disk of an HTTPS source (ESXi's /folder
 * URL) served read-only with up to connections=N range requests at once
 * (NBDKIT_THREAD_MODEL_PARALLEL, a pool of N curl handles, pool.c).
 * nbdkit's own curl plugin (Debian 12's 1.32) serves one request at a
 * time, and one ESXi stream is slow: docs/data-path.md.
 *
 *   url=https://...   the disk (https only, redirects too: as the engine)
 *   user=USER password=+FILE   basic auth (the password never in argv)
 *   cainfo=FILE       the CA file (or the pinned certificate) to verify
 *                     the server with; sslverify=false for --insecure
 *   connections=N     1..16 (default 4); timeout=S per request
 *   retries=N retry-delay=S   a failed read is retried on a new connection
 *
 * Each read asks for exactly its range and must get exactly that many
 * bytes in a 206 answer: nothing is read ahead (the source's bytes are
 * counted), and a short or overlong answer is an error.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#define NBDKIT_API_VERSION 2
#include <nbdkit-plugin.h>

#include "pool.h"

#define THREAD_MODEL NBDKIT_THREAD_MODEL_PARALLEL

static char *url, *cainfo;
static bool sslverify = true;
static int64_t size = -1;

/* Where a response's body goes: exactly want bytes. */
struct body {
  char *buf;
  size_t want, got;
  bool overflow;
};

static void
https_load (void)
{
  curl_global_init (CURL_GLOBAL_DEFAULT);
}

static void
https_unload (void)
{
  pool_unload ();
  free (url); free (cainfo);
  curl_global_cleanup ();
}

static int
https_config (const char *key, const char *value)
{
  int r;

  if (strcmp (key, "url") == 0) {
    if (strncmp (value, "https://", 8) != 0) {
      nbdkit_error ("url: only https:// URLs");
      return -1;
    }
    return pool_set_string (&url, value);
  }
  if (strcmp (key, "cainfo") == 0)
    return pool_set_string (&cainfo, value);
  if (strcmp (key, "sslverify") == 0) {
    r = nbdkit_parse_bool (value);
    if (r == -1)
      return -1;
    sslverify = r;
    return 0;
  }
  r = pool_config (key, value);
  if (r == 1)
    nbdkit_error ("unknown parameter '%s'", key);
  return r == 0 ? 0 : -1;
}

static int
https_config_complete (void)
{
  if (url == NULL) {
    nbdkit_error ("url= is required");
    return -1;
  }
  return 0;
}

static size_t
write_body (char *ptr, size_t sz, size_t nmemb, void *opaque)
{
  struct body *b = opaque;
  size_t n = sz * nmemb;

  if (n > b->want - b->got) {
    b->overflow = true;
    return 0;                   /* stops the transfer */
  }
  memcpy (b->buf + b->got, ptr, n);
  b->got += n;
  return n;
}

/* A handle with the engine's policy (agent/source/curl.c): https only,
 * for redirects too; the server verified against cainfo (or the system
 * store), unless sslverify=false; basic auth. */
static CURL *
new_handle (char *errbuf)
{
  CURL *c = curl_easy_init ();

  if (c == NULL) {
    nbdkit_error ("curl_easy_init failed");
    return NULL;
  }
  if (curl_easy_setopt (c, CURLOPT_PROTOCOLS_STR, "https") != CURLE_OK ||
      curl_easy_setopt (c, CURLOPT_REDIR_PROTOCOLS_STR, "https") != CURLE_OK) {
    nbdkit_error ("this libcurl cannot restrict protocols");
    curl_easy_cleanup (c);
    return NULL;
  }
  curl_easy_setopt (c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt (c, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt (c, CURLOPT_URL, url);
  curl_easy_setopt (c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (c, CURLOPT_CONNECTTIMEOUT, 15L);
  curl_easy_setopt (c, CURLOPT_TIMEOUT, pool_params.timeout);
  curl_easy_setopt (c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt (c, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, write_body);
  /* Cookies in memory, per handle: ESXi answers a login with a session
   * cookie, and a handle that sends it back stays one hostd session
   * instead of opening one per request ("Out of HTTP sessions"). */
  curl_easy_setopt (c, CURLOPT_COOKIEFILE, "");
  if (pool_params.user) {
    curl_easy_setopt (c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt (c, CURLOPT_USERNAME, pool_params.user);
    curl_easy_setopt (c, CURLOPT_PASSWORD,
                      pool_params.password ? pool_params.password : "");
  }
  if (!sslverify) {
    curl_easy_setopt (c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt (c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  else if (cainfo)
    curl_easy_setopt (c, CURLOPT_CAINFO, cainfo);
  return c;
}

struct conn {
  CURL *c;
  char errbuf[CURL_ERROR_SIZE];
};

static int
conn_open (void **p, bool *fatal)
{
  struct conn *k = calloc (1, sizeof *k);

  (void) fatal;
  if (k == NULL) {
    nbdkit_error ("calloc: %m");
    return -1;
  }
  k->c = new_handle (k->errbuf);
  if (k->c == NULL) {
    free (k);
    return -1;
  }
  *p = k;
  return 0;
}

static void
conn_close (void *p)
{
  struct conn *k = p;

  curl_easy_cleanup (k->c);
  free (k);
}

/* Perform the handle's request; the HTTP status, or -1. */
static long
perform (struct conn *k)
{
  long status = 0;
  CURLcode rc;

  k->errbuf[0] = '\0';
  rc = curl_easy_perform (k->c);
  if (rc != CURLE_OK) {
    nbdkit_error ("%s", k->errbuf[0] ? k->errbuf : curl_easy_strerror (rc));
    return -1;
  }
  curl_easy_getinfo (k->c, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

static int
conn_pread (void *p, void *buf, uint32_t count, uint64_t offset)
{
  struct conn *k = p;
  struct body b = { .buf = buf, .want = count };
  char range[64];
  long status;

  snprintf (range, sizeof range, "%" PRIu64 "-%" PRIu64, offset,
            offset + count - 1);
  curl_easy_setopt (k->c, CURLOPT_NOBODY, 0L);
  curl_easy_setopt (k->c, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt (k->c, CURLOPT_RANGE, range);
  curl_easy_setopt (k->c, CURLOPT_WRITEDATA, &b);
  status = perform (k);
  if (status == -1 && !b.overflow)
    return -1;
  if (b.overflow || (status != 206 && !(status == 200 && offset == 0 &&
                                         (int64_t) count == size))) {
    nbdkit_error ("range %s: HTTP status %ld%s: the server does not serve "
                  "byte ranges as asked", range, status,
                  b.overflow ? ", more bytes than asked" : "");
    return -1;
  }
  if (b.got != count) {
    nbdkit_error ("range %s: the server sent %zu of %" PRIu32 " bytes",
                  range, b.got, count);
    return -1;
  }
  return 0;
}

static const struct pool_ops https_ops = {
  .open = conn_open, .close = conn_close, .pread = conn_pread,
};

/* The disk's size, from a HEAD request, once for the process. */
static int
https_get_ready (void)
{
  struct conn *k;
  curl_off_t len = -1;
  long status;
  bool fatal = false;

  pool_init (&https_ops);
  if (conn_open ((void **) &k, &fatal) == -1)
    return -1;
  curl_easy_setopt (k->c, CURLOPT_NOBODY, 1L);
  status = perform (k);
  if (status != -1)
    curl_easy_getinfo (k->c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &len);
  conn_close (k);
  if (status == -1)
    return -1;
  if (status != 200 || len < 0) {
    nbdkit_error ("HEAD: HTTP status %ld, %s", status,
                  len < 0 ? "no Content-Length" : "not the disk");
    return -1;
  }
  size = len;
  pool_set_size (size);
  return 0;
}

static struct nbdkit_plugin plugin = {
  .name = "v2vhttps",
  .longname = "v2vboot HTTPS source, parallel range requests",
  .version = "1",
  .load = https_load,
  .unload = https_unload,
  .config = https_config,
  .config_complete = https_config_complete,
  .config_help = "url=https://... [user=] [password=+FILE] [cainfo=FILE] "
                 "[sslverify=false] [connections=1..16] [timeout=S]",
  .magic_config_key = "url",
  .get_ready = https_get_ready,
  POOL_NBD_CALLBACKS,
  .errno_is_preserved = 0,
};

NBDKIT_REGISTER_PLUGIN (plugin)
