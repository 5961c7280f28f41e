/* The wizard's terminal, readable without colour on an 80x25 VGA or
 * serial console: set-up and restore, keys, and each screen's frame (a
 * title bar with the step, a status line, an error line, a key help
 * line).  The widgets are in ui_form.c, ui_dialog.c and ui_list.c.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "wizard.h"

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
