/* What an output's clean-up could not remove, said by name (for every
 * output: output_local.c, output_libvirt.c).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A clean-up step could not remove what this run created: say what is
 * left, by name, whatever the verbosity.  An error event of its own (stage
 * "cleanup"), and added to the run's error, so that the final message, the
 * done event and the batch summary name it too.  left: what is left and
 * how to remove it; why: the reason.
 */
void
v2v_cleanup_failed (struct run *run, const char *left, const char *why)
{
  const char *stage = v2v_stage ();
  CLEANUP_FREE char *saved = v2v_last_error () ? strdup (v2v_last_error ())
    : NULL;
  size_t n = strlen (stage);

  v2v_set_stage ("cleanup");
  v2v_error ("left behind: %s: %s", left, why);
  v2v_event_error (run);
  v2v_set_stage (stage);
  if (saved == NULL)
    v2v_error ("left behind: %s: %s", left, why);
  else
    v2v_error ("%s; left behind: %s: %s",
               strncmp (saved, stage, n) == 0 && strncmp (saved + n, ": ", 2)
               == 0 ? saved + n + 2 : saved, left, why);
}
