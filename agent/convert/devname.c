/* Old disk names in guest configuration files.
 *
 * On VMware a Linux guest sees /dev/sdX (SCSI, SATA) or /dev/hdX (old IDE);
 * on virtio-blk the same disks are /dev/vdX.  Every place in the boot path
 * that names a disk must name it in a way that survives: UUID=, or the new
 * name where UUID= is not valid (LVM filters).  These functions only work
 * on text, so they are tested without a guest.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Characters that can continue a device name (so "/dev/sda" is not a match
 * inside "/dev/sda1" or "/dev/sdab").
 */
static bool
name_char (char c)
{
  return isalnum ((unsigned char) c);
}

/* Characters that can come before a device name that is a whole token. */
static bool
path_char (char c)
{
  return isalnum ((unsigned char) c) || c == '/' || c == '_' || c == '.' ||
         c == '-';
}

/* Length of an old-style disk name at p ("/dev/sda", "/dev/hdb3",
 * "/dev/sdaa12"), or 0.
 */
size_t
v2v_old_devname_at (const char *s, const char *p)
{
  const char *q;

  if (p > s && path_char (p[-1]))
    return 0;
  if (strncmp (p, "/dev/sd", 7) != 0 && strncmp (p, "/dev/hd", 7) != 0)
    return 0;
  q = p + 7;
  if (!islower ((unsigned char) *q))
    return 0;
  while (islower ((unsigned char) *q))
    q++;
  while (isdigit ((unsigned char) *q))
    q++;
  if (name_char (*q))
    return 0;
  return (size_t) (q - p);
}

char *
v2v_rewrite_devices (const char *text, const struct v2v_devmap *map,
                     size_t nr, size_t *changes)
{
  struct v2v_strbuf sb = { 0 };
  const char *p;

  if (changes)
    *changes = 0;
  for (p = text; *p; ) {
    size_t n = v2v_old_devname_at (text, p);
    size_t i;

    for (i = 0; n > 0 && i < nr; ++i) {
      if (strlen (map[i].old) == n && strncmp (p, map[i].old, n) == 0)
        break;
    }
    if (n > 0 && i < nr) {
      v2v_sb_puts (&sb, map[i].new);
      if (changes)
        (*changes)++;
    }
    else
      v2v_sb_add (&sb, p, n > 0 ? n : 1);
    p += n > 0 ? n : 1;
  }
  return v2v_sb_finish (&sb);
}

/* The first old-style disk name left in text, copied into buf, or NULL. */
const char *
v2v_find_old_devname (const char *text, char *buf, size_t buflen)
{
  const char *p;

  for (p = text; *p; ++p) {
    size_t n = v2v_old_devname_at (text, p);
    if (n > 0) {
      snprintf (buf, buflen, "%.*s", (int) n, p);
      return buf;
    }
  }
  return NULL;
}

/* /dev/sdb3 -> /dev/vdb3 on virtio-blk, /dev/hdb3 -> /dev/sdb3 on
 * virtio-scsi or SATA (disk i keeps its letter).  Caller frees.
 */
char *
v2v_virtio_name (const char *old, enum v2v_block_driver driver)
{
  char *s = strdup (old);

  if (s && strncmp (s, "/dev/", 5) == 0 && (s[5] == 's' || s[5] == 'h'))
    s[5] = driver == V2V_BLOCK_VIRTIO_BLK ? 'v' : 's';
  return s;
}
