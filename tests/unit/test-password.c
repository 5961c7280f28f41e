/* The password file: read, refused when it is wrong, and never left in
 * memory on the way out, even on an error path (issue 12, defect 12).
 *
 * The wipe is checked by looking at the stack the reader used: right
 * after it returns, a function with a big uninitialised buffer at the
 * same depth sees whatever the reader left there.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "unit.h"

#define MARK "Zq7-SECRET-wipe-me-"

static char dir[] = "/tmp/v2vboot-test-password.XXXXXX";

/* How many copies of MARK the stack below us still holds (reading it
 * uninitialised is the point).
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
static size_t __attribute__ ((noinline, noclone))
stack_has_mark (void)
{
  volatile char stack[16384];
  size_t i, hits = 0, m = strlen (MARK);

  for (i = 0; i + m <= sizeof stack; ++i) {
    size_t k = 0;
    while (k < m && stack[i + k] == MARK[k])
      k++;
    if (k == m)
      hits++;
  }
  return hits;
}
#pragma GCC diagnostic pop

static char * __attribute__ ((noinline, noclone))
read_it (const char *file)
{
  struct v2v_config cfg = { 0 };
  struct run run = { .cfg = &cfg };

  return v2v_read_password_file (&run, file);
}

/* A password file of these bytes; the reader's result, and whether the
 * mark stayed on the stack.
 */
static void
try (const char *name, const char *content, size_t len, bool want_ok)
{
  char path[256];
  char *pw;
  size_t left;
  int fd;

  snprintf (path, sizeof path, "%s/%s", dir, name);
  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  CHECK (fd >= 0 && write (fd, content, len) == (ssize_t) len);
  close (fd);
  pw = read_it (path);
  left = stack_has_mark ();
  if (want_ok)
    CHECK (pw != NULL);
  else
    CHECK (pw == NULL);
  if (left)
    fprintf (stderr, "%s: the password was left on the stack (%zu copies)\n",
             name, left);
  CHECK (left == 0);
  v2v_free_password (pw);
}

int
main (void)
{
  char big[1200], nul[64], path[300];
  char *p;
  struct stat st;
  size_t i;

  if (mkdtemp (dir) == NULL) {
    perror ("mkdtemp");
    return 1;
  }
  for (i = 0; i + strlen (MARK) < sizeof big; i += strlen (MARK))
    memcpy (big + i, MARK, strlen (MARK));
  memset (big + i, 'x', sizeof big - i);
  try ("ok", MARK "\n", strlen (MARK) + 1, true);
  try ("too-long", big, sizeof big, false);
  snprintf (nul, sizeof nul, "%s", MARK);
  try ("nul", nul, strlen (MARK) + 3, false);   /* NUL bytes after it */

  /* The 0600 copy: new, never through a planted link. */
  p = v2v_write_secret (dir, "secret", MARK);
  CHECK (p != NULL && stat (p, &st) == 0 && (st.st_mode & 0777) == 0600);
  free (p);
  snprintf (path, sizeof path, "%s/planted", dir);
  CHECK (symlink ("/nonexistent-target", path) == 0);
  CHECK (v2v_write_secret (dir, "planted", MARK) == NULL);
  CHECK (access ("/nonexistent-target", F_OK) == -1);

  snprintf (path, sizeof path, "rm -rf '%s'", dir);
  CHECK (system (path) == 0);
  return unit_done ("password");
}
