/* Local (or NFS) directory destination: checked before anything is
 * converted, written under temporary names during the copy, renamed into
 * place with the domain XML only when every disk is complete.  A failed
 * run leaves nothing behind.
 *
 * Two runs never write the same name: the name is claimed when the
 * names are checked, before any copy (output_local_claim.c); every output
 * file is created exclusively and renamed into place without ever
 * replacing a file; a run deletes only files it created.
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

static int
oom (void)
{
  v2v_error ("out of memory");
  return -1;
}

/* v2v_say_fn for a run: a warning of the run. */
static void
warn_run (const char *msg, void *opaque)
{
  v2v_warning (opaque, "%s", msg);
}

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
    return oom ();
  fd = mkstemp (probe);
  if (fd == -1) {
    v2v_error ("cannot write in the destination directory %s: %m", real);
    return -1;
  }
  close (fd);
  unlink (probe);
  run->dest_dir = strdup (real);
  if (run->dest_dir == NULL) {
    v2v_error ("destination %s: %m", real);
    return -1;
  }
  v2v_local_sweep (run->dest_dir, warn_run, run);
  return 0;
}


/* Nothing we will write exists already, and the name is ours. */
static int
local_check_names (struct run *run)
{
  const char *ext = run->raw_disks ? "img" : "qcow2";
  const char *real = run->dest_dir;
  size_t i;

  if (asprintf (&run->xml_path, "%s/%s.xml", real, run->name) == -1)
    return oom ();
  for (i = 0; i < run->nr_disks; ++i) {
    struct disk_state *d = &run->disks[i];
    CLEANUP_FREE char *name = v2v_disk_name (run, i);

    if (name == NULL ||
        asprintf (&d->out_path, "%s/%s.%s", real, name, ext) == -1 ||
        asprintf (&d->out_tmp, "%s/.%s.%s.part", real, name, ext) == -1)
      return oom ();
  }
  if (v2v_local_claim_name (run) == -1)
    return -1;
  if (access (run->xml_path, F_OK) == 0) {
    v2v_error ("%s already exists: choose another VM name (vm --name) or "
               "remove it", run->xml_path);
    return -1;
  }
  for (i = 0; i < run->nr_disks; ++i) {
    struct disk_state *d = &run->disks[i];

    if (access (d->out_path, F_OK) == 0) {
      v2v_error ("%s already exists: choose another VM name (vm --name) "
                 "or remove it", d->out_path);
      return -1;
    }
  }
  return 0;
}

/* Is there room for need bytes?  what says how the figure was made. */
static int
local_space (struct run *run, uint64_t need, const char *what)
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

/* Move from to to, never replacing a file at to: renameat2's
 * RENAME_NOREPLACE, or where the filesystem does not have it (some NFS
 * servers, FUSE) a hard link, which fails on an existing name too, then
 * unlink.  -1 with errno (EEXIST when to exists).
 */
int
v2v_rename_noreplace (const char *from, const char *to)
{
  if (renameat2 (AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
    return 0;
  if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
    return -1;
  return v2v_link_noreplace (from, to);
}

int
v2v_link_noreplace (const char *from, const char *to)
{
  int e;

  if (link (from, to) == -1)
    return -1;
  if (unlink (from) == -1) {
    e = errno;
    unlink (to);                /* the link we just made */
    errno = e;
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
    return oom ();
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
  if (v2v_rename_noreplace (tmp, path) == -1) {
    v2v_error ("%s: %m%s", path, errno == EEXIST ? " (made by someone "
               "else during the copy: it was left as it is)" : "");
    unlink (tmp);
    return -1;
  }
  return 0;
}

static int
local_define (struct run *run, const char *xml)
{
  size_t i;

  for (i = 0; i < run->nr_disks; ++i) {
    struct disk_state *d = &run->disks[i];
    if (v2v_rename_noreplace (d->out_tmp, d->out_path) == -1) {
      v2v_error ("%s: %m%s", d->out_path, errno == EEXIST ? " (made by "
                 "someone else during the copy: it was left as it is)" : "");
      return -1;
    }
    d->out_final = true;
  }
  if (write_file_atomic (run->xml_path, xml) == -1)
    return -1;
  v2v_info (run, "wrote %s", run->xml_path);
  return 0;
}

/* After a failure: remove every file this run created.  A file that
 * cannot be removed is named in an error (the run has failed anyway).
 */
static void
local_abort (struct run *run)
{
  size_t i;

  for (i = 0; i < run->nr_disks; ++i) {
    struct disk_state *d = &run->disks[i];
    const char *f = d->out_final ? d->out_path : d->out_tmp;

    if (!d->out_created || f == NULL)
      continue;
    if (unlink (f) == -1 && errno != ENOENT)
      v2v_cleanup_failed (run, f, strerror (errno));
  }
}

static char *
local_describe (const struct run *run)
{
  return strdup (run->dest_dir ? run->dest_dir : run->cfg->dest.dir);
}

static char *
local_next_step (const struct run *run)
{
  char *s;

  if (asprintf (&s, "define it with: virsh define %s", run->xml_path) == -1)
    return NULL;
  return s;
}

/* A directory has no pools or networks: check it only. */
static int
local_list (struct run *run, v2v_found_target_fn fn, void *opaque)
{
  (void) fn; (void) opaque;
  return v2v_local_check_dir (run);
}

static void
local_sweep (const struct v2v_destination *dest, v2v_say_fn say,
             void *opaque)
{
  if (dest->dir)
    v2v_local_sweep (dest->dir, say, opaque);
}

const struct v2v_output_ops v2v_output_local = {
  .name = "local",
  .raw_by_default = false,
  .check = v2v_local_check_dir,
  .check_names = local_check_names,
  .space = local_space,
  .copy_disk = v2v_local_copy_disk,
  .define = local_define,
  .verify = v2v_verify_local,
  .abort = local_abort,
  .close = v2v_local_release,
  .describe = local_describe,
  .next_step = local_next_step,
  .list = local_list,
  .sweep = local_sweep,
};
