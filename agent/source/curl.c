/* libcurl for the engine: one function makes every handle (the source's
 * requests, the server certificate, a virtio-win download), so that the
 * protocol policy, the timeouts, the trust and the login are set in one
 * place; the write callbacks; and the explanation of a refused redirect.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "internal.h"
#include "common/vector.h"

/* libcurl write callback that drops the body: probes need only headers. */
size_t
v2v_curl_discard (char *ptr, size_t size, size_t nmemb, void *opaque)
{
  (void) ptr; (void) opaque;
  return size * nmemb;
}

/* libcurl write callback that keeps the body, up to b->max bytes, always
 * NUL-terminated; beyond that it sets too_big and stops the transfer (and
 * nomem, if the body does not fit in memory).
 */
size_t
v2v_curl_collect (char *ptr, size_t size, size_t nmemb, void *opaque)
{
  struct v2v_curl_body *b = opaque;
  size_t n = size * nmemb;
  void *p = b->buf;

  if (b->len + n > b->max) {
    b->too_big = true;
    return 0;                   /* makes libcurl stop */
  }
  if (v2v_vector_reserve (&p, &b->cap, b->len, n + 1, 1) == -1) {
    b->nomem = true;
    return 0;
  }
  b->buf = p;
  memcpy (b->buf + b->len, ptr, n);
  b->len += n;
  b->buf[b->len] = '\0';
  return n;
}

/* The one protocol policy of every libcurl handle (docs/data-path.md):
 * a transfer and every redirect it follows stay on the kind of its URL.
 *
 *   https://   https only: a redirect to http:// (or anything else) is
 *              refused, never a quiet downgrade to clear text
 *   http://    http or https
 *   tftp://    tftp, and TFTP has no redirects
 *
 * follow: whether redirects are followed at all (then at most 5).
 * Returns 0, or -1 with the error set when url is none of these.
 */
int
v2v_curl_policy (void *curl, const char *url, bool follow)
{
  const char *protos;

  if (strncasecmp (url, "https://", 8) == 0)
    protos = "https";
  else if (strncasecmp (url, "http://", 7) == 0)
    protos = "http,https";
  else if (strncasecmp (url, "tftp://", 7) == 0) {
    protos = "tftp";
    follow = false;
  }
  else {
    v2v_error ("not an https://, http:// or tftp:// URL");
    return -1;
  }
  if (curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, protos) != CURLE_OK ||
      curl_easy_setopt (curl, CURLOPT_REDIR_PROTOCOLS_STR, protos)
      != CURLE_OK ||
      curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, follow ? 1L : 0L)
      != CURLE_OK ||
      curl_easy_setopt (curl, CURLOPT_MAXREDIRS, 5L) != CURLE_OK) {
    v2v_error ("this libcurl cannot restrict protocols");
    return -1;
  }
  return 0;
}

/* A server's URL fit for a message: no user or password, no control
 * characters.  Caller frees; NULL if it is not a URL.
 */
static char *
printable_url (const char *url)
{
  CURLU *u = curl_url ();
  char *s = NULL, *r = NULL, *p;

  if (u && curl_url_set (u, CURLUPART_URL, url, 0) == CURLUE_OK &&
      curl_url_set (u, CURLUPART_USER, NULL, 0) == CURLUE_OK &&
      curl_url_set (u, CURLUPART_PASSWORD, NULL, 0) == CURLUE_OK &&
      curl_url_get (u, CURLUPART_URL, &s, 0) == CURLUE_OK &&
      (r = strndup (s, 512)) != NULL)
    for (p = r; *p; ++p)
      if ((unsigned char) *p < 0x20 || (unsigned char) *p == 0x7f)
        *p = '?';
  curl_free (s);
  curl_url_cleanup (u);
  return r;
}

/* After a transfer on a handle set up by v2v_curl_policy failed with
 * rc: if it failed because the policy refused a redirect, a message
 * that says from where to where (caller frees); NULL otherwise.
 */
char *
v2v_curl_refused_redirect (void *curl, const char *url, int rc)
{
  long n = 0;
  char *to = NULL, *msg = NULL;
  CLEANUP_FREE char *from = NULL, *where = NULL;

  if (rc != CURLE_UNSUPPORTED_PROTOCOL ||
      curl_easy_getinfo (curl, CURLINFO_REDIRECT_COUNT, &n) != CURLE_OK ||
      n < 1 ||
      curl_easy_getinfo (curl, CURLINFO_EFFECTIVE_URL, &to) != CURLE_OK ||
      to == NULL)
    return NULL;
  from = printable_url (url);
  where = printable_url (to);
  if (strncasecmp (url, "https://", 8) == 0) {
    if (asprintf (&msg, "%s redirected to %s: refused, an https:// URL is "
                  "only followed to https:// (anything else would arrive "
                  "unencrypted and unverified); give the https:// URL it "
                  "should lead to, or fix the server's redirect",
                  from ? from : "the URL", where ? where : "another URL")
        == -1)
      msg = NULL;
  }
  else if (asprintf (&msg, "%s redirected to %s: refused, an http:// URL is "
                     "only followed to http:// or https://",
                     from ? from : "the URL", where ? where : "another URL")
           == -1)
    msg = NULL;
  return msg;
}

/* A handle for url, set up as s says (see struct v2v_curl_setup in
 * source.h): the protocol policy, the URL, the error buffer, the
 * timeouts, the body discarded (callers that want it set their own write
 * function), and the trust and login.  Returns the handle (the caller
 * cleans it up) or NULL with the error set.
 */
void *
v2v_curl_new (const char *url, const struct v2v_curl_setup *s)
{
  CURL *curl;

  if (s->source && strncasecmp (url, "https://", 8) != 0) {
    v2v_error ("%s: not an https:// URL", url);
    return NULL;
  }
  curl = curl_easy_init ();
  if (curl == NULL) {
    v2v_error ("curl_easy_init failed");
    return NULL;
  }
  if (v2v_curl_policy (curl, url, s->follow) == -1) {
    curl_easy_cleanup (curl);
    return NULL;
  }
  curl_easy_setopt (curl, CURLOPT_URL, url);
  if (s->errbuf)
    curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, s->errbuf);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, s->connect_timeout);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, s->timeout);
  if (s->low_speed) {
    curl_easy_setopt (curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt (curl, CURLOPT_LOW_SPEED_TIME, 60L);
  }
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, v2v_curl_discard);
  if (s->source) {
    const struct v2v_source *src = &s->source->cfg->source;
    if (src->user) {
      curl_easy_setopt (curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt (curl, CURLOPT_USERNAME, src->user);
      curl_easy_setopt (curl, CURLOPT_PASSWORD,
                        s->source->password ? s->source->password : "");
    }
    if (src->insecure) {
      curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    else if (s->source->cainfo)
      curl_easy_setopt (curl, CURLOPT_CAINFO, s->source->cainfo);
  }
  if (s->no_verify) {
    curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  return curl;
}
