/* Convert a Windows guest for KVM, inside the overlay:
 *
 *   1. the virtio drivers that fit its version into
 *      %SystemRoot%\Drivers\VirtIO, the boot storage driver into
 *      System32\drivers (virtio_win.c); with no virtio-win, SATA and
 *      e1000e, which Windows drives itself, and a warning;
 *   2. SYSTEM hive: the boot driver's service starts at boot, and its
 *      PCI IDs are bound to it in the CriticalDeviceDatabase (Windows 7,
 *      2008 R2) or the DriverDatabase (Windows 8 and later); new disks
 *      come online (SAN policy); the first-boot service;
 *   3. SOFTWARE hive: the driver directory joins DevicePath, so Plug and
 *      Play finds the other drivers by itself;
 *   4. \v2vboot\firstboot.ps1: pnputil, the guest agent, VMware Tools
 *      out, offline disks online, static IPs back (windows_plan.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guestfs.h>

#include "internal.h"

#define SCSI_CLASS_GUID "{4D36E97B-E325-11CE-BFC1-08002BE10318}"
#define FIRSTBOOT_SERVICE "v2vboot-firstboot"
#define DRIVER_SUBDIR "Drivers\\VirtIO"

/* Legacy and modern (virtio 1.0) PCI IDs of the storage controllers. */
static const char *const viostor_ids[] = {
  "VEN_1AF4&DEV_1001&SUBSYS_00021AF4&REV_00",
  "VEN_1AF4&DEV_1042&SUBSYS_11001AF4&REV_01", NULL
};
static const char *const vioscsi_ids[] = {
  "VEN_1AF4&DEV_1004&SUBSYS_00081AF4&REV_00",
  "VEN_1AF4&DEV_1048&SUBSYS_11001AF4&REV_01", NULL
};

/* Windows 7 / 2008 R2: the CriticalDeviceDatabase binds a PCI ID to a
 * service before Plug and Play has run.
 */
static int
bind_cdd (struct run *run, int64_t ccs, const char *drv, const char *id)
{
  CLEANUP_FREE char *path = NULL;
  int64_t n;

  if (v2v_asprintf (&path, "Control\\CriticalDeviceDatabase\\PCI#%s", id) == -1)
    return -1;
  n = v2v_reg_path (run, ccs, path, true);
  if (n <= 0 ||
      v2v_reg_set_string (run, n, "Service", 1, drv) == -1 ||
      v2v_reg_set_string (run, n, "ClassGUID", 1, SCSI_CLASS_GUID) == -1)
    return -1;
  return 0;
}

/* Windows 8 and later: the DriverDatabase holds the same binding as a
 * driver package with one configuration.
 */
static int
bind_ddb (struct run *run, int64_t root, const char *drv, const char *id)
{
  /* DriverPackages\...\Version: flags, then the class GUID (SCSIAdapter,
   * little-endian), then zeros; Windows 10's Kernel-PnP reads it.
   */
  static const unsigned char version[48] = {
    0x00, 0xff, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x7b, 0xe9, 0x36, 0x4d, 0x25, 0xe3, 0xce, 0x11,
    0xbf, 0xc1, 0x08, 0x00, 0x2b, 0xe1, 0x03, 0x18,
  };
  static const unsigned char rank[4] = { 0x01, 0xff, 0x00, 0x00 };
  CLEANUP_FREE char *inf = NULL, *pkg = NULL, *conf = NULL, *p = NULL;
  const char *pkg_list[2] = { NULL, NULL }, *conf_list[2] = { NULL, NULL };
  int64_t n;

  if (v2v_asprintf (&inf, "%s.inf", drv) == -1 ||
      v2v_asprintf (&pkg, "%s.inf_v2vboot", drv) == -1 ||
      v2v_asprintf (&conf, "%s_conf", drv) == -1)
    return -1;
  pkg_list[0] = pkg;
  conf_list[0] = conf;

  if (v2v_asprintf (&p, "DriverDatabase\\DriverInfFiles\\%s", inf) == -1 ||
      (n = v2v_reg_path (run, root, p, true)) <= 0 ||
      v2v_reg_set_multi (run, n, "", pkg_list) == -1 ||
      v2v_reg_set_string (run, n, "Active", 1, pkg) == -1 ||
      v2v_reg_set_multi (run, n, "Configurations", conf_list) == -1)
    return -1;
  free (p); p = NULL;
  if (v2v_asprintf (&p, "DriverDatabase\\DeviceIds\\PCI\\%s", id) == -1 ||
      (n = v2v_reg_path (run, root, p, true)) <= 0 ||
      v2v_reg_set_binary (run, n, inf, rank, sizeof rank) == -1)
    return -1;
  free (p); p = NULL;
  if (v2v_asprintf (&p, "DriverDatabase\\DriverPackages\\%s", pkg) == -1 ||
      (n = v2v_reg_path (run, root, p, true)) <= 0 ||
      v2v_reg_set_binary (run, n, "Version", version, sizeof version) == -1)
    return -1;
  free (p); p = NULL;
  if (v2v_asprintf (&p, "DriverDatabase\\DriverPackages\\%s\\Configurations\\%s",
                pkg, conf) == -1 ||
      (n = v2v_reg_path (run, root, p, true)) <= 0 ||
      v2v_reg_set_dword (run, n, "ConfigFlags", 0) == -1 ||
      v2v_reg_set_string (run, n, "Service", 1, drv) == -1)
    return -1;
  free (p); p = NULL;
  if (v2v_asprintf (&p, "DriverDatabase\\DriverPackages\\%s\\Descriptors\\PCI\\%s",
                pkg, id) == -1 ||
      (n = v2v_reg_path (run, root, p, true)) <= 0 ||
      v2v_reg_set_string (run, n, "Configuration", 1, conf) == -1)
    return -1;
  return 0;
}

