/* The names of the converted VM's disks, for every output: the guest's
 * own device names after the VM's name.
 */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

/* "NAME-sda", "NAME-sdb", ... "NAME-sdaa": disk i of the converted VM,
 * named as the guest knew it.  Caller frees; NULL (errno set) if out of
 * memory.
 */
char *
v2v_disk_name (const struct run *run, size_t i)
{
  char dev[32];
  char *s;

  if (v2v_drive_name ("sd", i, dev, sizeof dev) == -1 ||
      asprintf (&s, "%s-%s", run->name, dev) == -1)
    return NULL;
  return s;
}
