/* For front ends that ask step by step (the wizard, "list destination"):
 * which pools and networks does the destination offer?  Answers in
 * seconds and fails with an error that says what to fix.  (Moved as it
 * was from agent/source/browse.c.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "internal.h"

/* A quick look: a run with a work directory, no VM. */
static int
begin (struct run *run, const struct v2v_config *cfg)
{
  memset (run, 0, sizeof *run);
  run->cfg = cfg;
  v2v_clear_error ();
  v2v_verbose = cfg->verbose;
  v2v_set_stage ("source");
  return v2v_make_workdir (run);
}

int
v2v_list_destination (const struct v2v_config *cfg, v2v_found_target_fn fn,
                      void *opaque)
{
  struct run run;
  virStoragePoolPtr *pools = NULL;
  virNetworkPtr *nets = NULL;
  int n, i, r = -1;

  if (begin (&run, cfg) == -1)
    goto out;
  v2v_set_stage ("destination");
  if (cfg->dest.type != V2V_DEST_LIBVIRT) {
    r = v2v_dest_check (&run);
    goto out;
  }
  if (v2v_libvirt_connect (&run) == -1)
    goto out;
  n = virConnectListAllStoragePools (run.conn, &pools, 0);
  for (i = 0; i < n; ++i) {
    virStoragePoolInfo info = { 0 };
    struct v2v_found_target t = { .kind = "pool",
                                  .name = virStoragePoolGetName (pools[i]) };
    t.active = virStoragePoolIsActive (pools[i]) == 1;
    if (t.active && virStoragePoolGetInfo (pools[i], &info) == 0)
      t.available = info.available;
    fn (&t, opaque);
    virStoragePoolFree (pools[i]);
  }
  free (pools);
  n = n < 0 ? n : virConnectListAllNetworks (run.conn, &nets, 0);
  for (i = 0; i < n; ++i) {
    struct v2v_found_target t = { .kind = "network",
                                  .name = virNetworkGetName (nets[i]) };
    t.active = virNetworkIsActive (nets[i]) == 1;
    fn (&t, opaque);
    virNetworkFree (nets[i]);
  }
  free (nets);
  if (n < 0)
    v2v_error ("cannot list the pools and networks of %s: %s", cfg->dest.uri,
               virGetLastErrorMessage ());
  else
    r = 0;
 out:
  v2v_run_cleanup (&run, false);
  return r;
}