/* The boot storage driver: a boot-start service and its PCI IDs. */
static int
add_boot_driver (struct run *run, int64_t root, int64_t ccs, const char *drv)
{
  const char *const *ids = strcmp (drv, "vioscsi") == 0 ? vioscsi_ids
    : viostor_ids;
  CLEANUP_FREE char *svc = NULL, *image = NULL;
  int64_t n;
  size_t i;

  if (v2v_asprintf (&svc, "Services\\%s", drv) == -1 ||
      v2v_asprintf (&image, "system32\\drivers\\%s.sys", drv) == -1)
    return -1;
  n = v2v_reg_path (run, ccs, svc, true);
  if (n <= 0 ||
      v2v_reg_set_dword (run, n, "Type", 1) == -1 ||
      v2v_reg_set_dword (run, n, "Start", 0) == -1 ||
      v2v_reg_set_dword (run, n, "ErrorControl", 1) == -1 ||
      v2v_reg_set_string (run, n, "Group", 1, "SCSI miniport") == -1 ||
      v2v_reg_set_string (run, n, "ImagePath", 2, image) == -1)
    return -1;
  for (i = 0; ids[i]; ++i)
    if ((run->win.driver_db ? bind_ddb (run, root, drv, ids[i])
         : bind_cdd (run, ccs, drv, ids[i])) == -1)
      return -1;
  return 0;
}

/* A service that starts the first-boot script once.  Windows has no
 * service host for scripts: cmd.exe starts PowerShell detached and
 * exits, so the Service Control Manager logs one failed start (event
 * 7000 or 7009) while the script runs on; the script deletes the
 * service when done.
 */
static int
add_firstboot_service (struct run *run, int64_t ccs)
{
  int64_t n = v2v_reg_path (run, ccs, "Services\\" FIRSTBOOT_SERVICE, true);

  if (n <= 0 ||
      v2v_reg_set_dword (run, n, "Type", 0x10) == -1 ||
      v2v_reg_set_dword (run, n, "Start", 2) == -1 ||
      v2v_reg_set_dword (run, n, "ErrorControl", 1) == -1 ||
      v2v_reg_set_string (run, n, "ImagePath", 2,
                          "%SystemRoot%\\System32\\cmd.exe /c start "
                          "\"v2vboot\" /b %SystemRoot%\\System32\\"
                          "WindowsPowerShell\\v1.0\\powershell.exe "
                          "-NoProfile -ExecutionPolicy Bypass -File "
                          "%SystemDrive%\\v2vboot\\firstboot.ps1") == -1 ||
      v2v_reg_set_string (run, n, "ObjectName", 1, "LocalSystem") == -1 ||
      v2v_reg_set_string (run, n, "DisplayName", 1,
                          "v2vboot first boot") == -1 ||
      v2v_reg_set_string (run, n, "Description", 1,
                          "Finishes the move to KVM once: drivers, "
                          "VMware Tools, disks, static IPs.") == -1)
    return -1;
  return 0;
}

