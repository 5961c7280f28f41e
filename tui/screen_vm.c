/* Step 3, the VM: the list of VMs on the source (v2v_list_vms), with
 * their power state, to filter and choose from (a powered-on one only
 * with the operator's yes to shutting it down first); then its details
 * (the new name, the Windows drivers).  Without a list, the .vmx or the disk's path is typed.
 */
#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "wizard.h"

static void
collect_vm (const struct v2v_found_vm *vm, void *opaque)
{
  struct wizard *w = opaque;
  struct found_vm *v;

  if (w->nr_vms >= MAX_ITEMS)
    return;
  v = &w->vms[w->nr_vms++];
  memset (v, 0, sizeof *v);
  snprintf (v->vmx, sizeof v->vmx, "%s", vm->vmx);
  snprintf (v->name, sizeof v->name, "%s", vm->name ? vm->name : "");
  snprintf (v->os, sizeof v->os, "%s", vm->guest_os ? vm->guest_os : "");
  snprintf (v->networks, sizeof v->networks, "%s",
            vm->networks ? vm->networks : "");
  snprintf (v->problem, sizeof v->problem, "%s",
            vm->problem ? vm->problem : "");
  snprintf (v->inventory, sizeof v->inventory, "%s",
            vm->inventory ? vm->inventory : "");
  v->power = vm->power;
  v->memory_mib = vm->memory_mib;
  v->vcpus = vm->vcpus;
  v->disks = vm->nr_disks;
  v->bytes = vm->disk_bytes;
}

/* The VMs on the source into w->vms; -1 with the error shown. */
static int
list_vms (struct wizard *w)
{
  struct v2v_config cfg;
  int r;

  if (wizard_config (w, &cfg) == -1) {
    ui_error ("out of memory");
    return -1;
  }
  r = v2v_list_vms (&cfg, collect_vm, w);
  if (r == -1)
    ui_error ("%s", v2v_last_error ());
  v2v_config_free (&cfg);
  return r;
}

/* "web 01 (prod)" -> "web-01-prod": a name libvirt and files accept. */
static void
default_name (struct wizard *w, const char *display)
{
  size_t n = 0;
  const char *p;

  for (p = display; *p && n < 64; ++p) {
    if (isalnum ((unsigned char) *p) || strchr ("._", *p))
      w->vm_name[n++] = *p;
    else if (n > 0 && w->vm_name[n - 1] != '-')
      w->vm_name[n++] = '-';
  }
  while (n > 0 && w->vm_name[n - 1] == '-')
    n--;
  w->vm_name[n] = '\0';
}

/* The VM's details; SCR_VM goes back to the list. */
static enum wiz_screen
vm_details (struct wizard *w)
{
  struct field f[] = {
    { "VM (.vmx)", F_TEXT, w->vmx, NULL, NULL, false, 0 },
    { "or disk path", F_TEXT, w->disk_path, NULL, NULL, false, 0 },
    { "New name", F_TEXT, w->vm_name, NULL, NULL, false, 0 },
    { "Drivers", F_TEXT, w->virtio_win, NULL, NULL, true, 0 },
    { "Find drivers", F_BUTTON, NULL, NULL, NULL, true, ACT_OTHER },
    { "Back", F_BUTTON, NULL, NULL, NULL, false, ACT_BACK },
    { "Next", F_BUTTON, NULL, NULL, NULL, false, ACT_NEXT },
  };
  int focus = 2;
  /* A Windows VM (by its .vmx) or one typed by path may need drivers. */
  bool windows = strcasestr (w->vm_os, "win") != NULL;

  f[3].hidden = f[4].hidden = !windows;

  for (;;) {
    int a;
    ui_frame ("VM", 3, UI_FORM_HELP);
    mvprintw (2, 2, "The VM to convert, and its name on KVM.");
    mvprintw (3, 2, "A .vmx as \"[DATASTORE] DIR/NAME.vmx\"; or, without "
              "one, the disk's path.");
    a = ui_form (f, sizeof f / sizeof f[0], 5, &focus);
    if (a == ACT_BACK)
      return SCR_VM;
    if (a == ACT_CANCEL) {
      if (ui_confirm_quit ())
        return SCR_QUIT;
      continue;
    }
    if (a == ACT_OTHER) {
      drivers_pick (w);
      continue;
    }
    if (a != ACT_NEXT)
      continue;
    if (!w->vmx[0] && !w->disk_path[0]) {
      ui_error ("choose a VM, or type its .vmx or disk path");
      continue;
    }
    if (!w->vm_name[0] && !w->vmx[0]) {
      ui_error ("give the converted VM a name");
      continue;
    }
    return SCR_DEST;
  }
}

