/* Linux guests keep their NIC names on KVM: every name their network
 * configuration uses (ifupdown, netplan, NetworkManager, ifcfg) is
 * pinned to the MAC the NIC will have, by a systemd .link file (a udev
 * rule without systemd's udev).  The decisions are in linux_plan.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guestfs.h>

#include "internal.h"

/* Files that name the guest's NICs. */
static const char *const nic_files[] = {
  "/etc/network/interfaces", "/etc/network/interfaces.d/*",
  "/etc/netplan/*.yaml", "/etc/sysconfig/network-scripts/ifcfg-*",
  "/etc/sysconfig/network/ifcfg-*",
  "/etc/NetworkManager/system-connections/*", NULL
};

/* Give each NIC the name its configuration expects. */
int
v2v_linux_keep_nic_names (struct run *run)
{
  guestfs_h *g = run->g;
  CLEANUP_FREE_STRV char **names = NULL, **bound_names = NULL,
    **bound_macs = NULL, **vm_macs = NULL;
  CLEANUP_FREE int *order = NULL;
  struct v2v_strbuf rules = { 0 };
  size_t nr = 0, nbound = 0, p, i, j;
  bool systemd = v2v_guest_exists (g, "/lib/systemd/systemd-udevd") ||
                 v2v_guest_exists (g, "/usr/lib/systemd/systemd-udevd");
  int ret = -1;

  for (p = 0; nic_files[p]; ++p) {
    CLEANUP_FREE_STRV char **files = v2v_guest_glob_files (g, nic_files[p]);
    for (i = 0; files && files[i]; ++i) {
      CLEANUP_FREE char *text = v2v_guest_read_text (g, files[i]);
      if (text &&
          v2v_nic_file_add (files[i], text, &names, &nr, &bound_names,
                            &bound_macs, &nbound) == -1) {
        v2v_error ("out of memory");
        return -1;
      }
    }
  }
  if (nr == 0) {
    v2v_info (run, "no NIC named in the guest's network configuration");
    return 0;
  }
  order = calloc (run->nr_nics + 1, sizeof *order);
  for (j = 0; j < run->nr_nics; ++j) {
    vm_macs = v2v_strv_append (vm_macs, run->nics[j].mac);
    if (vm_macs == NULL || vm_macs[j] == NULL)
      break;
  }
  if (order == NULL || j < run->nr_nics) {
    v2v_error ("out of memory");
    return -1;
  }
  v2v_nic_order (names, nr, bound_names, bound_macs, nbound, vm_macs,
                 run->nr_nics, order);
  for (j = 0; j < run->nr_nics; ++j) {
    const char *mac = run->nics[j].mac, *name;
    CLEANUP_FREE char *path = NULL, *text = NULL;

    if (order[j] == -1)
      continue;
    name = names[order[j]];
    if (systemd) {
      if (v2v_asprintf (&path, "/etc/systemd/network/70-v2vboot-%s.link",
                        name) == -1)
        goto out;
      if ((text = v2v_link_file (mac, name)) == NULL) {
        v2v_oom ();
        goto out;
      }
      if (guestfs_mkdir_p (g, "/etc/systemd/network") == -1) {
        v2v_guestfs_error (g, "/etc/systemd/network");
        goto out;
      }
      if (v2v_guest_write_text (run, path, text) == -1)
        goto out;
    }
    else {
      /* One rules file holds every NIC's rule: written after the loop. */
      text = v2v_udev_net_rule (mac, name);
      if (text == NULL || v2v_sb_puts (&rules, text) == -1) {
        v2v_oom ();
        goto out;
      }
    }
    v2v_info (run, "NIC %s keeps its name on KVM (MAC %s)", name, mac);
  }
  if (rules.len > 0 &&
      v2v_guest_write_text (run, "/etc/udev/rules.d/70-v2vboot-net.rules",
                        rules.buf) == -1)
    goto out;
  for (i = 0; i < nr; ++i) {
    for (j = 0; j < run->nr_nics && order[j] != (int) i; ++j)
      ;
    if (j == run->nr_nics)
      v2v_warning (run, "the guest configures NIC %s, but the VM has no "
                   "NIC left to give that name", names[i]);
  }
  ret = 0;
 out:
  free (rules.buf);
  return ret;
}
