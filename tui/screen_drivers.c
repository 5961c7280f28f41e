/* The Windows drivers picker: virtio-win ISOs and directories found on
 * the image's media ($V2VBOOT_MEDIA, /run/v2vboot/media), a few levels
 * deep, to choose from; or the operator types a path or URL.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <ncurses.h>

#include "wizard.h"

#define MAX_DEPTH 3

static bool
is_virtio_win_dir (const char *path)
{
  char sub[FIELD + 16];
  struct stat st;

  snprintf (sub, sizeof sub, "%s/viostor", path);
  return stat (sub, &st) == 0 && S_ISDIR (st.st_mode);
}

static bool
is_virtio_win_iso (const char *name)
{
  size_t n = strlen (name);

  return n > 4 && strcasecmp (name + n - 4, ".iso") == 0 &&
    strcasestr (name, "virtio") != NULL;
}

static void
scan (const char *dir, int depth, struct drivers_screen *f)
{
  DIR *d = opendir (dir);
  struct dirent *e;

  if (d == NULL)
    return;
  while ((e = readdir (d)) != NULL && f->n < MAX_ITEMS) {
    char path[FIELD];
    struct stat st;

    if (e->d_name[0] == '.' ||
        snprintf (path, sizeof path, "%s/%s", dir, e->d_name) >=
        (int) sizeof path || stat (path, &st) == -1)
      continue;
    if (S_ISREG (st.st_mode) && is_virtio_win_iso (e->d_name))
      snprintf (f->paths[f->n++], FIELD, "%s", path);
    else if (S_ISDIR (st.st_mode) && is_virtio_win_dir (path))
      snprintf (f->paths[f->n++], FIELD, "%s", path);
    else if (S_ISDIR (st.st_mode) && depth < MAX_DEPTH)
      scan (path, depth + 1, f);
  }
  closedir (d);
}

/* Let the operator choose; true when w->virtio_win was set. */
bool
drivers_pick (struct wizard *w)
{
  struct drivers_screen *f = &w->drivers_scr;
  const char *media = getenv ("V2VBOOT_MEDIA");
  int sel = 0, r;
  size_t i;

  if (media == NULL)
    media = "/run/v2vboot/media";
  f->n = 0;
  scan (media, 1, f);
  if (f->n == 0) {
    ui_error ("no virtio-win ISO or directory on the media in %s: type "
              "its path or URL", media);
    return false;
  }
  for (i = 0; i < f->n; ++i)
    f->rows[i] = f->paths[i];
  ui_frame ("Windows drivers", 3, "Type to filter  Enter select  "
            "^B Back");
  mvprintw (2, 2, "virtio-win found on the media in %s: %zu.", media, f->n);
  r = ui_list ("ISO or directory", f->rows, f->n, 4, LINES - 11, f->filter,
               &sel);
  if (r < 0)
    return false;
  snprintf (w->virtio_win, sizeof w->virtio_win, "%s", f->paths[r]);
  return true;
}
