/* A qcow2 overlay per disk in the work directory.  Its backing file is the
 * remote disk on nbdkit's NBD socket; libguestfs opens it with
 * copy-on-read, so each source block read during conversion is stored
 * here and fetched from the source at most once.  All writes (the
 * conversion, fstrim) land in the overlay, never on the source.
 */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

#ifndef OVERLAY_CLUSTER_SIZE
#define OVERLAY_CLUSTER_SIZE "64k"
#endif

int
v2v_overlay_create (struct run *run, struct disk_state *d, size_t i)
{
  CLEANUP_FREE char *backing = NULL, *out = NULL;
  char size[32];
  int r;

  if (asprintf (&d->overlay, "%s/disk%zu.qcow2", run->workdir, i) == -1 ||
      asprintf (&backing, "nbd+unix:///?socket=%s", d->socket) == -1) {
    v2v_error ("out of memory");
    return -1;
  }
  snprintf (size, sizeof size, "%" PRIu64, d->size);
  {
    const char *argv[] = {
      "qemu-img", "create", "-q", "-f", "qcow2",
      "-o", "compat=1.1,cluster_size=" OVERLAY_CLUSTER_SIZE,
      "-F", "raw", "-b", backing, d->overlay, size, NULL
    };
    r = v2v_command (argv, &out);
  }
  if (r != 0) {
    v2v_error ("qemu-img create: %s", out ? v2v_last_line (out) : "failed");
    return -1;
  }
  return 0;
}
