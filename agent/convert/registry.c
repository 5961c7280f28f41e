/* The Windows registry through libguestfs's hivex calls: walk or create
 * a key path, read and write values.  Strings cross as UTF-8 here and
 * UTF-16LE in the hive.  One hive is open at a time per handle.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guestfs.h>

#include "internal.h"

int
v2v_reg_open (struct run *run, const char *hive, bool write)
{
  if (guestfs_hivex_open (run->g, hive, GUESTFS_HIVEX_OPEN_WRITE, write,
                          -1) == -1) {
    v2v_error ("cannot open the registry hive %s: %s", hive,
               guestfs_last_error (run->g));
    return -1;
  }
  return 0;
}

int
v2v_reg_close (struct run *run, bool commit)
{
  int r = 0;

  if (commit && guestfs_hivex_commit (run->g, NULL) == -1)
    r = v2v_guestfs_error (run->g, "save the registry hive");
  guestfs_hivex_close (run->g);
  return r;
}

/* The node at PATH ("A\\B\\C") under NODE: 0 when a key is missing and
 * create is false, -1 on error.
 */
int64_t
v2v_reg_path (struct run *run, int64_t node, const char *path, bool create)
{
  CLEANUP_FREE char *copy = strdup (path);
  char *name, *save = NULL;

  if (copy == NULL)
    return v2v_oom ();
  for (name = strtok_r (copy, "\\", &save); name && node > 0;
       name = strtok_r (NULL, "\\", &save)) {
    int64_t child = guestfs_hivex_node_get_child (run->g, node, name);
    if (child == 0 && create)
      child = guestfs_hivex_node_add_child (run->g, node, name);
    if (child == -1) {
      v2v_error ("registry key %s: %s", path, guestfs_last_error (run->g));
      return -1;
    }
    node = child;
  }
  return node;
}

/* UTF-8 to UTF-16LE with the terminating NUL (or two for REG_MULTI_SZ
 * lists: each string NUL-terminated, then an empty one).
 */
static int
add_utf16 (struct v2v_strbuf *sb, const char *s)
{
  const unsigned char *p = (const unsigned char *) s;

  for (;;) {
    unsigned c = *p++;
    char u[4];

    if (c >= 0xC0 && (*p & 0xC0) == 0x80) {
      unsigned n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
      c &= 0x3F >> n;
      while (n-- > 0 && (*p & 0xC0) == 0x80)
        c = (c << 6) | (*p++ & 0x3F);
    }
    if (c >= 0x10000) {
      c -= 0x10000;
      u[0] = (char) ((0xD800 | (c >> 10)) & 0xFF);
      u[1] = (char) ((0xD800 | (c >> 10)) >> 8);
      u[2] = (char) ((0xDC00 | (c & 0x3FF)) & 0xFF);
      u[3] = (char) ((0xDC00 | (c & 0x3FF)) >> 8);
      v2v_sb_add (sb, u, 4);
      continue;
    }
    u[0] = (char) (c & 0xFF);
    u[1] = (char) (c >> 8);
    if (v2v_sb_add (sb, u, 2) == -1)
      return -1;
    if (c == 0)
      return 0;
  }
}

static int
set_value (struct run *run, int64_t node, const char *key, int64_t type,
           const char *val, size_t len)
{
  if (guestfs_hivex_node_set_value (run->g, node, key, type, val, len) == -1) {
    v2v_error ("registry value %s: %s", key, guestfs_last_error (run->g));
    return -1;
  }
  return 0;
}

/* REG_SZ (1) or REG_EXPAND_SZ (2). */
int
v2v_reg_set_string (struct run *run, int64_t node, const char *key,
                    int type, const char *s)
{
  struct v2v_strbuf sb = { 0 };
  CLEANUP_FREE char *data = NULL;
  size_t len;
  int r;

  add_utf16 (&sb, s);
  len = sb.len;
  data = v2v_sb_finish (&sb);
  if (data == NULL)
    return v2v_oom ();
  r = set_value (run, node, key, type, data, len);
  return r;
}

/* REG_MULTI_SZ (7) from a NULL-terminated list. */
int
v2v_reg_set_multi (struct run *run, int64_t node, const char *key,
                   const char *const *strs)
{
  struct v2v_strbuf sb = { 0 };
  CLEANUP_FREE char *data = NULL;
  size_t i, len;

  for (i = 0; strs[i]; ++i)
    add_utf16 (&sb, strs[i]);
  add_utf16 (&sb, "");
  len = sb.len;
  data = v2v_sb_finish (&sb);
  if (data == NULL)
    return v2v_oom ();
  return set_value (run, node, key, 7, data, len);
}

