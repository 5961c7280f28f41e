/* Step 5, the review: every answer on one screen; save them as a
 * kickstart (the password in a 0600 file beside it), or start.
 */
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "wizard.h"

enum { ACT_SAVE = 100, ACT_START };

static const char *const verify_choices[] = {
  "no", "yes: boot it once, isolated, and report", NULL
};

/* The answers, from row 2; the row after them. */
static int
draw_answers (const struct wizard *w)
{
  int row = 2;
  size_t i;

  mvprintw (row++, 2, "Source:      %s://%s@%s%s", w->src_type == SRC_SSH
            ? "ssh" : "https", w->user, w->server, w->thumbprint[0]
            ? " (certificate pinned)" : "");
  mvprintw (row++, 2, "VM:          %.64s", w->vmx[0] ? w->vmx
            : w->disk_path);
  mvprintw (row++, 2, "New name:    %.64s", w->vm_name[0] ? w->vm_name
            : "(from the .vmx)");
  if (w->virtio_win[0])
    mvprintw (row++, 2, "Drivers:     %.64s", w->virtio_win);
  if (w->dest_type == DEST_LIBVIRT)
    mvprintw (row++, 2, "Destination: pool %s on %.50s", w->pool, w->uri);
  else
    mvprintw (row++, 2, "Destination: %.50s (%s)", w->dest_dir,
              w->format == V2V_FORMAT_RAW ? "raw" : "qcow2");
  for (i = 0; i < w->nr_netmaps; ++i)
    mvprintw (row++, 2, "Network:     \"%s\" -> %s", w->netmap_from[i],
              w->netmap_to[i]);
  row++;
  mvprintw (row++, 2, "Before anything is copied, the agent checks again:");
  mvprintw (row++, 4, "the destination, the login, every disk, the names "
            "it will write;");
  mvprintw (row++, 4, "the guest's OS and free space; the converted size "
            "against free space.");
  mvprintw (row++, 2, "The source is only read.");
  if (w->verify_boot)
    mvprintw (row++, 2, "Then the new VM boots once, off the network, to "
              "show that it boots.");
  return row;
}

/* Save as a kickstart where the operator says; note says what was done. */
static void
save (struct wizard *w, char *note, size_t len)
{
  char path[FIELD], pw[FIELD + 16];

  snprintf (path, sizeof path, "%s", w->ks_path[0] ? w->ks_path
            : "/root/v2vboot.ks");
  if (!ui_prompt ("Save the kickstart as (the password goes beside it, "
                  "mode 0600, as FILE.password; a LUKS key as "
                  "FILE.luks-key):", path, sizeof path))
    return;
  snprintf (pw, sizeof pw, "%s.password", path);
  if (ks_write (w, path, pw) == -1)
    ui_error ("cannot save %s: %s", path, strerror (errno));
  else {
    snprintf (w->ks_path, sizeof w->ks_path, "%s", path);
    snprintf (note, len, "Saved %s", path);
  }
}

enum wiz_screen
screen_review (struct wizard *w)
{
  struct field f[] = {
    { "Back", F_BUTTON, NULL, NULL, NULL, false, ACT_BACK },
    { "Save as kickstart", F_BUTTON, NULL, NULL, NULL, false, ACT_SAVE },
    { "Start the conversion", F_BUTTON, NULL, NULL, NULL, false, ACT_START },
    { "Verify boot", F_CHOICE, NULL, &w->verify_boot, verify_choices,
      false, 0 },
  };
  int focus = 2;
  char note[FIELD * 2] = "";

  for (;;) {
    int a, row;
    ui_frame ("Review", 5, "Tab/arrows move  Enter press  ^B/F2 Back  "
              "Esc Cancel");
    row = draw_answers (w);
    mvprintw (LINES - 6, 2, "%.76s", note);
    a = ui_form (f, 4, row + 1, &focus);
    if (a == ACT_BACK)
      return SCR_DEST;
    if (a == ACT_CANCEL) {
      if (ui_confirm_quit ())
        return SCR_QUIT;
      continue;
    }
    if (a == ACT_SAVE) {
      save (w, note, sizeof note);
      continue;
    }
    if (a == ACT_START || a == ACT_NEXT)
      return SCR_PROGRESS;
  }
}
