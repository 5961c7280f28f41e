/* A qcow2 overlay per disk in the work directory.  Its backing file is the
 * remote disk on nbdkit's NBD socket; libguestfs opens it with
 * copy-on-read, so each source block read during conversion is stored
 * here and fetched from the source at most once.  All writes (the
 * conversion, fstrim) land in the overlay, never on the source.
 */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"


int
v2v_overlay_create (struct run *run, struct disk_state *d, size_t i)
{
  CLEANUP_FREE char *backing = NULL, *out = NULL;
  char size[32], opts[64];
  int r;

  if (asprintf (&d->overlay, "%s/disk%zu.qcow2", run->workdir, i) == -1 ||
      asprintf (&backing, "nbd+unix:///?socket=%s", d->socket) == -1) {
    v2v_error ("out of memory");
    return -1;
  }
  snprintf (size, sizeof size, "%" PRIu64, d->size);
  snprintf (opts, sizeof opts, "compat=1.1,cluster_size=%d",
            V2V_OVERLAY_CLUSTER);
  {
    const char *argv[] = {
      "qemu-img", "create", "-q", "-f", "qcow2",
      "-o", opts,
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

#define ZERO_BATCH 256          /* qemu-io commands per invocation */

/* Mark the disk's unused ranges as zero clusters in the overlay, so the
 * copy neither reads them from the source nor writes them.  Only whole
 * clusters: a partial one would make qemu read the rest from the source.
 */
int
v2v_overlay_zero_unused (struct run *run, struct disk_state *d)
{
  const uint64_t c = V2V_OVERLAY_CLUSTER;
  size_t i = 0, n, k;
  uint64_t total = 0;

  while (i < d->unused.nr) {
    const char *argv[7 + 2 * ZERO_BATCH];
    char cmds[ZERO_BATCH][64];
    CLEANUP_FREE char *out = NULL;

    n = 0;
    argv[n++] = "qemu-io";
    argv[n++] = "-f";
    argv[n++] = "qcow2";
    for (k = 0; k < ZERO_BATCH && i < d->unused.nr; ++i) {
      uint64_t start = (d->unused.ranges[i].off + c - 1) / c * c;
      uint64_t end = (d->unused.ranges[i].off + d->unused.ranges[i].len)
                     / c * c;
      if (end <= start)
        continue;
      snprintf (cmds[k], sizeof cmds[k], "write -q -z -u %" PRIu64 " %" PRIu64,
                start, end - start);
      argv[n++] = "-c";
      argv[n++] = cmds[k++];
      total += end - start;
    }
    if (k == 0)
      break;
    argv[n++] = d->overlay;
    argv[n] = NULL;
    if (v2v_command (argv, &out) != 0) {
      v2v_error ("qemu-io: %s", out ? v2v_last_line (out) : "failed");
      return -1;
    }
  }
  if (total > 0)
    v2v_info (run, "%s: %" PRIu64 " MiB of unused inode tables, empty "
              "journal and resize reserve will be neither read nor copied",
              d->label, total >> 20);
  return 0;
}
