/* For front ends that ask step by step (the wizard): is the source
 * reachable, trusted and the login right?  Answers in seconds and fails
 * with an error that says what to fix, and its kind
 * (v2v_last_error_kind: trust-cert with the fingerprint, trust-host-key
 * with the host key, auth, unreachable...), so that the wizard can act
 * on it on the screen that asked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int
v2v_check_source (const struct v2v_config *cfg)
{
  struct run run;
  const struct v2v_source_ops *ops = v2v_source_ops_for (cfg->source.type);
  int r = -1;

  if (v2v_quick_look_begin (&run, cfg, "source") == 0 && v2v_open_source (&run) == 0)
    r = ops->check_login (&run, v2v_source_datacenter (cfg));
  v2v_run_cleanup (&run, false);
  return r;
}
