/* The list widget: a scrolling list of rows with a filter line. */
#include <curses.h>
#include <string.h>

#include "wizard.h"

#define CTRL(c) ((c) & 0x1f)

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
