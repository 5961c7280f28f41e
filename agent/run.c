/* v2v_run: the pipeline.  Every stage reports its own error; the big copy
 * comes last, after every check, so a failure before it costs seconds and
 * writes nothing to the destination.
 *
 *   destination -> source -> overlay -> inspect -> convert -> fstrim
 *     -> size-check -> [check mode stops here] -> copy -> define
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* A fresh 0700 directory for overlays, sockets and the password copy.
 * Overlays hold what the conversion reads: /var/tmp, not a small tmpfs.
 */
int
v2v_make_workdir (struct run *run)
{
  const char *parent = run->cfg->workdir;

  if (parent == NULL)
    parent = getenv ("TMPDIR");
  if (parent == NULL)
    parent = "/var/tmp";
  if (asprintf (&run->workdir, "%s/v2vboot.XXXXXX", parent) == -1 ||
      mkdtemp (run->workdir) == NULL) {
    v2v_error ("cannot create a work directory in %s: %m", parent);
    free (run->workdir);
    run->workdir = NULL;
    return -1;
  }
  v2v_debug ("work directory %s", run->workdir);
  return 0;
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
  return src->type == V2V_SOURCE_SSH ? v2v_ssh_connect (run)
    : v2v_https_trust (run);
}

static int
stage_source (struct run *run)
{
  const struct v2v_source *src = &run->cfg->source;

  if (v2v_event_stage (run, "source", -1) == -1 || v2v_open_source (run) == -1)
    return -1;
  if ((run->cfg->vm.vmx ? v2v_vm_from_vmx (run)
       : v2v_vm_from_config (run)) == -1)
    return -1;
  if ((src->type == V2V_SOURCE_SSH ? v2v_ssh_probe (run)
       : v2v_https_probe (run)) == -1)
    return -1;
  v2v_ssh_close (run);
  /* The names of what we will write are known now: check them early. */
  v2v_set_stage ("destination");
  return v2v_dest_check_names (run);
}

static int
stage_overlay (struct run *run)
{
  size_t i;

  if (v2v_event_stage (run, "overlay", -1) == -1)
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
  v2v_ssh_close (run);
  for (i = 0; i < run->nr_disks; ++i)
    v2v_nbdkit_stop (&run->disks[i]);
  if (failed)
    v2v_dest_abort (run);
  v2v_dest_close (run);
  if (run->workdir && getenv ("V2VBOOT_KEEP_WORKDIR") == NULL)
    nftw (run->workdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
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
  if (v2v_event_stage (&run, "convert", -1) == -1 ||
      (strcmp (run.guest.type, "windows") == 0 ? v2v_convert_windows (&run)
       : v2v_convert_linux (&run)) == -1)
    goto fail;
  if (v2v_event_stage (&run, "fstrim", -1) == -1 ||
      v2v_guest_trim (&run) == -1)
    goto fail;
  if (stage_size_check (&run, &total) == -1)
    goto fail;

  if (mode == V2V_MODE_CHECK) {
    if (asprintf (&summary, "all checks passed: %s would be written to %s "
                  "(%" PRIu64 " MiB)", run.name, v2v_dest_describe (&run),
                  total >> 20) == -1)
      summary = NULL;
    v2v_event_done (&run, true, summary);
    v2v_run_cleanup (&run, false);
    return 0;
  }

  for (i = 0; i < run.nr_disks; ++i) {
    if (v2v_event_stage (&run, "copy", (int) i) == -1 ||
        v2v_dest_copy (&run, &run.disks[i], (int) i) == -1)
      goto fail;
  }
  if (v2v_event_stage (&run, "define", -1) == -1 ||
      v2v_dest_finish (&run) == -1)
    goto fail;
  if (asprintf (&summary, "converted %s into %s in %.0f s (%" PRIu64
                " MiB written); %s", run.name, v2v_dest_describe (&run),
                v2v_now () - start, total >> 20,
                v2v_dest_next_step (&run)) == -1)
    summary = NULL;
  v2v_event_done (&run, true, summary);
  v2v_run_cleanup (&run, false);
  return 0;

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
