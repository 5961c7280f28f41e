/* Fetch a kickstart (v2v.ks=URL) or an included snippet:
 *
 *   http://, https://, tftp://   libcurl; https verified against the
 *                                system CAs, a CA file, or a pinned
 *                                SHA-256 certificate fingerprint
 *   file:/PATH, /PATH            a local file
 *   cdrom:/PATH, usb:/PATH       a file on the boot medium or a USB key,
 *                                which init mounts under
 *                                $V2VBOOT_MEDIA (/run/v2vboot/media)/cdrom
 *                                and .../usb*
 *
 * with retries and back-off (the network may still be coming up), and
 * an error that says what to fix.  An https:// URL is followed only to
 * https:// (tls.c's v2v_curl_policy).
 */
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "common/vector.h"
#include "v2v.h"

DEFINE_VECTOR_TYPE (byte_vector, char);

/* A body read into memory, at most max bytes, NUL-terminated. */
struct body {
  struct byte_vector v;
  size_t max;
  bool too_big;
};

/* libcurl's write callback (and read_local's): returns n, or 0 to stop. */
static size_t
collect (char *ptr, size_t size, size_t nmemb, void *opaque)
{
  struct body *b = opaque;
  size_t n = size * nmemb;

  if (n > b->max - b->v.len) {
    b->too_big = true;
    return 0;
  }
  if (byte_vector_reserve (&b->v, n + 1) == -1)
    return 0;
  memcpy (b->v.ptr + b->v.len, ptr, n);
  b->v.len += n;
  b->v.ptr[b->v.len] = '\0';
  return n;
}

static int
read_local (const char *path, char **text, size_t *len, char **error)
{
  struct body b = { .max = KS_MAX_FILE };
  char buf[65536];
  ssize_t n;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd == -1) {
    if (asprintf (error, "%s: %s", path, strerror (errno)) == -1)
      *error = NULL;
    return -1;
  }
  while ((n = read (fd, buf, sizeof buf)) > 0)
    if (collect (buf, 1, (size_t) n, &b) != (size_t) n)
      break;
  close (fd);
  if (n != 0) {
    if (asprintf (error, "%s: %s", path, b.too_big ? "larger than 1 MiB"
                  : strerror (errno)) == -1)
      *error = NULL;
    byte_vector_reset (&b.v);
    return -1;
  }
  *text = b.v.ptr ? b.v.ptr : strdup ("");
  *len = b.v.len;
  return 0;
}

/* cdrom:/PATH or usb:/PATH: the first mounted medium of that kind that
 * has PATH.
 */
static int
read_media (const char *kind, const char *path, char **text, size_t *len,
            char **error)
{
  const char *root = getenv ("V2VBOOT_MEDIA");
  DIR *dir;
  struct dirent *e;
  int r = -1;

  if (root == NULL)
    root = "/run/v2vboot/media";
  dir = opendir (root);
  while (dir && (e = readdir (dir)) != NULL) {
    char *file = NULL;
    if (strncmp (e->d_name, kind, strlen (kind)) != 0)
      continue;
    if (asprintf (&file, "%s/%s%s", root, e->d_name, path) == -1)
      file = NULL;
    if (file == NULL || access (file, R_OK) == -1) {
      free (file);
      continue;
    }
    r = read_local (file, text, len, error);
    free (file);
    break;
  }
  if (dir)
    closedir (dir);
  if (r == -1 && *error == NULL &&
      asprintf (error, "no %s medium mounted under %s has %s", kind, root,
                path) == -1)
    *error = NULL;
  return r;
}

