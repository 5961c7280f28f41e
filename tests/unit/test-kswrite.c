/* The wizard's "save as kickstart": FILE.password is a new 0600 file,
 * never written through a link planted at its name (issue 12, defect
 * 12).  tui/kswrite.c is built in here, with the wizard's answers
 * made into a config by tui/wizard_config.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../tui/kswrite.c"
#include "../../tui/wizard_config.c"
#include "unit.h"

static char *
slurp (const char *path)
{
  static char buf[4096];
  int fd = open (path, O_RDONLY);
  ssize_t n = fd >= 0 ? read (fd, buf, sizeof buf - 1) : -1;

  if (fd >= 0)
    close (fd);
  buf[n > 0 ? n : 0] = '\0';
  return buf;
}

int
main (void)
{
  static struct wizard w;
  char dir[] = "/tmp/v2vboot-test-kswrite.XXXXXX";
  char ks[256], pw[300], target[300], cmd[300];
  struct stat st;

  if (mkdtemp (dir) == NULL) {
    perror ("mkdtemp");
    return 1;
  }
  snprintf (w.server, sizeof w.server, "esx.example.com");
  snprintf (w.user, sizeof w.user, "root");
  snprintf (w.dest_dir, sizeof w.dest_dir, "%s", dir);
  snprintf (w.password, sizeof w.password, "S3cret-pw");
  snprintf (w.disk_path, sizeof w.disk_path, "[ds1] vm/vm-flat.vmdk");
  snprintf (w.vm_name, sizeof w.vm_name, "vm");
  snprintf (ks, sizeof ks, "%s/v2vboot.ks", dir);
  snprintf (pw, sizeof pw, "%s.password", ks);
  snprintf (target, sizeof target, "%s/victim", dir);

  /* A link planted at FILE.password: refused, the target untouched. */
  CHECK (close (open (target, O_WRONLY | O_CREAT, 0644)) == 0);
  CHECK (symlink (target, pw) == 0);
  errno = 0;
  CHECK (ks_write (&w, ks, pw) == -1);
  CHECK (errno == EEXIST);
  CHECK_STR (slurp (target), "");
  CHECK (lstat (pw, &st) == 0 && S_ISLNK (st.st_mode));
  /* A link to a file that does not exist yet: not created either. */
  CHECK (unlink (pw) == 0 && unlink (target) == 0);
  CHECK (symlink (target, pw) == 0);
  CHECK (ks_write (&w, ks, pw) == -1);
  CHECK (access (target, F_OK) == -1);
  CHECK (unlink (pw) == 0);

  /* No link: a 0600 file with the password, even under umask 0; a second
   * save replaces it.
   */
  umask (0);
  CHECK (ks_write (&w, ks, pw) == 0);
  CHECK (stat (pw, &st) == 0 && S_ISREG (st.st_mode) &&
         (st.st_mode & 0777) == 0600);
  CHECK_STR (slurp (pw), "S3cret-pw\n");
  CHECK_CONTAINS (slurp (ks), pw);
  snprintf (w.password, sizeof w.password, "other");
  CHECK (ks_write (&w, ks, pw) == 0);
  CHECK_STR (slurp (pw), "other\n");

  /* The guest's LUKS key: in a 0600 FILE.luks-key named by luks
   * --key-file, never in the kickstart itself.
   */
  snprintf (w.luks_key, sizeof w.luks_key, "Luks-K3y");
  CHECK (ks_write (&w, ks, pw) == 0);
  snprintf (target, sizeof target, "%s.luks-key", ks);
  CHECK (stat (target, &st) == 0 && S_ISREG (st.st_mode) &&
         (st.st_mode & 0777) == 0600);
  CHECK_STR (slurp (target), "Luks-K3y\n");
  CHECK_CONTAINS (slurp (ks), "luks --key-file=");
  CHECK_CONTAINS (slurp (ks), target);
  CHECK (strstr (slurp (ks), "Luks-K3y") == NULL);

  /* The operator's yes to shutting a powered-on VM down first. */
  CHECK (strstr (slurp (ks), "--shutdown-source") == NULL);
  w.shutdown_source = true;
  CHECK (ks_write (&w, ks, pw) == 0);
  CHECK_CONTAINS (slurp (ks), "options --shutdown-source\n");

  snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK (system (cmd) == 0);
  return unit_done ("kswrite");
}
