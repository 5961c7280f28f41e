/* The wizard's VM screen logic (tui/vm_rows.c, built in here): each row
 * shows the VM's power state and, from vSphere, its inventory path; a
 * powered-on VM is offered the shutdown, a suspended one refused; the
 * operator's yes reaches the engine's config (tui/wizard_config.c) and
 * so the saved kickstart as options --shutdown-source; the vSphere
 * choice is the vsphere source type.
 */
#include <string.h>

#include "../../tui/vm_rows.c"
#include "../../tui/wizard_config.c"
#include "unit.h"

int
main (void)
{
  static struct found_vm v;
  static struct wizard w;
  struct v2v_config cfg;
  char row[100];

  snprintf (v.name, sizeof v.name, "testvm (prod)");
  snprintf (v.os, sizeof v.os, "debian12-64");
  snprintf (v.networks, sizeof v.networks, "VM Network");
  v.memory_mib = 1536;
  v.disks = 1;
  v.bytes = 4ULL << 30;
  vm_row (&v, row, sizeof row);
  /* the columns test-wizard.sh looks for, after the state */
  CHECK_STR (row, "?     testvm (prod)    debian12-64    1536 MiB  1 disk"
             "    4 GiB  VM Network");
  v.power = V2V_POWER_ON;
  snprintf (v.inventory, sizeof v.inventory, "/DC0/vm/prod/web01");
  vm_row (&v, row, sizeof row);
  CHECK_CONTAINS (row, "on    <0/vm/prod/web01 debian12-64 ");
  snprintf (v.inventory, sizeof v.inventory, "/DC0/vm/a/long/folder/web01");
  v.power = V2V_POWER_SUSPENDED;
  vm_row (&v, row, sizeof row);
  CHECK_CONTAINS (row, "susp. <ng/folder/web01 debian12-64 ");
  snprintf (v.problem, sizeof v.problem, "cannot read it");
  vm_row (&v, row, sizeof row);
  CHECK_CONTAINS (row, "! ");
  CHECK_CONTAINS (row, "cannot read it");

  CHECK_STR (vm_power_text (V2V_POWER_OFF), "off");
  CHECK (vm_pick_for (V2V_POWER_OFF) == VM_PICK_OK);
  CHECK (vm_pick_for (V2V_POWER_UNKNOWN) == VM_PICK_OK);
  CHECK (vm_pick_for (V2V_POWER_ON) == VM_PICK_OFFER_SHUTDOWN);
  CHECK (vm_pick_for (V2V_POWER_SUSPENDED) == VM_PICK_REFUSE);

  snprintf (w.server, sizeof w.server, "vc.example.com");
  snprintf (w.user, sizeof w.user, "administrator@vsphere.local");
  snprintf (w.password, sizeof w.password, "pw");
  snprintf (w.dest_dir, sizeof w.dest_dir, "/tmp");
  w.src_type = SRC_VSPHERE;
  w.shutdown_source = true;
  CHECK (wizard_config (&w, &cfg) == 0);
  CHECK (cfg.source.type == V2V_SOURCE_VSPHERE);
  CHECK (cfg.options.shutdown_source);
  v2v_config_free (&cfg);
  w.src_type = SRC_HTTPS;
  w.shutdown_source = false;
  CHECK (wizard_config (&w, &cfg) == 0);
  CHECK (cfg.source.type == V2V_SOURCE_HTTPS && !cfg.options.shutdown_source);
  v2v_config_free (&cfg);
  return unit_done ("vm-rows");
}
