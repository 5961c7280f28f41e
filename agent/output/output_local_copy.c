/* The local output's copy (output_local.c): qemu-img convert only the
 * data of each overlay, measured before (measure.c), zero and trimmed
 * clusters skipped, into a temporary file in the destination directory,
 * with progress.  The file is
 * created here, exclusively: qemu-img only ever writes a file this run
 * made, and only such a file is deleted if the run fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "internal.h"

struct copy_progress {
  struct run *run;
  int disk;
  uint64_t total;
  double start, last;
};

static void
progress_line (const char *line, void *opaque)
{
  struct copy_progress *cp = opaque;
  const char *p = strchr (line, '(');
  double pct, now = v2v_now ();
  char *end;
  uint64_t done;

  if (p == NULL)
    return;
  pct = strtod (p + 1, &end);
  if (end == p + 1 || strncmp (end, "/100%", 5) != 0)
    return;
  if (now - cp->last < 0.5 && pct < 100.0)
    return;
  cp->last = now;
  done = (uint64_t) (pct / 100.0 * (double) cp->total);
  v2v_event_copy (cp->run, cp->disk, done, cp->total,
                  now > cp->start ? done / (now - cp->start) : 0);
}

int
v2v_local_copy_disk (struct run *run, struct disk_state *d, int i)
{
  const struct v2v_destination *dest = &run->cfg->dest;
  bool raw = run->raw_disks;
  bool prealloc = dest->allocation == V2V_ALLOC_PREALLOCATED;
  const char *opts = raw ? (prealloc ? "preallocation=falloc" : NULL)
    : (prealloc ? "compat=1.1,preallocation=falloc" : "compat=1.1");
  struct copy_progress cp = { .run = run, .disk = i, .total = d->data_bytes,
                              .start = v2v_now () };
  const char *argv[16];
  size_t n = 0;
  CLEANUP_FREE char *out = NULL;
  struct stat st;
  int fd;

  argv[n++] = "qemu-img";
  argv[n++] = "convert";
  argv[n++] = "-p";
  argv[n++] = "-W";
  argv[n++] = "-m";
  argv[n++] = "8";
  argv[n++] = "-f";
  argv[n++] = "qcow2";
  argv[n++] = "-O";
  argv[n++] = raw ? "raw" : "qcow2";
  if (opts) {
    argv[n++] = "-o";
    argv[n++] = opts;
  }
  argv[n++] = d->overlay;
  argv[n++] = d->out_tmp;
  argv[n] = NULL;

  v2v_event_copy (run, i, 0, d->data_bytes, 0);
  fd = open (d->out_tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
             0644);
  if (fd == -1) {
    v2v_error ("%s: %m%s", d->out_tmp, errno == EEXIST ? ": another "
               "program made it (this run did not, and leaves it alone)"
               : "");
    return -1;
  }
  close (fd);
  d->out_created = true;
  if (v2v_command_lines (argv, &out, progress_line, &cp) != 0) {
    v2v_error ("copy of %s failed: %s", d->label,
               out ? v2v_last_line (out) : "qemu-img failed");
    return -1;
  }
  v2v_event_copy (run, i, d->data_bytes, d->data_bytes,
                  d->data_bytes / (v2v_now () - cp.start + 1e-9));
  /* What was written: the file's allocated bytes (qemu-img skips zero
   * clusters), not what measure.c counted beforehand.
   */
  if (stat (d->out_tmp, &st) == 0)
    d->written = (uint64_t) st.st_blocks * 512;
  return 0;
}
