/* For front ends that ask step by step (the wizard, "list destination"):
 * which pools and networks does the destination offer?  Answers in
 * seconds and fails with an error that says what to fix.  The output
 * answers through its list op (output_libvirt.c lists the pools and
 * networks; output_local.c checks the directory).
 */
#include "internal.h"

int
v2v_list_destination (const struct v2v_config *cfg, v2v_found_target_fn fn,
                      void *opaque)
{
  struct run run;
  int r = -1;

  if (v2v_quick_look_begin (&run, cfg, "destination") == 0)
    r = v2v_dest_list (&run, fn, opaque);
  v2v_run_cleanup (&run, false);
  return r;
}
