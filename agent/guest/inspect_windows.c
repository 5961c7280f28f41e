/* Windows guests: what inspection needs beyond libguestfs's own, and the
 * refusals that come before anything is copied.
 *
 *   - hibernated, or shut down with Fast Startup (hiberfil.sys in use):
 *     NTFS cannot be written safely, and Windows would resume from a
 *     memory image of the old hardware;
 *   - the system on a dynamic disk (LDM);
 *   - a BitLocker volume where the system should be;
 *   - then, from the registry: the build and edition, whether the
 *     driver database exists, VMware Tools' MSI product codes and the
 *     static IPv4 addresses of the NICs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guestfs.h>

#include "internal.h"

#define NET_CLASS "Control\\Class\\{4D36E972-E325-11CE-BFC1-08002BE10318}"

/* "BitLocker" or "dynamic" when the partition is one, else NULL. */
static const char *
partition_kind (struct run *run, const char *part)
{
  guestfs_h *g = run->g;
  CLEANUP_FREE char *dev = guestfs_part_to_dev (g, part);
  CLEANUP_FREE char *type = dev ? guestfs_part_get_parttype (g, dev) : NULL;
  CLEANUP_FREE char *gpt = NULL;
  CLEANUP_FREE char *sector = NULL;
  int n = guestfs_part_to_partnum (g, part), mbr = -1;
  size_t got = 0;

  if (type == NULL || n < 1)
    return NULL;
  if (strcmp (type, "msdos") == 0)
    mbr = guestfs_part_get_mbr_id (g, dev, n);
  else if (strcmp (type, "gpt") == 0)
    gpt = guestfs_part_get_gpt_type (g, dev, n);
  if (v2v_win_is_ldm (mbr, gpt))
    return "dynamic";
  sector = guestfs_pread_device (g, part, 512, 0, &got);
  if (sector && v2v_win_is_bitlocker (sector, got))
    return "BitLocker";
  return NULL;
}

/* Is this appliance device one of the guest's disks (not the ISO)? */
static bool
guest_partition (struct run *run, const char *part, const char *only_disk)
{
  CLEANUP_FREE char *dev = guestfs_part_to_dev (run->g, part);
  int i = dev ? guestfs_device_index (run->g, dev) : -1;

  if (i < 0 || (size_t) i >= run->nr_disks)
    return false;
  return only_disk == NULL || strcmp (dev, only_disk) == 0;
}

static int
refuse (const char *part, const char *kind)
{
  if (strcmp (kind, "BitLocker") == 0)
    v2v_error ("%s is encrypted with BitLocker, so Windows cannot be found "
               "or converted: in the guest, turn BitLocker off "
               "(manage-bde -off C:), wait until manage-bde -status says "
               "\"Fully Decrypted\", shut down and run again", part);
  else
    v2v_error ("%s is on a Windows dynamic disk: convert the system disk "
               "to a basic disk in the guest (or move Windows to one), "
               "then run again", part);
  return -1;
}

/* Partitions of the guest's disks (of only_disk, if given) that hold a
 * BitLocker volume or belong to a dynamic disk: refuse the first.
 */
static int
scan_partitions (struct run *run, const char *only_disk)
{
  CLEANUP_FREE_STRV char **parts = guestfs_list_partitions (run->g);
  size_t i;

  for (i = 0; parts && parts[i]; ++i) {
    const char *kind;

    if (!guest_partition (run, parts[i], only_disk))
      continue;
    kind = partition_kind (run, parts[i]);
    if (kind)
      return refuse (parts[i], kind);
  }
  return 0;
}

/* No operating system found: say why, when it is a Windows reason. */
int
v2v_windows_diagnose (struct run *run)
{
  return scan_partitions (run, NULL);
}

static int
check_dynamic_root (struct run *run, const char *root)
{
  CLEANUP_FREE char *disk = NULL;

  if (strncmp (root, "/dev/mapper/ldm", 15) == 0)
    return refuse (root, "dynamic");
  disk = guestfs_part_to_dev (run->g, root);
  return disk ? scan_partitions (run, disk) : 0;
}