int
v2v_reg_set_dword (struct run *run, int64_t node, const char *key,
                   uint32_t v)
{
  char le[4] = { (char) (v & 0xFF), (char) ((v >> 8) & 0xFF),
                 (char) ((v >> 16) & 0xFF), (char) (v >> 24) };

  return set_value (run, node, key, 4, le, 4);
}

int
v2v_reg_set_binary (struct run *run, int64_t node, const char *key,
                    const void *data, size_t len)
{
  return set_value (run, node, key, 3, data, len);
}

/* The value's raw bytes and type, or NULL when absent.  Caller frees. */
static char *
get_raw (struct run *run, int64_t node, const char *key, int64_t *type,
         size_t *len)
{
  int64_t v;

  if (node <= 0)
    return NULL;
  v = guestfs_hivex_node_get_value (run->g, node, key);
  if (v <= 0)
    return NULL;
  *type = guestfs_hivex_value_type (run->g, v);
  return guestfs_hivex_value_value (run->g, v, len);
}

/* UTF-16LE to UTF-8, BMP only: what registry strings of interest hold.
 * Stops at the first NUL.  Caller frees.
 */
static char *
utf16_to_utf8 (const char *p, size_t len, size_t *used)
{
  struct v2v_strbuf sb = { 0 };
  size_t i;

  for (i = 0; i + 1 < len; i += 2) {
    unsigned c = (unsigned char) p[i] | ((unsigned char) p[i + 1] << 8);
    char u[3];

    if (c == 0) {
      i += 2;
      break;
    }
    if (c < 0x80) {
      u[0] = (char) c;
      v2v_sb_add (&sb, u, 1);
    }
    else if (c < 0x800) {
      u[0] = (char) (0xC0 | (c >> 6));
      u[1] = (char) (0x80 | (c & 0x3F));
      v2v_sb_add (&sb, u, 2);
    }
    else {
      u[0] = (char) (0xE0 | (c >> 12));
      u[1] = (char) (0x80 | ((c >> 6) & 0x3F));
      u[2] = (char) (0x80 | (c & 0x3F));
      v2v_sb_add (&sb, u, 3);
    }
  }
  *used = i;
  v2v_sb_add (&sb, "", 0);
  return v2v_sb_finish (&sb);
}

/* A REG_SZ or REG_EXPAND_SZ value as UTF-8, or NULL.  Caller frees. */
char *
v2v_reg_get_string (struct run *run, int64_t node, const char *key)
{
  int64_t type;
  size_t len, used;
  CLEANUP_FREE char *raw = get_raw (run, node, key, &type, &len);

  if (raw == NULL || (type != 1 && type != 2))
    return NULL;
  return utf16_to_utf8 (raw, len, &used);
}

/* A REG_MULTI_SZ (or REG_SZ) value as a list, or NULL.  Caller frees. */
char **
v2v_reg_get_multi (struct run *run, int64_t node, const char *key)
{
  int64_t type;
  size_t len, off = 0;
  CLEANUP_FREE char *raw = get_raw (run, node, key, &type, &len);
  CLEANUP_FREE_STRVEC struct v2v_string_vector list = VECTOR_INIT;
  char **strs;

  if (raw == NULL || (type != 7 && type != 1))
    return NULL;
  while (off + 1 < len) {
    size_t used;
    CLEANUP_FREE char *s = utf16_to_utf8 (raw + off, len - off, &used);

    if (s == NULL)
      goto oom;
    if (*s == '\0')
      break;
    off += used;
    if (v2v_strvec_add (&list, s) == -1)
      goto oom;
  }
  strs = v2v_strvec_take (&list);
  if (strs == NULL)
    goto oom;
  return strs;

 oom:
  v2v_error ("out of memory reading the registry value %s", key);
  return NULL;
}

/* 1 and *out set when the REG_DWORD exists, 0 when absent. */
int
v2v_reg_get_dword (struct run *run, int64_t node, const char *key,
                   uint32_t *out)
{
  int64_t type;
  size_t len;
  CLEANUP_FREE char *raw = get_raw (run, node, key, &type, &len);
  const unsigned char *u = (const unsigned char *) raw;

  if (raw == NULL || type != 4 || len < 4)
    return 0;
  *out = u[0] | (u[1] << 8) | (u[2] << 16) | ((uint32_t) u[3] << 24);
  return 1;
}
