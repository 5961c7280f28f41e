/* Step 4, the destination: a directory (and the disks' format) or a KVM
 * host through libvirt.  Check asks the engine what is there
 * (v2v_list_destination); then the storage pool and, for each of the
 * VM's source networks, the network it goes to are chosen.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "wizard.h"

static const char *const dest_types[] = {
  [DEST_DIR] = "a directory (NFS, local)",
  [DEST_LIBVIRT] = "a KVM host (libvirt over SSH)",
  NULL
};

static const char *const dir_formats[] = {
  [DIR_FORMAT_QCOW2] = "qcow2", [DIR_FORMAT_RAW] = "raw", NULL
};
static const enum v2v_format format_of[] = {
  [DIR_FORMAT_QCOW2] = V2V_FORMAT_QCOW2, [DIR_FORMAT_RAW] = V2V_FORMAT_RAW,
};

static void
collect_target (const struct v2v_found_target *t, void *opaque)
{
  struct wizard *w = opaque;

  if (strcmp (t->kind, "pool") == 0 && w->nr_pools < MAX_POOLS && t->active)
    snprintf (w->pools[w->nr_pools++], FIELD, "%s", t->name);
  else if (strcmp (t->kind, "network") == 0 && w->nr_networks < MAX_POOLS)
    snprintf (w->networks[w->nr_networks++], FIELD, "%s", t->name);
}

/* The chosen VM's source networks, each with a destination network. */
static void
setup_netmaps (struct wizard *w)
{
  char nets[FIELD], *tok, *save = NULL;

  snprintf (nets, sizeof nets, "%s", w->vm_networks);
  w->nr_netmaps = 0;
  for (tok = strtok_r (nets, ",", &save); tok && w->nr_netmaps < MAX_NETMAPS;
       tok = strtok_r (NULL, ",", &save)) {
    size_t k;
    while (*tok == ' ')
      tok++;
    for (k = 0; k < w->nr_netmaps; ++k)
      if (strcmp (w->netmap_from[k], tok) == 0)
        break;
    if (k < w->nr_netmaps || !tok[0])
      continue;
    snprintf (w->netmap_from[w->nr_netmaps], FIELD, "%s", tok);
    snprintf (w->netmap_to[w->nr_netmaps], FIELD, "%s",
              w->nr_networks ? w->networks[0] : "default");
    w->nr_netmaps++;
  }
}

/* The pools and networks at the destination; false with the error shown. */
static bool
list_destination (struct wizard *w)
{
  struct v2v_config cfg;
  int r;

  if (wizard_config (w, &cfg) == -1) {
    ui_error ("out of memory");
    return false;
  }
  r = v2v_list_destination (&cfg, collect_target, w);
  if (r == -1) {
    ui_status (-6, "%s", "");
    ui_error ("%s", v2v_last_error ());
  }
  v2v_config_free (&cfg);
  return r == 0;
}

static bool
check_dest (struct wizard *w)
{
  bool libvirt = w->dest_type == DEST_LIBVIRT;
  const char *where = libvirt ? w->uri : w->dest_dir;
  size_t i;

  w->nr_pools = w->nr_networks = 0;
  ui_status (-6, "Checking %s ...", where);
  if (!list_destination (w))
    return false;
  if (libvirt) {
    bool found = false;
    for (i = 0; i < w->nr_pools; ++i)
      found |= strcmp (w->pools[i], w->pool) == 0;
    if (!found && w->nr_pools)
      snprintf (w->pool, sizeof w->pool, "%s", w->pools[0]);
    if (w->nr_pools == 0) {
      ui_error ("%s has no active storage pool: create and start one "
                "(virsh pool-define-as, pool-start)", w->uri);
      return false;
    }
  }
  ui_status (-6, "%s: ok%s", where,
             libvirt ? ", choose the pool and the networks" : "");
  setup_netmaps (w);
  return true;
}

