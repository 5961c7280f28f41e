/* The form widget: text, secret and choice fields and buttons, moved
 * through with Tab and the arrows; Enter, F10 and F2 leave it.
 * Function keys have letter equivalents for consoles that lack them.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "wizard.h"

#define CTRL(c) ((c) & 0x1f)

static void
draw_field (const struct field *f, int row, bool focus)
{
  char shown[FIELD + 8];

  move (row, 0);
  clrtoeol ();
  if (f->type == F_LABEL) {
    mvprintw (row, 2, "%.*s", COLS - 4, f->label);
    return;
  }
  if (f->type == F_BUTTON) {
    if (focus)
      attron (A_REVERSE);
    mvprintw (row, 2, "< %s >", f->label);
    attroff (A_REVERSE);
    return;
  }
  mvprintw (row, 2, "%-14.14s", f->label);
  switch (f->type) {
  case F_CHOICE:
    snprintf (shown, sizeof shown, "< %s >", f->choices[*f->choice]);
    break;
  case F_SECRET: {
    size_t n = strlen (f->value);
    memset (shown, '*', n > 40 ? 40 : n);
    shown[n > 40 ? 40 : n] = '\0';
    break;
  }
  default: {
    size_t n = strlen (f->value);
    snprintf (shown, sizeof shown, "%s", n > 56 ? f->value + n - 56 : f->value);
  }
  }
  if (focus)
    attron (A_REVERSE);
  mvprintw (row, 17, "[%-58.58s]", shown);
  attroff (A_REVERSE);
  if (focus && f->type != F_CHOICE) {
    move (row, 18 + (int) strlen (shown) > 75 ? 75
          : 18 + (int) strlen (shown));
  }
}

static bool
focusable (const struct field *f)
{
  return !f->hidden && f->type != F_LABEL;
}

static int
next_focus (struct field *fields, size_t n, int from, int dir)
{
  int i = from;
  size_t k;

  for (k = 0; k < n; ++k) {
    i = (i + dir + (int) n) % (int) n;
    if (focusable (&fields[i]))
      return i;
  }
  return from;
}

/* Draw the fields from row top, the focused one last (the cursor
 * stays on it).
 */
static void
draw_fields (const struct field *fields, size_t n, int top, int focus)
{
  const struct field *f = &fields[focus];
  int row = top;
  size_t i;

  for (i = 0; i < n; ++i) {
    if (fields[i].hidden)
      continue;
    draw_field (&fields[i], row++, (int) i == focus);
  }
  curs_set (f->type == F_TEXT || f->type == F_SECRET ? 1 : 0);
  /* put the cursor back on the focused field */
  row = top;
  for (i = 0; i < (size_t) focus; ++i)
    row += !fields[i].hidden;
  draw_field (f, row, true);
  refresh ();
}

/* A key typed in a text or secret field. */
static void
edit_text (struct field *f, int ch)
{
  size_t len = strlen (f->value);

  if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && len > 0)
    f->value[len - 1] = '\0';
  else if (ch == CTRL ('u'))
    f->value[0] = '\0';
  else if (ch >= 32 && ch < 127 && len < FIELD - 1) {
    f->value[len] = (char) ch;
    f->value[len + 1] = '\0';
  }
  ui_clear_error ();
}

/* The next (KEY_LEFT: previous) value of a choice field. */
static void
step_choice (struct field *f, int ch)
{
  int k = 0;

  while (f->choices[k])
    k++;
  *f->choice = (*f->choice + (ch == KEY_LEFT ? k - 1 : 1)) % k;
}

/* Edit the fields until the operator leaves: returns ACT_NEXT (F10, or
 * Enter on the last text field), ACT_BACK (F2), ACT_CANCEL (Esc), or a
 * button's action.  *focus keeps the focused field between calls.
 */
int
ui_form (struct field *fields, size_t n, int top, int *focus)
{
  if (!focusable (&fields[*focus]))
    *focus = next_focus (fields, n, *focus, 1);
  for (;;) {
    struct field *f = &fields[*focus];
    int ch;

    draw_fields (fields, n, top, *focus);
    ch = ui_key (stdscr);
    switch (ch) {
    case KEY_RESIZE:
      return ACT_NONE;          /* the screen redraws itself */
    case 27:
      return ACT_CANCEL;
    case KEY_F (2): case CTRL ('b'):
      return ACT_BACK;
    case KEY_F (10): case CTRL ('n'):
      return ACT_NEXT;
    case '\t': case KEY_DOWN:
      *focus = next_focus (fields, n, *focus, 1);
      break;
    case KEY_BTAB: case KEY_UP:
      *focus = next_focus (fields, n, *focus, -1);
      break;
    case '\n': case '\r': case KEY_ENTER:
      if (f->type == F_BUTTON)
        return f->action;
      if (next_focus (fields, n, *focus, 1) <= *focus)
        return ACT_NEXT;
      *focus = next_focus (fields, n, *focus, 1);
      if (fields[*focus].type == F_BUTTON && fields[*focus].action == ACT_NEXT)
        return ACT_NEXT;
      break;
    case KEY_LEFT: case KEY_RIGHT: case ' ':
      if (f->type == F_CHOICE) {
        step_choice (f, ch);
        return ACT_NONE;        /* the screen may show other fields */
      }
      if (ch != ' ')
        break;
      /* a space in a text field */
      __attribute__ ((fallthrough));
    default:
      if (f->type == F_TEXT || f->type == F_SECRET)
        edit_text (f, ch);
    }
  }
}
