/* Launch the libguestfs appliance on the overlays (and the virtio-win
 * ISO, when there is one).
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <guestfs.h>

#include "internal.h"

/* Whether qemu will get KVM: libguestfs's direct backend uses it when
 * /dev/kvm opens and force_tcg is not set.
 */
static bool
appliance_uses_kvm (guestfs_h *g)
{
  CLEANUP_FREE char *tcg = guestfs_get_backend_setting (g, "force_tcg");

  if (tcg != NULL)
    return false;
  return v2v_kvm_opens ();
}

/* Two vCPUs (the initramfs rebuilds and grub-mkconfig run side by
 * side), but no more than this machine has.
 */
static int
appliance_cpus (void)
{
  long n = sysconf (_SC_NPROCESSORS_ONLN);

  return n >= 2 ? 2 : 1;
}

int
v2v_guest_launch (struct run *run)
{
  guestfs_h *g;
  size_t i;

  g = guestfs_create ();
  if (g == NULL) {
    v2v_error ("cannot create a libguestfs handle");
    return -1;
  }
  run->g = g;
  guestfs_set_error_handler (g, NULL, NULL);
  /* Direct backend: qemu runs as us and can reach nbdkit's socket. */
  if (guestfs_set_backend (g, "direct") == -1 ||
      guestfs_set_memsize (g, 1536) == -1 ||
      guestfs_set_smp (g, appliance_cpus ()) == -1)
    return v2v_guestfs_error (g, "configure libguestfs");
  if (v2v_verbose)
    guestfs_set_verbose (g, getenv ("V2VBOOT_GUESTFS_DEBUG") != NULL);
  for (i = 0; i < run->nr_disks; ++i) {
    if (guestfs_add_drive_opts (g, run->disks[i].overlay,
                                GUESTFS_ADD_DRIVE_OPTS_FORMAT, "qcow2",
                                GUESTFS_ADD_DRIVE_OPTS_COPYONREAD, 1,
                                GUESTFS_ADD_DRIVE_OPTS_DISCARD, "besteffort",
                                -1) == -1)
      return v2v_guestfs_error (g, "add disk");
  }
  /* A virtio-win ISO: the last disk, mounted when the drivers are copied. */
  if (run->win.virtio_win && !run->win.virtio_win_is_dir &&
      guestfs_add_drive_opts (g, run->win.virtio_win,
                              GUESTFS_ADD_DRIVE_OPTS_FORMAT, "raw",
                              GUESTFS_ADD_DRIVE_OPTS_READONLY, 1, -1) == -1)
    return v2v_guestfs_error (g, "add the virtio-win ISO");
  if (appliance_uses_kvm (g))
    v2v_info (run, "starting the conversion appliance (KVM)");
  else
    v2v_info (run, "starting the conversion appliance under software "
              "emulation, no usable KVM: about 20 s, and the conversion "
              "several times slower");
  if (guestfs_launch (g) == -1)
    return v2v_guestfs_error (g, "launch the libguestfs appliance");
  if (guestfs_get_pid (g) > 0)
    v2v_track_child (guestfs_get_pid (g));
  if (run->win.virtio_win && !run->win.virtio_win_is_dir) {
    CLEANUP_FREE_STRV char **devs = guestfs_list_devices (g);
    size_t n = 0;

    while (devs && devs[n])
      n++;
    if (n != run->nr_disks + 1)
      return v2v_guestfs_error (g, "find the virtio-win ISO");
    run->win.iso_device = strdup (devs[run->nr_disks]);
    if (run->win.iso_device == NULL)
      return v2v_oom ();
  }
  return 0;
}
