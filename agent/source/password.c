/* Read the operator's password file.  The password lives in memory and in
 * one 0600 file inside the 0700 work directory (for nbdkit's
 * password=+FILE); it never reaches argv, logs or events.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define MAX_PASSWORD 1024

/* Returns the secret in file (caller frees with v2v_free_password) or
 * NULL; what names it in messages ("password file", "LUKS key file").
 * The read buffer is wiped on every path.
 */
char *
v2v_read_secret_file (struct run *run, const char *what, const char *file)
{
  CLEANUP_CLOSE int fd = -1;
  struct stat st;
  char buf[MAX_PASSWORD + 2];
  ssize_t n;
  size_t len = 0;
  char *pw = NULL;

  fd = open (file, O_RDONLY | O_CLOEXEC);
  if (fd == -1) {
    v2v_error ("%s %s: %m", what, file);
    return NULL;
  }
  if (fstat (fd, &st) == -1 || !S_ISREG (st.st_mode)) {
    v2v_error ("%s %s: not a regular file", what, file);
    return NULL;
  }
  if (st.st_mode & 077)
    v2v_warning (run, "%s %s can be read by other users "
                 "(mode %03o): make it 0600", what, file,
                 (unsigned) (st.st_mode & 0777));
  while (len < sizeof buf - 1) {
    n = read (fd, buf + len, sizeof buf - 1 - len);
    if (n == -1 && errno == EINTR)
      continue;
    if (n == -1) {
      v2v_error ("%s %s: %m", what, file);
      goto out;
    }
    if (n == 0)
      break;
    len += (size_t) n;
  }
  if (len > MAX_PASSWORD) {
    v2v_error ("%s %s: longer than %d bytes", what, file,
               MAX_PASSWORD);
    goto out;
  }
  /* One trailing newline is the editor's, not the secret's. */
  if (len > 0 && buf[len - 1] == '\n')
    len--;
  if (len > 0 && buf[len - 1] == '\r')
    len--;
  if (memchr (buf, '\0', len) != NULL) {
    v2v_error ("%s %s: contains a NUL byte", what, file);
    goto out;
  }
  pw = strndup (buf, len);
  if (pw == NULL)
    v2v_error ("strndup: %m");
 out:
  explicit_bzero (buf, sizeof buf);
  return pw;
}

char *
v2v_read_password_file (struct run *run, const char *file)
{
  return v2v_read_secret_file (run, "password file", file);
}

void
v2v_free_password (char *pw)
{
  if (pw) {
    explicit_bzero (pw, strlen (pw));
    free (pw);
  }
}

/* Write the password to a new 0600 file; returns its path (caller frees).
 * A partial file is removed.
 */
char *
v2v_write_secret (const char *workdir, const char *name, const char *secret)
{
  char *path;
  int fd;
  size_t len = strlen (secret);
  ssize_t n;

  if (asprintf (&path, "%s/%s", workdir, name) == -1) {
    v2v_error ("out of memory");
    return NULL;
  }
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
             0600);
  if (fd == -1) {
    v2v_error ("%s: %m", path);
    free (path);
    return NULL;
  }
  n = write (fd, secret, len);
  if (n != (ssize_t) len) {
    if (n >= 0)
      errno = ENOSPC;           /* a short write */
    v2v_error ("%s: %m", path);
    close (fd);
  }
  else if (close (fd) == -1)
    v2v_error ("%s: %m", path);
  else
    return path;
  unlink (path);
  free (path);
  return NULL;
}
