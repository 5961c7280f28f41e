/* v2v_run: the pipeline.  Every stage reports its own error; the big copy
 * comes last, after every check, so a failure before it costs seconds and
 * writes nothing to the destination.
 *
 *   destination -> source -> overlay -> inspect -> convert -> fstrim
 *     -> size-check -> [check mode stops here] -> copy (the disks at
 *     once: copy_disks.c) -> define
 *     -> [verify, with --verify-boot]
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <guestfs.h>

#include "internal.h"

static int
remove_entry (const char *path, const struct stat *st, int flag,
              struct FTW *ftw)
{
  (void) st; (void) flag; (void) ftw;
  return remove (path) == -1 && errno != ENOENT ? -1 : 0;
}

#define LOCK_NAME "lock"

/* Where work directories go: the kickstart's, $TMPDIR or /var/tmp. */
static const char *
workdir_parent (const struct v2v_config *cfg)
{
  const char *parent = cfg->workdir;

  if (parent == NULL)
    parent = getenv ("TMPDIR");
  if (parent == NULL)
    parent = "/var/tmp";
  return parent;
}

/* The lock of a fresh work directory: "pid start-time", flock'ed before
 * it is renamed to its name, so that no other run sees it unlocked while
 * this one lives.  Returns the fd (kept open for the run's life) or -1.
 */
static int
lock_workdir (const char *dir)
{
  CLEANUP_FREE char *tmp = NULL, *path = NULL;
  char text[64];
  int fd = -1, n;

  if (asprintf (&tmp, "%s/" LOCK_NAME ".new", dir) == -1 ||
      asprintf (&path, "%s/" LOCK_NAME, dir) == -1) {
    v2v_error ("out of memory");
    return -1;
  }
  n = snprintf (text, sizeof text, "%ld %lld\n", (long) getpid (),
                (long long) time (NULL));
  fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
             0600);
  if (fd == -1 || flock (fd, LOCK_EX) == -1 ||
      write (fd, text, (size_t) n) != n || rename (tmp, path) == -1) {
    v2v_error ("cannot lock the work directory %s: %m", dir);
    if (fd >= 0)
      close (fd);
    return -1;
  }
  return fd;
}

/* "pid start-time" of a lock file. */
static void
read_lock (int fd, long *pid, long long *started)
{
  char buf[64], *end;
  ssize_t n = pread (fd, buf, sizeof buf - 1, 0);

  *pid = 0;
  *started = 0;
  buf[n > 0 ? n : 0] = '\0';
  errno = 0;
  *pid = strtol (buf, &end, 10);
  if (errno || end == buf || *end != ' ' || *pid < 0) {
    *pid = 0;
    return;
  }
  *started = strtoll (end + 1, NULL, 10);
}

/* dir (a name in parent_fd) if it is a work directory of ours that no
 * run holds: returns its lock's fd, locked, or -1 (not ours, not a work
 * directory, no lock file (an older agent's, or kept), held by a live
 * run, or another process's when pid > 0: *busy says which).
 */
static int
stale_lock (int parent_fd, const char *name, long want_pid, long *pid,
            long long *started, bool *busy)
{
  struct stat st, lst;
  int dfd, fd = -1;

  *busy = false;
  dfd = openat (parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                O_CLOEXEC);
  if (dfd == -1)
    return -1;
  if (fstat (dfd, &st) == -1 || st.st_uid != geteuid ())
    goto no;
  fd = openat (dfd, LOCK_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd == -1)
    goto no;
  read_lock (fd, pid, started);
  if (want_pid > 0 && *pid != want_pid)
    goto no;
  if (flock (fd, LOCK_EX | LOCK_NB) == -1) {
    *busy = true;
    goto no;
  }
  /* Still this directory's lock (a run that ended removes it before it
   * lets go of it)?
   */
  if (fstat (fd, &st) == -1 || st.st_nlink == 0 ||
      fstatat (dfd, LOCK_NAME, &lst, AT_SYMLINK_NOFOLLOW) == -1 ||
      st.st_ino != lst.st_ino || st.st_dev != lst.st_dev)
    goto no;
  close (dfd);
  return fd;

 no:
  if (fd >= 0)
    close (fd);
  close (dfd);
  return -1;
}

