/* Dialogs in a box over the screen: a yes/no question, a line of text.
 * Plain characters, not the line-drawing set: serial consoles and
 * terminal logs show them as they are.
 */
#include <curses.h>
#include <string.h>

#include "wizard.h"

static void
frame_box (WINDOW *win)
{
  wborder (win, '|', '|', '-', '-', '+', '+', '+', '+');
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
