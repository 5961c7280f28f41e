/* TLS trust for HTTPS sources: fetch the server certificate, compute its
 * SHA-256 fingerprint, and turn a pinned fingerprint into a one-certificate
 * CA file that both libcurl and nbdkit's curl plugin verify against.
 * (The libcurl handles themselves are made in curl.c.)
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
  curl = v2v_curl_new (url, &(struct v2v_curl_setup) {
      .connect_timeout = 15, .timeout = 30, .no_verify = true,
      .errbuf = errbuf });
  if (curl == NULL)
    return NULL;
  curl_easy_setopt (curl, CURLOPT_NOBODY, 1L);
  curl_easy_setopt (curl, CURLOPT_CERTINFO, 1L);
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
  if (bio == NULL) {
    v2v_error ("out of memory");
    return NULL;
  }
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
