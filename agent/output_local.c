/* Local (or NFS) directory destination: checked before anything is
 * converted, written under temporary names during the copy, renamed into
 * place with the domain XML only when every disk is complete.  A failed
 * run leaves nothing behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "internal.h"

/* The directory exists and can really be written. */
int
v2v_local_check_dir (struct run *run)
{
  const struct v2v_destination *dest = &run->cfg->dest;
  char real[PATH_MAX];
  struct stat st;
  CLEANUP_FREE char *probe = NULL;
  int fd;

  if (stat (dest->dir, &st) == -1) {
    v2v_error ("destination directory %s: %m", dest->dir);
    return -1;
  }
  if (!S_ISDIR (st.st_mode)) {
    v2v_error ("destination %s is not a directory", dest->dir);
    return -1;
  }
  if (realpath (dest->dir, real) == NULL) {
    v2v_error ("destination %s: %m", dest->dir);
    return -1;
  }
  /* Root passes access(2) on a read-only mount: really try a write. */
  if (asprintf (&probe, "%s/.v2vboot-write-test.XXXXXX", real) == -1)
    return -1;
  fd = mkstemp (probe);
  if (fd == -1) {
    v2v_error ("cannot write in the destination directory %s: %m", real);
    return -1;
  }
  close (fd);
  unlink (probe);
  run->dest_dir = strdup (real);
  return run->dest_dir ? 0 : -1;
}

/* Nothing we will write exists already. */
int
v2v_local_check_names (struct run *run)
{
  const char *ext = v2v_dest_raw (run) ? "img" : "qcow2";
  const char *real = run->dest_dir;
  size_t i;

  if (asprintf (&run->xml_path, "%s/%s.xml", real, run->name) == -1)
    return -1;
  if (access (run->xml_path, F_OK) == 0) {
    v2v_error ("%s already exists: choose another VM name (vm --name) or "
               "remove it", run->xml_path);
    return -1;
  }
  for (i = 0; i < run->nr_disks; ++i) {
    struct disk_state *d = &run->disks[i];
    CLEANUP_FREE char *name = v2v_disk_name (run, i);

    if (name == NULL ||
        asprintf (&d->out_path, "%s/%s.%s", real, name, ext) == -1 ||
        asprintf (&d->out_tmp, "%s/.%s.%s.part", real, name, ext) == -1)
      return -1;
    if (access (d->out_path, F_OK) == 0) {
      v2v_error ("%s already exists: choose another VM name (vm --name) "
                 "or remove it", d->out_path);
      return -1;
    }
  }
  return 0;
}

/* Is there room for need bytes?  what says how the figure was made. */
int
v2v_local_space (struct run *run, uint64_t need, const char *what)
{
  struct statvfs sv;
  uint64_t avail;

  if (statvfs (run->dest_dir, &sv) == -1) {
    v2v_error ("%s: %m", run->dest_dir);
    return -1;
  }
  avail = (uint64_t) sv.f_bavail * sv.f_frsize;
  v2v_debug ("destination has %" PRIu64 " bytes free, needs %" PRIu64
             " (%s)", avail, need, what);
  if (avail < need) {
    v2v_error ("not enough space in %s: %" PRIu64 " MiB free, the VM needs "
               "%" PRIu64 " MiB (%s): free some space or choose another "
               "destination", run->dest_dir, avail >> 20,
               (need + (1 << 20) - 1) >> 20, what);
    return -1;
  }
  return 0;
}

static int
write_file_atomic (const char *path, const char *text)
{
  CLEANUP_FREE char *tmp = NULL;
  FILE *f;

  if (asprintf (&tmp, "%s.part", path) == -1)
    return -1;
  f = fopen (tmp, "wex");
  if (f == NULL) {
    v2v_error ("%s: %m", tmp);
    return -1;
  }
  if (fputs (text, f) == EOF || fclose (f) == EOF) {
    v2v_error ("%s: %m", tmp);
    unlink (tmp);
    return -1;
  }
  if (rename (tmp, path) == -1) {
    v2v_error ("%s: %m", path);
    unlink (tmp);
    return -1;
  }
  return 0;
}

int
v2v_local_finish (struct run *run, const char *xml)
{
  size_t i;

  for (i = 0; i < run->nr_disks; ++i) {
    struct disk_state *d = &run->disks[i];
    if (rename (d->out_tmp, d->out_path) == -1) {
      v2v_error ("%s: %m", d->out_path);
      return -1;
    }
    d->out_final = true;
  }
  if (write_file_atomic (run->xml_path, xml) == -1)
    return -1;
  v2v_info (run, "wrote %s", run->xml_path);
  return 0;
}

/* After a failure: remove every file this run created. */
void
v2v_local_abort (struct run *run)
{
  size_t i;

  for (i = 0; i < run->nr_disks; ++i) {
    struct disk_state *d = &run->disks[i];
    if (d->out_created && d->out_tmp)
      unlink (d->out_tmp);
    if (d->out_final && d->out_path)
      unlink (d->out_path);
  }
}
