/* libFuzzer target: what an ESXi host's vim-cmd prints (agent/source/
 * vimcmd.c), as the SSH source reads it: `vmsvc/getallvms` for the VM id
 * of a .vmx, `vmsvc/power.getstate` for its state.  An id given out is in
 * range, and only with exactly one match; a state only with exactly one
 * state line.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *text = (const char *) data;
  enum v2v_power st;
  long id;
  int n;

  n = v2v_vimcmd_vmid (text, size, "[datastore1] web01/web01.vmx", &id);
  if (n < 0 || (n == 1) != (id > 0) || id < 0 || id > 999999999)
    abort ();
  n = v2v_vimcmd_vmid (text, size, "", &id);
  if (n != 0)
    abort ();
  if (v2v_vimcmd_power (text, size, &st) == -1 ? st != V2V_POWER_UNKNOWN
      : st == V2V_POWER_UNKNOWN)
    abort ();
  return 0;
}
