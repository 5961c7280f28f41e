/* libFuzzer target: decoding registry values read from the guest's hives
 * (agent/convert/registry.c: REG_SZ/REG_EXPAND_SZ and REG_MULTI_SZ from
 * UTF-16LE, REG_DWORD), and encoding strings back.  registry.c reads
 * values through libguestfs's hivex calls; they are replaced here by
 * stubs that serve the fuzz input as the value: its first byte is the
 * value's type, the rest its bytes.  Strings decoded must be valid C
 * strings; lists must be NULL-terminated.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <guestfs.h>

#include "internal.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const uint8_t *value_data;
static size_t value_size;
static int64_t value_type;

/* The hivex calls registry.c makes, over the one value above. */
int64_t
guestfs_hivex_node_get_value (guestfs_h *g, int64_t node, const char *key)
{
  (void) g; (void) node; (void) key;
  return 1;
}

int64_t
guestfs_hivex_value_type (guestfs_h *g, int64_t value)
{
  (void) g; (void) value;
  return value_type;
}

char *
guestfs_hivex_value_value (guestfs_h *g, int64_t value, size_t *size_r)
{
  char *p = malloc (value_size ? value_size : 1);

  (void) g; (void) value;
  if (p == NULL)
    return NULL;
  memcpy (p, value_data, value_size);
  *size_r = value_size;
  return p;
}

int
guestfs_hivex_node_set_value (guestfs_h *g, int64_t node, const char *key,
                              int64_t t, const char *val, size_t len)
{
  (void) g; (void) node; (void) key; (void) t;
  /* UTF-16LE: whole code units, NUL-terminated. */
  if (len < 2 || len % 2 != 0 || val[len - 1] != 0 || val[len - 2] != 0)
    abort ();
  return 0;
}

int64_t
guestfs_hivex_node_get_child (guestfs_h *g, int64_t node, const char *name)
{
  (void) g; (void) name;
  return node + 1;
}

int64_t
guestfs_hivex_node_add_child (guestfs_h *g, int64_t node, const char *name)
{
  (void) g; (void) name;
  return node + 1;
}

int
guestfs_hivex_open (guestfs_h *g, const char *filename, ...)
{
  (void) g; (void) filename;
  return 0;
}

int
guestfs_hivex_commit (guestfs_h *g, const char *filename)
{
  (void) g; (void) filename;
  return 0;
}

int
guestfs_hivex_close (guestfs_h *g)
{
  (void) g;
  return 0;
}

const char *
guestfs_last_error (guestfs_h *g)
{
  (void) g;
  return "stub";
}

int
v2v_guestfs_error (struct guestfs_h *g, const char *what)
{
  (void) g; (void) what;
  return -1;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct run run = { 0 };
  char *s, **list, *text;
  const char *strs[3];
  uint32_t dword;
  size_t i;

  if (size == 0)
    return 0;
  value_type = data[0] & 7;
  value_data = data + 1;
  value_size = size - 1;

  s = v2v_reg_get_string (&run, 1, "key");
  if (s)
    (void) strlen (s);
  free (s);
  list = v2v_reg_get_multi (&run, 1, "key");
  for (i = 0; list && list[i]; ++i) {
    (void) strlen (list[i]);
    free (list[i]);
  }
  free (list);
  v2v_reg_get_dword (&run, 1, "key", &dword);

  /* The other way: the input as UTF-8 (whatever its bytes). */
  text = malloc (size);
  if (text == NULL)
    return 0;
  memcpy (text, data + 1, size - 1);
  text[size - 1] = '\0';
  v2v_reg_set_string (&run, 1, "key", 1, text);
  strs[0] = text;
  strs[1] = text + strlen (text) / 2;
  strs[2] = NULL;
  v2v_reg_set_multi (&run, 1, "key", strs);
  v2v_reg_path (&run, 1, text, true);
  free (text);
  return 0;
}