/* The form's fields for the kind of destination, into f; their number. */
static size_t
dest_fields (struct wizard *w, bool checked, struct field *f)
{
  struct dest_screen *s = &w->dest_scr;
  size_t n = 0, i;

  f[n++] = (struct field) { "Write to", F_CHOICE, NULL, &w->dest_type,
                            dest_types, false, 0 };
  if (w->dest_type == DEST_DIR) {
    f[n++] = (struct field) { "Directory", F_TEXT, w->dest_dir, NULL, NULL,
                              false, 0 };
    f[n++] = (struct field) { "Format", F_CHOICE, NULL, &s->format,
                              dir_formats, false, 0 };
  }
  else {
    f[n++] = (struct field) { "libvirt URI", F_TEXT, w->uri, NULL, NULL,
                              false, 0 };
    f[n++] = (struct field) { "SSH key file", F_TEXT, w->dest_identity,
                              NULL, NULL, false, 0 };
    f[n++] = (struct field) { "known_hosts", F_TEXT, w->dest_known, NULL,
                              NULL, false, 0 };
    if (checked && w->nr_pools) {
      for (i = 0; i < w->nr_pools; ++i)
        s->pool_choices[i] = w->pools[i];
      s->pool_choices[w->nr_pools] = NULL;
      f[n++] = (struct field) { "Storage pool", F_CHOICE, NULL, &s->pool_sel,
                                s->pool_choices, false, 0 };
    }
  }
  if (checked && w->dest_type == DEST_LIBVIRT && w->nr_networks) {
    for (i = 0; i < w->nr_networks; ++i)
      s->net_choices[i] = w->networks[i];
    s->net_choices[w->nr_networks] = NULL;
    for (i = 0; i < w->nr_netmaps; ++i)
      f[n++] = (struct field) { w->netmap_from[i], F_CHOICE, NULL,
                                &s->net_sel[i], s->net_choices, false, 0 };
  }
  else if (checked)
    for (i = 0; i < w->nr_netmaps; ++i)
      f[n++] = (struct field) { w->netmap_from[i], F_TEXT,
                                w->netmap_to[i], NULL, NULL, false, 0 };
  f[n++] = (struct field) { "Back", F_BUTTON, NULL, NULL, NULL, false,
                            ACT_BACK };
  f[n++] = (struct field) { checked ? "Next" : "Check", F_BUTTON, NULL,
                            NULL, NULL, false, ACT_NEXT };
  return n;
}

/* The choices made into the answers. */
static void
take_choices (struct wizard *w)
{
  struct dest_screen *s = &w->dest_scr;
  size_t i;

  if (w->dest_type == DEST_DIR) {
    w->format = format_of[s->format];
    return;
  }
  w->format = V2V_FORMAT_RAW;
  snprintf (w->pool, sizeof w->pool, "%s", w->pools[s->pool_sel]);
  for (i = 0; i < w->nr_netmaps; ++i)
    snprintf (w->netmap_to[i], FIELD, "%s", w->networks[s->net_sel[i]]);
}

enum wiz_screen
screen_dest (struct wizard *w)
{
  struct dest_screen *s = &w->dest_scr;
  bool checked = false;
  int prev_type;

  for (;;) {
    struct field f[24];
    size_t n = dest_fields (w, checked, f);
    int a;

    ui_frame ("Destination", 4, UI_FORM_HELP);
    mvprintw (2, 2, "Where the converted VM goes.%s", checked && w->nr_netmaps
              ? "  Source networks (left) go to:" : "");
    if (s->focus >= (int) n)
      s->focus = (int) n - 1;
    prev_type = w->dest_type;
    a = ui_form (f, n, 4, &s->focus);
    if (a == ACT_NONE) {
      if (w->dest_type != prev_type)
        checked = false;        /* check the new kind of destination */
      continue;
    }
    if (a == ACT_BACK)
      return SCR_VM;
    if (a == ACT_CANCEL) {
      if (ui_confirm_quit ())
        return SCR_QUIT;
      continue;
    }
    if (a != ACT_NEXT)
      continue;
    if (w->dest_type == DEST_DIR && !w->dest_dir[0]) {
      ui_error ("give the directory");
      continue;
    }
    if (w->dest_type == DEST_LIBVIRT && strncmp (w->uri, "qemu", 4) != 0) {
      ui_error ("give the KVM host as qemu+ssh://USER@HOST/system");
      continue;
    }
    if (!checked) {
      checked = check_dest (w);
      s->pool_sel = 0;
      memset (s->net_sel, 0, sizeof s->net_sel);
      continue;
    }
    take_choices (w);
    return SCR_REVIEW;
  }
}