static int
edit_system (struct run *run, const char *boot_driver)
{
  int64_t root, ccs, pm;
  int r = -1;

  if (v2v_reg_open (run, run->win.system_hive, true) == -1)
    return -1;
  root = guestfs_hivex_root (run->g);
  ccs = v2v_reg_path (run, root, run->win.ccs, false);
  if (ccs <= 0) {
    v2v_error ("the SYSTEM hive has no %s", run->win.ccs);
    goto out;
  }
  if (boot_driver && add_boot_driver (run, root, ccs, boot_driver) == -1)
    goto out;
  /* SAN policy OnlineAll: disks on a new controller are not offline. */
  pm = v2v_reg_path (run, ccs, "Services\\partmgr\\Parameters", true);
  if (pm <= 0 || v2v_reg_set_dword (run, pm, "SanPolicy", 1) == -1 ||
      add_firstboot_service (run, ccs) == -1)
    goto out;
  r = 0;
 out:
  return v2v_reg_close (run, r == 0) == -1 ? -1 : r;
}

/* DevicePath: Plug and Play also looks in the virtio driver directory. */
static int
edit_software (struct run *run)
{
  static const char add[] = "%SystemRoot%\\" DRIVER_SUBDIR;
  int64_t cv;
  CLEANUP_FREE char *old = NULL, *path = NULL;
  int r = -1;

  if (v2v_reg_open (run, run->win.software_hive, true) == -1)
    return -1;
  cv = v2v_reg_path (run, guestfs_hivex_root (run->g),
                     "Microsoft\\Windows\\CurrentVersion", true);
  if (cv <= 0)
    goto out;
  old = v2v_reg_get_string (run, cv, "DevicePath");
  if (old && strcasestr (old, add)) {
    r = 0;
    goto out;
  }
  if (v2v_asprintf (&path, "%s;%s", old && *old ? old : "%SystemRoot%\\inf",
                add) == -1)
    goto out;
  r = v2v_reg_set_string (run, cv, "DevicePath", 2, path);
 out:
  return v2v_reg_close (run, r == 0) == -1 ? -1 : r;
}

static int
write_firstboot (struct run *run, bool drivers, const char *guest_agent)
{
  struct v2v_win_firstboot fb = {
    .driver_dir = drivers ? DRIVER_SUBDIR : NULL,
    .guest_agent = guest_agent,
    .uninstall = run->cfg->options.keep_vmware_tools ? NULL
                 : run->win.uninstall,
    .ips = run->win.ips,
    .nr_ips = run->win.nr_ips,
  };
  CLEANUP_FREE char *script = v2v_win_firstboot_script (&fb);

  if (script == NULL)
    return v2v_oom ();
  if (guestfs_write (run->g, "/v2vboot/firstboot.ps1", script,
                     strlen (script)) == -1)
    return v2v_guestfs_error (run->g, "write the first-boot script");
  return 0;
}

int
v2v_convert_windows (struct run *run)
{
  struct v2v_windows *w = &run->win;
  CLEANUP_FREE char *driver_dir = NULL;
  CLEANUP_FREE char *boot_driver = NULL, *guest_agent = NULL;

  if (guestfs_mkdir_p (run->g, "/v2vboot") == -1)
    return v2v_guestfs_error (run->g, "create \\v2vboot");
  if (w->virtio_win == NULL) {
    if (run->block_driver != V2V_BLOCK_SATA)
      v2v_warning (run, "no virtio drivers given (options --virtio-win): "
                   "the disks go on SATA and the NICs on e1000e, which "
                   "Windows drives itself but slower than virtio");
    run->block_driver = V2V_BLOCK_SATA;
  }
  else if (run->block_driver == V2V_BLOCK_SATA)
    v2v_info (run, "options --block-driver=sata: the virtio drivers are "
              "installed but the disks stay on SATA");
  if (w->virtio_win) {
    if (v2v_asprintf (&driver_dir, "%s/Drivers/VirtIO", w->systemroot) == -1)
      return -1;
    if (guestfs_mkdir_p (run->g, driver_dir) == -1)
      return v2v_guestfs_error (run->g, "create the driver directory");
    if (v2v_virtio_win_install (run, driver_dir, &boot_driver,
                                &guest_agent) == -1)
      return -1;
  }
  if (edit_system (run, run->block_driver == V2V_BLOCK_SATA ? NULL
                   : boot_driver) == -1 ||
      (driver_dir && edit_software (run) == -1) ||
      write_firstboot (run, driver_dir != NULL, guest_agent) == -1)
    return -1;
  run->guest_agent = guest_agent != NULL;   /* installed at first boot */
  if (run->cfg->options.keep_vmware_tools)
    v2v_info (run, "VMware Tools left installed (options --keep-vmware-tools)");
  v2v_info (run, "first boot: \\v2vboot\\firstboot.ps1 runs once and logs "
            "to \\v2vboot\\firstboot.log");
  return 0;
}