/* SOFTWARE: the build and VMware Tools' product codes. */
static int
read_software (struct run *run)
{
  struct v2v_windows *w = &run->win;
  int64_t root, cv, un;
  struct guestfs_hivex_node_list *apps = NULL;
  CLEANUP_FREE_STRVEC struct v2v_string_vector codes = VECTOR_INIT;
  bool oom = false;
  size_t i;

  if (v2v_reg_open (run, w->software_hive, false) == -1)
    return -1;
  root = guestfs_hivex_root (run->g);
  cv = v2v_reg_path (run, root, "Microsoft\\Windows NT\\CurrentVersion",
                     false);
  if (cv > 0) {
    CLEANUP_FREE char *b = v2v_reg_get_string (run, cv, "CurrentBuild");
    if (b == NULL)
      b = v2v_reg_get_string (run, cv, "CurrentBuildNumber");
    w->build = b ? atoi (b) : 0;
    w->edition = v2v_reg_get_string (run, cv, "EditionID");
  }
  un = v2v_reg_path (run, root,
                     "Microsoft\\Windows\\CurrentVersion\\Uninstall", false);
  if (un > 0)
    apps = guestfs_hivex_node_children (run->g, un);
  for (i = 0; apps && i < apps->len && !oom; ++i) {
    int64_t app = apps->val[i].hivex_node_h;
    CLEANUP_FREE char *name = v2v_reg_get_string (run, app, "DisplayName");
    CLEANUP_FREE char *cmd = v2v_reg_get_string (run, app,
                                                 "UninstallString");
    CLEANUP_FREE char *code = NULL;

    if (name == NULL || strcasecmp (name, "VMware Tools") != 0)
      continue;
    code = v2v_win_msi_product (cmd);
    if (code)
      oom = v2v_strvec_add (&codes, code) == -1;
    else
      v2v_warning (run, "VMware Tools cannot be removed at first boot: "
                   "its uninstaller is not an MSI (%s)", cmd ? cmd : "none");
  }
  if (apps)
    guestfs_free_hivex_node_list (apps);
  if (!oom && codes.len > 0 &&
      (w->uninstall = v2v_strvec_take (&codes)) == NULL)
    oom = true;
  if (oom) {
    v2v_reg_close (run, false);
    v2v_error ("out of memory listing VMware Tools' product codes");
    return -1;
  }
  return v2v_reg_close (run, false);
}

DEFINE_VECTOR_TYPE (win_ip_vector, struct v2v_win_ip);

/* One interface's static address, if it has one, appended to ips.  -1
 * (error reported) when out of memory.
 */
static int
add_static_ip (struct run *run, int64_t ifnode, struct win_ip_vector *ips)
{
  uint32_t dhcp = 1;
  CLEANUP_FREE_STRV char **ip = v2v_reg_get_multi (run, ifnode, "IPAddress");
  CLEANUP_FREE_STRV char **mask = v2v_reg_get_multi (run, ifnode,
                                                     "SubnetMask");
  CLEANUP_FREE_STRV char **gw = v2v_reg_get_multi (run, ifnode,
                                                   "DefaultGateway");
  char *dns = v2v_reg_get_string (run, ifnode, "NameServer");
  struct v2v_win_ip *e;
  size_t nr;
  char *p;

  v2v_reg_get_dword (run, ifnode, "EnableDHCP", &dhcp);
  if (dhcp || ip == NULL || ip[0] == NULL || mask == NULL ||
      mask[0] == NULL || strcmp (ip[0], "0.0.0.0") == 0) {
    free (dns);
    return 0;
  }
  if (win_ip_vector_append (ips, (struct v2v_win_ip) { 0 }) == -1) {
    free (dns);
    v2v_error ("out of memory reading the guest's static IPs");
    return -1;
  }
  e = &ips->ptr[ips->len - 1];
  nr = ips->len;
  for (p = dns; p && *p; ++p)
    if (*p == ' ')
      *p = ',';
  e->address = strdup (ip[0]);
  e->netmask = strdup (mask[0]);
  e->gateway = gw && gw[0] && *gw[0] ? strdup (gw[0]) : NULL;
  e->dns = dns && *dns ? dns : NULL;
  if (e->dns == NULL)
    free (dns);
  e->mac = nr <= run->nr_nics && run->nics[nr - 1].mac
    ? strdup (run->nics[nr - 1].mac) : NULL;
  if (e->address == NULL || e->netmask == NULL ||
      (gw && gw[0] && *gw[0] && e->gateway == NULL) ||
      (nr <= run->nr_nics && run->nics[nr - 1].mac && e->mac == NULL)) {
    v2v_error ("out of memory reading the guest's static IPs");
    return -1;
  }
  if (e->mac)
    v2v_info (run, "static IP %s/%s will be set again on the NIC with MAC "
              "%s at first boot", e->address, e->netmask, e->mac);
  else
    v2v_warning (run, "static IP %s/%s: the converted VM has no NIC %zu "
                 "to put it on", e->address, e->netmask, nr);
  return 0;
}

/* SYSTEM: Fast Startup, the driver database, the NICs' static IPs, in
 * the order Windows installed the adapters (their Class subkeys).
 */
