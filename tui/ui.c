/* Drawing and keys for the wizard, readable without colour on an 80x25
 * VGA or serial console: a title bar with the step, a form of fields and
 * buttons (Tab, arrows, Enter), an error line, and a key help line.
 * Function keys have letter equivalents for consoles that lack them.
 */
#include <ctype.h>
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wizard.h"

#define CTRL(c) ((c) & 0x1f)

static bool started;

void
ui_init (void)
{
  initscr ();
  started = true;
  raw ();
  noecho ();
  keypad (stdscr, TRUE);
  set_escdelay (50);
  curs_set (0);
}

/* Leave the terminal as it was; safe to call twice and from a signal. */
void
ui_end (void)
{
  if (started) {
    started = false;
    curs_set (1);
    endwin ();
  }
}

/* A key; 0 for an escape sequence the terminal's description does not
 * know (F10 on a vt100), so that it is ignored instead of taken as Esc.
 */
int
ui_key (WINDOW *win)
{
  int ch = wgetch (win), next;

  if (ch != 27)
    return ch;
  nodelay (win, TRUE);
  next = wgetch (win);
  if (next != ERR)
    while (wgetch (win) != ERR)
      ;
  nodelay (win, FALSE);
  return next == ERR ? 27 : 0;
}

/* Plain characters, not the line-drawing set: serial consoles and
 * terminal logs show them as they are.
 */
static void
hline_at (int row)
{
  move (row, 0);
  hline ('-', COLS);
}

static void
frame_box (WINDOW *win)
{
  wborder (win, '|', '|', '-', '-', '+', '+', '+', '+');
}

void
ui_frame (const char *title, int step, const char *help)
{
  char right[32] = "";

  erase ();
  attron (A_REVERSE);
  move (0, 0);
  hline (' ', COLS);
  mvprintw (0, 1, "v2vboot %s - %s", V2V_VERSION, title);
  if (step > 0)
    snprintf (right, sizeof right, "step %d of 6", step);
  mvprintw (0, COLS - (int) strlen (right) - 1, "%s", right);
  attroff (A_REVERSE);
  hline_at (1);
  hline_at (LINES - 2);
  mvprintw (LINES - 1, 1, "%.*s", COLS - 2, help);
}

static void
vstatus (int row, int attr, const char *fmt, va_list ap)
{
  char buf[1024];
  int y = row < 0 ? LINES + row : row;

  vsnprintf (buf, sizeof buf, fmt, ap);
  move (y, 0);
  clrtoeol ();
  attron (attr);
  mvprintw (y, 1, "%.*s", COLS - 2, buf);
  attroff (attr);
}

void
ui_status (int row, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  vstatus (row, A_NORMAL, fmt, ap);
  va_end (ap);
  refresh ();
}

/* Errors take the 3 lines above the bottom rule, wrapped. */
void
ui_error (const char *fmt, ...)
{
  char buf[1024];
  va_list ap;
  int width = COLS - 4, row, len, i;

  va_start (ap, fmt);
  vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  ui_clear_error ();
  len = (int) strlen (buf);
  for (row = 0, i = 0; row < 3 && i < len; ++row) {
    int n = len - i > width ? width : len - i;
    if (len - i > width) {
      int k = n;
      while (k > 0 && buf[i + k] != ' ')
        k--;
      if (k > 0)
        n = k;
    }
    attron (A_BOLD);
    mvprintw (LINES - 5 + row, 1, "%s%.*s", row ? "  " : "! ", n, buf + i);
    attroff (A_BOLD);
    i += n;
    while (buf[i] == ' ')
      i++;
  }
  refresh ();
}

void
ui_clear_error (void)
{
  int r;

  for (r = LINES - 5; r < LINES - 2; ++r) {
    move (r, 0);
    clrtoeol ();
  }
}

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
    int row = top, ch;
    size_t i;
    struct field *f;

    for (i = 0; i < n; ++i) {
      if (fields[i].hidden)
        continue;
      draw_field (&fields[i], row++, (int) i == *focus);
    }
    f = &fields[*focus];
    curs_set (f->type == F_TEXT || f->type == F_SECRET ? 1 : 0);
    /* put the cursor back on the focused field */
    row = top;
    for (i = 0; i < (size_t) *focus; ++i)
      row += !fields[i].hidden;
    draw_field (f, row, true);
    refresh ();
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
        int k = 0;
        while (f->choices[k])
          k++;
        *f->choice = (*f->choice + (ch == KEY_LEFT ? k - 1 : 1)) % k;
        return ACT_NONE;        /* the screen may show other fields */
      }
      if (ch != ' ')
        break;
      /* a space in a text field */
      __attribute__ ((fallthrough));
    default:
      if ((f->type == F_TEXT || f->type == F_SECRET)) {
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
    }
  }
}

