/* The directory destination's test boot: on this host, with qemu
 * (verify_qemu.c, verify_watch.c), KVM where it works, UEFI with a fresh
 * copy of the firmware's variables, the converted disks behind qcow2
 * overlays in the work directory that go when the boot ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"

int
v2v_verify_local (struct run *run, const struct v2v_domain *dom,
                  unsigned timeout, const char *shot,
                  struct v2v_verify_signs *signs)
{
  CLEANUP_FREE char *code = NULL, *vars = NULL;
  struct v2v_verify_vm vm = { .dom = dom, .workdir = run->workdir };
  int r = -1;

  vm.kvm = signs->kvm = v2v_verify_use_kvm ();
  if (dom->firmware == V2V_FW_UEFI && v2v_verify_uefi (run, &code, &vars) == -1)
    return -1;
  vm.code = code;
  vm.vars = vars;
  vm.overlays = v2v_verify_overlays (run);
  if (vm.overlays != NULL)
    r = v2v_verify_watch (run, &vm, timeout, shot, signs);
  v2v_verify_remove_overlays (vm.overlays);
  if (vars)
    unlink (vars);
  return r;
}
