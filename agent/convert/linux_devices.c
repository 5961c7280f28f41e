/* What the converted Linux guest can use of the domain's optional
 * devices: the qemu guest agent (its channel is added when qemu-ga is
 * installed) and a virtio RNG (added when every boot kernel has
 * virtio-rng, as a module or built in).
 */
#include <stdio.h>
#include <stdlib.h>

#include <guestfs.h>

#include "internal.h"

/* Kernel kver has a module matching pattern (a grep regex on modules.dep
 * or modules.builtin), e.g. "/virtio_blk\\.ko".
 */
bool
v2v_kernel_has_module (guestfs_h *g, const char *kver, const char *pattern)
{
  static const char *const files[] = { "modules.dep", "modules.builtin",
                                        NULL };
  size_t i;

  for (i = 0; files[i]; ++i) {
    CLEANUP_FREE char *path = NULL;
    CLEANUP_FREE_STRV char **lines = NULL;
    if (v2v_asprintf (&path, "/lib/modules/%s/%s", kver, files[i]) == -1)
      return false;
    if (!v2v_guest_exists (g, path))
      continue;
    lines = guestfs_grep (g, pattern, path);
    if (lines && lines[0])
      return true;
  }
  return false;
}

void
v2v_linux_devices (struct run *run, char **kernels)
{
  static const char *const agents[] = { "/usr/bin/qemu-ga", "/usr/sbin/qemu-ga",
                                         "/usr/libexec/qemu-ga", NULL };
  size_t i;

  run->guest_agent = false;
  for (i = 0; agents[i]; ++i)
    if (v2v_guest_exists (run->g, agents[i]))
      run->guest_agent = true;
  run->guest_rng = kernels && kernels[0];
  for (i = 0; kernels && kernels[i]; ++i)
    if (!v2v_kernel_has_module (run->g, kernels[i], "/virtio-rng\\.ko"))
      run->guest_rng = false;
  v2v_info (run, "qemu guest agent: %s; virtio RNG driver: %s",
            run->guest_agent ? "installed" : "not installed",
            run->guest_rng ? "yes" : "no");
}