/* "HOST:PORT" of a URL (caller frees), or NULL. */
static char *
server_of (CURLU *u)
{
  char *host = NULL, *port = NULL, *server = NULL;

  curl_url_get (u, CURLUPART_HOST, &host, 0);
  curl_url_get (u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
  if (host && port && asprintf (&server, "%s:%s", host, port) == -1)
    server = NULL;
  curl_free (host);
  curl_free (port);
  return server;
}

/* https with --thumbprint-like pinning: the server's certificate, checked
 * against the pin, becomes the only trusted CA.  Returns a CA file in
 * dir (caller frees) or NULL with *error set.
 */
static char *
pin (CURLU *u, const char *thumbprint, const char *dir, char **error)
{
  char *server = server_of (u);
  char *ca = server ? v2v_pin_certificate (dir, server, thumbprint) : NULL;

  if (ca == NULL && server) {          /* without the engine's stage */
    const char *e = v2v_last_error (), *m = strstr (e, ": ");
    *error = strdup (m ? m + 2 : e);
  }
  else if (ca == NULL)
    *error = strdup ("not a URL");
  free (server);
  return ca;
}

static int
fetch_curl (const char *url, const struct cli_trust *trust, char **text,
            size_t *len, char **error)
{
  struct body b = { .max = KS_MAX_FILE };
  char errbuf[CURL_ERROR_SIZE] = "";
  char dir[] = "/tmp/v2vboot-fetch.XXXXXX";
  char *ca = NULL;
  CURLU *u = curl_url ();
  CURL *curl = curl_easy_init ();
  CURLcode rc;
  long code = 0;
  int r = -1;

  if (u == NULL || curl == NULL ||
      curl_url_set (u, CURLUPART_URL, url, 0) != CURLUE_OK) {
    if (asprintf (error, "not a URL") == -1)
      *error = NULL;
    goto out;
  }
  if (strncasecmp (url, "https:", 6) == 0 && trust && trust->thumbprint) {
    if (mkdtemp (dir) == NULL) {
      if (asprintf (error, "%s: %s", dir, strerror (errno)) == -1)
        *error = NULL;
      goto out;
    }
    ca = pin (u, trust->thumbprint, dir, error);
    if (ca == NULL)
      goto out;
    curl_easy_setopt (curl, CURLOPT_CAINFO, ca);
    curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  else if (trust && trust->cacert)
    curl_easy_setopt (curl, CURLOPT_CAINFO, trust->cacert);
  if (v2v_curl_policy (curl, url, true) == -1) {
    *error = strdup (v2v_last_error ());
    goto out;
  }
  curl_easy_setopt (curl, CURLOPT_CURLU, u);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, 15L);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt (curl, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &b);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, errbuf);
  rc = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &code);
  if (rc == CURLE_OK) {
    *text = b.v.ptr ? b.v.ptr : strdup ("");
    *len = b.v.len;
    b.v.ptr = NULL;
    r = 0;
  }
  else if ((*error = v2v_curl_refused_redirect (curl, url, rc)) != NULL)
    ;
  else if (b.too_big) {
    if (asprintf (error, "larger than 1 MiB: is this a kickstart?") == -1)
      *error = NULL;
  }
  else if (rc == CURLE_PEER_FAILED_VERIFICATION) {
    char *server = server_of (u), *fp = NULL, *weak = NULL;
    if (server) {
      fp = v2v_server_fingerprint (server);
      weak = v2v_server_weak_key (server);
    }
    if (weak) {
      if (asprintf (error, "the server's certificate (SHA-256 fingerprint "
                    "%s) does not verify: %s", fp ? fp : "unknown",
                    weak) == -1)
        *error = NULL;
    }
    else if (asprintf (error, "certificate not trusted (SHA-256 fingerprint %s): "
                  "pin it with --thumbprint=%s (v2v.ks.thumbprint= on the kernel command line) or give the CA with --cacert (v2v.ks.cacert=)",
                  fp ? fp : "unknown", fp ? fp : "SHA256") == -1)
      *error = NULL;
    free (server);
    free (fp);
    free (weak);
  }
  else if (asprintf (error, "%s", code == 404 ? "not found (HTTP 404)"
                     : errbuf[0] ? errbuf : curl_easy_strerror (rc)) == -1)
    *error = NULL;
 out:
  if (ca) {
    unlink (ca);
    rmdir (dir);
  }
  free (ca);
  byte_vector_reset (&b.v);
  curl_easy_cleanup (curl);
  curl_url_cleanup (u);
  return r;
}

static int
fetch_once (const char *url, const struct cli_trust *trust, char **text,
            size_t *len, char **error)
{
  if (strncmp (url, "http://", 7) == 0 || strncmp (url, "https://", 8) == 0 ||
      strncmp (url, "tftp://", 7) == 0)
    return fetch_curl (url, trust, text, len, error);
  if (strncmp (url, "file:", 5) == 0 && url[5] == '/')
    return read_local (url + 5 + strspn (url + 5, "/") - 1, text, len, error);
  if (url[0] == '/')
    return read_local (url, text, len, error);
  if (strncmp (url, "cdrom:/", 7) == 0)
    return read_media ("cdrom", url + 6, text, len, error);
  if (strncmp (url, "usb:/", 5) == 0)
    return read_media ("usb", url + 4, text, len, error);
  if (asprintf (error, "unknown kind of URL (expected http://, https://, "
                "tftp://, file:/PATH, cdrom:/PATH or usb:/PATH)") == -1)
    *error = NULL;
  return -1;
}

int
cli_fetch (const char *url, const struct cli_trust *trust, unsigned retries,
           char **text, size_t *len, char **error)
{
  unsigned attempt, delay = 1;

  for (attempt = 0;; ++attempt) {
    *error = NULL;
    if (fetch_once (url, trust, text, len, error) == 0)
      return 0;
    /* what waiting does not mend */
    if (attempt >= retries || strstr (*error ? *error : "", "not trusted") ||
        strstr (*error ? *error : "", "does not match the pinned") ||
        strstr (*error ? *error : "", ": refused, ") ||
        strstr (*error ? *error : "", "key is too weak") ||
        strstr (*error ? *error : "", "unknown kind of URL"))
      return -1;
    cli_say ("fetching %s: %s: retrying in %u s (%u of %u)", url,
             *error ? *error : "failed", delay, attempt + 1, retries);
    free (*error);
    sleep (delay);
    delay = delay < 8 ? delay * 2 : 10;
  }
}
