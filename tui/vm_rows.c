/* The VM screen's logic, apart from ncurses (tests/unit/test-vm-rows.c
 * builds it in): a row of the list per VM found, with its power state
 * and, from a vSphere source, its inventory path instead of its name;
 * and what choosing a VM does by its power state.
 */
#include <stdio.h>
#include <string.h>

#include "wizard.h"

const char *
vm_power_text (enum v2v_power power)
{
  switch (power) {
  case V2V_POWER_ON: return "on";
  case V2V_POWER_OFF: return "off";
  case V2V_POWER_SUSPENDED: return "susp.";
  case V2V_POWER_UNKNOWN: break;
  }
  return "?";
}

/* The name column: the inventory path if there is one (its end, where
 * the name is, when it is too long), else the name.
 */
static void
name_column (const struct found_vm *v, char *buf, size_t len, size_t width)
{
  const char *s = v->inventory[0] ? v->inventory : v->name;
  size_t n = strlen (s);

  if (n > width && v->inventory[0])
    snprintf (buf, len, "<%s", s + n - (width - 1));
  else
    snprintf (buf, len, "%s", s);
}

void
vm_row (const struct found_vm *v, char *buf, size_t len)
{
  char name[FIELD];

  if (v->problem[0]) {
    snprintf (buf, len, "! %-26.26s %s", v->vmx, v->problem);
    return;
  }
  name_column (v, name, sizeof name, 16);
  snprintf (buf, len, "%-5.5s %-16.16s %-13.13s %5u MiB %2zu disk %4llu GiB"
            "  %s", vm_power_text (v->power), name, v->os, v->memory_mib,
            v->disks, (unsigned long long) (v->bytes >> 30), v->networks);
}

enum vm_pick
vm_pick_for (enum v2v_power power)
{
  switch (power) {
  case V2V_POWER_ON: return VM_PICK_OFFER_SHUTDOWN;
  case V2V_POWER_SUSPENDED: return VM_PICK_REFUSE;
  case V2V_POWER_OFF: case V2V_POWER_UNKNOWN: break;
  }
  return VM_PICK_OK;
}
