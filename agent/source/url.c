/* Where a disk lives: ESXi datastore paths and URL building.
 *
 * "[ds] dir/file" is an ESXi datastore path.  Over HTTPS it becomes
 * https://HOST/folder/dir/file?dcPath=DC&dsName=ds (ESXi's file browser);
 * over SSH it becomes /vmfs/volumes/ds/dir/file.  Any other path must be
 * absolute and is used as it is.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define DEFAULT_DATACENTER "ha-datacenter"

int
v2v_parse_datastore_path (const char *path, char **ds, char **rel)
{
  const char *close;
  const char *p;

  *ds = *rel = NULL;
  if (path[0] != '[')
    return 0;
  close = strchr (path, ']');
  if (close == NULL || close == path + 1) {
    v2v_error ("datastore path '%s': expected '[DATASTORE] DIR/FILE'", path);
    return -1;
  }
  p = close + 1;
  while (*p == ' ')
    p++;
  if (*p == '\0' || *p == '/') {
    v2v_error ("datastore path '%s': expected a file after the datastore name",
               path);
    return -1;
  }
  *ds = strndup (path + 1, close - path - 1);
  *rel = strdup (p);
  if (*ds == NULL || *rel == NULL) {
    v2v_error ("strdup: %m");
    free (*ds);
    free (*rel);
    *ds = *rel = NULL;
    return -1;
  }
  return 1;
}

/* Percent-encode s; '/' is kept when keep_slash.  Caller frees. */
char *
v2v_url_escape (const char *s, bool keep_slash)
{
  static const char hex[] = "0123456789ABCDEF";
  char *out = malloc (strlen (s) * 3 + 1), *q = out;

  if (out == NULL)
    return NULL;
  for (; *s; ++s) {
    unsigned char c = (unsigned char) *s;
    if (isalnum (c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/'))
      *q++ = (char) c;
    else {
      *q++ = '%';
      *q++ = hex[c >> 4];
      *q++ = hex[c & 15];
    }
  }
  *q = '\0';
  return out;
}

char *
v2v_https_url (const char *server, const struct v2v_disk *disk)
{
  CLEANUP_FREE char *ds = NULL, *rel = NULL;
  CLEANUP_FREE char *epath = NULL, *eds = NULL, *edc = NULL;
  char *url = NULL;
  int r;

  r = v2v_parse_datastore_path (disk->path, &ds, &rel);
  if (r == -1)
    return NULL;
  if (r == 0) {
    if (disk->path[0] != '/') {
      v2v_error ("disk path '%s': expected an absolute path or "
                 "'[DATASTORE] DIR/FILE'", disk->path);
      return NULL;
    }
    epath = v2v_url_escape (disk->path, true);
    if (epath == NULL || asprintf (&url, "https://%s%s", server, epath) == -1)
      goto nomem;
    return url;
  }
  epath = v2v_url_escape (rel, true);
  eds = v2v_url_escape (ds, false);
  edc = v2v_url_escape (disk->datacenter ? disk->datacenter
                        : DEFAULT_DATACENTER, false);
  if (epath == NULL || eds == NULL || edc == NULL ||
      asprintf (&url, "https://%s/folder/%s?dcPath=%s&dsName=%s",
                server, epath, edc, eds) == -1)
    goto nomem;
  return url;

 nomem:
  v2v_error ("out of memory");
  return NULL;
}

char *
v2v_ssh_path (const struct v2v_disk *disk)
{
  CLEANUP_FREE char *ds = NULL, *rel = NULL;
  char *path = NULL;
  int r;

  r = v2v_parse_datastore_path (disk->path, &ds, &rel);
  if (r == -1)
    return NULL;
  if (r == 0)
    path = strdup (disk->path);
  else if (asprintf (&path, "/vmfs/volumes/%s/%s", ds, rel) == -1)
    path = NULL;
  if (path == NULL)
    v2v_error ("out of memory");
  return path;
}

/* "host", "host:port", "[v6]" or "[v6]:port" -> host (caller frees) and
 * port (unchanged if not given).
 */
int
v2v_split_server (const char *server, char **host, unsigned *port)
{
  const char *colon = NULL, *h = server, *he;

  if (server[0] == '[') {
    h = server + 1;
    he = strchr (h, ']');
    if (he == NULL)
      goto bad;
    if (he[1] == ':')
      colon = he + 1;
  }
  else {
    colon = strrchr (server, ':');
    he = colon ? colon : server + strlen (server);
  }
  if (colon) {
    char *end;
    unsigned long p = strtoul (colon + 1, &end, 10);
    if (end == colon + 1 || *end != '\0' || p < 1 || p > 65535)
      goto bad;
    *port = (unsigned) p;
  }
  *host = strndup (h, (size_t) (he - h));
  if (*host == NULL) {
    v2v_error ("out of memory");
    return -1;
  }
  if ((*host)[0] == '\0') {
    free (*host);
    *host = NULL;               /* callers free it on failure too */
    goto bad;
  }
  return 0;
 bad:
  v2v_error ("server '%s': expected HOST[:PORT]", server);
  return -1;
}
