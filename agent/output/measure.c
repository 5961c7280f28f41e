/* What each disk will write, measured with qemu-img before the copy,
 * for every output: the data its copy sends (the progress's total), and
 * the room the destination needs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Find "key": NUMBER in qemu-img's JSON. */
static int
json_u64 (const char *json, const char *key, uint64_t *v)
{
  char pat[64];
  const char *p;
  char *end;

  snprintf (pat, sizeof pat, "\"%s\":", key);
  p = strstr (json, pat);
  if (p == NULL)
    return -1;
  p += strlen (pat);
  while (*p == ' ')
    p++;
  *v = strtoull (p, &end, 10);
  return end == p ? -1 : 0;
}

/* The data each disk will write.  Measured as qcow2 whatever the target:
 * for a raw target qemu-img's "required" is the whole virtual size, even
 * when the file will be sparse; qcow2's is the data plus a little
 * metadata.  Preallocated targets need the whole disk.
 */
int
v2v_measure (struct run *run, struct disk_state *d)
{
  const struct v2v_destination *dest = &run->cfg->dest;
  const char *argv[] = { "qemu-img", "measure", "--output=json", "-O",
                         "qcow2", d->overlay, NULL };
  CLEANUP_FREE char *out = NULL;
  uint64_t required, full;

  if (v2v_command (argv, &out) != 0) {
    v2v_error ("qemu-img measure: %s", out ? v2v_last_line (out) : "failed");
    return -1;
  }
  if (json_u64 (out, "required", &required) == -1 ||
      json_u64 (out, "fully-allocated", &full) == -1) {
    v2v_error ("qemu-img measure: unexpected output: %s", out);
    return -1;
  }
  d->data_bytes = required;
  if (dest->allocation != V2V_ALLOC_PREALLOCATED)
    d->required = required;
  else
    d->required = run->raw_disks ? d->size : full;
  return 0;
}
