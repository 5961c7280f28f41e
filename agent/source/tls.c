/* TLS trust for HTTPS sources: fetch the server certificate, compute its
 * SHA-256 fingerprint, and turn a pinned fingerprint into a one-certificate
 * CA file that both libcurl and nbdkit's curl plugin verify against.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "internal.h"

/* "AB:CD:..." from a binary digest.  Caller frees. */
static char *
format_fingerprint (const unsigned char *md, unsigned len)
{
  char *out = malloc (len * 3 + 1);
  unsigned i;

  if (out == NULL)
    return NULL;
  for (i = 0; i < len; ++i)
    snprintf (out + i * 3, 4, "%02X%s", md[i], i + 1 < len ? ":" : "");
  return out;
}

/* Normalise a fingerprint the operator typed: hex digits with optional
 * ':' or ' ' separators, any case.  Returns the number of bytes (32 for
 * SHA-256) written to md, or -1 if it is not hex.
 */
int
v2v_parse_fingerprint (const char *s, unsigned char *md, size_t mdlen)
{
  size_t n = 0;
  int hi = -1;

  for (; *s; ++s) {
    int v;
    if (*s == ':' || *s == ' ')
      continue;
    if (!isxdigit ((unsigned char) *s))
      return -1;
    v = isdigit ((unsigned char) *s) ? *s - '0'
      : tolower ((unsigned char) *s) - 'a' + 10;
    if (hi < 0)
      hi = v;
    else {
      if (n >= mdlen)
        return -1;
      md[n++] = (unsigned char) (hi << 4 | v);
      hi = -1;
    }
  }
  return hi < 0 ? (int) n : -1;
}

/* libcurl write callback that drops the body: probes need only headers. */
size_t
v2v_curl_discard (char *ptr, size_t size, size_t nmemb, void *opaque)
{
  (void) ptr; (void) opaque;
  return size * nmemb;
}

/* libcurl write callback that keeps the body, up to b->max bytes, always
 * NUL-terminated; beyond that it sets too_big and stops the transfer.
 */
size_t
v2v_curl_collect (char *ptr, size_t size, size_t nmemb, void *opaque)
{
  struct v2v_curl_body *b = opaque;
  size_t n = size * nmemb;
  char *nb;

  if (b->len + n > b->max) {
    b->too_big = true;
    return 0;                   /* makes libcurl stop */
  }
  nb = realloc (b->buf, b->len + n + 1);
  if (nb == NULL)
    return 0;
  memcpy (nb + b->len, ptr, n);
  b->buf = nb;
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

/* Connect without verification and return the leaf certificate as PEM
 * (caller frees), or NULL with the error set.
 */
char *
v2v_fetch_server_cert (const char *server)
{
  CURL *curl;
  CURLcode rc;
  struct curl_certinfo *ci = NULL;
  CLEANUP_FREE char *url = NULL;
  char errbuf[CURL_ERROR_SIZE] = "";
  char *pem = NULL;
  struct curl_slist *s;

  if (asprintf (&url, "https://%s/", server) == -1) {
    v2v_error ("out of memory");
    return NULL;
  }
  curl = curl_easy_init ();
  if (curl == NULL) {
    v2v_error ("curl_easy_init failed");
    return NULL;
  }
  if (v2v_curl_policy (curl, url, false) == -1) {
    curl_easy_cleanup (curl);
    return NULL;
  }
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_NOBODY, 1L);
  curl_easy_setopt (curl, CURLOPT_CERTINFO, 1L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, 15L);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, v2v_curl_discard);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, errbuf);
  rc = curl_easy_perform (curl);
  /* Any HTTP answer is fine: we only want the handshake. */
  if (rc != CURLE_OK && rc != CURLE_HTTP_RETURNED_ERROR) {
    v2v_error ("%s: cannot fetch the server certificate: %s", server,
               errbuf[0] ? errbuf : curl_easy_strerror (rc));
    goto out;
  }
  if (curl_easy_getinfo (curl, CURLINFO_CERTINFO, &ci) != CURLE_OK ||
      ci == NULL || ci->num_of_certs < 1) {
    v2v_error ("%s: the server sent no certificate", server);
    goto out;
  }
  for (s = ci->certinfo[0]; s; s = s->next) {
    if (strncmp (s->data, "Cert:", 5) == 0) {
      pem = strdup (s->data + 5);
      break;
    }
  }
  if (pem == NULL)
    v2v_error ("%s: cannot read the server certificate", server);
 out:
  curl_easy_cleanup (curl);
  return pem;
}

/* SHA-256 fingerprint "AB:CD:..." of a PEM certificate.  Caller frees. */
char *
v2v_cert_fingerprint (const char *pem)
{
  BIO *bio;
  X509 *x;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  char *fp = NULL;

  bio = BIO_new_mem_buf (pem, -1);
  if (bio == NULL)
    return NULL;
  x = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  BIO_free (bio);
  if (x == NULL) {
    v2v_error ("cannot parse the server certificate");
    return NULL;
  }
  if (X509_digest (x, EVP_sha256 (), md, &len) == 1)
    fp = format_fingerprint (md, len);
  X509_free (x);
  if (fp == NULL)
    v2v_error ("cannot compute the certificate fingerprint");
  return fp;
}