/* A centred box with a question; y or Enter on Yes answers yes. */
bool
ui_confirm (const char *question, const char *detail)
{
  int w = COLS - 10, h = detail ? 8 : 6, y = (LINES - h) / 2, x = 5;
  bool yes = false;
  WINDOW *win = newwin (h, w, y, x);

  keypad (win, TRUE);
  for (;;) {
    int ch;
    werase (win);
    frame_box (win);
    mvwprintw (win, 1, 2, "%.*s", w - 4, question);
    if (detail) {
      mvwprintw (win, 3, 2, "%.*s", w - 4, detail);
      if ((int) strlen (detail) > w - 4)
        mvwprintw (win, 4, 2, "%.*s", w - 4, detail + w - 4);
    }
    if (yes) wattron (win, A_REVERSE);
    mvwprintw (win, h - 2, w / 2 - 12, "< Yes >");
    wattroff (win, A_REVERSE);
    if (!yes) wattron (win, A_REVERSE);
    mvwprintw (win, h - 2, w / 2 + 4, "< No >");
    wattroff (win, A_REVERSE);
    wrefresh (win);
    ch = ui_key (win);
    if (ch == 'y' || ch == 'Y') { yes = true; break; }
    if (ch == 'n' || ch == 'N' || ch == 27) { yes = false; break; }
    if (ch == '\t' || ch == KEY_LEFT || ch == KEY_RIGHT)
      yes = !yes;
    if (ch == '\n' || ch == '\r' || ch == KEY_ENTER)
      break;
  }
  delwin (win);
  touchwin (stdscr);
  refresh ();
  return yes;
}

/* Cancel on a screen before the conversion: ask first. */
bool
ui_confirm_quit (void)
{
  return ui_confirm ("Quit the wizard?", "Nothing has been converted.");
}

/* One line of text in a box; false on Esc. */
bool
ui_prompt (const char *question, char *buf, size_t len)
{
  int w = COLS - 10, h = 6, y = (LINES - h) / 2, x = 5;
  WINDOW *win = newwin (h, w, y, x);
  bool ok = false;

  keypad (win, TRUE);
  curs_set (1);
  for (;;) {
    int ch;
    size_t n = strlen (buf);
    werase (win);
    frame_box (win);
    mvwprintw (win, 1, 2, "%.*s", w - 4, question);
    mvwprintw (win, 3, 2, "[%-*.*s]", w - 6, w - 6,
               n > (size_t) (w - 7) ? buf + n - (w - 7) : buf);
    wmove (win, 3, 3 + (int) (n > (size_t) (w - 7) ? (size_t) (w - 7) : n));
    wrefresh (win);
    ch = ui_key (win);
    if (ch == 27)
      break;
    if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
      ok = true;
      break;
    }
    if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n > 0)
      buf[n - 1] = '\0';
    else if (ch >= 32 && ch < 127 && n + 1 < len) {
      buf[n] = (char) ch;
      buf[n + 1] = '\0';
    }
  }
  curs_set (0);
  delwin (win);
  touchwin (stdscr);
  refresh ();
  return ok;
}

/* A scrolling list with a filter line: type to filter, arrows to move,
 * Enter to choose (returns the row's index), F2 back, F10 next (returns
 * -ACT_NEXT etc. as negative actions), Tab leaves the list (-ACT_OTHER).
 */
int
ui_list (const char *title, const char *const *rows, size_t n, int top,
         int height, char *filter, int *sel)
{
  for (;;) {
    size_t i, shown = 0, idx[MAX_ITEMS];
    int first, ch, r;

    for (i = 0; i < n && shown < MAX_ITEMS; ++i)
      if (!filter[0] || strcasestr (rows[i], filter))
        idx[shown++] = i;
    if (*sel >= (int) shown)
      *sel = shown ? (int) shown - 1 : 0;
    first = *sel >= height ? *sel - height + 1 : 0;
    mvprintw (top, 2, "%s", title);
    move (top + 1, 0);
    clrtoeol ();
    mvprintw (top + 1, 2, "Filter: %-40.40s (%zu of %zu)", filter, shown, n);
    for (r = 0; r < height; ++r) {
      move (top + 2 + r, 0);
      clrtoeol ();
      if (first + r < (int) shown) {
        if (first + r == *sel)
          attron (A_REVERSE);
        mvprintw (top + 2 + r, 2, "%-76.76s", rows[idx[first + r]]);
        attroff (A_REVERSE);
      }
    }
    curs_set (0);
    refresh ();
    ch = ui_key (stdscr);
    switch (ch) {
    case KEY_RESIZE: return UI_LIST_REDRAW;
    case 27: return -ACT_CANCEL;
    case KEY_F (2): case CTRL ('b'): return -ACT_BACK;
    case KEY_F (10): case CTRL ('n'): return -ACT_NEXT;
    case '\t': return -ACT_OTHER;
    case KEY_UP: if (*sel > 0) (*sel)--; break;
    case KEY_DOWN: if (*sel + 1 < (int) shown) (*sel)++; break;
    case KEY_PPAGE: *sel = *sel > height ? *sel - height : 0; break;
    case KEY_NPAGE: *sel += height; break;
    case '\n': case '\r': case KEY_ENTER:
      if (shown > 0)
        return (int) idx[*sel];
      break;
    case KEY_BACKSPACE: case 127: case 8:
      if (filter[0])
        filter[strlen (filter) - 1] = '\0';
      break;
    default:
      if (ch >= 32 && ch < 127 && strlen (filter) < 40) {
        size_t l = strlen (filter);
        filter[l] = (char) ch;
        filter[l + 1] = '\0';
        *sel = 0;
      }
    }
  }
}
