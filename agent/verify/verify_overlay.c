/* The test boot writes only to throwaway qcow2 overlays over the
 * converted disks (opened read-only through them), in the work
 * directory, removed when the boot ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"

/* One overlay per disk, NULL-terminated.  Caller removes and frees
 * (v2v_verify_remove_overlays).  NULL (error set) on failure.
 */
char **
v2v_verify_overlays (struct run *run)
{
  char **ov = calloc (run->nr_disks + 1, sizeof *ov);
  size_t i;

  if (ov == NULL) {
    v2v_error ("out of memory");
    return NULL;
  }
  for (i = 0; i < run->nr_disks; ++i) {
    const char *fmt = run->raw_disks ? "raw" : "qcow2";
    const char *argv[] = { "qemu-img", "create", "-q", "-f", "qcow2",
                           "-F", fmt, "-b", run->disks[i].out_path,
                           NULL, NULL };
    CLEANUP_FREE char *out = NULL;

    if (asprintf (&ov[i], "%s/verify-%zu.qcow2", run->workdir, i) == -1) {
      ov[i] = NULL;
      v2v_error ("out of memory");
      goto fail;
    }
    argv[9] = ov[i];
    if (v2v_command (argv, &out) != 0) {
      v2v_error ("cannot create the overlay over %s: %s",
                 run->disks[i].out_path, out ? v2v_chomp (out) : "");
      goto fail;
    }
  }
  return ov;

 fail:
  v2v_verify_remove_overlays (ov);
  return NULL;
}

void
v2v_verify_remove_overlays (char **overlays)
{
  size_t i;

  if (overlays == NULL)
    return;
  for (i = 0; overlays[i]; ++i) {
    unlink (overlays[i]);
    free (overlays[i]);
  }
  free (overlays);
}
