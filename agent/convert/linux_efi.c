/* UEFI Linux guests boot with a new domain's empty variables: the
 * distro's loader copied to the removable path \EFI\BOOT\BOOTX64.EFI
 * (docs/linux.md, "UEFI guests"; the plan is in linux_plan.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guestfs.h>

#include "internal.h"

/* Where the guest mounts its ESP (the directory holding EFI/), or NULL. */
static const char *
esp_mountpoint (guestfs_h *g)
{
  static const char *const mps[] = { "/boot/efi", "/efi", "/boot", NULL };
  size_t i;

  for (i = 0; mps[i]; ++i) {
    CLEANUP_FREE char *efi = NULL;
    if (v2v_asprintf (&efi, "%s/EFI", mps[i]) == -1)
      return NULL;
    if (guestfs_is_dir (g, efi) > 0)
      return mps[i];
  }
  return NULL;
}

/* A UEFI guest must boot from the removable path \EFI\BOOT\BOOTX64.EFI:
 * a new KVM domain's variables are empty, and the boot entry that named
 * \EFI\<distro>\ stayed in VMware's NVRAM.  Copy the distro's loader
 * there (linux_plan.c decides which files), leaving \EFI\<distro>\ as
 * it is, so the guest still boots on VMware.
 */
int
v2v_linux_efi_fallback (struct run *run)
{
  guestfs_h *g = run->g;
  const char *esp = esp_mountpoint (g);
  CLEANUP_FREE_STRV char **files = NULL, **copies = NULL;
  size_t i;

  if (esp == NULL) {
    v2v_error ("UEFI guest, but no EFI System Partition mounted at "
               "/boot/efi, /efi or /boot: it would not boot");
    return -1;
  }
  files = guestfs_find (g, esp);
  if (files == NULL)
    return v2v_guestfs_error (g, esp);
  for (i = 0; files[i]; ++i)    /* libguestfs 1.48 says "/EFI/debian" */
    memmove (files[i], files[i] + strspn (files[i], "/"),
             strlen (files[i] + strspn (files[i], "/")) + 1);
  switch (v2v_efi_fallback_plan (files, run->guest.distro, &copies)) {
  case V2V_EFI_HAS_FALLBACK:
    v2v_info (run, "%s/EFI/BOOT/BOOTX64.EFI is there: the guest boots with "
              "empty UEFI variables", esp);
    return 0;
  case V2V_EFI_NO_LOADER:
    v2v_error ("UEFI guest with neither EFI/BOOT/BOOTX64.EFI nor a shim or "
               "grub loader under %s/EFI: it would not boot on KVM", esp);
    return -1;
  case V2V_EFI_OOM:
    v2v_error ("out of memory");
    return -1;
  case V2V_EFI_COPY:
    break;
  }
  for (i = 0; copies[i] && copies[i + 1]; i += 2) {
    CLEANUP_FREE char *from = NULL, *to = NULL, *dir = NULL;

    if (asprintf (&from, "%s/%s", esp, copies[i]) == -1 ||
        asprintf (&to, "%s/%s", esp, copies[i + 1]) == -1 ||
        asprintf (&dir, "%s/EFI/BOOT", esp) == -1) {
      v2v_error ("out of memory");
      return -1;
    }
    if (guestfs_mkdir_p (g, dir) == -1)
      return v2v_guestfs_error (g, dir);
    if (guestfs_cp (g, from, to) == -1)
      return v2v_guestfs_error (g, to);
    v2v_info (run, "UEFI: %s copied to %s (the path a new KVM domain's "
              "firmware boots)", from, to);
  }
  /* Debian and Ubuntu: grub's package updates refresh the copy too. */
  if (v2v_guest_exists (g, "/usr/bin/debconf-set-selections") &&
      v2v_guest_exists (g, "/usr/share/doc/grub-efi-amd64")) {
    char *argv[] = { (char *) "/bin/sh", (char *) "-c",
                     (char *) "echo 'grub-efi-amd64 "
                     "grub2/force_efi_extra_removable boolean true' | "
                     "debconf-set-selections", NULL };
    if (v2v_guest_command (run, argv) == -1) {
      v2v_warning (run, "grub updates will not refresh "
                   "EFI/BOOT/BOOTX64.EFI: %s", v2v_last_error ());
      v2v_clear_error ();
    }
    else
      v2v_info (run, "grub-efi-amd64 updates keep EFI/BOOT/BOOTX64.EFI "
                "current (grub2/force_efi_extra_removable)");
  }
  return 0;
}
