/* The final rename of an output never replaces a file: renameat2's
 * RENAME_NOREPLACE, and the link+unlink used where a filesystem has no
 * renameat2 (output_local.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "internal.h"
#include "unit.h"

static void
put (const char *path, const char *text)
{
  FILE *f = fopen (path, "w");

  CHECK (f != NULL);
  if (f) {
    fputs (text, f);
    fclose (f);
  }
}

static char got[64];

static const char *
get (const char *path)
{
  FILE *f = fopen (path, "r");
  size_t n = 0;

  got[0] = '\0';
  if (f) {
    n = fread (got, 1, sizeof got - 1, f);
    fclose (f);
  }
  got[n] = '\0';
  return got;
}

static void
check_one (int (*fn) (const char *, const char *), const char *dir)
{
  char part[256], final[256], other[256];

  snprintf (part, sizeof part, "%s/.vm-sda.qcow2.part", dir);
  snprintf (final, sizeof final, "%s/vm-sda.qcow2", dir);
  snprintf (other, sizeof other, "%s/vm-sdb.qcow2", dir);
  put (part, "mine");
  put (final, "winner's");

  /* The target exists: refused with EEXIST, both files as they were. */
  errno = 0;
  CHECK (fn (part, final) == -1);
  CHECK (errno == EEXIST);
  CHECK_STR (get (final), "winner's");
  CHECK_STR (get (part), "mine");

  /* A free name: moved. */
  CHECK (fn (part, other) == 0);
  CHECK_STR (get (other), "mine");
  CHECK (access (part, F_OK) == -1 && errno == ENOENT);

  /* A missing source: an error, nothing made. */
  CHECK (fn (part, part) == -1);
  unlink (final);
  unlink (other);
}

int
main (void)
{
  char dir[] = "/tmp/v2vboot-rename.XXXXXX";

  CHECK (mkdtemp (dir) != NULL);
  check_one (v2v_rename_noreplace, dir);
  check_one (v2v_link_noreplace, dir);
  rmdir (dir);
  return unit_done ("rename-noreplace");
}
