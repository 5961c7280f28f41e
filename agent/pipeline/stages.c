/* The stages of a run, in order: the one list the engine's events, the
 * wizard's progress screen and the docs name.
 */
#include <stddef.h>

#include "internal.h"

const struct v2v_stage_info v2v_stages[] = {
  { "destination", "check the destination" },
  { "source", "check the source, read the VM" },
  { "overlay", "overlay the remote disks" },
  { "inspect", "inspect the guest" },
  { "convert", "convert the guest" },
  { "fstrim", "trim the filesystems" },
  { "size-check", "check the size" },
  { "copy", "copy the disks" },
  { "define", "define the VM" },
  { "verify", "boot the VM once, isolated (--verify-boot)" },
  { NULL, NULL },
};
