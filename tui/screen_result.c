/* The result screen: what was made and what to do next, or the agent's
 * reason and a Retry that goes back to the screen where it can be fixed
 * (by the stage that failed).
 */
#include <curses.h>
#include <string.h>

#include "wizard.h"

enum { ACT_RETRY = 200, ACT_AGAIN, ACT_EXIT };

/* The converted VM, from row; the row after it. */
static int
draw_made (const struct wizard *w, int row)
{
  const char *colon = strstr (w->next, ": ");

  mvprintw (row++, 4, "New VM:  %.66s", w->new_name);
  mvprintw (row++, 4, "Written: %.66s", w->output);
  mvprintw (row++, 4, "Took:    %.0f s", w->seconds);
  if (w->verify[0])
    mvprintw (row++, 4, "Verify:  %.66s", w->verify);
  if (colon) {                  /* "define it with: virsh define ..." */
    mvprintw (row++, 4, "Next:    %.*s:", (int) (colon - w->next),
              w->next);
    mvprintw (row++, 6, "%.72s", colon + 2);
  }
  return row + 1;
}

/* The agent's message, wrapped, from row; the row after it. */
static int
draw_reason (const struct wizard *w, int row)
{
  const char *r = w->result;

  while (*r && row < LINES - 8) {
    int n = (int) strlen (r) > 74 ? 74 : (int) strlen (r);
    if ((int) strlen (r) > 74)
      while (n > 0 && r[n] != ' ')
        n--;
    if (n == 0)
      n = 74;
    mvprintw (row++, 4, "%.*s", n, r);
    r += n;
    while (*r == ' ')
      r++;
  }
  return row + 1;
}

/* The screen where the failed stage's cause is fixed. */
static enum wiz_screen
retry_screen (const struct wizard *w)
{
  if (strcmp (w->failed_stage, "source") == 0)
    return SCR_SOURCE;
  if (strcmp (w->failed_stage, "destination") == 0)
    return SCR_DEST;
  return SCR_REVIEW;
}

enum wiz_screen
screen_result (struct wizard *w)
{
  struct field ok_f[] = {
    { "Convert another VM", F_BUTTON, NULL, NULL, NULL, false, ACT_AGAIN },
    { "Quit", F_BUTTON, NULL, NULL, NULL, false, ACT_EXIT },
  };
  struct field fail_f[] = {
    { "Retry", F_BUTTON, NULL, NULL, NULL, false, ACT_RETRY },
    { "Quit", F_BUTTON, NULL, NULL, NULL, false, ACT_EXIT },
  };
  static const char *const screen_names[] = {
    [SCR_SOURCE] = "Source", [SCR_DEST] = "Destination",
    [SCR_REVIEW] = "Review",
  };
  int focus = 0;
  char *c;

  for (c = w->result; *c; ++c)  /* the agent's message may hold newlines */
    if (*c == '\n' || *c == '\t')
      *c = ' ';
  for (;;) {
    int a, row = 3;
    ui_frame (w->ok ? "Converted" : "Failed", 0, "Tab move  Enter press");
    attron (A_BOLD);
    mvprintw (row++, 2, "%s", w->ok ? "The VM was converted."
              : strcmp (w->failed_stage, "verify") == 0
              ? "The VM was converted, and kept, but it did not boot."
              : "The conversion failed.");
    attroff (A_BOLD);
    row++;
    row = w->ok ? draw_made (w, row) : draw_reason (w, row);
    if (!w->ok && w->failed_stage[0])
      mvprintw (row++, 2, "Retry goes back to the %s screen to fix it.",
                screen_names[retry_screen (w)]);
    a = ui_form (w->ok ? ok_f : fail_f, 2, row + 1, &focus);
    if (a == ACT_EXIT || a == ACT_CANCEL)
      return SCR_QUIT;
    if (a == ACT_AGAIN) {
      w->vmx[0] = w->vm_name[0] = w->disk_path[0] = '\0';
      return SCR_VM;
    }
    if (a == ACT_RETRY)
      return retry_screen (w);
  }
}