/* One row of the list per VM found (vm_rows.c). */
static void
make_rows (struct wizard *w)
{
  struct vm_screen *s = &w->vm_scr;
  size_t i;

  for (i = 0; i < w->nr_vms; ++i) {
    vm_row (&w->vms[i], s->text[i], sizeof s->text[i]);
    s->rows[i] = s->text[i];
  }
}

/* A powered-on VM: shut it down first (--shutdown-source), if the
 * operator says so on screen; a suspended one is refused.  Whether to go
 * on to the VM's details.
 */
static bool
power_ok (struct wizard *w, const struct found_vm *v)
{
  const char *name = v->inventory[0] ? v->inventory : v->name;

  w->shutdown_source = false;
  switch (vm_pick_for (v->power)) {
  case VM_PICK_OK:
    return true;
  case VM_PICK_REFUSE:
    ui_error ("%s is suspended: resume it and shut it down in vSphere", name);
    ui_key (stdscr);
    return false;
  case VM_PICK_OFFER_SHUTDOWN:
    break;
  }
  if (!ui_confirm ("This VM is powered on. Shut it down first?",
                   "A guest shutdown through VMware Tools, up to 300 s, "
                   "before anything is read.")) {
    ui_error ("%s is powered on: shut it down in vSphere, or choose it "
              "again and say yes", name);
    return false;
  }
  w->shutdown_source = true;
  return true;
}

/* The VM chosen in the list: its details next. */
static enum wiz_screen
choose (struct wizard *w, const struct found_vm *v)
{
  if (v->problem[0]) {
    ui_error ("%s: %s", v->vmx, v->problem);
    ui_key (stdscr);
    return SCR_VM;
  }
  if (!power_ok (w, v))
    return SCR_VM;
  snprintf (w->vmx, sizeof w->vmx, "%s", v->vmx);
  w->disk_path[0] = '\0';
  snprintf (w->vm_networks, sizeof w->vm_networks, "%s", v->networks);
  snprintf (w->vm_os, sizeof w->vm_os, "%s", v->os);
  default_name (w, v->name);
  return vm_details (w);
}

enum wiz_screen
screen_vm (struct wizard *w)
{
  struct vm_screen *s = &w->vm_scr;

  ui_frame ("VM", 3, UI_FORM_HELP);
  if (w->nr_vms == 0) {
    ui_status (3, "Looking for VMs on %s ...", w->server);
    if (list_vms (w) == -1) {
      ui_status (3, "No list of VMs: type the VM's .vmx or disk path.");
      ui_key (stdscr);
      return vm_details (w);
    }
  }
  make_rows (w);
  for (;;) {
    enum wiz_screen next = SCR_VM;
    int r;
    ui_frame ("VM", 3, "Type to filter  Enter select  Tab type a path  "
              "^B Back  Esc Cancel");
    mvprintw (2, 2, "VMs found on %s: %zu.  Choose the one to convert.",
              w->server, w->nr_vms);
    r = ui_list ("State Name             Guest OS       Memory  Disks      "
                 "Networks", s->rows, w->nr_vms, 4, LINES - 11, s->filter,
                 &s->sel);
    if (r == -ACT_BACK)
      return SCR_SOURCE;
    if (r == -ACT_CANCEL) {
      if (ui_confirm_quit ())
        return SCR_QUIT;
      continue;
    }
    if (r == -ACT_OTHER || r == -ACT_NEXT)
      next = vm_details (w);
    else if (r >= 0)
      next = choose (w, &w->vms[r]);
    if (next != SCR_VM)
      return next;
  }
}