int
v2v_clean_workdirs (const struct v2v_config *cfg, long want_pid,
                    v2v_stale_fn fn, void *opaque)
{
  const char *parent = workdir_parent (cfg);
  int pfd, n = 0;
  bool held = false;
  struct dirent *e;
  DIR *d;

  pfd = open (parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (pfd == -1)
    return 0;
  d = fdopendir (pfd);
  if (d == NULL) {
    close (pfd);
    return 0;
  }
  while ((e = readdir (d)) != NULL) {
    CLEANUP_FREE char *path = NULL;
    long pid;
    long long started;
    bool busy;
    int fd;

    /* mkdtemp's names: v2vboot.XXXXXX */
    if (strncmp (e->d_name, "v2vboot.", 8) != 0 || strlen (e->d_name) != 14)
      continue;
    fd = stale_lock (pfd, e->d_name, want_pid, &pid, &started, &busy);
    held |= busy;
    if (fd == -1)
      continue;
    if (asprintf (&path, "%s/%s", parent, e->d_name) != -1 &&
        nftw (path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0) {
      n++;
      if (fn)
        fn (path, pid, started, opaque);
    }
    close (fd);
  }
  closedir (d);
  return want_pid > 0 && held ? -1 : n;
}

static void
say_stale (const char *dir, long pid, long long started, void *opaque)
{
  struct run *run = opaque;
  char when[32] = "?";
  time_t t = (time_t) started;
  struct tm tm;

  if (started > 0 && gmtime_r (&t, &tm))
    strftime (when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
  v2v_warning (run, "removed %s, the work directory of an earlier run "
               "(pid %ld, started %s) that did not end: it was killed "
               "(SIGKILL), crashed or the machine went down", dir, pid,
               when);
}

/* A fresh 0700 directory for overlays, sockets and the password copy,
 * locked for the run's life; first, the ones that dead runs left.
 * Overlays hold what the conversion reads: /var/tmp, not a small tmpfs.
 */
int
v2v_make_workdir (struct run *run)
{
  const char *parent = workdir_parent (run->cfg);

  v2v_clean_workdirs (run->cfg, 0, say_stale, run);
  if (asprintf (&run->workdir, "%s/v2vboot.XXXXXX", parent) == -1 ||
      mkdtemp (run->workdir) == NULL) {
    v2v_error ("cannot create a work directory in %s: %m", parent);
    free (run->workdir);
    run->workdir = NULL;
    return -1;
  }
  run->workdir_lock = lock_workdir (run->workdir);
  if (run->workdir_lock == -1) {
    nftw (run->workdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free (run->workdir);
    run->workdir = NULL;
    return -1;
  }
  v2v_debug ("work directory %s", run->workdir);
  return 0;
}

/* The end of the work directory: removed; or, with V2VBOOT_KEEP_WORKDIR
 * (for debugging), kept without its secrets and without its lock (so
 * that later runs leave it alone).
 */
static void
remove_workdir (struct run *run)
{
  CLEANUP_FREE char *lock = NULL;

  if (run->workdir == NULL)
    return;
  if (getenv ("V2VBOOT_KEEP_WORKDIR") == NULL)
    nftw (run->workdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  else {
    bool had_password = run->password_file &&
                        unlink (run->password_file) == 0;
    if (asprintf (&lock, "%s/" LOCK_NAME, run->workdir) != -1)
      unlink (lock);
    v2v_info (run, "kept the work directory %s (V2VBOOT_KEEP_WORKDIR)%s",
              run->workdir, had_password
              ? "; the password copy in it was removed" : "");
  }
  close (run->workdir_lock);
  run->workdir_lock = -1;
}

/* The password in memory and in a 0600 file; TLS trust or the SSH login. */
int
v2v_open_source (struct run *run)
{
  const struct v2v_source *src = &run->cfg->source;

  if (src->password_file || src->password) {
    run->password = src->password ? strdup (src->password)
                    : v2v_read_password_file (run, src->password_file);
    if (run->password == NULL)
      return -1;
    run->password_file = v2v_write_secret (run->workdir, "password",
                                           run->password);
    if (run->password_file == NULL)
      return -1;
  }
  return v2v_source_connect (run);
}

static int
stage_source (struct run *run)
{
  if (v2v_event_stage (run, "source", -1) == -1 || v2v_open_source (run) == -1)
    return -1;
  /* Before anything of the VM is read. */
  if (v2v_source_power_check (run, V2V_POWER_AT_START) == -1)
    return -1;
  if ((run->cfg->vm.vmx ? v2v_vm_from_vmx (run)
       : v2v_vm_from_config (run)) == -1)
    return -1;
  if (v2v_source_probe (run) == -1)
    return -1;
  v2v_source_close (run);
  /* The names of what we will write are known now: check them early. */
  v2v_set_stage ("destination");
  return v2v_dest_check_names (run);
}

static int
stage_overlay (struct run *run)
{
  size_t i;

  if (v2v_event_stage (run, "overlay", -1) == -1 ||
      v2v_source_power_check (run, V2V_POWER_BEFORE_OVERLAY) == -1)
    return -1;
  for (i = 0; i < run->nr_disks; ++i) {
    if (v2v_nbdkit_start (run, &run->disks[i], i) == -1 ||
        v2v_overlay_create (run, &run->disks[i], i) == -1)
      return -1;
  }
  return 0;
}

static int
stage_inspect (struct run *run)
{
  if (v2v_event_stage (run, "inspect", -1) == -1 ||
      v2v_virtio_win_prepare (run) == -1)
    return -1;
  if (v2v_guest_launch (run) == -1 || v2v_guest_inspect (run) == -1)
    return -1;
  /* Before the slow conversion: the used data of the guest must fit. */
  v2v_set_stage ("destination");
  return v2v_dest_space (run, run->guest.used_bytes * 9 / 10,
                          "at least 90% of the guest's used filesystem "
                          "space, checked again exactly before the copy");
}

static int
stage_size_check (struct run *run, uint64_t *total)
{
  size_t i;

  if (v2v_event_stage (run, "size-check", -1) == -1)
    return -1;
  *total = 0;
  for (i = 0; i < run->nr_disks; ++i) {
    if (v2v_measure (run, &run->disks[i]) == -1)
      return -1;
    *total += run->disks[i].required;
    v2v_info (run, "disk %zu: %" PRIu64 " MiB of data to copy (of %" PRIu64
              " MiB)", i, run->disks[i].data_bytes >> 20,
              run->disks[i].size >> 20);
  }
  return v2v_dest_space (run, *total, "exact size of the converted disks");
}

void
v2v_run_cleanup (struct run *run, bool failed)
{
  size_t i;

  if (run->g) {
    v2v_untrack_child (guestfs_get_pid (run->g));  /* libguestfs reaps it */
    guestfs_close (run->g);
    run->g = NULL;
  }
  v2v_source_close (run);
  for (i = 0; i < run->nr_disks; ++i)
    v2v_nbdkit_stop (&run->disks[i]);
  if (failed)
    v2v_dest_abort (run);
  v2v_dest_close (run);
  remove_workdir (run);
  for (i = 0; i < run->nr_disks; ++i) {
    struct disk_state *d = &run->disks[i];
    free (d->path); free (d->url); free (d->remote_path); free (d->socket); free (d->overlay);
    free (d->out_path); free (d->out_tmp); free (d->volume);
    free (d->unused.ranges);
  }
  free (run->disks);
  for (i = 0; i < run->nr_nics; ++i)
    free (run->nics[i].mac);
  free (run->nics);
  v2v_free_password (run->password);
  free (run->password_file);
  free (run->cainfo);
  free (run->workdir);
  free (run->dest_dir);
  free (run->xml_path);
  free (run->dest_text);
  free (run->next_text);
  free (run->name);
  free (run->guest.root); free (run->guest.type); free (run->guest.distro);
  free (run->guest.product); free (run->guest.arch);
  v2v_cleanup_free_strv (&run->guest.mountpoints);
  v2v_windows_free (&run->win);
}

int
v2v_run (const struct v2v_config *cfg, enum v2v_mode mode,
         v2v_progress_fn progress, void *opaque)
{
  struct run run = { .cfg = cfg, .progress = progress, .opaque = opaque,
                     .block_driver = cfg->options.block_driver };
  uint64_t total = 0;
  size_t i;
  double start = v2v_now ();
  CLEANUP_FREE char *summary = NULL;

  v2v_clear_error ();
  v2v_verbose = cfg->verbose;
  v2v_set_stage ("config");
  if ((cfg->nr_disks == 0 && cfg->vm.vmx == NULL) ||
      (cfg->vm.name == NULL && cfg->vm.vmx == NULL)) {
    v2v_error ("no disk or no name: give vm --vmx, or vm --name and disk "
               "commands");
    goto fail;
  }

  if (v2v_event_stage (&run, "destination", -1) == -1 ||
      v2v_make_workdir (&run) == -1 || v2v_dest_check (&run) == -1)
    goto fail;
  if (stage_source (&run) == -1 || stage_overlay (&run) == -1 ||
      stage_inspect (&run) == -1)
    goto fail;
  if (v2v_event_stage (&run, "convert", -1) == -1)
    goto fail;
  /* For the negative test of --verify-boot only: a VM left as VMware had
   * it, which must not verify as booted.
   */
  if (getenv ("V2VBOOT_TEST_SKIP_CONVERT"))
    v2v_warning (&run, "the conversion is skipped (V2VBOOT_TEST_SKIP_CONVERT, "
                 "for tests): this VM will not boot on virtio");
  else if ((strcmp (run.guest.type, "windows") == 0
            ? v2v_convert_windows (&run) : v2v_convert_linux (&run)) == -1)
    goto fail;
  if (v2v_event_stage (&run, "fstrim", -1) == -1 ||
      v2v_guest_trim (&run) == -1)
    goto fail;
  if (stage_size_check (&run, &total) == -1)
    goto fail;

  if (mode == V2V_MODE_CHECK) {
    if (asprintf (&summary, "all checks passed: %s would be written to %s "
                  "(%" PRIu64 " MiB)%s", run.name, v2v_dest_describe (&run),
                  total >> 20, cfg->options.verify_boot
                  ? ", then booted once, isolated, to verify it boots"
                  : "") == -1)
      summary = NULL;
    v2v_event_done (&run, true, summary);
    v2v_run_cleanup (&run, false);
    return 0;
  }

  if (v2v_copy_disks (&run) == -1)
    goto fail;
  if (v2v_event_stage (&run, "define", -1) == -1 ||
      v2v_source_power_check (&run, V2V_POWER_AFTER_COPY) == -1 ||
      v2v_dest_finish (&run) == -1)
    goto fail;
  for (i = 0, total = 0; i < run.nr_disks; ++i)
    total += run.disks[i].written;
  /* From here the converted VM stays, whatever happens. */
  if (cfg->options.verify_boot &&
      (v2v_event_stage (&run, "verify", -1) == -1 ||
       v2v_verify_boot (&run) == -1))
    goto failed_verify;
  if (asprintf (&summary, "converted %s into %s in %.0f s (%.1f MiB of "
                "data written); %s%s%s", run.name, v2v_dest_describe (&run),
                v2v_now () - start, total / 1048576.0,
                v2v_dest_next_step (&run),
                run.verify_text ? "; verify: " : "",
                run.verify_text ? run.verify_text : "") == -1)
    summary = NULL;
  v2v_event_done (&run, true, summary);
  v2v_run_cleanup (&run, false);
  free (run.verify_text);
  free (run.screenshot);
  return 0;

 failed_verify:
  v2v_dest_describe (&run);
  v2v_event_error (&run);
  v2v_run_cleanup (&run, false);
  v2v_event_done (&run, false, v2v_last_error ());
  free (run.verify_text);
  free (run.screenshot);
  return -1;

 fail:
  if (v2v_cancelled ()) {
    v2v_set_stage ("cancel");
    v2v_error ("the run was cancelled (%s); nothing of it is left in the "
               "destination", v2v_last_error () ? v2v_last_error () : "");
  }
  v2v_event_error (&run);
  v2v_run_cleanup (&run, true);
  v2v_event_done (&run, false, v2v_last_error ());
  return -1;
}
