/* The start of every quick look a front end asks for step by step
 * (v2v_check_source, v2v_list_vms, v2v_list_destination): a run with a
 * work directory and no VM, the last error cleared, in the given stage.
 * v2v_run_cleanup ends it.
 */
#include <string.h>

#include "internal.h"

int
v2v_quick_look_begin (struct run *run, const struct v2v_config *cfg,
                      const char *stage)
{
  memset (run, 0, sizeof *run);
  run->cfg = cfg;
  v2v_clear_error ();
  v2v_verbose = cfg->verbose;
  v2v_set_stage (stage);
  return v2v_make_workdir (run);
}