static int
read_system (struct run *run, bool *fast_startup)
{
  struct v2v_windows *w = &run->win;
  int64_t root, ccs, power, nets, ifaces;
  struct guestfs_hivex_node_list *adapters = NULL;
  uint32_t hiberboot = 0;
  struct win_ip_vector ips = VECTOR_INIT;
  int r = 0;
  size_t i;

  if (v2v_reg_open (run, w->system_hive, false) == -1)
    return -1;
  root = guestfs_hivex_root (run->g);
  w->driver_db = v2v_reg_path (run, root, "DriverDatabase", false) > 0;
  ccs = v2v_reg_path (run, root, w->ccs, false);
  power = v2v_reg_path (run, ccs, "Control\\Session Manager\\Power", false);
  if (power > 0)
    v2v_reg_get_dword (run, power, "HiberbootEnabled", &hiberboot);
  *fast_startup = hiberboot == 1;
  nets = v2v_reg_path (run, ccs, NET_CLASS, false);
  ifaces = v2v_reg_path (run, ccs,
                         "Services\\Tcpip\\Parameters\\Interfaces", false);
  if (nets > 0 && ifaces > 0)
    adapters = guestfs_hivex_node_children (run->g, nets);
  /* Children come sorted by name: 0000, 0001... is install order. */
  for (i = 0; adapters && i < adapters->len && r == 0; ++i) {
    CLEANUP_FREE char *guid =
      v2v_reg_get_string (run, adapters->val[i].hivex_node_h,
                          "NetCfgInstanceId");
    int64_t ifnode = guid ? v2v_reg_path (run, ifaces, guid, false) : 0;

    if (ifnode > 0)
      r = add_static_ip (run, ifnode, &ips);
  }
  /* Handed over whole, even on error: v2v_windows_free frees them. */
  w->ips = ips.ptr;
  w->nr_ips = ips.len;
  if (adapters)
    guestfs_free_hivex_node_list (adapters);
  if (r == -1) {
    v2v_reg_close (run, false);
    return -1;
  }
  return v2v_reg_close (run, false);
}

static int
check_hibernation (struct run *run, bool fast_startup)
{
  CLEANUP_FREE char *path = guestfs_case_sensitive_path (run->g,
                                                         "/hiberfil.sys");
  CLEANUP_FREE char *hdr = NULL;
  size_t got = 0;

  if (path && guestfs_is_file (run->g, path) > 0)
    hdr = guestfs_pread (run->g, path, 4, 0, &got);
  if (hdr == NULL || !v2v_win_hiberfil_in_use (hdr, got))
    return 0;
  if (fast_startup)
    v2v_error ("Windows on %s was shut down with Fast Startup on, which "
               "leaves it hibernated (hiberfil.sys in use): boot the VM, "
               "turn Fast Startup off (powercfg /h off), shut it down "
               "and run again", run->guest.root);
  else
    v2v_error ("Windows on %s is hibernated (hiberfil.sys in use): boot "
               "the VM, shut it down fully (shutdown /s /t 0) and run "
               "again", run->guest.root);
  return -1;
}

int
v2v_windows_inspect (struct run *run)
{
  struct v2v_windows *w = &run->win;
  guestfs_h *g = run->g;
  const char *root = run->guest.root;
  CLEANUP_FREE char *variant = NULL;
  bool fast_startup = false;
  int r;

  if (check_dynamic_root (run, root) == -1)
    return -1;
  variant = guestfs_inspect_get_product_variant (g, root);
  w->server = variant && strncmp (variant, "Server", 6) == 0;
  w->systemroot = guestfs_inspect_get_windows_systemroot (g, root);
  w->ccs = guestfs_inspect_get_windows_current_control_set (g, root);
  w->system_hive = guestfs_inspect_get_windows_system_hive (g, root);
  w->software_hive = guestfs_inspect_get_windows_software_hive (g, root);
  if (!w->systemroot || !w->ccs || !w->system_hive || !w->software_hive)
    return v2v_guestfs_error (g, "Windows inspection");
  /* Read-only first: a hibernated NTFS must not be mounted for writing. */
  if (guestfs_mount_ro (g, root, "/") == -1)
    return v2v_guestfs_error (g, "mount the Windows volume");
  r = read_system (run, &fast_startup);
  if (r == 0)
    r = check_hibernation (run, fast_startup);
  if (r == 0)
    r = read_software (run);
  if (guestfs_umount_all (g) == -1 && r == 0)
    r = v2v_guestfs_error (g, "unmount");
  if (r == 0)
    v2v_info (run, "Windows %s (%s) build %d, system root %s, %s",
              w->server ? "Server" : "client",
              w->edition ? w->edition : "edition unknown", w->build,
              w->systemroot, w->driver_db ? "driver database"
              : "critical device database");
  return r;
}

void
v2v_windows_free (struct v2v_windows *w)
{
  size_t i;

  free (w->systemroot); free (w->ccs); free (w->edition);
  free (w->system_hive); free (w->software_hive);
  v2v_cleanup_free_strv (&w->uninstall);
  for (i = 0; i < w->nr_ips; ++i) {
    free (w->ips[i].mac); free (w->ips[i].address);
    free (w->ips[i].netmask); free (w->ips[i].gateway);
    free (w->ips[i].dns);
  }
  free (w->ips);
  free (w->virtio_win);
  free (w->iso_device);
}
