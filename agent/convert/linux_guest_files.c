/* The Linux conversion's access to the guest: files by pattern, text
 * files read and written whole, commands in its chroot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guestfs.h>

#include "internal.h"

/* Expand a pattern into existing regular files.  Caller frees. */
char **
v2v_guest_glob_files (guestfs_h *g, const char *pattern)
{
  char **paths = guestfs_glob_expand (g, pattern);
  size_t i, j;

  if (paths == NULL)
    return NULL;
  for (i = j = 0; paths[i]; ++i) {
    if (guestfs_is_file (g, paths[i]) > 0)
      paths[j++] = paths[i];
    else
      free (paths[i]);
  }
  paths[j] = NULL;
  return paths;
}

bool
v2v_guest_exists (guestfs_h *g, const char *path)
{
  return guestfs_exists (g, path) > 0;
}

char *
v2v_guest_read_text (guestfs_h *g, const char *path)
{
  size_t size;
  char *content = guestfs_read_file (g, path, &size);

  if (content && memchr (content, '\0', size) != NULL) {
    free (content);             /* binary: not ours to edit */
    return NULL;
  }
  return content;
}

int
v2v_guest_write_text (struct run *run, const char *path, const char *text)
{
  if (guestfs_write (run->g, path, text, strlen (text)) == -1)
    return v2v_guestfs_error (run->g, path);
  return 0;
}

/* Run argv in the guest's chroot; errors carry the command's output. */
int
v2v_guest_command (struct run *run, char **argv)
{
  CLEANUP_FREE char *out = NULL;

  v2v_debug ("in guest: %s %s", argv[0], argv[1] ? argv[1] : "");
  out = guestfs_command (run->g, argv);
  if (out == NULL) {
    v2v_error ("in the guest, %s failed: %s", argv[0],
               guestfs_last_error (run->g));
    return -1;
  }
  v2v_debug ("%s", out);
  return 0;
}