/* Bits of security each OpenSSL security level asks of a key (see
 * SSL_CTX_set_security_level(3)): level 2, Debian's default, wants 112,
 * which RSA reaches at 2048 bits.
 */
static int
level_bits (int level)
{
  static const int bits[] = { 0, 80, 112, 128, 192, 256 };

  if (level < 0)
    level = 0;
  if (level > 5)
    level = 5;
  return bits[level];
}

/* If the key of the PEM certificate is too weak for this system's
 * OpenSSL, so that no verified connection to its server can succeed, a
 * message saying so and what to do (caller frees); NULL when the key is
 * strong enough or cannot be read.
 */
char *
v2v_cert_weak_key (const char *pem)
{
  BIO *bio = BIO_new_mem_buf (pem, -1);
  X509 *x = bio ? PEM_read_bio_X509 (bio, NULL, NULL, NULL) : NULL;
  EVP_PKEY *key = x ? X509_get0_pubkey (x) : NULL;
  SSL_CTX *ctx = SSL_CTX_new (TLS_client_method ());
  int level = ctx ? SSL_CTX_get_security_level (ctx) : 2;
  int want = level_bits (level);
  char *msg = NULL;

  if (key && EVP_PKEY_get_security_bits (key) < want) {
    const char *type = EVP_PKEY_get0_type_name (key);
    if (asprintf (&msg, "its key is too weak: a %d-bit %s key (%d bits of "
                  "security), and this system's OpenSSL (security level "
                  "%d) accepts no key under %d bits of security (RSA "
                  "2048, ECDSA P-256): give the server a certificate with "
                  "a 2048-bit RSA key or stronger (vcsim: -tlscert and "
                  "-tlskey); neither --thumbprint nor --cacert can make "
                  "this key acceptable, only --insecure gets past it, "
                  "and that verifies nothing",
                  EVP_PKEY_get_bits (key), type ? type : "public",
                  EVP_PKEY_get_security_bits (key), level, want) == -1)
      msg = NULL;
  }
  SSL_CTX_free (ctx);
  X509_free (x);
  BIO_free (bio);
  return msg;
}

/* The same for the certificate SERVER presents now (caller frees). */
char *
v2v_server_weak_key (const char *server)
{
  CLEANUP_FREE char *pem = v2v_fetch_server_cert (server);

  v2v_clear_error ();
  return pem ? v2v_cert_weak_key (pem) : NULL;
}

/* The fingerprint of the certificate SERVER presents now, for messages
 * telling the operator what to pin.  Caller frees; NULL if unknown.
 */
char *
v2v_server_fingerprint (const char *server)
{
  CLEANUP_FREE char *pem = v2v_fetch_server_cert (server);

  return pem ? v2v_cert_fingerprint (pem) : NULL;
}

/* --thumbprint: fetch the certificate, compare it with the pin, and write
 * it as the only trusted CA into the work directory.  Returns the file
 * (caller frees) or NULL.
 */
char *
v2v_pin_certificate (const char *workdir, const char *server,
                     const char *thumbprint)
{
  unsigned char want[EVP_MAX_MD_SIZE], got[EVP_MAX_MD_SIZE];
  int nwant, ngot;
  CLEANUP_FREE char *pem = NULL, *fp = NULL, *weak = NULL;
  char *path = NULL;
  FILE *f;

  nwant = v2v_parse_fingerprint (thumbprint, want, sizeof want);
  if (nwant == 20) {
    v2v_error ("--thumbprint=%s looks like a SHA-1 fingerprint: give the "
               "SHA-256 one (64 hex digits)", thumbprint);
    return NULL;
  }
  if (nwant != 32) {
    v2v_error ("--thumbprint=%s: expected a SHA-256 fingerprint "
               "(64 hex digits, ':' allowed)", thumbprint);
    return NULL;
  }
  pem = v2v_fetch_server_cert (server);
  if (pem == NULL)
    return NULL;
  fp = v2v_cert_fingerprint (pem);
  if (fp == NULL)
    return NULL;
  ngot = v2v_parse_fingerprint (fp, got, sizeof got);
  if (ngot != nwant || memcmp (got, want, (size_t) nwant) != 0) {
    v2v_error ("%s: certificate fingerprint %s does not match the pinned "
               "--thumbprint: this is not the server you pinned, or its "
               "certificate changed", server, fp);
    return NULL;
  }
  weak = v2v_cert_weak_key (pem);
  if (weak) {
    v2v_error ("%s: the pinned certificate (SHA-256 fingerprint %s) "
               "matches, but %s", server, fp, weak);
    return NULL;
  }
  if (asprintf (&path, "%s/pinned-cert.pem", workdir) == -1) {
    v2v_error ("out of memory");
    return NULL;
  }
  f = fopen (path, "we");
  if (f == NULL || fputs (pem, f) == EOF || fclose (f) == EOF) {
    v2v_error ("%s: %m", path);
    free (path);
    return NULL;
  }
  return path;
}
